"""The real app in headless Chromium with every non-local request refused (a meeting-room PC).

What a planner does: read the belts, click a county, switch regions and layers, copy the link,
present. Waits are on conditions, never fixed sleeps.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import ARTIFACTS, offline_page, streamlit_app

pytestmark = pytest.mark.browser
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
BOUND_JS = "() => !!(window.__pmPresent && window.__pmPresent.bound)"


@pytest.fixture(scope="module")
def app_url():
    with streamlit_app() as url:
        yield url


def wait_map(page, n_frames: int = 1):
    """Wait until the map(s) are drawn (labels placed); returns the first map's frame."""
    page.wait_for_function(
        """([sel, n]) => {
            const frames = document.querySelectorAll(sel);
            if (frames.length !== n) return false;
            return Array.from(frames).every(f => f.contentDocument && f.contentDocument.querySelector('.pm-l-county')
                && f.contentDocument.querySelector('path.pm-item'));
        }""",
        arg=[MAP_IFRAME, n_frames],
        timeout=90_000,
    )
    return page.frame_locator(MAP_IFRAME).first


def click_lonlat(page, lat: float, lon: float, index: int = 0) -> None:
    """A real mouse click where (lat, lon) is on the map."""
    el = page.locator(MAP_IFRAME).nth(index)
    frame = el.element_handle().content_frame()
    x, y = frame.evaluate(
        f"() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }}"
    )
    box = el.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_the_linxia_view_names_its_belts_and_uses_the_screen(app_url, map_data):
    ARTIFACTS.mkdir(exist_ok=True)
    with offline_page(1920, 1080) as (page, blocked):
        page.goto(app_url + "/?region=linxia")
        frame = wait_map(page)
        labels = frame.locator(".pm-l-item").all_inner_texts()
        text = " ".join(lb.replace("\n", "") for lb in labels)
        for name in ("太子山麓食用菌产业带", "牛羊产业集群", "兰郎公路沿线蔬菜产业"):
            assert name in text, text
        # each belt its own colour
        strokes = frame.locator("path.pm-cat-industrial_belt").evaluate_all(
            "els => els.map(e => e.getAttribute('stroke'))"
        )
        belts = map_data.features[
            (map_data.features.plan == "linxia")
            & (map_data.features.category == "industrial_belt")
            & map_data.features["shape"].isin(["area", "line"])
        ]
        assert len(set(strokes)) == len(belts) >= 6
        # county labels and stand-in markers drawn as stand-ins
        assert frame.locator(".pm-l-county").count() >= 8
        assert frame.locator(".pm-marker.pm-stand_in").count() >= 3
        assert frame.locator(".pm-marker.pm-site").count() == int(
            ((map_data.features.plan == "linxia") & (map_data.features.location == "site")).sum()
        )
        # no region-wide item is painted: the badge counts them
        badge = frame.locator(".pm-badge").inner_text()
        n_wide = int(((map_data.features.plan == "linxia") & map_data.features.region_wide).sum())
        assert badge.startswith(str(n_wide))
        # the map fills the viewport height
        h = page.locator(MAP_IFRAME).bounding_box()["height"]
        assert h > 0.8 * 1080
        assert frame.locator(".leaflet-container").bounding_box()["height"] >= h - 2
        # metric scale, no Leaflet flag, data credits visible
        assert "mi" not in frame.locator(".leaflet-control-scale").inner_text()
        attribution = frame.locator(".leaflet-control-attribution").inner_text()
        assert "Leaflet" not in attribution and "GeoNames" in attribution
        page.screenshot(path=str(ARTIFACTS / "app_linxia_1920.png"))
        assert all("tile" in u or "autonavi" in u for u in blocked) or not blocked


def test_map_height_follows_the_viewport(app_url):
    with offline_page(1440, 900) as (page, _):
        page.goto(app_url + "/?region=linxia")
        wait_map(page)
        h = page.locator(MAP_IFRAME).bounding_box()["height"]
        assert 0.75 * 900 < h <= 900
        page.screenshot(path=str(ARTIFACTS / "app_linxia_1440.png"))


