"""Tooltip and popup HTML of the web maps. Every text is escaped here (``escaping.html_text``).

The rows come from ``details.feature_rows`` (the one detail-row builder), so popups say what
the side panel, KML and CSV say.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo_app.details import county_label, feature_rows, region_wide_label
from geo_app.escaping import html_attr, html_text
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData


def item_tooltip(row: Mapping, lang: str) -> str:
    """The item's name; a stand-in says it is not the site."""
    name = html_text(pick(row["name_zh"], row["name_en"], lang))
    if row.get("location") == "stand_in":
        return f"{name}<br><i>{html_text(t('stand_in_tip', lang))}</i>"
    return name


def item_popup(row: Mapping, data: MapData, lang: str, color: str) -> str:
    """An item's names, detail rows and verbatim quote."""
    first, second = (row["name_zh"], row["name_en"]) if lang == "zh" else (row["name_en"], row["name_zh"])
    names = dict(zip(data.counties.adcode.astype(int), data.counties.name_zh, strict=True))
    rows = "".join(
        f"<tr><th>{html_text(r.label)}</th><td>{html_text(r.value)}</td></tr>"
        for r in feature_rows(row, data.catalog, names, lang)
    )
    return (
        f'<div class="pm-popup" data-feature-id="{html_attr(row["id"])}">'
        f'<div class="pm-title" style="border-color:{html_attr(color)}">{html_text(first)}</div>'
        f'<div class="pm-sub">{html_text(second)}</div>'
        f'<table class="pm-table">{rows}</table>'
        f'<div class="pm-quote-label">{html_text(t("quote", lang))}</div>'
        f'<blockquote class="pm-quote">{html_text(row["quote"])}</blockquote></div>'
    )


def county_tooltip(name_zh: str, lang: str) -> str:
    return html_text(county_label(name_zh, lang))


def _item_list(items: pd.DataFrame, lang: str, share: bool) -> str:
    lines = []
    for it in items.itertuples():
        pct = f" · {it.share_of_county:.0%}" if share and pd.notna(it.share_of_county) else ""
        lines.append(
            f"<li><details><summary>{html_text(pick(it.name_zh, it.name_en, lang))}{html_text(pct)}</summary>"
            f'<blockquote class="pm-quote">{html_text(it.quote)}</blockquote></details></li>'
        )
    return f"<ul class='pm-list'>{''.join(lines)}</ul>"


def county_popup(adcode: int, data: MapData, lang: str, plans: tuple[str, ...] | None) -> str:
    """A county's items in three groups: named in the plan, inside a zone, region-wide (folded)."""
    row = data.counties.set_index("adcode").loc[int(adcode)]
    join = data.join[(data.join.adcode == int(adcode)) & (data.join.plan.isin(plans or list(data.catalog.plans)))]
    parts = [
        f'<div class="pm-popup"><div class="pm-title">{html_text(county_label(row.name_zh, lang))}</div>',
        f'<div class="pm-sub">{html_text(pick(row.name_en, row.name_zh, lang))} · {row.area_km2:,.0f} km²</div>',
    ]
    for link in ("named", "inside"):
        items = join[join.link == link]
        if len(items):
            parts.append(f'<div class="pm-quote-label">{html_text(t(f"link_{link}", lang))} ({len(items)})</div>')
            parts.append(_item_list(items, lang, share=link == "inside"))
    wide = join[join.link == "region_wide"]
    if len(wide):
        label = f"{t('link_region_wide', lang)} ({len(wide)})"
        parts.append(f"<details><summary>{html_text(label)}</summary>{_item_list(wide, lang, False)}</details>")
    if not len(join):
        parts.append(f"<p>{html_text(t('no_items', lang))}</p>")
    parts.append("</div>")
    return "".join(parts)


def badge_popup(plan: str, items: pd.DataFrame, data: MapData, lang: str) -> str:
    """The region-wide items of a plan, listed: they have no place of their own on the map."""
    title = f"{data.catalog.plans[plan].short(lang)} · {region_wide_label(data.catalog, plan, lang)}"
    lines = "".join(
        f"<li><details><summary>{html_text(pick(r.name_zh, r.name_en, lang))}</summary>"
        f'<blockquote class="pm-quote">{html_text(r.quote)}</blockquote></details></li>'
        for r in items.itertuples()
    )
    return (
        f'<div class="pm-popup"><div class="pm-title">{html_text(title)} ({len(items)})</div>'
        f'<div class="pm-sub">{html_text(t("region_wide_note", lang))}</div><ol class="pm-list">{lines}</ol></div>'
    )
