"""The Streamlit side of the app: widgets and layout only. All logic is in geo_app (no Streamlit there)."""
