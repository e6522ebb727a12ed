"""Outputs: GeoJSON export of everything, the PDF deck of all decks, the A4 PNG at 300 dpi.

*In a warm process* (what the app's download buttons run once the data is loaded): map data loaded
first, one warm-up call, then the median of n calls of ``export.export_bytes(["all"], "geojson")``,
``printmap.deck_pdf_bytes(data, decks)`` (with its progress callback counted) and
``printmap.image_bytes("png", size="a4", dpi=300)``. *From the CLI*: a new
``python -m geo_app ...`` process each (imports and data loading included), as the issue timed them.
*In the app*: the same downloads clicked in the sidebar of a running app, timed from the first click
(the download button, or the "prepare" button of files built under a progress bar) to the file,
while the page is checked every 100 ms for a progress bar (``stProgress``), a spinner, or a
status/toast element.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import browser
from bench.common import ROOT, Options, Section, Target, fmt_bytes, fmt_s, fmt_spread, median, table

INDICATORS_JS = """() => [...document.querySelectorAll(
    '[data-testid=stProgress],[data-testid*=Spinner],[data-testid=stToast],[data-testid=stStatus]')]
  .filter((e) => e.offsetParent !== null || e.getClientRects().length)
  .map((e) => e.dataset.testid + (e.innerText ? ':' + e.innerText.slice(0, 60) : ''))"""


def _timed(fn, reps: int) -> tuple[list[float], Any]:
    fn()  # warm-up: fonts, projected geometry, caches
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def in_process(reps: int) -> dict[str, Any]:
    from geo_app import export, scenes
    from geo_app.mapdata import load_map_data
    from geo_app.printmap import deck_pdf_bytes, image_bytes
    from geo_app.regions import default_choice
    from geo_app.web.layers import layer_keys

    t0 = time.perf_counter()
    data = load_map_data(strict=False)
    load_s = time.perf_counter() - t0
    decks = [d for d in scenes.load_decks(layer_keys(data), set(data.features["id"])).values() if d.scenes]
    region = default_choice(data.catalog)
    out: dict[str, Any] = {"load_s": load_s, "decks": len(decks), "scenes": sum(len(d.scenes) for d in decks)}
    times, f = _timed(lambda: export.export_bytes(["all"], "geojson", "EPSG:4326", data=data), reps)
    feats = json.loads(f.content)["features"]
    kinds = sorted(
        {"county" if "adcode" in x["properties"] and "category" not in x["properties"] else "item" for x in feats}
    )
    out["geojson"] = {"times": times, "bytes": len(f.content), "features": len(feats), "kinds": kinds}
    steps: list[tuple[float, float]] = []

    def deck() -> bytes:
        steps.clear()
        t = time.perf_counter()
        return deck_pdf_bytes(
            data, decks, "zh", progress=lambda frac, _m: steps.append((time.perf_counter() - t, frac))
        )

    times, pdf = _timed(deck, max(2, reps - 2))
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(steps)]
    out["deck"] = {"times": times, "bytes": len(pdf), "progress_calls": len(steps), "max_gap_s": max(gaps, default=0)}
    times, img = _timed(lambda: image_bytes("png", size="a4", lang="zh", region=region, dpi=300, data=data), reps)
    out["image"] = {"times": times, "bytes": len(img[2])}
    return out


def cli(reps: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cmds = {
            "geojson": ["export", "--layers", "all", "--format", "geojson", "--out", "{tmp}/all.geojson"],
            "deck": ["deck", "--out", "{tmp}/deck.pdf"],
            "image": ["image", "--out", "{tmp}/map.png", "--size", "a4"],
        }
        for name, args in cmds.items():
            times = []
            for _ in range(reps):
                argv = [sys.executable, "-m", "geo_app", *[a.format(tmp=tmp) for a in args], "--force"]
                t0 = time.perf_counter()
                r = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
                times.append(time.perf_counter() - t0)
                if r.returncode:
                    out[name] = {"error": (r.stderr or r.stdout)[-300:]}
                    break
            else:
                out[name] = {"times": times, "command": "python -m geo_app " + " ".join(args).format(tmp="…")}
    return out


def _watch(page: Any, seen: dict[str, float], t0: float, until, timeout: float) -> None:
    """Record the indicators shown (first time each) every 100 ms until ``until()`` is true."""
    while time.time() - t0 < timeout:
        for ind in page.evaluate(INDICATORS_JS):
            seen.setdefault(ind, round(time.time() - t0, 2))
        if until():
            return
        page.wait_for_timeout(100)


def _download(s: browser.Session, button: str, prepare=None, timeout: float = 180) -> dict[str, Any]:
    """Click a download in the sidebar and time it to the file.

    Two flows: a plain download button (the file is built when clicked), or a "prepare" button
    (``make::<key>``) that builds the file under a progress bar, after which the download button
    appears. A file another session prepared before is offered at once."""
    page = s.page
    if prepare:
        prepare(page)
    seen: dict[str, float] = {}
    make = page.locator(f".st-key-make--{button} button")
    btn = page.locator(f".st-key-{button} button")
    t0 = time.time()
    out: dict[str, Any] = {"flow": "download button"}
    if make.count():
        out["flow"] = "prepare, then download"
        make.scroll_into_view_if_needed()
        make.click()
        _watch(page, seen, t0, lambda: btn.count() > 0, timeout)
        out["ready_s"] = time.time() - t0
    elif btn.count():
        out["flow"] = "download button" if "⬇" not in btn.inner_text() else "already prepared (shared)"
    btn.scroll_into_view_if_needed()
    with page.expect_download(timeout=timeout * 1000) as info:
        btn.click()

        def done() -> bool:
            try:
                return info.is_done()
            except Exception:
                return False

        _watch(page, seen, t0, done, timeout)
    d = info.value
    path = d.path()
    out.update(
        {
            "seconds": time.time() - t0,
            "file": d.suggested_filename,
            "bytes": Path(path).stat().st_size if path else None,
            "indicators": seen,
        }
    )
    return out


def in_app(b: Any, url: str, n_maps: int) -> dict[str, Any]:
    s = browser.Session.new(b)
    out: dict[str, Any] = {}
    try:
        s.goto(url + "/")
        s.wait_drawn(n_maps)
        s.wait_finished(0)
        page = s.page
        page.locator("[data-testid=stSidebar] [data-testid=stExpander] summary", has_text="导出").first.click()
        page.wait_for_timeout(500)

        def everything(p: Any) -> None:
            n = s.n_finished()
            p.locator(".st-key-exp_sel__zh [data-testid=stRadioOption]").nth(2).click()  # 'all'
            s.wait_finished(n)
            p.wait_for_timeout(500)

        for name, button, prep in (
            ("geojson", "dl_vector", everything),
            ("image", "dl_img_png", None),
            ("deck", "dl_deck_pdf", None),
        ):
            try:
                out[name] = _download(s, button, prep)
            except Exception as exc:
                out[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    finally:
        s.close()
    return out


def measure(b: Any, url: str, n_maps: int, opts: Options, log=print) -> dict[str, Any]:
    log("[bench]   in a warm process …")
    raw = {"process": in_process(opts.output_reps)}
    log("[bench]   from the CLI …")
    raw["cli"] = cli(1 if opts.quick else 2)
    log("[bench]   in the app …")
    raw["app"] = in_app(b, url, n_maps)
    return raw


# ----------------------------------------------------------------------------- report

NAMES = {
    "geojson": ("GeoJSON export of everything", 1.0, "geojson"),
    "deck": ("PDF deck of all decks", 5.0, "deck"),
    "image": ("A4 PNG, 300 dpi", 3.0, "image"),
}


def _indicators(seen: dict[str, float]) -> str:
    """'stProgress (15 texts, first at 0.3 s), …' from the indicators seen (kind:text -> first time)."""
    kinds: dict[str, list[float]] = {}
    for k, v in seen.items():
        kinds.setdefault(k.split(":", 1)[0], []).append(v)
    return (
        ", ".join(
            f"{k} ({len(v)} text{'s' if len(v) > 1 else ''}, first at {min(v):.1f} s)"
            if len(v) > 1
            else f"{k} at {v[0]:.1f} s"
            for k, v in kinds.items()
        )
        or "none"
    )


def _progress(app: dict[str, Any]) -> tuple[bool, str]:
    slow = {k: v for k, v in app.items() if "seconds" in v and v["seconds"] > 1}
    parts, ok = [], True
    for k, v in slow.items():
        kinds = v["indicators"]
        bar = [i for i in kinds if i.startswith(("stProgress", "stStatus", "stToast"))]
        spin = [i for i in kinds if "Spinner" in i]
        if bar:
            parts.append(f"{k}: progress shown ({_indicators({i: kinds[i] for i in bar})})")
        else:
            ok = False
            parts.append(f"{k}: " + ("a spinner only, no progress" if spin else "nothing shown"))
    return ok and bool(slow), "; ".join(parts) or "no download took over 1 s"


def section(raw: dict[str, Any], prev: dict[str, Any]) -> Section:
    sec = Section("outputs", "5. Outputs: GeoJSON export, PDF deck, A4 image")
    proc, cli_, app = raw["process"], raw["cli"], raw["app"]
    for key, (label, goal, pkey) in NAMES.items():
        times = proc[key]["times"]
        med = median(times)
        cli_times = cli_.get(key, {}).get("times")
        by_cli = prev.get(f"{pkey}_compare") == "cli" and cli_times
        sec.targets.append(
            Target(
                f"{label} (warm process)",
                f"≤ {goal:g} s",
                fmt_spread(times) + (f"; CLI {fmt_spread(cli_times)}" if cli_times else ""),
                med <= goal,
                value=med,
                previous=prev.get(pkey),
                previous_text=prev.get(f"{pkey}_text", ""),
                previous_source=prev.get(f"{pkey}_source", ""),
                compared=median(cli_times) if by_cli else None,
                compared_note="CLI vs CLI" if by_cli else "",
            )
        )
    ok, text = _progress(app)
    sec.targets.append(
        Target("Progress shown in the app for anything over 1 s (downloads)", "progress shown", text, ok)
    )
    rows = []
    for key, (label, _goal, pkey) in NAMES.items():
        c = cli_.get(key, {})
        a = app.get(key, {})
        ind = _indicators(a.get("indicators") or {})
        if a.get("flow"):
            ind = f"{a['flow']}: {ind}"
        rows.append(
            [
                label,
                f"{fmt_spread(proc[key]['times'])}, {fmt_bytes(proc[key]['bytes'])}",
                fmt_spread(c.get("times", [])) if "error" not in c else f"error: {c['error']}",
                prev.get(f"{pkey}_cli_text", ""),
                fmt_s(a.get("seconds")) if "error" not in a else f"error: {a['error']}",
                ind,
            ]
        )
    sec.body += table(
        [
            "Output",
            "warm process (median, n)",
            "CLI, new process",
            "previous CLI",
            "in the app: click → file",
            "indicators seen",
        ],
        rows,
    )
    d = proc["deck"]
    g = proc["geojson"]
    sec.body += [
        f"The GeoJSON of everything (`export_bytes(['all'], 'geojson')`, what the app's 'everything' download "
        f"runs) holds {g.get('features')} features ({', '.join(g.get('kinds', []))}), {fmt_bytes(g['bytes'])}. "
        "The previous report's 10.85 MB file also held the county boundaries: the ratio compares the same call, "
        "not the same content.",
        "",
        f"Map data load in the warm process: {fmt_s(proc['load_s'])} (not counted). Deck: {proc['decks']} decks, "
        f"{proc['scenes']} scenes; `deck_pdf_bytes` reported progress {d['progress_calls']} times, at most "
        f"{fmt_s(d['max_gap_s'])} apart — the callback exists, the question is whether the app shows it. CLI commands: "
        + "; ".join(f"`{v['command']}`" for v in cli_.values() if "command" in v)
        + ".",
        "",
        "See also `bench/PRINT_RESULTS.md` (written by `bench/printmap.py`: the print map and deck, zh and en, with "
        "CPU time and first-call cost).",
        "",
    ]
    sec.raw = raw
    return sec
