"""Everything a map, an export or the app needs, built once: catalog, geometries, join.

``load_map_data`` is the one place the pipeline runs (plan catalog -> geometries joined
with county boundaries). The Streamlit app caches its result; the CLI calls it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from geo_app import prepared
from geo_app.catalog import Catalog, Problem, load_catalog
from geo_app.geometry import build_features
from geo_app.join import county_item_table
from geo_app.reference import load_reference
from geo_app.simplify import simplify_coverage

#: Display coordinates are rounded to 1e-5° (about 1 m): finer than any screen shows.
DISPLAY_PRECISION = 1e-5


@dataclass
class MapData:
    """The plan layers joined with boundaries, in full detail and display detail."""

    catalog: Catalog
    counties: gpd.GeoDataFrame  # full detail, WGS84
    features: gpd.GeoDataFrame  # full detail, WGS84, one row per catalog feature
    join: pd.DataFrame  # county x item table
    reference: gpd.GeoDataFrame
    display_counties: gpd.GeoDataFrame  # coverage-simplified, rounded
    display_features: gpd.GeoDataFrame  # built on the display counties, rounded
    problems: list[Problem] = field(default_factory=list)

    @property
    def region_counties(self) -> dict[str, set[int]]:
        """plan id -> adcodes of all counties of the plan's region."""
        out = {}
        for pid, plan in self.catalog.plans.items():
            out[pid] = set(self.counties.loc[self.counties.prefecture_adcode == plan.region, "adcode"].astype(int))
        return out


def round_geometries(gdf: gpd.GeoDataFrame, grid: float = DISPLAY_PRECISION) -> gpd.GeoDataFrame:
    """A copy with coordinates snapped to ``grid`` degrees (keeps shared vertices shared)."""
    out = gdf.copy()
    out.geometry = shapely.set_precision(out.geometry.values, grid, mode="pointwise")
    return out


def load_map_data(level: str = "prefecture", strict: bool = False) -> MapData:
    """Build the default map data (Linxia + Zhangye). ``strict`` raises on catalog problems."""
    catalog = load_catalog(strict=strict)
    counties = prepared.default_counties()
    features = build_features(catalog, counties)
    display_counties = round_geometries(simplify_coverage(counties, level))
    display_features = round_geometries(build_features(catalog, display_counties))
    return MapData(
        catalog=catalog,
        counties=counties,
        features=features,
        join=county_item_table(features, counties),
        reference=load_reference(),
        display_counties=display_counties,
        display_features=display_features,
        problems=list(catalog.problems),
    )
