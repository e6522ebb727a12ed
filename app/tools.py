"""Search above the map; saving the view as a scene and the downloads in the sidebar."""

from __future__ import annotations

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


def _search_key(lang: str, plans: tuple[str, ...]) -> str:
    return f"search__{lang}__{','.join(plans)}"


def search_choice(lang: str, plans: tuple[str, ...]) -> tuple[dict | None, tuple[str, ...]]:
    """What the search box's current choice asks of the map: (fly-to view or None, highlighted ids).

    Read from the session before the map is drawn; the box itself (``search_box``) is drawn after
    it, so the first map of a session does not wait for the search index."""
    choice = st.session_state.get(_search_key(lang, plans))
    if choice is None:
        st.session_state.pop("searched", None)
        return None, ()
    hit = cache.search_index(lang, plans).iloc[choice]
    fly = {"key": f"{hit.kind}:{hit.ref}", "center": [round(hit.lat, 5), round(hit.lon, 5)], "zoom": int(hit.zoom)}
    if st.session_state.get("searched") != fly["key"]:  # a new choice: show it in the panel
        st.session_state.searched = fly["key"]
        if hit.kind == "county":
            st.session_state.panel = {"open": ("county", str(hit.ref))}
            st.session_state.selected_county = int(hit.ref)
        elif hit.kind == "region_wide":
            st.session_state.panel = {"region": hit.plan, "open": ("item", hit.ref)}
        else:
            st.session_state.panel = {"open": ("item", hit.ref)}
    highlight = (hit.ref,) if hit.kind == "feature" else ()
    return fly, highlight


def search_box(lang: str, plans: tuple[str, ...]) -> None:
    """Search items and counties by either name; a choice reruns the page (``search_choice``)."""
    labels = cache.search_index(lang, plans)["label"].tolist()
    st.selectbox(
        t("search", lang),
        options=[None, *range(len(labels))],
        key=_search_key(lang, plans),
        format_func=lambda i: t("search_placeholder", lang) if i is None else labels[i],
        label_visibility="collapsed",
        placeholder=t("search_placeholder", lang),
    )


def save_scene_form(data: MapData, lang: str, choice: RegionChoice, visible: frozenset[str]) -> None:
    """Save the current view (extent from the map, the region's visible layers) as a scene."""
    with st.expander(t("save_scene", lang)):
        decks = cache.decks_now()
        if not decks:
            st.caption(t("no_scenes", lang))
            return
        with st.form("save_scene"):
            deck_id = st.selectbox(
                t("deck", lang),
                list(decks),
                format_func=lambda d: decks[d].title(lang),
                placeholder=t("choose", lang),
            )
            title_zh = st.text_input(t("scene_title_zh", lang), max_chars=120)
            title_en = st.text_input(t("scene_title_en", lang), max_chars=160)
            notes = st.text_area(t("scene_notes", lang), max_chars=4000)
            if not st.form_submit_button(t("save", lang)):
                return
        if not title_zh.strip():
            st.error(t("need_title", lang))
            return
        dk = decks[deck_id]
        view = state.current_view()
        keys = tuple(k for k in layer_keys(data) if k in visible and k.split(":")[0] in choice.plans)
        scene = scenes.scene_from_view(
            dk, title_zh, title_en, notes, lang, choice.id, keys, *(view if view else (None, None))
        )
        try:
            saved = scenes.append_scene(dk.path, scene, layer_keys(data), set(data.features["id"]), new_id=True)
        except LocalizedError as exc:
            st.error(plain_markdown(exc.text(lang)))
        except (ValueError, OSError) as exc:
            st.error(plain_markdown(str(exc)))
        else:
            st.success(f"{t('saved', lang)} {dk.path.name}: {saved.scene.id}")


def export_tools(data: MapData, lang: str, choice: RegionChoice, visible: frozenset[str]) -> None:
    """Downloads: files are built on click (see app.downloads)."""
    from app import downloads

    downloads.render(data, lang, choice, visible)
