"""geo_app: turn regional development plans into maps planners can use.

Data flows one way: plan text -> layer catalog (layers/*.yaml) -> geometries joined
with county boundaries -> folium map, exports, CLI and the Streamlit app.
"""

__version__ = "0.1.0"
