"""The labels of a web map: which texts, where they may go, and in what order they are placed.

Priority: highlighted items, region names, county names, items by size, point items, towns,
then names of neighbouring prefectures and context counties. Markers and badges are
obstacles. Placement itself is ``web.labels.place``.
"""

from __future__ import annotations

import math

import folium
import geopandas as gpd
import shapely
from shapely.ops import polylabel

from geo_app.details import county_label
from geo_app.escaping import html_text
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData
from geo_app.names import short_forms
from geo_app.web.elements import PMCall
from geo_app.web.frames import badge_anchor
from geo_app.web.labels import Candidate, Obstacle, around, place, wrap
from geo_app.web.layers import _styles, badges, marker_offsets, to_map, towns, visible
from geo_app.web.spec import MapSpec

#: Categories planners look for first get their labels placed first (size still ranks within them).
BOOST = {"industrial_belt": 4.0, "industry_cluster": 3.0}


def _inner_points(geom: shapely.Geometry, n: int = 10) -> list[tuple[float, float]]:
    """Points well inside a shape's largest part, best first: its pole of inaccessibility, then
    other points of a grid ranked by their distance to the edge (stacked items that share a
    pole still find a spot of their own)."""
    if geom.geom_type in ("LineString", "MultiLineString"):
        line = max(getattr(geom, "geoms", [geom]), key=lambda g: g.length)
        steps = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.45, 0.55, 0.35, 0.65)
        return [(p.x, p.y) for p in (line.interpolate(f, normalized=True) for f in steps)]
    part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    if part.area <= 0:
        p = part.representative_point()
        return [(p.x, p.y)]
    best = polylabel(part, tolerance=0.003)
    minx, miny, maxx, maxy = part.bounds
    grid = [
        shapely.Point(minx + (maxx - minx) * i / 8, miny + (maxy - miny) * j / 8)
        for i in range(1, 8)
        for j in range(1, 8)
    ]
    inside = [g for g in grid if part.contains(g)]
    edge = part.boundary
    ranked = sorted(inside, key=lambda g: -edge.distance(g))
    keep = [g for g in ranked if edge.distance(g) >= 0.35 * edge.distance(best)][: n - 1]
    return [(best.x, best.y), *[(g.x, g.y) for g in keep]]


def _extent(geom: shapely.Geometry) -> float:
    minx, miny, maxx, maxy = geom.bounds
    return max(maxx - minx, (maxy - miny) * 1.25)


def _anchors(points: list[tuple[float, float]]) -> list[tuple[float, float, float, float]]:
    """Each point as is, then the first points with small offsets."""
    out = [(lon, lat, 0.0, 0.0) for lon, lat in points]
    for lon, lat in points[:5]:
        out.extend(around(lon, lat, 14)[1:])
    return out


def county_candidates(data: MapData, spec: MapSpec, scale: float) -> list[Candidate]:
    codes = data.counties_of_plans(spec.plans)
    shown = data.display_counties[data.display_counties.adcode.isin(codes)]
    out = []
    for r in shown.itertuples():
        anchors = _anchors(_inner_points(r.geometry, 5))
        priority = 1200 + math.log1p(r.area_km2)
        label = county_label(r.name_zh, spec.lang)
        out.append(Candidate(label, "pm-l-county", anchors, priority, font_px=13 * scale, key=f"county-{r.adcode}"))
    return out


def region_candidates(data: MapData, spec: MapSpec, scale: float) -> list[Candidate]:
    """The names of the plan regions (above their badges) and of neighbouring prefectures."""
    from geo_app.web.topo import neighbours

    out = []
    plans = spec.plans or tuple(data.catalog.plans)
    regions = dict.fromkeys(a for p in plans for a in data.catalog.plans[p].regions)
    names = data.counties.drop_duplicates("prefecture_adcode").set_index("prefecture_adcode")
    for code in regions:
        lon, lat = badge_anchor(data, (code,))
        name_zh = names.loc[code, "prefecture_zh"] if code in names.index else None
        if not name_zh:
            continue
        text = short_forms(name_zh)[-1] if spec.lang == "zh" else str(names.loc[code, "prefecture_en"])
        out.append(
            Candidate(
                text, "pm-l-prefecture", [(lon, lat, 0, -26 * scale)], priority=1500, font_px=15 * scale, max_zoom=8
            )
        )
    for r in neighbours(data).itertuples():
        p = polylabel(max(getattr(r.geometry, "geoms", [r.geometry]), key=lambda g: g.area), tolerance=0.02)
        text = short_forms(r.name_zh)[-1] if spec.lang == "zh" else r.name_en
        out.append(Candidate(text, "pm-l-context", around(p.x, p.y), priority=60, font_px=11 * scale, max_zoom=9))
    return out


def _area_priority(area: float, before_counties: bool) -> float:
    """Label rank of a drawn item by its (boosted) area. An item larger than any county (a
    multi-prefecture base) is read before the county names; so are belts and clusters when
    presenting (they are the message there, and the counties are outlined anyway)."""
    return (1300 if before_counties else 0) + 500 + 100 * math.log1p(area * 100)


