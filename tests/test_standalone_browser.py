"""The standalone HTML map, opened from disk in Chromium with every outside request refused."""

from __future__ import annotations

import pytest

from geo_app.web.assets import find_external_urls
from geo_app.web.spec import MapSpec
from geo_app.web.standalone import standalone_html
from tests.browser import ARTIFACTS, is_tile, offline_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def html_file(map_data, tmp_path_factory):
    html = standalone_html(map_data, MapSpec(lang="zh", plans=("linxia",), mode="standalone"))
    path = tmp_path_factory.mktemp("standalone") / "map.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_standalone_file_has_no_external_assets_and_a_title_and_policy(html_file):
    html = html_file.read_text(encoding="utf-8")
    assert find_external_urls(html) == []
    assert "<title>临夏州“十四五”科技创新规划</title>" in html
    assert "Content-Security-Policy" in html


def test_identify_lists_the_county_first_and_the_legend_never_covers_a_popup(html_file, map_data):
    ARTIFACTS.mkdir(exist_ok=True)
    belt = map_data.features.set_index("id").loc["linxia-taizishan-mushroom-belt"].geometry
    county = map_data.counties.set_index("adcode").loc[622925].geometry
    p = belt.intersection(county.buffer(-0.03)).representative_point()
    with offline_page(1440, 900) as (page, blocked):
        page.goto(html_file.as_uri())
        page.locator(".pm-l-county").first.wait_for(timeout=30_000)
        page.wait_for_function("() => document.querySelectorAll('path.pm-item').length > 5")
        x, y = page.evaluate(
            f"() => {{ const m = Object.values(window).find(v => v instanceof L.Map); "
            f"const q = m.latLngToContainerPoint([{p.y}, {p.x}]); return [q.x, q.y]; }}"
        )
        page.mouse.click(x, y)
        popup = page.locator(".leaflet-popup-content .pm-identify")
        popup.wait_for(timeout=10_000)
        items = popup.locator("li").all_inner_texts()
        assert items[0] == "和政县" and any("食用菌" in i for i in items[1:]), items
        # choosing an item opens its details with the verbatim quote
        popup.locator("li", has_text="食用菌").locator("a").click()
        quote = page.locator(".leaflet-popup-content .pm-quote")
        quote.wait_for(timeout=10_000)
        assert quote.inner_text().strip() in set(map_data.features["quote"])
        pop_box = page.locator(".leaflet-popup:has(.pm-quote)").bounding_box()
        side = page.locator("#pm-side").bounding_box()
        assert pop_box["x"] + pop_box["width"] <= side["x"]  # the legend lives beside the map
        page.screenshot(path=str(ARTIFACTS / "standalone_1440.png"))
    assert [u for u in blocked if not is_tile(u)] == []


def test_search_selects_an_item_and_region_wide_items_open_their_list(html_file):
    with offline_page(1440, 900) as (page, _):
        page.goto(html_file.as_uri())
        page.locator("#pm-search").wait_for(timeout=30_000)
        page.locator("#pm-search").fill("西北寒旱")
        page.locator(".pm-search-list li").first.click()
        page.locator(".leaflet-popup-content .pm-popup").wait_for(timeout=10_000)
        assert "全州事项" in page.locator(".leaflet-popup-content").inner_text()


def test_tiles_that_cannot_load_fall_back_to_the_offline_basemap(html_file):
    with offline_page(1440, 900) as (page, blocked):
        page.goto(html_file.as_uri())
        page.locator(".pm-l-county").first.wait_for(timeout=30_000)
        page.locator(".leaflet-control-layers").hover()
        page.locator(".leaflet-control-layers-overlays label", has_text="OpenStreetMap").locator("input").click()
        notice = page.locator(".pm-notice")
        notice.wait_for(timeout=15_000)
        assert "离线参考底图" in notice.inner_text()
        assert page.locator(".leaflet-tile-pane img").count() == 0
        assert page.locator("path.pm-item").count() > 5
    assert blocked and all(is_tile(u) for u in blocked)
