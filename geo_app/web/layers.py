"""The layers of a web map, each a folium FeatureGroup that calls planmap.js.

``base_map`` is the constant part (Leaflet, the client library, the geometry sources): in the
app it never changes with the settings, so the map is never re-mounted. Everything that
follows the settings is a FeatureGroup the app swaps in place (st_folium's feature groups):
tiles, orientation (provinces, neighbouring prefectures), reference (mountains, rivers, roads,
towns), counties, context regions, one group per plan layer (``plan:category``), the regions'
badges of region-wide items, labels, and the selection (clicked county, highlights).
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from geo_app.datum import wgs84_to_gcj02
from geo_app.details import credits
from geo_app.escaping import html_text
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData
from geo_app.styles import base_color, item_styles
from geo_app.web import popups
from geo_app.web.basemaps import BASEMAPS, tile_url
from geo_app.web.elements import LiteralHtml, PlanLib, PMCall, PMSource, slim_map_assets
from geo_app.web.spec import MapSpec

TILE_TIMEOUT_MS = 4000
APP_CSS = "<style>html, body { height: 100%; margin: 0; } #map_div, .folium-map { height: 100vh !important; }</style>"


def datum(spec: MapSpec) -> str:
    return BASEMAPS[spec.basemap].datum


def source_key(spec: MapSpec) -> str:
    return "plan-" + datum(spec).lower()


def to_map(lon: float, lat: float, spec: MapSpec) -> tuple[float, float]:
    """A WGS84 position in the basemap's datum, as Leaflet's [lat, lon]."""
    if datum(spec) == "GCJ02":
        glon, glat = wgs84_to_gcj02(lon, lat)
        return round(float(glat), 6), round(float(glon), 6)
    return round(lat, 6), round(lon, 6)


def layer_key(plan: str, category: str) -> str:
    return f"{plan}:{category}"


def layer_keys(data: MapData) -> list[str]:
    """All layer keys in panel order (plan, then category order)."""
    if "layer_keys" not in data.memo:
        data.memo["layer_keys"] = _layer_keys(data)
    return list(data.memo["layer_keys"])


def _layer_keys(data: MapData) -> tuple[str, ...]:
    cats = data.catalog.categories
    df = data.features
    keys = {(p, c) for p, c in zip(df["plan"], df["category"], strict=True)}
    order = list(data.catalog.plans)
    return tuple(layer_key(p, c) for p, c in sorted(keys, key=lambda k: (order.index(k[0]), cats[k[1]]["order"])))


def visible(data: MapData, spec: MapSpec) -> pd.Series:
    """Mask of the features shown: plans of the view, visible layers."""
    f = data.features
    mask = pd.Series(True, index=f.index)
    if spec.plans is not None:
        mask &= f.plan.isin(spec.plans)
    if spec.visible_layers is not None:
        mask &= (f.plan + ":" + f.category).isin(spec.visible_layers)
    return mask


def with_popups(spec: MapSpec) -> bool:
    """Popups in the files and on the projector (in the app a click fills the side panel instead)."""
    return spec.mode != "app" or spec.present


def topo_layer(fg: folium.FeatureGroup, spec: MapSpec, obj: str, props: dict, **opts) -> None:
    """Draw the features ``props`` (key -> style props) of the map's TopoJSON object ``obj`` in ``fg``."""
    PMCall("topoLayer", source_key(spec), obj, props, opts).add_to(fg)


def basemap_groups(data: MapData, spec: MapSpec) -> list[folium.FeatureGroup]:
    """The groups under the plan layers: tiles, orientation, reference, counties (standalone, deck)."""
    return [tiles_group(spec), orientation_group(data, spec), reference_group(data, spec), counties_group(data, spec)]


# ----------------------------------------------------------------------------- the constant base


