"""Project folders, resolved from the package location (the app runs from a checkout).

``GEO_APP_LAYERS`` and ``GEO_APP_SCENES`` point the app, the CLI and the tests at another
catalog or deck folder (a planner's own plans) without touching the built-in ones.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES_DIR = ROOT / "boundaries"
DATA_DIR = ROOT / "data"
PLANS_DIR = DATA_DIR / "plans"
REFERENCE_DIR = DATA_DIR / "reference"
LAYERS_DIR = ROOT / "layers"
SCENES_DIR = ROOT / "scenes"
STATIC_DIR = ROOT / "static"
CACHE_DIR = Path(os.environ.get("GEO_APP_CACHE") or ROOT / ".cache")


def layers_dir() -> Path:
    """The catalog folder: ``GEO_APP_LAYERS`` or ``layers/``."""
    return Path(os.environ.get("GEO_APP_LAYERS") or LAYERS_DIR)


def scenes_dir() -> Path:
    """The decks folder: ``GEO_APP_SCENES`` or ``scenes/``."""
    return Path(os.environ.get("GEO_APP_SCENES") or SCENES_DIR)
