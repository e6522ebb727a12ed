"""The legend: drawn items by category, how places are known, region-wide items (listed, never
painted), items outside the plan region, and the base map. Rows flow in columns; when they do
not fit, the item list folds into its categories, then the text shrinks a little.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import shapely
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle, Rectangle

from geo_app import details
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData
from geo_app.printmap import items as it
from geo_app.printmap.base import colour
from geo_app.printmap.text import find_cjk_font, literal, measure_renderer, put

SYMBOL_W = 7.0


def _l(key: str, lang: str) -> str:
    return t(f"print_{key}", lang)


class Flow:
    """Legend rows flowing in columns inside an axes whose data units are millimetres.

    A dry flow (``ax=None``) only measures, so the fitting tries cost no artists.
    """

    def __init__(self, fig, rect_frac, w_mm: float, h_mm: float, row_mm: float, font: float, dry: bool = False):
        self.ax = None
        if not dry:
            self.ax = fig.add_axes(rect_frac)
            self.ax.set_xlim(0, w_mm)
            self.ax.set_ylim(0, h_mm)
            self.ax.set_axis_off()
            self.ax.set_gid("legend")
        self.fig, self.w, self.h = fig, w_mm, h_mm
        self.row, self.font = row_mm, font
        self.col_x, self.y, self.col_w = 0.0, h_mm, 0.0
        self.overflow = False

    def text(self, x_mm, y_mm, s, **kw):
        width = text_width_mm(literal(s), kw.get("fontsize", self.font), kw.get("fontweight", "normal"))
        self.col_w = max(self.col_w, (x_mm - self.col_x) + width)
        if self.col_x + self.col_w > self.w + 0.5:
            self.overflow = True
        if self.ax is None:
            return None
        return put(self.ax, x_mm, y_mm, s, va="center", ha="left", **kw)

    def next_col(self, need_mm: float) -> None:
        if self.y - need_mm < 0:
            self.col_x += self.col_w + 5
            self.col_w, self.y = 0.0, self.h
            if self.col_x > self.w:
                self.overflow = True

    def header(self, s: str, keep: int = 1):
        self.next_col(self.row * (1.4 + min(keep, 3)))
        if self.y < self.h:
            self.y -= self.row * 0.35
        t_ = self.text(
            self.col_x, self.y - self.row / 2, s, fontsize=self.font + 0.8, fontweight="bold", color="#222222"
        )
        self.y -= self.row
        return t_

    def item(self, draw, label: str, color: str = "#222222", indent: float = 0.0, gid: str | None = None) -> None:
        self.next_col(self.row)
        yc = self.y - self.row / 2
        if draw is not None and self.ax is not None:
            draw(self.col_x + indent, yc)
        t_ = self.text(
            self.col_x + indent + (SYMBOL_W + 2 if draw is not None else 0), yc, label, fontsize=self.font, color=color
        )
        if gid and t_ is not None:
            t_.set_gid(gid)
        self.y -= self.row

    def note(self, label: str, indent: float = 0.0, color: str = "#555555") -> None:
        for line in label.split("\n"):
            self.next_col(self.row * 0.85)
            self.text(self.col_x + indent, self.y - self.row * 0.42, line, fontsize=self.font - 0.6, color=color)
            self.y -= self.row * 0.85


@dataclass
class LegendInput:
    """What the map drew, for the legend."""

    drawn: pd.DataFrame  # drawn rows (id, plan, category, location, shape, name_zh, name_en)
    region_wide: pd.DataFrame
    outside: pd.DataFrame
    plans: tuple[str, ...]
    highlight: bool
    multi_prefecture: bool


# ----------------------------------------------------------------------------- symbols (mm, centred on yc)


def sym_area(flow: Flow, data: MapData, color: str, kind: str, angle: float | None):
    def draw(x, yc):
        ax = flow.ax
        box = Rectangle(
            (x, yc - 1.8), SYMBOL_W, 3.6, facecolor=color, alpha=it.fill_alpha(data, kind) * 1.6, edgecolor="none"
        )
        ax.add_patch(box)
        if angle is not None:
            segs = it.hatch_lines(shapely.box(x, yc - 1.8, x + SYMBOL_W, yc + 1.8), angle, 1.1)
            hatch = LineCollection(segs, colors=color, linewidths=0.5, alpha=0.7)
            ax.add_collection(hatch, autolim=False)
            hatch.set_clip_path(box)
        ax.add_patch(
            Rectangle(
                (x, yc - 1.8),
                SYMBOL_W,
                3.6,
                facecolor="none",
                edgecolor=color,
                linewidth=1.0,
                linestyle=it.dash(data, kind),
            )
        )

    return draw


def sym_marker(flow: Flow, color: str, icon: str | None, hollow: bool):
    def draw(x, yc):
        ax = flow.ax
        r = 1.6
        face, edge, lw = ("white", color, 1.1) if hollow else (color, "white", 0.5)
        ax.add_patch(
            Circle(
                (x + SYMBOL_W / 2, yc),
                r,
                facecolor=face,
                edgecolor=edge,
                linewidth=lw,
                linestyle=(0, (2, 1)) if hollow else "solid",
            )
        )
        font, codes = it.icon_font()
        glyph = codes.get(icon or "")
        if font is not None and glyph:
            put(
                ax,
                x + SYMBOL_W / 2,
                yc,
                glyph,
                fontproperties=font,
                fontsize=4.0,
                color=color if hollow else it.ink_on(color),
                ha="center",
                va="center_baseline",
            )

    return draw


def sym_line(flow: Flow, color: str, width: float, style="solid", under: str | None = None):
    def draw(x, yc):
        if under:
            flow.ax.plot([x, x + SYMBOL_W], [yc, yc], color=under, linewidth=width + 2.4)
        flow.ax.plot([x, x + SYMBOL_W], [yc, yc], color=color, linewidth=width, linestyle=style)

    return draw


def sym_fill(flow: Flow, color: str):
    return lambda x, yc: flow.ax.add_patch(Rectangle((x, yc - 1.8), SYMBOL_W, 3.6, facecolor=color, edgecolor="none"))


def sym_dot(flow: Flow, face: str, edge: str, size: float):
    r = size / 72 * 25.4 / 2
    return lambda x, yc: flow.ax.add_patch(
        Circle((x + SYMBOL_W / 2, yc), r, facecolor=face, edgecolor=edge, linewidth=0.8)
    )


@lru_cache(maxsize=4096)
def text_width_mm(s: str, size: float, weight: str) -> float:
    """The printed width of one line of text (cached: legends repeat across pages)."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family=[find_cjk_font(), "DejaVu Sans"], size=size, weight=weight)
    width = 0.0
    for line in s.split("\n"):
        w, _, _ = measure_renderer(72).get_text_width_height_descent(line, prop, ismath=False)
        width = max(width, w)
    return width / 72 * 25.4


