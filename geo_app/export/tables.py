"""Helpers the writers share: progress reports, flat tables, the location-kinds lookup table."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from geo_app.export.metadata import location_kinds
from geo_app.export.selection import LIST_COLUMNS

if TYPE_CHECKING:
    from geo_app.export.selection import Selection

#: ``progress(fraction 0..1, message)`` for long exports (the app shows a bar, the CLI nothing).
Progress = Callable[[float, str], None]


def report(progress: Progress | None, fraction: float, message: str) -> None:
    """Tell ``progress`` (when given) how far the work is."""
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), message)


def _join_list(value) -> str:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return value


def flat(df: pd.DataFrame) -> pd.DataFrame:
    """Lists joined with ';' (GeoPackage, shapefile and CSV have no list type); the frame's class kept."""
    out = df.copy()
    for col in LIST_COLUMNS:
        if col in out:
            out[col] = out[col].map(_join_list)
    return out


def location_kinds_frame(sel: Selection) -> pd.DataFrame:
    """kind, labels, meaning and item count of every location kind: a lookup table for GIS joins."""
    return pd.DataFrame(location_kinds(sel.catalog, sel.features["location"].value_counts().to_dict()))


def without_geometry(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """The attributes of a GeoDataFrame as a plain table."""
    return pd.DataFrame(gdf.drop(columns=gdf.geometry.name))


def split_listed(sel: Selection) -> dict[str, pd.DataFrame]:
    """Items without geometry by table: ``region_wide_items`` and, in a county export,
    ``named_items_drawn_elsewhere`` (named in the sentence, drawn outside the county)."""
    listed = without_geometry(sel.listed)
    parts = {
        "region_wide_items": listed[listed["region_wide"]],
        "named_items_drawn_elsewhere": listed[~listed["region_wide"]],
    }
    return {name: df.reset_index(drop=True) for name, df in parts.items() if len(df)}
