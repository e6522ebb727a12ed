"""The HTML deck in Chromium with every outside request refused: keys step, a presenter window follows."""

from __future__ import annotations

import pytest

from geo_app import scenes
from geo_app.web.deck import deck_html
from geo_app.web.layers import layer_keys
from tests.browser import ARTIFACTS, is_tile, offline_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def deck_file(map_data, tmp_path_factory):
    decks = scenes.load_decks(layer_keys(map_data), set(map_data.features["id"]))
    path = tmp_path_factory.mktemp("deck") / "deck.html"
    path.write_text(deck_html(map_data, [decks["linxia"]], "zh"), encoding="utf-8")
    return path, decks["linxia"]


def _title(page) -> str:
    return page.locator("#pm-deck-title").inner_text()


def test_keys_step_through_scenes_with_their_layers_and_labelled_highlights(deck_file, map_data):
    path, deck = deck_file
    ARTIFACTS.mkdir(exist_ok=True)
    with offline_page(1920, 1080) as (page, blocked):
        page.goto(path.as_uri())
        page.wait_for_function("() => document.getElementById('pm-deck-title').textContent.length > 0")
        assert _title(page) == deck.scenes[0].title_zh
        assert page.title()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("PageDown")  # a presenter's clicker sends PageDown
        page.wait_for_function(
            f"() => document.getElementById('pm-deck-progress').textContent === '3 / {len(deck.scenes)}'"
        )
        assert _title(page) == deck.scenes[2].title_zh
        labelled = page.locator(".pm-l-item.pm-hl").all_inner_texts()
        f = map_data.features.set_index("id").loc[list(deck.scenes[2].highlight)]
        names = f[f["shape"] != "none"].label_zh
        assert len(names) >= 1
        for name in names:
            assert any(name == t.replace("\n", "") for t in labelled), (name, labelled)
        page.wait_for_function(
            "() => document.querySelectorAll('path.pm-hl-path, .leaflet-overlay-pane path').length > 0"
        )
        page.screenshot(path=str(ARTIFACTS / "deck_1920.png"))
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(
            f"() => document.getElementById('pm-deck-title').textContent === {deck.scenes[1].title_zh!r}"
        )
    assert [u for u in blocked if not is_tile(u)] == []


def test_the_presenter_window_shows_notes_and_drives_the_deck(deck_file):
    path, deck = deck_file
    with offline_page(1440, 900) as (page, _):
        page.goto(path.as_uri())
        page.wait_for_function("() => document.getElementById('pm-deck-title').textContent.length > 0")
        with page.expect_popup() as info:
            page.keyboard.press("p")
        presenter = info.value
        presenter.wait_for_function("() => document.getElementById('pm-p-title').textContent.length > 0")
        assert presenter.locator("#pm-p-notes").inner_text() == (deck.scenes[0].notes_zh or "—")
        assert presenter.locator("#pm-p-next").inner_text() == deck.scenes[1].title_zh
        presenter.keyboard.press("ArrowRight")
        page.wait_for_function(
            f"() => document.getElementById('pm-deck-title').textContent === {deck.scenes[1].title_zh!r}"
        )
        page.keyboard.press("ArrowRight")
        presenter.wait_for_function(
            f"() => document.getElementById('pm-p-title').textContent === {deck.scenes[2].title_zh!r}"
        )
        presenter.wait_for_function("() => /^0\\d:\\d\\d$/.test(document.getElementById('pm-p-timer').textContent)")
        presenter.screenshot(path=str(ARTIFACTS / "deck_presenter.png"))
