"""Presentation mode: the projected page (map, title bar, large ◀ ▶, progress) and the presenter
view (current and next scene, notes, timer) in a second window, kept in step.

Keys work wherever the focus is (a small component listens on the page, and the map forwards its
arrow keys); Esc inside the map only closes a popup. The two windows follow each other over a
BroadcastChannel: whichever moves, the other goes to the same scene. Notes are never shown on
the projected page. The position is in the URL (``deck``, ``scene``), so a reload stays put.
"""

from __future__ import annotations

import streamlit as st

from app import data as cache
from app import map_component
from app.map_ui import view_js
from geo_app.escaping import html_text
from geo_app.i18n import t
from geo_app.mapdata import MapData
from geo_app.presentation import scene_frame, scene_spec

SYNC_JS = """
export default function (component) {
  const { data, setTriggerValue } = component;
  const w = window;
  const st = (w.__pmPresent = w.__pmPresent || {});
  st.send = setTriggerValue;
  st.data = data;
  if (!st.bound) {
    st.bound = true;
    st.id = Math.random().toString(36).slice(2);
    st.chan = "BroadcastChannel" in w ? new BroadcastChannel("pm-present") : null;
    const keys = { ArrowRight: "next", PageDown: "next", ArrowDown: "next", ArrowLeft: "prev", PageUp: "prev",
                   ArrowUp: "prev", Home: "first", End: "last" };
    w.document.addEventListener("keydown", (e) => {
      const tag = (e.target && e.target.tagName) || "";
      if (["INPUT", "TEXTAREA", "SELECT"].includes(tag) || e.target.isContentEditable) return;
      const cmd = keys[e.key];
      if (!cmd) return;
      e.preventDefault();
      st.send("key", cmd + ":" + Date.now());
    }, true);
    if (st.chan) {
      st.chan.onmessage = (ev) => {
        const m = ev.data || {};
        if (m.from === st.id || m.type !== "goto") return;
        if (m.deck !== st.data.deck || m.idx !== st.data.idx) st.send("goto", m.deck + "|" + m.idx + "|" + Date.now());
      };
    }
    st.start = Date.now();
    setInterval(() => {
      const el = w.document.querySelector(".pm-timer");
      if (!el) return;
      const s = Math.floor((Date.now() - st.start) / 1000);
      el.textContent = String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
    }, 500);
  }
  const here = data.deck + "|" + data.idx;
  if (st.chan && st.lastSent !== here) {
    st.lastSent = here;
    st.chan.postMessage({ type: "goto", deck: data.deck, idx: data.idx, from: st.id });
  }
}
"""

_sync = st.components.v2.component("pm_present_sync", html="<span></span>", js=SYNC_JS)

PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] { display: none; }
.block-container { padding: 0.4rem 1rem 0 1rem !important; max-width: 100% !important; }
.st-key-pm_bar button { min-height: 3.6rem; }
.st-key-pm_bar button p { font-size: 2.2rem !important; font-weight: 700; line-height: 1; }
.pm-present-title { font-size: 2.1rem; font-weight: 700; line-height: 1.15; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.pm-present-sub { font-size: 1.15rem; color: #444; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.pm-present-progress { font-size: 1.7rem; font-weight: 700; color: #882255; text-align: center; padding-top: .5rem; }
.st-key-pm_present_map iframe[title="streamlit_folium.st_folium"] { height: calc(100vh - 92px) !important; }
.pm-notes { font-size: 1.6rem; line-height: 1.55; background: #fffbea; border-left: 6px solid #e0b000;
  padding: 12px 16px; white-space: pre-wrap; }
.pm-next { font-size: 1.3rem; color: #333; }
.pm-timer { font-size: 2.4rem; font-weight: 700; font-variant-numeric: tabular-nums; }
</style>"""


def _position(decks: dict, deck_id: str) -> int:
    n = len(decks[deck_id].scenes)
    return min(max(int(st.session_state.get("scene_idx", 0)), 0), n - 1)


def _go(decks: dict, deck_id: str, to: int) -> None:
    n = len(decks[deck_id].scenes)
    st.session_state.scene_idx = min(max(to, 0), n - 1)


def _apply(result, decks: dict, deck_id: str) -> str:
    """Keys and the other window's moves; returns the deck now shown."""
    idx = _position(decks, deck_id)
    key = getattr(result, "key", None)
    if key:
        cmd = key.split(":")[0]
        _go(decks, deck_id, {"next": idx + 1, "prev": idx - 1, "first": 0, "last": 10**6}[cmd])
    goto = getattr(result, "goto", None)
    if goto:
        d, i, _ = goto.split("|")
        if d in decks:
            st.session_state.deck = deck_id = d
            _go(decks, d, int(i))
    return deck_id


def render(data: MapData, lang: str, basemap: str, tk: str | None) -> None:
    """The projected page, or the presenter view when the URL says ``presenter=1``."""
    decks = {k: d for k, d in cache.decks_now().items() if d.scenes}
    if not decks:
        st.warning(t("no_scenes", lang))
        return
    deck_id = st.session_state.get("deck") if st.session_state.get("deck") in decks else next(iter(decks))
    presenter = bool(st.session_state.get("presenter"))
    result = _sync(
        data={"deck": deck_id, "idx": _position(decks, deck_id)},
        key="pm_sync",
        on_key_change=lambda: None,
        on_goto_change=lambda: None,
    )
    before = (deck_id, _position(decks, deck_id))
    deck_id = _apply(result, decks, deck_id)
    st.session_state.deck = deck_id
    idx = _position(decks, deck_id)
    if (deck_id, idx) != before:
        st.rerun()  # the sync component must carry the new position (and tell the other window)
    st.query_params.update({"present": "1", "deck": deck_id, "scene": str(idx + 1)})
    if presenter:
        st.query_params["presenter"] = "1"
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    if presenter:
        presenter_view(decks, deck_id, idx, lang)
    else:
        projected(data, decks, deck_id, idx, lang, basemap, tk)


def _bar(decks: dict, deck_id: str, idx: int, lang: str) -> None:
    dk = decks[deck_id]
    scene = dk.scenes[idx]
    n = len(dk.scenes)
    with st.container(key="pm_bar"):
        c_prev, c_title, c_prog, c_next, c_menu = st.columns([0.7, 8, 1.1, 0.7, 1.3], vertical_alignment="center")
        c_prev.button(
            "◀",
            key="prev",
            on_click=_go,
            args=(decks, deck_id, idx - 1),
            help=t("prev", lang),
            disabled=idx == 0,
            use_container_width=True,
        )
        c_title.markdown(
            f"<div class='pm-present-title'>{html_text(scene.title(lang))}</div>"
            f"<div class='pm-present-sub'>{html_text(scene.subtitle(lang))}</div>",
            unsafe_allow_html=True,
        )
        c_prog.markdown(f"<div class='pm-present-progress'>{idx + 1} / {n}</div>", unsafe_allow_html=True)
        c_next.button(
            "▶",
            key="next",
            on_click=_go,
            args=(decks, deck_id, idx + 1),
            help=t("next", lang),
            disabled=idx == n - 1,
            use_container_width=True,
        )
        with c_menu.popover("☰", use_container_width=True):
            st.selectbox(
                t("deck", lang),
                list(decks),
                key="deck",
                format_func=lambda d: decks[d].title(lang),
                on_change=lambda: st.session_state.update(scene_idx=0),
                placeholder=t("choose", lang),
            )
            st.link_button(t("presenter_view", lang), f"?present=1&presenter=1&deck={deck_id}&lang={lang}")
            st.button(t("exit_present", lang), key="exit_present", on_click=_exit)


def _exit() -> None:
    st.session_state.present = False
    st.session_state.presenter = False
    for k in ("present", "deck", "scene", "presenter"):
        st.query_params.pop(k, None)


def projected(data: MapData, decks: dict, deck_id: str, idx: int, lang: str, basemap: str, tk: str | None) -> None:
    """Title bar, then the map filling the screen: the scene's layers, highlights labelled."""
    _bar(decks, deck_id, idx, lang)
    scene = decks[deck_id].scenes[idx]
    spec = scene_spec(data, scene, lang, basemap, tk)
    view = {
        "key": f"scene:{deck_id}:{scene.id}",
        "bounds": scene_frame(data, scene),
        "present": True,
        "identify_title": t("identify_title", lang),
    }
    with st.container(key="pm_present_map"):
        map_component.show_map(
            cache.base_parts(), [*cache.groups_js(spec, ()), view_js(view, 93)], key="present_map", height=760
        )


def presenter_view(decks: dict, deck_id: str, idx: int, lang: str) -> None:
    """For the presenter's own screen: current and next scene, notes, timer, the same keys."""
    dk = decks[deck_id]
    scene = dk.scenes[idx]
    nxt = dk.scenes[idx + 1] if idx + 1 < len(dk.scenes) else None
    _bar(decks, deck_id, idx, lang)
    c1, c2 = st.columns([3, 1])
    with c1:
        st.markdown(f"**{html_text(t('notes', lang))}**", unsafe_allow_html=True)
        st.markdown(f"<div class='pm-notes'>{html_text(scene.notes(lang) or '—')}</div>", unsafe_allow_html=True)
    with c2:
        st.markdown(
            f"<div class='pm-timer'>00:00</div><div>{html_text(t('elapsed', lang))}</div>", unsafe_allow_html=True
        )
        label = f"{t('next', lang)}：" if lang == "zh" else f"{t('next', lang)}: "
        st.markdown(
            f"<div class='pm-next'>{html_text(label)}{html_text(nxt.title(lang) if nxt else '—')}</div>",
            unsafe_allow_html=True,
        )
