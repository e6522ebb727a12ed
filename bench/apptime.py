"""2. Time to map (cold ``streamlit run`` to the map drawn in Chromium) and server time of a layer-toggle rerun."""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench.common import ROOT, Options, Row, Section, Target, fmt_s, fmt_spread, median, patched
from bench.pages import app_cold_start

APP = ROOT / "streamlit_app.py"
TOGGLE = "layer::linxia:industrial_belt"
#: Frames that contain the whole rerun; left out of the "top costs" list.
WRAPPERS = (
    "_run_script",
    "exec_func_with_error_handling",
    "code_to_exec",
    "<built-in method builtins.exec>",
    "streamlit_app.py:1(<module>)",
    "wrapped_run",
)


def cold_starts(b: Any, n: int, n_counties: int, county_stroke: str) -> list[dict[str, Any]]:
    """``n`` cold starts of the real app, each to the map drawn (see ``pages.app_cold_start``)."""
    runs: list[dict[str, Any]] = []
    for _ in range(n):
        try:
            runs.append(app_cold_start(b, n_counties, county_stroke))
        except Exception as exc:  # a start that fails is reported, the others still count
            runs.append({"error": f"{type(exc).__name__}: {exc}"[:300]})
    return runs


@contextmanager
def _shared_script_cache(enabled: bool) -> Iterator[None]:
    """AppTest compiles the script afresh on every run (a new ScriptCache per run); the server compiles it once.

    With ``enabled`` the runs share one cache, as ``streamlit run`` does.
    """
    if not enabled:
        yield
        return
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import local_script_runner

    cache = ScriptCache()
    with patched(local_script_runner, "ScriptCache", lambda: cache):
        yield


@contextmanager
def _profiled(profiler: cProfile.Profile | None) -> Iterator[None]:
    """Profile the script thread of each AppTest run (cProfile only sees the thread it was enabled in)."""
    if profiler is None:
        yield
        return
    from streamlit.runtime.scriptrunner import script_runner

    original: Callable[..., Any] = script_runner.ScriptRunner._run_script

    def wrapped_run(self: Any, rerun_data: Any) -> Any:
        profiler.enable()
        try:
            return original(self, rerun_data)
        finally:
            profiler.disable()

    with patched(script_runner.ScriptRunner, "_run_script", wrapped_run):
        yield


def toggle_reruns(
    n: int, shared_cache: bool = False, profiler: cProfile.Profile | None = None
) -> tuple[float, list[float]]:
    """First run of the app (AppTest), then ``n`` timed reruns each toggling one layer checkbox.

    Returns (first run seconds, rerun seconds). The profiler, if given, records the reruns only.
    """
    from streamlit.testing.v1 import AppTest

    with _shared_script_cache(shared_cache):
        at = AppTest.from_file(str(APP), default_timeout=300)
        t0 = time.perf_counter()
        at.run()
        first = time.perf_counter() - t0
        if at.exception:
            raise RuntimeError(f"the app raised: {at.exception}")
        times: list[float] = []
        with _profiled(profiler):
            for _ in range(n):
                box = at.sidebar.checkbox(key=TOGGLE)
                box.set_value(not box.value)
                t0 = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - t0)
                if at.exception:
                    raise RuntimeError(f"the app raised: {at.exception}")
    return first, times


