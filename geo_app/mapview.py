"""Build the folium map: offline reference basemap, counties, one FeatureGroup per plan layer, legend.

A *layer* is one category of one plan (``"linxia:industrial_belt"``). ``base_map`` draws what
does not change when layers are toggled (basemap, reference features, counties, labels,
legend); ``plan_layers`` returns the toggleable FeatureGroups, so the Streamlit app can pass
them to ``st_folium(feature_group_to_add=...)`` without re-rendering the map, and
``full_map`` adds them with a layer control for standalone HTML.

Styling rules (so nobody mistakes an indicative belt for a survey):
- areas that follow county boundaries (precision ``admin``): solid outline, light fill;
- ``approximate`` areas dashed, ``schematic`` areas dotted with a lighter fill;
- items covering a whole prefecture are not painted over it: they become icon markers
  clustered at the prefecture (their export geometry is still the prefecture);
- points are category icons; coincident points cluster and spread out on click.
With an Amap (GCJ-02) basemap every overlay is shifted to GCJ-02 so it lines up.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from html import escape

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.plugins import MarkerCluster
from folium.utilities import JsCode
from jinja2 import Template

from geo_app import popups
from geo_app.basemaps import BASEMAPS, tile_url
from geo_app.datum import gdf_to_gcj02
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData
from geo_app.names import english_name, stem

DEFAULT_CENTER = (37.0, 101.5)
PREFECTURE_FILLS = {622900: "#f3efe6", 620700: "#eef2e8"}
COUNTY_LINE = "#6b6b6b"
HIGHLIGHT = "#FFB000"
PREFECTURE_LINE = "#3a3a3a"

CSS = """
<style>
.leaflet-interactive:focus { outline: none; }
.leaflet-container { background: #dfe8ee; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei",
  "PingFang SC", sans-serif; }
