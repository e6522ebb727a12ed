"""Map furniture: title and subtitle, scale bar, north arrow, projection note, credits, date, deck footer."""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

import matplotlib.lines as mlines
from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle

from geo_app import details
from geo_app.i18n import t
from geo_app.mapdata import MapData
from geo_app.printmap.base import colour
from geo_app.printmap.layout import MARGIN, Layout
from geo_app.printmap.panels import Panel
from geo_app.printmap.text import halo, put


def _l(key: str, lang: str) -> str:
    return t(f"print_{key}", lang)


def _common_suffix(texts: list[str]) -> str:
    n = 0
    while all(len(s) > n for s in texts) and len({s[len(s) - 1 - n] for s in texts}) == 1:
        n += 1
    return texts[0][len(texts[0]) - n :] if n else ""


def default_title(data: MapData, plans: tuple[str, ...], lang: str) -> str:
    """One plan's title; several plans' titles merged on their common ending
    (甲州、乙市“十四五”科技创新规划 / A Prefecture and B City 14th Five-Year ... Plans)."""
    titles = [data.catalog.plans[p].title(lang) for p in plans]
    if not titles:
        return t("app_title", lang)
    if len(titles) == 1:
        return titles[0]
    common = _common_suffix(titles)
    if lang != "en":
        common = common[common.find("“") :] if "“" in common else ""
        heads = [s[: len(s) - len(common)] for s in titles]
        return "、".join(heads) + common if common else "；".join(titles)
    common = common[common.find(" ") :] if " " in common else ""
    if len(common.split()) < 2:
        return "; ".join(titles)
    heads = [s[: len(s) - len(common)] for s in titles]
    joined = ", ".join(heads[:-1]) + " and " + heads[-1]
    return joined + common + ("s" if not common.endswith("s") else "")


def default_subtitle(data: MapData, plans: tuple[str, ...], lang: str) -> str:
    dated = [
        data.catalog.plans[p] for p in plans if str(data.catalog.plans[p].issued or "").strip() not in ("", "None")
    ]
    issued = " · ".join(f"{p.short(lang)} {p.issued} {_l('issued', lang)}" for p in dated)
    return f"{_l('subtitle', lang)}  |  {issued}" if issued else _l("subtitle", lang)


def title_block(fig, lay: Layout, data: MapData, title: str, subtitle: str) -> None:
    """Title and subtitle, shrunk to the page width (then cut with an ellipsis) so nothing runs off."""
    from geo_app.printmap.legend import text_width_mm

    text, muted = colour(data, "text", "#222222"), colour(data, "muted", "#555555")
    w, h = lay.width, lay.height
    room = w - 2 * MARGIN
    size = 16.0
    while size > 10 and text_width_mm(title, size, "bold") > room:
        size -= 0.5
    while len(title) > 8 and text_width_mm(title, size, "bold") > room:
        title = title[:-2] + "…"
    sub_size = 8.5
    while len(subtitle) > 8 and text_width_mm(subtitle, sub_size, "normal") > room:
        subtitle = subtitle[:-2] + "…"
    tt = put(
        fig, MARGIN / w, 1 - (MARGIN + 1) / h, title, ha="left", va="top", fontsize=size, fontweight="bold", color=text
    )
    tt.set_gid("title")
    st = put(fig, MARGIN / w, 1 - (MARGIN + 10.5) / h, subtitle, ha="left", va="top", fontsize=sub_size, color=muted)
    st.set_gid("subtitle")
    fig.lines.append(
        mlines.Line2D(
            [MARGIN / w, 1 - MARGIN / w],
            [1 - (MARGIN + 15.5) / h] * 2,
            color=text,
            linewidth=0.8,
            transform=fig.transFigure,
        )
    )


def footer(fig, lay: Layout, data: MapData, lang: str, deck_line: str | None = None) -> None:
    """Credits bottom left; the date (and a deck's title and page) bottom right."""
    muted = colour(data, "muted", "#555555")
    w, h = lay.width, lay.height
    put(
        fig,
        MARGIN / w,
        MARGIN / h,
        f"{_l('sources', lang)}{details.credits(lang)}",
        ha="left",
        va="bottom",
        fontsize=5.4 if lang != "en" else 5.0,
        color=muted,
        wrap=False,
    ).set_gid("credits")
    right = f"{_l('date', lang)}: {date.today().isoformat()}"
    if deck_line:
        put(
            fig,
            1 - MARGIN / w,
            (MARGIN + 3.6) / h,
            deck_line,
            ha="right",
            va="bottom",
            fontsize=7.5,
            color=colour(data, "text"),
            fontweight="bold",
        ).set_gid("deck_footer")
    put(fig, 1 - MARGIN / w, MARGIN / h, right, ha="right", va="bottom", fontsize=6.3, color=muted).set_gid("date")


def nice(x: float) -> float:
    exp = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * exp >= x:
            return m * exp
    return 10 * exp


