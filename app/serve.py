"""Start the app with its heavy imports warming in the background: ``python -m app.serve [args]``.

``streamlit run`` imports nothing until the first visitor's script run, so the first map waited
for geopandas, folium and the map data (about 1.5 s) after the page had already loaded. Here the
server starts at once while a thread imports those modules and reads the cached map data; by the
time a browser has loaded the page and opened its session, the script finds them in memory.
Extra arguments go to ``streamlit run`` (e.g. ``--server.port 8600``).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "streamlit_app.py"


def _warm() -> None:
    """Import what the first script run needs and read the cached map data (errors surface there).

    Not streamlit-folium (nor app.*, which imports it): it registers its component on import, and
    that must happen inside the server's script run to be served."""
    try:
        import folium  # noqa: F401
        import geopandas  # noqa: F401

        import geo_app.web.label_layer
        import geo_app.web.layers
        import geo_app.web.legend  # noqa: F401
        from geo_app.boundaries import region_index
        from geo_app.mapdata import load_map_data

        region_index()
        load_map_data()
    except Exception:  # the first script run reports any real problem to the user
        pass


def main() -> None:
    threading.Thread(target=_warm, name="warm-imports", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