.pm-popup { font-size: 13px; line-height: 1.45; max-width: 360px; }
.pm-title { font-weight: 700; font-size: 15px; border-left: 5px solid #888; padding-left: 6px; }
.pm-sub { color: #555; margin: 2px 0 6px 11px; }
.pm-table th { text-align: left; color: #555; padding-right: 8px; vertical-align: top; white-space: nowrap; }
.pm-quote-label { margin-top: 6px; font-weight: 600; color: #333; }
.pm-quote { margin: 4px 0 0 0; padding: 4px 8px; border-left: 3px solid #bbb; background: #f7f7f7;
  max-height: 160px; overflow-y: auto; }
.pm-list { margin: 4px 0 0 16px; padding: 0; max-height: 200px; overflow-y: auto; }
.pm-marker { width: 26px; height: 26px; border-radius: 50%; border: 2px solid #fff; color: #fff;
  display: flex; align-items: center; justify-content: center; font-size: 12px; box-shadow: 0 1px 3px rgba(0,0,0,.5); }
.pm-cluster { width: 34px; height: 34px; border-radius: 50%; border: 3px solid rgba(255,255,255,.9); color: #fff;
  display: flex; align-items: center; justify-content: center; gap: 2px; font-size: 12px; font-weight: 700;
  box-shadow: 0 1px 4px rgba(0,0,0,.5); }
.pm-county-label { font-size: 12px; color: #333; font-weight: 600; white-space: nowrap; text-align: center;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; }
.pm-town-label { font-size: 11px; color: #444; white-space: nowrap; text-shadow: 0 0 2px #fff, 0 0 2px #fff;
  pointer-events: none; }
.pm-legend { background: rgba(255,255,255,.94); padding: 8px 10px; border-radius: 6px; font-size: 12px;
  box-shadow: 0 1px 5px rgba(0,0,0,.35); max-height: 60vh; overflow-y: auto; line-height: 1.5; }
.pm-legend h4 { margin: 0 0 4px 0; font-size: 13px; cursor: pointer; user-select: none; }
.pm-legend h4::after { content: " ▾"; color: #888; }
.pm-legend.pm-collapsed h4::after { content: " ▸"; }
.pm-legend.pm-collapsed .pm-row { display: none !important; }
.pm-legend.pm-collapsed h4 { margin: 0; }
.pm-legend .pm-row { display: flex; align-items: center; gap: 6px; }
.pm-legend .pm-row.pm-hidden { display: none; }
.pm-swatch { width: 22px; height: 14px; display: inline-block; border-radius: 2px; flex: none; }
.pm-legend .pm-marker { width: 18px; height: 18px; font-size: 9px; border-width: 1px; }
.pm-notice { background: #fff7d6; border: 1px solid #e0c36a; padding: 4px 8px; border-radius: 4px; font-size: 12px; }
.pm-north { background: rgba(255,255,255,.9); border-radius: 4px; padding: 2px 6px; text-align: center;
  font-weight: 700; font-size: 13px; line-height: 1.1; box-shadow: 0 1px 4px rgba(0,0,0,.35); }
</style>
"""


#: Larger legend and labels for presentation on a projector.
PRESENT_MAP_CSS = """<style>
.pm-legend { font-size: 15px; } .pm-legend h4 { font-size: 16px; }
.pm-county-label { font-size: 15px; } .pm-town-label { font-size: 13px; }
</style>"""


@dataclass
class MapSpec:
    """What to draw: language, basemap, visible layers, view, extras."""

    lang: str = "zh"
    basemap: str = "offline"
    visible_layers: frozenset[str] | None = None  # None: all layers
    plans: tuple[str, ...] | None = None  # None: all plans
    center: tuple[float, float] | None = None
    zoom: int | None = None
    highlight: tuple[str, ...] = ()
    context: gpd.GeoDataFrame | None = None  # other regions' boundaries, drawn as outlines
    tianditu_key: str | None = None
    title: str | None = None
    standalone: bool = False  # add layer control, fullscreen, north arrow, title
    extra_css: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- helpers


def layer_key(plan: str, category: str) -> str:
    return f"{plan}:{category}"


def layer_keys(data: MapData) -> list[str]:
    """All layer keys in panel order (plan, then category order)."""
    cats = data.catalog.categories
    df = data.display_features
    keys = {(p, c) for p, c in zip(df["plan"], df["category"], strict=True)}
    order = list(data.catalog.plans)
    return [layer_key(p, c) for p, c in sorted(keys, key=lambda k: (order.index(k[0]), cats[k[1]]["order"]))]


def layer_label(data: MapData, key: str, lang: str) -> str:
    plan, cat = key.split(":")
    c = data.catalog.categories[cat]
    return f"{plan_short_name(plan, lang)} · {pick(c['label_zh'], c['label_en'], lang)}"


def short_county_name(name_zh: str, lang: str) -> str:
    """Map label of a county: 积石山保安族东乡族撒拉族自治县 -> 积石山县 / Jishishan County."""
    if len(name_zh) <= 6:
        return name_zh if lang == "zh" else english_name(name_zh)
    short = stem(name_zh) + "县"
    return short if lang == "zh" else english_name(short)


def plan_short_name(plan: str, lang: str) -> str:
    return t(f"region_{plan}", lang) if plan in ("linxia", "zhangye") else plan


def _shift(gdf: gpd.GeoDataFrame, spec: MapSpec) -> gpd.GeoDataFrame:
    """The frame in the basemap's datum (GCJ-02 for Amap), else unchanged WGS84."""
    if BASEMAPS[spec.basemap].datum == "GCJ02" and not gdf.empty:
        return gdf_to_gcj02(gdf)
    return gdf


def marker_html(color: str, icon: str, size: int = 26) -> str:
    return (
        f'<div class="pm-marker" style="background:{escape(color)};width:{size}px;height:{size}px">'
        f'<i class="fa fa-solid fa-{escape(icon)}"></i></div>'
    )


def _geojson(gdf: gpd.GeoDataFrame, columns: list[str]) -> dict:
    """Compact GeoJSON dict of ``gdf`` with only ``columns`` as properties."""
    return json.loads(gdf[[*columns, "geometry"]].to_json(drop_id=True))


_BIND = JsCode(
    """function(feature, layer) {
      var p = feature.properties;
      if (p.tip) { layer.bindTooltip(p.tip, {sticky: true}); }
      if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 380, minWidth: 240}); }
    }"""
)


# ----------------------------------------------------------------------------- base map


def shown_counties(data: MapData, spec: MapSpec) -> gpd.GeoDataFrame:
    """Display counties of the prefectures of the plans shown."""
    plans = spec.plans or tuple(data.catalog.plans)
    regions = [data.catalog.plans[p].region for p in plans if p in data.catalog.plans]
    return data.display_counties[data.display_counties.prefecture_adcode.isin(regions)]


def _view(data: MapData, spec: MapSpec) -> tuple[tuple[float, float], int, list | None]:
    if spec.center and spec.zoom:
        return spec.center, spec.zoom, None
    sub = shown_counties(data, spec)
    if sub.empty:
        return DEFAULT_CENTER, 6, None
    minx, miny, maxx, maxy = sub.total_bounds
    return ((miny + maxy) / 2, (minx + maxx) / 2), 7, [[miny, minx], [maxy, maxx]]


def base_map(data: MapData, spec: MapSpec) -> folium.Map:
    """The map without plan layers: basemap, reference features, counties, labels, legend."""
    center, zoom, bounds = _view(data, spec)
    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, control_scale=True)
    m.options.update({"min_zoom": 3, "max_zoom": 18})  # markercluster needs the map's maxZoom
    m.get_root().header.add_child(Element(CSS + "".join(spec.extra_css)))
    if bounds and not (spec.center and spec.zoom):
        m.fit_bounds(bounds, padding=(10, 10))
    _add_tiles(m, spec)
    _add_reference(m, data, spec)
    _add_counties(m, data, spec)
    if spec.context is not None and not spec.context.empty:
        _add_context(m, spec)
    Legend(data, spec).add_to(m)
    # an empty cluster group on the base map makes the markercluster JS/CSS part of the page,
    # so plan layers added later (st_folium feature_group_to_add) can use it
    MarkerCluster(control=False).add_to(m)
    if spec.standalone:
        NorthArrow().add_to(m)
    return m


def _add_tiles(m: folium.Map, spec: MapSpec) -> None:
    bm = BASEMAPS[spec.basemap]
    if bm.url is None:
        return
    url = tile_url(bm, spec.tianditu_key)
    tiles = folium.TileLayer(url, attr=bm.attribution, name=bm.label(spec.lang), max_zoom=bm.max_zoom,
                             subdomains=bm.subdomains or "abc", overlay=False, control=False)  # fmt: skip
    tiles.add_to(m)
    if bm.overlay_url:
        folium.TileLayer(tile_url(bm, spec.tianditu_key, overlay=True), attr=bm.attribution, overlay=True,
                         control=False, subdomains=bm.subdomains, name="labels").add_to(m)  # fmt: skip
    TileFallback(tiles, t("offline_notice", spec.lang)).add_to(m)


def _add_reference(m: folium.Map, data: MapData, spec: MapSpec) -> None:
    lang = spec.lang
    ref = data.reference.reset_index(drop=True)
    # Draw the mountain zone inside the prefectures and rivers a little beyond them, so the
    # reference data's rectangular extraction boxes never show as edges.
    inside = shapely.union_all(shown_counties(data, spec).geometry.values)
    near = inside.buffer(0.15)
    ref = ref.assign(geometry=[
        g.intersection(inside) if k == "mountain_zone" else (g.intersection(near) if k in ("river", "road") else g)
        for g, k in zip(ref.geometry, ref["kind"], strict=True)
    ])  # fmt: skip
    ref = _shift(ref[~ref.geometry.is_empty], spec)
    group = folium.FeatureGroup(name=t("mountain_zone", lang), control=spec.standalone, show=True)
    mountains = ref[ref["kind"].isin(["mountain_zone"]) & ref.geom_type.isin(["Polygon", "MultiPolygon"])]
    if not mountains.empty:
        folium.GeoJson(
            _geojson(mountains, []),
            style_function=lambda _: {"color": "#b9a88a", "weight": 0, "fillColor": "#d9ccb0", "fillOpacity": 0.55},
            interactive=False,
        ).add_to(group)
    group.add_to(m)

    rivers = ref[ref["kind"].isin(["river", "lake", "reservoir"])]
    if not rivers.empty:
        rg = folium.FeatureGroup(name=t("rivers", lang), control=spec.standalone)
        rivers = rivers.assign(
            tip=[escape(pick(a, b, lang)) for a, b in zip(rivers.name_zh, rivers.name_en, strict=True)]
        )
        folium.GeoJson(
            _geojson(rivers, ["tip"]),
            style_function=lambda f: {"color": "#5b9bd5", "weight": 2, "fillColor": "#a9cbe8", "fillOpacity": 0.8},
            on_each_feature=_BIND,
        ).add_to(rg)
        rg.add_to(m)

    towns = ref[ref["kind"].isin(["town", "county_seat", "city"]) & ref.geometry.within(near)]
    if not towns.empty:
        tg = folium.FeatureGroup(name=t("towns", lang), control=spec.standalone)
        for row in towns.itertuples():
            seat = row.kind in ("county_seat", "city")
            name = pick(row.name_zh, row.name_en, lang)
            folium.CircleMarker(
                [row.geometry.y, row.geometry.x], radius=4 if seat else 2.5, color="#333", weight=1,
                fill=True, fill_color="#fff" if seat else "#777", fill_opacity=1, tooltip=escape(name),
            ).add_to(tg)  # fmt: skip
            if seat:
                folium.Marker(
                    [row.geometry.y, row.geometry.x],
                    icon=folium.DivIcon(
                        html=f'<div class="pm-town-label">{escape(name)}</div>',
                        icon_size=(120, 14),
                        icon_anchor=(-6, 7),
                    ),
                    interactive=False,
                ).add_to(tg)
        tg.add_to(m)


def _add_counties(m: folium.Map, data: MapData, spec: MapSpec) -> None:
    lang = spec.lang
    counties = _shift(shown_counties(data, spec), spec)
    tips = [popups.county_tooltip(r, lang) for _, r in counties.iterrows()]
    popup_html = [popups.county_popup(r, data.join[data.join.adcode == r.adcode], lang) for _, r in counties.iterrows()]
    counties = counties.assign(tip=tips, popup=popup_html if spec.standalone else "")
    fills = {int(k): v for k, v in PREFECTURE_FILLS.items()}
    group = folium.FeatureGroup(name=t("counties", lang), control=spec.standalone)
    folium.GeoJson(
        _geojson(counties, ["adcode", "name_zh", "name_en", "prefecture_adcode", "tip", "popup"]),
        name="counties",
        style_function=lambda f: {
            "color": COUNTY_LINE,
            "weight": 1.2,
            "fillColor": fills.get(f["properties"]["prefecture_adcode"], "#f4f4f4"),
            "fillOpacity": 0.55 if spec.basemap == "offline" else 0.12,
        },
        highlight_function=lambda f: {"weight": 3, "color": "#222"},
        on_each_feature=_BIND,
    ).add_to(group)
    # prefecture outlines, drawn from the counties so they match exactly
    dissolved = counties.dissolve("prefecture_adcode").reset_index()
    folium.GeoJson(
        _geojson(dissolved, []), style_function=lambda _: {"color": PREFECTURE_LINE, "weight": 2.5, "fill": False},
        interactive=False,
    ).add_to(group)  # fmt: skip
    for row in counties.itertuples():
        p = row.geometry.representative_point()
        name = short_county_name(row.name_zh, lang)
        folium.Marker(
            [p.y, p.x], interactive=False,
            icon=folium.DivIcon(html=f'<div class="pm-county-label">{escape(name)}</div>', icon_size=(160, 16),
                                icon_anchor=(80, 8)),
        ).add_to(group)  # fmt: skip
    group.add_to(m)


#: Above this many context polygons, draw them on a canvas (one element) instead of SVG paths.
CANVAS_THRESHOLD = 300


def _add_context(m: folium.Map, spec: MapSpec) -> None:
    """Other regions' county boundaries (already simplified for their extent), thin and dashed."""
    ctx = _shift(spec.context, spec)
    ctx = ctx.assign(tip=[escape(pick(a, b, spec.lang)) for a, b in zip(ctx.name_zh, ctx.name_en, strict=True)])
    group = folium.FeatureGroup(name=t("context_layer", spec.lang), control=spec.standalone)
    extra = {"renderer": JsCode("L.canvas({padding: 0.5})")} if len(ctx) > CANVAS_THRESHOLD else {}
    folium.GeoJson(
        _geojson(ctx, ["tip"]),
        style_function=lambda _: {"color": "#777", "weight": 0.8, "dashArray": "4 3", "fillColor": "#ffffff",
                                  "fillOpacity": 0.04},
        on_each_feature=_BIND, **extra,
    ).add_to(group)  # fmt: skip
    group.add_to(m)


# ----------------------------------------------------------------------------- plan layers


def _anchor(data: MapData, plan: str, order: int, n_categories: int = 10) -> tuple[float, float]:
    """Where a plan's region-wide items sit: a ring around the prefecture's inner point, one slot per category."""
    region = data.catalog.plans[plan].region
    sub = data.display_counties[data.display_counties.prefecture_adcode == region]
    union = shapely.union_all(sub.geometry.values)
    p = union.representative_point()
    minx, miny, maxx, maxy = union.bounds
    r = 0.12 * max(maxx - minx, maxy - miny)
    angle = 2 * math.pi * (order - 1) / n_categories
    return p.y + r * 0.6 * math.sin(angle), p.x + r * math.cos(angle)


def _cluster_icon(color: str, icon: str) -> str:
    return (
        'function(cluster) { return L.divIcon({html: \'<div class="pm-cluster" style="background:'
        + escape(color)
        + '"><i class="fa fa-solid fa-'
        + escape(icon)
        + "\"></i>' + cluster.getChildCount() + '</div>', className: 'pm-cluster-wrap', iconSize: L.point(34, 34)}); }"
    )


def _feature_style(styles: dict, precision_styles: dict, highlight: tuple[str, ...]):
    def style(f: dict) -> dict:
        p = f["properties"]
        cat = styles[p["category"]]
        prec = precision_styles.get(p["precision"], {})
        hl = p["id"] in highlight
        line = HIGHLIGHT if hl else cat["color"]  # a highlighted item gets an amber outline that stands out
        if p["precision"] == "admin":  # follows county borders: a coloured outline, no fill to muddy the map
            return {"color": line, "weight": 5.5 if hl else 3.2, "opacity": 0.95, "fill": False}
        return {
            "color": line,
            "weight": 5 if hl else 2.2,
            "dashArray": prec.get("dash"),
            "fillColor": cat["color"],
            "fillOpacity": (prec.get("fill_opacity") or 0.25) + (0.2 if hl else 0.0),
            "opacity": 1.0,
        }

    return style


def plan_layers(data: MapData, spec: MapSpec) -> dict[str, folium.FeatureGroup]:
    """One FeatureGroup per visible plan layer, keyed ``plan:category``, in panel order."""
    lang = spec.lang
    cats = data.catalog.categories
    prec_styles = data.catalog.precision_styles
    region_counties = data.region_counties
    county_names = dict(zip(data.counties.adcode.astype(int), data.counties.name_zh if lang == "zh"
                            else data.counties.name_en, strict=True))  # fmt: skip
    plan_titles = {pid: pick(p.title_zh, p.title_en, lang) for pid, p in data.catalog.plans.items()}
    feats = _shift(data.display_features, spec)
    groups: dict[str, folium.FeatureGroup] = {}
    for key in layer_keys(data):
        if spec.visible_layers is not None and key not in spec.visible_layers:
            continue
        plan, cat = key.split(":")
        if spec.plans and plan not in spec.plans:
            continue
        sub = feats[(feats.plan == plan) & (feats.category == cat)].copy()
        style = cats[cat]
        sub["tip"] = [popups.feature_tooltip(r, lang) for _, r in sub.iterrows()]
        sub["popup"] = [
            popups.feature_popup(r, lang, cats, prec_styles, plan_titles, county_names,
                                 len(region_counties.get(r["plan"], ())))
            for _, r in sub.iterrows()
        ]  # fmt: skip
        wide = sub["region_wide"].astype(bool)
        fg = folium.FeatureGroup(name=layer_label(data, key, lang))
        LayerTag(key).add_to(fg)
        props = ["id", "category", "precision", "tip", "popup"]
        shapes = sub[~wide & sub["shape"].isin(["area", "line"])]
        admin_areas = shapes[(shapes["shape"] == "area") & (shapes["precision"] == "admin")]
        if not shapes.empty:
            folium.GeoJson(
                _geojson(shapes, props),
                style_function=_feature_style(cats, prec_styles, spec.highlight),
                highlight_function=lambda f: {"weight": 4.5, "fillOpacity": 0.45},
                on_each_feature=_BIND,
            ).add_to(fg)
        # points, plus a clickable marker inside each county-boundary item (drawn as outline only)
        points = pd.concat([sub[~wide & (sub["shape"] == "point")],
                            admin_areas.assign(geometry=admin_areas.geometry.representative_point())])  # fmt: skip
        points = gpd.GeoDataFrame(points, geometry="geometry", crs=sub.crs)
        anchored = sub[wide]
        if not points.empty or not anchored.empty:
            cluster = MarkerCluster(
                icon_create_function=_cluster_icon(style["color"], style["icon"]),
                options={"showCoverageOnHover": False, "maxClusterRadius": 28, "spiderfyDistanceMultiplier": 1.6},
                control=False,
            ).add_to(fg)
            marker = folium.Marker(icon=folium.DivIcon(html=marker_html(style["color"], style["icon"]),
                                                       icon_size=(26, 26), icon_anchor=(13, 13)))  # fmt: skip
            if not points.empty:
                folium.GeoJson(_geojson(points, props), marker=marker, on_each_feature=_BIND).add_to(cluster)
            if not anchored.empty:
                lat, lon = _anchor(data, plan, style["order"])
                if BASEMAPS[spec.basemap].datum == "GCJ02":
                    from geo_app.datum import wgs84_to_gcj02

                    glon, glat = wgs84_to_gcj02(lon, lat)
                    lon, lat = float(glon), float(glat)
                pts = anchored.assign(geometry=gpd.points_from_xy([lon] * len(anchored), [lat] * len(anchored)))
                folium.GeoJson(_geojson(pts, props), marker=marker, on_each_feature=_BIND).add_to(cluster)
        groups[key] = fg
    return groups


def full_map(data: MapData, spec: MapSpec) -> folium.Map:
    """Base map plus every visible plan layer and a layer control (standalone HTML, images)."""
    m = base_map(data, spec)
    for fg in plan_layers(data, spec).values():
        fg.add_to(m)
    if spec.standalone:
        folium.LayerControl(collapsed=False).add_to(m)
    return m


# ----------------------------------------------------------------------------- map elements


class Legend(MacroElement):
    """A legend control whose rows follow the plan layers present on the map."""

    _template = Template(
        """
{% macro header(this, kwargs) %}{% endmacro %}
{% macro html(this, kwargs) %}{% endmacro %}
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }};
  var legend = L.control({position: 'bottomleft'});
  legend.onAdd = function() {
    var div = L.DomUtil.create('div', 'pm-legend');
    div.innerHTML = {{ this.body_json }};
    var head = div.querySelector('h4');
    if (head) {
      head.title = '{{ this.toggle_title }}';
      head.onclick = function() { div.classList.toggle('pm-collapsed'); };
    }
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);
  function refresh() {
    var reg = window.__pmLayers || {};
    document.querySelectorAll('.pm-legend [data-layers]').forEach(function(r) {
      var on = r.getAttribute('data-layers').split(' ').some(function(k) { return reg[k] && map.hasLayer(reg[k]); });
      r.classList.toggle('pm-hidden', !on);
    });
  }
  map.on('layeradd layerremove', function() { setTimeout(refresh, 0); });
  setTimeout(refresh, 0);
  refresh();
})();
{% endmacro %}
"""
    )

    def __init__(self, data: MapData, spec: MapSpec):
        super().__init__()
        self._name = "Legend"
        self.body_json = json.dumps(legend_html(data, spec))
        self.toggle_title = "点击收起/展开" if spec.lang == "zh" else "click to fold / unfold"


def legend_html(data: MapData, spec: MapSpec, keys: list[str] | None = None, show_all: bool = False) -> str:
    """Legend HTML: one row per plan layer (hidden until the layer is on the map), then precision and base."""
    lang = spec.lang
    cats = data.catalog.categories
    rows = [f"<h4>{escape(t('legend', lang))}</h4>"]
    by_cat: dict[str, list[str]] = {}
    for key in keys or layer_keys(data):
        by_cat.setdefault(key.split(":")[1], []).append(key)
    for cat in sorted(by_cat, key=lambda c: cats[c]["order"]):
        c = cats[cat]
        hidden = "" if show_all else " pm-hidden"
        rows.append(
            f'<div class="pm-row{hidden}" data-layers="{escape(" ".join(by_cat[cat]))}">'
            f"{marker_html(c['color'], c['icon'], 18)}"
            f"<span>{escape(pick(c['label_zh'], c['label_en'], lang))}</span></div>"
        )
    for prec, st in data.catalog.precision_styles.items():
        dash = escape(st.get("dash") or "none")
        fill = 0 if prec == "admin" else st["fill_opacity"] * 2
        svg = (
            f'<svg width="22" height="14"><rect x="1" y="1" width="20" height="12" fill="#888" '
            f'fill-opacity="{fill}" stroke="#444" stroke-width="2" stroke-dasharray="{dash}"/></svg>'
        )
        label = escape(pick(st["label_zh"], st["label_en"], lang))
        rows.append(f'<div class="pm-row">{svg}<span>{label}</span></div>')
    rows.append(
        f'<div class="pm-row"><span class="pm-swatch" style="background:{PREFECTURE_FILLS[622900]};'
        f'border:1px solid {COUNTY_LINE}"></span><span>{escape(t("counties", lang))}</span></div>'
        f'<div class="pm-row"><span class="pm-swatch" style="height:3px;background:#5b9bd5"></span>'
        f"<span>{escape(t('rivers', lang))}</span></div>"
        f'<div class="pm-row"><span class="pm-swatch" style="background:#d9ccb0"></span>'
        f"<span>{escape(t('mountain_zone', lang))}</span></div>"
    )
    return "".join(rows)


class KeyForwarder(MacroElement):
    """Forward arrow keys pressed inside the map's iframe to the page (presentation shortcuts)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  {{ this._parent.get_name() }}.keyboard.disable();
  window.__pmKeyForwarder = true;
  document.addEventListener('keydown', function(e) {
    if (['ArrowLeft', 'ArrowRight', 'Escape'].indexOf(e.key) < 0) { return; }
    try {
      var target = window.parent.document;
      target.dispatchEvent(new KeyboardEvent('keydown', {key: e.key, code: e.code, keyCode: e.keyCode,
                                                         bubbles: true}));
    } catch (err) { /* not same-origin: nothing to forward to */ }
  });
})();
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "KeyForwarder"


class LayerTag(MacroElement):
    """Registers its parent FeatureGroup under a layer key, so the legend can follow it.

    (``L.featureGroup`` takes layers, not options, as its first argument, so the key cannot
    travel as a Leaflet option.)
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(window.__pmLayers = window.__pmLayers || {})[{{ this.key_json }}] = {{ this._parent.get_name() }};
{% endmacro %}
"""
    )

    def __init__(self, key: str):
        super().__init__()
        self._name = "LayerTag"
        self.key_json = json.dumps(key)


class TileFallback(MacroElement):
    """When tiles cannot load (no network, blocked host), drop them and say so: the offline basemap remains."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var tiles = {{ this.tiles.get_name() }};
  var map = {{ this._parent.get_name() }};
  var loaded = 0, failed = 0, done = false;
  tiles.on('tileload', function() { loaded++; });
  tiles.on('tileerror', function() { failed++; check(); });
  function check() {
    if (done || loaded > 0 || failed < 4) { return; }
    done = true;
    map.removeLayer(tiles);
    var note = L.control({position: 'topright'});
    note.onAdd = function() { var d = L.DomUtil.create('div', 'pm-notice'); d.textContent = {{ this.message_json }};
      return d; };
    note.addTo(map);
  }
  setTimeout(function() { if (!loaded && failed) { failed = 99; check(); } }, 6000);
})();
{% endmacro %}
"""
    )

    def __init__(self, tiles: folium.TileLayer, message: str):
        super().__init__()
        self._name = "TileFallback"
        self.tiles = tiles
        self.message_json = json.dumps(message)


class NorthArrow(MacroElement):
    """A simple north arrow control (top left, under the zoom buttons)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var c = L.control({position: 'topleft'});
  c.onAdd = function() { var d = L.DomUtil.create('div', 'pm-north'); d.innerHTML = '&#9650;<br>N'; return d; };
  c.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )
