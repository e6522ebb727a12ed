"""One self-contained HTML file of the plan map: opens offline by double-click.

The same layers as the app (geo_app.web.layers), with the geometry embedded as TopoJSON,
popups with the plan's quotes, a click that lists everything under it (county first), a
search box, the legend in a side panel beside the map, and a Content-Security-Policy that
forbids loading anything from elsewhere except the optional tiles.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import folium

from geo_app.csp import add_csp
from geo_app.escaping import html_text, json_for_script
from geo_app.i18n import t
from geo_app.mapdata import MapData
from geo_app.web import assets
from geo_app.web.basemaps import BASEMAPS
from geo_app.web.elements import LiteralHtml, PMCall, RawScript
from geo_app.web.frames import bounds
from geo_app.web.label_layer import labels_group
from geo_app.web.layers import (
    badges_group,
    base_map,
    basemap_groups,
    datum,
    layer_keys,
    plan_layer,
    source_key,
    tiles_group,
)
from geo_app.web.legend import LEGEND_CSS, legend_html
from geo_app.web.spec import MapSpec
from geo_app.web.topo import topology

PANEL_W = 330


def page_title(data: MapData, spec: MapSpec) -> tuple[str, str]:
    """(title, subtitle) of a map page: the plans shown."""
    plans = spec.plans or tuple(data.catalog.plans)
    titles = [data.catalog.plans[p].title(spec.lang) for p in plans]
    sub = t("app_subtitle_generic", spec.lang)
    return ("；".join(titles) if spec.lang == "zh" else "; ".join(titles)), sub


#: Tile basemaps a standalone file offers (unticked; with no network they fall back with a notice).
STANDALONE_TILES = ("carto", "osm", "esri")


def add_layers(m: folium.Map, data: MapData, spec: MapSpec) -> list[folium.FeatureGroup]:
    """Every group of the map, in drawing order; returns the plan layer groups."""
    for basemap in STANDALONE_TILES:
        fg = tiles_group(replace(spec, basemap=basemap))
        fg.layer_name = html_text(BASEMAPS[basemap].label(spec.lang))
        fg.control, fg.show = True, False
        fg.add_to(m)
    for group in basemap_groups(data, spec)[1:]:  # the tiles are the choices above
        group.add_to(m)
    plans = spec.plans or tuple(data.catalog.plans)
    keys = [k for k in layer_keys(data) if k.split(":")[0] in plans]
    keys = [k for k in keys if spec.visible_layers is None or k in spec.visible_layers]
    layers = [plan_layer(data, spec, k).add_to(m) for k in keys]
    badges_group(data, spec).add_to(m)
    labels_group(data, spec).add_to(m)
    return layers


def _search_entries(data: MapData, spec: MapSpec) -> list[dict]:
    from geo_app.search import search_index

    idx = search_index(data, spec.lang, spec.plans)
    return [
        {
            "t": r.label,
            "k": str(r.ref),
            "p": r.plan if isinstance(r.plan, str) else None,
            "ll": [round(r.lat, 5), round(r.lon, 5)],
            "z": int(r.zoom),
        }
        for r in idx.itertuples()
    ]


def standalone_map(data: MapData, spec: MapSpec, title: str | None = None) -> folium.Map:
    """The folium map of the standalone page (geometry embedded, side panel with legend)."""
    spec = MapSpec(**{**spec.__dict__, "mode": "standalone"})
    m = base_map(data, spec, {source_key(spec): topology(data, datum(spec))})
    add_layers(m, data, spec)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    plans = spec.plans or tuple(data.catalog.plans)
    frame = spec.frame or tuple(a for p in plans for a in data.catalog.plans[p].regions)
    view = folium.FeatureGroup(name="view", control=False).add_to(m)
    PMCall("view", {"key": "fit", "bounds": bounds(data, frame)}).add_to(view)
    PMCall("identify", {"title": t("identify_title", spec.lang)}).add_to(view)
    head, sub = page_title(data, spec)
    head = title or head
    m.get_root().header.add_child(LiteralHtml(f"<title>{html_text(head)}</title>"))
    m.get_root().header.add_child(LiteralHtml(_panel_css()))
    m.get_root().html.add_child(LiteralHtml(_panel_html(data, spec, head, sub)))
    entries = json_for_script(_search_entries(data, spec))
    RawScript(f"PM.search({m.get_name()}, document.getElementById('pm-search'), {entries});").add_to(m)
    return m


def _panel_css() -> str:
    return (
        "<style>html,body{margin:0;height:100%}"
        f".folium-map{{position:absolute!important;left:0!important;top:0!important;bottom:0!important;right:{PANEL_W}px!important;width:auto!important;"
        "height:auto!important}"
        f"#pm-side{{position:absolute;top:0;right:0;bottom:0;width:{PANEL_W - 24}px;padding:12px;overflow-y:auto;"
        "font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif;background:#fafafa;"
        "border-left:1px solid #ddd}"
        "#pm-side h1{font-size:17px;margin:0 0 4px 0}#pm-side .pm-side-sub{color:#444;font-size:13px;margin-bottom:8px}"
        ".pm-side-help{font-size:12.5px;color:#444;margin-bottom:6px}"
        "#pm-search{width:100%;box-sizing:border-box;font-size:14px;padding:5px;margin:6px 0}"
        ".pm-search-list{list-style:none;margin:0 0 8px 0;padding:0;max-height:220px;overflow-y:auto;font-size:13px}"
        ".pm-search-list li{padding:3px 4px;cursor:pointer}.pm-search-list li:hover{background:#eee}"
        ".pm-side-foot{font-size:11.5px;color:#444;margin-top:10px}" + LEGEND_CSS + "</style>"
    )


def _panel_html(data: MapData, spec: MapSpec, head: str, sub: str) -> str:
    from geo_app.details import credits

    return (
        f"<aside id='pm-side'><h1>{html_text(head)}</h1><div class='pm-side-sub'>{html_text(sub)}</div>"
        f"<input id='pm-search' type='search' placeholder='{html_text(t('search_placeholder', spec.lang))}'"
        f" aria-label='{html_text(t('search', spec.lang))}'>"
        f"<div class='pm-side-help'>{html_text(t('identify_help', spec.lang))}</div>"
        f"{legend_html(data, spec)}"
        f"<div class='pm-side-foot'>{html_text(credits(spec.lang))}<br>{html_text(t('print_date', spec.lang))}: "
        f"{date.today().isoformat()}</div></aside>"
    )


def standalone_html(data: MapData, spec: MapSpec, title: str | None = None) -> str:
    """The standalone page as one HTML string: every script, style and font inlined."""
    m = standalone_map(data, spec, title)
    return add_csp(assets.inline_html(m.get_root().render()))
