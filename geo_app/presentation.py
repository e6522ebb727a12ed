"""What a scene shows, for every renderer of a deck (the app, the HTML deck, the PDF deck).

``scene_frame`` is the extent a scene is fitted to: its stated extent or region, grown to contain
every highlighted item with a margin, so a scene never cuts off the belt it is about.
"""

from __future__ import annotations

import shapely

from geo_app.mapdata import MapData
from geo_app.regions import resolve_choice
from geo_app.scenes import Scene
from geo_app.web.spec import MapSpec

MARGIN = 0.08  # of the extent, on every side


def scene_plans(data: MapData, scene: Scene) -> tuple[str, ...]:
    """The plans whose layers the scene shows (all plans when it lists none)."""
    plans = tuple(dict.fromkeys(k.split(":")[0] for k in scene.layers if k.split(":")[0] in data.catalog.plans))
    return plans or tuple(data.catalog.plans)


def scene_spec(
    data: MapData, scene: Scene, lang: str, basemap: str = "offline", tk: str | None = None, mode: str = "app"
) -> MapSpec:
    """The map of a scene: its plans and layers, its highlights, projector sizes."""
    return MapSpec(
        lang=lang,
        basemap=basemap,
        plans=scene_plans(data, scene),
        visible_layers=frozenset(scene.layers),
        highlight=tuple(scene.highlight),
        tianditu_key=tk,
        mode=mode,
        present=True,
    )


def _region_bounds(data: MapData, scene: Scene) -> tuple[float, float, float, float]:
    choice = resolve_choice(data.catalog, scene.region) if scene.region else None
    plans = choice.plans if choice else scene_plans(data, scene)
    codes = data.counties_of_plans(plans)
    return tuple(
        shapely.union_all(data.display_counties[data.display_counties.adcode.isin(codes)].geometry.values).bounds
    )


def scene_frame(data: MapData, scene: Scene) -> list[list[float]]:
    """[[south, west], [north, east]]: the scene's extent or region, with its highlights inside."""
    x0, y0, x1, y1 = scene.extent if scene.extent else _region_bounds(data, scene)
    hl = data.features[data.features.id.isin(scene.highlight) & data.features.geometry.notna()]
    if len(hl):
        hx0, hy0, hx1, hy1 = shapely.union_all(hl.geometry.values).bounds
        dx, dy = (hx1 - hx0) * MARGIN, (hy1 - hy0) * MARGIN
        x0, y0, x1, y1 = min(x0, hx0 - dx), min(y0, hy0 - dy), max(x1, hx1 + dx), max(y1, hy1 + dy)
    return [[round(y0, 5), round(x0, 5)], [round(y1, 5), round(x1, 5)]]
