"""Map panels: which part of the country each map frame shows, in which projection.

A region choice becomes one panel per *cluster* of plan regions: regions that touch or lie
close share a panel, regions far apart (two prefectures 400 km apart) get a panel each, side
by side, each in the transverse Mercator of its own 3-degree Gauss–Krüger zone so its scale
bar is true. A scene extent is one panel. Projected, simplified geometry is cached per panel
and output resolution, so the pages of a deck that share a panel reuse it.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import geopandas as gpd
import shapely

from geo_app.crs import local_metric_crs
from geo_app.mapdata import MapData
from geo_app.printmap.content import MapContent

#: Regions closer than this share of the smaller one's size share a panel.
CLUSTER_GAP = 0.35
PAD = 0.045  # margin around a region cluster, share of its larger side
SCENE_PAD = 0.08  # margin around a scene's highlighted items


@dataclass(frozen=True)
class Panel:
    """One map frame: a projected extent and the counties (plan regions) inside it."""

    key: tuple  # cache key (regions or a scene extent)
    crs: str
    cm: int  # central meridian
    extent: tuple[float, float, float, float]  # projected minx, miny, maxx, maxy (metres)
    counties: tuple[int, ...]  # county adcodes drawn in this panel
    adcodes: tuple[int, ...]  # plan regions framed (empty for a scene extent)

    @property
    def aspect(self) -> float:
        x0, y0, x1, y1 = self.extent
        return (x1 - x0) / (y1 - y0)

    def fit(self, aspect: float) -> Panel:
        """The panel widened or heightened (about its centre) to a frame of ``aspect``."""
        x0, y0, x1, y1 = self.extent
        cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
        if w / h < aspect:
            w = h * aspect
        else:
            h = w / aspect
        return Panel(
            self.key, self.crs, self.cm, (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), self.counties, self.adcodes
        )


def _cm(crs: str) -> int:
    return int(re.search(r"lon_0=(-?\d+)", crs).group(1))


def _padded(bounds, pad: float) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = bounds
    p = pad * max(x1 - x0, y1 - y0)
    return (x0 - p, y0 - p, x1 + p, y1 + p)


def clusters(outlines: dict[int, shapely.Geometry]) -> list[list[int]]:
    """Group regions (adcode -> outline in a metric CRS) so near ones share a panel (single linkage:
    two regions join when their gap is under ``CLUSTER_GAP`` of the smaller one's size)."""
    codes = list(outlines)
    group = {c: i for i, c in enumerate(codes)}
    size = {c: max(_span(outlines[c])) for c in codes}
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            if group[a] != group[b] and outlines[a].distance(outlines[b]) <= CLUSTER_GAP * min(size[a], size[b]):
                old, new = group[b], group[a]
                group = {c: new if g == old else g for c, g in group.items()}
    out: dict[int, list[int]] = {}
    for c in codes:
        out.setdefault(group[c], []).append(c)
    return list(out.values())


def _span(g: shapely.Geometry) -> tuple[float, float]:
    x0, y0, x1, y1 = g.bounds
    return (x1 - x0, y1 - y0)


def region_of(county: int, adcodes: tuple[int, ...]) -> int:
    """The plan region (of ``adcodes``) a county belongs to."""
    for a in adcodes:
        if a == county or (
            a % 100 == 0 and ((a % 10000 == 0 and county // 10000 == a // 10000) or county // 100 == a // 100)
        ):
            return a
    return county


def make_panels(data: MapData, content: MapContent) -> list[Panel]:
    """The panels of a map, west to east (cached per region choice)."""
    if content.extent is not None:
        return [_scene_panel(data, content)]
    return _cached(data, ("panels", content.counties, content.adcodes), lambda: _region_panels(data, content))


def _region_panels(data: MapData, content: MapContent) -> list[Panel]:
    counties = data.display_counties[data.display_counties["adcode"].isin(content.counties)]
    if counties.empty:
        raise ValueError("the region has no counties to draw")
    lon0, _, lon1, _ = counties.total_bounds
    proj = counties.to_crs(local_metric_crs((lon0 + lon1) / 2))
    by_region: dict[int, list[int]] = {}
    for code in proj["adcode"]:
        by_region.setdefault(region_of(int(code), content.adcodes), []).append(int(code))
    outlines = {r: shapely.union_all(proj[proj["adcode"].isin(cs)].geometry.values) for r, cs in by_region.items()}
    panels = []
    for group in clusters(outlines):
        codes = tuple(sorted(c for r in group for c in by_region[r]))
        sub = counties[counties["adcode"].isin(codes)]
        x0, _, x1, _ = sub.total_bounds
        crs = local_metric_crs((x0 + x1) / 2)
        bounds = sub.to_crs(crs).total_bounds
        panels.append(
            Panel(("regions", tuple(sorted(group))), crs, _cm(crs), _padded(bounds, PAD), codes, tuple(sorted(group)))
        )
    lon = {p.key: _lon_of(p) for p in panels}
    return sorted(panels, key=lambda p: lon[p.key])


def _lon_of(panel: Panel) -> float:
    x0, y0, x1, y1 = panel.extent
    pt = gpd.GeoSeries([shapely.Point((x0 + x1) / 2, (y0 + y1) / 2)], crs=panel.crs).to_crs(4326).iloc[0]
    return float(pt.x)


def _scene_panel(data: MapData, content: MapContent) -> Panel:
    lon0, lat0, lon1, lat1 = content.extent
    crs = local_metric_crs((lon0 + lon1) / 2)
    box = gpd.GeoSeries([shapely.box(lon0, lat0, lon1, lat1).segmentize(0.05)], crs=4326).to_crs(crs).iloc[0]
    x0, y0, x1, y1 = box.bounds
    hl = content.drawn[content.drawn["id"].isin(content.highlight)]
    if len(hl):
        hx0, hy0, hx1, hy1 = _padded(hl.to_crs(crs).total_bounds, SCENE_PAD)
        x0, y0, x1, y1 = min(x0, hx0), min(y0, hy0), max(x1, hx1), max(y1, hy1)
    view = gpd.GeoSeries([shapely.box(x0, y0, x1, y1)], crs=crs).to_crs(4326).iloc[0]
    counties = data.counties[data.counties.intersects(view)]
    key = ("extent", tuple(round(v, 4) for v in content.extent), tuple(sorted(content.highlight)))
    return Panel(key, crs, _cm(crs), (x0, y0, x1, y1), tuple(int(c) for c in counties["adcode"]), ())


# ----------------------------------------------------------------------------- geometry caches


_CACHES: dict[int, tuple[weakref.ref, dict]] = {}


def _cache_of(data: MapData) -> dict:
    """Per-MapData caches (projected counties, reference, features), dropped with the data."""
    key = id(data)
    entry = _CACHES.get(key)
    if entry is None or entry[0]() is not data:
        cache: dict = {}
        _CACHES[key] = (weakref.ref(data, lambda _r: _CACHES.pop(key, None)), cache)
        return cache
    return entry[1]


def _cached(data: MapData, key: tuple, build):
    cache = _cache_of(data)
    if key not in cache:
        cache[key] = build()
    return cache[key]


def tolerance(m_per_mm: float) -> float:
    """Simplification tolerance: 0.12 mm on paper, finer than a hairline."""
    return 0.12 * m_per_mm


#: Above this tolerance (m) the display geometry (simplified at 150 m for the web map) is fine enough.
DISPLAY_TOLERANCE = 200.0


def counties_projected(data: MapData, panel: Panel, tol: float) -> gpd.GeoDataFrame:
    """The panel's counties in its CRS, coverage-simplified to ``tol`` metres (shared edges stay shared).

    Large areas start from the display counties (already simplified), so a province is quick."""
    tol_key = round(tol, -1)

    def build():
        source = data.display_counties if tol_key >= DISPLAY_TOLERANCE else data.counties
        sub = source[source["adcode"].isin(panel.counties)].to_crs(panel.crs)
        if tol_key > 0 and len(sub):
            sub = sub.copy()
            sub["geometry"] = shapely.coverage_simplify(sub.geometry.values, tol_key, simplify_boundary=True)
        return sub

    return _cached(data, ("counties", panel.crs, panel.counties, tol_key), build)


def reference_projected(data: MapData, crs: str) -> gpd.GeoDataFrame:
    """The reference layer (towns, rivers, roads, mountain zone) in ``crs``."""
    return _cached(data, ("reference", crs), lambda: data.reference.reset_index(drop=True).to_crs(crs))


def features_projected(data: MapData, frame: gpd.GeoDataFrame, crs: str, tol: float) -> gpd.GeoSeries:
    """Feature geometries in ``crs`` simplified to ``tol`` metres, by feature id (cached per item)."""
    tol_key = round(tol, -1)
    if tol_key >= DISPLAY_TOLERANCE:
        display = data.display_features.set_index("id").geometry
        frame = frame.assign(geometry=[display.get(i, g) for i, g in zip(frame["id"], frame.geometry, strict=True)])
    out = {}
    for fid, geom in zip(frame["id"], frame.geometry, strict=True):

        def build(geom=geom):
            g = gpd.GeoSeries([geom], crs=4326).to_crs(crs).iloc[0]
            return shapely.simplify(g, tol_key, preserve_topology=True) if tol_key > 0 else g

        out[fid] = _cached(data, ("feature", fid, crs, tol_key), build)
    return gpd.GeoSeries(out, crs=crs)


def land(data: MapData, panel: Panel, tol: float) -> shapely.Geometry:
    """The union of the panel's counties (projected, simplified)."""
    return _cached(
        data,
        ("land", panel.crs, panel.counties, round(tol, -1)),
        lambda: shapely.union_all(counties_projected(data, panel, tol).geometry.values),
    )
