"""The app map's joined script file and its prefetch script."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from geo_app.web import bundle
from geo_app.web.assets import STREAMLIT_BASE_URL


def test_the_bundle_joins_the_served_scripts_in_order():
    urls = (STREAMLIT_BASE_URL + "leaflet@1.9.3/dist/leaflet.js", "/app/static/planmap/planmap.js")
    url = bundle.bundle_url(urls)
    assert url.startswith("/app/static/cache/planmap-bundle-") and url.endswith(".js")
    text = (bundle.BUNDLE_DIR / url.rsplit("/", 1)[1]).read_text(encoding="utf-8")
    assert text.index("leaflet.js */") < text.index("planmap/planmap.js */")
    assert "PM_PREFETCH" in text  # planmap.js takes the prefetched geometry
    assert bundle.bundle_url(urls) == url  # named by content: the same scripts, the same file


@pytest.mark.parametrize("url", ["https://cdn.example/x.js", "/app/static/../../etc/passwd"])
def test_only_files_under_static_are_bundled(url):
    with pytest.raises(ValueError):
        bundle.bundle_url((url,))


def test_the_prefetch_script_fetches_each_url_once():
    js = unquote(bundle.prefetch_url(["/app/static/cache/topo-x.json"]).split(",", 1)[1])
    assert '["/app/static/cache/topo-x.json"]' in js and "if(!p[x])" in js
