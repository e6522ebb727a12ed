"""The workbench's list of items and the form of the selected one: name, category, status, counties,
place, merge, reject; accept and save. The form only collects edits (``geo_app.workbench.edits``);
``workbench_state.commit`` saves them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from app import workbench_state as S
from app.workbench_state import PlanContext
from geo_app.escaping import plain_markdown
from geo_app.i18n import pick, t
from geo_app.workbench import edits
from geo_app.workbench.document import CatalogDoc

FILTERS = ("draft", "reviewed", "all")
STATUSES = ("", "existing", "to_build", "to_upgrade")  # "": not stated (None would read as no choice)
PLACES = ("keep", "point", "town", "draw", "zone", "named_area", "region_wide")


@dataclass
class Pending:
    """What the form holds for the item: its edits, what is still missing, the item as edited."""

    edits: list[Any] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    feature: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- the list


def _reviewed(f: dict) -> bool:
    return f.get("review") == "reviewed"


def _match(f: dict, filt: str, cats: list[str]) -> bool:
    ok = filt == "all" or (filt == "reviewed") == _reviewed(f)
    return ok and (not cats or f.get("category") in cats)


def _select(fid: str) -> None:
    st.session_state.wb_sel = fid


def next_draft(d: CatalogDoc, after: str | None) -> str | None:
    """The next item to review after ``after`` (wrapping round), or None when all are reviewed."""
    ids = d.ids()
    start = ids.index(after) + 1 if after in ids else 0
    order = ids[start:] + ids[:start]
    return next((i for i in order if i != after and not _reviewed(d.feature(i) or {})), None)


def _table(d: CatalogDoc, rows: list[dict], sel: str | None, ctx: PlanContext, lang: str) -> None:
    """The items as a table; choosing a row selects the item."""
    df = pd.DataFrame({
        " ": ["▶" if f.get("id") == sel else "" for f in rows],
        t("wb_col_name", lang): [pick(f.get("name_zh"), f.get("name_en"), lang) for f in rows],
        t("category", lang): [ctx.category_label(f.get("category"), lang) for f in rows],
        t("wb_col_place", lang): [ctx.location_label(f.get("location"), lang) for f in rows],
    })  # fmt: skip
    if st.session_state.wb_filter == "all":
        df.insert(1, t("wb_col_review", lang), [t("wb_reviewed" if _reviewed(f) else "wb_draft", lang) for f in rows])
    key = f"wb_table::{d.version}::{st.session_state.wb_filter}::{','.join(st.session_state.wb_cats)}::{lang}"
    widths = {
        " ": st.column_config.TextColumn(width=28),
        t("wb_col_name", lang): st.column_config.TextColumn(width=170),
    }
    event = st.dataframe(df, hide_index=True, on_select="rerun", selection_mode="single-row", key=key,
                         height=min(38 + 35 * len(rows), 245), width="stretch", column_config=widths)  # fmt: skip
    picked = tuple(event.selection.rows) if event and event.selection else ()
    if picked and st.session_state.get("wb_table_seen") != (key, picked):
        st.session_state.wb_table_seen = (key, picked)
        st.session_state.wb_sel = rows[picked[0]]["id"]
        st.rerun()


def item_list(d: CatalogDoc, ctx: PlanContext, lang: str) -> str | None:
    """Progress, filters, the table and previous/next; returns the selected item's id."""
    feats = list(d.features)
    done = sum(_reviewed(f) for f in feats)
    st.progress(done / max(len(feats), 1), text=t("wb_progress", lang).format(done=done, total=len(feats)))
    c1, c2 = st.columns([1.5, 1])
    with c1:
        S.kept(st.radio, "wb_filter", "draft", lang, t("wb_filter", lang), FILTERS, horizontal=True,
              label_visibility="collapsed", format_func=lambda v: t(f"wb_filter_{v}", lang))  # fmt: skip
    cats = sorted({str(f.get("category")) for f in feats})
    with c2:
        S.kept(st.multiselect, "wb_cats", [], lang, t("wb_filter_category", lang), cats,
              placeholder=t("wb_all_categories", lang), format_func=lambda c: ctx.category_label(c, lang),
              label_visibility="collapsed")  # fmt: skip
    rows = [f for f in feats if _match(f, st.session_state.wb_filter, st.session_state.wb_cats)]
    sel = st.session_state.get("wb_sel")
    if sel not in d.ids():
        sel = rows[0]["id"] if rows else (feats[0]["id"] if feats else None)
        st.session_state.wb_sel = sel
    if rows:
        _table(d, rows, sel, ctx, lang)
    else:
        st.caption(t("wb_all_done" if done == len(feats) else "wb_none_match", lang))
    ids = [f["id"] for f in rows]
    b1, b2 = st.columns(2)
    prev = ids[ids.index(sel) - 1] if sel in ids and ids.index(sel) > 0 else None
    b1.button(t("wb_prev", lang), key="wb_prev", on_click=_select, args=(prev,), disabled=prev is None,
              width="stretch")  # fmt: skip
    nxt = next_draft(d, sel)
    b2.button(t("wb_next_draft", lang), key="wb_next", on_click=_select, args=(nxt,), disabled=nxt is None,
              width="stretch")  # fmt: skip
    return sel


