"""Build each catalog feature's geometry from its recipe, the county boundaries and the reference data.

Recipes (see ``layers/SCHEMA.md``): ``counties`` (union of named counties), ``counties_near``
(named counties clipped to a zone around reference features: the mushroom belt is the
Taizi Mountain foothills within four counties, not the counties whole), ``point``,
``outline`` and ``line``. Buffers are measured in metres in a local Gauss–Krüger projection.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from shapely.geometry import LineString, Point, Polygon

from geo_app.catalog import Catalog, CatalogError, Feature, Problem
from geo_app.crs import local_metric_crs
from geo_app.reference import load_reference


def _union(geoms) -> shapely.Geometry:
    return shapely.union_all(list(geoms))


def _to_metric(geom: shapely.Geometry, crs: str) -> shapely.Geometry:
    return gpd.GeoSeries([geom], crs=4326).to_crs(crs).iloc[0]


def _from_metric(geom: shapely.Geometry, crs: str) -> shapely.Geometry:
    return gpd.GeoSeries([geom], crs=crs).to_crs(4326).iloc[0]


def build_geometry(
    feature: Feature, counties: gpd.GeoSeries, reference: gpd.GeoDataFrame, unions: dict | None = None
) -> shapely.Geometry:
    """The WGS84 geometry of one feature. ``counties`` is a GeoSeries indexed by adcode;
    ``unions`` memoises county unions shared by many features (a whole prefecture)."""
    recipe = feature.geometry["recipe"]
    spec = feature.geometry
    area = None
    if feature.counties:
        key = tuple(sorted(feature.counties))
        unions = {} if unions is None else unions
        if key not in unions:
            unions[key] = _union(counties.loc[list(key)])
        area = unions[key]
    if recipe == "counties":
        return area
    if recipe == "counties_near":
        near = _union(reference.loc[list(spec["near"])].geometry)
        crs = local_metric_crs(area.centroid.x)
        zone = _to_metric(near, crs).buffer(float(spec["buffer_km"]) * 1000.0, quad_segs=8)
        clipped = _to_metric(area, crs).intersection(zone)
        return shapely.make_valid(_from_metric(clipped, crs))
    if recipe == "point":
        if "at" in spec:
            geom = reference.loc[spec["at"]].geometry
            return geom if geom.geom_type == "Point" else geom.representative_point()
        return Point(*spec["lonlat"])
    if recipe == "outline":
        poly = shapely.make_valid(Polygon(spec["lonlat"]))
        return poly.intersection(area) if spec.get("clip") and area is not None else poly
    if recipe == "line":
        if spec.get("near"):
            line = _union(reference.loc[list(spec["near"])].geometry)
            return line.intersection(area) if area is not None else line
        return LineString(spec["lonlat"])
    raise ValueError(f"unknown recipe {recipe!r}")


def build_features(catalog: Catalog, counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """All catalog features with geometry (EPSG:4326), one row per feature.

    Raises CatalogError naming the feature when a recipe yields an empty geometry (for
    example a buffer that misses its counties).
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
        geom = build_geometry(f, by_code, reference, unions)
        if geom is None or geom.is_empty:
            problems.append(Problem(f.file, f.id, "geometry", "recipe gives an empty geometry"))
        geoms.append(geom)
    if problems:
        raise CatalogError(problems)
    frame = catalog.frame()
    gdf = gpd.GeoDataFrame(frame, geometry=geoms, crs=4326)
    gdf["shape"] = gdf.geometry.geom_type.map(_geom_kind)
    gdf["region_wide"] = _region_wide(catalog, counties)
    return gdf


def _region_wide(catalog: Catalog, counties: gpd.GeoDataFrame) -> list[bool]:
    """Per feature: a union of *all* counties of its plan's prefecture (the plan names no place
    inside it). Maps show these as markers at the prefecture instead of painting it over."""
    by_region = counties.groupby("prefecture_adcode")["adcode"].apply(lambda s: set(s.astype(int)))
    return [
        f.geometry["recipe"] == "counties"
        and set(f.counties) == by_region.get(catalog.plans[f.plan].region, {None})
        for f in catalog.features
    ]


def _geom_kind(geom_type: str) -> str:
    if "Point" in geom_type:
        return "point"
    if "Line" in geom_type:
        return "line"
    return "area"
