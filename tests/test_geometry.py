"""Geometry recipes and the county x item join on the real catalog: nothing claims more than the plan says."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo_app.boundaries import CHINA_ALBERS, load_region
from geo_app.catalog_rules import plan_units
from geo_app.geometry import MIN_ZONE_SHARE
from geo_app.join import write_csv


def test_every_drawn_feature_lies_inside_its_plan_region(map_data):
    for plan_id, plan in map_data.catalog.plans.items():
        region = (
            gpd.GeoSeries([shapely.union_all([load_region(a).geometry.iloc[0] for a in plan.regions])], crs=4326)
            .to_crs(CHINA_ALBERS)
            .iloc[0]
            .buffer(100)
        )
        drawn = map_data.features[(map_data.features.plan == plan_id) & map_data.features.geometry.notna()]
        for row in drawn.to_crs(CHINA_ALBERS).itertuples():
            assert region.covers(row.geometry) != row.outside_region, row.id


def test_region_wide_items_are_never_polygons(map_data):
    wide = map_data.features[map_data.features.region_wide]
    assert len(wide) >= 40
    assert wide.geometry.isna().all()
    assert set(wide["shape"]) == {"none"}


def test_no_two_items_share_a_polygon_unless_they_name_the_same_counties(map_data):
    areas = map_data.features[map_data.features["shape"] == "area"]
    seen: dict[bytes, tuple] = {}
    for r in areas.itertuples():
        key = shapely.normalize(r.geometry).wkb
        if key in seen:
            assert seen[key] == tuple(sorted(r.counties)), (r.id, seen[key])
        seen[key] = tuple(sorted(r.counties))


def test_the_area_layer_is_a_fraction_of_the_old_one(map_data):
    """The old catalog summed 2.93 million km² of area items (copies of whole prefectures)."""
    areas = map_data.features[map_data.features["shape"] == "area"].to_crs(CHINA_ALBERS)
    assert areas.area.sum() / 1e6 < 0.3 * 2.93e6


def test_named_areas_are_exactly_the_union_of_their_counties(map_data):
    counties = map_data.counties.set_index("adcode").geometry
    feats = map_data.features.set_index("id")
    for f in map_data.catalog.features:
        if f.location == "named_area":
            union = shapely.union_all(counties.loc[list(f.counties)].values)
            assert abs(feats.loc[f.id].geometry.area - union.area) < 1e-9, f.id


def test_mushroom_belt_is_the_foothills_not_whole_counties(map_data):
    rows = map_data.join[map_data.join.feature_id == "linxia-taizishan-mushroom-belt"]
    assert set(rows.adcode) == {622925, 622922, 622927, 622921}  # 和政 康乐 积石山 临夏县
    assert (rows.link == "named").all()
    assert (rows.share_of_county > 0.2).all() and (rows.share_of_county < 0.95).all()


def test_zones_drop_border_slivers(map_data):
    zones = map_data.join[map_data.join.location == "zone"]
    drawn = zones[zones.link == "inside"]
    assert (drawn.share_of_county >= MIN_ZONE_SHARE).all()
    belt = map_data.join[map_data.join.feature_id == "linxia-yellow-tao-industry-belt"]
    assert 622925 not in set(belt.adcode)  # 和政县: a 1 % sliver of the river band, not a county the rule yields


def test_region_wide_links_have_no_share_and_cover_the_region(map_data):
    j = map_data.join
    wide = j[j.link == "region_wide"]
    assert wide.share_of_county.isna().all()
    n = len(map_data.plan_counties["linxia"])
    per = wide[wide.plan == "linxia"].groupby("feature_id").size()
    assert (per == n).all()


def test_named_in_plan_only_where_the_quote_names_the_county(map_data):
    j = map_data.join
    assert 0 < j.named_in_plan.sum() < len(j) / 4
    for r in j[j.named_in_plan].itertuples():
        units = plan_units(map_data.catalog.plans[r.plan].regions)
        assert units.named(r.adcode, r.quote), (r.feature_id, r.adcode)
    # a region-wide item's sentence may name counties for its neighbours in a list: never a link of its own
    wide_named = j[(j.link == "region_wide") & j.named_in_plan]
    assert len(wide_named) < 10


def test_stand_ins_sit_at_a_town_of_their_named_county(map_data):
    f = map_data.features
    ref = map_data.reference
    for r in f[f.location == "stand_in"].itertuples():
        spec = map_data.catalog.feature(r.id).geometry
        if "at" in spec:
            assert ref.loc[spec["at"], "kind"] in ("town", "county_seat", "city"), r.id
        rows = map_data.join[(map_data.join.feature_id == r.id)]
        if r.counties:
            assert set(r.counties) <= set(rows.adcode), r.id


def test_join_csv_opens_in_excel(map_data, tmp_path):
    out = tmp_path / "join.csv"
    write_csv(map_data.join, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "和政县" in raw.decode("utf-8-sig")


@pytest.mark.parametrize("adcode", [622925, 620702])
def test_every_county_has_items_and_its_own_come_first(map_data, adcode):
    rows = map_data.join[map_data.join.adcode == adcode].reset_index(drop=True)
    assert len(rows) >= 10
    links = list(rows.link)
    assert links == sorted(links, key=["named", "inside", "region_wide"].index)
    assert links[0] == "named"
