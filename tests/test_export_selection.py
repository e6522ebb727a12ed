"""Export selection for the location model: region-wide items without geometry, county clipping, one resolver."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo_app import export
from geo_app.boundaries import CHINA_ALBERS
from geo_app.crs import gk_epsg
from geo_app.export.crs import ZoneSpanError, centroid_lon, max_offset_deg, zone_cm

HEZHENG = 622925


def test_region_wide_items_have_no_geometry_and_carry_their_region(map_data):
    sel = export.select_layers("all", data=map_data)
    f = sel.features
    assert list(f["id"]) == list(map_data.features["id"])
    wide = f[f["region_wide"]]
    assert len(wide) and wide.geometry.isna().all()
    for row in wide.itertuples():
        plan = map_data.catalog.plans[row.plan]
        within = map_data.features.set_index("id").loc[row.id, "within"]
        assert row.region_adcodes == (list(within) or list(plan.regions))
    drawn = f[~f["region_wide"]]
    assert drawn.geometry.notna().all() and all(r == [] for r in drawn["region_adcodes"])


def test_every_item_carries_its_plan_and_location_kind(map_data):
    f = export.select_layers("all", data=map_data).features
    plans = map_data.catalog.plans
    assert set(f["plan"]) == set(plans)
    assert (f["plan_zh"] == f["plan"].map(lambda p: plans[p].short_zh)).all()
    styles = map_data.catalog.location_styles
    assert (f["location_zh"] == f["location"].map(lambda k: styles[k]["label_zh"])).all()
    assert (f["location_en"] == f["location"].map(lambda k: styles[k]["label_en"])).all()


def test_one_county_export_is_clipped_with_share(map_data):
    sel = export.select_layers("all", county="和政县", data=map_data)
    county = map_data.counties.set_index("adcode").loc[HEZHENG].geometry
    assert list(sel.counties["adcode"]) == [HEZHENG]
    assert set(sel.features["id"]) == set(map_data.join.loc[map_data.join.adcode == HEZHENG, "feature_id"])
    assert len(sel.drawn) and len(sel.listed)
    for row in sel.drawn.itertuples():
        assert county.buffer(1e-6).covers(row.geometry), row.id
    join = map_data.join[map_data.join.adcode == HEZHENG].set_index("feature_id")
    for row in sel.drawn[sel.drawn["shape"] == "area"].itertuples():
        assert row.share_of_county == pytest.approx(join.loc[row.id, "share_of_county"])
        clipped, whole = gpd.GeoSeries([row.geometry, county], crs=4326).to_crs(CHINA_ALBERS).area
        assert clipped / whole == pytest.approx(row.share_of_county, abs=0.005)  # the geometry is the share
    wide = sel.features[sel.features["region_wide"]]
    assert len(wide) and wide.geometry.isna().all() and (wide["link"] == "region_wide").all()
    assert (sel.join["adcode"] == HEZHENG).all()
    assert {"link", "link_zh", "link_en", "named_in_plan"} <= set(sel.join.columns)


def test_county_by_name_short_form_and_adcode_agree(map_data):
    ids = [
        list(export.select_layers("all", county=q, data=map_data).features["id"]) for q in ("和政县", "和政", "622925")
    ]
    assert ids[0] == ids[1] == ids[2]


def test_regions_go_through_one_resolver(map_data):
    short = export.select_layers("counties", regions="兰州", data=map_data)
    pinyin = export.select_layers("counties", regions="Lanzhou", data=map_data)
    full = export.select_layers("counties", regions="兰州市", data=map_data)
    assert list(short.counties["adcode"]) == list(pinyin.counties["adcode"]) == list(full.counties["adcode"])
    assert len(short.counties) > 1 and all(str(a).startswith("6201") for a in short.counties["adcode"])
    for pid, counties in map_data.plan_counties.items():  # a plan id is a region choice
        sel = export.select_layers("all", regions=pid, data=map_data)
        assert sorted(sel.counties["adcode"]) == sorted(counties)
        assert set(sel.features["plan"]) == {pid}


def test_layer_tokens(map_data):
    f = map_data.features
    cat = map_data.catalog
    for pid, plan in cat.plans.items():
        for token in (pid, plan.short_zh, plan.short_en):
            assert len(export.select_layers([token], data=map_data).features) == (f.plan == pid).sum()
    some = f["category"].iloc[0]
    assert (
        len(export.select_layers([cat.categories[some]["label_zh"]], data=map_data).features)
        == (f.category == some).sum()
    )
    assert set(export.select_layers(["site"], data=map_data).features["location"]) <= {"site"}
    only = export.select_layers(["counties"], data=map_data)
    assert only.features.empty and only.counties_requested and len(only.counties) == len(map_data.counties)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"layers": ["industral_belt"]}, "unknown layer 'industral_belt'; did you mean: industrial_belt"),
        ({"layers": ["all"], "county": "和正县"}, "unknown county '和正县'; did you mean: 和政县"),
    ],
)
def test_selection_errors_are_one_line(map_data, kwargs, needle):
    with pytest.raises((ValueError, LookupError)) as exc:
        export.select_layers(data=map_data, **kwargs)
    assert needle in str(exc.value) and "\n" not in str(exc.value)


# ----------------------------------------------------------------------------- Gauss-Krueger zones


def _region_zone(map_data, pid: str) -> int:
    codes = map_data.plan_counties[pid]
    return gk_epsg(centroid_lon(map_data.counties[map_data.counties.adcode.isin(codes)].geometry))


def test_auto_gk_takes_the_zone_of_each_plan_region(map_data):
    for pid in map_data.catalog.plans:
        sel = export.select_layers([pid], data=map_data)
        rcrs = export.resolve_for("auto-gk", sel)
        assert rcrs.epsg == _region_zone(map_data, pid)
        region = map_data.counties[map_data.counties.adcode.isin(map_data.plan_counties[pid])]
        assert max_offset_deg(region, rcrs) < 3.5  # never a region 4-5 degrees off its central meridian


def test_a_county_exports_in_its_regions_zone(map_data):
    """A county near a zone edge keeps its region's zone, so its coordinates match the region export."""
    for pid, codes in map_data.plan_counties.items():
        zone = _region_zone(map_data, pid)
        for code in codes:
            sel = export.select_layers("all", county=str(code), data=map_data)
            assert export.resolve_for("auto-gk", sel).epsg == zone


def test_auto_gk_over_two_zones_stops_naming_them(map_data):
    zones = {_region_zone(map_data, pid) for pid in map_data.catalog.plans}
    if len(zones) < 2:
        pytest.skip("the catalog's plans share one zone")
    sel = export.select_layers("all", data=map_data)
    with pytest.raises(ZoneSpanError) as exc:
        export.resolve_for("auto-gk", sel)
    for z in zones:
        assert f"EPSG:{z}" in str(exc.value) and f"CM {zone_cm(z)}E" in str(exc.value)
        assert f"EPSG:{z}" in exc.value.message("zh")
    assert "\n" not in str(exc.value)
    assert export.resolve_for(f"EPSG:{min(zones)}", sel).epsg == min(zones)  # an explicit zone is taken as given


def test_centroid_is_equal_area():
    square = shapely.box(100, 30, 101, 31)
    assert centroid_lon([square]) == pytest.approx(100.5, abs=0.01)
    assert CHINA_ALBERS.startswith("+proj=aea")
