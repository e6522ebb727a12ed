"""st_folium with the rendered map cached: a layer toggle reruns in milliseconds.

``st_folium`` renders the whole folium map to HTML/JS on every rerun (hundreds of ms for
two prefectures and 160 plan features). The map and each plan layer only change when the
language, basemap, region, context or highlight change, so this module renders them once
per combination with streamlit-folium's own helpers and hands the cached strings to its
component. Toggling a layer then only joins cached strings; the component receives the new
feature groups and swaps them without re-rendering the base map.

App-side (imports Streamlit through streamlit-folium), so it lives beside streamlit_app.py,
not in geo_app/. Pinned to streamlit-folium 0.27 (requirements.txt); its private helpers
are used deliberately and covered by the browser test.
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
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    returned_objects: list[str] | None = None,
    on_change: Callable | None = None,
) -> dict | None:
    """Draw the cached map with the given plan-layer JS; returns the component's value."""
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
        zoom=zoom,
        center=center,
        feature_group="".join(layer_js),
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(parts.css_links),
        js_links=list(parts.js_links),
        on_change=_on_change,
        wrap_longitude=False,
    )
