"""The base map of a panel: plan counties, mountain zone, rivers, roads, towns, boundaries.

Every colour comes from ``styles.yaml`` ``base`` (``catalog.base``); the plan regions are
outlined in their plan's colour. Each layer is one collection.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely

from geo_app.mapdata import MapData
from geo_app.printmap import panels as pn
from geo_app.printmap.panels import Panel
from geo_app.printmap.paths import lines, polygons

GENERIC_RIVER = {"河流", "river", ""}


@dataclass
class PanelBase:
    """What the later steps need from the base: the projected counties and land."""

    counties: gpd.GeoDataFrame
    land: shapely.Geometry
    seats: gpd.GeoDataFrame


def colour(data: MapData, key: str, default: str = "#777777") -> str:
    return str(data.catalog.base.get(key, default))


def draw_base(ax, data: MapData, panel: Panel, m_per_mm: float) -> PanelBase:
    """Draw the base layers of ``panel`` into ``ax`` (limits already set)."""
    tol = pn.tolerance(m_per_mm)
    counties = pn.counties_projected(data, panel, tol)
    land = pn.land(data, panel, tol)
    ax.set_facecolor(colour(data, "outside", "#e9edf0"))
    polygons(ax, counties.geometry.values, facecolors=colour(data, "land", "#f3efe6"), edgecolors="none", zorder=1)
    layers = pn._cached(
        data,
        ("base_layers", panel.crs, panel.counties, round(tol, -1), panel.extent),
        lambda: _base_layers(data, panel, land, m_per_mm),
    )
    polygons(ax, layers["mountain"], facecolors=colour(data, "mountain"), edgecolors="none", alpha=0.75, zorder=2)
    for major, width in ((False, 0.55), (True, 1.1)):
        lines(ax, layers["rivers"][major], colors=colour(data, "river"), linewidths=width, capstyle="round", zorder=3)
    polygons(ax, layers["reservoirs"], facecolors="#a9cbe8", edgecolors=colour(data, "river"), linewidths=0.4, zorder=3)
    lines(ax, layers["roads"], colors=colour(data, "road"), linewidths=0.7, linestyles=[(0, (4, 1.5))], zorder=3)
    towns = layers["towns"]
    if len(towns):
        ax.scatter(towns[:, 0], towns[:, 1], s=1.2, c="#7a7a7a", linewidths=0, zorder=3.5)
    lines(ax, counties.geometry.values, colors=colour(data, "county_line"), linewidths=0.45, zorder=4)
    _outlines(ax, data, panel, counties, tol)
    seats = layers["seats"]
    if len(seats):
        ax.scatter(
            seats.geometry.x,
            seats.geometry.y,
            s=9,
            facecolors="white",
            edgecolors=colour(data, "text"),
            linewidths=0.7,
            zorder=10.5,
        )
    return PanelBase(counties, land, seats)


def _base_layers(data: MapData, panel: Panel, land: shapely.Geometry, m_per_mm: float) -> dict:
    """The reference layers clipped to the panel (computed once per panel and resolution)."""
    ref = pn.reference_projected(data, panel.crs)
    view = shapely.box(*panel.extent)
    near = land.buffer(3 * m_per_mm)
    kinds = ref["kind"]
    rivers = ref[(kinds == "river") & ref.intersects(view)]
    named = ~rivers["name_zh"].fillna("").isin(GENERIC_RIVER)
    towns = ref[(kinds == "town") & ref.intersects(view)]
    towns = towns[towns.within(land)]
    seats = ref[(kinds == "county_seat") & ref.intersects(view)]
    return {
        "mountain": [g.intersection(land) for g in ref[kinds == "mountain_zone"].geometry],
        "rivers": {major: [g.intersection(near) for g in rivers[named == major].geometry] for major in (False, True)},
        "reservoirs": [g.intersection(near) for g in ref[kinds == "reservoir"].geometry],
        "roads": [g.intersection(near) for g in ref[kinds == "road"].geometry],
        "towns": shapely.get_coordinates(towns.geometry.values),
        "seats": seats[seats.within(land)],
    }


def _outlines(ax, data: MapData, panel: Panel, counties: gpd.GeoDataFrame, tol: float) -> None:
    """Prefecture lines inside multi-prefecture regions, then each plan's region outline in its colour."""
    shapes = pn._cached(
        data, ("outlines", panel.crs, panel.counties, round(tol, -1)), lambda: _outline_shapes(data, counties)
    )
    if len(shapes["prefectures"]) > 1:
        lines(ax, shapes["prefectures"], colors=colour(data, "prefecture_line"), linewidths=0.9, zorder=4.2)
    for pid, g in shapes["plans"].items():
        lines(ax, [g], colors="white", linewidths=3.2, alpha=0.9, zorder=4.5)
        lines(ax, [g], colors=data.catalog.plans[pid].color, linewidths=1.3, zorder=9)


def _outline_shapes(data: MapData, counties: gpd.GeoDataFrame) -> dict:
    prefs = []
    if counties["prefecture_adcode"].notna().any():
        prefs = list(counties.dissolve("prefecture_adcode").geometry.values)
    in_panel = set(int(c) for c in counties["adcode"])
    plans = {}
    for pid in data.catalog.plans:
        codes = in_panel & set(data.plan_counties.get(pid, []))
        if codes:
            plans[pid] = shapely.union_all(counties[counties["adcode"].isin(codes)].geometry.values)
    return {"prefectures": prefs, "plans": plans}
