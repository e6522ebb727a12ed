"""Exports for GIS teams: layer selection, coordinate systems, file formats.

The CLI (``python -m geo_app export``) and the app's download buttons call
``export_layers`` / ``export_bytes``; nothing here mutates the map or the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo_app import prepared
from geo_app.geojson_io import dumps, to_feature_collection

FORMATS: dict[str, str] = {"geojson": ".geojson"}
CRS_LABELS: dict[str, str] = {"EPSG:4326": "WGS84 (EPSG:4326)"}


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    count: int
    crs_label: str


def _check_choice(value: str, choices: dict[str, str], what: str) -> str:
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(choices)}")
    return value


def select_layers(layers: list[str], regions: list[str] | None = None) -> gpd.GeoDataFrame:
    """The features named by ``layers`` (``counties`` for now), limited to ``regions``."""
    regions = regions or [str(a) for a in prepared.DEFAULT_REGIONS]
    frames = []
    for name in layers:
        if name == "counties":
            frames.append(prepared.counties_for(regions))
        else:
            raise ValueError(f"unknown layer {name!r}; choose counties")
    gdf = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=4326)


def export_bytes(gdf: gpd.GeoDataFrame, fmt: str, crs: str = "EPSG:4326") -> bytes:
    """The file content of ``gdf`` in ``fmt`` and ``crs``."""
    _check_choice(fmt, FORMATS, "format")
    _check_choice(crs, CRS_LABELS, "CRS")
    return dumps(to_feature_collection(gdf)).encode("utf-8")


def export_layers(layers: list[str], regions: list[str] | None, fmt: str, crs: str, out: Path) -> ExportResult:
    """Select layers and write them to ``out``."""
    _check_choice(fmt, FORMATS, "format")
    _check_choice(crs, CRS_LABELS, "CRS")
    gdf = select_layers(layers, regions)
    out.write_bytes(export_bytes(gdf, fmt, crs))
    return ExportResult(out, len(gdf), CRS_LABELS[crs])
