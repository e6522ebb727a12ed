"""Streamlit AppTest: the UI logic of streamlit_app.py without a browser."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo_app.paths import ROOT

APP = str(ROOT / "streamlit_app.py")


def _run(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def app() -> AppTest:
    return _run()


def test_starts_in_chinese_with_every_layer_on(app):
    assert "规划产业布局图" in app.markdown[0].value or any("规划产业布局图" in m.value for m in app.markdown)
    boxes = app.sidebar.checkbox
    assert len(boxes) >= 15
    assert all(b.value for b in boxes)
    assert app.query_params["layers"] == ["all"] or app.query_params["layers"] == "all"


def test_switch_to_english():
    at = _run()
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert any("Plan layout map" in m.value for m in at.markdown)
    assert any("Industrial belt" in b.label for b in at.sidebar.checkbox)


def test_hide_all_and_show_all():
    at = _run()
    hide = next(b for b in at.sidebar.button if b.label == "全部隐藏")
    hide.click().run()
    assert not any(b.value for b in at.sidebar.checkbox)
    assert at.query_params["layers"] in (["none"], "none")
    show = next(b for b in at.sidebar.button if b.label == "全部显示")
    show.click().run()
    assert all(b.value for b in at.sidebar.checkbox)


def test_toggle_one_layer_goes_into_the_url():
    at = _run()
    box = at.sidebar.checkbox(key="layer::linxia:industrial_belt")
    box.uncheck().run()
    layers = at.query_params["layers"]
    layers = layers[0] if isinstance(layers, list) else layers
    assert "linxia:industrial_belt" not in layers.split(",")
    assert "linxia:agri_park" in layers.split(",")


def test_link_reopens_the_view():
    at = _run(lang="en", region="zhangye", basemap="osm", layers="zhangye:ecology")
    assert at.sidebar.radio[0].value == "en"
    assert at.sidebar.selectbox[0].value == "zhangye"
    assert at.sidebar.selectbox[1].value == "osm"
    on = [b.key for b in at.sidebar.checkbox if b.value]
    assert on == ["layer::zhangye:ecology"]


def test_bad_url_values_are_ignored_with_a_notice():
    at = _run(lang="xx", basemap="google", lat="north")
    assert at.sidebar.radio[0].value == "zh"
    assert any("lang=xx" in w.value and "basemap=google" in w.value for w in at.warning)


def test_unknown_context_region_is_a_message_not_a_traceback():
    at = _run()
    at.sidebar.text_input[0].set_value("兰州市, 火星市").run()
    assert not at.exception
    assert any("火星市" in w.value for w in at.warning)


def test_search_finds_features_and_counties_in_both_languages():
    at = _run()
    search = at.selectbox(key="search__zh")
    labels = [str(o) for o in search.options]
    assert any("食用菌产业带" in o for o in labels)
    assert any("和政县" in o and "Hezheng County" in o for o in labels)
    pos = next(i for i, o in enumerate(labels) if "食用菌产业带" in o)
    search.set_value(pos - 1).run()  # option 0 is the empty prompt; values are row numbers
    assert not at.exception
    assert at.session_state["search__zh"] == pos - 1


def test_presentation_mode_steps_through_scenes():
    at = _run()
    at.sidebar.toggle(key="present").set_value(True).run()
    assert not at.exception
    titles = [m.value for m in at.markdown if "<div class='pm-present-title'>" in m.value]
    assert titles and "临夏州科技创新布局总览" in titles[0]
    assert any("1 / 7" in m.value for m in at.markdown)
    at.button(key="next").click().run()
    assert any("2 / 7" in m.value for m in at.markdown)
    at.button(key="prev").click().run()
    assert any("1 / 7" in m.value for m in at.markdown)
    at.toggle(key="show_notes").set_value(True).run()
    assert any("先看全州" in i.value for i in at.info)
    at.selectbox(key="deck").set_value("zhangye").run()
    assert any("张掖市科技创新布局总览" in m.value for m in at.markdown)


def test_invalid_scenes_file_still_presents_the_rest(tmp_path, monkeypatch):
    import shutil

    import yaml

    from geo_app import scenes

    doc = yaml.safe_load((ROOT / "scenes" / "linxia.yaml").read_text(encoding="utf-8"))
    doc["scenes"][0]["layers"] = ["linxia:bogus"]
    (tmp_path / "linxia.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    shutil.copy(ROOT / "scenes" / "zhangye.yaml", tmp_path / "zhangye.yaml")
    monkeypatch.setattr(scenes, "SCENES_DIR", tmp_path)
    at = _run()
    at.sidebar.toggle(key="present").set_value(True).run()
    assert not at.exception
    assert any("linxia:bogus" in c.value for c in at.code)
    assert any("1 / 6" in m.value for m in at.markdown)


def test_save_view_as_scene(tmp_path, monkeypatch):
    import shutil

    from geo_app import scenes

    for name in ("linxia.yaml", "zhangye.yaml"):
        shutil.copy(ROOT / "scenes" / name, tmp_path / name)
    monkeypatch.setattr(scenes, "SCENES_DIR", tmp_path)
    at = _run()
    form_inputs = [ti for ti in at.sidebar.text_input if ti.label.startswith("标题")]
    form_inputs[0].input("我的新场景")
    next(b for b in at.sidebar.button if b.label == "保存").click().run()
    assert not at.exception
    assert any("linxia-saved-1" in s.value for s in at.success)
    assert "我的新场景" in (tmp_path / "linxia.yaml").read_text(encoding="utf-8")
