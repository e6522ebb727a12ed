"""Labels that never collide: county names first, then every area and line item, outside items, points.

``Placer`` keeps the screen boxes (pixels) of everything placed so far and accepts a label
only where its box overlaps none of them and stays inside the frame. Area labels try points
inside their shape first, deepest and least covered by other items first, then spots around
the shape with a leader line, then anywhere in the frame; every area item is labelled.
"""

from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass

import matplotlib.colors as mcolors
import numpy as np
import shapely
from matplotlib.lines import Line2D

from geo_app import details
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData
from geo_app.printmap.base import PanelBase, colour
from geo_app.printmap.items import MARKER_MM, AreaGroup, PanelItems
from geo_app.printmap.layout import MM
from geo_app.printmap.text import halo, measure_renderer, put, wrap

PAD_PX = 1.5


def text_colour(color: str) -> str:
    """An item colour dark enough to read as text on the light map."""
    hue, light, sat = colorsys.rgb_to_hls(*mcolors.to_rgb(color))
    return mcolors.to_hex(colorsys.hls_to_rgb(hue, min(light, 0.34), min(1.0, sat * 1.05)))


@dataclass
class Line:
    text: str
    color: str
    gid: str
    bold: bool = True
    boxed: str | None = None  # edge colour of a box (highlighted items)
    edge: str | None = None  # a thin edge in the item's colour (ties the label to its outline)


class Placer:
    """Greedy collision-free placement in screen pixels."""

    def __init__(self, fig, ax):
        self.fig, self.ax = fig, ax
        self.renderer = measure_renderer(fig.dpi)
        bb = ax.get_window_extent(fig.canvas.get_renderer())
        self.frame = (bb.x0, bb.y0, bb.x1, bb.y1)
        self.boxes = np.zeros((0, 4))
        self.px_per_mm = fig.dpi * MM

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        return tuple(self.ax.transData.transform((x, y)))

    def to_data(self, px: float, py: float) -> tuple[float, float]:
        return tuple(self.ax.transData.inverted().transform((px, py)))

    def block(self, box) -> None:
        self.boxes = np.vstack([self.boxes, np.asarray(box, dtype=float)[None, :]])

    def block_point(self, x: float, y: float, r_mm: float) -> None:
        px, py = self.to_px(x, y)
        r = r_mm * self.px_per_mm
        self.block((px - r, py - r, px + r, py + r))

    def free(self, box) -> bool:
        x0, y0, x1, y1 = box
        fx0, fy0, fx1, fy1 = self.frame
        if x0 < fx0 + 2 or y0 < fy0 + 2 or x1 > fx1 - 2 or y1 > fy1 - 2:
            return False
        b = self.boxes
        return not np.any((b[:, 0] < x1) & (b[:, 2] > x0) & (b[:, 1] < y1) & (b[:, 3] > y0))

    def make(self, lines: list[Line], size: float, zorder: float = 12, plate: bool = True):
        """Text artists for the lines of one label (stacked) and the block's size in pixels.

        ``plate``: on a translucent white plate (item labels, readable over hatching; cheaper in PDF
        than a halo); else with a white halo (county names).
        """
        arts = []
        for ln in lines:
            if plate or ln.boxed:
                kw = {
                    "bbox": {
                        "boxstyle": "round,pad=0.15",
                        "facecolor": (1, 1, 1, 0.82 if not ln.boxed else 0.95),
                        "edgecolor": ln.boxed or ln.edge or "none",
                        "linewidth": 1.1 if ln.boxed else 0.5,
                    }
                }
            else:
                kw = {"path_effects": halo(2.2)}
            t = put(
                self.ax,
                0,
                0,
                ln.text,
                fontsize=size,
                color=ln.color,
                ha="center",
                va="center",
                fontweight="bold" if ln.bold else "normal",
                zorder=zorder,
                linespacing=1.0,
                **kw,
            )
            t.set_gid(ln.gid)
            arts.append(t)
        sizes = [a.get_window_extent(self.renderer) for a in arts]
        extra = 0.3 * size * self.fig.dpi / 72 if plate or any(ln.boxed for ln in lines) else 0.0
        ws = [b.width + extra for b in sizes]
        hs = [b.height + extra for b in sizes]
        return arts, ws, hs

    def place(self, arts, ws, hs, candidates) -> tuple[float, float] | None:
        """Put the stacked label at the first free candidate centre (data coords); None when none fits."""
        w, h = max(ws) + 2 * PAD_PX, sum(hs) + 2 * PAD_PX
        for x, y in candidates:
            px, py = self.to_px(x, y)
            box = (px - w / 2, py - h / 2, px + w / 2, py + h / 2)
            if self.free(box):
                self.block(box)
                top = py + sum(hs) / 2
                for a, hh in zip(arts, hs, strict=True):
                    a.set_position(self.to_data(px, top - hh / 2))
                    top -= hh
                return box
        return None