def base_map(data: MapData, spec: MapSpec, sources: dict[str, str | dict]) -> folium.Map:
    """Leaflet with the client library and the geometry sources; no layers (they come as groups)."""
    m = folium.Map(location=[35.0, 103.0], zoom_start=5, tiles=None, control_scale=False, min_zoom=3, max_zoom=18)
    m.options.update({"zoomSnap": 0.25, "zoomDelta": 0.5, "wheelPxPerZoomLevel": 90})
    slim_map_assets(m)
    if spec.mode == "app":  # the component's iframe is sized by the page: the map fills it
        m.get_root().header.add_child(LiteralHtml(APP_CSS))
    PlanLib().add_to(m)
    for key, value in sources.items():
        PMSource(key, value).add_to(m)
    opts = {
        "highlight": base_color(data.catalog, "highlight"),
        "north": spec.mode != "app",
        "urlSync": spec.mode == "app",
    }
    PMCall("init", opts).add_to(m)
    return m


# ----------------------------------------------------------------------------- basemap groups


def tiles_group(spec: MapSpec) -> folium.FeatureGroup:
    """Tile basemap (none for the offline basemap), with the hang/failure fallback."""
    fg = folium.FeatureGroup(name="tiles", control=False)
    bm = BASEMAPS[spec.basemap]
    if bm.url is None:
        return fg
    opts = {"attribution": bm.attribution, "maxZoom": bm.max_zoom, "subdomains": bm.subdomains or "abc"}
    specs = [{"url": tile_url(bm, spec.tianditu_key), "options": opts}]
    if bm.overlay_url:
        specs.append({"url": tile_url(bm, spec.tianditu_key, overlay=True), "options": {**opts, "attribution": ""}})
    PMCall("tiles", specs, {"message": t("offline_notice", spec.lang), "timeout": TILE_TIMEOUT_MS}).add_to(fg)
    return fg


def orientation_group(data: MapData, spec: MapSpec) -> folium.FeatureGroup:
    """Province outlines and the neighbouring prefectures, for orientation."""
    from geo_app.web.topo import neighbours, provinces

    fg = folium.FeatureGroup(name=html_text(t("orientation", spec.lang)), control=spec.mode != "app")
    prov_line = base_color(data.catalog, "province_line")
    provs = {str(a): {"lc": prov_line, "w": 2.2, "d": "10 4 2 4"} for a in provinces(data).adcode}
    nbrs = {str(a): {"lc": "#9a9a9a", "w": 1, "o": 0.9} for a in neighbours(data).adcode}
    topo_layer(fg, spec, "neighbours", nbrs, style="outline", interactive=False, pane="pmContext")
    topo_layer(fg, spec, "provinces", provs, style="outline", interactive=False, pane="pmContext")
    return fg


def reference_group(data: MapData, spec: MapSpec) -> folium.FeatureGroup:
    """Mountain zone, rivers, schematic roads and towns near the plan regions, with data credits."""
    from geo_app.web.topo import reference_near

    lang = spec.lang
    fg = folium.FeatureGroup(name=html_text(t("reference", lang)), control=spec.mode != "app")
    ref = reference_near(data)
    near = _near_shown(data, spec)
    ref = ref[ref.geometry.intersects(near)]
    props = {r.id: {"kd": r.kind, "tip": popups.html_text(pick(r.name_zh, r.name_en, lang))} for r in ref.itertuples()}
    for r in ref.itertuples():
        if r.kind == "mountain_zone":
            props[r.id].pop("tip")
    topo_layer(fg, spec, "reference", props, style="reference", interactive=True)
    PMCall(
        "towns",
        [
            {
                "ll": to_map(r.geometry.x, r.geometry.y, spec),
                "s": int(r.kind in ("county_seat", "city")),
                "tip": popups.html_text(pick(r.name_zh, r.name_en, lang)),
            }
            for r in towns(data, spec).itertuples()
        ],
    ).add_to(fg)
    PMCall("attribution", credits(lang, short=True)).add_to(fg)
    return fg


