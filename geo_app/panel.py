"""Content of the app's side panel: a clicked county's plan items, or a clicked feature's details.

Pure data (no Streamlit), so it is unit-tested; the app only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geo_app.i18n import pick, t
from geo_app.mapdata import MapData
from geo_app.popups import counties_label, location_source, present, status_label


@dataclass
class PanelItem:
    """One plan item listed under a county."""

    feature_id: str
    name: str
    category: str
    source: str  # plan · section
    share: float | None
    quote: str


@dataclass
class Panel:
    """What the side panel shows."""

    kind: str  # county | feature | hint
    title: str
    caption: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    quote: str = ""
    items: list[PanelItem] = field(default_factory=list)


def _plan_label(data: MapData, plan: str, lang: str) -> str:
    p = data.catalog.plans[plan]
    return pick(p.title_zh, p.title_en, lang)


def county_panel(data: MapData, adcode: int, lang: str) -> Panel:
    """Every plan item touching the county, with quotes and area shares (the join)."""
    row = data.counties.set_index("adcode").loc[int(adcode)]
    cats = data.catalog.categories
    items = []
    for it in data.join[data.join.adcode == int(adcode)].itertuples():
        cat = cats[it.category]
        items.append(
            PanelItem(
                feature_id=it.feature_id,
                name=pick(it.name_zh, it.name_en, lang),
                category=pick(cat["label_zh"], cat["label_en"], lang),
                source=f"{_plan_label(data, it.plan, lang)} · {it.section}",
                share=None if pd.isna(it.share_of_county) else float(it.share_of_county),
                quote=it.quote,
            )
        )
    return Panel(
        kind="county",
        title=pick(row.name_zh, row.name_en, lang),
        caption=f"{pick(row.name_en, row.name_zh, lang)} · {row.area_km2:,.0f} km² · adcode {int(adcode)}",
        items=items,
    )


def feature_panel(data: MapData, feature_id: str, lang: str) -> Panel:
    """A feature's names, category, plan and section, counties, precision, status and quote."""
    f = data.features.set_index("id").loc[feature_id]
    cat = data.catalog.categories[f.category]
    prec = data.catalog.precision_styles.get(f.precision, {})
    names = dict(zip(data.counties.adcode.astype(int), data.counties.name_zh if lang == "zh"
                     else data.counties.name_en, strict=True))  # fmt: skip
    region_size = len(data.region_counties.get(f.plan, ()))
    fields = [
        (t("category", lang), pick(cat["label_zh"], cat["label_en"], lang)),
        (t("plan", lang), f"{_plan_label(data, f.plan, lang)} · {f.section}"),
        (t("county", lang), counties_label(list(f.counties), names, region_size, lang) or "—"),
        (t("precision", lang), pick(prec.get("label_zh"), prec.get("label_en"), lang)),
    ]
    if present(f.status):
        fields.append((t("status", lang), status_label(f.status, lang)))
    source = location_source(f, lang)
    if source:
        fields.append((t("location_source", lang), source))
    return Panel(
        kind="feature",
        title=pick(f.name_zh, f.name_en, lang),
        caption=pick(f.name_en, f.name_zh, lang),
        fields=fields,
        quote=f.quote,
    )


def panel_for_click(data: MapData, clicked: dict | None, lang: str) -> Panel:
    """The panel for st_folium's ``last_active_drawing`` (a GeoJSON feature) or a hint."""
    props = (clicked or {}).get("properties") or {}
    if props.get("id") in set(data.features["id"]):
        return feature_panel(data, props["id"], lang)
    if "adcode" in props and int(props["adcode"]) in set(data.counties.adcode.astype(int)):
        return county_panel(data, int(props["adcode"]), lang)
    return Panel(kind="hint", title=t("click_hint", lang))