def test_a_click_in_hezheng_under_a_belt_lists_the_county_first(app_url, map_data):
    belt = map_data.features.set_index("id").loc["linxia-taizishan-mushroom-belt"].geometry
    county = map_data.counties.set_index("adcode").loc[622925].geometry
    p = belt.intersection(county.buffer(-0.03)).representative_point()
    with offline_page(1920, 1080) as (page, _):
        page.goto(app_url + "/?region=linxia")
        frame = wait_map(page)
        click_lonlat(page, p.y, p.x)
        page.get_by_text("此处的县区与规划事项").wait_for(timeout=30_000)
        buttons = page.locator(".st-key-pm_panel button").all_inner_texts()
        assert buttons[0].startswith("和政县"), buttons
        assert any("沿太子山麓食用菌产业带" in b for b in buttons[1:]), buttons
        # the county's own table: the items that name it first
        page.get_by_text("规划点名本县区").wait_for()
        # the clicked county is outlined on the map
        frame.locator(".leaflet-pmSelected-pane path").first.wait_for(timeout=20_000)
        page.screenshot(path=str(ARTIFACTS / "app_identify.png"))


def test_context_regions_never_block_clicks_on_the_plan(app_url, map_data):
    p = map_data.counties.set_index("adcode").loc[622922].geometry.representative_point()  # 康乐县
    with offline_page(1920, 1080) as (page, _):
        page.goto(app_url + "/?region=linxia&ctx=甘肃")
        frame = wait_map(page)
        frame.locator(".leaflet-pmContext-pane path").first.wait_for(timeout=60_000)
        click_lonlat(page, p.y, p.x)
        page.get_by_text("此处的县区与规划事项").wait_for(timeout=30_000)
        assert page.locator(".st-key-pm_panel button").first.inner_text().startswith("康乐县")


def test_regions_and_toggles_keep_the_view_and_the_link_reopens_it(app_url):
    with offline_page(1440, 900) as (page, _):
        page.goto(app_url + "/?region=linxia")
        frame = wait_map(page)
        frame.locator("body").evaluate("() => window.map.setView([35.55, 103.1], 10)")
        page.wait_for_function("() => location.search.includes('z=10')")
        page.locator("[data-testid='stSidebar'] label").filter(has_text=re.compile(r"^产业带")).first.click()
        page.wait_for_function("() => !location.search.includes('layers=all')")
        page.wait_for_function("() => location.search.includes('z=10') && location.search.includes('lat=35.55')")
        q = query(page)
        assert "linxia:industrial_belt" not in q["layers"] and q["region"] == "linxia"
        link = page.url
    with offline_page(1440, 900) as (page, _):
        page.goto(link)
        frame = wait_map(page)
        center = frame.locator("body").evaluate(
            "() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]"
        )
        assert abs(center[0] - 35.55) < 1e-3 and abs(center[1] - 103.1) < 1e-3 and center[2] == 10
        assert frame.locator("path.pm-cat-industrial_belt").count() == 0


def _pick(page, key: str, label: str) -> None:
    """Choose the option ``label`` of the select box with key class ``st-key-<key>``."""
    page.locator(f".st-key-{key} input").click()
    page.get_by_role("option", name=label, exact=True).click()


def _map_view(page, index: int = 0) -> tuple[float, float, float]:
    frame = page.locator(MAP_IFRAME).nth(index).element_handle().content_frame()
    return frame.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]")


def test_after_two_frames_the_link_follows_the_map_again(app_url):
    """Region → both (two frames) → one region: the link must follow what the user does to the
    map, not the view of the frame that is gone."""
    with offline_page(1440, 900) as (page, _):
        page.goto(app_url + "/?region=linxia")
        wait_map(page)
        _pick(page, "region__zh", "临夏州 + 张掖市")
        wait_map(page, n_frames=2)
        _pick(page, "region__zh", "临夏州")
        wait_map(page, n_frames=1)
        box = page.locator(MAP_IFRAME).first.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -500)  # the user zooms in
        page.wait_for_function(
            "([sel]) => { const w = document.querySelector(sel).contentWindow;"
            " return w.map && location.search.includes('z=' + w.map.getZoom()) && w.map.getZoom() > 9; }",
            arg=[MAP_IFRAME],
            timeout=20_000,
        )
        lat, lon, z = _map_view(page)
        q = query(page)
        assert abs(float(q["lat"]) - lat) < 1e-4 and abs(float(q["lon"]) - lon) < 1e-4 and float(q["z"]) == z