def _near_shown(data: MapData, spec: MapSpec):
    """The counties of the plans shown, grown a little: reference features elsewhere are not drawn
    (no stray Yellow River fragment in a Zhangye-only view)."""
    import shapely

    codes = data.counties_of_plans(spec.plans)
    shown = data.display_counties[data.display_counties.adcode.isin(codes)]
    return shapely.union_all(shown.geometry.values).buffer(0.1)


def towns(data: MapData, spec: MapSpec | None = None) -> gpd.GeoDataFrame:
    """Towns and county seats within the regions of the plans shown (a little beyond)."""
    near = _near_shown(data, spec or MapSpec())
    ref = data.reference
    return ref[ref["kind"].isin(["town", "county_seat", "city"]) & ref.geometry.within(near)]


def counties_group(data: MapData, spec: MapSpec) -> folium.FeatureGroup:
    """The counties of the plan regions (filled on the offline basemap) and prefecture outlines."""
    lang = spec.lang
    fg = folium.FeatureGroup(name=html_text(t("counties", lang)), control=spec.mode != "app")
    codes = data.counties_of_plans(spec.plans)
    shown = data.display_counties[data.display_counties.adcode.isin(codes)]
    offline = BASEMAPS[spec.basemap].url is None
    land, line = base_color(data.catalog, "land"), base_color(data.catalog, "county_line")
    props = {}
    for r in shown.itertuples():
        p = {"tip": popups.county_tooltip(r.name_zh, lang), "fc": land, "fo": 0.6 if offline else 0.08, "lc": line}
        if with_popups(spec):
            p["pop"] = popups.county_popup(r.adcode, data, lang, spec.plans)
        props[str(int(r.adcode))] = p
    topo_layer(fg, spec, "counties", props, style="county", role="county")
    prefs = {
        str(int(a)): {"lc": base_color(data.catalog, "prefecture_line"), "w": 2.6}
        for a in shown.prefecture_adcode.dropna().unique()
    }
    topo_layer(fg, spec, "prefectures", prefs, style="outline", interactive=False)
    return fg


def context_group(source: str, value: str | dict, ctx: gpd.GeoDataFrame, spec: MapSpec) -> folium.FeatureGroup:
    """Other regions' county boundaries: drawn underneath, never blocking clicks on the plan regions."""
    fg = folium.FeatureGroup(name=html_text(t("context_layer", spec.lang)), control=spec.mode != "app")
    PMSource(source, value).add_to(fg)
    props = {str(int(a)): {} for a in ctx.adcode}
    opts = {"style": "context", "interactive": False, "pane": "pmContext", "canvas": len(props) > 300}
    PMCall("topoLayer", source, "context", props, opts).add_to(fg)
    return fg


def selection_group(data: MapData, spec: MapSpec) -> folium.FeatureGroup:
    """The clicked county, outlined on top of everything."""
    fg = folium.FeatureGroup(name="selection", control=False)
    if spec.selected_county is not None:
        props = {str(int(spec.selected_county)): {"lc": base_color(data.catalog, "selected_county")}}
        topo_layer(fg, spec, "counties", props, style="selected", interactive=False, pane="pmSelected")
    return fg


# ----------------------------------------------------------------------------- plan layers


def _styles(data: MapData) -> pd.DataFrame:
    return item_styles(data.catalog, data.features.set_index("id")["shape"])


