"""The workbench's session state and its one way to save (``commit``), shared by its page parts.

Session keys: ``wb_plan`` (the catalog file chosen), ``wb_doc`` (the document the edits start
from: its version is what a save is checked against), ``wb_sel`` (the item shown),
``wb_name`` (the reviewer's name, kept while the page is closed), ``wb_flash`` (messages shown
once after a rerun) and ``wb_conflict`` (a save that found the file changed: the user merges
or redoes). Widget keys carry the item id and the file version (``key``), so after a save every
form shows the file as saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import streamlit as st

from geo_app.catalog_rules import PlanUnits
from geo_app.escaping import plain_markdown
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData
from geo_app.messages import LocalizedError, render
from geo_app.workbench import review
from geo_app.workbench.document import CatalogDoc, load_doc
from geo_app.workbench.edits import Edit


@dataclass
class PlanContext:
    """What the page needs of the plan besides its file: counties, towns, rules, styles, text."""

    data: MapData
    units: PlanUnits
    counties: list[int]  # county adcodes of the plan's regions
    towns: gpd.GeoDataFrame
    rules: gpd.GeoDataFrame
    categories: dict[str, dict]
    locations: dict[str, dict]
    text: str | None

    def category_label(self, cat: Any, lang: str) -> str:
        c = self.categories.get(str(cat)) or {}
        return pick(c.get("label_zh"), c.get("label_en"), lang) or str(cat)

    def location_label(self, kind: Any, lang: str) -> str:
        c = self.locations.get(str(kind)) or {}
        return pick(c.get("label_zh"), c.get("label_en"), lang) or str(kind)

    def unit_name(self, adcode: int) -> str:
        return self.units.counties.get(adcode) or self.units.prefectures.get(adcode, (str(adcode),))[0]

    def _ref_label(self, ref_id: str, lang: str) -> str:
        ref = self.data.reference
        if ref_id not in ref.index:
            return ref_id
        row = ref.loc[ref_id]
        return pick(str(row.name_zh), str(row.name_en or ""), lang) or ref_id

    def town_label(self, town_id: str, lang: str) -> str:
        ref = self.data.reference
        name = self._ref_label(town_id, lang)
        try:
            county = int(ref.loc[town_id].get("county"))
        except (KeyError, TypeError, ValueError):
            return name
        if county not in self.units.counties:
            return name
        return f"{name}（{self.unit_name(county)}）" if lang == "zh" else f"{name} ({self.unit_name(county)})"

    def rule_label(self, ref_id: str, lang: str) -> str:
        return self._ref_label(ref_id, lang)


def doc() -> CatalogDoc | None:
    return st.session_state.get("wb_doc")


def load(path: Path, lang: str) -> CatalogDoc | None:
    """Read ``path`` into ``wb_doc`` (its errors shown, never raised)."""
    try:
        st.session_state.wb_doc = load_doc(path)
    except (LocalizedError, OSError) as exc:
        st.session_state.wb_doc = None
        error(exc, lang)
    return st.session_state.wb_doc


def slot(name: str, fid: str) -> str:
    """The session key of a value kept for item ``fid`` at the current file version (a clicked point)."""
    d = doc()
    return f"wb_f::{name}::{fid}::{d.version if d else ''}"


def key(name: str, fid: str) -> str:
    """The widget key of ``name`` for item ``fid``: per file version and language (Streamlit keeps a
    keyed widget's first labels, so a language switch gets new widgets, filled from the file)."""
    return f"{slot(name, fid)}::{st.session_state.get('lang', 'zh')}"


def init(name: str, value: Any) -> None:
    """Give a widget key its first value (widgets are then created without a default)."""
    if name not in st.session_state:
        st.session_state[name] = value


def kept(widget, name: str, default: Any, lang: str, *args: Any, **kwargs: Any) -> None:
    """A widget whose value lives in ``st.session_state[name]`` across language switches (the widget
    key carries the language, since Streamlit keeps a keyed widget's first labels)."""
    wkey = f"{name}::{lang}"
    st.session_state.setdefault(name, default)
    st.session_state[wkey] = st.session_state[name]
    widget(*args, key=wkey, on_change=lambda: st.session_state.update({name: st.session_state[wkey]}), **kwargs)


def who() -> str:
    return str(st.session_state.get("wb_name") or "")


def flash(kind: str, text: str) -> None:
    st.session_state.setdefault("wb_flash", []).append((kind, text))


def show_flash() -> None:
    """The messages of the last action (a save is confirmed only after it was read back)."""
    for kind, text in st.session_state.pop("wb_flash", []):
        getattr(st, kind)(text)


def error(exc: BaseException, lang: str) -> None:
    """An error as one localized line (a validation refusal lists its problems)."""
    if isinstance(exc, review.InvalidEdit):
        head = render("wb_invalid_head", {"path": exc.params["path"]}, lang)
        lines = "\n".join(f"- {plain_markdown(str(p))}" for p in exc.problems)
        st.error(plain_markdown(head) + "\n\n" + lines)
    elif isinstance(exc, LocalizedError):
        st.error(plain_markdown(exc.text(lang)))
    else:
        st.error(plain_markdown(str(exc)))


def commit(base: CatalogDoc, edits: list[Edit], action: str, why: str, lang: str) -> bool:
    """Save ``edits`` (``review.save``); on success the saved file becomes ``wb_doc`` and a
    confirmation is queued; a conflict is kept in ``wb_conflict`` for the user to resolve."""
    try:
        saved = review.save(base.path, base, edits, who=who(), why=why, action=action)
    except review.ConflictError as exc:
        st.session_state.wb_conflict = {"err": exc, "edits": edits, "action": action, "why": why}
        st.rerun()  # the conflict box is at the top of the page
    except (LocalizedError, OSError, ValueError) as exc:
        error(exc, lang)
        return False
    st.session_state.wb_doc = saved.doc
    st.session_state.pop("wb_conflict", None)
    _confirm(saved, lang)
    return True


def _confirm(saved: review.Saved, lang: str) -> None:
    """The confirmation, queued only after the file was written and read back."""
    if saved.entry is None:
        flash("info", t("wb_nothing", lang))
        return
    name = plain_markdown(saved.doc.path.name)
    flash("success", t("wb_saved", lang).format(file=name, n=len(saved.entry.ids), version=saved.version[:8]))


def undo(entry_id: str, when: str, lang: str) -> None:
    """Undo a history entry (through ``review.save``: recorded too); reruns when done."""
    from geo_app.workbench import history

    d = doc()
    try:
        saved = history.undo(d.path, entry_id, who=who(), why=t("wb_undo_why", lang).format(when=when))
    except (LocalizedError, OSError, ValueError) as exc:
        error(exc, lang)
        return
    st.session_state.wb_doc = saved.doc
    _confirm(saved, lang)
    st.rerun()
