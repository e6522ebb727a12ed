"""What an export holds: the plan items, the county boundaries and the county × item rows.

``select_layers`` turns layer tokens, regions and counties into a :class:`Selection`. Items
keep their place as the catalog knows it: region-wide items have no geometry (they carry
``region_adcodes``); in a single-county export the drawn items are clipped to the county
(areas become their intersection with it, with ``share_of_county``), and an item named in
the sentence whose drawn place lies outside the county is listed without geometry.
Regions go through one resolver: a region choice of the catalog (``all``, a plan id, a
region adcode) or else ``boundaries.resolve_region`` (adcode, full name or short form).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_app import boundaries, details, prepared, regions
from geo_app.catalog import Catalog
from geo_app.catalog_rules import LOCATION_KINDS, plan_units
from geo_app.i18n import t
from geo_app.styles import item_styles

if TYPE_CHECKING:
    from geo_app.catalog import Plan
    from geo_app.mapdata import MapData

#: Item properties, in export order (list columns: counties, region_adcodes, related).
ITEM_COLUMNS = [
    "id",
    "plan",
    "plan_zh",
    "name_zh",
    "name_en",
    "category",
    "category_zh",
    "category_en",
    "section",
    "quote",
    "counties",
    "status",
    "location",
    "location_zh",
    "location_en",
    "location_source",
    "location_source_zh",
    "width",
    "buffer_km",
    "region_wide",
    "region_adcodes",
    "outside_region",
    "related",
    "review",
    "shape",
]
#: Added to the items of a single-county export.
COUNTY_ITEM_COLUMNS = ["link", "share_of_county"]
COUNTY_COLUMNS = [
    "adcode",
    "name_zh",
    "name_en",
    "label_zh",
    "label_en",
    "level",
    "prefecture_adcode",
    "prefecture_zh",
    "prefecture_en",
    "province_zh",
    "province_en",
    "area_km2",
    "plans",
    "n_items",
]
LIST_COLUMNS = ("counties", "region_adcodes", "related", "plans")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAKS = re.compile(r"[\t\r\n]+")


def is_text(values: pd.Series) -> bool:
    """A column of text (object or pandas' string dtype)."""
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


def clean_text(value):
    """Text free of control characters (tabs and line breaks become one space); other values as they are."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", _BREAKS.sub(" ", value))


@dataclass
class Selection:
    """The items, counties and county × item rows of one export (WGS84)."""

    catalog: Catalog
    features: gpd.GeoDataFrame  # ITEM_COLUMNS (+ COUNTY_ITEM_COLUMNS) + geometry; None: no drawn place
    counties: gpd.GeoDataFrame  # COUNTY_COLUMNS + geometry
    join: pd.DataFrame  # the county x item rows of these items and counties
    tokens: tuple[str, ...]
    counties_requested: bool
    plan_ids: tuple[str, ...]
    zone_regions: dict[int, list]  # region adcode -> its county geometries (for auto-gk)
    county_names: dict[int, str]  # adcode -> name of every loaded county (detail rows name them)
    styles: pd.DataFrame  # per item id: color, hatch, slot (styles.item_styles, as on the web map)
    regions: tuple[str, ...] = ()  # region choice ids or adcodes
    county_filter: tuple[int, ...] = ()

    @property
    def plans(self) -> dict[str, Plan]:
        return {p: self.catalog.plans[p] for p in self.plan_ids}

    @property
    def drawn(self) -> gpd.GeoDataFrame:
        """Items with a geometry."""
        return self.features[self.features.geometry.notna()]

    @property
    def listed(self) -> gpd.GeoDataFrame:
        """Items without a geometry: region-wide ones (and, in a county export, named ones drawn elsewhere)."""
        return self.features[self.features.geometry.isna()]

    def describe(self) -> str:
        parts = [f"layers={','.join(self.tokens)}"]
        if self.regions:
            parts.append(f"region={','.join(self.regions)}")
        if self.county_filter:
            parts.append(f"county={','.join(str(c) for c in self.county_filter)}")
        return "; ".join(parts)

    def slug(self) -> str:
        """An ASCII file-name part: the layer tokens, then the region and county filters."""
        words = [*self.tokens, *self.regions]  # regions are choice ids or adcodes
        slug = "-".join(re.sub(r"[^A-Za-z0-9_]+", "-", w).strip("-") for w in words if w.isascii())
        slug = re.sub(r"-+", "-", slug).strip("-")
        if not slug or len(slug) > 60 or any(not w.isascii() for w in words):
            slug = (slug[:40] + "-" if slug else "") + "selection"
        if self.county_filter:
            slug += "_" + "-".join(str(c) for c in self.county_filter)
        return slug


@lru_cache(maxsize=1)
def cached_map_data() -> MapData:
    """The map data, built once per process (CLI and tests; the Streamlit app has its own cache)."""
    from geo_app.mapdata import load_map_data

    return load_map_data()


def _vocabulary(data: MapData) -> dict[str, tuple[str, str]]:
    """token -> (kind, value) for every layer token the selection understands."""
    f, cat = data.features, data.catalog
    vocab: dict[str, tuple[str, str]] = {"all": ("all", "all"), "counties": ("counties", "counties")}
    for pid, plan in cat.plans.items():
        for alias in (pid, plan.short_zh, plan.short_en):
            vocab.setdefault(alias, ("plan", pid))
    for cid, c in cat.categories.items():
        if cid in set(f["category"]):
            for alias in (cid, c["label_zh"], c["label_en"]):
                vocab.setdefault(alias, ("category", cid))
    for kind in LOCATION_KINDS:
        vocab.setdefault(kind, ("location", kind))
    for p, c in sorted(set(zip(f["plan"], f["category"], strict=True))):
        vocab[f"{p}:{c}"] = ("layer", f"{p}:{c}")
    for fid in f["id"]:
        vocab[fid] = ("feature", fid)
    return vocab


def _tokens(layers: list[str] | str) -> list[str]:
    raw = layers.replace("，", ",").split(",") if isinstance(layers, str) else list(layers)
    tokens = [str(tok).strip() for tok in raw if tok and str(tok).strip()]
    if not tokens:
        raise ValueError("no layers given; use all, counties, a plan, a category, plan:category or feature ids")
    return tokens


def _mask(tokens: list[str], data: MapData) -> tuple[pd.Series, bool]:
    """Which items the tokens name, and whether county boundaries were asked for."""
    vocab = _vocabulary(data)
    lower = {k.lower(): v for k, v in vocab.items()}
    f = data.features
    column = {
        "plan": f["plan"],
        "category": f["category"],
        "location": f["location"],
        "layer": f["plan"] + ":" + f["category"],
        "feature": f["id"],
    }
    mask = pd.Series(False, index=f.index)
    counties = False
    for tok in tokens:
        hit = vocab.get(tok) or lower.get(tok.lower())
        if hit is None:
            near = difflib.get_close_matches(tok.lower(), sorted(lower), n=4, cutoff=0.6)
            did = f"; did you mean: {', '.join(near)}?" if near else ""
            plans = ", ".join(data.catalog.plans)
            raise ValueError(
                f"unknown layer {tok!r}{did} (use all, counties, a plan ({plans}), a category, "
                "a location kind, plan:category or a feature id)"
            )
        kind, value = hit
        if kind == "counties":
            counties = True
        elif kind == "all":
            mask |= True
        else:
            mask |= column[kind] == value
    return mask, counties


def _split(values: list[str] | str | None) -> list[str]:
    if not values:
        return []
    items = [values] if isinstance(values, str) else list(values)
    return [v.strip() for item in items for v in str(item).replace("，", ",").split(",") if v.strip()]


def resolve_region_counties(values: list[str], data: MapData) -> tuple[gpd.GeoDataFrame, tuple[str, ...]]:
    """County boundaries of the regions named, and their ids (a region choice id or an adcode).

    A value is a region choice of the catalog (all, a plan id, a region adcode) or else any
    region ``boundaries.resolve_region`` knows (adcode, full name or short form).
    """
    codes: list[int] = []
    other: list[int] = []  # regions that are no region choice: read whole (a province in one go)
    ids: list[str] = []
    for value in values:
        choice = regions.resolve_choice(data.catalog, value)
        if choice is not None:
            codes.extend(plan_units(choice.adcodes).counties)
            ids.append(choice.id)
        else:
            region = boundaries.resolve_region(value)  # raises with near matches
            other.append(region.adcode)
            ids.append(str(region.adcode))
    frames = [data.counties[data.counties.adcode.isin(codes)]]
    if other:
        frames.append(prepared.counties_for(other))
    gdf = pd.concat(frames, ignore_index=True).drop_duplicates("adcode").sort_values("adcode")
    return gpd.GeoDataFrame(gdf.reset_index(drop=True), geometry="geometry", crs=4326), tuple(ids)


def resolve_counties(values: list[str], data: MapData) -> tuple[int, ...]:
    """County adcodes named by adcode, full name or short form (boundaries.resolve_region, county level)."""
    out = []
    for value in values:
        try:
            out.append(boundaries.resolve_region(value, level="county").adcode)
        except boundaries.RegionNotFoundError as exc:
            raise LookupError(str(exc).replace("unknown region", "unknown county", 1)) from None
    return tuple(dict.fromkeys(out))


def _item_frame(data: MapData, mask: pd.Series) -> gpd.GeoDataFrame:
    """The selected items with export columns (text cleaned of control characters)."""
    cat = data.catalog
    f = data.features[mask].copy()
    loc = cat.location_styles
    f["plan_zh"] = f["plan"].map(lambda p: cat.plans[p].short_zh)
    f["location_zh"] = f["location"].map(lambda k: loc.get(k, {}).get("label_zh", k))
    f["location_en"] = f["location"].map(lambda k: loc.get(k, {}).get("label_en", k))
    f["region_adcodes"] = [
        (list(w) or list(cat.plans[p].regions)) if rw else []
        for p, w, rw in zip(f["plan"], f["within"], f["region_wide"], strict=True)
    ]
    for col in ITEM_COLUMNS:
        if is_text(f[col]):
            f[col] = f[col].map(clean_text)
    return gpd.GeoDataFrame(f[[*ITEM_COLUMNS, "geometry"]].reset_index(drop=True), geometry="geometry", crs=4326)


def _clip_to_counties(
    items: gpd.GeoDataFrame, join: pd.DataFrame, codes: tuple[int, ...], counties: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Drawn items clipped to the counties; ``link`` and (one county) ``share_of_county`` from the join."""
    area = shapely.union_all(counties.geometry.values)
    geoms = items.geometry.values
    has = ~shapely.is_missing(geoms)
    clipped = np.array(geoms, dtype=object)
    clipped[has] = shapely.intersection(geoms[has], area)
    clipped = [None if g is None or g.is_empty else g for g in clipped]
    out = items.set_geometry(gpd.GeoSeries(clipped, crs=4326, index=items.index))
    rows = join[join.adcode.isin(codes)]
    rank = rows.assign(_r=rows["link"].map({"named": 0, "inside": 1, "region_wide": 2})).sort_values("_r")
    best = rank.drop_duplicates("feature_id").set_index("feature_id")
    out["link"] = out["id"].map(best["link"])
    out["share_of_county"] = out["id"].map(best["share_of_county"]) if len(codes) == 1 else np.nan
    return out


def _county_frame(counties: gpd.GeoDataFrame, join: pd.DataFrame, data: MapData) -> gpd.GeoDataFrame:
    """County boundaries with display labels, the plans covering them and their item count."""
    c = counties.copy()
    c["label_zh"] = c["name_zh"].map(lambda n: details.county_label(n, "zh"))
    c["label_en"] = c["name_zh"].map(lambda n: details.county_label(n, "en"))
    c["plans"] = [[p for p, codes in data.plan_counties.items() if int(a) in codes] for a in c["adcode"]]
    c["n_items"] = c["adcode"].astype(int).map(join.groupby("adcode").size()).fillna(0).astype(int)
    return gpd.GeoDataFrame(c[[*COUNTY_COLUMNS, "geometry"]].reset_index(drop=True), geometry="geometry", crs=4326)


def _zone_regions(plan_ids: list[str], counties: gpd.GeoDataFrame, data: MapData) -> dict[int, list]:
    """Each plan region touched by the selection -> its county geometries; other counties by prefecture."""
    chosen = set(counties.adcode.astype(int))
    by_code = data.counties.set_index("adcode").geometry
    out: dict[int, list] = {}
    covered: set[int] = set()
    for pid in plan_ids:
        for code in data.catalog.plans[pid].regions:
            members = set(plan_units((code,)).counties)
            if members & chosen:
                out[code] = [by_code[c] for c in sorted(members) if c in by_code.index]
                covered |= members
    for r in counties[~counties.adcode.isin(covered)].itertuples():
        key = int(r.prefecture_adcode) if pd.notna(r.prefecture_adcode) else int(r.adcode)
        out.setdefault(key, []).append(r.geometry)
    return out


def select_layers(
    layers: list[str] | str = "all",
    regions: list[str] | str | None = None,
    county: list[str] | str | None = None,
    data: MapData | None = None,
) -> Selection:
    """The items named by ``layers``, limited to ``regions`` / ``county``.

    ``layers`` tokens: ``all``, ``counties`` (boundaries), a plan id or short name, a category
    (id or label), a location kind (``site``, ``region_wide`` …), ``plan:category`` or feature
    ids. ``regions`` sets the county boundaries and keeps the items linked to them; ``county``
    keeps the items linked to those counties and clips drawn items to them.
    """
    data = data or cached_map_data()
    tokens = _tokens(layers)
    mask, counties_requested = _mask(tokens, data)
    asked = bool(mask.any())
    region_values, county_values = _split(regions), _split(county)
    join = data.join
    region_ids: tuple[str, ...] = ()
    if region_values:
        counties, region_ids = resolve_region_counties(region_values, data)
    else:
        plans = set(data.features.loc[mask, "plan"]) or set(data.catalog.plans)
        counties = data.counties[data.counties.adcode.isin(data.counties_of_plans(tuple(plans)))]
    codes: tuple[int, ...] = ()
    if county_values:
        codes = resolve_counties(county_values, data)
        inside = counties[counties.adcode.isin(codes)]
        if len(inside) < len(codes):
            missing = sorted(set(codes) - set(inside.adcode))
            raise ValueError(f"county {','.join(map(str, missing))} is not in the selected region")
        counties = inside
    chosen = set(counties.adcode.astype(int))
    if region_values or codes:
        mask &= data.features["id"].isin(set(join.loc[join.adcode.isin(chosen), "feature_id"]))
    if asked and not mask.any():
        raise ValueError(f"no plan items of layers {','.join(tokens)} are linked to the selected region or county")
    items = _item_frame(data, mask)
    sel_join = join[join.feature_id.isin(set(items["id"])) & join.adcode.isin(chosen)].reset_index(drop=True)
    if codes:
        items = _clip_to_counties(items, sel_join, codes, counties)
    plan_ids = list(dict.fromkeys(items["plan"])) or [p for p, cs in data.plan_counties.items() if chosen & set(cs)]
    return Selection(
        catalog=data.catalog,
        features=items,
        counties=_county_frame(counties, sel_join, data),
        join=_join_frame(sel_join),
        tokens=tuple(tokens),
        counties_requested=counties_requested,
        plan_ids=tuple(plan_ids),
        zone_regions=_zone_regions(plan_ids, counties, data),
        county_names=dict(zip(data.counties.adcode.astype(int), data.counties.name_zh, strict=True))
        | dict(zip(counties.adcode.astype(int), counties.name_zh, strict=True)),
        styles=item_styles(data.catalog, data.features.set_index("id")["shape"]),
        regions=region_ids,
        county_filter=codes,
    )


def _join_frame(join: pd.DataFrame) -> pd.DataFrame:
    """The county x item rows with the link reason spelled out in both languages."""
    out = join.copy()
    pos = out.columns.get_loc("link") + 1
    out.insert(pos, "link_zh", out["link"].map(lambda k: t(f"link_{k}", "zh")))
    out.insert(pos + 1, "link_en", out["link"].map(lambda k: t(f"link_{k}", "en")))
    for col in out.columns:
        if is_text(out[col]):
            out[col] = out[col].map(clean_text)
    return out
