"""One-file HTML map for meetings: every JS/CSS inlined, opens by double-click with no network.

It carries the plan layers with a layer control, the legend, popups with quotes, a title,
scale bar, north arrow, fullscreen button, search, and the offline reference basemap;
tile basemaps are offered in the layer control and dropped automatically when unreachable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import folium
from branca.element import MacroElement
from folium.plugins import Fullscreen, Search
from jinja2 import Template

from geo_app import assets
from geo_app.basemaps import BASEMAPS
from geo_app.csp import add_csp
from geo_app.escaping import html_text, json_for_script
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData
from geo_app.mapview import MapSpec, TileFallback, full_map, shown_counties

#: Tile basemaps offered in a standalone file (WGS84 only: its overlays are not shifted).
STANDALONE_TILES = ("carto", "osm", "esri")


class Title(MacroElement):
    """A title bar at the top centre of the map."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var c = L.control({position: 'topright'});
  c.onAdd = function() {
    var d = L.DomUtil.create('div', 'pm-title-bar');
    d.innerHTML = {{ this.html_json }};
    return d;
  };
  c.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, title: str, subtitle: str):
        super().__init__()
        self._name = "Title"
        html = f"<div class='pm-t1'>{html_text(title)}</div><div class='pm-t2'>{html_text(subtitle)}</div>"
        self.html_json = json_for_script(html)


TITLE_CSS = """<style>
.pm-title-bar { background: rgba(255,255,255,.94); padding: 6px 12px; border-radius: 6px;
  box-shadow: 0 1px 5px rgba(0,0,0,.35); max-width: 46vw; }
.pm-title-bar .pm-t1 { font-size: 17px; font-weight: 700; }
.pm-title-bar .pm-t2 { font-size: 12px; color: #555; }
</style>"""


def default_title(data: MapData, spec: MapSpec) -> tuple[str, str]:
    plans = spec.plans or tuple(data.catalog.plans)
    title = t("app_title", spec.lang)
    names = " · ".join(pick(data.catalog.plans[p].title_zh, data.catalog.plans[p].title_en, spec.lang) for p in plans)
    today = dt.date.today().isoformat()
    return title, f"{names} · {t('source_note', spec.lang)} · {today}"


class SearchTipsAsText(MacroElement):
    """Leaflet-search writes each suggestion with ``innerHTML``, so a feature name holding markup
    would run when someone types in the search box; this gives it a ``buildTip`` that sets text."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this.control_name }}.options.buildTip = function(text) {
  var tip = L.DomUtil.create('li', '');
  tip.textContent = text;
  return tip;
};
{% endmacro %}
"""
    )

    def __init__(self, layer: folium.GeoJson):
        super().__init__()
        self._name = "SearchTipsAsText"
        self.control_name = f"{layer.get_name()}searchControl"  # the variable folium's Search declares


def _search_layer(data: MapData, spec: MapSpec) -> folium.GeoJson:
    """Invisible points carrying a searchable label for every shown feature and county."""
    feats = data.display_features
    if spec.plans:
        feats = feats[feats.plan.isin(spec.plans)]
    rows = []
    for r in feats.itertuples():
        p = r.geometry if r.shape == "point" else r.geometry.representative_point()
        rows.append((f"{pick(r.name_zh, r.name_en, spec.lang)} · {pick(r.name_en, r.name_zh, spec.lang)}", p))
    for r in shown_counties(data, spec).itertuples():
        rows.append((f"{r.name_zh} · {r.name_en}", r.geometry.representative_point()))
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"label": label},
             "geometry": {"type": "Point", "coordinates": [round(p.x, 5), round(p.y, 5)]}}
            for label, p in rows
        ],
    }  # fmt: skip
    return folium.GeoJson(
        fc,
        name="search",
        control=False,
        marker=folium.CircleMarker(radius=1, opacity=0, fill_opacity=0),
    )


def standalone_map(data: MapData, spec: MapSpec, title: str | None = None) -> folium.Map:
    """The folium map of a standalone file (not yet inlined)."""
    spec = replace(spec, standalone=True, basemap="offline", extra_css=[*spec.extra_css, TITLE_CSS])
    m = full_map(data, spec)
    # base layers: offline reference (no tiles) first, then tile basemaps that drop out when unreachable
    folium.FeatureGroup(name=BASEMAPS["offline"].label(spec.lang), overlay=False, control=True).add_to(m)
    for bid in STANDALONE_TILES:
        bm = BASEMAPS[bid]
        tiles = folium.TileLayer(
            bm.url, attr=bm.attribution, name=bm.label(spec.lang), max_zoom=bm.max_zoom,
            subdomains=bm.subdomains or "abc", overlay=False, control=True, show=False,
        )  # fmt: skip
        tiles.add_to(m)
        TileFallback(tiles, t("offline_notice", spec.lang)).add_to(m)
    search = _search_layer(data, spec).add_to(m)
    Search(layer=search, search_label="label", placeholder=t("search_placeholder", spec.lang), collapsed=False,
           position="topleft", search_zoom=11).add_to(m)  # fmt: skip
    SearchTipsAsText(search).add_to(m)
    Fullscreen(position="topleft").add_to(m)
    t1, t2 = default_title(data, spec)
    Title(title or t1, t2).add_to(m)
    # the layer control must come last so it sees every layer
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            del m._children[key]
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    return m


def standalone_html(data: MapData, spec: MapSpec, title: str | None = None) -> str:
    """A self-contained HTML page (no external requests) of the map."""
    html = standalone_map(data, spec, title).get_root().render()
    return add_csp(assets.inline_html(html))  # only the file's own scripts may run