def _label(key: tuple[str, int, str]) -> str:
    file, line, func = key
    if file == "~":
        return func
    for marker in ("site-packages/", str(ROOT) + "/", "/lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{file}:{line}({func})"


def _is_project(file: str) -> bool:
    return file.startswith(str(ROOT)) and "/.venv/" not in file


def profile_rows(profiler: cProfile.Profile, runs: int) -> tuple[float, list[dict[str, Any]]]:
    """Total profiled ms per rerun and every function's costs per rerun, largest cumulative first.

    The frames that merely contain the whole rerun (``WRAPPERS``) are left out of the list.
    """
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = [
        {
            "name": _label(k),
            "cum_ms": v[3] * 1000 / runs,
            "own_ms": v[2] * 1000 / runs,
            "calls": v[1] / runs,
            "project": _is_project(k[0]),
        }
        for k, v in stats.items()
    ]
    total = max((r["cum_ms"] for r in rows), default=0.0)
    rows = [r for r in rows if not any(w in r["name"] for w in WRAPPERS)]
    rows.sort(key=lambda r: -r["cum_ms"])
    return total, rows


def _table(rows: list[dict[str, Any]]) -> str:
    head = ["| Function | cumulative ms | own ms | calls |", "|---|---:|---:|---:|"]
    body = [f"| `{r['name']}` | {r['cum_ms']:.1f} | {r['own_ms']:.1f} | {r['calls']:.0f} |" for r in rows]
    return "\n".join(head + body)


def section(opts: Options, cold: list[dict[str, Any]] | None) -> Section:
    """Cold starts (already run, in the browser) and the rerun after a layer toggle."""
    sec = Section("2. Time to map and rerun after a layer toggle")
    ok = [c for c in cold or [] if "drawn_s" in c]
    for c in cold or []:
        if "error" in c:
            sec.notes.append(f"A cold start failed: {c['error']}")
    if ok:
        ready = [c["ready_s"] for c in ok]
        drawn = [c["drawn_s"] for c in ok]
        sec.rows += [
            Row("Cold `streamlit run` → server answers /_stcore/health", fmt_spread(ready)),
            Row(
                "Cold `streamlit run` → map drawn in Chromium (county paths + legend rows)",
                fmt_spread(drawn),
                note="the page is opened as soon as the server answers",
            ),
        ]
        framed = [c for c in ok if "map_frame_s" in c]
        if framed:
            sec.rows += [
                Row(
                    "… server ready → first websocket frame (frontend booted, script started)",
                    fmt_spread([c["first_frame_s"] - c["ready_s"] for c in framed]),
                ),
                Row(
                    "… first frame → map payload frame (first script run: data load, map render)",
                    fmt_spread([c["map_frame_s"] - c["first_frame_s"] for c in framed]),
                ),
                Row(
                    "… map payload frame → map drawn (component iframe, assets, Leaflet)",
                    fmt_spread([c["drawn_s"] - c["map_frame_s"] for c in framed]),
                ),
            ]
    elif cold is None:
        sec.notes.append("Cold starts were not run (`--skip-browser`).")

    first, times = toggle_reruns(opts.toggles)
    _, shared = toggle_reruns(opts.toggles, shared_cache=True)
    runs = max(5, opts.toggles // 2)
    profiles: dict[bool, tuple[float, list[dict[str, Any]]]] = {}
    for shared_cache in (False, True):
        profiler = cProfile.Profile()
        toggle_reruns(runs, shared_cache=shared_cache, profiler=profiler)
        profiles[shared_cache] = profile_rows(profiler, runs)
    total_ms, costs = profiles[False]
    compile_ms = next((c["cum_ms"] for c in costs if "get_bytecode" in c["name"]), 0.0)
    server_ms, server_costs = profiles[True]

    sec.rows += [
        Row("AppTest first run of a new session", fmt_s(first), note="loads the data unless an earlier part did"),
        Row(
            f"Rerun after toggling `{TOGGLE}` (AppTest `at.run()`)",
            fmt_spread(times),
            note="AppTest compiles the script again on every run",
        ),
        Row(
            "Same, with the compiled script cached as `streamlit run` does",
            fmt_spread(shared),
            note="AppTest with one shared ScriptCache",
        ),
    ]
    med = median(times)
    sec.targets.append(
        Target(
            "Server time of a rerun after a layer toggle",
            "< 100 ms",
            f"{fmt_s(med)} median of {len(times)} (server-like: {fmt_s(median(shared))})",
            med < 0.1,
        )
    )
    sec.notes += [
        f"**Where a rerun goes** (cProfile, {runs} toggle reruns each; the profiler inflates every figure). As AppTest "
        f"runs it: {total_ms:.0f} ms per rerun, of which compiling the script again (`ScriptCache.get_bytecode`: "
        f"Streamlit's magic AST pass + `compile`) takes {compile_ms:.0f} ms; `streamlit run` compiles once per "
        f"script change. With the compiled script cached: {server_ms:.0f} ms per rerun. Its top cumulative costs:",
        _table(server_costs[:14]),
        "The app's own functions in that profile (streamlit_app.py, streamlit_map.py, geo_app/):",
        _table([c for c in server_costs if c["project"]][:10]),
    ]
    sec.raw = {
        "cold": cold,
        "first_run_s": first,
        "rerun_s": times,
        "rerun_shared_cache_s": shared,
        "profile_apptest_ms": total_ms,
        "profile_compile_ms": compile_ms,
        "profile_server_like_ms": server_ms,
        "profile_top_apptest": costs[:30],
        "profile_top_server_like": server_costs[:30],
    }
    return sec