#: Corners of a panel the furniture takes (mm from the panel's edges): labels keep out of them.
SCALE_BOX_MM = (2, 2, 48, 14)  # x, y, w, h from the bottom-left corner
NORTH_BOX_MM = (16, 24)  # w, h from the top-right corner
PROJECTION_BOX_MM = (62, 4.5)  # w, h from the bottom-right corner
NAME_BOX_MM = (34, 9)  # w, h from the top-left corner (panels with a name)


def scale_bar(ax, data: MapData, panel: Panel, m_per_mm: float, lang: str, target_mm: float = 28) -> None:
    """A true scale bar (the panel is in its local transverse Mercator) in the bottom-left corner."""
    text = colour(data, "text", "#222222")
    x0, y0, _, _ = panel.extent
    target = target_mm * m_per_mm
    length = nice(target) if nice(target) <= 1.3 * target else nice(target / 2)
    km = length / 1000
    lead = round(km / 10 ** math.floor(math.log10(km)), 3)
    segs = 4 if lead == 2 else 5
    bx, by, hgt = x0 + 6 * m_per_mm, y0 + 6 * m_per_mm, 1.1 * m_per_mm
    ax.add_patch(
        FancyBboxPatch(
            (bx - 2.5 * m_per_mm, by - 2.2 * m_per_mm),
            length + 12 * m_per_mm,
            hgt + 7.5 * m_per_mm,
            boxstyle=f"round,pad=0,rounding_size={m_per_mm}",
            facecolor="white",
            edgecolor="none",
            alpha=0.85,
            zorder=13,
        )
    )
    for i in range(segs):
        ax.add_patch(
            Rectangle(
                (bx + i * length / segs, by),
                length / segs,
                hgt,
                facecolor=text if i % 2 == 0 else "white",
                edgecolor=text,
                linewidth=0.5,
                zorder=14,
            )
        )
    for i in range(segs + 1):
        put(
            ax,
            bx + i * length / segs,
            by + hgt + 0.8 * m_per_mm,
            f"{km * i / segs:g}",
            ha="center",
            va="bottom",
            fontsize=5.5,
            color=text,
            zorder=14,
        )
    put(
        ax,
        bx + length + 2.0 * m_per_mm,
        by + hgt / 2,
        _l("scale_km", lang),
        ha="left",
        va="center",
        fontsize=6,
        color=text,
        zorder=14,
    )


@lru_cache(maxsize=16)
def _transformers(crs: str):
    from pyproj import Transformer

    return Transformer.from_crs(crs, 4326, always_xy=True), Transformer.from_crs(4326, crs, always_xy=True)


def north_arrow(ax, data: MapData, panel: Panel, lang: str) -> None:
    """An arrow to true north (turned by the grid convergence of the projection), top right."""
    text = colour(data, "text", "#222222")
    x0, y0, x1, y1 = panel.extent
    tr, back = _transformers(panel.crs)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    lon, lat = tr.transform(cx, cy)
    nx, ny = back.transform(lon, lat + 0.05)
    angle = math.atan2(nx - cx, ny - cy)
    ox, oy, size = 0.955, 0.89, 0.055
    w = 0.35 * size
    ca, sa = math.cos(angle), math.sin(angle)
    bbox = ax.get_window_extent()
    k = bbox.width / bbox.height

    def rot(dx, dy):
        return ox + (dx * ca + dy * sa) / k, oy + (-dx * sa + dy * ca)

    tip, left, right, notch = rot(0, size), rot(-w, -size * 0.6), rot(w, -size * 0.6), rot(0, -size * 0.25)
    ax.add_patch(
        Polygon(
            [tip, left, notch],
            closed=True,
            facecolor=text,
            edgecolor=text,
            linewidth=0.5,
            transform=ax.transAxes,
            zorder=15,
        )
    )
    ax.add_patch(
        Polygon(
            [tip, notch, right],
            closed=True,
            facecolor="white",
            edgecolor=text,
            linewidth=0.5,
            transform=ax.transAxes,
            zorder=15,
        )
    )
    lx, ly = rot(0, size + 0.02)
    put(
        ax,
        lx,
        ly,
        _l("north", lang),
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=8,
        fontweight="bold",
        color=text,
        zorder=15,
        path_effects=halo(2),
    )


def panel_corner_note(ax, data: MapData, panel: Panel, lang: str, name: str | None) -> None:
    """The panel's name (when there are several) top left, its projection bottom right."""
    text, muted = colour(data, "text", "#222222"), colour(data, "muted", "#555555")
    if name:
        put(
            ax,
            0.012,
            0.985,
            name,
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=10,
            fontweight="bold",
            color=text,
            zorder=20,
            bbox={
                "boxstyle": "round,pad=0.3",
                "facecolor": "white",
                "edgecolor": "#666666",
                "linewidth": 0.5,
                "alpha": 0.9,
            },
        ).set_gid("panel_name")
    put(
        ax,
        0.99,
        0.012,
        _l("projection", lang).format(cm=panel.cm),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=5,
        color=muted,
        zorder=20,
        path_effects=halo(1.5),
    )
