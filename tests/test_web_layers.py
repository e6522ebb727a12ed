"""The web map's layers, labels and legend, rendered in Python (the browser tests drive the real page)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
import shapely

from geo_app.styles import item_styles
from geo_app.web import groups, layers, popups
from geo_app.web.label_layer import labels_group
from geo_app.web.labels import Candidate, _rect, place, text_box
from geo_app.web.legend import legend_html
from geo_app.web.spec import MapSpec


def _calls(fg, func: str) -> list[list]:
    """The JSON arguments of every PM.<func>(...) call a FeatureGroup renders."""
    import folium

    m = folium.Map(tiles=None)
    fg.add_to(m)
    js = m.get_root().render()
    out = []
    for el in fg._children.values():
        if getattr(el, "func", None) == func:
            out.append([json.loads(a) for a in el.args_js])
    assert out or f"PM.{func}(" not in js
    return out


def test_every_drawn_item_is_in_its_layer_and_region_wide_items_are_not_drawn(map_data):
    spec = MapSpec()
    drawn, points = set(), set()
    for key in layers.layer_keys(map_data):
        fg = layers.plan_layer(map_data, spec, key)
        for args in _calls(fg, "topoLayer"):
            drawn |= set(args[2])
        for args in _calls(fg, "markers"):
            points |= {m["k"] for m in args[0]}
    f = map_data.features
    assert drawn == set(f[f["shape"].isin(["area", "line"])].id)
    assert points == set(f[f["shape"] == "point"].id)
    assert not (drawn | points) & set(f[f.region_wide].id)


def test_each_belt_of_a_plan_has_its_own_colour_and_hatch(map_data):
    styles = item_styles(map_data.catalog, map_data.features.set_index("id")["shape"])
    f = map_data.features
    for plan in map_data.catalog.plans:
        belts = f[(f.plan == plan) & (f.category == "industrial_belt") & f["shape"].isin(["area", "line"])]
        colours = styles.loc[belts.id, "color"]
        assert colours.is_unique, plan
        hatches = styles.loc[belts[belts["shape"] == "area"].id, "hatch"]
        assert hatches.is_unique


def test_stand_ins_are_drawn_as_stand_ins(map_data):
    f = map_data.features.set_index("id")
    for key in layers.layer_keys(map_data):
        for args in _calls(layers.plan_layer(map_data, MapSpec(), key), "markers"):
            for m in args[0]:
                assert m["l"] == f.loc[m["k"], "location"]
                if m["l"] == "stand_in":
                    assert "具体位置不详" in m["tip"]


def test_popup_and_tooltip_text_is_escaped(map_data):
    row = {**map_data.features.iloc[0].to_dict(), "name_zh": "<img src=x onerror=alert(1)>", "quote": "</script>"}
    html = popups.item_popup(row, map_data, "zh", "#123456")
    assert "<img" not in html and "&lt;img" in html and "&lt;/script&gt;" in html
    assert "<img" not in popups.item_tooltip(row, "zh")


def test_the_base_map_is_the_same_for_every_setting(map_data):
    """The app never re-mounts the map: everything that follows the settings is a group."""
    sources = {"plan-wgs84": "/a.json", "plan-gcj02": "/b.json"}

    def script(spec):
        m = layers.base_map(map_data, spec, sources)
        return re.sub(r"map_[0-9a-f]{32}", "MAP", m.get_root().render())

    a = script(MapSpec(mode="app"))
    for other in (
        MapSpec(mode="app", lang="en"),
        MapSpec(mode="app", basemap="amap"),
        MapSpec(mode="app", plans=("zhangye",), visible_layers=frozenset()),
    ):
        assert script(other) == a


def test_groups_are_cached_on_what_they_read():
    spec = MapSpec(lang="en", plans=("linxia",), visible_layers=frozenset({"linxia:ecology"}), highlight=("x",))
    assert groups.reduced(spec, "counties") == groups.reduced(replace(spec, visible_layers=None), "counties")
    assert groups.reduced(spec, "labels") != groups.reduced(replace(spec, highlight=()), "labels")
    assert groups.reduced(spec, "tiles") == groups.reduced(replace(spec, plans=None), "tiles")


def test_amap_shifts_points_to_gcj02(map_data):
    wgs = layers.to_map(103.2, 35.6, MapSpec())
    gcj = layers.to_map(103.2, 35.6, MapSpec(basemap="amap"))
    assert wgs == (35.6, 103.2)
    assert 0.0005 < abs(gcj[1] - wgs[1]) < 0.01 and layers.source_key(MapSpec(basemap="amap")) == "plan-gcj02"


def _labels(map_data, spec):
    return _calls(labels_group(map_data, spec), "labels")[0][0]


FONTS = {"pm-l-county": 13, "pm-l-prefecture": 15, "pm-l-context": 11, "pm-l-town": 11}


def test_labels_never_overlap_at_any_zoom(map_data):
    placed = place_all = _labels(map_data, MapSpec(plans=("linxia",)))
    assert len(place_all) > 20
    for z in range(6, 13):
        boxes = []
        for lb in placed:
            if lb["z0"] <= z <= lb.get("z1", 99):
                w, h = text_box(lb["t"], next((v for k, v in FONTS.items() if k in lb["c"]), 12.5))
                boxes.append(_rect(lb["ll"][1], lb["ll"][0], -lb.get("ax", 0), -lb.get("ay", 0), w, h, z))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                overlap = a[0] < b[2] - 6 and b[0] < a[2] - 6 and a[1] < b[3] - 6 and b[1] < a[3] - 6
                assert not overlap, z


def test_the_main_belts_are_labelled_at_the_default_zoom(map_data):
    texts = {lb["t"].replace("\n", ""): lb["z0"] for lb in _labels(map_data, MapSpec(plans=("linxia",)))}
    for name in ("太子山麓食用菌产业带", "牛羊产业集群", "兰郎公路沿线蔬菜产业"):
        assert name in texts and texts[name] <= 10, (name, texts.get(name))
    counties = [t for t in texts if t.endswith("县") or t.endswith("市")]
    assert {"和政县", "康乐县", "临夏市"} <= set(counties)


def test_presenting_labels_every_belt_and_cluster_at_the_overview_zoom(map_data):
    """Projector-size labels collide sooner; belts and clusters (the message) larger than the
    smallest county still all show at the zoom a 1920-wide deck opens Linxia's overview with (9.5)."""
    f = map_data.display_features
    counties = map_data.display_counties[map_data.display_counties.adcode.isin(map_data.counties_of_plans(("linxia",)))]
    smallest = shapely.area(counties.geometry.values).min()  # degrees², compared at one latitude
    big = (f["shape"] == "area") & (shapely.area(f.geometry.values) > smallest)
    wanted = f[(f.plan == "linxia") & f.category.isin(["industrial_belt", "industry_cluster"]) & big]
    assert len(wanted) >= 6
    texts = {lb["t"].replace("\n", ""): lb["z0"] for lb in _labels(map_data, MapSpec(plans=("linxia",), present=True))}
    for name in wanted.label_zh:
        assert name in texts and texts[name] <= 9.5, (name, texts.get(name))


