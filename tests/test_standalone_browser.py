"""The standalone HTML map, opened from disk in Chromium with every outside request refused."""

from __future__ import annotations

import pytest
from geo_app.mapview import MapSpec, layer_keys
from geo_app.standalone import standalone_html

from geo_app.web.assets import find_external_urls
from tests.browser import ARTIFACTS, is_tile, offline_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def html_file(map_data, tmp_path_factory):
    html = standalone_html(map_data, MapSpec(lang="zh"))
    path = tmp_path_factory.mktemp("standalone") / "map.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_standalone_file_has_no_external_assets(html_file):
    assert find_external_urls(html_file.read_text(encoding="utf-8")) == []


def test_standalone_map_draws_every_layer_and_opens_a_popup_offline(html_file, map_data):
    ARTIFACTS.mkdir(exist_ok=True)
    with offline_page() as (page, blocked):
        page.goto(html_file.as_uri())
        page.locator(".leaflet-container").wait_for(timeout=30_000)
        page.locator(".pm-legend .pm-row:not(.pm-hidden)").first.wait_for(timeout=30_000)
        # every plan layer is registered and on the map
        on_map = page.evaluate(
            "Object.entries(window.__pmLayers || {}).filter(([k, l]) => l._map).map(([k]) => k).sort()"
        )
        assert on_map == sorted(layer_keys(map_data))
        # title, scale bar, north arrow, fullscreen, search, layer control
        for sel in (".pm-title-bar", ".leaflet-control-scale", ".pm-north", ".leaflet-control-zoom-fullscreen",
                    ".leaflet-control-search", ".leaflet-control-layers"):  # fmt: skip
            assert page.locator(sel).count() >= 1, sel
        # a popup with a verbatim quote
        page.locator(".leaflet-marker-icon:has(.pm-marker)").first.dispatch_event("click")
        page.locator(".leaflet-popup-content .pm-quote").wait_for(timeout=10_000)
        quote = page.locator(".leaflet-popup-content .pm-quote").inner_text().strip()
        assert quote in set(map_data.features["quote"])
        # the layer control toggles a layer and the legend follows
        page.locator(".leaflet-control-layers").hover()
        before = page.locator(".pm-legend [data-layers]:not(.pm-hidden)").count()
        page.locator(".leaflet-control-layers-overlays label", has_text="县域创新称号").locator("input").click()
        page.wait_for_function(
            f"document.querySelectorAll('.pm-legend [data-layers]:not(.pm-hidden)').length === {before - 1}",
            timeout=5_000,
        )
        page.screenshot(path=str(ARTIFACTS / "standalone.png"))
    assert [u for u in blocked if not is_tile(u)] == []


def test_unreachable_tiles_fall_back_to_the_offline_basemap(html_file):
    """Choosing a tile basemap with no network: the tiles are dropped and a notice says so."""
    with offline_page() as (page, blocked):
        page.goto(html_file.as_uri())
        page.locator(".leaflet-container").wait_for(timeout=30_000)
        page.locator(".leaflet-control-layers").hover()
        page.locator(".leaflet-control-layers-base label", has_text="OpenStreetMap").locator("input").click()
        notice = page.locator(".pm-notice")
        notice.wait_for(timeout=15_000)
        assert "离线参考底图" in notice.inner_text()
        assert page.locator(".leaflet-tile-pane img").count() == 0  # no broken-tile icons left
        assert page.locator("path.leaflet-interactive").count() > 10  # counties and layers still drawn
    assert blocked and all(is_tile(u) for u in blocked)
