"""The workbench's place form: keep, a clicked point, a town, a drawn outline or line, a zone rule,
the whole counties, or region-wide. Map clicks and drawings arrive through ``workbench_map``
(they fill the session keys ``pt`` and ``shape`` of the item); this form turns them into a
``edits.Place``."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import workbench_state as S
from app.workbench_state import PlanContext
from geo_app.escaping import plain_markdown
from geo_app.i18n import t
from geo_app.workbench import edits

PLACES = ("keep", "point", "town", "draw", "zone", "named_area", "region_wide")


def describe(f: dict, ctx: PlanContext, lang: str) -> str:
    """The item's place in words: kind, then the town, coordinates, rule or vertex count."""
    geom = f.get("geometry") if isinstance(f.get("geometry"), dict) else {}
    kind = ctx.location_label(f.get("location"), lang)
    if "at" in geom:
        detail = ctx.town_label(str(geom["at"]), lang)
    elif geom.get("recipe") == "point" and isinstance(geom.get("lonlat"), list):
        detail = f"{geom['lonlat'][0]:.5f}, {geom['lonlat'][1]:.5f}"
    elif geom.get("recipe") == "zone":
        detail = f"{'、'.join(map(str, geom.get('near') or []))} ± {geom.get('buffer_km')} km"
    elif isinstance(geom.get("lonlat"), list):
        detail = t("wb_drawn", lang).format(kind=t(f"wb_drawn_{'line' if geom['recipe'] == 'line' else 'polygon'}",
                                                   lang), n=len(geom["lonlat"]))  # fmt: skip
    else:
        detail = ""
    return f"{kind}" + (f" · {detail}" if detail else "")


def place_form(f: dict, fid: str, ctx: PlanContext, lang: str) -> tuple[edits.Place | None, list[str]]:
    """The place choice and its inputs; returns (the new place or None, what is still missing)."""
    k = lambda n: S.key(n, fid)  # noqa: E731
    st.caption(plain_markdown(t("wb_place_now", lang).format(place=describe(f, ctx, lang))))
    S.init(k("place"), "keep")
    choice = st.radio(t("wb_place_how", lang), PLACES, key=k("place"), format_func=lambda p: t(f"wb_place_{p}", lang))
    form = {"point": _point, "town": _town, "draw": _draw, "zone": _zone, "named_area": _named_area}.get(choice)
    if choice == "region_wide":
        st.caption(t("wb_region_wide_help", lang))
        return edits.region_wide(), []
    if form is None:
        return None, []
    return form(f, fid, ctx, lang)


def _source(fid: str, lang: str, required: bool = True) -> str:
    label = t("wb_source" if required else "wb_source_optional", lang)
    return st.text_input(label, key=S.key("source", fid), placeholder=t("wb_source_placeholder", lang)).strip()


def _point(f: dict, fid: str, ctx: PlanContext, lang: str) -> tuple[edits.Place | None, list[str]]:
    st.info(t("wb_point_help", lang))
    pt = st.session_state.get(S.slot("pt", fid))
    if pt:
        st.caption(t("wb_point_at", lang).format(lon=f"{pt[0]:.5f}", lat=f"{pt[1]:.5f}"))
    S.init(S.key("pt_kind", fid), "site" if f.get("location") == "stand_in" else "stand_in")
    kind = st.radio(t("wb_point_kind", lang), ("site", "stand_in"), key=S.key("pt_kind", fid), horizontal=True,
                    format_func=lambda v: t(f"wb_point_{v}", lang))  # fmt: skip
    note = _source(fid, lang)
    if not pt:
        return None, [t("wb_point_missing", lang)]
    place = edits.point(pt[0], pt[1], kind, note if lang == "zh" else "", note if lang == "en" else "")
    return place, [] if note else [t("wb_source_missing", lang)]  # shown on the map, saved with a source


