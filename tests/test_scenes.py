"""Meeting mode: scene decks as data, validation, saving, deck exports."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml

from geo_app import scenes
from geo_app.deck import deck_html, deck_pdf_bytes
from geo_app.paths import ROOT
from geo_app.presentation import scene_frame
from geo_app.web.layers import layer_keys


@pytest.fixture(scope="module")
def keys(map_data):
    return layer_keys(map_data)


@pytest.fixture(scope="module")
def ids(map_data):
    return set(map_data.features["id"])


def test_default_decks_tell_each_plans_story(keys, ids):
    decks = scenes.load_decks(keys, ids)
    assert set(decks) == {"linxia", "zhangye"}
    for deck in decks.values():
        assert deck.problems == []
        assert len(deck.scenes) >= 6
    linxia_titles = " ".join(s.title_zh for s in decks["linxia"].scenes)
    for word in ("总览", "产业带", "太子山", "园区", "生态"):
        assert word in linxia_titles
    zhangye_titles = " ".join(s.title_zh for s in decks["zhangye"].scenes)
    for word in ("种业", "中药材", "园区", "祁连山", "湿地", "旅游"):
        assert word in zhangye_titles


def test_invalid_scene_names_scene_and_field_and_keeps_the_rest(tmp_path, keys, ids):
    doc = yaml.safe_load((ROOT / "scenes" / "linxia.yaml").read_text(encoding="utf-8"))
    doc["scenes"][1]["layers"] = ["linxia:nonsense"]
    doc["scenes"][2]["region"] = "mars"
    doc["scenes"][3]["highlight"] = ["no-such-feature"]
    path = tmp_path / "deck.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    deck = scenes.load_deck(path, keys, ids)
    assert len(deck.scenes) == len(doc["scenes"]) - 3
    found = {(p.feature_id, p.field) for p in deck.problems}
    assert found == {
        (doc["scenes"][1]["id"], "layers"),
        (doc["scenes"][2]["id"], "region"),
        (doc["scenes"][3]["id"], "highlight"),
    }
    assert all(str(p).startswith(str(path)) for p in deck.problems)


def test_broken_scenes_file_is_a_problem_not_a_crash(tmp_path, keys, ids):
    path = tmp_path / "broken.yaml"
    path.write_text("scenes: [ {id: a, title_zh: x", encoding="utf-8")
    deck = scenes.load_deck(path, keys, ids)
    assert deck.scenes == [] and deck.problems


def test_append_scene_survives_reload(tmp_path, keys, ids):
    path = tmp_path / "linxia.yaml"
    shutil.copy(ROOT / "scenes" / "linxia.yaml", path)
    before = scenes.load_deck(path, keys, ids)
    scene = scenes.Scene(
        id=scenes.new_scene_id(before),
        title_zh="我的视图",
        title_en="My view",
        extent=(103.0, 35.3, 103.5, 35.7),
        layers=("linxia:agri_park",),
        notes_zh="讲稿",
    )
    scenes.append_scene(path, scene, keys, ids)
    after = scenes.load_deck(path, keys, ids)
    assert after.problems == []
    assert after.scenes[-1] == scene
    assert "# Presentation deck" in path.read_text(encoding="utf-8")  # comments kept
    with pytest.raises(ValueError, match="exists already"):
        scenes.append_scene(path, scene, keys, ids)
    bad = scenes.Scene(id="linxia-bad", title_zh="x", title_en="x", region="linxia", layers=("nope:x",))
    with pytest.raises(ValueError, match="layers"):
        scenes.append_scene(path, bad, keys, ids)


def test_view_maths_round_trip():
    bounds = [[35.1, 102.6], [36.3, 103.9]]
    z = scenes.zoom_for_bounds(bounds, 1100, 720)
    assert 7 <= z <= 10
    ext = scenes.extent_for_view((35.7, 103.25), z, 1100, 720)
    assert ext[0] < 102.6 and ext[2] > 103.9 and ext[1] < 35.1 and ext[3] > 36.3  # the view contains the bounds


def test_scene_frames_follow_region_or_extent_and_contain_the_highlights(map_data, keys, ids):
    deck = scenes.load_decks(keys, ids)["linxia"]
    overview = scene_frame(map_data, deck.scenes[0])
    assert 102 < overview[0][1] < 103 and 34.5 < overview[0][0] < 36
    for scene in deck.scenes:
        (s, w), (n, e) = scene_frame(map_data, scene)
        if scene.extent:
            assert w <= scene.extent[0] and s <= scene.extent[1] and e >= scene.extent[2] and n >= scene.extent[3]
        hl = map_data.features[map_data.features.id.isin(scene.highlight) & map_data.features.geometry.notna()]
        for g in hl.geometry:
            x0, y0, x1, y1 = g.bounds
            assert w < x0 and s < y0 and e > x1 and n > y1, (scene.id, g.bounds)


def test_deck_html_is_self_contained(map_data, keys, ids):
    decks = scenes.load_decks(keys, ids)
    html = deck_html(map_data, list(decks.values()), "zh")
    from geo_app.web.assets import find_external_urls

    assert find_external_urls(html) == []
    assert "临夏州科技创新布局总览" in html


def test_deck_pdf_has_one_16x9_page_per_scene(map_data, keys, ids):
    deck = scenes.load_decks(keys, ids)["zhangye"]
    pdf = deck_pdf_bytes(map_data, [deck], "zh")
    import re

    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == len(deck.scenes)
    for w, h in boxes:
        assert abs(float(w) / float(h) - 16 / 9) < 0.01


def test_deck_cli(tmp_path):
    out = tmp_path / "deck.html"
    res = subprocess.run(
        [sys.executable, "-m", "geo_app", "deck", "--out", str(out), "--decks", "linxia"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert res.returncode == 0, res.stderr
    assert out.stat().st_size > 100_000
    res = subprocess.run(
        [sys.executable, "-m", "geo_app", "deck", "--out", str(out), "--decks", "mars", "--force"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert res.returncode != 0 and "unknown deck mars" in res.stderr


def test_scene_from_view_uses_the_extent_when_known(keys, ids):
    deck = scenes.load_decks(keys, ids)["linxia"]
    with_view = scenes.scene_from_view(
        deck, " 视图 ", "", "讲稿", "zh", "linxia", ("linxia:agri_park",), (35.6, 103.2), 10
    )
    assert with_view.region is None and with_view.extent[0] < 103.2 < with_view.extent[2]
    assert (with_view.title_zh, with_view.title_en) == ("视图", "视图")
    assert (with_view.notes_zh, with_view.notes_en) == ("讲稿", "")
    assert with_view.id == "linxia-saved-1" and with_view.id not in {s.id for s in deck.scenes}
    no_view = scenes.scene_from_view(deck, "x", "X", "notes", "en", "both", ("linxia:agri_park",))
    assert no_view.region == "both" and no_view.extent is None and no_view.notes_en == "notes"
