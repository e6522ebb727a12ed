"""st_folium with a constant base map and cached groups: no setting change re-mounts the map.

``st_folium`` re-mounts its iframe whenever the base map's script changes, which blanks the
map for seconds. Here the base (Leaflet, planmap.js, the geometry sources) is the same for
every setting; everything that follows the settings (tiles, counties, labels, plan layers,
selection, view) travels as st_folium "feature groups", which the component swaps in place.
Each group is rendered once per combination of the settings it depends on
(``geo_app.web.groups``), so a change only joins cached strings.

App-side (imports Streamlit through streamlit-folium). Pinned to streamlit-folium 0.27
(requirements.txt); its private helpers are used deliberately and covered by the browser tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import branca
import folium
import streamlit as st
import streamlit_folium as sf


@dataclass(frozen=True)
class MapParts:
    """What the st_folium component needs for the base map."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def _links(m: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    css, js = [], []

    def walk(el):
        if isinstance(el, (folium.elements.JSCSSMixin, branca.colormap.ColorMap)):
            yield el
        for child in getattr(el, "_children", {}).values():
            yield from walk(child)

    for el in walk(m):
        css.extend(href for _, href in getattr(el, "default_css", []))
        js.extend(src for _, src in getattr(el, "default_js", []))
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def render_base(m: folium.Map) -> MapParts:
    """Render a folium map once into the component's strings (as st_folium does)."""
    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    css, js = _links(m)
    script = sf._get_map_string(m)
    return MapParts(script, header, html, sf.get_full_id(m), css, js)


def render_layer(group: folium.FeatureGroup, slot: int) -> str:
    """Render one plan-layer FeatureGroup into the component's JS, at a stable slot number."""
    host = folium.Map(tiles=None)
    return sf._get_feature_group_string(group, map=host, idx=slot)


def show_map(
    parts: MapParts,
    layer_js: list[str],
    key: str,
    height: int = 720,
    returned_objects: list[str] | None = None,
    on_change: Callable | None = None,
) -> dict | None:
    """Draw the cached base map with the given group JS; returns the component's value.

    ``height`` is the fallback height; the page CSS makes the map fill the viewport."""
    returned = returned_objects or []
    hash_key = sf.generate_js_hash(parts.script, key, False)

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return sf._component_func(
        script=parts.script,
        header=parts.header,
        html=parts.html,
        id=parts.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=returned,
        default={k: None for k in returned},
        zoom=None,
        center=None,
        feature_group="".join(layer_js),
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(parts.css_links),
        js_links=list(parts.js_links),
        on_change=_on_change,
        wrap_longitude=False,
    )
