"""Search index of plan items and counties (Chinese and English names): select and fly to.

Region-wide items have no place: choosing one opens its region's list instead of flying.
"""

from __future__ import annotations

import pandas as pd

from geo_app.details import county_label
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData
from geo_app.web.frames import region_anchor


def search_index(data: MapData, lang: str, plans: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per item and county: label (both names), kind, ref, plan, lat, lon, zoom."""
    rows = []
    codes = data.counties_of_plans(plans)
    for r in data.counties[data.counties.adcode.isin(codes)].itertuples():
        p = r.geometry.representative_point()
        other = "en" if lang == "zh" else "zh"
        label = f"{t('county', lang)} · {county_label(r.name_zh, lang)} · {county_label(r.name_zh, other)}"
        rows.append(
            {"kind": "county", "ref": int(r.adcode), "plan": None, "lat": p.y, "lon": p.x, "zoom": 10, "label": label}
        )
    cats = data.catalog.categories
    f = data.features if plans is None else data.features[data.features.plan.isin(plans)]
    for r in f.itertuples():
        if r.geometry is None:
            lon, lat = region_anchor(data, data.catalog.plans[r.plan].regions)
            kind, zoom = "region_wide", 8
        else:
            p = r.geometry.representative_point() if r.shape != "point" else r.geometry
            lon, lat = p.x, p.y
            kind, zoom = "feature", 12 if r.shape == "point" else 9
        cat = cats[r.category]
        rows.append(
            {
                "kind": kind,
                "ref": r.id,
                "plan": r.plan,
                "lat": lat,
                "lon": lon,
                "zoom": zoom,
                "label": f"{pick(cat['label_zh'], cat['label_en'], lang)} · {pick(r.name_zh, r.name_en, lang)}"
                f" · {pick(r.name_en, r.name_zh, lang)}",
            }
        )
    return pd.DataFrame.from_records(rows, columns=["kind", "ref", "plan", "lat", "lon", "zoom", "label"])
