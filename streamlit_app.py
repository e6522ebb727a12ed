"""The planner's map: Streamlit + Folium, offline, Chinese by default.

A thin caller: widgets -> cached geo_app calls -> st_folium. All logic (geometry, styles,
popups, URL state, exports) lives in geo_app and is tested there.
"""

from __future__ import annotations

import re
from html import escape

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo_app import assets, boundaries, mapview, panel, search, viewstate
from geo_app.basemaps import available_basemaps, tianditu_key
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData, load_map_data
from geo_app.urlsync import UrlSync

st.set_page_config(page_title="规划产业布局图 · Plan layout map", page_icon="🗺️", layout="wide")
st.markdown(
    "<style>.block-container{padding-top:1.2rem;padding-bottom:0.5rem}</style>", unsafe_allow_html=True
)


# ----------------------------------------------------------------------------- helpers

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<])")


def md(text: str) -> str:
    """Plan text shown as literal text in Markdown (no accidental formatting)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def show_panel(p: panel.Panel, lang: str) -> None:
    """Lay out a side-panel Panel with Streamlit widgets."""
    if p.kind == "hint":
        st.info(p.title)
        return
    st.markdown(f"#### {md(p.title)}")
    st.caption(md(p.caption))
    for label, value in p.fields:
        st.markdown(f"**{md(label)}**：{md(value)}")
    if p.quote:
        st.markdown(f"**{md(t('quote', lang))}**")
        st.markdown("> " + md(p.quote))
    if p.kind == "county":
        st.markdown(f"**{md(t('items_in_county', lang))}（{len(p.items)}）**")
        if not p.items:
            st.info(t("no_items", lang))
        for it in p.items:
            share = f" · {t('share', lang)} {it.share:.0%}" if it.share is not None else ""
            with st.expander(f"{it.name}{share}"):
                st.caption(md(f"{it.category} · {it.source}"))
                st.markdown("> " + md(it.quote))


# ----------------------------------------------------------------------------- cached data


@st.cache_resource(show_spinner="正在加载规划图层… Loading plan layers…")
def get_data() -> MapData:
    return load_map_data(strict=False)


@st.cache_data(show_spinner=False, max_entries=32)
def get_context(queries: tuple[str, ...]) -> tuple[pd.DataFrame | None, list[str]]:
    """Boundaries of other regions for context, and an error message per unknown one."""
    frames, errors = [], []
    for q in queries:
        try:
            frames.append(boundaries.load_region(q))
        except LookupError as exc:
            errors.append(str(exc))
    if not frames:
        return None, errors
    return pd.concat(frames, ignore_index=True), errors


@st.cache_data(show_spinner=False, max_entries=16)
def get_search_index(lang: str) -> pd.DataFrame:
    return search.search_index(get_data(), lang)


try:
    DATA = get_data()
except Exception as exc:  # the app shows a message, never a traceback
    st.error(f"无法加载规划图层 / Could not load the plan layers: {exc}")
    st.stop()


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml: that is normal
        return {}


TK = tianditu_key(_secrets())
BASEMAP_IDS = [b.id for b in available_basemaps(TK)]
ALL_KEYS = mapview.layer_keys(DATA)


# ----------------------------------------------------------------------------- state from the URL (first run)

if "init" not in st.session_state:
    state = viewstate.parse(st.query_params.to_dict(), ALL_KEYS, BASEMAP_IDS)
    st.session_state.init = True
    st.session_state.lang = state.lang
    st.session_state.region = state.region
    st.session_state.basemap = state.basemap
    st.session_state.ctx = ", ".join(state.context)
    for key in ALL_KEYS:
        st.session_state[f"layer::{key}"] = state.layers is None or key in state.layers
    st.session_state.view = (state.center, state.zoom)
    st.session_state.ignored = state.ignored
    st.session_state.fly = None


def localized_select(label: str, options: list, state_key: str, fmt, lang: str, where=st) -> None:
    """A selectbox whose option labels follow the language: the widget key carries the language
    (Streamlit keeps a keyed widget's first labels), the chosen value lives in ``state_key``."""
    widget_key = f"{state_key}__{lang}"
    current = st.session_state.get(state_key, options[0])

    def copy() -> None:
        st.session_state[state_key] = st.session_state[widget_key]

    where.selectbox(label, options, index=options.index(current) if current in options else 0,
                    key=widget_key, format_func=fmt, on_change=copy)  # fmt: skip


def _set_all(value: bool) -> None:
    for key in ALL_KEYS:
        st.session_state[f"layer::{key}"] = value


# ----------------------------------------------------------------------------- sidebar

with st.sidebar:
    st.radio(t("language", "zh"), ["zh", "en"], key="lang", horizontal=True,
             format_func=lambda v: "中文" if v == "zh" else "English")  # fmt: skip
    lang = st.session_state.lang
    localized_select(t("region", lang), list(viewstate.REGIONS), "region", lambda v: t(f"region_{v}", lang), lang)
    localized_select(t("basemap", lang), BASEMAP_IDS, "basemap", lambda v: mapview.BASEMAPS[v].label(lang), lang)

    st.subheader(t("layers", lang))
    c1, c2 = st.columns(2)
    c1.button(t("show_all", lang), on_click=_set_all, args=(True,), use_container_width=True)
    c2.button(t("hide_all", lang), on_click=_set_all, args=(False,), use_container_width=True)
    counts = DATA.display_features.groupby(["plan", "category"]).size()
    plans_shown = DATA.catalog.plans if st.session_state.region == "both" else [st.session_state.region]
    for pid in plans_shown:
        plan = DATA.catalog.plans[pid]
        with st.expander(pick(plan.title_zh, plan.title_en, lang), expanded=True):
            for key in ALL_KEYS:
                kp, cat = key.split(":")
                if kp != pid:
                    continue
                c = DATA.catalog.categories[cat]
                label = f"{pick(c['label_zh'], c['label_en'], lang)} ({counts.get((kp, cat), 0)})"
                st.checkbox(label, key=f"layer::{key}")

    st.text_input(t("context", lang), key="ctx", placeholder=t("context_help", lang))

lang = st.session_state.lang
visible = frozenset(k for k in ALL_KEYS if st.session_state.get(f"layer::{k}"))
ctx_queries = tuple(q.strip() for q in st.session_state.ctx.replace("，", ",").split(",") if q.strip())
context, ctx_errors = get_context(ctx_queries) if ctx_queries else (None, [])

# ----------------------------------------------------------------------------- URL (shareable view)

center, zoom = st.session_state.view
state = viewstate.ViewState(lang=lang, region=st.session_state.region, layers=visible,
                            basemap=st.session_state.basemap, context=ctx_queries)  # fmt: skip
params = viewstate.to_params(state, ALL_KEYS)
# centre and zoom are written by the map itself (UrlSync) as the user pans; keep them
for k in ("lat", "lon", "z"):
    if k in st.query_params:
        params[k] = st.query_params[k]
if st.query_params.to_dict() != params:
    st.query_params.from_dict(params)

# ----------------------------------------------------------------------------- header and messages

st.markdown(
    f"#### {escape(t('app_title', lang))} · "
    f"<span style='font-size:0.8em;font-weight:400'>{escape(t('app_subtitle', lang))}</span>",
    unsafe_allow_html=True,
)
if st.session_state.ignored:
    st.warning(t("bad_url", lang) + "; ".join(st.session_state.ignored))
    st.session_state.ignored = []
for err in ctx_errors:
    st.warning(err)
if DATA.problems:
    with st.expander(t("catalog_problems", lang)):
        st.code("\n".join(str(p) for p in DATA.problems))

# ----------------------------------------------------------------------------- search

index = get_search_index(lang)
choice = st.selectbox(
    t("search", lang), options=[None, *index.index.tolist()], key=f"search__{lang}",
    format_func=lambda i: t("search_placeholder", lang) if i is None else index.loc[i, "label"],
)  # fmt: skip
fly_center, fly_zoom, highlight = None, None, ()
if choice is not None:
    hit = index.loc[choice]
    fly_center, fly_zoom = (hit.lat, hit.lon), int(hit.zoom)
    if hit.kind == "feature":
        highlight = (hit.ref,)

# ----------------------------------------------------------------------------- map + side panel

spec = mapview.MapSpec(lang=lang, basemap=st.session_state.basemap, visible_layers=visible, plans=state.plans(),
                       center=center, zoom=zoom, highlight=highlight, context=context, tianditu_key=TK)  # fmt: skip
base = mapview.base_map(DATA, spec)
UrlSync().add_to(base)
groups = list(mapview.plan_layers(DATA, spec).values())
assets.localize_map(base, assets.STREAMLIT_BASE_URL)
for group in groups:
    assets.localize_map(group, assets.STREAMLIT_BASE_URL)

col_map, col_panel = st.columns([3, 1.15])
with col_map:
    out = st_folium(
        base, key="map", height=720, use_container_width=True, feature_group_to_add=groups,
        center=fly_center, zoom=fly_zoom, returned_objects=["last_active_drawing"],
    )  # fmt: skip

with col_panel:
    show_panel(panel.panel_for_click(DATA, (out or {}).get("last_active_drawing"), lang), lang)

st.caption(t("source_note", lang))
