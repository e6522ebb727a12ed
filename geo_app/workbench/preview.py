"""What the review page needs beside the file: the plan's counties, towns and reference features to
choose from, and the geometry an item's (unsaved) recipe gives, drawn before it is saved."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import shapely

from geo_app.catalog_rules import PlanUnits, plan_units
from geo_app.geometry import build_geometry
from geo_app.mapdata import MapData

TOWN_KINDS = ("town", "county_seat", "city")
RULE_KINDS = ("river", "road", "plateau_edge", "mountain_zone", "reservoir", "lake")
NEAR_DEG = 0.3  # reference features this close to the plan region are offered for zone rules


def units(header: dict[str, Any]) -> PlanUnits:
    """The counties (and prefectures) of the plan's regions, from its header."""
    regions = header.get("regions") or []
    codes = tuple(int(r) for r in regions if isinstance(r, int | str) and str(r).isdigit())
    return plan_units(codes)


def region_shape(data: MapData, counties: list[int]) -> shapely.Geometry | None:
    """The union of the plan's counties in the map data (None when none are loaded)."""
    rows = data.counties[data.counties.adcode.isin(counties)]
    return shapely.union_all(rows.geometry.values) if len(rows) else None


def county_at(data: MapData, counties: list[int], lon: float, lat: float) -> int | None:
    """The plan county under a WGS84 point (None outside the plan's counties)."""
    rows = data.counties[data.counties.adcode.isin(counties)]
    hit = rows[rows.geometry.contains(shapely.Point(lon, lat))]
    return int(hit.iloc[0].adcode) if len(hit) else None


def towns_in(data: MapData, counties: list[int]) -> gpd.GeoDataFrame:
    """Towns and county seats of the reference data inside the plan's counties (seats first)."""
    region = region_shape(data, counties)
    ref = data.reference
    if region is None:
        return ref.iloc[0:0]
    towns = ref[ref["kind"].isin(TOWN_KINDS) & ref.geometry.within(region)]
    return towns.sort_values(["kind", "name_zh"], key=lambda s: s.map({"county_seat": "0"}).fillna(s))


def rule_features(data: MapData, counties: list[int]) -> gpd.GeoDataFrame:
    """Rivers, roads, the plateau edge ... near the plan region: what a zone rule can follow."""
    region = region_shape(data, counties)
    ref = data.reference
    if region is None:
        return ref.iloc[0:0]
    near = region.buffer(NEAR_DEG)
    return ref[ref["kind"].isin(RULE_KINDS) & ref.geometry.intersects(near)]


@dataclass(frozen=True)
class Preview:
    """An item's geometry as its (unsaved) recipe gives it, or why there is none."""

    geometry: shapely.Geometry | None
    problem: str = ""


def preview(feature: dict[str, Any], data: MapData, plan_counties: list[int]) -> Preview:
    """The WGS84 geometry of ``feature`` (a raw catalog mapping), as the map will draw it."""
    geom = feature.get("geometry")
    if feature.get("location") == "region_wide" or not isinstance(geom, dict):
        return Preview(None)
    counties = [int(c) for c in feature.get("counties") or [] if str(c).isdigit()]
    stub = SimpleNamespace(geometry=geom, location=feature.get("location"), counties=tuple(counties))
    by_code = data.counties.set_index("adcode").geometry
    try:
        shape = build_geometry(stub, by_code, plan_counties, data.reference)
    except (KeyError, ValueError, TypeError, IndexError, shapely.errors.ShapelyError) as exc:
        return Preview(None, f"{type(exc).__name__}: {exc}")
    if shape is None or shape.is_empty:
        return Preview(None, "empty")
    return Preview(shape)