def _polylabel(g: shapely.Geometry) -> shapely.Point:
    parts = sorted(shapely.get_parts(g), key=lambda p: -p.area)
    big = parts[0] if parts else g
    try:
        return shapely.ops.polylabel(big, tolerance=max(big.length / 500, 1.0))
    except Exception:  # degenerate shapes: a point inside is enough
        return big.representative_point()


def _inside_candidates(grp: AreaGroup, others: list[AreaGroup], step: float) -> list[tuple[float, float]]:
    """Points inside the shape, best first: deep inside it and outside the other (smaller) items."""
    g = grp.geom
    x0, y0, x1, y1 = g.bounds
    step = max(step, math.sqrt((x1 - x0) * (y1 - y0) / 600))  # at most ~600 grid points
    xs = np.arange(x0 + step / 2, x1, step)
    ys = np.arange(y0 + step / 2, y1, step)
    pts = shapely.points(np.array(np.meshgrid(xs, ys)).reshape(2, -1).T) if len(xs) and len(ys) else np.array([])
    pts = (
        pts[shapely.contains_xy(g, shapely.get_coordinates(pts)[:, 0], shapely.get_coordinates(pts)[:, 1])]
        if len(pts)
        else pts
    )
    first = _polylabel(g)
    if not len(pts):
        return [(first.x, first.y)]
    depth = shapely.distance(pts, g.boundary)
    covered = np.zeros(len(pts))
    for o in others:
        if o is grp or o.geom.area >= g.area:
            continue
        covered += shapely.contains_xy(o.geom, shapely.get_coordinates(pts)[:, 0], shapely.get_coordinates(pts)[:, 1])
    score = np.minimum(depth, 6 * step) - covered * 8 * step
    order = np.argsort(-score)[:60]
    xy = shapely.get_coordinates(pts[order])
    cands = (
        [(first.x, first.y)]
        if not any(o is not grp and o.geom.area < g.area and o.geom.contains(first) for o in others)
        else []
    )
    return cands + [tuple(p) for p in xy]


def _ring_candidates(g: shapely.Geometry, extent, radii: list[float]) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = g.bounds
    out = []
    for r in radii:
        for k in range(16):
            a = 2 * math.pi * k / 16
            out.append(
                ((x0 + x1) / 2 + ((x1 - x0) / 2 + r) * math.cos(a), (y0 + y1) / 2 + ((y1 - y0) / 2 + r) * math.sin(a))
            )
    return out


def _grid_candidates(extent, step: float, near: shapely.Geometry) -> list[tuple[float, float]]:
    """Points over the whole frame, nearest to the item first."""
    x0, y0, x1, y1 = extent
    xs, ys = np.meshgrid(np.arange(x0 + step, x1, step), np.arange(y0 + step, y1, step))
    xy = np.c_[xs.ravel(), ys.ravel()]
    c = near.centroid
    order = np.argsort((xy[:, 0] - c.x) ** 2 + (xy[:, 1] - c.y) ** 2)
    return [tuple(p) for p in xy[order]]


def _leader(placer: Placer, box, target: shapely.Geometry, color: str) -> None:
    """A thin line from the label's box to the nearest point of its item."""
    x0, y0, x1, y1 = box
    cx, cy = placer.to_data((x0 + x1) / 2, (y0 + y1) / 2)
    near = shapely.ops.nearest_points(target, shapely.Point(cx, cy))[0]
    px, py = placer.to_px(near.x, near.y)
    ex, ey = min(max(px, x0), x1), min(max(py, y0), y1)
    a = placer.to_data(ex, ey)
    placer.ax.add_line(Line2D([a[0], near.x], [a[1], near.y], color=color, linewidth=0.7, zorder=11.5))
    placer.ax.plot([near.x], [near.y], marker="o", markersize=2.2, color=color, zorder=11.5)


def place_counties(placer: Placer, data: MapData, base: PanelBase, lang: str, size: float = 7.5) -> None:
    """County names first (``details.county_label``: the web map's labels)."""
    muted = colour(data, "muted", "#555555")
    mm = placer.to_data(placer.px_per_mm, 0)[0] - placer.to_data(0, 0)[0]
    for row in base.counties.itertuples():
        p = _polylabel(row.geometry)
        arts, ws, hs = placer.make(
            [Line(details.county_label(row.name_zh, lang), muted, f"county:{row.adcode}")], size, plate=False
        )
        offs = [(0, 0), (0, -3.5), (0, 3.5), (5, 0), (-5, 0), (4, 4), (-4, -4), (4, -4), (-4, 4)]
        if placer.place(arts, ws, hs, [(p.x + dx * mm, p.y + dy * mm) for dx, dy in offs]) is None:
            for a in arts:
                a.remove()


