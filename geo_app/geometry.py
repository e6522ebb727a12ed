"""Build each catalog feature's geometry from its recipe, the county boundaries and the reference data.

Recipes (``layers/SCHEMA.md``): ``counties`` (union of the named counties), ``zone`` (the named
counties, or the plan region, clipped to a band around reference features: the mushroom belt
is the Taizi Mountain foothills within four counties, not the counties whole), ``point``,
``outline`` and ``line``. Region-wide items have no geometry (None): they are listed, not drawn.
Buffers are measured in metres in the local Gauss–Krüger zone.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from shapely.geometry import LineString, Point, Polygon

from geo_app.catalog import Catalog, CatalogError, Feature, Problem
from geo_app.crs import local_metric_crs
from geo_app.reference import load_reference

#: A zone covering less than this share of a county is a border sliver: that county is dropped.
MIN_ZONE_SHARE = 0.05

GEOMETRY_COLUMNS = ["shape", "region_wide"]


def _union(geoms) -> shapely.Geometry:
    return shapely.union_all(list(geoms))


def _metric(geoms: list, crs: str) -> list:
    return list(gpd.GeoSeries(geoms, crs=4326).to_crs(crs).values)


def _from_metric(geom: shapely.Geometry, crs: str) -> shapely.Geometry:
    return gpd.GeoSeries([geom], crs=crs).to_crs(4326).iloc[0]


def zone_geometry(spec: dict, counties: gpd.GeoSeries, reference: gpd.GeoDataFrame) -> shapely.Geometry:
    """The counties (a GeoSeries by adcode) clipped to ``buffer_km`` around the ``near`` features.

    Counties the band covers by less than ``MIN_ZONE_SHARE`` of their area are dropped, so a
    1 % sliver never links a county the rule does not really yield.
    """
    near = _union(reference.loc[list(spec["near"])].geometry)
    crs = local_metric_crs(_union(counties.values).centroid.x)
    band = _metric([near], crs)[0].buffer(float(spec["buffer_km"]) * 1000.0, quad_segs=8)
    kept = []
    for county in _metric(list(counties.values), crs):
        part = county.intersection(band)
        if not part.is_empty and part.area >= MIN_ZONE_SHARE * county.area:
            kept.append(part)
    if not kept:
        return shapely.Polygon()
    return shapely.make_valid(_from_metric(_union(kept), crs))


def build_geometry(
    feature: Feature,
    counties: gpd.GeoSeries,
    region: list[int],
    reference: gpd.GeoDataFrame,
    unions: dict | None = None,
) -> shapely.Geometry | None:
    """The WGS84 geometry of one feature, or None for a region-wide item.

    ``counties`` is a GeoSeries indexed by adcode; ``region`` the county adcodes of the
    feature's plan (a zone without named counties is clipped to them); ``unions`` memoises
    county unions shared by several features.
    """
    spec = feature.geometry
    if feature.location == "region_wide" or not spec:
        return None
    recipe = spec["recipe"]
    named = list(feature.counties)
    if recipe == "counties":
        key = tuple(sorted(named))
        unions = {} if unions is None else unions
        if key not in unions:
            unions[key] = _union(counties.loc[list(key)])
        return unions[key]
    if recipe == "zone":
        return zone_geometry(spec, counties.loc[named or region], reference)
    if recipe == "point":
        if "at" in spec:
            geom = reference.loc[spec["at"]].geometry
            return geom if geom.geom_type == "Point" else geom.representative_point()
        return Point(*spec["lonlat"])
    if recipe == "outline":
        poly = shapely.make_valid(Polygon(spec["lonlat"]))
        return poly.intersection(_union(counties.loc[named])) if spec.get("clip") else poly
    if recipe == "line":
        if spec.get("near"):
            line = _union(reference.loc[list(spec["near"])].geometry)
            return line.intersection(_union(counties.loc[named or region]))
        return LineString(spec["lonlat"])
    raise ValueError(f"unknown recipe {recipe!r}")


def build_features(
    catalog: Catalog, counties: gpd.GeoDataFrame, plan_counties: dict[str, list[int]]
) -> gpd.GeoDataFrame:
    """All catalog features with geometry (EPSG:4326; None for region-wide items), in catalog order.

    ``plan_counties`` maps each plan id to the county adcodes of its regions. Raises
    CatalogError naming the feature when counties are missing or a recipe yields nothing.
    """
    by_code = counties.set_index("adcode").geometry
    reference = load_reference()
    geoms, problems, unions = [], [], {}
    for f in catalog.features:
        missing = [c for c in f.counties if c not in by_code.index]
        if missing:
            problems.append(Problem(f.file, f.id, "counties", f"no boundary loaded for {missing}"))
            geoms.append(None)
            continue
        geom = build_geometry(f, by_code, plan_counties.get(f.plan, []), reference, unions)
        if geom is not None and geom.is_empty:
            problems.append(Problem(f.file, f.id, "geometry", "recipe gives an empty geometry"))
        geoms.append(geom)
    if problems:
        raise CatalogError(problems)
    gdf = gpd.GeoDataFrame(catalog.frame(), geometry=geoms, crs=4326)
    gdf["shape"] = [_geom_kind(g) for g in geoms]
    gdf["region_wide"] = gdf["location"] == "region_wide"
    return gdf


def _geom_kind(geom: shapely.Geometry | None) -> str:
    """area, line, point, or none (a region-wide item)."""
    if geom is None:
        return "none"
    if "Point" in geom.geom_type:
        return "point"
    if "Line" in geom.geom_type:
        return "line"
    return "area"
