"""1. Default-view payload: what st_folium ships for the map versus ``GeoDataFrame.explore()``."""

from __future__ import annotations

import itertools
import json
import re
import time
from typing import Any

import folium
import geopandas as gpd
import shapely
import streamlit_folium as sf
from geo_app.urlsync import UrlSync

from bench.common import ROOT, Row, Section, Target, fmt_bytes, fmt_s, patched, ratio, vendored_size
from geo_app.boundaries import CHINA_ALBERS
from geo_app.mapdata import MapData
from geo_app.web import assets, mapview

APP = ROOT / "streamlit_app.py"
STRING_ARGS = ("script", "header", "html", "feature_group", "layer_control")
ASSET_TAG_RE = re.compile(r'<script src="([^"]+)"></script>|<link rel="stylesheet" href="([^"]+)"/>')


def default_spec(data: MapData) -> mapview.MapSpec:
    """The app's first view: Chinese, offline basemap, both plans, every layer on."""
    return mapview.MapSpec(lang="zh", basemap="offline", visible_layers=frozenset(mapview.layer_keys(data)))


def component_args(data: MapData) -> tuple[dict[str, Any], float]:
    """The st_folium component arguments for the default view, built as streamlit_app.py builds them.

    ``st_folium`` runs for real; only the final component call is captured. Returns the args
    and the seconds it took (map building + rendering).
    """
    captured: dict[str, Any] = {}
    t0 = time.perf_counter()
    spec = default_spec(data)
    base = mapview.base_map(data, spec)
    UrlSync().add_to(base)
    groups = list(mapview.plan_layers(data, spec).values())
    assets.localize_map(base, assets.STREAMLIT_BASE_URL)
    for group in groups:
        assets.localize_map(group, assets.STREAMLIT_BASE_URL)
    with patched(sf, "_component_func", lambda **kw: captured.update(kw)):
        sf.st_folium(
            base,
            key="map",
            height=720,
            use_container_width=True,
            feature_group_to_add=groups,
            returned_objects=["last_active_drawing"],
        )
    return captured, time.perf_counter() - t0


def app_component_args() -> dict[str, Any] | None:
    """What the real streamlit_app.py passes to the map component on its first run (AppTest)."""
    from streamlit.testing.v1 import AppTest

    calls: list[dict[str, Any]] = []
    original = sf._component_func

    def spy(**kw: Any) -> Any:
        calls.append(kw)
        return original(**kw)

    with patched(sf, "_component_func", spy):
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.run()
    return calls[-1] if calls else None


def sizes(args: dict[str, Any]) -> dict[str, Any]:
    """Bytes of the component payload: the JS/HTML strings (UTF-8), the JSON Streamlit sends, the assets."""
    strings = {k: len(args[k].encode()) for k in STRING_ARGS if isinstance(args.get(k), str)}
    wire = len(json.dumps({k: v for k, v in args.items() if k != "on_change"}).encode())
    links = [*args.get("css_links", []), *args.get("js_links", [])]
    return {
        "strings": strings,
        "raw": sum(strings.values()),
        "wire": wire,
        "assets": sum(vendored_size(u) for u in links),
        "n_assets": len(links),
    }


def explore_map(data: MapData) -> tuple[folium.Map, float]:
    """explore() of the same counties and plan features at full detail (tooltips on), as a user would."""
    t0 = time.perf_counter()
    m = data.counties.explore()
    data.features.explore(m=m)
    m.get_root().render()
    return m, time.perf_counter() - t0


def explore_sizes(m: folium.Map) -> dict[str, Any]:
    """Bytes of explore()'s page: all of it, without the asset tags (map data), and the linked assets."""
    html = m.get_root().render()
    links = [a or b for a, b in ASSET_TAG_RE.findall(html)]
    data_only = ASSET_TAG_RE.sub("", html)
    return {
        "page": len(html.encode()),
        "map_data": len(data_only.encode()),
        "assets": sum(vendored_size(u) for u in links),
        "n_assets": len(links),
    }


def _holes_km2(geoms: Any) -> tuple[int, float]:
    """Interior rings of the union (holes between counties): count and km²."""
    union = shapely.union_all(geoms)
    holes = [shapely.Polygon(r) for p in getattr(union, "geoms", [union]) for r in p.interiors]
    if not holes:
        return 0, 0.0
    area = gpd.GeoSeries(holes, crs=4326).to_crs(CHINA_ALBERS).area.sum() / 1e6
    return len(holes), float(area)


def border_check(display: gpd.GeoDataFrame, full: gpd.GeoDataFrame) -> dict[str, Any]:
    """Do the display counties (what we send) still share their borders exactly?"""
    d = display.set_index("adcode").geometry
    f = full.set_index("adcode").geometry
    pairs = [
        (a, b) for a, b in itertools.combinations(f.index, 2) if f[a].boundary.intersection(f[b].boundary).length > 0
    ]
    kept = sum(1 for a, b in pairs if d[a].boundary.intersection(d[b].boundary).length > 0)
    overlaps = sum(d[a].intersection(d[b]).area for a, b in itertools.combinations(d.index, 2))
    holes_d, holes_d_km2 = _holes_km2(display.geometry.values)
    holes_f, _ = _holes_km2(full.geometry.values)
    return {
        "coverage_is_valid": bool(shapely.coverage_is_valid(display.geometry.values)),
        "no_gaps_under_100m": bool(shapely.coverage_is_valid(display.geometry.values, gap_width=1e-3)),
        "adjacent_pairs": len(pairs),
        "pairs_sharing_an_edge": kept,
        "overlap_deg2": float(overlaps),
        "holes": holes_d,
        "holes_km2": holes_d_km2,
        "holes_in_source": holes_f,
    }


