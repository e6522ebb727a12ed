"""The app map's scripts as one served file, and a first script that starts fetching its data.

streamlit-folium loads a map's JS links one after another and only then runs the map, so four
links cost four round trips before the geometry is even requested. Here the vendored scripts
are joined into one file under ``static/cache/`` (named by its content hash), and a tiny
``data:`` script placed first starts fetching the geometry while that file loads; planmap.js
then takes the prefetched promise (``window.PM_PREFETCH``) instead of fetching again.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

from geo_app.fileio import atomic_write_text
from geo_app.paths import STATIC_DIR

APP_STATIC_URL = "/app/static/"
BUNDLE_DIR = STATIC_DIR / "cache"


def bundle_url(js_urls: tuple[str, ...]) -> str:
    """One served file with the scripts at ``js_urls`` (``/app/static/...``), in order."""
    parts = []
    for url in js_urls:
        if not url.startswith(APP_STATIC_URL):
            raise ValueError(f"not a served static file: {url}")
        path = (STATIC_DIR / url[len(APP_STATIC_URL) :]).resolve()
        if not path.is_relative_to(STATIC_DIR.resolve()):
            raise ValueError(f"outside static/: {url}")
        parts.append(f"/* {path.relative_to(STATIC_DIR.resolve()).as_posix()} */\n{path.read_text(encoding='utf-8')}")
    text = "\n;\n".join(parts) + "\n"
    name = f"planmap-bundle-{hashlib.sha256(text.encode()).hexdigest()[:16]}.js"
    target = BUNDLE_DIR / name
    if not target.is_file():
        BUNDLE_DIR.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, text)
    return APP_STATIC_URL + "cache/" + name


def prefetch_url(data_urls: list[str]) -> str:
    """A ``data:`` script that starts fetching ``data_urls`` (JSON) and keeps the promises."""
    js = (
        "(function(u){var p=window.PM_PREFETCH=window.PM_PREFETCH||{};u.forEach(function(x){"
        "if(!p[x])p[x]=fetch(x).then(function(r){if(!r.ok)throw new Error('HTTP '+r.status+' for '+x);"
        f"return r.json();}});}});}})({json.dumps(data_urls)});"
    )
    return "data:text/javascript;charset=utf-8," + quote(js, safe="")
