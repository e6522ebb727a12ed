"""Streamlit AppTest: the UI logic of the app without a browser (state, URL, panel, presentation)."""

from __future__ import annotations

import shutil

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


def _param(at: AppTest, key: str) -> str | None:
    v = at.query_params.get(key)
    return v[0] if isinstance(v, list) else v


@pytest.fixture(scope="module")
def app() -> AppTest:
    return _run()


def test_starts_in_chinese_with_every_layer_on(app):
    assert any("规划产业布局图" in m.value for m in app.markdown)
    boxes = [b for b in app.sidebar.checkbox if (b.key or "").startswith("layer::")]
    assert len(boxes) >= 15 and all(b.value for b in boxes)
    assert _param(app, "layers") == "all"
    assert _param(app, "region") == "all"


def test_region_choices_come_from_the_catalog(app):
    region = app.sidebar.selectbox(key="region__zh")
    assert list(region.options) == ["临夏州 + 张掖市", "临夏州", "张掖市"]


def test_switching_regions_keeps_every_layer_ticked():
    """区域 临夏州 -> 张掖市 -> all: nothing is unticked, the link never says layers=none."""
    at = _run()
    box = at.sidebar.checkbox(key="layer::zhangye:ecology")
    box.uncheck().run()
    for value in ("linxia", "zhangye", "all"):
        at.sidebar.selectbox(key="region__zh").set_value(value).run()
        assert not at.exception
        assert _param(at, "layers") not in ("none", None)
    assert at.session_state["layer::linxia:industrial_belt"] is True
    assert at.session_state["layer::zhangye:ecology"] is False
    assert "zhangye:ecology" not in _param(at, "layers").split(",")


def test_switch_to_english():
    at = _run()
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert any("Plan layout map" in m.value for m in at.markdown)
    assert any("Industrial belt" in b.label for b in at.sidebar.checkbox)


def test_hide_all_and_show_all_only_touch_the_region_shown():
    at = _run(region="linxia")
    next(b for b in at.sidebar.button if b.label == "全部隐藏").click().run()
    assert not any(b.value for b in at.sidebar.checkbox if (b.key or "").startswith("layer::"))
    assert at.session_state["layer::zhangye:ecology"] is True  # another plan's ticks are kept
    next(b for b in at.sidebar.button if b.label == "全部显示").click().run()
    assert all(b.value for b in at.sidebar.checkbox if (b.key or "").startswith("layer::"))


def test_toggle_one_layer_goes_into_the_url_and_keeps_the_view():
    at = _run(lat="35.6", lon="103.2", z="9.5")
    at.sidebar.checkbox(key="layer::linxia:industrial_belt").uncheck().run()
    layers = _param(at, "layers").split(",")
    assert "linxia:industrial_belt" not in layers and "linxia:agri_park" in layers
    assert (_param(at, "lat"), _param(at, "lon"), _param(at, "z")) == ("35.6", "103.2", "9.5")


def test_link_reopens_the_view():
    at = _run(lang="en", region="zhangye", basemap="osm", layers="zhangye:ecology")
    assert at.sidebar.radio[0].value == "en"
    assert at.session_state["region"] == "zhangye"
    assert at.session_state["basemap"] == "osm"
    on = [b.key for b in at.sidebar.checkbox if b.value and (b.key or "").startswith("layer::")]
    assert on == ["layer::zhangye:ecology"]


def test_old_links_with_region_both_still_work():
    at = _run(region="both")
    assert at.session_state["region"] == "all" and not at.warning


@pytest.mark.parametrize("z", ["inf", "nan", "1e309", "-3", "north"])
def test_bad_numbers_in_the_link_are_ignored_with_a_notice(z):
    at = _run(lat="35.6", lon="103.2", z=z, lang="xx")
    assert at.sidebar.radio[0].value == "zh"
    assert any("lang=xx" in w.value.replace("\\", "") for w in at.warning)


def test_markdown_in_the_link_is_shown_as_text():
    at = _run(basemap="[x](http://example.com) ![i](http://example.com/i.png)")
    text = " ".join(w.value for w in at.warning)
    assert "](http" not in text.replace("\\]", "").replace("\\(", "(") or "\\[" in text


def test_unknown_context_region_is_a_message_not_a_traceback():
    at = _run()
    at.sidebar.text_input(key="ctx").set_value("兰州, 火星市").run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "火星市" in warnings and "兰州" not in warnings.replace("火星市", "")


def test_search_selects_the_item_and_shows_it_in_the_panel():
    at = _run(region="linxia")
    search = at.selectbox(key="search__zh__linxia")
    labels = [str(o) for o in search.options]
    assert any("和政县" in o and "Hezheng County" in o for o in labels)
    pos = next(i for i, o in enumerate(labels) if "太子山麓食用菌产业带" in o)
    search.set_value(pos - 1).run()  # option 0 is the empty prompt; values are row numbers
    assert not at.exception
    assert at.session_state["panel"]["open"] == ("item", "linxia-taizishan-mushroom-belt")
    assert any("规划原文" in m.value for m in at.markdown)


