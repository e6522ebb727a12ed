"""The county × plan-item table: which items concern each county, and why.

Each row says how the county is linked (``link``):
- ``named``: the item's sentence names the county (its ``counties``);
- ``inside``: not named, but the item's zone, drawn shape or site lies in the county (areas
  only when they cover at least ``MIN_SHARE`` of it);
- ``region_wide``: the item is tied to the whole plan region; no area share, never 100 %.
``share_of_county`` is the covered share for areas (equal-area projection), empty otherwise;
``named_in_plan`` is true only where the county's name or short form occurs in the quote.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo_app.boundaries import CHINA_ALBERS
from geo_app.catalog import Catalog
from geo_app.catalog_rules import plan_units
from geo_app.fileio import atomic_write_bytes

#: Areas covering less than this share of a county are border slivers, not real coverage.
MIN_SHARE = 0.05
LINKS = ("named", "inside", "region_wide")

JOIN_COLUMNS = [
    "adcode",
    "county_zh",
    "county_en",
    "feature_id",
    "name_zh",
    "name_en",
    "plan",
    "category",
    "section",
    "location",
    "link",
    "shape",
    "share_of_county",
    "named_in_plan",
    "quote",
]


def _shares(features: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> dict[tuple[str, int], float | None]:
    """(feature id, county) -> covered share for areas, None for lines and points, for drawn items."""
    cty = counties[["adcode", "geometry"]].to_crs(CHINA_ALBERS)
    cty["county_area"] = cty.area
    drawn = features[features["shape"] != "none"][["id", "shape", "geometry"]].to_crs(CHINA_ALBERS)
    pairs = gpd.sjoin(drawn, cty, how="inner", predicate="intersects")
    out: dict[tuple[str, int], float | None] = {}
    for r in pairs.itertuples():
        county_geom = cty.loc[r.index_right, "geometry"]
        if r.shape == "area":
            share = r.geometry.intersection(county_geom).area / cty.loc[r.index_right, "county_area"]
            if share >= MIN_SHARE:
                out[(r.id, int(r.adcode))] = round(min(share, 1.0), 4)
        elif (r.shape == "point" and county_geom.covers(r.geometry)) or (
            r.shape == "line" and r.geometry.intersection(county_geom).length > 1000.0
        ):
            out[(r.id, int(r.adcode))] = None
    return out


def _region_wide_counties(catalog: Catalog, feature) -> list[int]:
    plan = catalog.plans[feature.plan]
    return sorted(plan_units(tuple(feature.within) or plan.regions).counties)


def county_item_table(catalog: Catalog, features: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per (county, item) pair, sorted by county, then link (named first), then catalog order."""
    shares = _shares(features, counties)
    names = counties.set_index("adcode")[["name_zh", "name_en"]]
    loaded = set(names.index)
    rows = []
    for order, f in enumerate(catalog.features):
        units = plan_units(catalog.plans[f.plan].regions)
        if f.location == "region_wide":
            links = {c: ("region_wide", None) for c in _region_wide_counties(catalog, f)}
        else:
            links = {c: ("inside", s) for (fid, c), s in shares.items() if fid == f.id}
            links.update({c: ("named", shares.get((f.id, c))) for c in f.counties})
        for code, (link, share) in links.items():
            if code not in loaded:
                continue
            rows.append(
                {
                    "adcode": code,
                    "county_zh": names.at[code, "name_zh"],
                    "county_en": names.at[code, "name_en"],
                    "feature_id": f.id,
                    "name_zh": f.name_zh,
                    "name_en": f.name_en,
                    "plan": f.plan,
                    "category": f.category,
                    "section": f.section,
                    "location": f.location,
                    "link": link,
                    "shape": features.at[order, "shape"],
                    "share_of_county": share,
                    "named_in_plan": units.named(code, f.quote),
                    "quote": f.quote,
                    "_o": order,
                }
            )
    table = pd.DataFrame.from_records(rows, columns=[*JOIN_COLUMNS, "_o"])
    table["share_of_county"] = table["share_of_county"].astype(float)
    table["named_in_plan"] = table["named_in_plan"].astype(bool)
    table["_l"] = table["link"].map({k: i for i, k in enumerate(LINKS)})
    table = table.sort_values(["adcode", "_l", "_o"]).drop(columns=["_o", "_l"])
    return table.reset_index(drop=True)


def write_csv(table: pd.DataFrame, path) -> None:
    """CSV with a UTF-8 BOM so Excel on Chinese Windows opens the Chinese text correctly."""
    atomic_write_bytes(path, table.to_csv(index=False).encode("utf-8-sig"))
