"""The legend, as HTML for the app's side panel and the standalone map's side panel.

It lives beside the map, never on it, so it never covers a popup or the western counties.
Rows follow what is shown: the categories of the visible layers (with the items drawn in each,
in their own colours), then how well places are known (the location model), then the base map.
"""

from __future__ import annotations

from geo_app.escaping import html_attr, html_text
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData
from geo_app.styles import base_color
from geo_app.web.layers import _styles, visible
from geo_app.web.spec import MapSpec


def _swatch(color: str, dash: str | None, hatch: int | None = None) -> str:
    pattern = ""
    fill = f"fill='{html_attr(color)}' fill-opacity='0.18'"
    if hatch is not None:
        pid = f"lg{color.lstrip('#')}{int(hatch) % 360}"
        pattern = (
            f"<defs><pattern id='{pid}' width='6' height='6' patternUnits='userSpaceOnUse'"
            f" patternTransform='rotate({int(hatch)})'><rect width='2' height='6' fill='{html_attr(color)}'"
            " fill-opacity='0.7'/></pattern></defs>"
        )
        fill = f"fill='url(#{pid})'"
    d = f" stroke-dasharray='{html_attr(dash)}'" if dash else ""
    rect = f"<rect x='1.5' y='1.5' width='23' height='13' {fill} stroke='{html_attr(color)}' stroke-width='2.2'{d}/>"
    return f"<svg width='26' height='16' aria-hidden='true'>{pattern}{rect}</svg>"


def _marker(color: str, icon: str, hollow: bool = False) -> str:
    style = (
        f"background:#fff;color:{color};border:2px dashed {color}"
        if hollow
        else f"background:{color};color:#fff;border:2px solid #fff"
    )
    return (
        f"<span class='pm-lg-marker' style='{html_attr(style)}'><i class='fa fa-solid fa-{html_attr(icon)}'></i></span>"
    )


def legend_html(data: MapData, spec: MapSpec, item_rows: bool = True) -> str:
    """Legend HTML for what ``spec`` shows (escaped; no script)."""
    lang = spec.lang
    cats = data.catalog.categories
    f = data.features[visible(data, spec)]
    styles = _styles(data)
    out = [f"<div class='pm-legend'><div class='pm-lg-h'>{html_text(t('legend', lang))}</div>"]
    for cat in sorted(set(f.category), key=lambda c: cats[c]["order"]):
        c = cats[cat]
        sub = f[f.category == cat]
        drawn = sub[sub["shape"].isin(["area", "line"])]
        label = f"{pick(c['label_zh'], c['label_en'], lang)} ({len(sub)})"
        out.append(f"<div class='pm-lg-row'>{_marker(c['color'], c['icon'])}<b>{html_text(label)}</b></div>")
        if item_rows:
            for r in drawn.itertuples():
                st = styles.loc[r.id]
                dash = data.catalog.location_styles.get(r.location, {}).get("dash")
                hatch = None if st.hatch != st.hatch else int(st.hatch)  # NaN check
                out.append(
                    f"<div class='pm-lg-row pm-lg-item'>{_swatch(st.color, dash, hatch)}"
                    f"<span>{html_text(pick(r.label_zh, r.label_en, lang))}</span></div>"
                )
    out.append(f"<div class='pm-lg-h2'>{html_text(t('location', lang))}</div>")
    grey = "#666666"
    for kind, st in data.catalog.location_styles.items():
        label = html_text(pick(st.get("label_zh"), st.get("label_en"), lang))
        if kind in ("site", "stand_in"):
            sym = _marker(grey, "circle", hollow=kind == "stand_in")
        elif kind == "region_wide":
            sym = "<span class='pm-lg-badge'>N</span>"
        else:
            sym = _swatch(grey, st.get("dash"))
        out.append(f"<div class='pm-lg-row'>{sym}<span>{label}</span></div>")
    out.append(f"<div class='pm-lg-h2'>{html_text(t('print_base', lang))}</div>")
    base = [
        (
            f"<span class='pm-lg-fill' style='background:{base_color(data.catalog, 'land')};"
            f"border:1px solid {base_color(data.catalog, 'county_line')}'></span>",
            t("counties", lang),
        ),
        (
            f"<span class='pm-lg-line' style='border-top:3px solid {base_color(data.catalog, 'river')}'></span>",
            t("rivers", lang),
        ),
        (
            f"<span class='pm-lg-line' style='border-top:3px dashed {base_color(data.catalog, 'road')}'></span>",
            t("print_road", lang),
        ),
        (
            f"<span class='pm-lg-fill' style='background:{base_color(data.catalog, 'mountain')}'></span>",
            t("mountain_zone", lang),
        ),
    ]
    for sym, label in base:
        out.append(f"<div class='pm-lg-row'>{sym}<span>{html_text(label)}</span></div>")
    out.append("</div>")
    return "".join(out)


LEGEND_CSS = """
.pm-legend { font-size: 13px; line-height: 1.35; color: #222; }
.pm-lg-h { font-weight: 700; font-size: 14px; margin-bottom: 4px; }
.pm-lg-h2 { font-weight: 700; margin: 8px 0 3px 0; color: #333; }
.pm-lg-row { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.pm-lg-item { padding-left: 14px; font-size: 12.5px; }
.pm-lg-marker { width: 18px; height: 18px; border-radius: 50%; display: inline-flex; align-items: center;
  justify-content: center; font-size: 9px; flex: none; box-sizing: border-box; }
.pm-lg-badge { border: 2px solid #666; border-radius: 9px; font-size: 10px; padding: 0 5px; flex: none; }
.pm-lg-fill { width: 24px; height: 14px; display: inline-block; flex: none; }
.pm-lg-line { width: 24px; height: 0; display: inline-block; flex: none; }
"""
