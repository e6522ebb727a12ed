"""Load: time to map and server memory for 1, 5, 10 and 20 concurrent sessions, 50 sequential sessions,
and whether sessions see each other's state (issue 16, part 3).

A new server is started for this part and warmed with one session. Each concurrency level opens N
fresh browser contexts at once in one headless Chromium (async Playwright) and times each page from
``goto`` to the map drawn (every map iframe shows items and labels; in-page clocks). CPU seconds of
the server process and of Chromium during the level are read from /proc, so a browser-bound level
shows as such. The same levels are then run with a *protocol client* (no browser: one websocket per
session speaking Streamlit's protocol, ``BackMsg.rerun_script`` → ``ForwardMsg`` until
``script_finished``), which times the server alone: until the last map's component args arrive and
until the run has finished.

Memory: the server's RSS (``/proc/<pid>/status`` VmRSS; psutil is not installed) after each level and
every 5 sessions of a run of 50 sequential sessions (open, wait for the map, close). Plateau: the
samples covering the last 20 sessions stay within 10 %. Streamlit keeps a disconnected session for
``server.disconnectedSessionTTL`` (120 s by default), so RSS is sampled again after that delay.

Isolation: session A unticks a layer and switches the region; session B, opened after, must show the
defaults (layer ticked, default region, default number of maps and drawn items, URL without A's
parameters), and A must keep its own state after B has loaded.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.parse
from typing import Any

from bench import browser
from bench.common import (
    CpuMeter,
    Options,
    Section,
    Target,
    chromium_path,
    fmt_s,
    fmt_spread,
    load_text,
    median,
    rss_kib,
    table,
)
from bench.server import running

SESSION_TIMEOUT = 180.0
GOAL_S = 15.0
LAYER = "layer--linxia-industrial_belt"


class RssSampler:
    """Peak RSS of a process, sampled every 0.25 s in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kib(self.pid) or 0.0)
            self._stop.wait(0.25)

    def stop(self) -> float:
        self._stop.set()
        self._t.join()
        return self.peak


# ----------------------------------------------------------------------------- browser sessions (async)


async def _route(route: Any) -> None:
    if route.request.url.startswith(browser.LOCAL_PREFIXES):
        await route.continue_()
    else:
        await route.abort()


async def _context(b: Any) -> Any:
    ctx = await b.new_context(viewport=browser.VIEWPORT)
    await ctx.route("**/*", _route)
    await ctx.add_init_script(browser.INIT_JS)
    return ctx


async def open_session(b: Any, url: str, n_maps: int) -> tuple[dict[str, Any], Any]:
    """A new context and page; seconds from goto to the map drawn. Returns (result, context)."""
    ctx = await _context(b)
    page = await ctx.new_page()
    t0 = time.time()
    try:
        await page.goto(url, wait_until="commit", timeout=SESSION_TIMEOUT * 1000)
        h = await page.wait_for_function(browser.DRAWN_JS, arg=n_maps, timeout=SESSION_TIMEOUT * 1000, polling=250)
        return {"drawn_s": max(await h.json_value()) / 1000 - t0}, ctx
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {str(exc)[:160]}", "after_s": time.time() - t0}, ctx


async def _browser_levels(url: str, n_maps: int, server_pid: int, opts: Options, log) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    out: dict[str, Any] = {"levels": [], "sequential": []}
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=chromium_path(), args=browser.CHROMIUM_ARGS)
        try:
            res, ctx = await open_session(b, url, n_maps)  # warm-up: the server's first session
            await ctx.close()
            out["warmup"] = res
            await asyncio.sleep(1)
            out["rss_baseline_kib"] = rss_kib(server_pid)
            for n in opts.load_levels:
                log(f"[bench]   {n} concurrent browser session(s) …")
                load = load_text()
                cpu = CpuMeter(server_pid)
                peak = RssSampler(server_pid)
                pairs = await asyncio.gather(*[open_session(b, url, n_maps) for _ in range(n)])
                usage = cpu.stop()
                rss_open = rss_kib(server_pid)
                for _, ctx in pairs:
                    await ctx.close()
                await asyncio.sleep(2)
                out["levels"].append(
                    {
                        "n": n,
                        "load_before": load,
                        "sessions": [r for r, _ in pairs],
                        "cpu": usage,
                        "rss_open_kib": rss_open,
                        "rss_peak_kib": peak.stop(),
                        "rss_closed_kib": rss_kib(server_pid),
                    }
                )
            log(f"[bench]   {opts.sequential} sequential sessions …")
            for i in range(1, opts.sequential + 1):
                res, ctx = await open_session(b, url, n_maps)
                await ctx.close()
                rec: dict[str, Any] = {"i": i, **res}
                if i % 5 == 0:
                    rec["rss_kib"] = rss_kib(server_pid)
                out["sequential"].append(rec)
        finally:
            await b.close()
    return out


