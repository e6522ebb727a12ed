"""The plan items of a panel: areas, lines and points, styled by location kind and item.

- Areas: a light fill, hatching at the item's own angle and colour (``styles.item_styles``), a
  tinted band inside the outline, and the outline dashed by location kind (named area solid,
  zone dashed, schematic dotted). Items with the same shape share one outline, each keeps its
  hatch, so coinciding items cross-hatch instead of hiding each other.
- Points: a site is a solid marker in its category colour; a stand-in (the host county's seat,
  site unknown) a hollow one. Markers at one place fan out around it with a leader.
- Items outside the plan region are drawn at the frame's edge, pointing their way.
- Highlights (scenes) get an amber outline or ring.
Region-wide items have no shape and never reach this module.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib import font_manager
from matplotlib.collections import LineCollection

from geo_app import styles
from geo_app.mapdata import MapData
from geo_app.paths import STATIC_DIR
from geo_app.printmap import panels as pn
from geo_app.printmap.base import colour
from geo_app.printmap.layout import MM
from geo_app.printmap.panels import Panel
from geo_app.printmap.paths import lines, polygon_path, polygons
from geo_app.printmap.text import put

MARKER_MM = 3.4
HATCH_MM = 2.0  # spacing of hatch lines on paper
FALLBACK_DASH = {"named_area": "solid", "zone": (0, (5, 3)), "schematic": (0, (1.2, 2.6))}


@dataclass
class AreaGroup:
    """Items drawn with one shape: each keeps its colour, hatch and label."""

    ids: list[str]
    geom: shapely.Geometry  # projected
    colors: list[str]
    location: str
    highlighted: bool


@dataclass
class PointMark:
    id: str
    x: float
    y: float
    color: str
    hollow: bool
    highlighted: bool
    anchor: tuple[float, float]  # the true place (a fanned marker points back to it)


@dataclass
class OutsideMark:
    id: str
    x: float
    y: float
    angle: float  # radians, towards the item
    km: float
    color: str
    hollow: bool
    in_frame: bool = False  # close enough to be drawn in place (outside the region, inside the frame)


@dataclass
class PanelItems:
    """What the labelling and legend steps need from the drawn items."""

    areas: list[AreaGroup] = field(default_factory=list)
    lines: list[tuple[str, shapely.Geometry, str]] = field(default_factory=list)
    points: list[PointMark] = field(default_factory=list)
    outside: list[OutsideMark] = field(default_factory=list)
    drawn_ids: set[str] = field(default_factory=set)


def item_style_table(data: MapData):
    """``styles.item_styles`` for the whole catalog (colours stay the same whatever is selected)."""
    return pn._cached(
        data, ("item_styles",), lambda: styles.item_styles(data.catalog, data.features.set_index("id")["shape"])
    )


def dash(data: MapData, kind: str):
    """The matplotlib line style of a location kind from styles.yaml (``dash: "8 6"``)."""
    spec = (data.catalog.location_styles.get(kind) or {}).get("dash")
    if not spec:
        return FALLBACK_DASH.get(kind, "solid") if kind not in data.catalog.location_styles else "solid"
    nums = [float(v) * 0.6 for v in re.split(r"[ ,]+", str(spec).strip()) if v]
    return (0, tuple(nums)) if nums else "solid"


def fill_alpha(data: MapData, kind: str) -> float:
    return float((data.catalog.location_styles.get(kind) or {}).get("fill_opacity", 0.1))


def is_hollow(data: MapData, kind: str) -> bool:
    """A stand-in (or any kind styled ``marker: hollow``) is drawn hollow, never as a site."""
    return (data.catalog.location_styles.get(kind) or {}).get(
        "marker", "solid" if kind != "stand_in" else "hollow"
    ) == "hollow"


def hatch_lines(geom: shapely.Geometry, angle_deg: float, spacing: float) -> list[np.ndarray]:
    """Parallel segments at ``angle_deg`` covering ``geom``'s bounding box (clipped when drawn)."""
    x0, y0, x1, y1 = geom.bounds
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, math.hypot(x1 - x0, y1 - y0) / 2 + spacing
    a = math.radians(angle_deg)
    d = np.array([math.cos(a), math.sin(a)])
    nrm = np.array([-d[1], d[0]])
    offs = np.arange(-r, r + spacing, spacing)
    starts = np.c_[cx + offs * nrm[0] - r * d[0], cy + offs * nrm[1] - r * d[1]]
    ends = np.c_[cx + offs * nrm[0] + r * d[0], cy + offs * nrm[1] + r * d[1]]
    return list(np.stack([starts, ends], axis=1))


