"""The side panel: what a click found (county first), a county's table, an item's details,
a region's list of region-wide items, and the legend. Content comes from geo_app.panel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo_app import panel
from geo_app.escaping import html_text, plain_markdown
from geo_app.i18n import t
from geo_app.identify import Identified
from geo_app.mapdata import MapData

QUOTE_CSS = """<style>
.pm-q { border-left: 4px solid #882255; background: #f7f4f6; color: #111; padding: 6px 10px; margin: 4px 0 8px 0;
  font-size: 15px; line-height: 1.6; }
.pm-k { color: #333; font-weight: 600; }
</style>"""


def _open(kind: str, ref: str) -> None:
    st.session_state.panel = {**(st.session_state.panel or {}), "open": (kind, ref)}


def show_identify(data: MapData, hit: Identified, lang: str) -> None:
    """The identify list: every entry a button that opens it below."""
    entries = panel.identify_entries(data, hit, lang)
    if not entries:
        st.info(t("nothing_here", lang))
        return
    st.markdown(f"**{plain_markdown(t('identify_title', lang))}**")
    for i, e in enumerate(entries):
        label = f"{e.label}  —  {e.sub}"
        st.button(
            label,
            key=f"id::{i}::{e.ref}",
            on_click=_open,
            args=(e.kind, e.ref),
            use_container_width=True,
            type="primary" if e.kind == "county" else "secondary",
        )


def _table(df: pd.DataFrame, lang: str, key: str, share: bool) -> None:
    """One group of the county table: name and category (the share for zones, the plan when several
    plans are listed), sortable; a row click opens the item with its section, place and quote."""
    cols = {"name": t("col_name", lang), "category": t("category", lang)}
    if "plan" in df and df["plan"].nunique() > 1:
        cols["plan"] = t("plan", lang)
    show = df[list(cols)].rename(columns=cols)
    if share:
        show.insert(1, t("share", lang), df["share"].map(lambda v: f"{v:.0%}" if pd.notna(v) else ""))
    event = st.dataframe(
        show,
        hide_index=True,
        use_container_width=True,
        on_select="rerun",
        selection_mode="single-row",
        key=key,
        height=min(38 + 35 * len(show), 330),
    )
    rows = event.selection.rows if event and event.selection else []
    if rows:
        _open("item", df.iloc[rows[0]]["feature_id"])


def show_county(data: MapData, adcode: int, lang: str, plans: tuple[str, ...] | None) -> None:
    """A county's items: named in the plan, inside a zone (share), region-wide (folded); CSV download."""
    title, caption = panel.county_title(data, adcode, lang)
    st.markdown(f"#### {plain_markdown(title)}")
    st.caption(plain_markdown(caption))
    table = panel.county_table(data, adcode, lang, plans)
    c1, c2 = st.columns(2)
    cats = c1.multiselect(
        t("category", lang), sorted(set(table.category)), key=f"cf::{adcode}", placeholder=t("all_categories", lang)
    )
    plan_names = sorted(set(table.plan))
    sel_plans = c2.multiselect(t("plan", lang), plan_names, key=f"pf::{adcode}", placeholder=t("all_plans", lang))
    if cats:
        table = table[table.category.isin(cats)]
    if sel_plans:
        table = table[table.plan.isin(sel_plans)]
    for group in ("named", "inside"):
        part = table[table.group == group]
        st.markdown(f"**{plain_markdown(t(f'link_{group}', lang))}（{len(part)}）**")
        if len(part):
            _table(part, lang, f"tbl::{adcode}::{group}", share=group == "inside")
        else:
            st.caption(t("none", lang))
    wide = table[table.group == "region_wide"]
    with st.expander(f"{t('link_region_wide', lang)}（{len(wide)}）", expanded=False):
        if len(wide):
            _table(wide, lang, f"tbl::{adcode}::wide", share=False)
    csv = table.drop(columns=["feature_id"]).to_csv(index=False).encode("utf-8-sig")
    st.download_button(
        t("download_table", lang),
        csv,
        file_name=f"county_{adcode}_items.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"dl::{adcode}",
    )


def show_item(data: MapData, feature_id: str, lang: str) -> None:
    """An item's details and its verbatim quote (legible, dark on light)."""
    d = panel.feature_details(data, feature_id, lang)
    st.markdown(f"#### {plain_markdown(d.title)}")
    st.caption(plain_markdown(d.caption))
    lines = "".join(
        f"<div><span class='pm-k'>{html_text(r.label)}：</span>{html_text(r.value)}</div>"
        if lang == "zh"
        else f"<div><span class='pm-k'>{html_text(r.label)}:</span> {html_text(r.value)}</div>"
        for r in d.rows
    )
    st.markdown(QUOTE_CSS + lines, unsafe_allow_html=True)
    st.markdown(f"**{plain_markdown(t('quote', lang))}**")
    st.markdown(f"<div class='pm-q'>{html_text(d.quote)}</div>", unsafe_allow_html=True)
    for rid, name in d.related:
        st.button(f"↔ {name}", key=f"rel::{feature_id}::{rid}", on_click=_open, args=("item", rid))


def show_region(data: MapData, plan: str, lang: str, visible: set[str]) -> None:
    """A region's badge: the region-wide items, listed (they have no shape of their own)."""
    title, table = panel.region_items(data, plan, lang, visible)
    st.markdown(f"#### {plain_markdown(title)}（{len(table)}）")
    st.caption(t("region_wide_note", lang))
    _table(table, lang, f"tbl::region::{plan}", share=False)


def render(data: MapData, lang: str, plans: tuple[str, ...], visible: frozenset[str]) -> None:
    """The panel for the current state: identify list, then what is open; the legend below."""
    from app.data import legend_html
    from geo_app.web.legend import LEGEND_CSS
    from geo_app.web.spec import MapSpec

    state = st.session_state.panel or {}
    hit = state.get("identify")
    if hit:
        show_identify(data, Identified(hit["lon"], hit["lat"], hit["county"], list(hit["items"])), lang)
    opened = state.get("open")
    if state.get("region") and (not opened or opened[0] != "item"):
        show_region(data, state["region"], lang, set(visible))
    elif opened and opened[0] == "county":
        show_county(data, int(opened[1]), lang, plans)
    elif opened and opened[0] == "item" and opened[1] in set(data.features["id"]):
        if state.get("region"):
            st.button(f"← {t('back', lang)}", key="back_region", on_click=_back_region)
        show_item(data, opened[1], lang)
    elif not hit:
        st.info(t("click_hint", lang))
    spec = MapSpec(lang=lang, plans=plans, visible_layers=visible)
    with st.expander(t("legend", lang), expanded=not state):
        st.markdown(f"<style>{LEGEND_CSS}</style>{legend_html(spec)}", unsafe_allow_html=True)


def _back_region() -> None:
    st.session_state.panel = {"region": st.session_state.panel["region"]}
