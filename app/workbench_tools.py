"""The workbench's tools around the review: draft a new plan from a document, add an item the draft
missed from the plan text, and the change history with undo."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st

from app import workbench_state as S
from app.workbench_state import PlanContext
from geo_app import boundaries, paths
from geo_app.escaping import html_text, plain_markdown
from geo_app.i18n import pick, t
from geo_app.messages import LocalizedError
from geo_app.workbench import edits, history, plantext
from geo_app.workbench.document import CatalogDoc
from geo_app.workbench.importer import DocumentError
from geo_app.workbench.normalize import tidy_whitespace

BEIJING = dt.timezone(dt.timedelta(hours=8))
HISTORY_SHOWN = 30
SUFFIXES = (".txt", ".docx", ".pdf")


# ----------------------------------------------------------------------------- a new plan


def _regions(query: str, lang: str) -> list[boundaries.Region]:
    """The regions typed (names or adcodes); each one not found is a warning."""
    found = []
    for q in (q.strip() for q in query.replace("，", ",").replace("、", ",").split(",")):
        if not q:
            continue
        try:
            found.append(boundaries.resolve_region(q))
        except LookupError as exc:
            st.warning(plain_markdown(exc.text(lang) if isinstance(exc, LocalizedError) else str(exc)))
    return found


def _draft(upload, plan_id: str, regions: list[boundaries.Region], lang: str) -> Path | None:
    """Run the draft on the uploaded file; the catalog goes to the catalog folder as <id>.yaml."""
    from geo_app.workbench import workflow

    if not workflow.PLAN_ID.match(plan_id):
        st.error(t("wb_bad_plan_id", lang).format(id=plain_markdown(plan_id)))
        return None
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="geo-app-upload-") as tmp:
        src = Path(tmp) / f"{plan_id}{suffix if suffix in SUFFIXES else '.txt'}"
        src.write_bytes(upload.getvalue())
        try:
            res = workflow.draft_file(src, plan_id, [str(r.adcode) for r in regions],
                                      out=paths.layers_dir() / f"{plan_id}.yaml")  # fmt: skip
            history.record_draft(res.out, S.who(), t("wb_new_why", lang))
        except DocumentError as exc:
            st.error(plain_markdown(exc.text(lang)))
            return None
        except (LocalizedError, OSError, ValueError) as exc:
            S.error(exc, lang)
            return None
    S.flash("success", t("wb_new_done", lang).format(file=res.out.name, n=len(res.draft.items),
                                                     seconds=f"{res.seconds:.1f}"))  # fmt: skip
    return res.out


def new_plan_form(lang: str) -> None:
    """Upload a plan document, name it and its region, and draft its catalog."""
    st.markdown(f"**{plain_markdown(t('wb_new_title', lang))}**")
    upload = st.file_uploader(t("wb_new_file", lang), type=[s[1:] for s in SUFFIXES], key="wb_new_file")
    c1, c2 = st.columns(2)
    plan_id = c1.text_input(t("wb_new_id", lang), key="wb_new_id", max_chars=40).strip()
    query = c2.text_input(t("wb_new_regions", lang), key="wb_new_regions",
                          placeholder=t("wb_new_regions_placeholder", lang))  # fmt: skip
    regions = _regions(query, lang) if query.strip() else []
    if regions:
        st.caption(t("wb_new_resolved", lang).format(names="、".join(f"{r.name_zh}（{r.adcode}）" for r in regions)))
    if not st.button(t("wb_new_button", lang), key="wb_new_go", type="primary"):
        return
    if upload is None or not plan_id or not regions:
        st.error(t("wb_new_missing", lang))
        return
    with st.spinner(t("wb_new_button", lang) + "…"):
        out = _draft(upload, plan_id, regions, lang)
    if out is not None:
        st.session_state.wb_plan_next = out.name  # the plan choice is set before its widget, next run
        st.session_state.pop("wb_doc", None)
        st.session_state.wb_sel = None
        st.rerun()


# ----------------------------------------------------------------------------- an item the draft missed


def _snippet(text: str, span: tuple[int, int]) -> str:
    a = plantext.around(text, span, before=18, after=18)
    return tidy_whitespace(f"{a.before}【{a.quote}】{a.after}")


def _after(d: CatalogDoc, text: str, start: int) -> str | None:
    """The item whose quote comes last before ``start`` in the text (the new one goes after it)."""
    best, pos = None, -1
    for f in d.features:
        span = plantext.quote_span(text, str(f.get("quote") or ""))
        if span and pos < span[0] <= start:
            best, pos = f.get("id"), span[0]
    return best


def add_item_form(d: CatalogDoc, ctx: PlanContext, lang: str) -> None:
    """Type a few characters of the text, choose where they occur, trim the quote, add a draft."""
    with st.expander(t("wb_add_title", lang)):
        phrase = st.text_input(t("wb_add_find", lang), key="wb_add_find").strip()
        if not phrase or ctx.text is None:
            return
        hits = plantext.find_phrase(ctx.text, phrase)
        if not hits:
            st.caption(t("wb_add_none", lang))
            return
        i = st.radio(
            t("wb_add_matches", lang),
            range(len(hits)),
            key=f"wb_add_pick::{phrase}",
            format_func=lambda n: plain_markdown(_snippet(ctx.text, hits[n])),
        )  # radio labels are Markdown
        a, b = plantext.sentence_at(ctx.text, *hits[i])
        quote = st.text_area(t("wb_add_quote", lang), value=tidy_whitespace(ctx.text[a:b]), height=90,
                             key=f"wb_add_quote::{phrase}::{i}")  # fmt: skip
        name = st.text_input(t("wb_add_name", lang), value=phrase, key=f"wb_add_name::{phrase}::{i}").strip()
        if not st.button(t("wb_add_button", lang), key="wb_add_go"):
            return
        span = plantext.quote_span(ctx.text, quote)
        if span is None or not name:
            st.error(t("wb_add_not_verbatim", lang))
            return
        feature = plantext.propose(d, ctx.text, quote, name)
        why = t("wb_add_why", lang).format(name=name)
        if S.commit(d, [edits.AddItem(feature, _after(d, ctx.text, span[0]))], "add", why, lang):
            st.session_state.wb_sel = feature["id"]
            st.rerun()


# ----------------------------------------------------------------------------- history


def _when(iso: str, lang: str) -> str:
    try:
        local = dt.datetime.fromisoformat(iso).astimezone(BEIJING)
    except ValueError:
        return iso
    return local.strftime("%Y-%m-%d %H:%M") + (" 北京时间" if lang == "zh" else " (UTC+8)")


def _items(e: history.Entry, lang: str) -> str:
    names = []
    for fid in e.ids[:3]:
        f = e.after.get(fid) or e.before.get(fid) or {}
        names.append(pick(f.get("name_zh"), f.get("name_en"), lang) or fid)
    more = len(e.ids) - len(names)
    return "、".join(names) + (f" … (+{more})" if more > 0 else "")


def history_box(d: CatalogDoc, lang: str) -> None:
    """The plan's changes, newest first, each with who/when/what/why and an undo button."""
    entries = history.read(d.path)
    with st.expander(f"{t('wb_history', lang)}（{len(entries)}）", expanded=False):
        if not entries:
            st.caption(t("wb_history_empty", lang))
            return
        undone = history.undone(entries)
        for e in reversed(entries[-HISTORY_SHOWN:]):
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            action = t(f"wb_action_{e.action}", lang)
            line = t("wb_history_line", lang).format(when=_when(e.when, lang), who=e.who, action=action,
                                                     items=_items(e, lang))  # fmt: skip
            fields = "; ".join(f"{fid}: {', '.join(fs)}" for fid, fs in list(e.fields.items())[:3])
            c1.markdown(f"<div class='wb-hist'><b>{html_text(line)}</b><br><span>{html_text(e.why or '—')}</span>"
                        f"<br><code>{html_text(fields)}</code></div>", unsafe_allow_html=True)  # fmt: skip
            if e.id in undone:
                c2.caption(t("wb_undone", lang))
            elif e.action != "draft" and c2.button(t("wb_undo", lang), key=f"wb_undo::{e.id}"):
                S.undo(e.id, _when(e.when, lang), lang)