def test_in_two_frames_the_link_keeps_the_view_of_the_frame_moved(app_url):
    with offline_page(1920, 1080) as (page, _):
        page.goto(app_url + "/?region=all&lat=38.9&lon=100.4&z=10")
        wait_map(page, n_frames=2)
        views = [_map_view(page, i) for i in range(2)]
        moved = next(i for i, v in enumerate(views) if abs(v[0] - 38.9) < 1e-3 and abs(v[1] - 100.4) < 1e-3)
        assert views[moved][2] == 10
        page.wait_for_function("() => location.search.includes('lat=38.9') && location.search.includes('z=10')")
        # the user pans the other frame: the link now holds that frame's view
        other = 1 - moved
        box = page.locator(MAP_IFRAME).nth(other).bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 60, y + 40, steps=5)
        page.mouse.up()
        page.wait_for_function("() => !location.search.includes('lat=38.9')", timeout=20_000)
        lat, lon, _z = _map_view(page, other)
        q = query(page)
        assert abs(float(q["lat"]) - lat) < 1e-4 and abs(float(q["lon"]) - lon) < 1e-4


def test_a_setting_change_updates_the_map_in_place(app_url):
    """Language and basemap changes swap layers inside the same map: it is never blanked or re-mounted."""
    with offline_page(1440, 900) as (page, _):
        page.goto(app_url + "/?region=linxia")
        frame = wait_map(page)
        frame.locator("body").evaluate("() => { window.__pmMarker = 1; }")
        page.get_by_text("English", exact=True).click()
        frame.locator(".pm-l-county", has_text="Hezheng County").wait_for(timeout=30_000)
        assert frame.locator("body").evaluate("() => window.__pmMarker") == 1
        assert page.locator(MAP_IFRAME).count() == 1


def test_tiles_that_hang_fall_back_to_the_offline_basemap(app_url):
    with offline_page(1440, 900) as (page, _):
        hung = []
        page.context.route(re.compile(r".*arcgisonline.*"), lambda r: hung.append(r))  # never answered
        page.goto(app_url + "/?region=linxia&basemap=esri")
        frame = wait_map(page)
        frame.locator(".pm-notice").wait_for(timeout=20_000)
        assert "离线" in frame.locator(".pm-notice").inner_text()
        assert "Esri" not in frame.locator(".leaflet-control-attribution").inner_text()
        assert hung  # the tiles were asked for and never came


def test_two_regions_far_apart_each_get_a_frame(app_url):
    with offline_page(1920, 1080) as (page, _):
        page.goto(app_url + "/?region=all")
        wait_map(page, n_frames=2)
        page.screenshot(path=str(ARTIFACTS / "app_all_1920.png"))
        frames = [page.locator(MAP_IFRAME).nth(i).element_handle().content_frame() for i in range(2)]
        for f in frames:  # each frame's plan region fills most of it
            share = f.evaluate("""() => {
                const b = window.map.getBounds(); let best = 0;
                window.map.eachLayer(l => { if (l.pmRole === 'county' && l.getBounds) {
                  const r = l.getBounds();
                  const x = Math.max(0, Math.min(r.getEast(), b.getEast()) - Math.max(r.getWest(), b.getWest()));
                  const y = Math.max(0, Math.min(r.getNorth(), b.getNorth()) - Math.max(r.getSouth(), b.getSouth()));
                  best = Math.max(best, x * y / ((b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth()))); } });
                return best; }""")
            assert share > 0.3, share
            # the whole region stays in view once the frame has its final width, and a badge whose
            # region is in view is not cut by the frame's edge
            f.wait_for_function(
                """() => { const m = window.map, fit = m.__pmFit; if (!fit) return false;
                    const box = m.getContainer().getBoundingClientRect();
                    if (!m.getBounds().pad(0.001).contains(L.latLngBounds(fit))) return false;
                    const badges = Object.keys(PM.byKey).filter(k => k.startsWith('badge:')).map(k => PM.byKey[k])
                      .filter(b => b._map === m && m.getBounds().contains(b.getLatLng()));
                    return badges.length > 0 && badges.every(b => {
                      const r = b._icon.querySelector('.pm-badge').getBoundingClientRect();
                      return r.left >= box.left && r.right <= box.right; }); }""",
                timeout=20_000,
            )


