"""Project folders, resolved from the package location (the app runs from a checkout)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES_DIR = ROOT / "boundaries"
DATA_DIR = ROOT / "data"
PLANS_DIR = DATA_DIR / "plans"
REFERENCE_DIR = DATA_DIR / "reference"
LAYERS_DIR = ROOT / "layers"
STATIC_DIR = ROOT / "static"
