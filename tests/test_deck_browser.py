"""The deck HTML in Chromium with every outside request refused: arrow keys step through scenes."""

from __future__ import annotations

import pytest
from geo_app.mapview import layer_keys

from geo_app import scenes
from geo_app.deck import deck_html
from tests.browser import ARTIFACTS, is_tile, offline_page

pytestmark = pytest.mark.browser


def _visible_layers(page) -> list[str]:
    return page.evaluate("Object.entries(window.__pmLayers).filter(([k, l]) => l._map && !k.startsWith('scene:'))"
                         ".map(([k]) => k).sort()")  # fmt: skip


def test_arrow_keys_change_title_and_layers(map_data, tmp_path):
    decks = scenes.load_decks(layer_keys(map_data), set(map_data.features["id"]))
    deck = decks["linxia"]
    path = tmp_path / "deck.html"
    path.write_text(deck_html(map_data, [deck], "zh"), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    with offline_page(1600, 900) as (page, blocked):
        page.goto(path.as_uri())
        page.locator("#pm-title").wait_for(timeout=30_000)
        page.wait_for_function("document.getElementById('pm-title').textContent.length > 0")
        assert page.locator("#pm-title").inner_text() == deck.scenes[0].title_zh
        assert page.locator("#pm-progress").inner_text() == f"1 / {len(deck.scenes)}"
        assert _visible_layers(page) == sorted(deck.scenes[0].layers)

        page.keyboard.press("ArrowRight")
        assert page.locator("#pm-title").inner_text() == deck.scenes[1].title_zh
        assert page.locator("#pm-progress").inner_text() == f"2 / {len(deck.scenes)}"
        assert _visible_layers(page) == sorted(deck.scenes[1].layers)
        # the legend shows only this scene's categories
        n_categories = len({k.split(":")[1] for k in deck.scenes[1].layers})
        page.wait_for_function(
            f"document.querySelectorAll('.pm-legend [data-layers]:not(.pm-hidden)').length === {n_categories}",
            timeout=5_000,
        )

        page.keyboard.press("ArrowRight")
        page.keyboard.press("n")
        assert page.locator("#pm-notes.on").inner_text() == deck.scenes[2].notes_zh
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / "deck.png"))
        page.keyboard.press("ArrowLeft")
        assert page.locator("#pm-title").inner_text() == deck.scenes[1].title_zh
    assert [u for u in blocked if not is_tile(u)] == []
