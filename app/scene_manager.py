"""Managing a deck's scenes in the app: reorder, edit (title, notes, layers and extent from the
current view) and delete. Every change goes through geo_app.scenes: under the file's lock,
atomic, confirmed by reading the file back, and refused with what changed when someone else
saved in between (the edit carries the version it started from; the user merges or redoes).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from app import data as cache
from app import state
from geo_app import scenes
from geo_app.escaping import plain_markdown
from geo_app.i18n import t
from geo_app.mapdata import MapData
from geo_app.messages import LocalizedError
from geo_app.regions import RegionChoice
from geo_app.web.layers import layer_keys


def _run(action, lang: str, *args, **kwargs) -> bool:
    """Do a scene store action; show the confirmation, or the conflict with a merge button."""
    try:
        action(*args, **kwargs)
    except scenes.ConflictError as exc:
        st.session_state.scene_conflict = {
            "text": exc.text(lang),
            "mergeable": exc.mergeable,
            "version": exc.current.version,
        }
        return False
    except (LocalizedError, ValueError, OSError) as exc:
        st.session_state.scene_error = exc.text(lang) if isinstance(exc, LocalizedError) else str(exc)
        return False
    st.session_state.scene_done = t("saved_confirmed", lang)
    st.session_state.pop("scene_conflict", None)
    return True


def _messages(lang: str) -> str | None:
    """Show the last outcome; returns the version to merge onto when a conflict is mergeable."""
    if done := st.session_state.pop("scene_done", None):
        st.success(plain_markdown(done))
    if err := st.session_state.pop("scene_error", None):
        st.error(plain_markdown(err))
    conflict = st.session_state.get("scene_conflict")
    if conflict:
        st.warning(plain_markdown(conflict["text"]))
        if not conflict["mergeable"]:
            st.caption(t("conflict_redo", lang))
            st.session_state.pop("scene_conflict", None)
            return None
        st.caption(t("conflict_merge", lang))
        return conflict["version"]
    return None


def render(data: MapData, lang: str, choice: RegionChoice, visible: frozenset[str]) -> None:
    """The scene manager expander of the sidebar."""
    with st.expander(t("manage_scenes", lang)):
        decks = cache.decks_now()
        if not decks:
            st.caption(t("no_scenes", lang))
            return
        deck_id = st.selectbox(
            t("deck", lang),
            list(decks),
            key="mgr_deck",
            format_func=lambda d: decks[d].title(lang),
            placeholder=t("choose", lang),
        )
        dk = decks[deck_id]
        merge_onto = _messages(lang)
        if not dk.scenes:
            st.caption(t("no_scenes", lang))
            return
        ids = [s.id for s in dk.scenes]
        sid = st.selectbox(
            t("scene", lang),
            ids,
            key=f"mgr_scene::{deck_id}",
            format_func=lambda i: f"{ids.index(i) + 1}. {dk.scenes[ids.index(i)].title(lang)}",
            placeholder=t("choose", lang),
        )
        scene = dk.scenes[ids.index(sid)]
        keys, fids = layer_keys(data), set(data.features.id)
        version = merge_onto or dk.version
        common = {"layer_keys": keys, "feature_ids": fids, "expected_version": version, "base": dk}
        c1, c2, c3 = st.columns(3)
        if c1.button(
            "↑", key="mgr_up", help=t("move_up", lang), disabled=ids.index(sid) == 0, use_container_width=True
        ):
            _run(scenes.move_scene, lang, dk.path, sid, ids.index(sid) - 1, **common) and st.rerun()
        if c2.button("↓", key="mgr_down", help=t("move_down", lang), disabled=sid == ids[-1], use_container_width=True):
            _run(scenes.move_scene, lang, dk.path, sid, ids.index(sid) + 1, **common) and st.rerun()
        if c3.button("✕", key="mgr_delete", help=t("delete_scene", lang), use_container_width=True):
            st.session_state.mgr_confirm_delete = sid
        if st.session_state.get("mgr_confirm_delete") == sid:
            st.warning(t("confirm_delete", lang).format(title=scene.title(lang)))
            if st.button(t("delete_scene", lang), key="mgr_delete_yes", type="primary"):
                st.session_state.pop("mgr_confirm_delete")
                _run(scenes.delete_scene, lang, dk.path, sid, **common) and st.rerun()
        _edit_form(data, lang, choice, visible, dk, scene, common)


def _edit_form(data, lang, choice, visible, dk, scene, common) -> None:
    with st.form(f"mgr_edit::{dk.id}::{scene.id}"):
        title_zh = st.text_input(t("scene_title_zh", lang), scene.title_zh, max_chars=120)
        title_en = st.text_input(t("scene_title_en", lang), scene.title_en, max_chars=160)
        notes_zh = st.text_area(t("scene_notes_zh", lang), scene.notes_zh, max_chars=4000)
        notes_en = st.text_area(t("scene_notes", lang) + " (English)", scene.notes_en, max_chars=4000)
        use_view = st.checkbox(t("use_current_view", lang))
        if not st.form_submit_button(t("save", lang)):
            return
    edited = replace(
        scene,
        title_zh=title_zh.strip() or scene.title_zh,
        title_en=title_en.strip(),
        notes_zh=notes_zh.strip(),
        notes_en=notes_en.strip(),
    )
    if use_view:
        view = state.current_view()
        edited = replace(
            edited, layers=tuple(k for k in layer_keys(data) if k in visible and k.split(":")[0] in choice.plans)
        )
        if view:
            edited = replace(edited, extent=scenes.extent_for_view(*view), region=None)
    if _run(scenes.update_scene, lang, dk.path, edited, **common):
        st.rerun()
