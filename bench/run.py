"""The benchmark of issues 15 and 16: time to map, payload, blank time, context, outputs, load.

    python bench/run.py                      # everything (about 25 minutes), writes bench/RESULTS.md
    python bench/run.py --quick              # fewer repetitions (about 10 minutes)
    python bench/run.py --only startup,payload

Parts not run keep the figures of the last run that measured them (bench/artifacts/results.json),
marked with that run's date. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import blank, browser, context, load, outputs, payload, report, startup  # noqa: E402
from bench.common import Options, Section, Target, git_head, load_text, machine_info, wait_quiet  # noqa: E402
from bench.server import running  # noqa: E402

PARTS = ("startup", "payload", "blank", "context", "outputs", "load")
SECTIONS: dict[str, Callable[[dict[str, Any], dict[str, Any]], Section]] = {
    "startup": startup.section,
    "payload": payload.section,
    "blank": blank.section,
    "context": context.section,
    "outputs": outputs.section,
    "load": load.section,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark the map app (issues 15 and 16).")
    p.add_argument("--quick", action="store_true", help="fewer repetitions (2 cold starts, 3 sessions, 1 switch run)")
    p.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts of {', '.join(PARTS)}")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md", help="report file")
    p.add_argument("--max-load", type=float, default=1.5, help="wait until the 1-minute load average is below this")
    p.add_argument("--max-wait", type=float, default=600, help="seconds to wait for a quiet machine (0: no wait)")
    return p.parse_args(argv)


def options(quick: bool) -> Options:
    if quick:
        return Options(
            quick=True, cold_starts=2, sessions=3, switch_reps=1, output_reps=2, sequential=20, ttl_wait=False
        )
    return Options()


def log(msg: str) -> None:
    print(msg, flush=True)


def guarded(key: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one part; a crash is kept as an error (a FAIL in the report) instead of ending the run."""
    t0 = time.perf_counter()
    load = load_text()
    log(f"[bench] {key} (load average {load}) …")
    try:
        raw = fn()
    except Exception as exc:
        traceback.print_exc()
        raw = {"_error": f"{type(exc).__name__}: {exc}"[:500]}
    raw["_load"] = load
    raw["_when"] = ""
    raw["_seconds"] = time.perf_counter() - t0
    log(f"[bench] {key} done in {raw['_seconds']:.0f} s")
    return raw


def build_section(key: str, raw: dict[str, Any], prev: dict[str, Any]) -> Section:
    if "_error" in raw:
        sec = Section(key, f"{key}: did not run to the end")
        sec.targets.append(Target(f"{key}: ran to the end", "no error", raw["_error"], False))
    else:
        try:
            sec = SECTIONS[key](raw, prev)
        except Exception as exc:
            traceback.print_exc()
            sec = Section(key, f"{key}: report failed")
            sec.targets.append(Target(f"{key}: report", "no error", f"{type(exc).__name__}: {exc}", False))
    sec.load = raw.get("_load", "")
    sec.raw = raw
    return sec


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    parts = [p for p in PARTS if p in {x.strip() for x in args.only.split(",")}]
    if unknown := {x.strip() for x in args.only.split(",") if x.strip()} - set(PARTS):
        raise SystemExit(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    opts = options(args.quick)
    prev = report.previous_figures()
    started, t0 = report.stamp(), time.perf_counter()
    quiet = wait_quiet(args.max_load, args.max_wait, log) if args.max_wait > 0 else ""
    load_start = load_text()
    machine = machine_info()
    head = git_head()
    raw: dict[str, dict[str, Any]] = {}
    n_maps: int | None = None

    def quiet_part() -> None:  # a short wait before each part on a shared machine
        if args.max_wait > 0:
            wait_quiet(args.max_load, min(180.0, args.max_wait), log)

    if "startup" in parts:
        quiet_part()
        raw["startup"] = guarded("startup", lambda: startup.measure(opts, log))
        n_maps = raw["startup"].get("n_maps")

    warm_parts = [p for p in ("payload", "blank", "outputs") if p in parts]
    if warm_parts or ({"context", "load"} & set(parts) and n_maps is None):
        with contextlib.ExitStack() as stack:
            b = stack.enter_context(browser.chromium())
            srv = stack.enter_context(running(tag="warm"))
            n = startup.probe_maps(b, srv.url + "/")  # the server's first session; tells the map count
            n_maps = n_maps or n
            for key in warm_parts:
                quiet_part()
                fn = {
                    "payload": lambda: payload.measure(b, srv.url, n_maps),
                    "blank": lambda: blank.measure(b, srv.url, n_maps, opts),
                    "outputs": lambda: outputs.measure(b, srv.url, n_maps, opts, log),
                }[key]
                raw[key] = guarded(key, fn)
    if "context" in parts:
        quiet_part()

        def ctx_part() -> dict[str, Any]:
            with browser.chromium() as b:
                return context.measure(b, n_maps, opts, log)

        raw["context"] = guarded("context", ctx_part)
    if "load" in parts:
        quiet_part()
        raw["load"] = guarded("load", lambda: load.measure(n_maps, opts, log))

    stored = report.load_raw(args.out).get("parts", {})
    for key in PARTS:
        if key not in raw and key in stored:
            raw[key] = {**stored[key], "_when": f"figures from an earlier run ({stored[key].get('_stamp', '?')})"}
        elif key in raw:
            raw[key]["_stamp"] = started
    sections = [build_section(k, raw[k], prev) for k in PARTS if k in raw]
    notes = [
        "Run with `--quick`: fewer repetitions (medians of 2–3), 20 sequential sessions, no wait past the session TTL."
        if opts.quick
        else "",
        f"Parts measured in this run: {', '.join(parts)}.",
    ]
    meta = {
        "command": " ".join(["python bench/run.py", *(sys.argv[1:] if argv is None else argv)]),
        "started": started,
        "head": head,
        "minutes": (time.perf_counter() - t0) / 60,
        "load_start": load_start,
        "load_end": load_text(),
        "quiet": f"Before the run: {quiet}." if quiet else "",
        "notes": [n for n in notes if n],
    }
    text = report.render(sections, machine, meta)
    report.save_raw(raw, machine, args.out)
    path = report.write(args.out, text)
    failed = [t.what for s in sections for t in s.targets if t.passed is False]
    log(f"[bench] wrote {path}; {len(failed)} target(s) failed" + (f": {'; '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
