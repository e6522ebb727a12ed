"""A folium map made self-contained by geo_app.web.assets renders in Chromium with every network request blocked."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import folium
import pytest
from folium import plugins

from geo_app.web.assets import STREAMLIT_BASE_URL, find_external_urls, inline_html, localize_map
from tests.conftest import require_chromium

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TILE_RE = re.compile(r"/\d+/\d+/\d+(@2x)?\.(png|jpe?g|webp|pbf)(\?|$)")

POLYGON_POPUP = "临夏 polygon popup"
MARKER_POPUP = "Marker popup 和政"


def _map() -> folium.Map:
    m = folium.Map(location=[35.55, 103.2], zoom_start=9, control_scale=True)
    polygon = {
        "type": "Feature",
        "properties": {"name": "Linxia"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[102.9, 35.4], [103.5, 35.4], [103.5, 35.75], [102.9, 35.75], [102.9, 35.4]]],
        },
    }
    gj = folium.GeoJson(polygon, name="plan area", style_function=lambda _: {"color": "#c0392b", "weight": 2})
    folium.Popup(POLYGON_POPUP).add_to(gj)
    gj.add_to(m)
    folium.Marker([35.43, 103.35], popup=folium.Popup(MARKER_POPUP), tooltip="default icon").add_to(m)
    # awesome-markers with a glyphicon and a Font Awesome icon: exercise both icon fonts
    folium.Marker([35.65, 103.0], icon=folium.Icon(color="red", icon="info-sign")).add_to(m)
    folium.Marker([35.65, 103.4], icon=folium.Icon(color="green", icon="industry", prefix="fa")).add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.Draw().add_to(m)
    plugins.Search(layer=gj, search_label="name").add_to(m)
    return m


@pytest.mark.parametrize("source", ["cdn", "localized"])
def test_inlined_map_renders_with_network_blocked(tmp_path: Path, source: str) -> None:
    """``inline_html`` of the plain folium page (CDN links) or of a localize_map'ed one."""
    exe = require_chromium()
    from playwright.sync_api import sync_playwright

    m = _map()
    if source == "localized":
        localize_map(m, STREAMLIT_BASE_URL)
    html = inline_html(m.get_root().render())
    assert find_external_urls(html) == []
    page_path = tmp_path / "offline_map.html"
    page_path.write_text(html, encoding="utf-8")

    aborted: list[str] = []
    failed: list[str] = []
    errors: list[str] = []

    def block_network(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            aborted.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            page.route("**/*", block_network)
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_path.as_uri())

            page.wait_for_selector(".leaflet-container", timeout=15_000)
            polygon = page.locator("path.leaflet-interactive").first
            polygon.wait_for(timeout=10_000)
            assert polygon.get_attribute("stroke") == "#c0392b"
            # controls of the plugins are there (their JS ran)
            for selector in (
                ".leaflet-control-zoom-fullscreen",
                ".leaflet-draw",
                ".leaflet-control-search",
                ".leaflet-control-scale",
            ):
                assert page.locator(selector).count() == 1, selector

            # popup of the polygon
            polygon.click()
            page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
            assert POLYGON_POPUP in page.locator(".leaflet-popup-content").inner_text()
            page.locator(".leaflet-popup-close-button").click()
            page.wait_for_selector(".leaflet-popup", state="detached", timeout=5_000)

            # every marker image (Leaflet default icon, awesome-markers sprites) really loaded
            icons = page.locator("img.leaflet-marker-icon")
            assert icons.count() == 1
            assert page.evaluate(
                "() => [...document.querySelectorAll('img.leaflet-marker-icon, img.leaflet-marker-shadow')]"
                ".every(i => i.complete && i.naturalWidth > 0)"
            )
            icons.first.click()
            page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
            assert MARKER_POPUP in page.locator(".leaflet-popup-content").inner_text()

            # icon fonts and CSS images come from data: URIs
            loaded_fonts = page.evaluate(
                "async () => { await document.fonts.ready;"
                " return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family); }"
            )
            assert any("Glyphicons" in f for f in loaded_fonts), loaded_fonts
            assert any("Font Awesome 6 Free" in f for f in loaded_fonts), loaded_fonts
            awesome_bg = page.evaluate(
                "() => getComputedStyle(document.querySelector('.awesome-marker')).backgroundImage"
            )
            assert awesome_bg.startswith('url("data:image/png'), awesome_bg[:60]

            page.wait_for_function(  # popup fade-in finished before the screenshot
                "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
            )
            ARTIFACTS.mkdir(exist_ok=True)
            name = "offline_map.png" if source == "cdn" else f"offline_map_{source}.png"
            page.screenshot(path=str(ARTIFACTS / name))
        finally:
            browser.close()

    tiles = [u for u in aborted if TILE_RE.search(u)]
    assets_aborted = [u for u in aborted if not TILE_RE.search(u)]
    print(f"blocked {len(tiles)} tile requests (expected offline), {len(assets_aborted)} other requests")
    assert assets_aborted == [], assets_aborted
    assert [u for u in failed if not TILE_RE.search(u)] == []
    assert errors == []


