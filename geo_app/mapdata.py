"""Everything a map, an export or the app needs, built once: catalog, boundaries, geometries, join.

``load_map_data`` is the one place the pipeline runs (plan catalog -> county boundaries of every
plan region -> geometries -> county x item join). The Streamlit app caches its result; the
CLI calls it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo_app import prepared
from geo_app.catalog import Catalog, Problem, load_catalog
from geo_app.geometry import build_features
from geo_app.join import county_item_table
from geo_app.reference import load_reference
from geo_app.regions import all_region_adcodes, plan_county_codes
from geo_app.simplify import simplify_coverage

#: Display coordinates are rounded to 1e-5° (about 1 m): finer than any screen shows.
DISPLAY_PRECISION = 1e-5


@dataclass
class MapData:
    """The plan layers joined with boundaries, in full detail and display detail."""

    catalog: Catalog
    counties: gpd.GeoDataFrame  # every county of every plan region, full detail, WGS84
    plan_counties: dict[str, list[int]]  # plan id -> county adcodes of its regions
    features: gpd.GeoDataFrame  # full detail, WGS84, one row per catalog feature (None: region-wide)
    join: pd.DataFrame  # county x item table
    reference: gpd.GeoDataFrame
    display_counties: gpd.GeoDataFrame  # coverage-simplified, rounded
    display_features: gpd.GeoDataFrame  # built on the display counties, rounded
    problems: list[Problem] = field(default_factory=list)

    @property
    def region_counties(self) -> dict[str, set[int]]:
        """plan id -> adcodes of all counties of the plan's regions."""
        return {pid: set(codes) for pid, codes in self.plan_counties.items()}

    def counties_of_plans(self, plans: tuple[str, ...] | None) -> set[int]:
        """Adcodes of the counties of the given plans (all plans for None)."""
        return {c for pid, codes in self.plan_counties.items() if plans is None or pid in plans for c in codes}

    def region_items(self, plan: str) -> gpd.GeoDataFrame:
        """The plan's region-wide items (no geometry: listed under the region's badge)."""
        f = self.features
        return f[(f.plan == plan) & f.region_wide]


def round_geometries(gdf: gpd.GeoDataFrame, grid: float = DISPLAY_PRECISION) -> gpd.GeoDataFrame:
    """A copy with coordinates snapped to ``grid`` degrees (keeps shared vertices shared)."""
    out = gdf.copy()
    has = out.geometry.notna()
    out.loc[has, "geometry"] = shapely.set_precision(out.geometry[has].values, grid, mode="pointwise")
    return out


def load_map_data(level: str = "prefecture", strict: bool = False, layers_dir: Path | None = None) -> MapData:
    """Build the map data of every plan in the catalog. ``strict`` raises on catalog problems."""
    catalog = load_catalog(layers_dir=layers_dir, strict=strict)
    counties = prepared.counties_of_regions(all_region_adcodes(catalog))
    plan_counties = plan_county_codes(catalog)
    features = build_features(catalog, counties, plan_counties)
    display_counties = round_geometries(simplify_coverage(counties, level))
    display_features = round_geometries(build_features(catalog, display_counties, plan_counties))
    return MapData(
        catalog=catalog,
        counties=counties,
        plan_counties=plan_counties,
        features=features,
        join=county_item_table(catalog, features, counties),
        reference=load_reference(),
        display_counties=display_counties,
        display_features=display_features,
        problems=list(catalog.problems),
    )
