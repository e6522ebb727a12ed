"""Hostile texts in a catalog, a style table and a deck, through the real app in Chromium.

An item's names and a category's label carry markup and script; a scene's title too. The app is
used as a planner would (map, labels, tooltips, a click that opens the item in the panel, the
legend, the presentation page). No script may run in any frame, and no traceback may show.
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from geo_app.paths import LAYERS_DIR, SCENES_DIR

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.top.__xss=1"><script>window.top.__xss=2</script>"\u2028'
ALERT_HOOK = """
window.__xss = null;
window.alert = window.confirm = window.prompt = function () { (window.top || window).__xss = 'alert'; };
"""


@pytest.fixture(scope="module")
def hostile_folders(tmp_path_factory):
    layers = tmp_path_factory.mktemp("layers")
    decks = tmp_path_factory.mktemp("scenes")
    doc = yaml.safe_load((LAYERS_DIR / "linxia.yaml").read_text(encoding="utf-8"))
    for f in doc["features"]:
        if f["id"] == "linxia-taizishan-mushroom-belt":
            f.update(name_zh=HOSTILE, label_zh=HOSTILE, name_en=HOSTILE, label_en=HOSTILE, note_zh=HOSTILE)
    (layers / "linxia.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    styles = yaml.safe_load((LAYERS_DIR / "styles.yaml").read_text(encoding="utf-8"))
    styles["categories"]["industrial_belt"]["label_zh"] = HOSTILE
    (layers / "styles.yaml").write_text(yaml.safe_dump(styles, allow_unicode=True), encoding="utf-8")
    deck = yaml.safe_load((SCENES_DIR / "linxia.yaml").read_text(encoding="utf-8"))
    deck["scenes"][0].update(title_zh=HOSTILE, subtitle_zh=HOSTILE, notes_zh=HOSTILE)
    (decks / "linxia.yaml").write_text(yaml.safe_dump(deck, allow_unicode=True), encoding="utf-8")
    shutil.copy(LAYERS_DIR / "SCHEMA.md", layers / "SCHEMA.md")
    return layers, decks


def _no_script_ran(page) -> None:
    for frame in page.frames:
        assert frame.evaluate("() => window.__xss || null") is None, frame.url
    body = page.locator("body").inner_text()
    assert "Traceback" not in body


def test_hostile_names_are_text_everywhere_in_the_app(hostile_folders):
    from tests.browser import offline_page, streamlit_app
    from tests.test_app_browser import MAP_IFRAME, click_lonlat, wait_map

    env = {"GEO_APP_LAYERS": str(hostile_folders[0]), "GEO_APP_SCENES": str(hostile_folders[1])}
    with streamlit_app(env=env) as url, offline_page(1920, 1080) as (page, _):
        page.context.add_init_script(ALERT_HOOK)
        page.goto(url + "/?region=linxia")
        frame = wait_map(page)
        assert frame.locator("img[src='x']").count() == 0
        # the panel: identify, then the item's details
        click_lonlat(page, 35.2747, 103.2576)
        page.get_by_text("此处的县区与规划事项").wait_for(timeout=30_000)
        page.locator(".st-key-pm_panel button", has_text="onerror").first.click()
        page.get_by_text("规划原文").wait_for(timeout=30_000)
        assert "<script>" in page.locator(".st-key-pm_panel").inner_text()
        assert page.locator(".st-key-pm_panel img[src='x']").count() == 0
        page.locator("summary", has_text="图例").first.click()
        page.wait_for_function("() => document.body.innerText.includes('<img src=x onerror')")
        _no_script_ran(page)
        assert page.locator(MAP_IFRAME).count() == 1
        # the presentation page with a hostile scene title
        page.goto(url + "/?present=1&deck=linxia&scene=1")
        page.locator(".pm-present-title").wait_for(timeout=60_000)
        assert "<img src=x" in page.locator(".pm-present-title").inner_text()
        _no_script_ran(page)