def section(data: MapData, app_bytes: dict[str, Any] | None) -> Section:
    """Measure, compare and judge the default-view payload."""
    sec = Section("1. Default-view payload (two prefectures, every plan layer)")
    args, build_s = component_args(data)
    ours = sizes(args)
    real = app_component_args()
    real_sizes = sizes(real) if real else None
    m, explore_s = explore_map(data)
    base = explore_sizes(m)
    check = border_check(mapview.shown_counties(data, default_spec(data)), data.counties)

    s = ours["strings"]
    sec.rows += [
        Row(
            "Map data: st_folium component args as sent (JSON)",
            fmt_bytes(ours["wire"]),
            fmt_bytes(base["map_data"]),
            ratio(ours["wire"], base["map_data"]),
            "explore(): its HTML page without the asset tags",
        ),
        Row(
            "Map data: the JS/HTML strings (UTF-8)",
            fmt_bytes(ours["raw"]),
            fmt_bytes(base["map_data"]),
            ratio(ours["raw"], base["map_data"]),
            f"base map script {fmt_bytes(s.get('script'))} + plan layers {fmt_bytes(s.get('feature_group'))} "
            f"+ header {fmt_bytes(s.get('header'))}",
        ),
        Row(
            "Vendored JS/CSS linked (served once, cacheable)",
            f"{fmt_bytes(ours['assets'])} ({ours['n_assets']} files)",
            f"{fmt_bytes(base['assets'])} ({base['n_assets']} files)",
            "",
            "the same vendored Leaflet etc.; ours adds markercluster",
        ),
        Row(
            "Map data + linked assets",
            fmt_bytes(ours["wire"] + ours["assets"]),
            fmt_bytes(base["map_data"] + base["assets"]),
            ratio(ours["wire"] + ours["assets"], base["map_data"] + base["assets"]),
        ),
        Row("Build + render time in Python", fmt_s(build_s), fmt_s(explore_s), ratio(build_s, explore_s, "faster")),
    ]
    if real_sizes:
        same = abs(real_sizes["wire"] - ours["wire"]) / ours["wire"] < 0.02
        sec.rows.append(
            Row(
                "Map data the real app sends (AppTest, first run, JSON)",
                fmt_bytes(real_sizes["wire"]),
                note="matches the rebuilt view" if same else "differs from the rebuilt view",
            )
        )
    if app_bytes:
        sec.rows += [
            Row(f"Browser, whole app page: {k}", fmt_bytes(v), note=f"{app_bytes['count'].get(k, 0)} responses/frames")
            for k, v in sorted(app_bytes["decoded"].items(), key=lambda kv: -kv[1])
        ]
        sec.rows.append(
            Row(
                "Browser, whole app page: total received (decoded)",
                fmt_bytes(app_bytes["total_decoded"]),
                note=f"{fmt_bytes(app_bytes['total_wire'])} as transferred (compressed HTTP); largest "
                f"websocket frame {fmt_bytes(app_bytes['ws_largest_frame'])}",
            )
        )
    sec.rows.append(
        Row(
            "Shared county borders in what we send",
            f"coverage valid: {check['coverage_is_valid']}; no gaps < 100 m: {check['no_gaps_under_100m']}; "
            f"{check['pairs_sharing_an_edge']}/{check['adjacent_pairs']} neighbour pairs share an edge; "
            f"holes between counties: {check['holes']} ({check['holes_km2']:.3f} km²)",
        )
    )
    ok_borders = (
        check["coverage_is_valid"]
        and check["no_gaps_under_100m"]
        and check["holes"] == 0
        and check["pairs_sharing_an_edge"] == check["adjacent_pairs"]
    )
    sec.targets += [
        Target(
            "Default-view map payload ≤ ½ of explore()'s",
            "≤ 0.5×",
            f"{fmt_bytes(ours['wire'])} vs {fmt_bytes(base['map_data'])} = {ours['wire'] / base['map_data']:.3f}×",
            ours["wire"] <= base["map_data"] / 2,
        ),
        Target(
            "Shared county borders gap-free in what we send",
            "valid coverage, 0 gaps",
            f"{check['pairs_sharing_an_edge']}/{check['adjacent_pairs']} pairs, {check['holes']} holes",
            ok_borders,
        ),
    ]
    sec.notes += [
        "Ours: `mapview.base_map` + `UrlSync` + `mapview.plan_layers` for the default `MapSpec`, localized with "
        "`assets.localize_map`, passed through the real `streamlit_folium.st_folium`; only its final component call "
        "is captured. *As sent* is `json.dumps` of the component args, exactly what Streamlit puts in the "
        "websocket message (quotes escaped, Chinese as `\\uXXXX`), so it is larger than the raw strings.",
        "explore(): `data.counties.explore()` then `data.features.explore(m=m)` (full detail from `load_map_data()`, "
        "default tooltips), rendered with `m.get_root().render()`.",
    ]
    sec.raw = {
        "ours": ours,
        "real_app": real_sizes,
        "explore": base,
        "borders": check,
        "app_bytes": app_bytes,
        "build_s": build_s,
        "explore_s": explore_s,
    }
    return sec