# ----------------------------------------------------------------------------- the form


def _value(f: dict, name: str) -> Any:
    v = f.get(name)
    return "" if v is None else v


def _details(f: dict, fid: str, ctx: PlanContext, lang: str) -> list[Any]:
    """Name, category, status, counties, notes; the edits they make."""
    k = lambda n: S.key(n, fid)  # noqa: E731
    for name in ("name_zh", "name_en", "category", "status", "note_zh", "note_en"):
        S.init(k(name), _value(f, name))
    S.init(k("counties"), [int(c) for c in f.get("counties") or [] if str(c).isdigit()])
    c1, c2 = st.columns(2)
    c1.text_input(t("wb_name_zh", lang), key=k("name_zh"))
    c2.text_input(t("wb_name_en", lang), key=k("name_en"))
    cats = list(dict.fromkeys([*ctx.categories, str(f.get("category"))]))
    c1.selectbox(t("category", lang), cats, key=k("category"), format_func=lambda c: ctx.category_label(c, lang),
                 placeholder=t("choose", lang))  # fmt: skip
    c2.selectbox(t("wb_status", lang), STATUSES, key=k("status"), placeholder=t("choose", lang),
                 format_func=lambda v: t(f"status_{v}", lang) if v else t("wb_status_none", lang))  # fmt: skip
    options = list(dict.fromkeys([*ctx.units.counties, *ctx.units.prefectures, *st.session_state[k("counties")]]))
    st.multiselect(t("wb_counties", lang), options, key=k("counties"), help=t("wb_counties_help", lang),
                   format_func=lambda c: ctx.unit_name(c), placeholder="—")  # fmt: skip
    unnamed = [ctx.unit_name(c) for c in st.session_state[k("counties")] if not ctx.units.named(c, f.get("quote", ""))]
    if unnamed:
        st.warning(t("wb_not_named", lang).format(names="、".join(unnamed)))
    n1, n2 = st.columns(2)
    n1.text_area(t("wb_note_zh", lang), key=k("note_zh"), height=68)
    n2.text_area(t("wb_note_en", lang), key=k("note_en"), height=68)
    return _field_edits(f, fid)


def _field_edits(f: dict, fid: str) -> list[Any]:
    ss = st.session_state
    values = {n: ss[S.key(n, fid)] for n in ("name_zh", "name_en", "category", "status", "note_zh", "note_en")}
    changed = {n: v for n, v in values.items() if (v or None) != (f.get(n) or None)}
    out: list[Any] = [edits.set_fields(fid, **changed)] if changed else []
    counties = [int(c) for c in ss[S.key("counties", fid)]]
    if counties != [int(c) for c in f.get("counties") or [] if str(c).isdigit()]:
        out.append(edits.SetCounties(fid, tuple(counties)))
    return out