# ---------------------------------------------------------------------------
# st_folium inside a real Streamlit server, everything but the server blocked

ST_POPUP = "st_folium marker popup"
ST_APP = f"""
import folium
import branca.colormap as cm
import streamlit as st
from streamlit_folium import st_folium

from geo_app.web.assets import STREAMLIT_BASE_URL, localize_map, pop_colormaps

m = folium.Map(location=[35.55, 103.2], zoom_start=9)
folium.GeoJson({{"type": "Polygon",
    "coordinates": [[[102.9, 35.4], [103.5, 35.4], [103.5, 35.75], [102.9, 35.75], [102.9, 35.4]]]}}).add_to(m)
folium.Marker([35.43, 103.35], popup={ST_POPUP!r}).add_to(m)
folium.Marker([35.65, 103.0], icon=folium.Icon(color="red", icon="info-sign")).add_to(m)
cm.linear.YlGn_09.scale(0, 10).add_to(m)
# st_folium hard-codes CDN d3 for colormaps: show legends outside the map
for legend in pop_colormaps(m):
    st.markdown(legend._repr_html_(), unsafe_allow_html=True)
localize_map(m, STREAMLIT_BASE_URL)
out = st_folium(m, height=400, width=700, key="map", returned_objects=["last_object_clicked_popup"])
st.write(f"clicked: {{(out or {{}}).get('last_object_clicked_popup')}}")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _streamlit_server(app_dir: Path) -> Iterator[str]:
    """Run ``streamlit run app.py`` in app_dir on a free loopback port; yield its URL."""
    port = _free_port()
    log = app_dir / "streamlit.log"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.enableStaticServing=true",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=app_dir, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail("streamlit exited:\n" + log.read_text())
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("streamlit did not start in 60 s:\n" + log.read_text())
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_st_folium_renders_offline_with_static_serving(tmp_path: Path) -> None:
    exe = require_chromium()
    from playwright.sync_api import sync_playwright

    (tmp_path / "app.py").write_text(ST_APP, encoding="utf-8")
    (tmp_path / "static").symlink_to(REPO / "static", target_is_directory=True)

    aborted: list[str] = []
    bad: list[str] = []
    with _streamlit_server(tmp_path) as base, sync_playwright() as p:

        def block_network(route) -> None:
            url = route.request.url
            if url.startswith((base, "data:", "blob:")):
                route.continue_()
            else:
                aborted.append(url)
                route.abort()

        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.route("**/*", block_network)
            page.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.goto(base)
            frame = page.wait_for_selector("iframe", timeout=30_000).content_frame()
            assert frame is not None
            frame.wait_for_selector("path.leaflet-interactive", timeout=20_000)
            frame.wait_for_selector(".awesome-marker", timeout=5_000)
            assert frame.evaluate(
                "() => [...document.querySelectorAll('img.leaflet-marker-icon')]"
                ".every(i => i.complete && i.naturalWidth > 0)"
            )
            frame.locator("img.leaflet-marker-icon").first.click()
            frame.wait_for_selector(".leaflet-popup-content", timeout=5_000)
            assert ST_POPUP in frame.locator(".leaflet-popup-content").inner_text()
            # the click travelled back to Python and the script re-ran
            page.wait_for_function(
                "t => document.body.innerText.includes(t)", arg=f"clicked: {ST_POPUP}", timeout=15_000
            )
            assert page.locator("svg line").count() > 0  # the legend outside the map
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "st_folium_offline.png"))
        finally:
            browser.close()

    assert [u for u in aborted if not TILE_RE.search(u)] == []
    assert bad == []