# ----------------------------------------------------------------------------- sections


def _short(name: str, lang: str, n: int = 16) -> str:
    """A name cut to about ``n`` Chinese characters (English: at a word boundary) with an ellipsis."""
    limit = n if lang != "en" else 2 * n + 6
    if len(name) <= limit:
        return name
    cut = name[: limit - 1]
    if lang == "en" and " " in cut:
        cut = cut[: cut.rfind(" ")].rstrip(",;:(–-")
    return cut + "…"


def _label(row, lang: str) -> str:
    """The short map label of a row (``label_zh``/``label_en`` when the catalog has one)."""
    zh = getattr(row, "label_zh", None) or row.name_zh
    en = getattr(row, "label_en", None) or row.name_en
    return pick(zh if isinstance(zh, str) else row.name_zh, en if isinstance(en, str) else row.name_en, lang)


def items_section(flow: Flow, data: MapData, info: LegendInput, lang: str, detailed: bool) -> None:
    cats = data.catalog.categories
    st = it.item_style_table(data)
    drawn = info.drawn
    if drawn.empty:
        return
    flow.header(_l("items", lang), keep=3)
    for cat_id in sorted(set(drawn["category"]), key=lambda c: cats[c].get("order", 99)):
        cat = cats[cat_id]
        sub = drawn[drawn["category"] == cat_id]
        label = pick(cat["label_zh"], cat["label_en"], lang)
        flow.item(
            sym_marker(flow, cat["color"], cat.get("icon"), False),
            f"{label} ({len(sub)})",
            gid=f"legend:category:{cat_id}",
        )
        if not detailed:
            continue
        for row in sub.itertuples():
            name = _short(_label(row, lang), lang)
            if row.shape in ("area", "line"):
                angle = st.loc[row.id, "hatch"]
                angle = None if angle is None or (isinstance(angle, float) and math.isnan(angle)) else float(angle)
                sym = (
                    sym_area(flow, data, str(st.loc[row.id, "color"]), row.location, angle)
                    if row.shape == "area"
                    else sym_line(flow, str(st.loc[row.id, "color"]), 2.0, it.dash(data, row.location), under="white")
                )
            else:
                sym = sym_marker(flow, cat["color"], cat.get("icon"), it.is_hollow(data, row.location))
            flow.item(sym, name, indent=3, gid=f"legend:item:{row.id}")


