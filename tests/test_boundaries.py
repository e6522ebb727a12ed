"""Any Chinese region by adcode or name, in WGS84, with names and areas."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo_app import boundaries
from geo_app.datum import wgs84_to_gcj02

# The 14 county seats, WGS84 lon/lat from GeoNames (CC BY 4.0), with their county.
COUNTY_SEATS = {
    622901: ("临夏 Chengguanzhen", 103.2064, 35.6003),
    622921: ("韩集 Hanji", 102.9926, 35.4954),
    622922: ("附城 Fucheng", 103.7056, 35.3725),
    622923: ("刘家峡 Liujiaxia", 103.3183, 35.934),
    622924: ("广河城关镇", 103.576, 35.4815),
    622925: ("和政城关镇", 103.3572, 35.43),
    622926: ("锁南 Suonan", 103.3979, 35.6665),
    622927: ("吹麻滩 Chuimatan", 102.8741, 35.7181),
    620702: ("张掖 Zhangye", 100.4517, 38.9342),
    620721: ("红湾寺 Hongwansi", 99.5987, 38.8351),
    620722: ("洪水 Hongshui", 100.7926, 38.4246),
    620723: ("沙河 Shahe", 100.1784, 39.1416),
    620724: ("高台城关镇", 99.8002, 39.3446),
    620725: ("清泉 Qingquan", 101.0887, 38.7931),
}


@pytest.mark.parametrize(
    ("query", "adcode"),
    [
        ("东乡县", 622926),
        ("积石山县", 622927),
        ("肃南县", 620721),
        ("东乡族自治县", 622926),
        ("622900", 622900),
        (620700, 620700),
        ("临夏", 622900),
        ("临夏县", 622921),
        ("临夏市", 622901),
        ("甘肃省", 620000),
        ("Hezheng", 622925),
        ("Ganzhou District", 620702),
    ],
)
def test_resolve_short_and_full_names(query, adcode):
    assert boundaries.resolve_region(query).adcode == adcode


@pytest.mark.parametrize(
    ("query", "adcode"),
    [
        ("兰州", 620100),
        ("Lanzhou", 620100),
        ("兰州市", 620100),
        ("甘南", 623000),
        ("Gannan", 623000),
        ("张掖", 620700),
        ("Zhangye", 620700),
        ("和政", 622925),
    ],
)
def test_short_form_resolves_to_the_unique_highest_match(query, adcode):
    """One resolver: 兰州 / Lanzhou find 兰州市 as `regions 兰州` does (the 州 of 兰州 is no suffix)."""
    assert boundaries.resolve_region(query).adcode == adcode


def test_unknown_name_suggests_near_matches():
    with pytest.raises(boundaries.RegionNotFoundError) as err:
        boundaries.resolve_region("和正县")
    assert "和正县" in str(err.value)
    assert "和政县 (622925)" in str(err.value)


def test_unknown_code_suggests_near_codes():
    with pytest.raises(boundaries.RegionNotFoundError, match=r"622999.*622927"):
        boundaries.resolve_region("622999")


def test_ambiguous_name_lists_candidates():
    with pytest.raises(boundaries.RegionNotFoundError, match=r"ambiguous.*361003.*622926"):
        boundaries.resolve_region("Dongxiang")


def test_counties_of_prefectures_have_attributes():
    gdf = boundaries.counties_for(["622900", "620700"])
    assert isinstance(gdf, gpd.GeoDataFrame)
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) == 14
    assert set(gdf.adcode) == set(COUNTY_SEATS)
    for col in ["adcode", "name_zh", "name_en", "prefecture_zh", "prefecture_adcode", "area_km2"]:
        assert gdf[col].notna().all(), col
    names = dict(zip(gdf.adcode, gdf.name_en, strict=True))
    assert names[622925] == "Hezheng County"
    assert names[620702] == "Ganzhou District"
    assert names[620722] == "Minle County"
    assert names[622926] == "Dongxiang Autonomous County"
    assert set(gdf[gdf.adcode < 622000].prefecture_zh) == {"张掖市"}


def test_area_is_equal_area_km2():
    """Hezheng County is about 960-1160 km² (published 960); a degree-based area would be ~0.1."""
    row = boundaries.load_region("和政县").iloc[0]
    assert 900 < row.area_km2 < 1300
    pref = boundaries.load_region(622900).iloc[0]
    assert 7_500 < pref.area_km2 < 8_500  # Linxia: 8,169 km² published


def test_any_region_in_china_loads():
    gdf = boundaries.load_region("海淀区")
    assert gdf.iloc[0].adcode == 110108
    assert gdf.iloc[0].geometry.is_valid
    assert gdf.iloc[0].geometry.bounds[0] > 116


@pytest.mark.parametrize("adcode", sorted(COUNTY_SEATS))
def test_county_seat_inside_its_county_in_wgs84(adcode):
    name, lon, lat = COUNTY_SEATS[adcode]
    county = boundaries.load_region(adcode).iloc[0].geometry
    assert county.contains(shapely.Point(lon, lat)), name


def test_boundaries_are_wgs84_not_gcj02():
    """The WGS84 boundary must sit where the GCJ-02 source does after the inverse shift:
    shifting it forward again must move it ~200 m, i.e. it is not the raw GCJ-02."""
    county = boundaries.load_region(622925).iloc[0].geometry
    raw = boundaries._read_geometry(boundaries.resolve_region(622925).path)
    x, y = county.exterior.coords.xy if county.geom_type == "Polygon" else county.geoms[0].exterior.coords.xy
    gx, gy = wgs84_to_gcj02(x[0], y[0])
    rx, ry = (raw.geoms[0] if raw.geom_type == "MultiPolygon" else raw).exterior.coords[0]
    assert abs(gx - rx) < 1e-6 and abs(gy - ry) < 1e-6
    assert abs(x[0] - rx) > 0.001  # ~200 m apart from the raw GCJ-02 vertex
