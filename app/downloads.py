"""The downloads in the sidebar: vector data, the offline HTML map, map images and the decks.

Every file is built on click (``on_click="ignore"`` keeps the page), each with its own name.
"""

from __future__ import annotations

import streamlit as st

from app import data as cache
from geo_app.i18n import t
from geo_app.mapdata import MapData
from geo_app.regions import RegionChoice
from geo_app.web.spec import MapSpec


def render(data: MapData, lang: str, choice: RegionChoice, visible: frozenset[str]) -> None:
    with st.expander(t("exports", lang)):
        st.download_button(
            t("html_map", lang), on_click="ignore", key="dl_html", mime="text/html",
            data=lambda: html_map(lang, choice.plans, choice.adcodes, visible),
            file_name=f"plan_map_{choice.id}_{lang}.html",
        )  # fmt: skip
        st.download_button(
            t("deck_html", lang), on_click="ignore", key="dl_deck_html", mime="text/html",
            data=lambda: deck_html(lang), file_name=f"plan_deck_{lang}.html",
        )  # fmt: skip


def html_map(lang: str, plans: tuple[str, ...], frame: tuple[int, ...], visible: frozenset[str]) -> bytes:
    from geo_app.web.standalone import standalone_html

    spec = MapSpec(lang=lang, plans=plans, frame=frame, visible_layers=visible, mode="standalone")
    return standalone_html(cache.get_data(), spec).encode("utf-8")


def deck_html(lang: str) -> bytes:
    from geo_app.web.deck import deck_html as build

    decks = [d for d in cache.decks_now().values() if d.scenes]
    return build(cache.get_data(), decks, lang).encode("utf-8")
