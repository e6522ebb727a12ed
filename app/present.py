"""Presentation mode (being rebuilt)."""

from __future__ import annotations

import streamlit as st


def render(data, lang, basemap, tk) -> None:
    st.info("presentation mode is being rebuilt")
