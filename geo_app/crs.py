"""Coordinate systems Chinese GIS teams use, and the local metric CRS for measuring.

- WGS84 (EPSG:4326): web maps, GeoJSON.
- CGCS2000 (EPSG:4490): the national geodetic system; differs from WGS84 by centimetres,
  so coordinates are carried over unchanged and only the label changes.
- CGCS2000 3-degree Gauss–Krüger zones, central meridian 75°E…135°E (EPSG:4534–4554,
  no zone prefix in the easting): metres, for area and distance work.
- GCJ-02: Amap/Gaode's shifted datum; no EPSG code, so it is labelled in file names and notes.
"""

from __future__ import annotations

GCJ02 = "GCJ02"
CRS_CHOICES: dict[str, str] = {
    "EPSG:4326": "WGS84 (EPSG:4326)",
    "EPSG:4490": "CGCS2000 (EPSG:4490)",
    "auto-gk": "CGCS2000 3-degree Gauss-Kruger zone fitting the data",
    GCJ02: "GCJ-02 (Amap/Gaode datum, not an EPSG CRS; lon/lat degrees)",
}


def gk_central_meridian(lon: float) -> int:
    """Central meridian of the 3-degree zone containing ``lon`` (75..135)."""
    cm = round(lon / 3.0) * 3
    return min(max(cm, 75), 135)


def gk_epsg(lon: float) -> int:
    """EPSG code of the CGCS2000 3-degree Gauss–Krüger CM zone for ``lon`` (EPSG:4534-4554)."""
    return 4534 + (gk_central_meridian(lon) - 75) // 3


def local_metric_crs(lon: float) -> str:
    """A transverse-Mercator CRS on WGS84 centred on the 3-degree zone of ``lon`` (for buffers)."""
    cm = gk_central_meridian(lon)
    return f"+proj=tmerc +lat_0=0 +lon_0={cm} +k=1 +x_0=500000 +y_0=0 +datum=WGS84 +units=m +no_defs"
