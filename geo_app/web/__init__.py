"""The web maps: the Streamlit app's map, the standalone offline HTML map and the HTML deck.

Folium builds every layer; ``static/planmap/planmap.js`` is the small client library the
layers call (TopoJSON decoding, hatches, zoom-dependent labels, tile fallback, identify).
No Streamlit import here: the app, the CLI and the tests call the same functions.
"""