def test_presentation_and_presenter_view_follow_each_other(app_url):
    with offline_page(1920, 1080) as (page, _):
        page.goto(app_url + "/?present=1&deck=linxia&scene=3")
        frame = wait_map(page)
        frame.locator(".pm-l-item.pm-hl").first.wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "present_1920.png"))
        presenter = page.context.new_page()
        presenter.goto(app_url + "/?present=1&presenter=1&deck=linxia&scene=3")
        presenter.locator(".pm-notes").wait_for(timeout=60_000)
        for pg in (page, presenter):  # the key listener is live once the sync component has run
            pg.wait_for_function(BOUND_JS, timeout=30_000)
        presenter.keyboard.press("ArrowRight")
        presenter.wait_for_function("() => document.body.innerText.includes('4 / 7')")
        page.wait_for_function("() => document.body.innerText.includes('4 / 7')", timeout=30_000)
        # keys pressed inside the map step too; Esc there only closes a popup
        frame.locator(".leaflet-container").click(position={"x": 20, "y": 300})
        frame.locator(".leaflet-container").press("ArrowRight")
        page.wait_for_function("() => document.body.innerText.includes('5 / 7')", timeout=30_000)
        # a click on the projected map opens what is there, in projector sizes
        box = page.locator(MAP_IFRAME).bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        frame.locator(".pm-present .pm-identify").wait_for(timeout=20_000)
        # Esc in the map closes the popup and stays in presentation mode
        frame.locator(".leaflet-container").press("Escape")
        frame.locator(".leaflet-popup").wait_for(state="detached", timeout=10_000)
        assert page.locator(".pm-present-title").count() == 1
        presenter.wait_for_function("() => document.body.innerText.includes('5 / 7')", timeout=30_000)
        presenter.screenshot(path=str(ARTIFACTS / "presenter_1440.png"))


def test_the_pdf_deck_is_prepared_with_progress_then_downloads(app_url):
    with offline_page(1440, 900) as (page, _):
        page.goto(app_url + "/?region=linxia")
        wait_map(page)
        page.locator("[data-testid='stSidebar'] summary", has_text="导出").first.click()
        page.get_by_role("button", name=re.compile("演示文稿 PDF.*生成")).click()
        page.locator("[data-testid='stProgress']").wait_for(timeout=60_000)  # progress while it is built
        button = page.get_by_role("button", name=re.compile("演示文稿 PDF.*MB"))
        button.wait_for(timeout=120_000)
        with page.expect_download() as info:
            button.click()
        path = info.value.path()
        with open(path, "rb") as fh:
            assert fh.read(5) == b"%PDF-"
        assert info.value.suggested_filename == "plan_deck_zh.pdf"


def test_select_boxes_speak_the_ui_language(app_url):
    """Streamlit's own "No results" and "Choose an option" do not show in the Chinese UI."""
    with offline_page(1440, 900) as (page, _):
        page.goto(app_url + "/?region=linxia")
        wait_map(page)
        search = page.locator("[data-testid=stMain] [data-testid=stSelectbox] input").first
        search.click()
        search.fill("qqqzzz")
        page.get_by_text("没有匹配项").wait_for(timeout=10_000)
        assert page.get_by_text("No results").count() == 0
        page.keyboard.press("Escape")
        region = page.locator(".st-key-region__zh input")
        region.click()
        region.press("Control+a")
        region.press("Backspace")
        page.wait_for_function("() => document.querySelector('.st-key-region__zh input').value === ''")
        assert region.get_attribute("placeholder") == "请选择"