def test_searching_a_region_wide_item_opens_its_list():
    at = _run(region="linxia")
    search = at.selectbox(key="search__zh__linxia")
    labels = [str(o) for o in search.options]
    pos = next(i for i, o in enumerate(labels) if "西北寒旱农业研究院" in o)
    search.set_value(pos - 1).run()
    assert at.session_state["panel"]["region"] == "linxia"


def _scenes_copy(tmp_path, monkeypatch):
    for name in ("linxia.yaml", "zhangye.yaml"):
        shutil.copy(ROOT / "scenes" / name, tmp_path / name)
    monkeypatch.setenv("GEO_APP_SCENES", str(tmp_path))


def test_presentation_mode_steps_through_scenes_without_notes_on_screen():
    at = _run()
    at.sidebar.toggle(key="present").set_value(True).run()
    assert not at.exception
    titles = [m.value for m in at.markdown if "<div class='pm-present-title'>" in m.value]
    assert titles and "临夏州科技创新布局总览" in titles[0]
    assert any("1 / 7" in m.value for m in at.markdown)
    at.button(key="next").click().run()
    assert any("2 / 7" in m.value for m in at.markdown)
    assert _param(at, "scene") == "2" and _param(at, "present") == "1"
    at.button(key="prev").click().run()
    assert any("1 / 7" in m.value for m in at.markdown)
    assert not any("<div class='pm-notes'>" in m.value for m in at.markdown)


def test_presenter_view_shows_notes_and_the_next_scene():
    at = _run(present="1", presenter="1", deck="linxia", scene="2")
    assert not at.exception
    notes = [m.value for m in at.markdown if "<div class='pm-notes'>" in m.value]
    assert notes and any("pm-timer" in m.value for m in at.markdown)
    assert any("2 / 7" in m.value for m in at.markdown)


def test_invalid_scene_is_skipped_and_the_rest_present(tmp_path, monkeypatch):
    import yaml

    _scenes_copy(tmp_path, monkeypatch)
    doc = yaml.safe_load((tmp_path / "linxia.yaml").read_text(encoding="utf-8"))
    doc["scenes"][0]["layers"] = ["linxia:bogus"]
    (tmp_path / "linxia.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    at = _run(present="1", deck="linxia")
    assert any("1 / 6" in m.value for m in at.markdown)


def test_save_view_as_scene_lists_only_the_regions_layers(tmp_path, monkeypatch):
    _scenes_copy(tmp_path, monkeypatch)
    at = _run(region="linxia", lat="35.6", lon="103.2", z="9")
    form_inputs = [ti for ti in at.sidebar.text_input if ti.label.startswith("标题")]
    form_inputs[0].input("我的新场景")
    next(b for b in at.sidebar.button if b.label == "保存").click().run()
    assert not at.exception
    assert any("linxia-saved-1" in s.value for s in at.success)
    from geo_app import scenes
    from geo_app.web.layers import layer_keys

    data = __import__("geo_app.mapdata", fromlist=["x"]).load_map_data()
    deck = scenes.load_deck(tmp_path / "linxia.yaml", layer_keys(data), set(data.features.id))
    saved = next(s for s in deck.scenes if s.id == "linxia-saved-1")
    assert saved.title_zh == "我的新场景" and saved.extent is not None
    assert all(k.startswith("linxia:") for k in saved.layers)


def test_scenes_can_be_moved_edited_and_deleted(tmp_path, monkeypatch):
    _scenes_copy(tmp_path, monkeypatch)
    at = _run()
    ids = list(at.sidebar.selectbox(key="mgr_scene::linxia").options)
    assert len(ids) == 7
    at.sidebar.selectbox(key="mgr_scene::linxia").set_value(ids[1]).run()
    at.sidebar.button(key="mgr_up").click().run()
    assert not at.exception
    assert any("已保存" in s.value for s in at.sidebar.success)
    text = (tmp_path / "linxia.yaml").read_text(encoding="utf-8")
    import yaml

    order = [s["id"] for s in yaml.safe_load(text)["scenes"]]
    assert order[0] == ids[1].split(". ", 1)[0] or order[0] != ids[0].split(". ", 1)[0]
    at.sidebar.button(key="mgr_delete").click().run()
    at.sidebar.button(key="mgr_delete_yes").click().run()
    assert not at.exception
    assert len(yaml.safe_load((tmp_path / "linxia.yaml").read_text(encoding="utf-8"))["scenes"]) == 6


def test_a_slow_file_is_prepared_under_a_progress_bar_then_downloads(monkeypatch):
    from app import downloads

    downloads._BUILT.clear()
    steps = []
    real = downloads.image_bytes

    def spy(ext, size, lang, region, progress=None):
        def record(fraction, step):
            steps.append((fraction, step))
            progress(fraction, step)

        return real(ext, size, lang, region, record)

    monkeypatch.setattr(downloads, "image_bytes", spy)
    at = _run(region="linxia")
    assert [b for b in at.button if b.key == "make::dl_img_png"]  # nothing built before it is asked for
    at.button(key="make::dl_img_png").click().run()
    assert not at.exception, at.exception
    assert [s for _, s in steps] == ["draw", "save", "done"]
    # the bytes are kept: the button is now a download of a real PNG, also for the next session
    assert any(b.startswith(b"\x89PNG") for b in downloads._BUILT.values())
    again = _run(region="linxia")
    assert not [b for b in again.button if b.key == "make::dl_img_png"]
