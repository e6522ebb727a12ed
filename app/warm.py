"""Fill the disk caches the first visitor's map reads: ``python -m app.warm``.

``geo_app warm`` builds the boundaries, the map data and the served topology; then the app's
default view is run once (Streamlit's AppTest, no server), which renders its map groups to
``.cache/rendered/``. ``scripts/run_app.sh`` runs this after installing, so the first page
after a fresh install is as quick as any later one.
"""

from __future__ import annotations

import logging
import sys
import time

from geo_app.paths import ROOT


def main() -> int:
    from geo_app.cli import main as cli

    code = cli(["warm"])
    if code:
        return code
    from streamlit.testing.v1 import AppTest

    for name in ("streamlit", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)  # "missing ScriptRunContext": expected here

    t0 = time.time()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.run()
    if at.exception:
        print(f"error: the app's first view failed: {at.exception[0].message}", file=sys.stderr)
        return 1
    print(f"first view rendered in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