# ----------------------------------------------------------------------------- protocol client (no browser)


async def ws_session(url: str) -> dict[str, Any]:
    """One Streamlit session over its websocket: seconds to the last map's args and to the run's end."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg

    t0 = time.time()
    out: dict[str, Any] = {}
    try:
        ws_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, compression=None) as ws:
            msg = BackMsg()
            msg.rerun_script.query_string = ""
            msg.rerun_script.page_script_hash = ""
            await ws.send(msg.SerializeToString())
            while True:
                data = await asyncio.wait_for(ws.recv(), SESSION_TIMEOUT)
                kind = browser.classify(data)["kind"]
                if kind == "component":
                    out["args_s"] = time.time() - t0
                elif kind == "script_finished":
                    out["finished_s"] = time.time() - t0
                    return out
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {str(exc)[:160]}"
    return out


async def _ws_levels(url: str, server_pid: int, levels: tuple[int, ...]) -> list[dict[str, Any]]:
    out = []
    await ws_session(url)
    for n in levels:
        cpu = CpuMeter(server_pid)
        res = await asyncio.gather(*[ws_session(url) for _ in range(n)])
        out.append({"n": n, "sessions": list(res), "cpu": cpu.stop(), "rss_kib": rss_kib(server_pid)})
        await asyncio.sleep(1)
    return out


# ----------------------------------------------------------------------------- isolation (sync API)


def _state(s: browser.Session) -> dict[str, Any]:
    page = s.page
    q = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    return {
        "layer_ticked": page.locator(f".st-key-{LAYER} input").is_checked(),
        "region": page.locator(".st-key-region__zh input").input_value(),
        "maps": browser.map_count(s),
        "items": page.evaluate(
            f"() => [...document.querySelectorAll({browser.MAP_IFRAME!r})]"
            ".map((f) => f.contentDocument.querySelectorAll('path.pm-item').length)"
        ),
        "url_params": sorted(k for k in q if k not in ("lat", "lon", "z")),
        "url_region": q.get("region", [""])[0],
    }


def _open(b: Any, url: str, n_maps: int) -> browser.Session:
    s = browser.Session.new(b)
    s.goto(url + "/")
    s.wait_drawn(n_maps)
    s.wait_finished(0)
    s.page.wait_for_timeout(1200)
    return s


def isolation(url: str, n_maps: int) -> dict[str, Any]:
    from bench.blank import _pick

    with browser.chromium() as b:
        c = _open(b, url, n_maps)
        default = _state(c)
        c.close()
        a = _open(b, url, n_maps)
        try:
            n = a.n_finished()
            a.page.locator(f".st-key-{LAYER} label").click()
            a.wait_finished(n)
            n = a.n_finished()
            _pick(a.page, "region__zh", 1)
            a.wait_finished(n)
            a.page.wait_for_timeout(1500)
            a_changed = _state(a)
            bsess = _open(b, url, n_maps)
            try:
                b_state = _state(bsess)
                a.page.wait_for_timeout(500)
                a_after = _state(a)
            finally:
                bsess.close()
        finally:
            a.close()
    same = {k: b_state[k] == default[k] for k in default}
    return {
        "default": default,
        "a_changed": a_changed,
        "b": b_state,
        "a_after_b": a_after,
        "b_has_defaults": all(same.values()),
        "differences": [k for k, v in same.items() if not v],
        "a_kept": a_after["layer_ticked"] == a_changed["layer_ticked"] and a_after["region"] == a_changed["region"],
        "a_really_changed": not a_changed["layer_ticked"] and a_changed["region"] != default["region"],
    }


# ----------------------------------------------------------------------------- measure and report


def measure(n_maps: int, opts: Options, log=print) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    with running(tag="load") as srv:
        raw["rss_start_kib"] = srv.rss_kib()
        raw["browser"] = asyncio.run(_browser_levels(srv.url + "/", n_maps, srv.pid, opts, log))
        t_last = time.time()
        log("[bench]   protocol client levels …")
        raw["ws"] = asyncio.run(_ws_levels(srv.url, srv.pid, opts.load_levels))
        log("[bench]   isolation …")
        try:
            raw["isolation"] = isolation(srv.url, n_maps)
        except Exception as exc:
            raw["isolation"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        raw["rss_end_kib"] = srv.rss_kib()
        if opts.ttl_wait:
            wait = max(0.0, 130 - (time.time() - t_last))
            log(f"[bench]   waiting {wait:.0f} s past disconnectedSessionTTL …")
            time.sleep(wait)
            raw["rss_after_ttl_kib"] = srv.rss_kib()
    return raw


def _mib(k: float | None) -> str:
    return "—" if k is None else f"{k / 1024:.0f}"


def section(raw: dict[str, Any], prev: dict[str, Any]) -> Section:
    sec = Section("load", "6. Load: concurrent and sequential sessions, memory, isolation")
    br = raw["browser"]
    rows = []
    worst20 = None
    for lvl in br["levels"]:
        ok = [s["drawn_s"] for s in lvl["sessions"] if "drawn_s" in s]
        err = [s for s in lvl["sessions"] if "error" in s]
        within = sum(1 for t in ok if t <= GOAL_S)
        if lvl["n"] == max(x["n"] for x in br["levels"]):
            worst20 = (lvl["n"], max(ok) if ok and not err else None, within, len(lvl["sessions"]))
        c = lvl["cpu"]
        rows.append(
            [
                lvl["n"],
                fmt_s(median(ok)),
                fmt_s(max(ok)) if ok else "—",
                f"{within}/{lvl['n']}" + (f" ({len(err)} failed)" if err else ""),
                f"{c['wall_s']:.1f} s",
                f"{c['server_cores']:.2f}",
                f"{c['browser_cores']:.2f} ({c['browser_cpu_s'] / lvl['n']:.1f} s/session)",
                f"{c.get('other_cores', float('nan')):.2f}",
                f"{_mib(lvl['rss_open_kib'])} / {_mib(lvl['rss_peak_kib'])} / {_mib(lvl['rss_closed_kib'])}",
                lvl["load_before"],
            ]
        )
    n, worst, within, total = worst20 or (0, None, 0, 0)
    sec.targets.append(
        Target(
            f"{n} concurrent sessions each get the map (browsers on the same machine)",
            f"every one ≤ {GOAL_S:.0f} s",
            f"{within}/{total} within {GOAL_S:.0f} s; slowest {fmt_s(worst)}",
            worst is not None and worst <= GOAL_S,
            value=worst,
        )
    )
    ws20 = [lv for lv in raw["ws"] if lv["n"] == n]
    if ws20:
        args = [x.get("args_s") for x in ws20[0]["sessions"]]
        done = [x.get("finished_s") for x in ws20[0]["sessions"]]
        ok_args = [a for a in args if a is not None]
        sec.targets.append(
            Target(
                f"{n} concurrent sessions, server alone (protocol client, no browser): every map's args sent",
                f"every one ≤ {GOAL_S:.0f} s",
                f"slowest {fmt_s(max(ok_args) if ok_args else None)}; every script run finished by "
                f"{fmt_s(max((d for d in done if d is not None), default=None))}",
                len(ok_args) == len(args) and bool(ok_args) and max(ok_args) <= GOAL_S,
                value=max(ok_args) if ok_args else None,
            )
        )
    seq = br["sequential"]
    samples = [(r["i"], r["rss_kib"]) for r in seq if r.get("rss_kib")]
    last = [v for i, v in samples if i >= len(seq) - 20]
    spread = (max(last) / min(last) - 1) if last else None
    sec.targets.append(
        Target(
            f"Server memory plateaus over {len(seq)} sequential sessions",
            "last 20 sessions' RSS within 10 %",
            f"{_mib(min(last) if last else None)}–{_mib(max(last) if last else None)} MiB (spread {spread * 100:.1f} %)"
            if spread is not None
            else "—",
            spread is not None and spread <= 0.10,
        )
    )
    iso = raw.get("isolation", {})
    sec.targets.append(
        Target(
            "Sessions never see each other's state",
            "B shows defaults; A keeps its own",
            "error: " + iso["error"]
            if "error" in iso
            else (
                f"B defaults: {iso['b_has_defaults']}"
                + (f" (differs: {', '.join(iso['differences'])})" if iso["differences"] else "")
                + f"; A kept its changes: {iso['a_kept']}"
            ),
            "error" not in iso and iso["b_has_defaults"] and iso["a_kept"] and iso["a_really_changed"],
        )
    )
    b = sec.body
    b += [
        f"Server RSS: {_mib(raw['rss_start_kib'])} MiB when healthy, {_mib(br.get('rss_baseline_kib'))} MiB after the "
        f"first session (warm-up: map drawn in {fmt_s(br['warmup'].get('drawn_s'))}).",
        "",
        "**Concurrent browser sessions** (one Chromium, a fresh context per session, all opened at once):",
        "",
    ]
    b += table(
        [
            "sessions",
            "time to map, median",
            "slowest",
            f"≤ {GOAL_S:.0f} s",
            "level wall",
            "server CPU (cores)",
            "Chromium CPU (cores; CPU s per session)",
            "other processes (cores)",
            "server RSS MiB: open / peak / closed",
            "load avg before",
        ],
        rows,
        "rrrrrrrrrl",
    )
    b += [
        "CPU in cores = CPU seconds / wall seconds of the level (the machine has 2); *other processes* = the "
        "machine's busy time (/proc/stat) minus the server and Chromium: other people's work on the shared "
        "machine and this benchmark's own Python. A browser session costs Chromium several CPU-seconds (the "
        "Streamlit frontend and two map iframes), so N sessions in one Chromium on this machine cannot all "
        "finish faster than about N × that / 2 cores, whatever the server does: the protocol client below "
        "times the server alone.",
        "",
        "**Concurrent protocol-client sessions** (no browser; Streamlit's websocket protocol):",
        "",
    ]
    ws_rows = []
    for lvl in raw["ws"]:
        a = [s["args_s"] for s in lvl["sessions"] if "args_s" in s]
        f = [s["finished_s"] for s in lvl["sessions"] if "finished_s" in s]
        e = [s for s in lvl["sessions"] if "error" in s]
        ws_rows.append(
            [
                lvl["n"],
                fmt_spread(a),
                fmt_s(max(a)) if a else "—",
                fmt_spread(f),
                f"{lvl['cpu']['server_cores']:.2f}",
                _mib(lvl["rss_kib"]),
                len(e),
            ]
        )
    b += table(
        [
            "sessions",
            "map args received: median (min–max)",
            "slowest",
            "run finished",
            "server CPU (cores)",
            "RSS MiB",
            "errors",
        ],
        ws_rows,
        "rrrrrrr",
    )
    seq_t = [r["drawn_s"] for r in seq if "drawn_s" in r]
    b += [
        f"**{len(seq)} sequential sessions**: time to map {fmt_spread(seq_t)}; "
        f"{sum(1 for r in seq if 'error' in r)} failed. Server RSS every 5 sessions (MiB): "
        + ", ".join(f"{i}: {_mib(v)}" for i, v in samples)
        + f". At the end: {_mib(raw.get('rss_end_kib'))} MiB"
        + (
            f"; {_mib(raw['rss_after_ttl_kib'])} MiB once the disconnected sessions' TTL (120 s) had passed."
            if raw.get("rss_after_ttl_kib")
            else "."
        ),
        "",
    ]
    if "error" not in iso:
        b += [
            "**Isolation**: "
            f"default view: {iso['default']}; A after its changes: {iso['a_changed']}; B opened after A: "
            f"{iso['b']}; A after B loaded: {iso['a_after_b']}.",
            "",
        ]
    sec.raw = raw
    return sec
