"""The map column: one map per frame (regions far apart side by side), clicks turned into panel state."""

from __future__ import annotations

import json
from dataclasses import replace

import streamlit as st

from app import data as cache
from app import map_component
from geo_app.identify import identify
from geo_app.web import frames
from geo_app.web.elements import PMCall
from geo_app.web.spec import MapSpec

RETURNED = ["last_clicked", "last_object_clicked", "last_active_drawing"]

MAP_CSS = """<style>
.st-key-pm_maps iframe[title="streamlit_folium.st_folium"] { height: calc(100vh - %(offset)dpx) !important;
  min-height: 420px; }
</style>"""


def view_js(view: dict, slot: int) -> str:
    """The view group: sets the view when its key changes (region switch, search), not on toggles."""
    import folium

    fg = folium.FeatureGroup(name="view", control=False)
    PMCall("view", view).add_to(fg)
    if view.get("present"):  # on the projector a click opens its details on the map (no side panel)
        PMCall("identify", {"title": view.get("identify_title", "")}).add_to(fg)
    return map_component.render_layer(fg, slot=slot)


def _event(value: dict | None, key: str) -> dict | None:
    """The click of this run, or None when the map only re-reported an old one."""
    if not value:
        return None
    sig = json.dumps([value.get("last_clicked"), value.get("last_object_clicked")], sort_keys=True)
    old = st.session_state.get(f"sig::{key}")
    st.session_state[f"sig::{key}"] = sig
    if old is None and st.session_state.get(f"seen::{key}") is None:
        st.session_state[f"seen::{key}"] = True
        return None  # the component's first report is not a click
    return value if sig != old else None


def _same(a: dict | None, b: list | None) -> bool:
    if not a or not b:
        return False
    return abs(a["lat"] - b[1]) < 1e-6 and abs(a["lng"] - b[0]) < 1e-6


def handle_click(value: dict, spec: MapSpec, visible: set[str]) -> None:
    """Turn a map click into panel state: a badge's list, a marker's item, or identify at the point."""
    data = cache.get_data()
    obj, drawn = value.get("last_object_clicked"), value.get("last_active_drawing") or {}
    props = drawn.get("properties") or {}
    coords = (drawn.get("geometry") or {}).get("coordinates")
    if props.get("kind") == "badge" and _same(obj, coords):
        st.session_state.panel = {"region": props["badge"]}
        return
    point = obj if obj and (props.get("kind") == "item" and _same(obj, coords)) else (value.get("last_clicked") or obj)
    if not point:
        return
    hit = identify(data, point["lng"], point["lat"], spec.plans, visible, tolerance_deg=0.015)
    if props.get("kind") == "item" and _same(obj, coords) and props.get("id") not in hit.items:
        hit.items.insert(0, props["id"])
    st.session_state.selected_county = hit.county
    panel = {"identify": {"lon": point["lng"], "lat": point["lat"], "county": hit.county, "items": hit.items}}
    if props.get("kind") == "item" and _same(obj, coords):
        panel["open"] = ("item", props["id"])
    elif hit.county is not None:
        panel["open"] = ("county", str(hit.county))
    st.session_state.panel = panel


def show_maps(spec: MapSpec, ctx: tuple[int, ...], view_key: str, fly: dict | None, url_view, top_offset: int) -> None:
    """Draw the map(s) of ``spec``; clicks update ``st.session_state.panel``."""
    data = cache.get_data()
    plans = spec.plans or tuple(data.catalog.plans)
    regions = spec.frame or tuple(dict.fromkeys(a for p in plans for a in data.catalog.plans[p].regions))
    parts = frames.frames(data, regions)
    st.markdown(MAP_CSS % {"offset": top_offset}, unsafe_allow_html=True)
    base = cache.base_parts()
    groups = cache.groups_js(spec, ctx)
    visible = set(spec.visible_layers or [])
    with st.container(key="pm_maps"):
        # columns also for one frame: the first map keeps its place in the page (and its iframe)
        # when a region switch goes from two frames to one, so it updates instead of re-mounting
        cols = st.columns(frames.frame_weights(data, parts) if len(parts) > 1 else [1], gap="small")
        fly_frame = frames.frame_holding(data, parts, *fly["center"]) if fly else None
        url_frame = frames.frame_holding(data, parts, *url_view[0]) if url_view else None
        for i, (col, frame) in enumerate(zip(cols, parts, strict=True)):
            if fly and frame == fly_frame:
                view = {"key": f"fly:{fly['key']}", "center": fly["center"], "zoom": fly["zoom"]}
            elif url_view and frame == url_frame:
                view = {"key": f"url:{view_key}", "center": list(url_view[0]), "zoom": url_view[1]}
            else:
                view = {"key": f"fit:{view_key}:{frame}", "bounds": frames.bounds(data, frame)}
            key = f"map{i}"
            with col:
                value = map_component.show_map(
                    base, [*groups, view_js(view, 93)], key=key, height=700, returned_objects=RETURNED
                )
            event = _event(value, key)
            if event:
                handle_click(event, replace(spec), visible)
                st.rerun()  # draw the clicked county's outline and the panel from the new state
