"""3. Export speed: every vector format of the writer registry, the standalone HTML map and the print image."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.common import Options, Row, Section, fmt_bytes, fmt_spread, median, time_call
from geo_app import export
from geo_app.mapdata import MapData

VECTOR_FORMATS = tuple(export.FORMATS)  # the writer registry: every format the CLI and the app offer


def _standalone_job(data: MapData) -> Callable[[], bytes] | None:
    """The standalone HTML map job, from whichever module has it (the web package is being rewired)."""
    try:
        from geo_app.web.spec import MapSpec
        from geo_app.web.standalone import standalone_html
    except ImportError:
        try:
            from geo_app.mapview import MapSpec
            from geo_app.standalone import standalone_html
        except ImportError:
            return None
    return lambda: standalone_html(data, MapSpec(lang="zh")).encode()


def _jobs(data: MapData) -> list[tuple[str, Callable[[], bytes], bool]]:
    """(label, job returning the file's bytes, slow?) for every export."""
    jobs: list[tuple[str, Callable[[], bytes], bool]] = [
        (
            f"{fmt} (`export_bytes(['all'], '{fmt}', 'EPSG:4326')`)",
            lambda fmt=fmt: export.export_bytes(["all"], fmt, "EPSG:4326", data=data).content,
            False,
        )
        for fmt in VECTOR_FORMATS
    ]
    html = _standalone_job(data)
    if html is not None:
        jobs.append(("standalone HTML (`standalone_html`, all plans, zh)", html, False))
    try:
        from geo_app import image
    except ImportError:
        return jobs
    if hasattr(image, "image_bytes"):
        for fmt in ("png", "pdf"):
            jobs.append(
                (
                    f"image {fmt.upper()} (`image_bytes`, A4, both plans, 300 dpi)",
                    lambda fmt=fmt: image.image_bytes(fmt, data=data, size="a4", lang="zh", region="both")[2],
                    True,
                )
            )
    return jobs


def section(data: MapData, opts: Options) -> Section:
    """Median time and size of each export."""
    sec = Section("3. Export speed (all plan features + counties)")
    raw: dict[str, Any] = {}
    for label, job, slow in _jobs(data):
        try:
            job()  # warm-up: lazy imports, font discovery, GDAL drivers
            times, content = time_call(job, opts.slow_reps if slow else opts.reps)
        except Exception as exc:  # an export that fails is a result too
            sec.rows.append(Row(label, "failed", note=f"{type(exc).__name__}: {exc}"[:200]))
            raw[label] = {"error": str(exc)}
            continue
        sec.rows.append(Row(label, fmt_spread(times), note=fmt_bytes(len(content))))
        raw[label] = {"seconds": times, "median_s": median(times), "bytes": len(content)}
    sec.notes.append("Times are medians after one warm-up call; the note column gives the size of the file produced.")
    sec.raw = raw
    return sec
