"""The benchmark: payload, time to map, rerun, exports and scale, written to bench/RESULTS.md.

    python bench/run.py              # everything (about 15-25 minutes)
    python bench/run.py --quick      # fewer repetitions
    python bench/run.py --skip-china --only payload,time

See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import apptime, exports, payload, report, scale  # noqa: E402
from bench.common import (  # noqa: E402
    Options,
    Section,
    Target,
    ensure_explore,
    load_average,
    machine_info,
    quiet_streamlit,
)

PARTS = ("payload", "time", "export", "scale")  # "time": cold starts and the toggle rerun


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark the map app against GeoDataFrame.explore().")
    p.add_argument("--quick", action="store_true", help="fewer repetitions (2 cold starts, 10 toggles, 2 reps)")
    p.add_argument("--skip-china", action="store_true", help="leave out the 2,875 counties of China")
    p.add_argument("--skip-browser", action="store_true", help="no Chromium: no cold starts, no drawing times")
    p.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts of {', '.join(PARTS)}")
    p.add_argument("--reps", type=int, help="repetitions of fast measurements (default 5)")
    p.add_argument("--cold-starts", type=int, help="cold app starts (default 5)")
    p.add_argument("--toggles", type=int, help="timed layer-toggle reruns (default 15)")
    p.add_argument("--explore-timeout", type=float, default=180.0, help="seconds allowed for explore() pages")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md", help="report file")
    return p.parse_args(argv)


def options(args: argparse.Namespace) -> Options:
    quick = args.quick
    return Options(
        reps=args.reps or (2 if quick else 5),
        slow_reps=1 if quick else 3,
        toggles=args.toggles or (10 if quick else 15),
        cold_starts=args.cold_starts or (2 if quick else 5),
        skip_china=args.skip_china,
        skip_browser=args.skip_browser,
        explore_timeout=args.explore_timeout,
    )


def guarded(title: str, fn: Callable[[], Section]) -> Section:
    """Run one part; a crash becomes a FAIL in the report instead of ending the run."""
    t0 = time.perf_counter()
    print(f"[bench] {title} …", flush=True)
    try:
        sec = fn()
    except Exception as exc:
        traceback.print_exc()
        sec = Section(
            title, targets=[Target(f"{title}: ran to the end", "no error", f"{type(exc).__name__}: {exc}", False)]
        )
    print(f"[bench] {title} done in {time.perf_counter() - t0:.0f} s", flush=True)
    return sec


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    opts = options(args)
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    if unknown := parts - set(PARTS):
        raise SystemExit(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    quiet_streamlit()
    notes = [n for n in [ensure_explore()] if n]
    started, t0 = datetime.now(), time.perf_counter()
    machine = machine_info()

    from geo_app.mapview import COUNTY_LINE, MapSpec, shown_counties

    from geo_app.mapdata import load_map_data

    data = load_map_data()
    n_counties = len(shown_counties(data, MapSpec()))
    cold: list[dict[str, Any]] | None = None
    scale_sec: Section | None = None
    from bench.pages import browser

    with contextlib.ExitStack() as stack:
        b = None if opts.skip_browser else stack.enter_context(browser())
        if b is not None and parts & {"payload", "time"}:
            print(f"[bench] {opts.cold_starts} cold starts of the app …", flush=True)
            cold = apptime.cold_starts(b, opts.cold_starts, n_counties, COUNTY_LINE)
        if "scale" in parts:
            scale_sec = guarded("scale", lambda: scale.section(data, opts, b))

    first_ok = next((c for c in cold or [] if "bytes" in c), None)
    sections: list[Section] = []
    if "payload" in parts:
        sections.append(guarded("payload", lambda: payload.section(data, first_ok["bytes"] if first_ok else None)))
    if "time" in parts:
        sections.append(guarded("time to map and rerun", lambda: apptime.section(opts, cold)))
    if "export" in parts:
        sections.append(guarded("exports", lambda: exports.section(data, opts)))
    if scale_sec is not None:
        sections.append(scale_sec)

    notes.append(f"Load average at the end (1/5/15 min): {load_average()} on {machine['Cores (logical)']} cores.")
    given = sys.argv[1:] if argv is None else argv
    command = " ".join(["python bench/run.py", *given])
    text = report.render(sections, machine, started, time.perf_counter() - t0, command, notes)
    path = report.write(args.out, text, sections, machine)
    failed = [t.what for s in sections for t in s.targets if t.passed is False]
    print(f"[bench] wrote {path}; {len(failed)} target(s) failed" + (f": {'; '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
