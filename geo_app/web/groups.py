"""The app's map as named groups, each rendered only when the settings it depends on change.

``SLOTS`` fixes each group's place (drawing order and the st_folium variable name); ``DEPENDS``
says which ``MapSpec`` fields a group reads, so ``reduced`` gives the cache key: toggling a
layer re-renders that layer, the badges and the labels, nothing else.
"""

from __future__ import annotations

from dataclasses import replace

import folium

from geo_app.mapdata import MapData
from geo_app.web import layers
from geo_app.web.label_layer import labels_group
from geo_app.web.spec import MapSpec

SLOTS = {
    "tiles": 0,
    "orientation": 1,
    "reference": 2,
    "context": 3,
    "counties": 4,
    "badges": 90,
    "labels": 91,
    "selection": 92,
    "view": 93,
}
FIRST_LAYER_SLOT = 10

DEPENDS: dict[str, tuple[str, ...]] = {
    "tiles": ("lang", "basemap", "tianditu_key", "mode"),
    "orientation": ("lang", "basemap", "mode"),
    "reference": ("lang", "basemap", "plans", "mode"),
    "counties": ("lang", "basemap", "plans", "mode", "present"),
    "badges": ("lang", "basemap", "plans", "visible_layers", "mode", "present"),
    "labels": ("lang", "basemap", "plans", "visible_layers", "highlight", "present", "mode"),
    "selection": ("basemap", "selected_county", "mode"),
    "layer": ("lang", "basemap", "highlight", "present", "mode"),
}

BUILDERS = {
    "tiles": lambda data, spec: layers.tiles_group(spec),
    "orientation": layers.orientation_group,
    "reference": layers.reference_group,
    "counties": layers.counties_group,
    "badges": layers.badges_group,
    "labels": labels_group,
    "selection": layers.selection_group,
}


def reduced(spec: MapSpec, name: str) -> MapSpec:
    """``spec`` with every field the group does not read set to its default (the group's cache key)."""
    keep = DEPENDS["layer" if name.startswith("layer:") else name]
    base = MapSpec()
    return replace(base, **{f: getattr(spec, f) for f in keep})


def build(data: MapData, name: str, spec: MapSpec) -> folium.FeatureGroup:
    """The FeatureGroup ``name`` (a fixed group, or ``layer:<plan>:<category>``) for ``spec``."""
    if name.startswith("layer:"):
        key = name.split(":", 1)[1]
        return layers.plan_layer(data, replace(spec, highlight=layer_highlight(data, key, spec.highlight)), key)
    return BUILDERS[name](data, spec)


def layer_highlight(data: MapData, key: str, highlight: tuple[str, ...]) -> tuple[str, ...]:
    """The highlighted ids that belong to the layer ``key`` (only that layer re-renders)."""
    if not highlight:
        return ()
    f = data.features
    ids = set(f.loc[(f.plan + ":" + f.category) == key, "id"])
    return tuple(sorted(h for h in highlight if h in ids))
