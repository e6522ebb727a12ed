"""Side-panel content: the county x item join as a planner reads it."""

from __future__ import annotations

from geo_app.panel import county_panel, feature_panel, panel_for_click


def test_county_panel_lists_items_with_quotes_and_shares(map_data):
    p = county_panel(map_data, 622925, "zh")  # 和政县
    assert p.title == "和政县"
    names = [it.name for it in p.items]
    assert any("食用菌产业带" in n for n in names)
    belt = next(it for it in p.items if "食用菌产业带" in it.name)
    assert 0 < belt.share < 1  # the foothills, not the whole county
    assert "太子山" in belt.quote


def test_feature_panel_has_quote_and_fields(map_data):
    p = feature_panel(map_data, "linxia-taizishan-mushroom-belt", "en")
    labels = dict(p.fields)
    assert "Taizi" in p.title
    assert "Category" in labels and "Location precision" in labels
    assert "沿太子山麓食用菌产业带" in p.quote


def test_click_dispatch(map_data):
    assert panel_for_click(map_data, {"properties": {"adcode": 620702}}, "zh").kind == "county"
    fid = map_data.features["id"].iloc[0]
    assert panel_for_click(map_data, {"properties": {"id": fid, "adcode": 1}}, "zh").kind == "feature"
    assert panel_for_click(map_data, None, "zh").kind == "hint"
    assert panel_for_click(map_data, {"properties": {"adcode": 999999}}, "zh").kind == "hint"