def _norm_key(g: shapely.Geometry) -> bytes:
    return shapely.to_wkb(shapely.normalize(shapely.set_precision(g, 1.0)), output_dimension=2)


def draw_areas(
    ax, data: MapData, panel: Panel, frame: gpd.GeoDataFrame, geoms: gpd.GeoSeries, m_per_mm: float, highlight: set[str]
) -> list[AreaGroup]:
    """Draw the area items, larger first; returns one group per distinct shape."""
    st = item_style_table(data)
    groups: dict[bytes, AreaGroup] = {}
    order = sorted(frame.itertuples(), key=lambda r: -geoms[r.id].area)
    for row in order:
        g = geoms[row.id]
        if g.is_empty or g.area <= 0:
            continue
        key = _norm_key(g)
        grp = groups.get(key)
        if grp is None:
            grp = groups[key] = AreaGroup([], g, [], row.location, False)
        grp.ids.append(row.id)
        grp.colors.append(str(st.loc[row.id, "color"]))
        grp.highlighted |= row.id in highlight
    band_pt = 4.5
    for grp in groups.values():
        path = polygon_path(grp.geom)
        if path is None:
            continue
        main = grp.colors[0]
        fill = polygons(
            ax, [grp.geom], facecolors=main, edgecolors="none", alpha=fill_alpha(data, grp.location), zorder=5
        )
        fill.set_gid(f"area:{grp.ids[0]}")
        for fid, col in zip(grp.ids, grp.colors, strict=True):
            angle = st.loc[fid, "hatch"]
            angle = 45.0 if angle is None or (isinstance(angle, float) and math.isnan(angle)) else float(angle)
            hatch = LineCollection(
                hatch_lines(grp.geom, angle, HATCH_MM * m_per_mm), colors=col, linewidths=0.5, alpha=0.6, zorder=5.5
            )
            ax.add_collection(hatch, autolim=False)
            hatch.set_clip_path(path, ax.transData)
            hatch.set_gid(f"hatch:{fid}")
        band = lines(ax, [grp.geom], colors=main, linewidths=band_pt, alpha=0.32, zorder=6)
        band.set_clip_path(path, ax.transData)
        if grp.highlighted:
            lines(ax, [grp.geom], colors=colour(data, "highlight", "#FFB000"), linewidths=3.6, alpha=0.95, zorder=6.8)
        lines(ax, [grp.geom], colors=main, linewidths=1.0, linestyles=[dash(data, grp.location)], zorder=7)
    return list(groups.values())


def draw_lines(
    ax, data: MapData, frame: gpd.GeoDataFrame, geoms: gpd.GeoSeries, highlight: set[str]
) -> list[tuple[str, shapely.Geometry, str]]:
    st = item_style_table(data)
    out = []
    for row in frame.itertuples():
        g, col = geoms[row.id], str(st.loc[row.id, "color"])
        if row.id in highlight:
            lines(ax, [g], colors=colour(data, "highlight", "#FFB000"), linewidths=6, zorder=7)
        lines(ax, [g], colors="white", linewidths=3.4, zorder=7.1)
        c = lines(ax, [g], colors=col, linewidths=2.0, linestyles=[dash(data, row.location)], zorder=7.2)
        if c is not None:
            c.set_gid(f"line:{row.id}")
        out.append((row.id, g, col))
    return out


