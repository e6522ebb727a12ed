"""Offline reference features (towns, rivers, mountain zone, schematic roads) from ``data/reference/``.

Geometry recipes point at these by id; the offline basemap draws them. See
``data/reference/SOURCE.md`` for their provenance.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo_app.geojson_io import read_geojson
from geo_app.paths import REFERENCE_DIR


@lru_cache(maxsize=2)
def load_reference(folder: Path = REFERENCE_DIR) -> gpd.GeoDataFrame:
    """Every reference feature in ``folder/*.geojson``, indexed by ``id`` (EPSG:4326)."""
    frames = [read_geojson(p) for p in sorted(folder.glob("*.geojson"))]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return gpd.GeoDataFrame({"id": []}, geometry=[], crs=4326).set_index("id")
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=4326)
    return gdf.set_index("id", drop=False)
