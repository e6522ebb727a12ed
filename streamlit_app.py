"""Streamlit entry point (placeholder until the planner's map lands): shows the default counties."""

import streamlit as st

from geo_app import prepared

st.set_page_config(page_title="规划产业布局图 Plan layout map", layout="wide")
st.title("规划产业布局图 · Plan layout map")
counties = prepared.default_counties()
st.dataframe(counties.drop(columns="geometry"), hide_index=True)
