"""Region queries from URLs and text boxes: normalised, cached, de-duplicated by adcode, bounded."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geo_app import boundaries
from geo_app.boundaries import COUNTRY_ADCODE, resolve_queries


@pytest.fixture
def frame_loads(monkeypatch):
    """Count geometry loads (and skip reading thousands of files): regions_frame is stubbed."""
    calls: list[int] = []

    def fake(regions):
        calls.append(len(regions))
        return gpd.GeoDataFrame({"adcode": [r.adcode for r in regions]}, geometry=[None] * len(regions), crs=4326)

    monkeypatch.setattr(boundaries, "regions_frame", fake)
    boundaries._counties_frame.cache_clear()
    yield calls
    boundaries._counties_frame.cache_clear()


def test_three_spellings_of_the_country_load_it_once(frame_loads):
    adcodes, messages = resolve_queries(["中国", "全国", "china", " CHINA ", "100000", "中华人民共和国"])
    assert adcodes == [COUNTRY_ADCODE] and messages == []
    gdf = boundaries.counties_for(["中国", "全国", "china"])
    assert frame_loads == [boundaries.county_count(COUNTRY_ADCODE)]
    assert len(gdf) == boundaries.county_count(COUNTRY_ADCODE) > 2800
    boundaries.counties_of("全国")
    assert len(frame_loads) == 1  # cached by adcode


def test_names_and_codes_of_one_region_are_one_adcode(frame_loads):
    adcodes, messages = resolve_queries(["临夏州", "622900", "临夏回族自治州", "６２２９００", "Linxia"])
    assert adcodes == [622900] and messages == []


def test_cached_frames_are_copies(frame_loads):
    first = boundaries.counties_of_adcode(622900)
    first.loc[:, "adcode"] = -1
    assert (boundaries.counties_of_adcode(622900).adcode > 0).all()
    assert len(frame_loads) == 1


def test_counties_per_request_are_capped_with_a_message():
    adcodes, messages = resolve_queries(["甘肃省", "兰州市", "中国"], max_counties=100)
    assert adcodes == [620000, 620100]
    assert [m.key for m in messages] == ["region_over_cap"]
    assert "at most 100 counties at once" in str(messages[0])
    assert "一次最多加载 100 个县区" in messages[0].text("zh")


def test_queries_per_request_are_capped():
    names = [
        "兰州市",
        "天水市",
        "白银市",
        "武威市",
        "酒泉市",
        "平凉市",
        "庆阳市",
        "定西市",
        "陇南市",
        "金昌市",
        "嘉峪关市",
        "甘南藏族自治州",
    ]
    adcodes, messages = resolve_queries(names)
    assert len(adcodes) == 10 and [m.key for m in messages] == ["region_too_many"] * 2


def test_unknown_and_over_long_queries_are_messages_not_searches(monkeypatch):
    calls = []
    monkeypatch.setattr(boundaries, "suggest", lambda q, n=5: calls.append(q) or [])
    boundaries._resolve_cached.cache_clear()
    adcodes, messages = resolve_queries(["和政县", "x" * 3000, "[link](javascript:alert(1))"])
    assert adcodes == [622925]
    assert [m.key for m in messages] == ["region_too_long", "region_unknown"]
    assert calls == ["[link](javascript:alert(1))"]  # no fuzzy search for the 3,000 characters
    assert len(str(messages[0])) < 120
    assert messages[1].text("zh").startswith("未知区域“[link]")
    boundaries._resolve_cached.cache_clear()


def test_resolution_is_cached_by_normalised_query():
    boundaries._resolve_cached.cache_clear()
    boundaries.resolve_region("和政县")
    boundaries.resolve_region(" 和政县\u202e ")
    boundaries.resolve_region("和政县\x00")
    info = boundaries._resolve_cached.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    with pytest.raises(boundaries.RegionNotFoundError) as first:
        boundaries.resolve_region("和正县")
    with pytest.raises(boundaries.RegionNotFoundError) as again:
        boundaries.resolve_region("和正县")
    assert str(first.value) == str(again.value) and "和政县 (622925)" in str(first.value)
    assert boundaries._resolve_cached.cache_info().hits == 3  # the failure was cached too
    assert "您是不是要找" in again.value.text("zh")


def test_suggestions_for_a_latin_query_carry_the_english_name():
    from geo_app import boundaries

    near = boundaries.suggest("Hezhen")
    assert near and near[0] == "和政县 Hezheng County (622925)"
    assert all("County" not in s and "City" not in s for s in boundaries.suggest("和正县"))
