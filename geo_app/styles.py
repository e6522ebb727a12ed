"""Per-item styles read from ``layers/styles.yaml``: the one style table of every renderer.

The web map, the print map, the decks and KML all call ``item_styles`` so an item has the
same colour and hatch everywhere: the drawn items of one category in one plan take the
category's palette in catalog order (eight belts, eight colours of the belt family, each
with its own hatch angle); points and region-wide items keep the category colour.
"""

from __future__ import annotations

import pandas as pd

from geo_app.catalog import Catalog


def item_styles(catalog: Catalog, shapes: pd.Series) -> pd.DataFrame:
    """Per feature id: ``color``, ``hatch`` (degrees) and ``slot`` (its index in the palette).

    ``shapes`` maps feature id -> area | line | point | none (the built geometry kinds).
    """
    rows, seen = [], {}
    angles = catalog.hatch_angles
    for f in catalog.features:
        cat = catalog.categories[f.category]
        palette = list(cat.get("palette") or [cat["color"]])
        if shapes.get(f.id) in ("area", "line"):
            i = seen.get((f.plan, f.category), 0)
            seen[(f.plan, f.category)] = i + 1
            rows.append({"id": f.id, "color": palette[i % len(palette)], "hatch": angles[i % len(angles)], "slot": i})
        else:
            rows.append({"id": f.id, "color": cat["color"], "hatch": None, "slot": None})
    return pd.DataFrame.from_records(rows, columns=["id", "color", "hatch", "slot"]).set_index("id")


def base_color(catalog: Catalog, key: str, default: str = "#777777") -> str:
    """A base-map colour from ``styles.yaml`` (land, county_line, river, highlight, ...)."""
    return str(catalog.base.get(key, default))
