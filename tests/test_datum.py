"""GCJ-02 <-> WGS84 against published reference pairs and the county seats."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from geo_app.datum import gcj02_to_wgs84, geoms_gcj02_to_wgs84, geoms_wgs84_to_gcj02, wgs84_to_gcj02

GEOD = Geod(ellps="WGS84")

# (wgs lon, wgs lat, gcj lon, gcj lat) from the eviltransform test suite (MIT) and the
# coordtransform README (MIT): independent implementations of the same published formula.
REFERENCE_PAIRS = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
    (116.404, 39.915, 116.41024449916938, 39.91640428150164),  # Beijing (coordtransform)
]


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), REFERENCE_PAIRS)
def test_forward_matches_published_pairs(wlon, wlat, glon, glat):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert _metres(lon, lat, glon, glat) < 0.01


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), REFERENCE_PAIRS)
def test_inverse_recovers_wgs84(wlon, wlat, glon, glat):
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert _metres(lon, lat, wlon, wlat) < 0.01


def test_round_trip_under_a_metre_vectorised():
    rng = np.random.default_rng(7)
    lon = rng.uniform(73.5, 135, 20_000)
    lat = rng.uniform(18, 53.5, 20_000)
    glon, glat = wgs84_to_gcj02(lon, lat)
    back_lon, back_lat = gcj02_to_wgs84(glon, glat)
    assert _metres(lon, lat, back_lon, back_lat).max() < 1.0
    assert glon.shape == lon.shape


def test_offset_here_is_150_to_250_metres():
    """In Linxia and Zhangye the shift is a few hundred metres: big enough to matter."""
    lon = np.array([103.2064, 100.4517])
    lat = np.array([35.6003, 38.9342])
    d = _metres(lon, lat, *wgs84_to_gcj02(lon, lat))
    assert ((d > 150) & (d < 350)).all()


def test_outside_china_unchanged():
    lon, lat = wgs84_to_gcj02(2.35, 48.85)
    assert (float(lon), float(lat)) == (2.35, 48.85)


def test_geometry_transform_keeps_shape_type():
    poly = shapely.box(103.0, 35.0, 103.1, 35.1)
    back = geoms_gcj02_to_wgs84(geoms_wgs84_to_gcj02(poly))
    assert back.geom_type == "Polygon"
    assert shapely.hausdorff_distance(back, poly) < 1e-7
