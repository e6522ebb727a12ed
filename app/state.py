"""The user's view in session state, read from the link once and written back to it on every run.

Layer ticks are kept for every plan's layers, whatever region is shown: switching 区域 never
unticks anything (a region only decides which plans are drawn). The view (lat/lon/z) is kept
in the URL by the map itself (planmap.js ``PM.urlSync``); the server keeps what it finds there.
"""

from __future__ import annotations

import streamlit as st

from geo_app import regions, viewstate
from geo_app.mapdata import MapData
from geo_app.web.layers import layer_keys


def init(data: MapData, basemaps: list[str]) -> None:
    """On a session's first run: the state a link asks for (invalid values noted, not fatal)."""
    if "init" in st.session_state:
        return
    choices = regions.region_choices(data.catalog)
    params = st.query_params.to_dict()
    state = viewstate.parse({k: v for k, v in params.items() if k != "region"}, layer_keys(data), basemaps)
    region = regions.resolve_choice(data.catalog, params.get("region"))
    if params.get("region") is not None and region is None:
        state.ignored.append(f"region={viewstate.shown(params['region'])}")
    ss = st.session_state
    ss.init = True
    ss.lang = state.lang
    ss.region = region.id if region else next(iter(choices))
    ss.basemap = state.basemap
    ss.ctx = ", ".join(state.context)
    for key in layer_keys(data):
        ss[f"layer::{key}"] = state.layers is None or key in state.layers
    ss.url_view = (state.center, state.zoom) if state.center else None
    ss.ignored = state.ignored
    ss.panel = None
    ss.selected_county = None
    if params.get("present") == "1":  # a presentation link reopens the same scene
        ss.present = True
        ss.presenter = params.get("presenter") == "1"
        ss.deck = params.get("deck")
        scene_no = str(params.get("scene", "1"))
        ss.scene_idx = int(scene_no) - 1 if scene_no.isdigit() and len(scene_no) < 4 else 0


def keep_layer_ticks(data: MapData) -> None:
    """Re-store every layer tick: Streamlit forgets the state of a widget that was not drawn in the
    last run, and the layer tree only draws the region's plans (this is what unticked everything)."""
    for key in layer_keys(data):
        k = f"layer::{key}"
        st.session_state[k] = bool(st.session_state.get(k, True))


def visible_layers(data: MapData) -> frozenset[str]:
    return frozenset(k for k in layer_keys(data) if st.session_state.get(f"layer::{k}"))


def write_url(data: MapData, context: tuple[str, ...]) -> None:
    """The canonical link of what is shown; lat/lon/z written by the map are kept."""
    ss = st.session_state
    state = viewstate.ViewState(
        lang=ss.lang, region=ss.region, layers=visible_layers(data), basemap=ss.basemap, context=context
    )
    params = viewstate.to_params(state, layer_keys(data))
    for k in ("lat", "lon", "z"):
        if k in st.query_params:
            params[k] = st.query_params[k]
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def current_view() -> tuple[tuple[float, float], int] | None:
    """The view the map last wrote into the URL (what a saved scene should show)."""
    view = viewstate.parse({k: st.query_params[k] for k in ("lat", "lon", "z") if k in st.query_params}, [], [])
    return (view.center, view.zoom) if view.center else None
