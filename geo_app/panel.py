"""Content of the app's side panel, as plain data (no Streamlit), so it is unit-tested.

- ``identify_entries``: everything under a click, the county first;
- ``county_table``: a county's items in three groups: those whose sentence names the county,
  those whose zone or site lies in it (with the share), and the region-wide ones;
- ``feature_details``: one item's detail rows (``details.feature_rows``), quote and relations;
- ``region_items``: the region-wide items of a plan (what a badge stands for).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geo_app.details import DetailRow, county_label, feature_rows, location_phrase, region_wide_label, section_label
from geo_app.i18n import pick, t
from geo_app.identify import Identified
from geo_app.mapdata import MapData

GROUPS = ("named", "inside", "region_wide")
TABLE_COLUMNS = [
    "group",
    "feature_id",
    "name",
    "category",
    "plan",
    "section",
    "location",
    "share",
    "named_in_plan",
    "quote",
]


@dataclass
class Entry:
    """One line of an identify list: a county or an item."""

    kind: str  # county | item
    ref: str
    label: str
    sub: str = ""


@dataclass
class FeatureDetails:
    """What the panel shows for one item."""

    id: str
    title: str
    caption: str
    rows: list[DetailRow]
    quote: str
    related: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    region_wide: bool = False


def _county_names(data: MapData) -> dict[int, str]:
    return dict(zip(data.counties.adcode.astype(int), data.counties.name_zh, strict=True))


def _category(data: MapData, cat: str, lang: str) -> str:
    c = data.catalog.categories[cat]
    return pick(c["label_zh"], c["label_en"], lang)


def identify_entries(data: MapData, hit: Identified, lang: str) -> list[Entry]:
    """The identify list: the county (if any) first, then the items, each with its category."""
    out = []
    if hit.county is not None:
        name = _county_names(data)[hit.county]
        out.append(Entry("county", str(hit.county), county_label(name, lang), t("county", lang)))
    f = data.features.set_index("id")
    for fid in hit.items:
        r = f.loc[fid]
        sub = f"{_category(data, r.category, lang)} · {data.catalog.plans[r.plan].short(lang)}"
        out.append(Entry("item", fid, pick(r.name_zh, r.name_en, lang), sub))
    return out


def county_table(data: MapData, adcode: int, lang: str, plans: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The county's items: named first, then inside a zone (with share), then region-wide."""
    j = data.join[data.join.adcode == int(adcode)]
    if plans is not None:
        j = j[j.plan.isin(plans)]
    f = data.features.set_index("id")
    rows = []
    for r in j.itertuples():
        feat = f.loc[r.feature_id]
        rows.append(
            {
                "group": r.link,
                "feature_id": r.feature_id,
                "name": pick(r.name_zh, r.name_en, lang),
                "category": _category(data, r.category, lang),
                "plan": data.catalog.plans[r.plan].short(lang),
                "section": section_label(r.section, lang),
                "location": location_phrase({**feat.to_dict(), "location": feat.location}, data.catalog, lang),
                "share": None if pd.isna(r.share_of_county) else float(r.share_of_county),
                "named_in_plan": bool(r.named_in_plan),
                "quote": r.quote,
            }
        )
    table = pd.DataFrame.from_records(rows, columns=TABLE_COLUMNS)
    order = {g: i for i, g in enumerate(GROUPS)}
    return table.sort_values("group", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def county_title(data: MapData, adcode: int, lang: str) -> tuple[str, str]:
    """(label, caption) of a county: 和政县 / Hezheng County · 960 km² · adcode 622925."""
    row = data.counties.set_index("adcode").loc[int(adcode)]
    other = county_label(row.name_zh, "en" if lang == "zh" else "zh")
    return county_label(row.name_zh, lang), f"{other} · {row.area_km2:,.0f} km² · adcode {int(adcode)}"


def feature_details(data: MapData, feature_id: str, lang: str) -> FeatureDetails:
    """One item's title, detail rows, quote and related items."""
    f = data.features.set_index("id")
    r = f.loc[feature_id]
    row = {**r.to_dict(), "id": feature_id}
    related = [(rid, pick(f.loc[rid, "name_zh"], f.loc[rid, "name_en"], lang)) for rid in r.related if rid in f.index]
    return FeatureDetails(
        id=feature_id,
        title=pick(r.name_zh, r.name_en, lang),
        caption=pick(r.name_en, r.name_zh, lang),
        rows=feature_rows(row, data.catalog, _county_names(data), lang),
        quote=r.quote,
        related=related,
        region_wide=bool(r.region_wide),
    )


def region_items(data: MapData, plan: str, lang: str, visible: set[str] | None = None) -> tuple[str, pd.DataFrame]:
    """(title, table) of a plan's region-wide items (optionally only of visible layers)."""
    f = data.region_items(plan)
    if visible is not None:
        f = f[(f.plan + ":" + f.category).isin(visible)]
    title = f"{data.catalog.plans[plan].short(lang)} · {region_wide_label(data.catalog, plan, lang)}"
    table = pd.DataFrame(
        {
            "feature_id": f["id"],
            "name": [pick(a, b, lang) for a, b in zip(f.name_zh, f.name_en, strict=True)],
            "category": [_category(data, c, lang) for c in f.category],
            "section": [section_label(s, lang) for s in f.section],
            "quote": f.quote,
        }
    )
    return title, table.reset_index(drop=True)
