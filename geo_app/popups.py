"""Tooltip and popup HTML for plan features and counties. Every text is HTML-escaped here."""

from __future__ import annotations

from html import escape

import pandas as pd

from geo_app.i18n import pick, t


def present(value) -> bool:
    """True for a real value (not None, NaN or empty text)."""
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value != ""


def location_source(row, lang: str) -> str:
    """Where the location comes from, in the UI language when a translation exists."""
    zh = row.get("location_source_zh") if hasattr(row, "get") else getattr(row, "location_source_zh", None)
    en = row.get("location_source") if hasattr(row, "get") else getattr(row, "location_source", None)
    zh, en = (zh if present(zh) else None), (en if present(en) else None)
    return str(pick(zh, en, lang)) if (zh or en) else ""


def _row(label: str, value: str) -> str:
    return f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"


def status_label(status: str | None, lang: str) -> str:
    return t(f"status_{status}", lang) if status else ""


def counties_label(adcodes: list[int], county_names: dict[int, str], region_size: int, lang: str) -> str:
    """'和政县、康乐县' or '全域（8 县市）' when the item covers the whole region."""
    if region_size and len(adcodes) == region_size:
        return f"全域（{region_size} 个县区）" if lang == "zh" else f"whole region ({region_size} counties)"
    sep = "、" if lang == "zh" else ", "
    return sep.join(county_names.get(int(a), str(a)) for a in adcodes)


def feature_tooltip(row: pd.Series, lang: str) -> str:
    return escape(pick(row["name_zh"], row["name_en"], lang))


def feature_popup(
    row: pd.Series,
    lang: str,
    categories: dict,
    precision_styles: dict,
    plan_titles: dict[str, str],
    county_names: dict[int, str],
    region_size: int,
) -> str:
    """The popup of a plan feature: names, category, plan and section, verbatim quote, counties."""
    cat = categories[row["category"]]
    prec = precision_styles.get(row["precision"], {})
    first, second = (row["name_zh"], row["name_en"]) if lang == "zh" else (row["name_en"], row["name_zh"])
    rows = [
        _row(t("category", lang), pick(cat["label_zh"], cat["label_en"], lang)),
        _row(t("plan", lang), f"{plan_titles.get(row['plan'], row['plan'])} · {row['section']}"),
        _row(t("county", lang), counties_label(list(row["counties"]), county_names, region_size, lang) or "—"),
        _row(t("precision", lang), pick(prec.get("label_zh"), prec.get("label_en"), lang) or row["precision"]),
    ]
    if present(row.get("status")):
        rows.append(_row(t("status", lang), status_label(row["status"], lang)))
    source = location_source(row, lang)
    if source:
        rows.append(_row(t("location_source", lang), source))
    return (
        f'<div class="pm-popup" data-feature-id="{escape(str(row["id"]))}">'
        f'<div class="pm-title" style="border-color:{escape(cat["color"])}">{escape(first)}</div>'
        f'<div class="pm-sub">{escape(second)}</div>'
        f'<table class="pm-table">{"".join(rows)}</table>'
        f'<div class="pm-quote-label">{escape(t("quote", lang))}</div>'
        f'<blockquote class="pm-quote">{escape(row["quote"])}</blockquote></div>'
    )


def county_tooltip(row: pd.Series, lang: str) -> str:
    return escape(pick(row["name_zh"], row["name_en"], lang))


def county_popup(row: pd.Series, items: pd.DataFrame, lang: str) -> str:
    """The popup of a county: its name, area and the plan items touching it (for standalone maps)."""
    first, second = (row["name_zh"], row["name_en"]) if lang == "zh" else (row["name_en"], row["name_zh"])
    lines = []
    for it in items.itertuples():
        share = f" · {it.share_of_county:.0%}" if pd.notna(it.share_of_county) else ""
        lines.append(f"<li>{escape(pick(it.name_zh, it.name_en, lang))}{escape(share)}</li>")
    body = f"<ul class='pm-list'>{''.join(lines)}</ul>" if lines else f"<p>{escape(t('no_items', lang))}</p>"
    return (
        f'<div class="pm-popup"><div class="pm-title">{escape(first)}</div>'
        f'<div class="pm-sub">{escape(second)} · {row["area_km2"]:,.0f} km²</div>'
        f'<div class="pm-quote-label">{escape(t("items_in_county", lang))} ({len(items)})</div>{body}</div>'
    )
