"""Geometry recipes and the county x item join, on the real catalog."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo_app.boundaries import CHINA_ALBERS
from geo_app.join import write_csv


def test_every_feature_lies_inside_its_prefecture(map_data, default_prefectures):
    prefs = default_prefectures.set_index("adcode").to_crs(CHINA_ALBERS).geometry
    feats = map_data.features.to_crs(CHINA_ALBERS)
    outside = {f.id for f in map_data.catalog.features if f.outside_region}
    for row in feats.itertuples():
        region = map_data.catalog.plans[row.plan].region
        inside = prefs[region].buffer(10).covers(row.geometry)
        assert inside != (row.id in outside), row.id


def test_belts_and_clusters_touch_exactly_their_counties(map_data):
    touched = map_data.join.groupby("feature_id")["adcode"].apply(set)
    for f in map_data.catalog.features:
        if f.category in ("industrial_belt", "industry_cluster"):
            assert touched.get(f.id, set()) == set(f.counties), f.id


def test_every_named_county_is_touched_and_nothing_else(map_data):
    touched = map_data.join.groupby("feature_id")["adcode"].apply(set)
    for f in map_data.catalog.features:
        if not f.outside_region:
            assert touched.get(f.id, set()) == set(f.counties), f.id


def test_mushroom_belt_is_the_foothills_not_whole_counties(map_data):
    rows = map_data.join[map_data.join.feature_id == "linxia-taizishan-mushroom-belt"]
    assert set(rows.adcode) == {622925, 622922, 622927, 622921}  # 和政 康乐 积石山 临夏县
    assert (rows.share_of_county > 0.2).all() and (rows.share_of_county < 0.95).all()


def test_vegetable_belt_follows_the_lanlang_road(map_data):
    belt = map_data.features.set_index("id").loc["linxia-lanlang-road-vegetable-belt"].geometry
    road = map_data.reference.loc["road-lanlang"].geometry
    belt_m = gpd.GeoSeries([belt], crs=4326).to_crs(CHINA_ALBERS).iloc[0]
    road_m = gpd.GeoSeries([road], crs=4326).to_crs(CHINA_ALBERS).iloc[0]
    assert belt_m.within(road_m.buffer(5_100))  # the 5 km corridor, nothing beyond


def test_admin_features_equal_the_union_of_their_counties(map_data):
    counties = map_data.counties.set_index("adcode").geometry
    for f in map_data.catalog.features:
        if f.geometry["recipe"] == "counties":
            geom = map_data.features.set_index("id").loc[f.id].geometry
            union = shapely.union_all(counties.loc[list(f.counties)].values)
            assert abs(geom.area - union.area) < 1e-9, f.id


def test_points_carry_a_location_source(map_data):
    points = map_data.features[map_data.features["shape"] == "point"]
    assert len(points) > 10
    assert points["location_source"].notna().all()


def test_join_csv_opens_in_excel(map_data, tmp_path):
    out = tmp_path / "join.csv"
    write_csv(map_data.join, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel detects UTF-8 Chinese
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert len(back) == len(map_data.join)
    assert "和政县" in set(back.county_zh)


@pytest.mark.parametrize("adcode", [622925, 620702])
def test_every_county_has_items(map_data, adcode):
    assert (map_data.join.adcode == adcode).sum() > 5
