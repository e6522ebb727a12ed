"""The plan workbench in headless Chromium, offline: open a draft, click the map to move a stand-in to
the real site, save, and see the site on the main map."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from geo_app.mapdata import load_map_data
from geo_app.workbench import history, preview
from geo_app.workbench.document import load_doc
from tests.browser import ARTIFACTS, offline_page, streamlit_app
from tests.workbench_demo import make_demo_catalog

pytestmark = pytest.mark.browser
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
GUANGHE = "demo-guang-he-jing-ji-kai-fa-qu"  # drafted as a stand-in at Guanghe's county seat
SITE = (103.62, 35.47)  # a point in Guanghe county, 4 km east of the seat


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return make_demo_catalog(tmp_path_factory.mktemp("wb") / "layers")


def _map_frame(page):
    """The map's frame once it is the only map on the page (a re-mount lingers briefly) and Leaflet
    and the county polygons are there."""
    page.wait_for_function(
        """(sel) => { const fs = document.querySelectorAll(sel); if (fs.length !== 1) return false;
                      const d = fs[0].contentDocument;
                      return !!d && !!fs[0].contentWindow.map_div
                             && d.querySelectorAll('path.leaflet-interactive').length > 5; }""",
        arg=MAP_IFRAME, timeout=90_000,
    )  # fmt: skip
    return page.locator(MAP_IFRAME).element_handle().content_frame()


def _in_map(page, script: str, arg, tries: int = 10):
    """The map's frame once ``script`` is true in it; when the map re-mounts meanwhile (the page then
    briefly holds two maps, and the old frame detaches), the new map is asked again."""
    for _ in range(tries):
        try:
            frame = _map_frame(page)
            if frame is not None:
                frame.wait_for_function(script, arg=arg, timeout=60_000)
                return frame
        except PlaywrightError as exc:
            if "detached" not in str(exc) and "strict mode" not in str(exc):
                raise
    raise AssertionError(f"the map kept re-mounting: {script}")


def _click_at(page, frame, lon: float, lat: float) -> None:
    """A real mouse click on the map where ``lon, lat`` is drawn (after the page stopped scrolling)."""
    iframe = page.locator(MAP_IFRAME)
    iframe.scroll_into_view_if_needed()
    page.wait_for_function(  # scrolling is smooth: wait until the map's frame stands still
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect(), k = r.top + ',' + r.left;
                      const same = window.__pmLast === k; window.__pmLast = k; return same; }""",
        arg=MAP_IFRAME, polling=100, timeout=10_000,
    )  # fmt: skip
    to_px = "([lat, lon]) => { const p = map_div.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }"
    x, y = frame.evaluate(to_px, [lat, lon])
    box = iframe.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_place_a_stand_in_at_its_real_site_and_see_it_on_the_main_map(catalog):
    data = load_map_data()
    assert preview.county_at(data, data.plan_counties["linxia"], *SITE) == 622924
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_app(env={"GEO_APP_LAYERS": str(catalog.parent)}) as url, offline_page(1440, 900) as (page, _):
        page.goto(url + "/?lang=zh")
        page.get_by_text("规划工作台（审核草稿）").click(timeout=90_000)
        page.get_by_text("下一个待审核 ▶").click(timeout=60_000)  # the second draft: 广河经济开发区
        page.get_by_role("heading", name="广河经济开发区").wait_for(timeout=30_000)
        page.get_by_role("tab", name="位置").click()
        page.get_by_role("radiogroup", name="修改位置").get_by_text("在地图上点选位置").click()
        page.get_by_text("点击地图：放置点位").wait_for(timeout=30_000)
        frame = _in_map(  # the map has moved to the item (its view key) and shows the site
            page,
            "([key, lat, lon]) => map_div.__pmViewKey === key && map_div.getBounds().contains([lat, lon])",
            [f"wb:demo:{GUANGHE}", SITE[1], SITE[0]],
        )
        _click_at(page, frame, *SITE)
        page.get_by_text("已选位置：经度 103.6").wait_for(timeout=30_000)
        page.get_by_label("位置依据（必填：坐标或示意的来源）").fill("广河县经济开发区总体规划图（2023）")
        page.get_by_label("位置依据（必填：坐标或示意的来源）").press("Enter")
        page.get_by_label("修改原因（记入历史）").fill("找到了园区的实际位置")
        page.get_by_label("修改原因（记入历史）").press("Enter")
        page.get_by_role("button", name="✓ 接受并保存").click()
        page.get_by_text("已保存 demo.yaml").wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "workbench_saved.png"))

        f = load_doc(catalog).feature(GUANGHE)
        assert f["location"] == "site" and f["review"] == "reviewed"
        lon, lat = f["geometry"]["lonlat"]
        assert abs(lon - SITE[0]) < 0.003 and abs(lat - SITE[1]) < 0.003
        assert history.read(catalog)[-1].why == "找到了园区的实际位置"

        page.get_by_text("规划工作台（审核草稿）").click()  # back to the main map
        page.get_by_text("规划产业布局图").first.wait_for(timeout=60_000)
        main = _in_map(page, "(id) => !!(window.PM && PM.byKey[id])", GUANGHE)
        at = main.evaluate("(id) => { const ll = PM.byKey[id].getLatLng(); return [ll.lng, ll.lat]; }", GUANGHE)
        assert abs(at[0] - lon) < 1e-4 and abs(at[1] - lat) < 1e-4
        assert main.locator(".pm-marker.pm-site").count() == 1
        page.screenshot(path=str(ARTIFACTS / "workbench_main_map.png"))