def item_header(f: dict, ctx: PlanContext, lang: str) -> None:
    name = pick(f.get("name_zh"), f.get("name_en"), lang)
    state = t("wb_reviewed" if _reviewed(f) else "wb_draft", lang)
    st.markdown(f"#### {plain_markdown(name)}")
    st.caption(plain_markdown(f"{state} · {ctx.category_label(f.get('category'), lang)} · {f.get('id')}"))


def item_panel(d: CatalogDoc, fid: str, ctx: PlanContext, lang: str) -> Pending:
    """The selected item's form in tabs, then why + accept/save; returns what the form holds."""
    from app import workbench_place

    f = d.feature(fid) or {}
    item_header(f, ctx, lang)
    tab_d, tab_p, tab_m = st.tabs([t("wb_tab_details", lang), t("wb_tab_place", lang), t("wb_tab_merge", lang)])
    with tab_d:
        pending = Pending(_details(f, fid, ctx, lang))
    with tab_p:
        place, missing = workbench_place.place_form(f, fid, ctx, lang)
    if place is not None:  # also when incomplete (no source yet): the map shows it; saving waits
        pending.edits.append(edits.SetPlace(fid, place))
    pending.missing = missing
    with tab_m:
        _merge_reject(d, f, fid, ctx, lang)
    pending.feature = _edited(f, pending.edits)
    _save_bar(d, fid, pending, lang)
    return pending


def _edited(f: dict, pending: list[Any]) -> dict:
    """The item with the form's edits applied (for the map), or as it is when they do not apply."""
    try:
        return edits.apply_all(pending, [f])[0]
    except (edits.EditError, IndexError):
        return f


def _merge_reject(d: CatalogDoc, f: dict, fid: str, ctx: PlanContext, lang: str) -> None:
    others = [i for i in d.ids() if i != fid]
    labels = {i: pick((d.feature(i) or {}).get("name_zh"), (d.feature(i) or {}).get("name_en"), lang) for i in others}
    other = st.selectbox(t("wb_merge_with", lang), [None, *others], key=S.key("merge_with", fid),
                         placeholder=t("choose", lang),
                         format_func=lambda i: "—" if i is None else f"{labels[i]}  ({i})")  # fmt: skip
    st.caption(t("wb_merge_help", lang))
    why = st.session_state.get(S.key("why", fid), "")
    merge = st.button(t("wb_merge", lang), key=S.key("merge", fid), disabled=other is None)
    if merge and S.commit(d, [edits.Merge(fid, other)], "merge", why, lang):
        st.rerun()
    st.divider()
    if st.button(t("wb_reject", lang), key=S.key("reject", fid)):
        nxt = next_draft(d, fid)
        if S.commit(d, [edits.Reject(fid)], "reject", why, lang):
            st.session_state.wb_sel = nxt
            st.rerun()
    st.caption(t("wb_reject_help", lang))


def _save_bar(d: CatalogDoc, fid: str, pending: Pending, lang: str) -> None:
    """Why, then accept-and-save (marks it reviewed) or save the changes only."""
    why = st.text_input(t("wb_why", lang), key=S.key("why", fid), placeholder=t("wb_why_placeholder", lang))
    b1, b2 = st.columns(2)
    accept = b1.button(t("wb_accept_save", lang), key=S.key("accept", fid), type="primary", width="stretch")
    save = b2.button(t("wb_save", lang), key=S.key("save", fid), width="stretch")
    if not (accept or save):
        return
    if pending.missing:
        for m in pending.missing:
            st.error(m)
        return
    todo = [*pending.edits, edits.Accept(fid)] if accept else list(pending.edits)
    if not todo:
        st.info(t("wb_nothing", lang))
        return
    action = "accept" if accept and not pending.edits else (todo[0].action if len(todo) == 1 else "edit")
    if S.commit(d, todo, action, why, lang):
        if accept and st.session_state.get("wb_filter") == "draft":
            st.session_state.wb_sel = next_draft(S.doc(), fid) or fid
        st.rerun()
