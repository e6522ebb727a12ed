"""Everything at a point of the map: the county first, then every plan item there.

The "identify" tool of desktop GIS: a click in 和政县 under three belts answers with 和政县 and
the three belts, instead of whichever shape happened to be drawn on top. Areas count when
they contain the point; point items when they lie within ``tolerance_deg`` of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely

from geo_app.mapdata import MapData


@dataclass
class Identified:
    """What lies at a clicked point."""

    lon: float
    lat: float
    county: int | None = None
    items: list[str] = field(default_factory=list)  # feature ids: areas and lines first, then points


def tolerance_for_zoom(zoom: float | None) -> float:
    """About 14 screen pixels in degrees at ``zoom`` (points are hit within that distance)."""
    z = 9 if zoom is None else float(zoom)
    return 14 * 360.0 / (256 * 2**z)


def identify(
    data: MapData,
    lon: float,
    lat: float,
    plans: tuple[str, ...] | None = None,
    visible: set[str] | None = None,
    tolerance_deg: float = 0.01,
) -> Identified:
    """The county and the plan items (of ``plans`` and ``visible`` layer keys) at (lon, lat)."""
    pt = shapely.Point(lon, lat)
    out = Identified(lon, lat)
    codes = data.counties_of_plans(plans)
    cty = data.counties[data.counties.adcode.isin(codes)]
    hit = cty[cty.geometry.covers(pt)]
    if len(hit):
        out.county = int(hit.adcode.iloc[0])
    f = data.features[data.features.geometry.notna()]
    if plans is not None:
        f = f[f.plan.isin(plans)]
    if visible is not None:
        f = f[(f.plan + ":" + f.category).isin(visible)]
    areas = f[f["shape"] == "area"]
    lines = f[f["shape"] == "line"]
    points = f[f["shape"] == "point"]
    out.items += list(areas[areas.geometry.covers(pt)]["id"])
    # distances in degrees on purpose: the tolerance is a screen distance, not metres
    out.items += list(lines[shapely.distance(lines.geometry.values, pt) <= tolerance_deg]["id"])
    d = shapely.distance(points.geometry.values, pt)
    near = points.assign(d=d)[d <= tolerance_deg]
    out.items += list(near.sort_values("d")["id"])
    return out
