"""Vendored folium assets (static/vendor) and geo_app.web.assets link rewriting / inlining."""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import branca.colormap as cm
import folium
import folium.elements
import pytest
from folium import plugins

from geo_app.web import assets
from geo_app.web.assets import (
    STREAMLIT_BASE_URL,
    VENDOR_DIR,
    MissingAssetError,
    find_external_urls,
    inline_html,
    load_manifest,
    localize_map,
    pop_colormaps,
)
from geo_app.web.elements import PlanLib

REPO = Path(__file__).resolve().parents[1]
MANIFEST = load_manifest()
CDN_URLS = set(MANIFEST["assets"]) | set(assets.OWN_ASSETS)

# classes the maps use: each must be fully vendored (and nothing the maps do not load is)
VENDORED_CLASSES = [
    folium.Map,
    plugins.Fullscreen,
    plugins.Search,
    plugins.MarkerCluster,
    plugins.Draw,
    PlanLib,
]
NOT_VENDORED = [plugins.MeasureControl, plugins.MousePosition, plugins.MiniMap]

POLYGON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "临夏"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[102.9, 35.4], [103.5, 35.4], [103.5, 35.75], [102.9, 35.75], [102.9, 35.4]]],
            },
        }
    ],
}


def _full_map() -> folium.Map:
    m = folium.Map(location=[35.55, 103.2], zoom_start=9, control_scale=True)
    gj = folium.GeoJson(POLYGON, name="plan", popup=folium.GeoJsonPopup(["name"])).add_to(m)
    folium.Marker([35.4, 103.3], popup="a", icon=folium.Icon(icon="industry", prefix="fa")).add_to(m)
    cluster = plugins.MarkerCluster().add_to(m)
    folium.Marker([35.5, 103.1]).add_to(cluster)
    plugins.Fullscreen().add_to(m)
    plugins.Draw().add_to(m)
    plugins.Search(layer=gj, search_label="name").add_to(m)
    PlanLib().add_to(m)
    folium.LayerControl().add_to(m)
    return m


def _cdn_urls_in(html: str) -> set[str]:
    return {u for u in CDN_URLS if u in html}


# ---------------------------------------------------------------------------
# the vendored tree


def test_own_client_code_is_served_from_static() -> None:
    for url, rel in assets.OWN_ASSETS.items():
        assert (VENDOR_DIR / rel).resolve().is_file(), url


def test_every_manifest_file_exists_nonempty_and_matches_hash() -> None:
    assert len(MANIFEST["assets"]) >= 20
    for url, entry in MANIFEST["assets"].items():
        path = VENDOR_DIR / entry["path"]
        assert path.is_file(), url
        data = path.read_bytes()
        assert data, url
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], url
        assert entry["license"], url
        assert not path.name.endswith(".map")


def test_package_files_and_licences_exist() -> None:
    for key, pkg in MANIFEST["packages"].items():
        for rel in pkg["files"]:
            assert (VENDOR_DIR / key / rel).stat().st_size > 0, (key, rel)
        assert pkg["license_files"], key
        for lic in pkg["license_files"]:
            assert (VENDOR_DIR / lic).is_file(), lic
    assert (VENDOR_DIR / "LICENSES.md").read_text(encoding="utf-8").count("|") > 20