def location_section(flow: Flow, data: MapData, info: LegendInput, lang: str) -> None:
    kinds = list(dict.fromkeys(info.drawn["location"])) if len(info.drawn) else []
    if len(info.outside):
        kinds += [k for k in info.outside["location"] if k not in kinds]
    if len(info.region_wide):
        kinds.append("region_wide")
    order = list(data.catalog.location_styles)
    kinds = sorted(set(kinds), key=lambda k: order.index(k) if k in order else 99)
    if not kinds:
        return
    flow.header(_l("location", lang), keep=len(kinds))
    grey = "#666666"
    for k in kinds:
        s = data.catalog.location_styles.get(k, {})
        label = pick(s.get("label_zh"), s.get("label_en"), lang) or k
        if k == "region_wide":
            sym = None
        elif "marker" in s or k in ("site", "stand_in"):
            sym = sym_marker(flow, grey, None, it.is_hollow(data, k))
        else:
            sym = sym_area(flow, data, grey, k, None)
        if sym is None:
            flow.note(f"{label}：{_l('listed', lang)}" if lang != "en" else f"{label}: {_l('listed', lang)}")
        else:
            flow.item(sym, label, gid=f"legend:location:{k}")


def region_wide_section(flow: Flow, data: MapData, info: LegendInput, lang: str, names: int) -> None:
    """'<short name> · 全州事项 25' per plan region, with the first few names; nothing is painted for them."""
    wide = info.region_wide
    if wide.empty:
        return
    sep = "、" if lang != "en" else ", "
    for plan in info.plans:
        sub = wide[wide["plan"] == plan]
        if sub.empty:
            continue
        p = data.catalog.plans[plan]
        head = f"{p.short(lang)} · {details.region_wide_label(data.catalog, plan, lang)} {len(sub)}"
        head_text = flow.header(head, keep=2)
        if head_text is not None:
            head_text.set_gid(f"legend:region_wide:{plan}")
        within = _within_counts(data, sub, lang)
        if within:  # a multi-region plan: how many belong to one of its regions only
            listed = sep.join(f"{name} {n}" for name, n in within)
            flow.note(_wrap_line(_l("within", lang).format(regions=listed), 26 if lang != "en" else 60))
        if names:
            shown = [_short(_label(r, lang), lang, 12) for r in sub.head(names).itertuples()]
            more = len(sub) - len(shown)
            line = sep.join(shown) + (_l("more", lang).format(n=more) if more > 0 else "")
            flow.note(_wrap_line(line, 26 if lang != "en" else 60))