@lru_cache(maxsize=1)
def icon_font() -> tuple[font_manager.FontProperties | None, dict[str, str]]:
    """Font Awesome (vendored for the app) and the code point of each icon name."""
    css = sorted(STATIC_DIR.glob("vendor/@fortawesome/fontawesome-free@*/css/all.min.css"))
    ttf = sorted(STATIC_DIR.glob("vendor/@fortawesome/fontawesome-free@*/webfonts/fa-solid-900.ttf"))
    if not css or not ttf:
        return None, {}
    text = css[-1].read_text(encoding="utf-8")
    codes: dict[str, str] = {}
    for m in re.finditer(r"([^{}]+)\{content:\"\\([0-9a-f]+)\"\}", text):
        for name in re.findall(r"\.fa-([a-z0-9-]+):before", m.group(1)):
            codes.setdefault(name, chr(int(m.group(2), 16)))
    return font_manager.FontProperties(fname=str(ttf[-1])), codes


def ink_on(color: str) -> str:
    r, g, b = matplotlib.colors.to_rgb(color)
    return "#2b2b2b" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.62 else "white"


def marker(
    ax,
    x,
    y,
    color: str,
    icon: str | None,
    size_mm: float,
    z: float,
    hollow: bool,
    transform=None,
    gid: str | None = None,
) -> None:
    """One category marker (see ``markers``)."""
    markers(ax, [(x, y, color, icon)], size_mm, z, hollow, transform, gid)


def markers(
    ax,
    spots: list[tuple[float, float, str, str | None]],
    size_mm: float,
    z: float,
    hollow: bool,
    transform=None,
    gid: str | None = None,
):
    """Category markers in one collection: solid discs with a white icon (sites) or white discs with a
    dashed coloured ring and icon (stand-ins: the site itself is unknown)."""
    if not spots:
        return None
    kw = {"transform": transform} if transform is not None else {}
    d_pt = size_mm * MM * 72
    cols = [s[2] for s in spots]
    face, edge, ew = (["white"] * len(cols), cols, 1.3) if hollow else (cols, ["white"] * len(cols), 0.6)
    art = ax.scatter(
        [s[0] for s in spots],
        [s[1] for s in spots],
        s=d_pt**2,
        facecolors=face,
        edgecolors=edge,
        linewidths=ew,
        zorder=z,
        linestyles=(0, (2.2, 1.2)) if hollow else "solid",
        **kw,
    )
    art.set_gid(gid)
    font, codes = icon_font()
    for x, y, color, icon in spots:
        glyph = codes.get(icon or "")
        if font is not None and glyph:
            put(
                ax,
                x,
                y,
                glyph,
                fontproperties=font,
                fontsize=d_pt * (0.42 if hollow else 0.5),
                color=color if hollow else ink_on(color),
                ha="center",
                va="center_baseline",
                zorder=z + 0.1,
                **kw,
            )
    return art