def _town(f: dict, fid: str, ctx: PlanContext, lang: str) -> tuple[edits.Place | None, list[str]]:
    if ctx.towns.empty:
        st.warning(t("wb_no_towns", lang))
        return None, [t("wb_no_towns", lang)]
    ids = list(ctx.towns.index)
    current = (f.get("geometry") or {}).get("at")
    S.init(S.key("town", fid), current if current in ids else ids[0])
    town_id = st.selectbox(
        t("wb_town", lang),
        ids,
        key=S.key("town", fid),
        format_func=lambda i: ctx.town_label(i, lang),
        placeholder=t("choose", lang),
    )
    note = _source(fid, lang, required=False)
    row = ctx.towns.loc[town_id]
    place = edits.town(str(town_id), str(row.name_zh), str(row.name_en or row.name_zh),
                       note if lang == "zh" else "", note if lang == "en" else "")  # fmt: skip
    return place, []


def _draw(f: dict, fid: str, ctx: PlanContext, lang: str) -> tuple[edits.Place | None, list[str]]:
    st.info(t("wb_draw_help", lang))
    shape: dict[str, Any] | None = st.session_state.get(S.slot("shape", fid))
    if shape:
        kind = "line" if shape["type"] == "LineString" else "polygon"
        n = len(shape["coordinates"] if kind == "line" else shape["coordinates"][0])
        st.caption(t("wb_drawn", lang).format(kind=t(f"wb_drawn_{kind}", lang), n=n))
    clip = st.checkbox(t("wb_clip", lang), key=S.key("clip", fid), disabled=not (shape and shape["type"] == "Polygon"))
    note = _source(fid, lang)
    if not shape:
        return None, [t("wb_draw_missing", lang)]
    nz, ne = (note, "") if lang == "zh" else ("", note)
    if shape["type"] == "LineString":
        place = edits.line(shape["coordinates"], nz, ne)
    else:
        place = edits.outline(shape["coordinates"][0], nz, ne, clip=clip)
    return place, [] if note else [t("wb_source_missing", lang)]


def _zone(f: dict, fid: str, ctx: PlanContext, lang: str) -> tuple[edits.Place | None, list[str]]:
    geom = f.get("geometry") if f.get("location") == "zone" else None
    geom = geom if isinstance(geom, dict) else {}
    ids = list(ctx.rules.index)
    S.init(S.key("near", fid), [r for r in geom.get("near") or [] if r in ids])
    S.init(S.key("km", fid), float(geom.get("buffer_km") or 10))
    S.init(S.key("width", fid), geom.get("width") or "assumed")
    near = st.multiselect(t("wb_zone_near", lang), ids, key=S.key("near", fid), placeholder=t("choose", lang),
                          format_func=lambda i: ctx.rule_label(i, lang))  # fmt: skip
    c1, c2 = st.columns(2)
    km = c1.number_input(t("wb_zone_km", lang), min_value=0.5, max_value=100.0, step=0.5, key=S.key("km", fid))
    width = c2.radio(t("wb_zone_width", lang), ("assumed", "stated"), key=S.key("width", fid), horizontal=True,
                     format_func=lambda w: t(f"wb_width_{w}", lang))  # fmt: skip
    note = _source(fid, lang, required=False)
    if not near:
        return None, [t("wb_zone_missing", lang)]
    names_zh = "、".join(ctx.rule_label(i, "zh") for i in near)
    names_en = ", ".join(ctx.rule_label(i, "en") for i in near)
    return edits.zone(
        near, km, width, names_zh, names_en, note if lang == "zh" else "", note if lang == "en" else ""
    ), []


def _named_area(f: dict, fid: str, ctx: PlanContext, lang: str) -> tuple[edits.Place | None, list[str]]:
    st.caption(t("wb_named_area_help", lang))
    note = _source(fid, lang, required=False)
    if not st.session_state.get(S.key("counties", fid)):
        return None, [t("wb_need_counties", lang)]
    return edits.named_area(note if lang == "zh" else "", note if lang == "en" else ""), []