def _within_counts(data: MapData, sub: pd.DataFrame, lang: str) -> list[tuple[str, int]]:
    """(region label, count) of the items tied to one region of a multi-region plan (``within``)."""
    if "within" not in sub:
        return []
    counts: dict[str, int] = {}
    for w in sub["within"]:
        for code in list(w) if w is not None and not isinstance(w, float) else []:
            name = region_label(int(code), lang)
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def region_label(adcode: int, lang: str) -> str:
    """A region's short name (天水市 / Tianshui) from the offline region index."""
    from geo_app.boundaries import region_index

    rows = region_index().query("adcode == @adcode")
    if rows.empty:
        return str(adcode)
    return details.county_label(str(rows.iloc[0]["name_zh"]), lang)


def _wrap_line(text: str, width: int) -> str:
    import textwrap

    if any("\u3400" <= c <= "\u9fff" for c in text):
        return "\n".join(text[i : i + width] for i in range(0, len(text), width))
    return "\n".join(textwrap.wrap(text, width))


def outside_section(flow: Flow, data: MapData, info: LegendInput, lang: str) -> None:
    if info.outside.empty:
        return
    cats = data.catalog.categories
    flow.header(_l("outside", lang), keep=len(info.outside))
    for row in info.outside.itertuples():
        cat = cats[row.category]
        flow.item(
            sym_marker(flow, cat["color"], cat.get("icon"), it.is_hollow(data, row.location)),
            _short(_label(row, lang), lang),
            gid=f"legend:outside:{row.id}",
        )
    flow.note(_l("outside_note", lang))


def base_section(flow: Flow, data: MapData, info: LegendInput, lang: str) -> None:
    flow.header(_l("base", lang), keep=4)
    for pid in info.plans:
        p = data.catalog.plans[pid]
        flow.item(sym_line(flow, p.color, 1.3, under="white"), f"{p.short(lang)} {_l('region_line', lang)}")
    if info.multi_prefecture:
        flow.item(sym_line(flow, colour(data, "prefecture_line"), 0.9), _l("prefecture_line", lang))
    flow.item(sym_line(flow, colour(data, "county_line"), 0.6), _l("county_line", lang))
    flow.item(sym_dot(flow, "white", colour(data, "text"), 3.2), _l("seat", lang))
    flow.item(sym_dot(flow, "#7a7a7a", "#7a7a7a", 1.3), _l("town", lang))
    flow.item(sym_line(flow, colour(data, "river"), 1.1), t("rivers", lang))
    flow.item(sym_line(flow, colour(data, "road"), 0.8, style=(0, (4, 1.5))), _l("road", lang))
    flow.item(sym_fill(flow, colour(data, "mountain")), t("mountain_zone", lang))
    if info.highlight:
        flow.item(sym_line(flow, colour(data, "highlight"), 3.0), _l("highlight", lang))


def draw_legend(
    fig,
    rect_frac,
    w_mm: float,
    h_mm: float,
    data: MapData,
    info: LegendInput,
    lang: str,
    mode: str,
    detailed: bool = True,
) -> Flow:
    """The legend in the box; folds and shrinks until it fits (the last try is kept). ``detailed``
    lists every drawn item under its category (the items are labelled on the map either way)."""
    tries = [
        (True, 1.0, 6),
        (True, 0.92, 4),
        (False, 1.0, 4),
        (False, 0.92, 3),
        (False, 0.85, 2),
        (False, 0.78, 0),
        (False, 0.7, 0),
    ]

    def build(dry: bool, detailed: bool, scale: float, names: int) -> Flow:
        flow = Flow(
            fig, rect_frac, w_mm, h_mm, row_mm=(4.4 if mode == "right" else 4.1) * scale, font=6.9 * scale, dry=dry
        )
        items_section(flow, data, info, lang, detailed)
        location_section(flow, data, info, lang)
        region_wide_section(flow, data, info, lang, names)
        outside_section(flow, data, info, lang)
        base_section(flow, data, info, lang)
        return flow

    tries = [c for c in tries if detailed or not c[0]]
    if not detailed:  # a deck page: larger text first, it is read from across a room
        tries = [(False, 1.35, 3), (False, 1.2, 3), *tries]
    for choice in tries:
        if not build(True, *choice).overflow:
            break
    return build(False, *choice)
