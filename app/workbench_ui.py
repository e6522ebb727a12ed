"""规划工作台 / Plan workbench: a plan's draft items beside the plan text and the map.

Opened from the sidebar. Top: the plan (or a new one from a document) and the reviewer's name.
Left: progress, the item table, the selected item's form (name and counties / place / merge and
reject) and accept-and-save; adding an item the draft missed. Right: the plan text around the
item's quote, highlighted; the map (clicks add counties or place the point, the toolbar draws
outlines); the change history with undo. Saving goes through ``workbench_state.commit``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app import data as cache
from app import workbench_item, workbench_map, workbench_tools
from app import workbench_state as S
from app.workbench_state import PlanContext
from geo_app import paths
from geo_app.catalog import load_styles, plan_text_file
from geo_app.escaping import html_text, plain_markdown
from geo_app.fileio import file_version
from geo_app.i18n import t
from geo_app.mapdata import MapData
from geo_app.workbench import plantext, preview
from geo_app.workbench.document import CatalogDoc, catalog_files, load_doc

CSS = """<style>
.wb-title { font-size: 1.35rem; font-weight: 700; line-height: 2.4rem; }
.st-key-wb_left { max-height: calc(100vh - 150px); overflow-y: auto; overflow-x: hidden; padding-right: 8px; }
.wb-text { background: #fbfaf7; border: 1px solid #ddd; border-radius: 6px; color: #1a1a1a;
  padding: 6px 12px; font-size: 15px; line-height: 1.7; max-height: 150px; overflow-y: auto; }
