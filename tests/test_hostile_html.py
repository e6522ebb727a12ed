"""Hostile scene and map texts in the self-contained HTML files: written as data, never as markup."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from geo_app import scenes
from geo_app.csp import add_csp
from geo_app.web.deck import deck_html
from geo_app.web.layers import layer_keys
from geo_app.web.spec import MapSpec
from geo_app.web.standalone import standalone_html

HOSTILE = "</script><script>window.__xss=1</script><img src=x onerror=window.__xss=2>\u2028<!--"


def _hostile_data(map_data, text: str = HOSTILE):
    """The map data with one feature's names, one category's labels and every plan title replaced
    by ``text``."""
    data = copy.copy(map_data)
    data.catalog = copy.deepcopy(map_data.catalog)
    first = data.display_features.index[0]
    data.display_features = map_data.display_features.copy()
    data.features = map_data.features.copy()
    for frame in (data.display_features, data.features):
        for col in ("name_zh", "name_en", "label_zh", "label_en"):
            if col in frame.columns:
                frame.loc[first, col] = text
    category = data.display_features.loc[first, "category"]
    data.catalog.categories[category].update(label_zh=text, label_en=text)
    for plan_id, plan in data.catalog.plans.items():
        data.catalog.plans[plan_id] = replace(plan, title_zh=text, title_en=text)
    return data


def _hostile_deck(map_data, text: str = HOSTILE) -> list[scenes.Deck]:
    decks = scenes.load_decks(layer_keys(map_data), set(map_data.features["id"]))
    deck = copy.copy(next(iter(decks.values())))
    deck.scenes = [replace(deck.scenes[0], title_zh=text, subtitle_zh=text, notes_zh=text)]
    return [deck]


def _no_markup(html: str) -> None:
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    assert "Content-Security-Policy" in html


def test_deck_file_writes_scene_texts_as_data(map_data):
    html = deck_html(map_data, _hostile_deck(map_data), "zh")
    _no_markup(html)
    assert "window.__xss=1" in html  # the text is there, as data


def test_standalone_file_writes_names_and_labels_as_data(map_data):
    data = _hostile_data(map_data)
    html = standalone_html(data, MapSpec(lang="zh", mode="standalone"))
    _no_markup(html)


# Template syntax: branca compiles an Element's text as Jinja, so this ran code on the server
# (and a quote inside braces crashed the build) when titles went into the page that way.
JINJA = "甲{{ 7*7 }}{{ cycler.__init__.__globals__.os.getcwd() }}{{ x('a') }}{% if 1 %}乙{% endif %}"


@pytest.mark.parametrize("where", ["standalone", "deck"])
def test_template_syntax_in_any_text_is_written_literally(map_data, where):
    import os

    data = _hostile_data(map_data, JINJA)
    if where == "standalone":
        html = standalone_html(data, MapSpec(lang="zh", mode="standalone"), title=JINJA)
    else:
        html = deck_html(data, _hostile_deck(map_data, JINJA), "zh")
    assert os.getcwd() not in html and "甲49" not in html  # not evaluated
    # written escaped for its context (an entity in HTML, \u007b in JSON), so it shows as typed
    assert "&#123;&#123; 7*7 &#125;&#125;" in html or "\\u007b{ 7*7 }}" in html


@pytest.mark.browser
@pytest.mark.parametrize(
    ("text", "shown"), [(HOSTILE, "</script><script>window.__xss=1</script><img src=x"), (JINJA, "甲{{ 7*7 }}")]
)
def test_deck_shows_hostile_titles_as_text_in_chromium(map_data, tmp_path, text, shown):
    from tests.browser import offline_page

    path = tmp_path / "deck.html"
    path.write_text(deck_html(map_data, _hostile_deck(map_data, text), "zh"), encoding="utf-8")
    with offline_page() as (page, _):
        page.goto(path.as_uri())
        page.wait_for_function("document.getElementById('pm-deck-title').textContent.length > 0", timeout=30_000)
        title = page.locator("#pm-deck-title").inner_text()
        assert shown in title  # shown literally
        page.keyboard.press("n")
        assert page.evaluate("window.__xss") is None


@pytest.mark.browser
def test_standalone_search_and_layers_show_hostile_names_as_text_in_chromium(map_data, tmp_path):
    from tests.browser import offline_page

    path = tmp_path / "map.html"
    path.write_text(standalone_html(_hostile_data(map_data), MapSpec(lang="zh", mode="standalone")), encoding="utf-8")
    with offline_page() as (page, _):
        page.goto(path.as_uri())
        page.locator("#pm-search").wait_for(timeout=30_000)
        page.locator("#pm-search").fill("window.__xss")
        hit = page.locator(".pm-search-list li").first
        hit.wait_for(timeout=10_000)
        assert "<img src=x" in hit.inner_text()  # shown literally
        hit.click()
        page.locator(".leaflet-popup-content").wait_for(timeout=10_000)  # the hit's details open
        assert page.evaluate("window.__xss") is None


RUNTIME_INJECTION = """<html><head><title>t</title></head><body><div id="box"></div><script>
document.getElementById('box').innerHTML = '<img src="data:," onerror="window.__xss = 1">' +
  '<a id="link" href="javascript:window.__xss = 2">x</a><div id="btn" onclick="window.__xss = 3">y</div>';
window.__ran = true;
</script></body></html>"""


@pytest.mark.browser
@pytest.mark.parametrize("with_csp", [False, True])
def test_csp_stops_markup_injected_at_run_time(tmp_path, with_csp):
    """Markup a script puts into the page (as Leaflet does with labels) runs no handler under the
    policy; without it the same page runs them, so the test can tell."""
    from tests.browser import offline_page

    path = tmp_path / "page.html"
    path.write_text(add_csp(RUNTIME_INJECTION) if with_csp else RUNTIME_INJECTION, encoding="utf-8")
    with offline_page() as (page, _):
        page.goto(path.as_uri())
        page.wait_for_function("window.__ran === true", timeout=10_000)  # the page's own script ran
        page.click("#btn")
        page.click("#link")
        page.wait_for_timeout(300)  # give a blocked handler the time it would need to run
        xss = page.evaluate("window.__xss")
    assert (xss is None) if with_csp else (xss is not None)