def draw_points(
    ax, data: MapData, frame: gpd.GeoDataFrame, geoms: gpd.GeoSeries, m_per_mm: float, highlight: set[str]
) -> list[PointMark]:
    """Markers, fanned out where several share a place; sites and stand-ins each one collection."""
    cats = data.catalog.categories
    groups: list[list] = []
    for row in frame.itertuples():
        p = geoms[row.id]
        for grp in groups:
            q = grp[0][1]
            if math.hypot(p.x - q.x, p.y - q.y) < MARKER_MM * 1.05 * m_per_mm:
                grp.append((row, p))
                break
        else:
            groups.append([(row, p)])
    marks: list[PointMark] = []
    text = colour(data, "text", "#222222")
    hubs, spokes = [], []
    for grp in groups:
        n = len(grp)
        cx, cy = float(np.mean([p.x for _, p in grp])), float(np.mean([p.y for _, p in grp]))
        if n == 1:
            spots = [(grp[0][1].x, grp[0][1].y)]
        else:
            r = max(MARKER_MM * 0.62 / math.sin(math.pi / n) if n > 2 else MARKER_MM * 0.62, MARKER_MM * 0.75)
            r *= m_per_mm
            spots = [
                (
                    cx + r * math.cos(math.pi / 2 + 2 * math.pi * k / n),
                    cy + r * math.sin(math.pi / 2 + 2 * math.pi * k / n),
                )
                for k in range(n)
            ]
            hubs.append((cx, cy))
            spokes += [shapely.LineString([(cx, cy), s]) for s in spots]
        for (row, p), (sx, sy) in zip(grp, spots, strict=True):
            hollow = is_hollow(data, row.location)
            marks.append(
                PointMark(row.id, sx, sy, cats[row.category]["color"], hollow, row.id in highlight, (p.x, p.y))
            )
    if hubs:
        ax.scatter([h[0] for h in hubs], [h[1] for h in hubs], s=4, c=text, zorder=10)
        lines(ax, spokes, colors=text, linewidths=0.5, zorder=10)
    hl = [m for m in marks if m.highlighted]
    if hl:
        ax.scatter(
            [m.x for m in hl],
            [m.y for m in hl],
            s=(MARKER_MM * 1.9 * MM * 72) ** 2,
            facecolors="none",
            edgecolors=colour(data, "highlight", "#FFB000"),
            linewidths=2.4,
            zorder=10.8,
        )
    icons = {row.id: cats[row.category].get("icon") for row in frame.itertuples()}
    for hollow, gid in ((False, "sites"), (True, "stand_ins")):
        sub = [m for m in marks if m.hollow == hollow]
        art = markers(ax, [(m.x, m.y, m.color, icons[m.id]) for m in sub], MARKER_MM, 11, hollow, gid=gid)
        if art is not None:
            art.point_ids = [m.id for m in sub]  # which marker is which (tests, exports)
    return marks


def draw_outside(ax, data: MapData, panel: Panel, frame: gpd.GeoDataFrame, m_per_mm: float) -> list[OutsideMark]:
    """Items outside the plan region: a marker on the frame's edge in their direction, with the distance."""
    if frame.empty:
        return []
    cats = data.catalog.categories
    x0, y0, x1, y1 = panel.extent
    inset = 6 * m_per_mm
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    proj = frame.to_crs(panel.crs)
    land = pn.land(data, panel, pn.tolerance(m_per_mm))
    marks = []
    for row, p in zip(proj.itertuples(), proj.geometry, strict=True):
        in_frame = x0 + inset <= p.x <= x1 - inset and y0 + inset <= p.y <= y1 - inset
        if in_frame:
            ex, ey = p.x, p.y  # inside the frame after all: drawn in place
        else:
            dx, dy = p.x - cx, p.y - cy
            s = min(
                ((x1 - inset - cx) / dx) if dx > 0 else ((x0 + inset - cx) / dx) if dx < 0 else math.inf,
                ((y1 - inset - cy) / dy) if dy > 0 else ((y0 + inset - cy) / dy) if dy < 0 else math.inf,
            )
            ex, ey = cx + s * dx, cy + s * dy
        angle = math.atan2(p.y - ey, p.x - ex)
        km = land.distance(p) / 1000
        cat = cats[row.category]
        hollow = is_hollow(data, row.location)
        marker(ax, ex, ey, cat["color"], cat.get("icon"), MARKER_MM, 11, hollow, gid=f"outside:{row.id}")
        if not in_frame:
            ax.annotate(
                "",
                xy=(ex + 5.5 * m_per_mm * math.cos(angle), ey + 5.5 * m_per_mm * math.sin(angle)),
                xytext=(ex + 2.2 * m_per_mm * math.cos(angle), ey + 2.2 * m_per_mm * math.sin(angle)),
                arrowprops={"arrowstyle": "-|>", "color": cat["color"], "lw": 1.2, "mutation_scale": 7},
                zorder=11,
                annotation_clip=False,
            )
        marks.append(OutsideMark(row.id, ex, ey, angle, km, cat["color"], hollow, in_frame))
    return marks
