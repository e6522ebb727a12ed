"""The county × plan-item table: which items touch each county, and how much of it they cover.

An item touches a county when its geometry overlaps the county by more than a sliver
(areas), runs through it (lines) or lies in it (points). For areas the table gives the
share of the county's area the item covers, measured in an equal-area projection.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo_app.boundaries import CHINA_ALBERS

#: Overlaps smaller than this share of a county are border slivers, not real coverage.
MIN_SHARE = 0.001

JOIN_COLUMNS = [
    "adcode", "county_zh", "county_en", "feature_id", "name_zh", "name_en", "plan", "category",
    "section", "precision", "shape", "share_of_county", "named_in_plan", "quote",
]  # fmt: skip


def county_item_table(features: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per (county, item) pair that touch; sorted by county then plan order."""
    cty = counties[["adcode", "name_zh", "name_en", "geometry"]].to_crs(CHINA_ALBERS)
    cty = cty.rename(columns={"name_zh": "county_zh", "name_en": "county_en"})
    cty["county_area"] = cty.area
    feats = features.to_crs(CHINA_ALBERS).reset_index(drop=True)
    feats = feats.rename(columns={"id": "feature_id"})
    pairs = gpd.sjoin(feats, cty, how="inner", predicate="intersects")
    rows = []
    for _, r in pairs.iterrows():
        county_geom = cty.loc[r.index_right, "geometry"]
        share = None
        if r["shape"] == "area" and r.get("recipe") == "counties":
            # a union of whole counties covers each of its counties entirely and its neighbours not
            # at all: no need to intersect full-detail polygons
            if int(r.adcode) not in set(r.counties):
                continue
            share = 1.0
        elif r["shape"] == "area":
            share = r.geometry.intersection(county_geom).area / r.county_area
            if share < MIN_SHARE:
                continue
        elif (r["shape"] == "line" and r.geometry.intersection(county_geom).length < 1.0) or (
            r["shape"] == "point" and not county_geom.covers(r.geometry)
        ):
            continue
        rows.append(
            {
                "adcode": int(r.adcode),
                "county_zh": r.county_zh,
                "county_en": r.county_en,
                "feature_id": r.feature_id,
                "name_zh": r.name_zh,
                "name_en": r.name_en,
                "plan": r.plan,
                "category": r.category,
                "section": r.section,
                "precision": r.precision,
                "shape": r["shape"],
                "share_of_county": None if share is None else round(min(share, 1.0), 4),
                "named_in_plan": int(r.adcode) in set(r.counties),
                "quote": r.quote,
            }
        )
    order = {fid: i for i, fid in enumerate(features["id"])}
    table = pd.DataFrame.from_records(rows, columns=JOIN_COLUMNS)
    table["share_of_county"] = table["share_of_county"].astype(float)
    table["_o"] = table["feature_id"].map(order)
    return table.sort_values(["adcode", "_o"]).drop(columns="_o").reset_index(drop=True)


def write_csv(table: pd.DataFrame, path) -> None:
    """CSV with a UTF-8 BOM so Excel on Chinese Windows opens the Chinese text correctly."""
    table.to_csv(path, index=False, encoding="utf-8-sig")