def plan_layer(data: MapData, spec: MapSpec, key: str) -> folium.FeatureGroup:
    """One plan layer (``plan:category``): its drawn areas and lines, and its point markers."""
    lang = spec.lang
    plan, cat = key.split(":")
    fg = folium.FeatureGroup(name=html_text(layer_label(data, key, lang)))
    f = data.features
    sub = f[(f.plan == plan) & (f.category == cat)]
    styles = _styles(data)
    icon = data.catalog.categories[cat]["icon"]
    fan = marker_offsets(data, 30 if spec.present else 24)
    props, points = {}, []
    for _, row in sub.iterrows():
        st = styles.loc[row["id"]]
        p = {"c": st.color, "l": row["location"], "t": row["shape"], "g": cat, "tip": popups.item_tooltip(row, lang)}
        if with_popups(spec):
            p["pop"] = popups.item_popup(row, data, lang, st.color)
        if row["id"] in spec.highlight:
            p["hl"] = 1
        if row["shape"] in ("area", "line"):
            p["h"] = None if row["shape"] == "line" or pd.isna(st.hatch) else int(st.hatch)
            props[row["id"]] = p
        elif row["shape"] == "point":
            g = row.geometry
            dx, dy = fan.get(row["id"], (0, 0))
            points.append({**p, "k": row["id"], "ll": to_map(g.x, g.y, spec), "i": icon, "o": [dx, dy]})
    if props:
        topo_layer(fg, spec, "items", props, style="item", role="item")
    if points:
        PMCall("markers", points, {"size": 30 if spec.present else 24}).add_to(fg)
    return fg


def marker_offsets(data: MapData, size: int = 24) -> dict[str, tuple[int, int]]:
    """Pixel offsets that fan out point items sharing one position (several platforms placed at
    the same county seat) on a small ring, so each marker stays visible and clickable."""
    import math

    f = data.features[data.features["shape"] == "point"]
    groups: dict[tuple[float, float], list[str]] = {}
    for fid, g in zip(f["id"], f.geometry, strict=True):
        groups.setdefault((round(g.x, 4), round(g.y, 4)), []).append(fid)
    out = {}
    for ids in groups.values():
        if len(ids) == 1:
            continue
        r = size * 0.62 / math.sin(math.pi / len(ids)) if len(ids) > 1 else 0
        for i, fid in enumerate(ids):
            a = 2 * math.pi * i / len(ids) - math.pi / 2
            out[fid] = (round(r * math.cos(a)), round(r * math.sin(a)))
    return out


def layer_label(data: MapData, key: str, lang: str) -> str:
    plan, cat = key.split(":")
    c = data.catalog.categories[cat]
    return f"{data.catalog.plans[plan].short(lang)} · {pick(c['label_zh'], c['label_en'], lang)}"


def badges(data: MapData, spec: MapSpec) -> list[dict]:
    """One badge per plan (in the plan's region): the count of its region-wide items shown."""
    from geo_app.web.frames import badge_anchor

    f = data.features[visible(data, spec) & data.features.region_wide]
    out = []
    for i, (plan, items) in enumerate(f.groupby("plan", sort=False)):
        p = data.catalog.plans[plan]
        lon, lat = badge_anchor(data, p.regions)
        out.append(
            {
                "k": plan,
                "ll": to_map(lon, lat, spec),
                "n": len(items),
                "c": p.color,
                "plan": plan,
                "offset": i,
                "t": popups.html_text(
                    f"{p.short(spec.lang)} · "
                    + t("region_wide_badge", spec.lang).format(unit=p.unit_zh if spec.lang == "zh" else p.unit_en)
                ),
            }
        )
    return out


def badges_group(data: MapData, spec: MapSpec) -> folium.FeatureGroup:
    """The regions' badges: region-wide items are listed under them, never painted."""
    fg = folium.FeatureGroup(name=html_text(t("region_wide_items", spec.lang)), control=spec.mode != "app")
    items = badges(data, spec)
    f = data.features[visible(data, spec) & data.features.region_wide]
    for b in items:
        b["tip"] = popups.html_text(t("region_wide_note", spec.lang))
        if with_popups(spec):
            b["pop"] = popups.badge_popup(b["plan"], f[f.plan == b["plan"]], data, spec.lang)
        b["ll"] = [b["ll"][0] - 0.09 * b.pop("offset"), b["ll"][1]]
        b.pop("plan")
    if items:
        PMCall("badges", items).add_to(fg)
    return fg
