"""Time to map: a cold ``streamlit run`` to the map drawn, and a new session on a warm server.

Cold start: a new server process (disk caches as they are: the report says whether ``.cache/``
held the map data), the page opened in a fresh browser context as soon as /_stcore/health
answers, until every map iframe shows drawn items and placed labels. Each start is cut into
phases with the page's own clocks. One extra start runs through ``bench/profiled_app.py`` to
show where the first script run spends its time (cProfile; not counted in the figures), and one
starts 'right after installation' (empty GEO_APP_CACHE, no served TopoJSON).

New session: a new page on a server that has already drawn the map once, in a fresh context
(no browser cache: a first visit) and as a new tab of a context that has loaded the app before.
"""

from __future__ import annotations

import pstats
import time
from pathlib import Path
from typing import Any

from bench import browser
from bench.common import ARTIFACTS, ROOT, Options, Section, Target, fmt_s, fmt_spread, median, table
from bench.server import AppServer, cache_state, clear_static_topology, empty_cache_env, running, warm_caches

#: Moments of a page load, in the order they usually come (the timeline sorts them by median).
MOMENTS = {
    "health": "server answers /_stcore/health",
    "html": "app page HTML received",
    "dom_ready": "page DOMContentLoaded (Streamlit bundle parsed)",
    "ws_open": "websocket open (frontend booted)",
    "first_message": "first message: session created, script started",
    "component_first": "first map's component args received",
    "component_last": "last map's component args received",
    "component_chunk": "Streamlit's component-instance JS chunk loaded (lazy)",
    "iframe_start": "map iframe created",
    "component_js_end": "st_folium component JS loaded",
    "leaflet_js_end": "vendored Leaflet JS loaded (in the iframe)",
    "topo_start": "TopoJSON requested",
    "topo_end": "TopoJSON received",
    "leaflet": "Leaflet map container present",
    "labels": "first placed labels (.pm-l-item) in every map",
    "paths": "first drawn items (path.pm-item) in every map",
    "drawn": "**map drawn** (every map: items + labels)",
    "script_finished": "script run finished (sidebar drawn after the map)",
}


def _cold_start(
    b: Any,
    n_maps: int,
    env: dict[str, str] | None = None,
    profile: bool = False,
    tag: str = "cold",
    command: str = "serve",
) -> dict[str, Any]:
    s = browser.Session.new(b)  # browser set-up is not part of the figure
    srv = AppServer(env, profile=profile, tag=tag, command=command)
    try:
        srv.wait_healthy()
        s.goto(srv.url + "/")
        drawn = s.wait_drawn(n_maps, timeout=240)
        t_drawn = max(drawn)
        bd = browser.breakdown(s, srv.t_launch, t_drawn)
        bd["health"] = round(srv.t_health - srv.t_launch, 4)
        s.wait_finished(0, timeout=120)
        bd["script_finished"] = browser.breakdown(s, srv.t_launch, t_drawn)["script_finished"]
        bd["rss_kib"] = srv.rss_kib()
        if profile:
            bd["profile"] = _wait_profile(srv)
        return bd
    finally:
        s.close()
        srv.stop()


def _starts(b: Any, n_maps: int, n: int, **kw: Any) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        try:
            out.append(_cold_start(b, n_maps, tag=f"{kw.get('command', 'serve')}-cold{i}", **kw))
        except Exception as exc:  # a start that fails is reported, the others still count
            out.append({"error": f"{type(exc).__name__}: {exc}"[:300]})
    return out


def _one(fn) -> dict[str, Any]:
    try:
        return fn()
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}


def _wait_profile(srv: AppServer, timeout: float = 60) -> dict[str, Any] | None:
    deadline = time.time() + timeout
    js = srv.profile_path.with_suffix(".json")
    while time.time() < deadline and not js.exists():
        time.sleep(0.2)
    if not js.exists():
        return None
    import json

    span = json.loads(js.read_text())
    return {"path": str(srv.profile_path), "start": span["start"] - srv.t_launch, "end": span["end"] - srv.t_launch}


