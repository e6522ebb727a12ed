"""The app with a cProfile of its first script run (bench only; the app is unchanged).

    python bench/profiled_app.py OUT.prof run streamlit_app.py --server.port 8600 ...   # streamlit run
    python bench/profiled_app.py OUT.prof --serve --server.port 8600 ...               # python -m app.serve

The first run of the script (the one that loads data and builds the base map) is profiled in its
own thread and written to OUT.prof with its wall time; later runs are not profiled. Imports made
by that run (geopandas, folium, ...) are part of it, as in a real cold start.
"""

from __future__ import annotations

import cProfile
import json
import sys
import threading
import time
from pathlib import Path


def main() -> None:
    out = Path(sys.argv[1])
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.ScriptRunner._run_script
    lock = threading.Lock()
    state = {"done": False}

    def profiled(self, rerun_data):  # the script thread of a session
        with lock:
            first = not state["done"]
            state["done"] = True
        if not first:
            return original(self, rerun_data)
        prof = cProfile.Profile()
        t0 = time.time()
        prof.enable()
        try:
            return original(self, rerun_data)
        finally:
            prof.disable()
            t1 = time.time()
            prof.dump_stats(str(out))
            out.with_suffix(".json").write_text(json.dumps({"start": t0, "end": t1}))

    script_runner.ScriptRunner._run_script = profiled
    if sys.argv[2] == "--serve":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from app import serve

        sys.argv = ["app.serve", *sys.argv[3:]]
        serve.main()
        return
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[2:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
