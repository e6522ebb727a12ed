"""Search index of plan features and counties (Chinese and English names) for fly-to."""

from __future__ import annotations

import pandas as pd

from geo_app.i18n import pick, t
from geo_app.mapdata import MapData


def search_index(data: MapData, lang: str) -> pd.DataFrame:
    """One row per feature and county: label (both names), kind, ref, lat, lon, zoom."""
    rows = []
    for r in data.counties.itertuples():
        p = r.geometry.representative_point()
        label = f"{t('county', lang)} · {pick(r.name_zh, r.name_en, lang)} · {pick(r.name_en, r.name_zh, lang)}"
        rows.append({"kind": "county", "ref": int(r.adcode), "lat": p.y, "lon": p.x, "zoom": 10, "label": label})
    cats = data.catalog.categories
    for r in data.features.itertuples():
        p = r.geometry.representative_point() if r.shape != "point" else r.geometry
        zoom = 12 if r.shape == "point" else 9
        cat = cats[r.category]
        rows.append({"kind": "feature", "ref": r.id, "lat": p.y, "lon": p.x, "zoom": zoom,
                     "label": f"{pick(cat['label_zh'], cat['label_en'], lang)} · {pick(r.name_zh, r.name_en, lang)}"
                              f" · {pick(r.name_en, r.name_zh, lang)}"})  # fmt: skip
    return pd.DataFrame.from_records(rows)
