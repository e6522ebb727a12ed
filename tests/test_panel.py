"""The side panel's content: identify (county first), the county table, item details, region lists."""

from __future__ import annotations

from geo_app import panel
from geo_app.identify import identify


def test_a_click_in_hezheng_under_a_belt_lists_the_county_first(map_data):
    belt = map_data.features.set_index("id").loc["linxia-taizishan-mushroom-belt"].geometry
    county = map_data.counties.set_index("adcode").loc[622925].geometry
    p = belt.intersection(county).representative_point()
    hit = identify(map_data, p.x, p.y)
    assert hit.county == 622925
    assert "linxia-taizishan-mushroom-belt" in hit.items
    entries = panel.identify_entries(map_data, hit, "zh")
    assert entries[0].kind == "county" and entries[0].label == "和政县"
    assert {e.ref for e in entries[1:]} == set(hit.items)


def test_identify_respects_shown_plans_and_layers(map_data):
    p = map_data.counties.set_index("adcode").loc[622925].geometry.representative_point()
    assert identify(map_data, p.x, p.y, plans=("zhangye",)).county is None
    hit = identify(map_data, p.x, p.y, visible=set())
    assert hit.county == 622925 and hit.items == []


def test_hezheng_table_starts_with_the_items_that_name_it(map_data):
    table = panel.county_table(map_data, 622925, "zh")
    groups = list(table.group)
    assert groups[0] == "named"
    assert groups == sorted(groups, key=list(panel.GROUPS).index)
    named = table[table.group == "named"]
    assert all(("和政" in q) for q in named.quote)
    wide = table[table.group == "region_wide"]
    assert len(wide) > len(named) and wide.share.isna().all()


def test_county_table_in_english_and_for_one_plan(map_data):
    table = panel.county_table(map_data, 620702, "en", plans=("zhangye",))
    assert set(table.plan) == {"Zhangye"}
    assert table.category.str.contains("[A-Za-z]").all()
    assert panel.county_table(map_data, 620702, "en", plans=("linxia",)).empty


def test_feature_details_have_rows_quote_and_no_nan(map_data):
    d = panel.feature_details(map_data, "linxia-taizishan-mushroom-belt", "zh")
    labels = [r.label for r in d.rows]
    assert labels[:4] == ["类别", "规划", "县区", "位置依据类型"]
    assert "宽度为假定值" in next(r.value for r in d.rows if r.key == "location")
    assert "太子山" in d.quote
    assert all("nan" not in r.value for r in d.rows)
    en = panel.feature_details(map_data, "linxia-taizishan-mushroom-belt", "en")
    assert next(r.value for r in en.rows if r.key == "plan").endswith("Box 6-1")


def test_region_items_list_what_the_badge_stands_for(map_data):
    title, table = panel.region_items(map_data, "linxia", "zh")
    assert title == "临夏州 · 全州事项"
    assert len(table) == int(map_data.features[(map_data.features.plan == "linxia")].region_wide.sum())
    _, fewer = panel.region_items(map_data, "linxia", "zh", visible={"linxia:research_platform"})
    assert 0 < len(fewer) < len(table)