def names_by_id(data: MapData):
    """Short map labels by feature id (the catalog's ``label_zh``/``label_en``, else the plan's names),
    as columns ``name_zh``/``name_en``: the same words the web map shows."""
    from geo_app.printmap import panels as pn

    def build():
        f = data.features.set_index("id")
        out = f[["name_zh", "name_en"]].copy()
        for lang in ("zh", "en"):
            if f"label_{lang}" in f:
                out[f"name_{lang}"] = f[f"label_{lang}"].where(f[f"label_{lang}"].notna(), f[f"name_{lang}"])
        return out

    return pn._cached(data, ("names",), build)


def area_lines(data: MapData, grp: AreaGroup, lang: str, highlight: set[str], wider: int = 0) -> list[Line]:
    f = names_by_id(data)
    hl = colour(data, "highlight", "#FFB000")
    width, rows = (9 + wider, 3) if lang != "en" else (11 + wider, 4)
    return [
        Line(
            wrap(pick(f.at[i, "name_zh"], f.at[i, "name_en"], lang), width, rows),
            text_colour(c),
            f"label:{i}",
            boxed=hl if i in highlight else None,
            edge=c,
        )
        for i, c in zip(grp.ids, grp.colors, strict=True)
    ]


def place_forced(
    placer: Placer,
    make,
    first: list,
    target: shapely.Geometry,
    extent,
    color: str,
    mm: float,
    leader_first: bool = False,
) -> bool:
    """Place a label at ``first`` candidates, else beside ``target`` with a leader, else anywhere in the
    frame with a leader; then again a size smaller and wrapped wider. False only when the frame is full.

    ``make(scale, wider)`` returns (artists, widths, heights)."""
    for k, (scale, wider) in enumerate(((1.0, 0), (0.85, 3), (0.75, 6))):
        arts, ws, hs = make(scale, wider)
        if k == 0 and first:
            box = placer.place(arts, ws, hs, first)
            if box is not None:
                if leader_first:
                    _leader(placer, box, target, color)
                return True
        box = placer.place(arts, ws, hs, _ring_candidates(target, extent, [r * mm for r in (4, 8, 13, 20)]))
        if box is None:
            box = placer.place(arts, ws, hs, _grid_candidates(extent, (3.0 if k < 2 else 2.0) * mm, target))
        if box is not None:
            _leader(placer, box, target, color)
            return True
        for a in arts:
            a.remove()
    return False


def place_area(
    placer: Placer,
    data: MapData,
    grp: AreaGroup,
    items: PanelItems,
    extent,
    lang: str,
    highlight: set[str],
    size: float,
    mm: float,
) -> bool:
    """An area's label inside it (deep, least covered by other items), else with a leader."""
    return place_forced(
        placer,
        lambda sc, wd: placer.make(area_lines(data, grp, lang, highlight, wd), size * sc),
        _inside_candidates(grp, items.areas, 3 * mm),
        grp.geom,
        extent,
        text_colour(grp.colors[0]),
        mm,
    )