def test_highlighted_items_are_labelled_from_the_first_zoom(map_data):
    spec = MapSpec(plans=("linxia",), highlight=("linxia-medicinal-herb-belt", "linxia-taizishan-mushroom-belt"))
    hl = [lb for lb in _labels(map_data, spec) if "pm-hl" in lb["c"]]
    assert len(hl) == 2 and all(lb["z0"] <= 8 for lb in hl)  # scenes open at zoom 9 or closer


def test_label_placement_takes_the_next_free_anchor():
    a = Candidate("甲乙丙", "pm-l-county", [(103.0, 35.0, 0, 0)], priority=2)
    b = Candidate("丁戊己", "pm-l-item", [(103.0, 35.0, 0, 0), (103.0, 35.0, 0, 30)], priority=1)
    placed = place([a, b])
    assert [p.candidate.text for p in placed] == ["甲乙丙", "丁戊己"]
    assert placed[1].anchor[3] == 30


def test_legend_follows_the_visible_layers_and_explains_the_location_kinds(map_data):
    spec = MapSpec(plans=("linxia",), visible_layers=frozenset({"linxia:industrial_belt"}))
    html = legend_html(map_data, spec)
    assert "产业带" in html and "农业科技园区" not in html
    for label in ("规划点名的县区", "代表点", "全域事项"):
        assert label in html
    assert "太子山麓食用菌产业带" in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_badges_count_the_region_wide_items_shown(map_data, lang):
    badges = layers.badges(map_data, MapSpec(lang=lang, plans=("linxia",)))
    n = int(((map_data.features.plan == "linxia") & map_data.features.region_wide).sum())
    assert [b["n"] for b in badges] == [n]
    assert ("全州事项" if lang == "zh" else "whole-prefecture items") in badges[0]["t"]


def test_a_view_centre_belongs_to_the_frame_that_holds_it(map_data):
    from geo_app.web import frames

    regions = tuple(a for p in map_data.catalog.plans.values() for a in p.regions)
    parts = frames.frames(map_data, regions)
    assert len(parts) == 2  # the two built-in plans lie far apart
    for part in parts:
        (s, w), (n, e) = frames.bounds(map_data, part)
        assert frames.frame_holding(map_data, parts, (s + n) / 2, (w + e) / 2) == part
    assert frames.frame_holding(map_data, parts, 20.0, 80.0) is None  # nowhere near either
    assert frames.frame_holding(map_data, parts[:1], 20.0, 80.0) == parts[0]  # one frame takes any view
