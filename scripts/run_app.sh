#!/usr/bin/env bash
# Set up a fresh machine and start the app (the README's app command).
# Creates .venv with the pinned runtime requirements and runs `streamlit run streamlit_app.py`.
# Extra args go to streamlit (e.g. --server.port 8600).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements.txt
# build the caches once (boundaries, plan geometry, map data, the first view) so the first page is quick
.venv/bin/python -m app.warm
exec .venv/bin/python -m app.serve "$@"