def test_relative_css_urls_resolve() -> None:
    """Fonts and images referenced by vendored CSS exist at the relative path."""
    for entry in MANIFEST["assets"].values():
        if entry["kind"] != "css":
            continue
        css_path = VENDOR_DIR / entry["path"]
        for m in re.finditer(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""", css_path.read_text(encoding="utf-8")):
            ref = m.group(1)
            if ref.startswith(("data:", "#")):
                continue
            assert not ref.startswith(("http:", "https:", "//")), (entry["path"], ref)
            target = (css_path.parent / ref.split("?")[0].split("#")[0]).resolve()
            assert target.is_file(), (entry["path"], ref)


@pytest.mark.parametrize("cls", VENDORED_CLASSES, ids=lambda c: c.__name__)
def test_used_classes_are_fully_vendored(cls: type) -> None:
    for _, url in [*cls.default_js, *cls.default_css]:
        assert url in CDN_URLS, f"{cls.__name__}: {url} not vendored"


@pytest.mark.parametrize("cls", NOT_VENDORED, ids=lambda c: c.__name__)
def test_plugins_the_maps_do_not_load_are_not_vendored(cls: type) -> None:
    assert not any(url in CDN_URLS for _, url in [*cls.default_js, *cls.default_css])


def test_manifest_matches_installed_folium() -> None:
    """Vendored + not_vendored is exactly what the installed folium/branca reference."""
    spec = importlib.util.spec_from_file_location("vendor_assets", REPO / "scripts" / "vendor_assets.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses need the module registered
    try:
        spec.loader.exec_module(mod)
    finally:
        del sys.modules[spec.name]
    discovered = set(mod.discover_urls())
    assert MANIFEST["folium_version"] == folium.__version__
    own_libraries = {u for u in MANIFEST["assets"] if u not in discovered}  # what our own map code builds on
    planlib = {u for _, u in [*PlanLib.default_js, *PlanLib.default_css]} - set(assets.OWN_ASSETS) - discovered
    assert own_libraries == planlib | {
        "https://cdn.jsdelivr.net/npm/leaflet-draw@1.0.4/dist/leaflet.draw.css",
        "https://cdn.jsdelivr.net/npm/leaflet-draw@1.0.4/dist/leaflet.draw.js",
    }
    assert discovered == (set(MANIFEST["assets"]) - own_libraries) | set(MANIFEST["not_vendored"])


# ---------------------------------------------------------------------------
# localize_map


def test_localize_map_leaves_no_cdn_url() -> None:
    m = localize_map(_full_map(), STREAMLIT_BASE_URL)
    html = m.get_root().render()
    assert _cdn_urls_in(html) == set()
    assert find_external_urls(html) == []
    srcs = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert len(srcs) >= 15
    assert all(s.startswith(STREAMLIT_BASE_URL) for s in srcs), srcs
    for s in srcs:
        assert (VENDOR_DIR / s.removeprefix(STREAMLIT_BASE_URL)).is_file(), s
    assert 'L.Icon.Default.imagePath = "/app/static/vendor/leaflet@1.9.3/dist/images/"' in html


def test_localize_map_does_not_touch_class_lists() -> None:
    classes = [*VENDORED_CLASSES, folium.elements.JSCSSMixin]
    before = {c: (copy.deepcopy(c.default_js), copy.deepcopy(c.default_css)) for c in classes}
    m = localize_map(_full_map(), "app/static/vendor/")
    m.get_root().render()
    for c in classes:
        assert (c.default_js, c.default_css) == before[c], c.__name__
        assert "app/static" not in repr(vars(c).get("default_js", [])), c.__name__
    other = folium.Map()
    plugins.Fullscreen().add_to(other)
    html = other.get_root().render()
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in html
    assert "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js" in html


def test_children_added_after_localize_are_localized_at_render() -> None:
    m = localize_map(folium.Map(), "/v/")
    plugins.Fullscreen().add_to(m)
    html = m.get_root().render()
    assert '<script src="/v/leaflet.fullscreen@3.0.0/Control.FullScreen.js">' in html
    assert _cdn_urls_in(html) == set()


def test_localize_again_with_another_base() -> None:
    m = localize_map(_full_map(), "/first/")
    localize_map(m, "/second/")
    html = m.get_root().render()
    assert "/first/" not in html
    assert '<script src="/second/leaflet@1.9.3/dist/leaflet.js">' in html


def test_missing_asset_raises_with_urls() -> None:
    m = folium.Map()
    plugins.MeasureControl().add_to(m)
    with pytest.raises(MissingAssetError) as err:
        localize_map(m, "/v/")
    assert "leaflet-measure" in str(err.value)
    assert all("leaflet-measure" in u for u in err.value.urls)

    late = localize_map(folium.Map(), "/v/")
    plugins.MeasureControl().add_to(late)
    with pytest.raises(MissingAssetError):
        late.get_root().render()


def test_localized_map_survives_pickle_and_deepcopy() -> None:
    m = localize_map(_full_map(), "/v/")
    for clone in (pickle.loads(pickle.dumps(m)), copy.deepcopy(m)):
        html = clone.get_root().render()
        assert _cdn_urls_in(html) == set()
        assert '<script src="/v/leaflet@1.9.3/dist/leaflet.js">' in html


def test_pop_colormaps_detaches_legends() -> None:
    m = _full_map()
    cm.linear.YlOrRd_09.scale(0, 100).add_to(m)  # adds CDN d3 to the header at render time
    choropleth = folium.Choropleth(POLYGON, data={"临夏": 3}, key_on="feature.properties.name").add_to(m)
    assert choropleth.color_scale is not None
    legends = pop_colormaps(m)
    assert len(legends) == 2
    html = localize_map(m, "/v/").get_root().render()
    assert "d3.min.js" not in html
    assert "<svg" in legends[0]._repr_html_()


# ---------------------------------------------------------------------------
# inline_html / find_external_urls


def test_inline_html_is_self_contained() -> None:
    html = inline_html(_full_map().get_root().render())
    assert find_external_urls(html) == []
    assert _cdn_urls_in(html) == set()
    assert not re.search(r"<script\b[^>]*\bsrc=", html)
    assert not re.search(r"<link\b[^>]*stylesheet", html)
    # fonts and images became data: URIs, one font format each
    assert 'url("data:font/woff2;base64,' in html
    assert 'url("data:image/png;base64,' in html
    assert 'format("truetype")' not in html
    assert html.count("data:font/woff2;base64,") == len(set(re.findall(r"data:font/woff2;base64,[^\"]{64}", html)))
    assert "L.Icon.Default.mergeOptions" in html
    assert len(html) < 3_000_000


def test_inline_html_accepts_localized_pages() -> None:
    page = localize_map(_full_map(), STREAMLIT_BASE_URL).get_root().render()
    html = inline_html(page)
    assert find_external_urls(html) == []
    assert not re.search(r"<script\b[^>]*\bsrc=", html)
    assert not re.search(r"<link\b[^>]*stylesheet", html)
    # the data: icons set right after leaflet.js win over localize_map's imagePath
    assert html.index("L.Icon.Default.mergeOptions") < html.index('typeof L.Icon.Default.imagePath !== "string"')


def test_inline_html_strict_about_unknown_cdn() -> None:
    m = folium.Map()
    plugins.MeasureControl().add_to(m)
    page = m.get_root().render()
    with pytest.raises(MissingAssetError):
        inline_html(page)
    loose = inline_html(page, strict=False)
    assert find_external_urls(loose) == [
        "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css",
        "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js",
    ]


def test_save_offline_html(tmp_path: Path) -> None:
    out = assets.save_offline_html(_full_map(), tmp_path / "map.html")
    assert find_external_urls(out.read_text(encoding="utf-8")) == []


def test_find_external_urls() -> None:
    html = """
    <script src="https://a.example/x.js"></script><link rel="stylesheet" href="//b.example/y.css"/>
    <style>.i{background:url('https://c.example/i.png')} @import "https://d.example/z.css";</style>
    <script>var html = `<img src="http://e.example/p.jpg">`;
      L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png");</script>
    <a href="https://openstreetmap.org/copyright">OSM</a><img src="data:image/png;base64,AAAA">
    <script src="app/static/vendor/leaflet@1.9.3/dist/leaflet.js"></script>
    """
    assert find_external_urls(html) == [
        "//b.example/y.css",
        "http://e.example/p.jpg",
        "https://a.example/x.js",
        "https://c.example/i.png",
        "https://d.example/z.css",
    ]


def test_assets_module_does_not_import_streamlit() -> None:
    code = "import sys, geo_app.web.assets; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, check=False).returncode == 0


def test_manifest_json_is_valid_and_sorted() -> None:
    raw = json.loads((VENDOR_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert list(raw["assets"]) == sorted(raw["assets"])
    assert all(not p.startswith("/") and ".." not in p for p in (a["path"] for a in raw["assets"].values()))