.wb-text mark { background: #ffe08a; padding: 1px 0; }
.wb-text mark b { color: #a0003c; }
.wb-hist { font-size: 0.85rem; line-height: 1.45; }
.wb-hist span { color: #444; }
</style>"""


@st.cache_data(show_spinner=False, max_entries=64)
def _label(path: str, version: str) -> str:
    try:
        head = load_doc(path).header
    except (ValueError, OSError):
        return Path(path).name
    return f"{head.get('title_zh') or head.get('id')}（{Path(path).name}）"


@st.cache_data(show_spinner=False, max_entries=8)
def _plan_text(path: str, version: str) -> str:
    return Path(path).read_text(encoding="utf-8", errors="replace")


@st.cache_resource(show_spinner=False, max_entries=8)
def _places(version: str, counties: tuple[int, ...]):
    data = cache.get_data()
    return preview.towns_in(data, list(counties)), preview.rule_features(data, list(counties))


def _context(d: CatalogDoc, data: MapData) -> PlanContext:
    units = preview.units(d.header)
    counties = data.plan_counties.get(d.plan_id) or list(units.counties)
    towns, rules = _places(cache.data_version(), tuple(counties))
    styles = load_styles(paths.layers_dir())
    path = plan_text_file(str(d.header.get("text") or ""), paths.layers_dir())
    text = _plan_text(str(path), file_version(path)) if path else None
    return PlanContext(data, units, list(counties), towns, rules, styles["categories"], styles.get("locations", {}),
                       text)  # fmt: skip


def _choose_plan(files: list[Path], lang: str) -> Path | None:
    names = [p.name for p in files]
    if st.session_state.get("wb_plan_next") in names:
        st.session_state.wb_plan = st.session_state.pop("wb_plan_next")
    if st.session_state.get("wb_plan") not in names:
        st.session_state.wb_plan = names[0]
    by_name = {p.name: p for p in files}
    st.selectbox(t("wb_plan", lang), names, key="wb_plan", placeholder=t("choose", lang),
                 format_func=lambda n: _label(str(by_name[n]), file_version(by_name[n])))  # fmt: skip
    return by_name[st.session_state.wb_plan]


def _who(lang: str) -> None:
    """The reviewer's name: typed once, kept for the session (also while the page is closed)."""
    S.init("wb_who", st.session_state.get("wb_name", ""))
    st.text_input(t("wb_who", lang), key="wb_who", placeholder=t("wb_who_placeholder", lang), max_chars=80,
                  on_change=lambda: st.session_state.update(wb_name=st.session_state.wb_who))  # fmt: skip
    st.session_state.wb_name = st.session_state.wb_who


def _current(path: Path, lang: str) -> CatalogDoc | None:
    d = S.doc()
    if d is None or d.path != path:
        st.session_state.pop("wb_conflict", None)
        d = S.load(path, lang)
    return d


def _conflict_box(d: CatalogDoc, lang: str) -> None:
    """A save found the file changed: show what changed; merge (when possible) or redo."""
    c = st.session_state.get("wb_conflict")
    if not c or c["err"].path != d.path:
        return
    err = c["err"]
    st.warning(plain_markdown(err.text(lang)) + " " + t("wb_conflict_mergeable" if err.mergeable else
                                                       "wb_conflict_redo", lang))  # fmt: skip
    b1, b2 = st.columns(2)
    merge = err.mergeable and b1.button(t("wb_conflict_merge", lang), key="wb_conflict_merge", type="primary")
    if merge and S.commit(err.current, c["edits"], c["action"], c["why"], lang):
        st.rerun()
    if b2.button(t("wb_conflict_discard", lang), key="wb_conflict_discard"):
        st.session_state.pop("wb_conflict", None)
        S.load(d.path, lang)
        st.rerun()


def _changed_on_disk(d: CatalogDoc, lang: str) -> None:
    if st.session_state.get("wb_conflict") or file_version(d.path) == d.version:
        return
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    c1.info(t("wb_changed_on_disk", lang).format(file=d.path.name))
    if c2.button(t("wb_reload", lang), key="wb_reload"):
        S.load(d.path, lang)
        st.rerun()


def quote_box(f: dict, ctx: PlanContext, lang: str) -> None:
    """The plan text around the item's quote: the quote marked, the item's name in it bold."""
    quote = str(f.get("quote") or "")
    st.markdown(f"**{plain_markdown(t('wb_quote_title', lang).format(section=f.get('section') or '—'))}**")
    if ctx.text is None:
        st.warning(t("wb_text_missing", lang).format(path="—"))
        return
    span = plantext.quote_span(ctx.text, quote)
    if span is None:
        st.warning(t("wb_quote_missing", lang).format(quote=plain_markdown(quote[:80])))
        return
    a = plantext.around(ctx.text, span)
    name = str(f.get("name_zh") or "")
    quote = plantext.plain(a.quote)
    marked = _html(quote)
    if name and name in quote:
        marked = f"<b>{html_text(name)}</b>".join(_html(p) for p in quote.split(name))
    body = f"{_html(plantext.plain(a.before))}<mark>{marked}</mark>{_html(plantext.plain(a.after))}"
    st.markdown(f"<div class='wb-text'>{body}</div>", unsafe_allow_html=True)


def _html(text: str) -> str:
    """Escaped text with its line breaks kept (one line of HTML: Markdown never sees a blank line)."""
    return html_text(text).replace("\n", "<br>")


def _top(lang: str) -> Path | None:
    """Title, the plan, the reviewer's name and a new plan; returns the chosen plan file."""
    files = catalog_files(paths.layers_dir())
    c0, c1, c2, c3 = st.columns([1.1, 2.4, 1.5, 0.9], vertical_alignment="bottom")
    c0.markdown(f"<div class='wb-title'>{html_text(t('wb_title', lang))}</div>", unsafe_allow_html=True)
    with c1:
        path = _choose_plan(files, lang) if files else None
    with c2:
        _who(lang)
    if files:
        with c3.popover(t("wb_new_plan", lang), width="stretch"):
            workbench_tools.new_plan_form(lang)
    st.caption(t("wb_intro", lang))
    S.show_flash()
    if not files:
        st.info(t("wb_no_plans", lang))
        with st.container(border=True):
            workbench_tools.new_plan_form(lang)
    return path


def render(data: MapData, lang: str) -> None:
    """The whole page (see the module doc); an unexpected error is a message, never a traceback."""
    try:
        _page(data, lang)
    except Exception as exc:  # Streamlit's rerun and stop are BaseExceptions: they pass
        st.error(t("wb_failed", lang).format(detail=plain_markdown(f"{type(exc).__name__}: {exc}")))


def _page(data: MapData, lang: str) -> None:
    st.markdown(CSS, unsafe_allow_html=True)
    path = _top(lang)
    d = _current(path, lang) if path else None
    if d is None:
        return
    ctx = _context(d, data)
    _conflict_box(d, lang)
    _changed_on_disk(d, lang)
    left, right = st.columns([1, 1.15], gap="medium")
    with left, st.container(key="wb_left"):
        fid = workbench_item.item_list(d, ctx, lang)
        pending = workbench_item.item_panel(d, fid, ctx, lang) if fid else None
        workbench_tools.add_item_form(d, ctx, lang)
    with right:
        if fid:
            quote_box(d.feature(fid) or {}, ctx, lang)
        workbench_map.show(d, fid, pending, ctx, lang)
        workbench_tools.history_box(d, lang)


def first_plan() -> None:
    """When the app cannot start because the catalog folder has no plan yet: draft the first one."""
    if catalog_files(paths.layers_dir()):
        return
    lang = "en" if st.query_params.get("lang") == "en" else "zh"
    S.show_flash()
    st.info(t("wb_no_plans", lang))
    with st.container(border=True):
        workbench_tools.new_plan_form(lang)