def place_items(
    placer: Placer, data: MapData, items: PanelItems, extent, lang: str, highlight: set[str], size: float = 6.8
) -> list[str]:
    """Labels of every area, line, outside item and point; returns the ids left unlabelled."""
    mm = placer.to_data(placer.px_per_mm, 0)[0] - placer.to_data(0, 0)[0]
    missing: list[str] = []
    f = names_by_id(data)
    # smaller and highlighted areas first: they have the fewest good spots
    areas = sorted(items.areas, key=lambda g: (not g.highlighted, g.geom.area))
    for grp in areas:
        if not place_area(placer, data, grp, items, extent, lang, highlight, size, mm):
            missing += grp.ids
    for fid, g, col in items.lines:
        name = pick(f.at[fid, "name_zh"], f.at[fid, "name_en"], lang)
        mid = g.interpolate(0.5, normalized=True)
        first = [(mid.x + dx * mm, mid.y + dy * mm) for dx, dy in [(0, 3), (0, -3), (4, 4), (-4, -4), (0, 6)]]
        ok = place_forced(
            placer,
            lambda sc, wd, name=name, fid=fid, col=col: placer.make(
                [Line(wrap(name, 10 + wd), text_colour(col), f"label:{fid}", edge=col)], size * sc
            ),
            first,
            g,
            extent,
            text_colour(col),
            mm,
        )
        if not ok:
            missing.append(fid)
    for om in items.outside:
        name = pick(f.at[om.id, "name_zh"], f.at[om.id, "name_en"], lang)
        note = t("print_outside_in_frame" if om.in_frame else "print_outside_at_edge", lang).format(
            km=f"{om.km:.0f}", arrow=_arrow(om.angle)
        )
        back = om.angle + math.pi
        first = [
            (om.x + r * mm * math.cos(back + da), om.y + r * mm * math.sin(back + da))
            for r in (8, 12, 17)
            for da in (0, 0.5, -0.5, 1.0, -1.0)
        ]
        ok = place_forced(
            placer,
            lambda sc, wd, name=name, note=note, om=om: placer.make(
                [
                    Line(
                        f"{wrap(name, 9 + wd)}\n{note}",
                        text_colour(om.color),
                        f"label:{om.id}",
                        bold=False,
                        edge=om.color,
                    )
                ],
                (size - 0.8) * sc,
            ),
            first,
            shapely.Point(om.x, om.y),
            extent,
            text_colour(om.color),
            mm,
            leader_first=True,
        )
        if not ok:
            missing.append(om.id)
    offs = [(2.6, 0), (-2.6, 0), (0, 2.4), (0, -2.4), (2.2, 1.8), (-2.2, 1.8), (2.2, -1.8), (-2.2, -1.8)]
    for pm in sorted(items.points, key=lambda p: not p.highlighted):
        name = wrap(pick(f.at[pm.id, "name_zh"], f.at[pm.id, "name_en"], lang), 8)
        arts, ws, hs = placer.make(
            [
                Line(
                    name,
                    colour(data, "text", "#222222"),
                    f"label:{pm.id}",
                    bold=pm.highlighted,
                    boxed=colour(data, "highlight") if pm.highlighted else None,
                )
            ],
            size - 1.2,
        )
        cands = []
        for dx, dy in offs:  # beside the marker: shift the centre by half the label's size
            w_mm, h_mm = max(ws) / placer.px_per_mm, sum(hs) / placer.px_per_mm
            sx = dx + math.copysign(w_mm / 2, dx) if dx else 0
            sy = dy + math.copysign(h_mm / 2, dy) if dy else 0
            cands.append((pm.x + sx * mm, pm.y + sy * mm))
        box = placer.place(arts, ws, hs, cands)
        if box is None:  # a little further out, with a leader back to the marker
            ring = [
                (pm.x + r * mm * math.cos(a), pm.y + r * mm * math.sin(a))
                for r in (7, 10)
                for a in np.linspace(0, 2 * math.pi, 12, endpoint=False)
            ]
            box = placer.place(arts, ws, hs, ring)
            if box is not None:
                _leader(placer, box, shapely.Point(pm.x, pm.y), colour(data, "muted", "#555555"))
        if box is None:
            missing.append(pm.id)
            for a in arts:
                a.remove()
    return missing


def _arrow(angle: float) -> str:
    arrows = "→↗↑↖←↙↓↘"
    return arrows[round(angle / (math.pi / 4)) % 8]


def block_furniture(placer: Placer, named: bool) -> None:
    """Keep labels off the scale bar, north arrow, projection note and panel name."""
    from geo_app.printmap import furniture as fu

    fx0, fy0, fx1, fy1 = placer.frame
    k = placer.px_per_mm
    x, y, w, h = fu.SCALE_BOX_MM
    placer.block((fx0 + x * k, fy0 + y * k, fx0 + (x + w) * k, fy0 + (y + h) * k))
    placer.block((fx1 - fu.NORTH_BOX_MM[0] * k, fy1 - fu.NORTH_BOX_MM[1] * k, fx1, fy1))
    placer.block((fx1 - fu.PROJECTION_BOX_MM[0] * k, fy0, fx1, fy0 + fu.PROJECTION_BOX_MM[1] * k))
    if named:
        placer.block((fx0, fy1 - fu.NAME_BOX_MM[1] * k, fx0 + fu.NAME_BOX_MM[0] * k, fy1))


def block_markers(placer: Placer, items: PanelItems, base: PanelBase) -> None:
    for p in items.points:
        placer.block_point(p.x, p.y, MARKER_MM * 0.55)
    for o in items.outside:
        placer.block_point(o.x, o.y, MARKER_MM * 0.6)
    for s in base.seats.geometry:
        placer.block_point(s.x, s.y, 0.8)
