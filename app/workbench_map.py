"""The workbench's map: the plan's counties and layers, the item as edited, and the drawing tools.

What a click does follows the place form: with "click a point" it places the point (and adds
the county under it when the sentence names that county), with "draw" the drawing tools set the
outline or line (``all_drawings``), otherwise it adds or removes the county clicked. The
component's on-change callback stores these in the item's session keys before the script runs,
so the form shows them in the same run.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import data as cache
from app import map_component, state
from app import workbench_state as S
from app.map_ui import view_js
from app.workbench_item import Pending
from app.workbench_state import PlanContext
from geo_app.catalog_rules import plan_units
from geo_app.i18n import pick, t
from geo_app.web import assets, frames, groups, layers, topo
from geo_app.web.spec import MapSpec
from geo_app.web.workbench_map import editable_group, editable_shape, from_display, item_group, workbench_base
from geo_app.workbench import preview
from geo_app.workbench.document import CatalogDoc

MAP_KEY = "wb_map"
ITEM_SLOT, EDIT_SLOT, VIEW_SLOT = 95, 96, 97
MAP_CSS = "<style>.st-key-wb_mapbox iframe { height: calc(100vh - 330px) !important; min-height: 380px; }</style>"


@st.cache_resource(show_spinner=False, max_entries=4)
def _base(version: str, lang: str) -> map_component.MapParts:
    data = cache.get_data()
    sources = {layers.source_key(MapSpec(basemap=b)): topo.topology_url(data, d)
               for b, d in (("offline", "WGS84"), ("amap", "GCJ02"))}  # fmt: skip
    m = workbench_base(data, sources, lang)
    assets.localize_map(m, assets.STREAMLIT_BASE_URL)
    return map_component.render_base(m)


def _shape(drawings: list[dict], spec: MapSpec) -> dict[str, Any] | None:
    """The last outline or line drawn, in WGS84 (None when everything was deleted)."""
    for feat in reversed(drawings or []):
        geom = (feat or {}).get("geometry") or {}
        if geom.get("type") == "Polygon" and geom.get("coordinates"):
            ring = [list(from_display(x, y, spec)) for x, y, *_ in geom["coordinates"][0]]
            return {"type": "Polygon", "coordinates": [ring]}
        if geom.get("type") == "LineString" and len(geom.get("coordinates") or []) >= 2:
            return {"type": "LineString", "coordinates": [list(from_display(x, y, spec)) for x, y, *_ in
                                                          geom["coordinates"]]}  # fmt: skip
    return None


def _on_map() -> None:
    """A click or a drawing: into the item's session keys (see the module doc)."""
    ss = st.session_state
    ctx, value = ss.get("wb_map_ctx"), ss.get(MAP_KEY) or {}
    if not ctx:
        return
    place = ss.get(ctx["place"], "keep")
    if place == "draw":
        drawings = value.get("all_drawings")
        if drawings is not None and drawings != ss.get("wb_seen_drawings"):
            ss.wb_seen_drawings = drawings
            ss[ctx["shape"]] = _shape(drawings, ctx["spec"])
        return
    click = value.get("last_clicked")
    if not click or click == ss.get("wb_seen_click"):
        return
    ss.wb_seen_click = click
    lon, lat = from_display(click["lng"], click["lat"], ctx["spec"])
    county = preview.county_at(cache.get_data(), ctx["counties_all"], lon, lat)
    chosen = list(ss.get(ctx["counties"], []))
    units = plan_units(ctx["regions"])
    if place == "point":
        ss[ctx["pt"]] = (round(lon, 6), round(lat, 6))
        if county in units.counties and county not in chosen and units.named(county, ctx["quote"]):
            ss[ctx["counties"]] = [*chosen, county]
    elif county in units.counties:
        ss[ctx["counties"]] = [c for c in chosen if c != county] if county in chosen else [*chosen, county]


def _view(ctx: PlanContext, shape, plan_regions: tuple[int, ...], key: str) -> dict:
    """Fit the item (a point: zoom 11 around it), else the plan region."""
    if shape is not None and shape.geom_type == "Point":
        return {"key": key, "center": [round(shape.y, 5), round(shape.x, 5)], "zoom": 10}
    if shape is not None:
        x0, y0, x1, y1 = shape.bounds
        return {"key": key, "bounds": [[y0 - 0.05, x0 - 0.05], [y1 + 0.05, x1 + 0.05]]}
    if plan_regions:
        return {"key": key, "bounds": frames.bounds(ctx.data, plan_regions)}
    return {"key": key, "center": [35.0, 103.0], "zoom": 5}


def _groups(spec: MapSpec, known: bool) -> list[str]:
    """The app's cached groups of the plan (only the basemap when the plan is not loaded)."""
    if known:
        return cache.groups_js(spec, ())
    version = cache.data_version()
    return [cache.group_js(version, n, groups.reduced(spec, n)) for n in ("tiles", "orientation", "reference")]


def show(d: CatalogDoc, fid: str | None, pending: Pending | None, ctx: PlanContext, lang: str) -> None:
    """The map of the plan with the selected item as edited; clicks and drawings handled in ``_on_map``."""
    ss = st.session_state
    plan = d.plan_id
    known = plan in ctx.data.catalog.plans
    S.kept(st.toggle, "wb_others", False, lang, t("wb_show_others", lang), help=t("wb_show_others_help", lang))
    others = st.session_state.wb_others
    visible = frozenset(state.visible_layers(ctx.data) if others else ()) if known else None  # sidebar ticks
    spec = MapSpec(lang=lang, basemap=ss.get("basemap", "offline"), plans=(plan,), visible_layers=visible,
                   highlight=(fid,) if fid else ())  # fmt: skip
    place = ss.get(S.key("place", fid), "keep") if fid else "keep"
    feature = pending.feature if pending else {}
    shape = preview.preview(feature, ctx.data, ctx.counties).geometry if feature else None
    name = pick(feature.get("name_zh"), feature.get("name_en"), lang) if feature else ""
    counties = [int(c) for c in feature.get("counties") or [] if str(c).isdigit()]
    shown = None if place == "draw" and editable_shape(shape) is not None else shape  # drawn by the edit tool
    item_js = map_component.render_layer(item_group(shown, counties, name, spec), ITEM_SLOT)
    edit_js = map_component.render_layer(editable_group(shape if place == "draw" else None, spec), EDIT_SLOT)
    regions = tuple(ctx.data.catalog.plans[plan].regions) if known else ()
    view = view_js(_view(ctx, shape, regions, f"wb:{plan}:{fid}"), VIEW_SLOT)
    hint = {"point": "wb_map_point", "draw": "wb_map_draw"}.get(place, "wb_map_counties")
    st.caption(t(hint, lang))
    if fid:
        ss.wb_map_ctx = {"place": S.key("place", fid), "pt": S.slot("pt", fid), "shape": S.slot("shape", fid),
                         "counties": S.key("counties", fid), "counties_all": ctx.counties, "spec": spec,
                         "regions": tuple(int(r) for r in d.header.get("regions") or [] if str(r).isdigit()),
                         "quote": str(feature.get("quote") or "")}  # fmt: skip
    st.markdown(MAP_CSS, unsafe_allow_html=True)
    returned = ["last_clicked", "all_drawings"]  # fixed when the map mounts: the callback reads the one in use
    with st.container(key="wb_mapbox"):
        map_component.show_map(_base(cache.data_version(), lang), [*_groups(spec, known), item_js, edit_js, view],
                               key=MAP_KEY, height=560, returned_objects=returned, on_change=_on_map)  # fmt: skip
