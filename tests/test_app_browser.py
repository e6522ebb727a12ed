"""The real app in headless Chromium with every non-local request refused (meeting-room PC)."""

from __future__ import annotations

import re

import pytest

from tests.browser import ARTIFACTS, offline_page, streamlit_app

pytestmark = pytest.mark.browser
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"


@pytest.fixture(scope="module")
def app_url():
    with streamlit_app() as url:
        yield url


def _wait_map(page, legend: str = "图例"):
    """Wait until exactly one map iframe is left (a re-mount lingers briefly) and its legend is drawn."""
    page.wait_for_function(
        """([sel, legend]) => {
            const frames = document.querySelectorAll(sel);
            if (frames.length !== 1) return false;
            const doc = frames[0].contentDocument;
            const h = doc && doc.querySelector('.pm-legend h4');
            return !!h && h.textContent === legend && !!doc.querySelector('.pm-legend .pm-row:not(.pm-hidden)');
        }""",
        arg=[MAP_IFRAME, legend],
        timeout=60_000,
    )
    return page.frame_locator(MAP_IFRAME)


def test_map_layers_popup_toggle_language_offline(app_url, map_data):
    ARTIFACTS.mkdir(exist_ok=True)
    with offline_page() as (page, blocked):
        page.goto(app_url + "/?region=linxia")
        frame = _wait_map(page)

        # county polygons and plan layers are drawn
        assert frame.locator("path.leaflet-interactive").count() > 20
        assert frame.locator(".pm-county-label").count() == 8
        assert frame.locator(".pm-marker, .pm-cluster").count() >= 5
        visible_rows = frame.locator(".pm-legend [data-layers]:not(.pm-hidden)")
        linxia_categories = set(map_data.display_features.query("plan == 'linxia'").category)
        assert visible_rows.count() == len(linxia_categories)

        # open a feature popup and find its verbatim quote
        marker = frame.locator(".pm-marker").first
        marker.click()
        popup = frame.locator(".leaflet-popup-content .pm-popup")
        popup.wait_for(timeout=10_000)
        quote = popup.locator(".pm-quote").inner_text()
        assert any(quote.strip() == q for q in map_data.features["quote"]), quote
        # the side panel shows the same feature
        page.get_by_text("规划原文").last.wait_for(timeout=20_000)
        page.screenshot(path=str(ARTIFACTS / "app_popup.png"))

        # toggle a layer off in the sidebar: its legend row disappears, nothing re-renders blank
        before = visible_rows.count()
        page.locator("[data-testid='stSidebar']").get_by_text("产业带", exact=False).first.click()
        page.wait_for_timeout(2500)
        frame = _wait_map(page)
        frame.locator(".pm-legend [data-layers]:not(.pm-hidden)").nth(before - 2).wait_for(timeout=10_000)
        page.wait_for_timeout(1000)
        assert frame.locator(".pm-legend [data-layers]:not(.pm-hidden)").count() == before - 1
        assert "layers=" in page.url and "linxia%3Aindustrial_belt" not in page.url.split("layers=")[1]

        # switch language
        page.locator("[data-testid='stSidebar']").get_by_text("English").click()
        page.get_by_text("Plan layout map").first.wait_for(timeout=30_000)
        frame = _wait_map(page, "Legend")
        assert frame.locator(".pm-county-label", has_text="Hezheng County").count() == 1

        # panning writes the view into the URL without a rerun
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(1500)
        assert re.search(r"[?&]z=\d+", page.url)
        page.screenshot(path=str(ARTIFACTS / "app.png"))

    assert blocked == [], blocked  # every asset came from the app itself


def test_presentation_mode_arrow_keys_offline(app_url):
    with offline_page() as (page, blocked):
        page.goto(app_url + "/")
        _wait_map(page)
        page.get_by_text("演示模式").click()
        page.locator(".pm-present-progress").wait_for(timeout=60_000)
        total = page.locator(".pm-present-progress").inner_text().split("/")[1].strip()
        assert page.locator(".pm-present-progress").inner_text() == f"1 / {total}"
        page.wait_for_function(
            f'(() => {{ const f = document.querySelectorAll("{MAP_IFRAME}"); '
            "return f.length === 1 && f[0].contentWindow.__pmKeyForwarder === true; })()",
            timeout=60_000,
        )
        frame = _wait_map(page)
        # the arrow key works with the focus on the map (forwarded from the map's iframe) ...
        frame.locator(".leaflet-container").click(position={"x": 200, "y": 200})
        page.keyboard.press("ArrowRight")
        page.locator(".pm-present-progress", has_text=f"2 / {total}").wait_for(timeout=30_000)
        # ... and on the page itself
        page.locator(".pm-present-title").click()
        page.keyboard.press("ArrowLeft")
        page.locator(".pm-present-progress", has_text=f"1 / {total}").wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "app_present.png"))
    assert blocked == [], blocked
