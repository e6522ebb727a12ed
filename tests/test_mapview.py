"""The folium map: layers, styles, escaping, datum handling, legend."""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

from geo_app import mapview
from geo_app.basemaps import BASEMAPS, available_basemaps
from geo_app.mapview import MapSpec, base_map, full_map, layer_keys, plan_layers


def _render(m) -> str:
    """Rendered page with JSON's \\uXXXX escapes decoded, so Chinese text can be searched."""
    html = m.get_root().render()
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda g: chr(int(g.group(1), 16)), html)


def test_every_catalog_feature_is_drawn(map_data):
    html = _render(full_map(map_data, MapSpec(standalone=True)))
    for fid in map_data.features["id"]:
        assert f'"id": "{fid}"' in html or f'"id":"{fid}"' in html, fid


def test_layers_follow_plan_and_category(map_data):
    keys = layer_keys(map_data)
    assert "linxia:industrial_belt" in keys and "zhangye:county_designation" in keys
    groups = plan_layers(map_data, MapSpec(visible_layers=frozenset({"linxia:industrial_belt"})))
    assert list(groups) == ["linxia:industrial_belt"]
    assert plan_layers(map_data, MapSpec(plans=("zhangye",))).keys() == {k for k in keys if k.startswith("zhangye:")}


def test_popup_and_tooltip_text_is_escaped(map_data):
    evil = copy.copy(map_data)
    feats = map_data.display_features.copy()
    feats.loc[feats.index[0], "name_zh"] = '<img src=x onerror="alert(1)">'
    feats.loc[feats.index[0], "quote"] = "<script>alert('q')</script>"
    evil.display_features = feats
    html = _render(full_map(evil, MapSpec(standalone=True)))
    assert "<img src=x" not in html
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


def test_quote_in_popup(map_data):
    html = _render(full_map(map_data, MapSpec(standalone=True)))
    assert "沿太子山麓食用菌产业带" in html
    assert "pm-quote" in html


def test_amap_basemap_shifts_overlays_to_gcj02(map_data):
    def first_county_coord(spec):
        html = _render(base_map(map_data, spec))
        m = re.search(r'"adcode": 622901.*?"coordinates": \[\[\[\[?([\d.]+), ([\d.]+)', html, re.S)
        assert m, "county geometry not found"
        return float(m.group(1)), float(m.group(2))

    wgs = first_county_coord(MapSpec(basemap="osm"))
    gcj = first_county_coord(MapSpec(basemap="amap"))
    shift = np.hypot((gcj[0] - wgs[0]) * 90_000, (gcj[1] - wgs[1]) * 111_000)
    assert 100 < shift < 400  # metres: overlays moved onto the Amap tiles
    assert BASEMAPS["amap"].datum == "GCJ02"


def test_offline_basemap_has_no_tiles(map_data):
    html = _render(base_map(map_data, MapSpec(basemap="offline")))
    assert "L.tileLayer" not in html
    assert "L.tileLayer" in _render(base_map(map_data, MapSpec(basemap="osm")))


def test_tianditu_only_with_key():
    assert "tianditu" not in [b.id for b in available_basemaps(None)]
    assert "tianditu" in [b.id for b in available_basemaps("abc123")]


def test_tianditu_key_goes_into_url(map_data):
    html = _render(base_map(map_data, MapSpec(basemap="tianditu", tianditu_key="KEY123")))
    assert "tk=KEY123" in html


def test_legend_lists_categories_and_precision(map_data):
    html = mapview.legend_html(map_data, MapSpec(lang="en"))
    assert "Industrial belt" in html and "schematic" in html
    assert 'data-layers="linxia:industrial_belt zhangye:industrial_belt"' in html


def test_english_labels(map_data):
    html = _render(full_map(map_data, MapSpec(lang="en", standalone=True)))
    assert "Hezheng County" in html
    assert "Taizi Mountain foothills" in html


@pytest.mark.parametrize("precision", ["approximate", "schematic"])
def test_indicative_shapes_are_dashed(map_data, precision):
    style = mapview._feature_style(map_data.catalog.categories, map_data.catalog.precision_styles, ())
    s = style({"properties": {"id": "x", "category": "industrial_belt", "precision": precision}})
    assert s["dashArray"]
    admin = style({"properties": {"id": "x", "category": "industrial_belt", "precision": "admin"}})
    assert not admin.get("dashArray") and admin["fill"] is False


def test_popup_omits_missing_fields(map_data):
    html = _render(full_map(map_data, MapSpec(standalone=True)))
    assert ">nan<" not in html and ">None<" not in html


def test_location_source_follows_the_language(map_data):
    from geo_app.panel import feature_panel

    zh = dict(feature_panel(map_data, "linxia-taizishan-mushroom-belt", "zh").fields)["位置依据"]
    en = dict(feature_panel(map_data, "linxia-taizishan-mushroom-belt", "en").fields)["Location source"]
    assert re.search(r"[\u4e00-\u9fff]", zh) and "Taizi" not in zh
    assert "Tibetan Plateau" in en
