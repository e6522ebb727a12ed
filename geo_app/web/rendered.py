"""Rendered map strings (a group's JS) kept on disk, so a restarted server draws its first map
without rendering two dozen folium groups again (about a second on a small machine).

A file is keyed by the code that renders it (every ``geo_app`` module and the folium, branca and
streamlit-folium versions), the map data version and what the string shows (a ``MapSpec`` in a
canonical form). Files are written atomically; a folder holds one code and data version, and
the other versions' folders are removed when a new one is started. Any read or write failure
only costs the rendering time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from geo_app import paths
from geo_app.web.spec import MapSpec

ROOT_NAME = "rendered"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the rendering code: every geo_app module and the map libraries' versions."""
    h = hashlib.sha256()
    for lib in ("folium", "branca", "streamlit-folium"):
        h.update(f"{lib}={version(lib)}|".encode())
    package = Path(__file__).resolve().parent.parent
    for f in sorted(package.rglob("*.py")):
        h.update(f.relative_to(package).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def spec_key(spec: MapSpec) -> str:
    """``spec`` as canonical JSON (sets sorted), stable across processes."""
    fields = {}
    for k, v in dataclasses.asdict(spec).items():
        if isinstance(v, frozenset):
            v = sorted(v)
        fields[k] = list(v) if isinstance(v, tuple) else v
    return json.dumps(fields, sort_keys=True, ensure_ascii=False)


def cached_text(data_version: str, kind: str, key: str, build: Callable[[], str]) -> str:
    """The string ``build()`` returns, read from disk when this code and data rendered it before."""
    folder = paths.CACHE_DIR / ROOT_NAME / f"{code_version()}-{data_version}"
    path = folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.js"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    text = build()
    try:
        if not folder.is_dir():
            _remove_other_versions(folder)
            folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(text, encoding="utf-8")  # a cache: renamed whole, no fsync needed
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or full disk only costs speed
    return text


def _remove_other_versions(keep: Path) -> None:
    parent = keep.parent
    if not parent.is_dir():
        return
    for old in parent.iterdir():
        if old != keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
