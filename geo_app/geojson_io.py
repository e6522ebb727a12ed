"""Deterministic RFC 7946 GeoJSON: WGS84 lon/lat, no ``crs`` member, CCW outer rings.

Used for committed data (so a regeneration is byte-identical) and for exports.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


def _clean(value: Any) -> Any:
    """JSON-safe property value: NaN/NA -> None, numpy scalars -> Python, lists kept."""
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def rfc7946_geometry(geom: shapely.Geometry, precision: int = 6) -> dict | None:
    """GeoJSON geometry dict with right-hand (CCW exterior) rings and rounded coordinates."""
    if geom is None or geom.is_empty:
        return None
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    geom = shapely.set_precision(geom, 10**-precision, mode="pointwise")
    return json.loads(shapely.to_geojson(geom))


def to_feature_collection(gdf: gpd.GeoDataFrame, precision: int = 6, id_column: str | None = None) -> dict:
    """A FeatureCollection dict of ``gdf`` reprojected to EPSG:4326."""
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    features = []
    for row, geom in zip(gdf[cols].itertuples(index=False, name=None), gdf.geometry.values, strict=True):
        props = {c: _clean(v) for c, v in zip(cols, row, strict=True)}
        feature: dict[str, Any] = {"type": "Feature"}
        if id_column:
            feature["id"] = props[id_column]
        feature["properties"] = props
        feature["geometry"] = rfc7946_geometry(geom, precision)
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def dumps(fc: dict) -> str:
    """Compact, stable JSON text (UTF-8 Chinese kept readable)."""
    return json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_geojson(gdf: gpd.GeoDataFrame, path: str | Path, precision: int = 6, id_column: str | None = None) -> Path:
    """Write ``gdf`` as RFC 7946 GeoJSON; returns the path."""
    path = Path(path)
    path.write_text(dumps(to_feature_collection(gdf, precision, id_column)), encoding="utf-8")
    return path


def read_geojson(path: str | Path) -> gpd.GeoDataFrame:
    """Read a GeoJSON file into a GeoDataFrame (EPSG:4326), keeping list properties as lists."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    feats = data.get("features", [])
    geoms = [shapely.geometry.shape(f["geometry"]) if f.get("geometry") else None for f in feats]
    props = [f.get("properties") or {} for f in feats]
    return gpd.GeoDataFrame(pd.DataFrame.from_records(props), geometry=geoms, crs=4326)
