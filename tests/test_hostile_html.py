"""Hostile scene and map texts in the self-contained HTML files: written as data, never as markup."""

from __future__ import annotations

import json
import re

import folium
import pytest

from geo_app.csp import add_csp

HOSTILE = "</script><script>window.__xss=1</script><img src=x onerror=window.__xss=2>\u2028<!--"


def _script_blocks(html: str) -> list[str]:
    return re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S | re.I)


def _rendered(element) -> str:
    m = folium.Map()
    element.add_to(m)
    return m.get_root().render()


def test_deck_scene_texts_stay_inside_their_script():
    deck = pytest.importorskip("geo_app.deck", reason="geo_app.deck does not import in this tree", exc_type=ImportError)
    scene = {
        "id": "a",
        "title": HOSTILE,
        "subtitle": HOSTILE,
        "notes": HOSTILE,
        "layers": [],
        "bounds": [[0, 0], [1, 1]],
    }
    html = _rendered(deck.DeckControl([scene], {"notes": HOSTILE, "no_notes": "-"}))
    assert "window.__xss" in html  # the text is there ...
    assert "<script>window.__xss" not in html and "<img src=x" not in html  # ... but not as markup
    block = next(b for b in _script_blocks(html) if "pm-deck-bar" in b)
    payload = re.search(r"var scenes = (\[.*?\]);\n", block).group(1)
    assert json.loads(payload)[0]["title"] == HOSTILE  # the browser gets the exact text back


def test_standalone_title_stays_text():
    standalone = pytest.importorskip(
        "geo_app.standalone", reason="geo_app.standalone does not import in this tree", exc_type=ImportError
    )
    html = _rendered(standalone.Title(HOSTILE, "<b>sub</b>"))
    assert "<script>window.__xss" not in html and "<b>sub</b>" not in html
    block = next(b for b in _script_blocks(html) if "pm-title-bar" in b)
    inner = json.loads(re.search(r"d\.innerHTML = (\".*?\");", block).group(1))
    assert "<img" not in inner and "&lt;img src=x" in inner  # markup arrives escaped for innerHTML


def test_standalone_search_suggestions_are_text():
    standalone = pytest.importorskip(
        "geo_app.standalone", reason="geo_app.standalone does not import in this tree", exc_type=ImportError
    )
    layer = folium.GeoJson({"type": "FeatureCollection", "features": []})
    html = _rendered(standalone.SearchTipsAsText(layer))
    assert f"{layer.get_name()}searchControl.options.buildTip" in html
    assert "tip.textContent = text" in html and "innerHTML" not in html


RUNTIME_INJECTION = """<html><head><title>t</title></head><body><div id="box"></div><script>
document.getElementById('box').innerHTML = '<img src="data:," onerror="window.__xss = 1">' +
  '<a id="link" href="javascript:window.__xss = 2">x</a><div id="btn" onclick="window.__xss = 3">y</div>';
window.__ran = true;
</script></body></html>"""


@pytest.mark.browser
@pytest.mark.parametrize("with_csp", [False, True])
def test_csp_stops_markup_injected_at_run_time(tmp_path, with_csp):
    """Markup a script puts into the page (as Leaflet does with labels) runs no handler under the
    policy; without it the same page runs them, so the test can tell."""
    from tests.browser import offline_page

    path = tmp_path / "page.html"
    path.write_text(add_csp(RUNTIME_INJECTION) if with_csp else RUNTIME_INJECTION, encoding="utf-8")
    with offline_page() as (page, _):
        page.goto(path.as_uri())
        page.wait_for_function("window.__ran === true", timeout=10_000)  # the page's own script ran
        page.click("#btn")
        page.click("#link")
        page.wait_for_timeout(300)  # give a blocked handler the time it would need to run
        xss = page.evaluate("window.__xss")
    assert (xss is None) if with_csp else (xss is not None)
