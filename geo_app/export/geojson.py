"""GeoJSON (RFC 7946): WGS84 lon/lat, no ``crs`` member, counter-clockwise outer rings.

Region-wide items are features with ``"geometry": null`` and their region in ``region_adcodes``;
county boundaries (when asked for) follow with ``"layer": "counties"``. The export's metadata
is a top-level ``metadata`` member (a foreign member RFC 7946 allows). Features come from
geopandas' ``to_geo_dict``; coordinates are rounded to 6 decimals (about 0.1 m).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely

from geo_app.export.tables import Progress, report

if TYPE_CHECKING:
    from geo_app.export.crs import ResolvedCRS
    from geo_app.export.selection import Selection

DIGITS = 6


def rfc7946_geometries(geoms: gpd.GeoSeries, digits: int = DIGITS) -> gpd.GeoSeries:
    """Geometries with counter-clockwise outer rings and coordinates rounded to ``digits``."""
    values = geoms.values
    has = ~shapely.is_missing(values)
    out = np.array(values, dtype=object)
    rounded = shapely.transform(values[has], lambda xy: np.round(xy, digits))
    out[has] = shapely.orient_polygons(rounded, exterior_cw=False)
    return gpd.GeoSeries(out, index=geoms.index, crs=geoms.crs)


def _features(gdf: gpd.GeoDataFrame, ids: list[Any], extra: dict[str, Any] | None = None) -> list[dict]:
    """GeoJSON features of ``gdf`` with the given feature ids (via geopandas' to_geo_dict)."""
    frame = gdf.set_geometry(rfc7946_geometries(gdf.geometry))
    for key, value in (extra or {}).items():
        frame[key] = value
    frame.index = ids
    return frame.to_geo_dict(na="null", drop_id=False)["features"]


def _plain(value: Any) -> Any:
    """numpy scalars -> Python for json."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write(sel: Selection, rcrs: ResolvedCRS, meta: dict, progress: Progress | None = None) -> bytes:
    """The FeatureCollection bytes (UTF-8, compact, Chinese kept readable)."""
    report(progress, 0.1, "GeoJSON: items")
    feats = _features(sel.features, list(sel.features["id"]))
    if sel.counties_requested or not len(sel.features):
        report(progress, 0.5, "GeoJSON: counties")
        feats += _features(sel.counties, [int(a) for a in sel.counties["adcode"]], {"layer": "counties"})
    fc = {"type": "FeatureCollection", "metadata": meta, "features": feats}
    report(progress, 0.9, "GeoJSON: encoding")
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"), default=_plain)
    return (text + "\n").encode("utf-8")