def item_candidates(data: MapData, spec: MapSpec, scale: float) -> list[Candidate]:
    """Labels of the visible drawn items (in their colour) and, closer in, of point items."""
    f = data.display_features[
        visible(data, spec).values & data.display_features["shape"].isin(["area", "line", "point"])
    ]
    styles = _styles(data)
    outside = t("outside_note", spec.lang)
    codes = data.counties_of_plans(spec.plans)
    shown = data.display_counties[data.display_counties.adcode.isin(codes)]
    largest_county = float(shapely.area(shown.geometry.values).max()) if len(shown) else 0.0  # degrees², as `area`
    out = []
    for r in f.itertuples():
        name = pick(r.label_zh, r.label_en, spec.lang)
        hl = r.id in spec.highlight
        note = (f"\n（{outside}）" if spec.lang == "zh" else f"\n({outside})") if r.outside_region else ""
        text = wrap(name, 9 if spec.lang == "zh" else 11) + note
        cls = "pm-l-item" + (" pm-hl" if hl else "") + (" pm-l-outside" if r.outside_region else "")
        cls += " pm-en" if spec.lang == "en" else ""
        color = styles.loc[r.id, "color"]
        if r.shape == "point":
            lon, lat = r.geometry.x, r.geometry.y
            anchors = [(lon, lat, dx, dy) for dx, dy in [(0, -28), (0, 28), (60, 0), (-60, 0)]]
            out.append(
                Candidate(
                    text,
                    cls,
                    anchors,
                    priority=2000 if hl else 300,
                    font_px=12 * scale,
                    color=color,
                    min_zoom=0 if hl or r.outside_region else 9,
                    key=r.id,
                )
            )
            continue
        area = shapely.area(r.geometry) if r.shape == "area" else r.geometry.length * 0.2
        bigger_than_counties = area > largest_county
        boosted = r.category in BOOST
        area *= BOOST.get(r.category, 1.0)
        anchors = _anchors(_inner_points(r.geometry))
        if r.shape == "line":  # a corridor's label may sit beside its line
            anchors = [(x, y, 0, dy) for x, y in _inner_points(r.geometry) for dy in (0, -16, 16, -30, 30, -44, 44)]
        if hl:  # a highlight must be readable from the scene's first view: allow wider offsets
            lon, lat = anchors[0][:2]
            anchors += [(lon, lat, dx, dy) for dx, dy in [(0, -40), (0, 40), (90, 0), (-90, 0), (0, -64), (0, 64)]]
        out.append(
            Candidate(
                text,
                cls,
                anchors,
                color=color,
                key=r.id,
                priority=2000 if hl else _area_priority(area, bigger_than_counties or (spec.present and boosted)),
                font_px=(12.5 if spec.lang == "zh" else 11.5) * scale,
                extent_deg=0 if hl else _extent(r.geometry),
            )
        )
    return out


def town_candidates(data: MapData, spec: MapSpec, scale: float) -> list[Candidate]:
    out = []
    for r in towns(data, spec).itertuples():
        seat = r.kind in ("county_seat", "city")
        anchors = [(r.geometry.x, r.geometry.y, dx, dy) for dx, dy in [(30, 0), (-30, 0), (0, -12), (0, 12)]]
        out.append(
            Candidate(
                pick(r.name_zh, r.name_en, spec.lang),
                "pm-l-town",
                anchors,
                priority=150 if seat else 20,
                font_px=11 * scale,
                min_zoom=9 if seat else 10,
            )
        )
    return out


def context_candidates(ctx: gpd.GeoDataFrame | None, spec: MapSpec, scale: float) -> list[Candidate]:
    if ctx is None or ctx.empty or len(ctx) > 400:
        return []
    return [
        Candidate(
            county_label(r.name_zh, spec.lang),
            "pm-l-context",
            _anchors(_inner_points(r.geometry, 1)),
            priority=10,
            font_px=11 * scale,
            min_zoom=8,
        )
        for r in ctx.itertuples()
    ]


def obstacles(data: MapData, spec: MapSpec, scale: float) -> list[Obstacle]:
    """Markers and badges: labels must not cover them."""
    f = data.display_features[visible(data, spec).values & (data.display_features["shape"] == "point")]
    fan = marker_offsets(data)
    out = []
    for fid, g in zip(f["id"], f.geometry, strict=True):
        dx, dy = fan.get(fid, (0, 0))
        out.append(Obstacle(g.x, g.y, 18 * scale, 18 * scale, min_zoom=8, dx=dx * scale, dy=dy * scale))
    for b in badges(data, spec):
        lon, lat = badge_anchor(data, data.catalog.plans[b["plan"]].regions)
        out.append(Obstacle(lon, lat - 0.09 * b["offset"], 150 * scale, 26 * scale))
    return out


def labels_group(data: MapData, spec: MapSpec, ctx: gpd.GeoDataFrame | None = None) -> folium.FeatureGroup:
    """All labels of the map, placed together so none collide."""
    scale = 1.3 if spec.present else 1.0
    cands = [
        *region_candidates(data, spec, scale),
        *county_candidates(data, spec, scale),
        *item_candidates(data, spec, scale),
        *town_candidates(data, spec, scale),
        *context_candidates(ctx, spec, scale),
    ]
    placed = place(cands, obstacles(data, spec, scale))
    items = []
    for p in placed:
        js = p.js()
        js["ll"] = list(to_map(js["ll"][1], js["ll"][0], spec))
        items.append(js)
    fg = folium.FeatureGroup(name=html_text(t("labels", spec.lang)), control=spec.mode != "app")
    PMCall("labels", items).add_to(fg)
    return fg
