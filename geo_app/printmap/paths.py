"""Shapely geometry -> matplotlib paths and collections (one artist per layer, not per feature)."""

from __future__ import annotations

import numpy as np
import shapely
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.path import Path as MplPath


def polygon_path(geom: shapely.Geometry) -> MplPath | None:
    """A path of a (multi)polygon with its holes (even-odd), or None when it has no area."""
    polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and not g.is_empty]
    if not polys:
        return None
    verts, codes = [], []
    for p in polys:
        for ring in [p.exterior, *p.interiors]:
            xy = shapely.get_coordinates(ring)
            if len(xy) < 4:
                continue
            verts.append(xy)
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def line_segments(geom: shapely.Geometry) -> list[np.ndarray]:
    """Coordinate arrays of every line (polygon rings included) of a geometry."""
    out = []
    for g in shapely.get_parts(geom):
        if g.is_empty:
            continue
        if g.geom_type == "Polygon":
            out += [shapely.get_coordinates(r) for r in [g.exterior, *g.interiors]]
        elif g.geom_type in ("LineString", "LinearRing"):
            out.append(shapely.get_coordinates(g))
        elif g.geom_type in ("MultiPolygon", "MultiLineString", "GeometryCollection"):
            out += line_segments(g)
    return [o for o in out if len(o) > 1]


def polygons(ax, geoms, **kw) -> PathCollection | None:
    """One PathCollection of polygons (``facecolors`` may be a list, one per geometry)."""
    paths, keep = [], []
    for i, g in enumerate(geoms):
        p = polygon_path(g) if g is not None else None
        if p is not None:
            paths.append(p)
            keep.append(i)
    if not paths:
        return None
    for key in ("facecolors", "edgecolors", "linewidths"):
        if isinstance(kw.get(key), list):
            kw[key] = [kw[key][i] for i in keep]
    coll = PathCollection(paths, **kw)
    ax.add_collection(coll, autolim=False)
    return coll


def lines(ax, geoms, **kw) -> LineCollection | None:
    """One LineCollection of every line of ``geoms`` (polygon outlines included)."""
    segs = [s for g in geoms if g is not None for s in line_segments(g)]
    if not segs:
        return None
    coll = LineCollection(segs, **kw)
    ax.add_collection(coll, autolim=False)
    return coll
