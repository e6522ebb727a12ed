"""The sidebar: language, presentation mode, region, basemap, the layer tree, context regions, tools."""

from __future__ import annotations

import streamlit as st

from app import localize
from geo_app import regions
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData
from geo_app.web.basemaps import BASEMAPS
from geo_app.web.layers import layer_keys


def localized_select(label: str, options: list, state_key: str, fmt, lang: str, on_change=None) -> None:
    """A selectbox whose option labels follow the language: the widget key carries the language
    (Streamlit keeps a keyed widget's first labels), the chosen value lives in ``state_key``."""
    widget_key = f"{state_key}__{lang}"
    current = st.session_state.get(state_key, options[0])

    def copy() -> None:
        st.session_state[state_key] = st.session_state[widget_key]
        if on_change:
            on_change()

    st.selectbox(
        label,
        options,
        index=options.index(current) if current in options else 0,
        key=widget_key,
        format_func=fmt,
        on_change=copy,
        placeholder=t("choose", lang),
    )


def _region_changed() -> None:
    """A new region frames itself: the view from the link belonged to the old one."""
    st.session_state.url_view = None
    st.session_state.panel = None
    st.session_state.selected_county = None


def _set_all(keys: list[str], value: bool) -> None:
    for key in keys:
        st.session_state[f"layer::{key}"] = value


def layer_tree(data: MapData, lang: str, plans: tuple[str, ...]) -> None:
    """Per plan of the region: its categories with counts (layers of other plans keep their ticks)."""
    keys = [k for k in layer_keys(data) if k.split(":")[0] in plans]
    c1, c2 = st.columns(2)
    c1.button(t("show_all", lang), on_click=_set_all, args=(keys, True), use_container_width=True)
    c2.button(t("hide_all", lang), on_click=_set_all, args=(keys, False), use_container_width=True)
    counts = data.features.groupby(["plan", "category"]).size()
    wide = data.features[data.features.region_wide].groupby(["plan", "category"]).size()
    for pid in plans:
        plan = data.catalog.plans[pid]
        with st.expander(plan.title(lang), expanded=len(plans) < 3):
            for key in keys:
                kp, cat = key.split(":")
                if kp != pid:
                    continue
                c = data.catalog.categories[cat]
                n, w = counts.get((kp, cat), 0), wide.get((kp, cat), 0)
                extra = f" · {t('of_which_wide', lang).format(n=w)}" if w else ""
                st.checkbox(f"{pick(c['label_zh'], c['label_en'], lang)} ({n}{extra})", key=f"layer::{key}")


def render(data: MapData, basemaps: list[str], ctx_dropped: list[str]):
    """Draw the sidebar (its values are already in session state); returns a container for the tools."""
    choices = regions.region_choices(data.catalog)
    with st.sidebar:
        st.radio(
            t("language", "zh"),
            ["zh", "en"],
            key="lang",
            horizontal=True,
            format_func=lambda v: "中文" if v == "zh" else "English",
        )
        lang = st.session_state.lang
        st.toggle(t("present", lang), key="present")
        st.toggle(t("workbench", lang), key="workbench")
        localized_select(
            t("region", lang),
            list(choices),
            "region",
            lambda v: choices[v].label(lang),
            lang,
            on_change=_region_changed,
        )
        localized_select(t("basemap", lang), basemaps, "basemap", lambda v: BASEMAPS[v].label(lang), lang)
        st.subheader(t("layers", lang))
        layer_tree(data, lang, choices[st.session_state.region].plans)
        st.text_input(t("context", lang), key="ctx", placeholder=t("context_help", lang))
        if ctx_dropped:
            st.caption(t("ctx_dropped", lang).format(n=len(ctx_dropped)))
        tools = st.container()
        localize.fixed_texts(lang)  # Streamlit's own "No results" in the UI language
        return tools