def profile_table(path: str, top: int = 18) -> tuple[list[list[Any]], dict[str, float]]:
    """Top cumulative costs of the profiled first run: project code and the big library steps."""
    st = pstats.Stats(path)
    stats = st.stats  # type: ignore[attr-defined]
    total = max(v[3] for v in stats.values())
    rows = []
    for (file, line, func), v in stats.items():
        name = f"{_short(file)}:{line}({func})" if file != "~" else func
        rows.append((name, v[3], v[2], v[1], file))
    key = {
        "imports": sum(v[3] for (f, _, fn), v in stats.items() if fn == "_find_and_load" and "importlib" in f),
        "total": total,
    }
    bench_dir = str(ROOT / "bench") + "/"
    project = [
        r for r in rows if r[4].startswith(str(ROOT)) and "/.venv/" not in r[4] and not r[4].startswith(bench_dir)
    ]
    project.sort(key=lambda r: -r[1])
    out = [[f"`{r[0]}`", f"{r[1] * 1000:.0f}", f"{r[2] * 1000:.0f}", f"{r[3]}"] for r in project[:top]]
    return out, key


def _short(file: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/", "/lib/python3.11/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def _new_session(b: Any, url: str, n_maps: int, ctx: Any | None = None) -> dict[str, Any]:
    s = browser.Session.new(b, ctx)
    try:
        s.goto(url)
        t_drawn = max(s.wait_drawn(n_maps))
        bd = browser.breakdown(s, s.t_goto, t_drawn)
        s.wait_finished(0)
        bd["script_finished"] = browser.breakdown(s, s.t_goto, t_drawn)["script_finished"]
        return bd
    finally:
        s.close()


def probe_maps(b: Any, url: str) -> int:
    """How many map iframes the default view has (after its first run has finished)."""
    s = browser.Session.new(b)
    try:
        s.goto(url)
        s.wait_drawn(1, timeout=240)
        s.wait_finished(0, timeout=240)
        s.page.wait_for_timeout(500)
        return browser.map_count(s)
    finally:
        s.close()


def measure(opts: Options, log=print) -> dict[str, Any]:
    raw: dict[str, Any] = {"cache_before": cache_state()}
    with browser.chromium() as b:
        # a warm-up start (also fills the disk caches if this checkout has none) tells the map count
        with running(tag="probe") as srv:
            t0 = time.time()
            raw["n_maps"] = probe_maps(b, srv.url + "/")
            raw["probe_s"] = time.time() - t0
        n = raw["n_maps"]
        raw["cache_at_cold_starts"] = cache_state()
        log(f"[bench]   default view: {n} map iframe(s); cold starts of app.serve and streamlit run, alternating …")
        raw["cold"], raw["cold_streamlit"] = [], []
        for _ in range(opts.cold_starts):  # alternating, so a change of the machine's load hits both alike
            raw["cold"] += _starts(b, n, 1, command="serve")
            raw["cold_streamlit"] += _starts(b, n, 1, command="streamlit")
        log("[bench]   profiled cold starts …")
        raw["profiled"] = _one(lambda: _cold_start(b, n, profile=True, tag="profiled-serve", command="serve"))
        raw["profiled_streamlit"] = _one(
            lambda: _cold_start(b, n, profile=True, tag="profiled-streamlit", command="streamlit")
        )
        log("[bench]   starts after installation (empty cache, with and without geo_app warm) …")

        def installed(warm: bool) -> dict[str, Any]:
            clear_static_topology()
            env = empty_cache_env(ARTIFACTS / "fresh-cache")
            warm_s = warm_caches(env) if warm else None
            return {"warm_s": warm_s, **_cold_start(b, n, env=env, tag=f"fresh-{warm}", command="serve")}

        raw["fresh_install"] = _one(lambda: installed(True))
        raw["empty_cache"] = _one(lambda: installed(False))
        log("[bench]   new sessions on a warm server …")
        with running(tag="warm") as srv:
            url = srv.url + "/"
            _new_session(b, url, n)  # the server's first session: its caches fill here
            ctx = browser.new_context(b)
            raw["new_fresh_context"], raw["new_tab_same_context"] = [], []
            try:
                _new_session(b, url, n, ctx)  # this context's first visit fills its HTTP cache
                for _ in range(opts.sessions):  # alternating, as above
                    raw["new_fresh_context"].append(_new_session(b, url, n))
                    raw["new_tab_same_context"].append(_new_session(b, url, n, ctx))
            finally:
                ctx.close()
            raw["warm_rss_kib"] = srv.rss_kib()
    return raw


# ----------------------------------------------------------------------------- report


def timeline(runs: list[dict[str, Any]], origin: str) -> list[str]:
    """A Markdown table: each moment's median (min–max) after ``origin`` and the step from the one before."""
    meds = {k: median([r[k] for r in runs if r.get(k) is not None]) for k in MOMENTS}
    order = sorted((k for k in MOMENTS if meds[k] == meds[k]), key=lambda k: meds[k])
    rows, last = [], 0.0
    for k in order:
        vals = [r[k] for r in runs if r.get(k) is not None]
        rows.append([MOMENTS[k], fmt_spread(vals), f"+{fmt_s(meds[k] - last)}"])
        last = meds[k]
    return table(["Moment", f"after {origin}: median (min–max, n)", "step (medians)"], rows)


#: Steps of the first script run worth naming in the summary (the profile's project functions).
NAMED_STEPS = {
    "app/data.py:1(<module>)": "importing app.data (geopandas, folium, streamlit-folium, geo_app)",
    "(region_index)": "the region index (`boundaries.region_index`, English names by pinyin)",
    "(search_index)": "the search index (`search.search_index`, before the map)",
    "(groups_js)": "the map groups (`app.data.groups_js`)",
    "(_base_parts)": "the base map (`app.data._base_parts`)",
    "(_data)": "the map data (`app.data._data`)",
}


def where_it_goes(ok: list[dict[str, Any]], raw: dict[str, Any] | None, title: str) -> list[str]:
    """A few lines: the big steps of a page load (medians) and, for a cold start, the first run's costliest
    app steps (``raw`` holds the profiles)."""
    if not ok:
        return []

    def step(a: str | None, z: str) -> float:
        return median([r[z] - (r[a] if a else 0.0) for r in ok if r.get(z) is not None and (not a or r.get(a))])

    parts = [
        ("server process start → healthy", step(None, "health")) if raw else None,
        ("Streamlit frontend boot (HTML, 3 MB JS bundle, websocket)", step("health" if raw else None, "ws_open")),
        (
            "first script run up to the map's args" if raw else "script run up to the map's args",
            step("ws_open", "component_last"),
        ),
        (
            "frontend mounts the component (lazy component chunk, iframe created)",
            step("component_last", "iframe_start"),
        ),
        ("map iframe: component JS, Leaflet, planmap.js, TopoJSON, drawing", step("iframe_start", "drawn")),
    ]
    lines = [
        f"**Where {title} goes** (medians; each step follows the one before):",
        "",
        *[f"- {label}: {fmt_s(v)}" for label, v in filter(None, parts)],
    ]
    for name, what in (("profiled", "`app.serve`"), ("profiled_streamlit", "plain `streamlit run`")):
        if not raw:
            break
        prof = (raw.get(name) or {}).get("profile")
        if not prof or not Path(prof["path"]).exists():
            continue
        rows, key = profile_table(prof["path"], top=80)
        named = []
        for pattern, label in NAMED_STEPS.items():
            hit = next((r for r in rows if pattern in r[0]), None)
            if hit:
                named.append(f"{label} {int(hit[1]) / 1000:.2f} s")
        lines.append(
            f"- first script run of {what} under cProfile ({key['total']:.1f} s profiled): imports "
            f"{key['imports']:.2f} s in all; " + "; ".join(named)
        )
    return [*lines, ""]


def _cold_target(runs: list[dict[str, Any]], what: str, prev: dict[str, Any]) -> Target:
    drawn = [r["drawn"] for r in runs if "drawn" in r]
    med = median(drawn)
    failed = sum(1 for r in runs if "error" in r)
    return Target(
        what,
        "≤ 3 s",
        fmt_spread(drawn) + (f"; {failed} start(s) failed" if failed else ""),
        bool(drawn) and med <= 3.0 and not failed,
        value=med if drawn else None,
        previous=prev.get("cold"),
        previous_text=prev.get("cold_text", ""),
        previous_source=prev.get("cold_source", ""),
    )


def _profile_lines(prof: dict[str, Any], title: str) -> list[str]:
    if prof.get("error"):
        return [f"The profiled start ({title}) failed: {prof['error']}", ""]
    p = prof.get("profile")
    if not p or not Path(p["path"]).exists():
        return []
    rows, key = profile_table(p["path"])
    return [
        f"**Where the first script run goes, {title}** (one extra cold start under cProfile, which slows it: "
        f"the run took {p['end'] - p['start']:.2f} s, from {p['start']:.2f} s to {p['end']:.2f} s after launch; "
        f"map drawn at {prof['drawn']:.2f} s). Imports made during the run (`importlib._find_and_load`, "
        f"cumulative): {key['imports']:.2f} s of {key['total']:.2f} s profiled. The app's own functions by "
        "cumulative time:",
        "",
        *table(["Function", "cumulative ms", "own ms", "calls"], rows, "lrrr"),
    ]


def section(raw: dict[str, Any], prev: dict[str, Any]) -> Section:
    sec = Section("startup", "1. Time to map: cold start and new session")
    ok = [r for r in raw["cold"] if "drawn" in r]
    ok_st = [r for r in raw.get("cold_streamlit", []) if "drawn" in r]
    cache = raw["cache_at_cold_starts"]
    sec.targets.append(
        _cold_target(raw["cold"], "Cold start `python -m app.serve` (the app command) → map drawn", prev)
    )
    if raw.get("cold_streamlit"):
        sec.targets.append(_cold_target(raw["cold_streamlit"], "Cold start, plain `streamlit run` → map drawn", prev))
    fresh = [r["drawn"] for r in raw["new_fresh_context"] if "drawn" in r]
    tabs = [r["drawn"] for r in raw["new_tab_same_context"] if "drawn" in r]
    sec.targets.append(
        Target(
            "New session on a warm server → map drawn (fresh browser context)",
            "≤ 1.5 s",
            fmt_spread(fresh) + f"; new tab of a visited context {fmt_spread(tabs)}",
            bool(fresh) and median(fresh) <= 1.5,
            value=median(fresh),
            previous=prev.get("session"),
            previous_text=prev.get("session_text", ""),
            previous_source=prev.get("session_source", ""),
        )
    )
    b = sec.body
    b += where_it_goes(ok, raw, "the cold start of `python -m app.serve`")
    b += [
        f"Disk caches at the cold starts: `.cache/` existed: {cache['cache_existed']}; map data pickle for the "
        f"current inputs: {cache['mapdata_cached']}; served TopoJSON present: {cache['topology_cached']} "
        f"(before the benchmark: `.cache/` existed: {raw['cache_before']['cache_existed']}), i.e. as after "
        "`scripts/run_app.sh` (which runs `python -m geo_app warm` after installing). "
        f"The default view has {raw['n_maps']} map iframe(s); 'drawn' waits for all of them.",
        "",
        "**Cold start of `python -m app.serve`, moment by moment** (seconds after the process was launched; from "
        "the page's own clocks, its resource timings and the websocket messages; the page is opened when health "
        "answers):",
        "",
    ]
    b += timeline(ok, "launch")
    if ok_st:
        b += ["**Cold start of plain `streamlit run`**, the same moments:", ""]
        b += timeline(ok_st, "launch")
    rss = [r["rss_kib"] for r in ok if r.get("rss_kib")]
    b += [f"Server RSS right after a cold start: {rss[0] / 1024:.0f} MiB." if rss else "", ""]
    for r in [*raw["cold"], *raw.get("cold_streamlit", [])]:
        if "error" in r:
            b += [f"A cold start failed: {r['error']}", ""]
    b += _profile_lines(raw.get("profiled") or {}, "`python -m app.serve`")
    b += _profile_lines(raw.get("profiled_streamlit") or {}, "plain `streamlit run`")
    for key, title in (
        (
            "fresh_install",
            "Right after installation** (empty `GEO_APP_CACHE`, no served TopoJSON, then "
            "`python -m geo_app warm` as `scripts/run_app.sh` runs it",
        ),
        ("empty_cache", "With empty caches and no warm step** (the first run builds boundaries, pipeline and topology"),
    ):
        fr = raw.get(key) or {}
        if "drawn" in fr:
            warm = f"`geo_app warm` took {fmt_s(fr['warm_s'])}; then " if fr.get("warm_s") else ""
            b += [
                f"**{title}): {warm}`python -m app.serve` → map drawn {fmt_s(fr['drawn'])} after launch (health "
                f"{fmt_s(fr['health'])}, map args received at {fmt_s(fr.get('component_last'))}).",
                "",
            ]
        elif fr.get("error"):
            b += [f"**{title})**: failed: {fr['error']}", ""]
    b += [
        "**New session on a warm server** (the server has drawn the map before; seconds after `page.goto`):",
        "",
    ]
    b += where_it_goes(
        [r for r in raw["new_fresh_context"] if "drawn" in r], None, "a new session (fresh context) on a warm server"
    )
    b += ["*Fresh browser context* (a first visit: nothing cached in the browser):", ""]
    b += timeline(raw["new_fresh_context"], "goto")
    b += ["*New tab in a context that has loaded the app before* (HTTP cache warm):", ""]
    b += timeline(raw["new_tab_same_context"], "goto")
    b += [f"Median map drawn: fresh context {fmt_spread(fresh)}; new tab {fmt_spread(tabs)}.", ""]
    sec.raw = raw
    return sec
