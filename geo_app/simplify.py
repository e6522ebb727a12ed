"""Topology-preserving (coverage) simplification of county boundaries.

Simplifying each county on its own opens gaps and slivers along shared borders.
GEOS coverage simplification (``shapely.coverage_simplify``) simplifies every shared
edge once, so neighbours keep sharing it exactly. Tolerances are in metres, applied in
an equal-area projection; the result is returned in EPSG:4326.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from geo_app.boundaries import CHINA_ALBERS

#: Detail levels: name -> tolerance in metres (0 keeps the source vertices).
DETAIL_LEVELS: dict[str, float] = {
    "full": 0.0,
    "close": 30.0,  # county close-ups, zoom ~11-13
    "prefecture": 150.0,  # one or two prefectures, zoom ~8-10
    "province": 1000.0,  # a province, zoom ~6-7 (half a pixel at zoom 6)
    "country": 2500.0,  # all of China, zoom ~3-5
}


def simplify_coverage(gdf: gpd.GeoDataFrame, level: str | float = "prefecture") -> gpd.GeoDataFrame:
    """A copy of ``gdf`` (a polygon coverage) simplified at a detail level or tolerance (m).

    Shared edges stay shared: no gaps, no overlaps. Raises ValueError for an unknown level.
    """
    if isinstance(level, str):
        if level not in DETAIL_LEVELS:
            raise ValueError(f"unknown detail level {level!r}; choose one of {', '.join(DETAIL_LEVELS)}")
        tolerance = DETAIL_LEVELS[level]
    else:
        tolerance = float(level)
    out = gdf.copy()
    if tolerance <= 0 or out.empty:
        return out
    projected = out.geometry.to_crs(CHINA_ALBERS).values
    simplified = shapely.coverage_simplify(projected, tolerance, simplify_boundary=True)
    out.geometry = gpd.GeoSeries(simplified, crs=CHINA_ALBERS, index=out.index).to_crs(4326)
    return out


def coverage_gaps_km2(gdf: gpd.GeoDataFrame, outline: shapely.Geometry) -> tuple[float, float]:
    """(area of ``outline`` not covered, area of pairwise overlaps) in km² — both ~0 for a clean coverage."""
    albers = gdf.geometry.to_crs(CHINA_ALBERS)
    union = shapely.union_all(albers.values)
    outline_p = gpd.GeoSeries([outline], crs=4326).to_crs(CHINA_ALBERS).iloc[0]
    gaps = outline_p.difference(union).area / 1e6
    overlap = (albers.area.sum() - union.area) / 1e6
    return float(gaps), float(overlap)


def context_detail(gdf: gpd.GeoDataFrame) -> tuple[str, float]:
    """(detail level, coordinate grid in degrees) that fit the extent of a context layer.

    What a screen can show at the zoom that fits the extent: a prefecture needs ~150 m, a
    province ~1 km, the whole country ~2.5 km. Coordinates are rounded to 1e-5° (~1 m):
    pointwise snapping to a coarser grid makes simplified polygons invalid (tested on every
    province and prefecture of China), and the digits saved are under 10% of the bytes.
    """
    minx, miny, maxx, maxy = gdf.total_bounds
    span = max(maxx - minx, maxy - miny)
    if span < 4:
        return "prefecture", 1e-5
    if span < 20:
        return "province", 1e-5
    return "country", 1e-5


def context_layer(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A context (boundaries-only) layer simplified and rounded for its extent; borders stay shared."""
    if gdf.empty:
        return gdf
    level, grid = context_detail(gdf)
    out = simplify_coverage(gdf, level)
    out.geometry = shapely.set_precision(out.geometry.values, grid, mode="pointwise")
    return out[~out.geometry.is_empty]
