"""Blank map time on a change of layer, language, basemap and region.

In one session on a warm server (repeated in fresh sessions), each change is made in the sidebar
as a planner would (click a layer checkbox, the language radio, pick a basemap or region in its
select box). Before each change every map iframe is marked (a property on the iframe element and
``window.__pmMarker`` in its window); after the run has finished and the map has settled, the
marks tell whether the iframe was re-mounted (new element) or reloaded (new window). Meanwhile a
``requestAnimationFrame`` loop in the page counts ``path.pm-item`` in every map iframe at every
painted frame: *blank* is a frame in which a map iframe is missing or shows no drawn item. Reported:
the longest blank interval (any map blank, and all maps blank), the longest gap between painted
frames (the page frozen), and when the run finished and the map stopped changing.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from bench import browser
from bench.common import Options, Section, Target, fmt_s, median, table

LAYER = "layer--linxia-industrial_belt"


def _pick(page: Any, key: str, index: int) -> str:
    """Choose option ``index`` of the select box with key class ``st-key-<key>``; returns its label."""
    page.locator(f".st-key-{key} input").click()
    opt = page.get_by_role("option").nth(index)
    opt.wait_for(timeout=10_000)
    label = opt.inner_text()
    opt.click()
    return label


def _lang(page: Any) -> str:
    return "en" if page.locator(".st-key-basemap__en").count() else "zh"


def actions() -> list[tuple[str, str, Any, int | None]]:
    """(name, kind, do(page) -> label, maps expected after: None = as before)."""
    return [
        ("layer off (临夏 产业带)", "layer", lambda p: p.locator(f".st-key-{LAYER} label").click(), None),
        ("layer on again", "layer", lambda p: p.locator(f".st-key-{LAYER} label").click(), None),
        (
            "language zh → en",
            "language",
            lambda p: p.locator(".st-key-lang [data-testid=stRadioOption]").nth(1).click(),
            None,
        ),
        (
            "basemap offline → CartoDB (tiles refused offline)",
            "basemap",
            lambda p: _pick(p, f"basemap__{_lang(p)}", 1),
            None,
        ),
        ("basemap CartoDB → Amap (GCJ-02 geometry)", "basemap", lambda p: _pick(p, f"basemap__{_lang(p)}", 4), None),
        ("basemap Amap → offline", "basemap", lambda p: _pick(p, f"basemap__{_lang(p)}", 0), None),
        ("region both → Linxia", "region", lambda p: _pick(p, f"region__{_lang(p)}", 1), 1),
        ("region Linxia → both", "region", lambda p: _pick(p, f"region__{_lang(p)}", 0), None),
        (
            "language en → zh",
            "language",
            lambda p: p.locator(".st-key-lang [data-testid=stRadioOption]").nth(0).click(),
            None,
        ),
    ]


def analyse(mon: dict[str, Any], t0_ms: float) -> dict[str, float]:
    """Longest blank intervals, longest frame gap and last change of the map, in seconds, from the monitor."""
    samples = mon["samples"]

    def longest(pred) -> float:
        best, start = 0.0, None
        for t, c in samples:
            if pred(c):
                start = t if start is None else start
            elif start is not None:
                best, start = max(best, t - start), None
        if start is not None:
            best = max(best, samples[-1][0] - start)
        return best / 1000

    gaps = [b[0] - a[0] for a, b in itertools.pairwise(samples)]
    changes = [b[0] for a, b in itertools.pairwise(samples) if a[1] != b[1]] + mon["muts"]
    return {
        "blank_any_s": longest(lambda c: not c or any(x <= 0 for x in c)),
        "blank_all_s": longest(lambda c: not c or all(x <= 0 for x in c)),
        "frozen_s": max(gaps, default=0) / 1000,
        "settled_s": (max(changes) - t0_ms) / 1000 if changes else 0.0,
        "frames": len(samples),
    }


def _settle(s: browser.Session, after: int, timeout: float = 60) -> float:
    """Wait for the action's script run(s) to finish and stay finished for 1 s; returns the last finish
    (the page's clock)."""
    t_fin = s.wait_finished(after, timeout)
    seen = s.n_finished()
    quiet_since = time.time()
    while time.time() - quiet_since < 1.0:
        s.page.wait_for_timeout(100)
        if s.n_finished() != seen:
            seen, quiet_since = s.n_finished(), time.time()
    done = [m for m in s.messages() if m["kind"] == "script_finished"]
    return done[-1].get("t", t_fin) if done else t_fin


def run_session(b: Any, url: str, n_maps: int) -> list[dict[str, Any]]:
    s = browser.Session.new(b)
    out = []
    try:
        s.goto(url + "/")
        s.wait_drawn(n_maps)
        s.wait_finished(0)
        s.page.wait_for_timeout(1000)
        maps = n_maps
        for name, kind, do, expect in actions():
            page = s.page
            before = page.evaluate(browser.MARK_JS)
            n_fin = s.n_finished()
            page.evaluate("() => window.__pmMon.start()")
            t0 = time.time()
            rec: dict[str, Any] = {"name": name, "kind": kind, "maps_before": len(before)}
            try:
                do(page)
                t_fin = _settle(s, n_fin)
                maps = expect or maps
                s.wait_shows(1 if expect else maps, timeout=60)
                page.wait_for_timeout(700)
                rec["run_finished_s"] = t_fin - t0
            except Exception as exc:
                rec["error"] = f"{type(exc).__name__}: {exc}"[:200]
            mon = page.evaluate("() => window.__pmMon.stop()")
            marks = page.evaluate(browser.MARKS_JS)
            rec.update(analyse(mon, t0 * 1000))
            rec["maps_after"] = len(marks)
            rec["new_elements"] = sum(1 for m in marks if not m["el"])
            rec["reloaded_windows"] = sum(1 for m in marks if m["el"] and not m["win"])
            rec["remounted"] = rec["new_elements"] + rec["reloaded_windows"] > 0
            out.append(rec)
            page.wait_for_timeout(300)
    finally:
        s.close()
    return out


def measure(b: Any, url: str, n_maps: int, opts: Options) -> dict[str, Any]:
    return {"sessions": [run_session(b, url, n_maps) for _ in range(opts.switch_reps)]}


def _med_max(values: list[float]) -> str:
    return f"{fmt_s(median(values))} / {fmt_s(max(values))}" if values else "—"


def section(raw: dict[str, Any], prev: dict[str, Any]) -> Section:
    sec = Section("blank", "3. Blank map on a change of layer, language, basemap or region")
    recs = [r for sess in raw["sessions"] for r in sess]
    names = list(dict.fromkeys(r["name"] for r in recs))
    rows = []
    for name in names:
        rs = [r for r in recs if r["name"] == name]
        ok = [r for r in rs if "error" not in r]
        rows.append(
            [
                name,
                f"{sum(r['remounted'] for r in ok)}/{len(ok)}",
                _med_max([r["blank_any_s"] for r in ok]),
                _med_max([r["blank_all_s"] for r in ok]),
                fmt_s(max((r["frozen_s"] for r in ok), default=None)),
                fmt_s(median([r.get("run_finished_s") for r in ok])),
                fmt_s(median([r["settled_s"] for r in ok])),
                "; ".join(r["error"] for r in rs if "error" in r) or "",
            ]
        )
    judged = [r for r in recs if r["kind"] in ("layer", "language", "basemap") and "error" not in r]
    worst = max((r["blank_any_s"] for r in judged), default=None)
    errors = [r for r in recs if "error" in r]
    sec.targets.append(
        Target(
            "Longest blank map on a language, basemap or layer change",
            "≤ 0.5 s, every time",
            f"{fmt_s(worst)} (worst of {len(judged)} changes; per kind below)",
            worst is not None and worst <= 0.5 and not errors,
            value=worst,
            previous=prev.get("blank"),
            previous_text=prev.get("blank_text", ""),
            previous_source=prev.get("blank_source", ""),
        )
    )
    remounts = sum(r["remounted"] for r in judged)
    sec.targets.append(
        Target(
            "Map updated in place (no iframe re-mount) on language, basemap, layer change",
            "0 re-mounts",
            f"{remounts} of {len(judged)} changes re-mounted the map",
            remounts == 0 and bool(judged),
        )
    )
    region = [r for r in recs if r["kind"] == "region" and "error" not in r]
    if region:
        sec.targets.append(
            Target(
                "Longest blank map on a region change (reported; the issue names it, the target list does not)",
                "≤ 0.5 s",
                fmt_s(max(r["blank_any_s"] for r in region)),
                max(r["blank_any_s"] for r in region) <= 0.5,
                value=max(r["blank_any_s"] for r in region),
                previous=prev.get("blank"),
                previous_text=prev.get("blank_text", ""),
                previous_source=prev.get("blank_source", ""),
            )
        )
    sec.body += [
        f"{len(raw['sessions'])} fresh session(s) on a warm server, each making the changes in this order. "
        "Blank = a painted frame in which a map iframe is missing or shows no `path.pm-item`; *any map* counts "
        "a frame where one of the maps is blank, *all maps* one where none shows items. Figures: median / max "
        "over the sessions.",
        "",
    ]
    sec.body += table(
        [
            "Change",
            "re-mounted",
            "longest blank, any map",
            "longest blank, all maps",
            "longest frame gap",
            "run finished",
            "map settled",
            "errors",
        ],
        rows,
    )
    sec.body += [
        "*Run finished*: from the click until Streamlit's `script_finished` message; *map settled*: until the "
        "last change in a map document (nodes added or removed, text changed) or of the drawn-item counts; "
        "*longest frame gap*: the longest time between two painted frames (the page frozen, busy). A re-mount "
        "shows as a new iframe element or a reloaded window.",
        "",
    ]
    sec.raw = raw
    return sec
