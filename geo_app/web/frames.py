"""Framing: where a map looks, and how regions far apart share the screen.

Two plan regions 400 km apart at one zoom leave most of the map empty, so ``frames`` splits
the regions shown into clusters (regions closer than their own size stay together); the app
draws one map per cluster side by side. ``bounds`` and ``region_anchor`` give each frame its
extent and each region the point where its badge and name go.
"""

from __future__ import annotations

from functools import lru_cache

import shapely
from shapely.ops import polylabel

from geo_app.catalog_rules import plan_units
from geo_app.mapdata import MapData

#: Two regions share a frame only when the box around both is at most this many times the area of
#: their own boxes (Zhangye and Linxia together: 2.4 times, mostly empty map; neighbours: ~1.3).
MAX_EMPTY_RATIO = 1.8


def _region_geom(data: MapData, adcodes: tuple[int, ...]) -> shapely.Geometry:
    """The union of the regions' display counties (memoised on the map data: asked per item)."""
    key = ("region_geom", tuple(adcodes))
    if key not in data.memo:
        codes = set(plan_units(tuple(adcodes)).counties)
        sub = data.display_counties[data.display_counties.adcode.isin(codes)]
        data.memo[key] = shapely.union_all(sub.geometry.values)
    return data.memo[key]


def bounds(data: MapData, adcodes: tuple[int, ...]) -> list[list[float]]:
    """[[south, west], [north, east]] of the counties of the regions."""
    minx, miny, maxx, maxy = _region_geom(data, adcodes).bounds
    return [[round(miny, 5), round(minx, 5)], [round(maxy, 5), round(maxx, 5)]]


@lru_cache(maxsize=64)
def _anchor(key: tuple[int, ...], geom_wkb: bytes) -> tuple[float, float]:
    geom = shapely.from_wkb(geom_wkb)
    parts = getattr(geom, "geoms", [geom])
    largest = max(parts, key=lambda g: g.area)
    p = polylabel(largest, tolerance=0.01)
    return float(p.x), float(p.y)


def region_anchor(data: MapData, adcodes: tuple[int, ...]) -> tuple[float, float]:
    """(lon, lat) inside the regions, far from their edges: where a region's name and badge go."""
    geom = _region_geom(data, adcodes)
    return _anchor(tuple(adcodes), shapely.to_wkb(geom))


def badge_anchor(data: MapData, adcodes: tuple[int, ...]) -> tuple[float, float]:
    """(lon, lat) near the north-west corner of the regions' box: where a region's badge and name
    go, out of the way of the counties and items in the middle (the badge stands for the whole)."""
    minx, miny, maxx, maxy = _region_geom(data, adcodes).bounds
    return minx + 0.1 * (maxx - minx), maxy - 0.05 * (maxy - miny)


def _area(b: tuple[float, ...]) -> float:
    return max(b[2] - b[0], 1e-6) * max(b[3] - b[1], 1e-6)


def _union(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def frames(data: MapData, adcodes: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The regions grouped into frames: regions far apart (relative to their size) get their own."""
    clusters = [((a,), _region_geom(data, (a,)).bounds) for a in adcodes if plan_units((a,)).counties]
    merged = True
    while merged and len(clusters) > 1:
        merged = False
        for i in range(len(clusters)):
            for j in range(i + 1, len(clusters)):
                (ca, ba), (cb, bb) = clusters[i], clusters[j]
                union = _union(ba, bb)
                if _area(union) <= MAX_EMPTY_RATIO * (_area(ba) + _area(bb)):
                    clusters[i] = (ca + cb, union)
                    del clusters[j]
                    merged = True
                    break
            if merged:
                break
    clusters.sort(key=lambda c: c[1][0])  # west to east
    return [c for c, _ in clusters] or [tuple(adcodes)]


def frame_weights(data: MapData, parts: list[tuple[int, ...]]) -> list[float]:
    """Relative widths for side-by-side frames: each frame as wide as its region's shape asks."""
    import math

    out = []
    for frame in parts:
        (s, w), (n, e) = bounds(data, frame)
        aspect = (e - w) * math.cos(math.radians((s + n) / 2)) / max(n - s, 1e-6)
        out.append(min(max(aspect, 0.6), 2.5))
    return out


def frame_holding(
    data: MapData, parts: list[tuple[int, ...]], lat: float, lon: float, margin: float = 0.5
) -> tuple[int, ...] | None:
    """The frame a view centre (a link's view, a search hit) belongs to: the only frame, or the
    first whose regions' box, grown by ``margin`` degrees, holds it; None when none does."""
    if len(parts) == 1:
        return parts[0]
    for frame in parts:
        (s, w), (n, e) = bounds(data, frame)
        if s - margin <= lat <= n + margin and w - margin <= lon <= e + margin:
            return frame
    return None
