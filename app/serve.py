"""Start the app with its heavy imports warming in the background: ``python -m app.serve [args]``.

``streamlit run`` imports nothing until the first visitor's script run, so the first map waited
for geopandas, folium and the map data (about 1.5 s) after the page had already loaded. Here the
server starts at once; as soon as it runs, a thread imports those modules and loads the map data
(from the disk caches ``python -m app.warm`` fills); by the time a browser has loaded the page
and opened its session, the script finds them in memory. Extra arguments go to
``streamlit run`` (e.g. ``--server.port 8600``).
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "streamlit_app.py"


def _warm() -> None:
    """Once the server runs: import what the first script run needs and load the map data and the
    base map into the app's caches (errors surface in that run instead).

    Started only when the server exists, so Streamlit's own start and the first page it serves are
    not slowed. streamlit-folium registers its component only inside a script run; here it is
    registered with the runtime directly, as that run would."""
    try:
        from streamlit.runtime import Runtime

        for _ in range(3000):  # the server is usually up within a second
            if Runtime.exists():
                break
            threading.Event().wait(0.01)
        else:
            return
        import streamlit_folium

        Runtime.instance().component_registry.register_component(streamlit_folium._component_func)
        logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
        logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
        from app import data

        data.get_data()
        data.base_parts()
        import app.map_ui  # noqa: F401
        import geo_app.web.label_layer  # noqa: F401
        from geo_app.boundaries import region_index

        region_index()
    except Exception:  # the first script run reports any real problem to the user
        pass


def main() -> None:
    threading.Thread(target=_warm, name="warm-imports", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
