"""CSV for Excel: a zip of UTF-8 (with BOM) tables that open in Excel as they are.

``items.csv`` has one row per item with a representative point (``lon``/``lat``; GCJ-02:
``lon_gcj02``/``lat_gcj02``; Gauss–Krüger: ``easting``/``northing``), empty for region-wide
items (their region is in ``region_adcodes``). Geometry as WKT is in ``geometry_wkt.csv`` for
GIS import, never in the Excel tables: a county outline's WKT exceeds Excel's 32,767-character
cell limit. Beside them: ``counties.csv``, ``county_items.csv``, ``location_kinds.csv`` and
``METADATA.txt``. Text cells that start with = + - @ (or a tab / carriage return) get a leading
apostrophe so Excel never runs them as formulas; no cell exceeds 32,767 characters.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely

from geo_app.export.crs import to_crs
from geo_app.export.metadata import metadata_text
from geo_app.export.selection import is_text
from geo_app.export.tables import Progress, flat, location_kinds_frame, report, without_geometry

if TYPE_CHECKING:
    from geo_app.export.crs import ResolvedCRS
    from geo_app.export.selection import Selection

EXCEL_CELL_MAX = 32_767
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TRUNCATED = " …[truncated]"


def excel_cell(value):
    """A text cell Excel shows as text: formula starts neutralised, length capped at 32,767."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    if len(value) > EXCEL_CELL_MAX:
        value = value[: EXCEL_CELL_MAX - len(TRUNCATED)] + TRUNCATED
    return value


def csv_bytes(df: pd.DataFrame) -> bytes:
    """An Excel-safe CSV: text cells neutralised, UTF-8 with BOM, CRLF line ends."""
    out = df.copy()
    for col in out.columns:
        if is_text(out[col]):
            out[col] = out[col].map(excel_cell)
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def text_bytes(text: str) -> bytes:
    """Plain text for Notepad on any Windows: BOM and CRLF."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8-sig")


def coordinate_names(rcrs: ResolvedCRS) -> tuple[str, str]:
    """The x/y column names: lon/lat, lon_gcj02/lat_gcj02 (never auto-read as WGS84), easting/northing."""
    if rcrs.is_gcj02:
        return "lon_gcj02", "lat_gcj02"
    return ("lon", "lat") if rcrs.geographic else ("easting", "northing")


def point_table(gdf: gpd.GeoDataFrame, rcrs: ResolvedCRS) -> pd.DataFrame:
    """Attributes plus a representative point (empty where there is no geometry)."""
    digits = 6 if rcrs.geographic else 2
    geoms = gdf.geometry.values
    has = ~shapely.is_missing(geoms)
    pts = shapely.point_on_surface(geoms[has])
    df = flat(without_geometry(gdf)).reset_index(drop=True)
    xname, yname = coordinate_names(rcrs)
    df[xname] = pd.Series(shapely.get_x(pts).round(digits), index=df.index[has])
    df[yname] = pd.Series(shapely.get_y(pts).round(digits), index=df.index[has])
    return df


def wkt_table(gdf: gpd.GeoDataFrame, rcrs: ResolvedCRS, key: str) -> pd.DataFrame:
    """``key`` and the WKT of each geometry (for GIS import, not for Excel)."""
    digits = 6 if rcrs.geographic else 2
    has = gdf.geometry.notna()
    wkt = shapely.to_wkt(gdf.geometry[has].values, rounding_precision=digits, trim=True)
    suffix = "_gcj02" if rcrs.is_gcj02 else ""
    return pd.DataFrame({key: gdf.loc[has, key].to_numpy(), f"wkt{suffix}": wkt})


def parts(sel: Selection, rcrs: ResolvedCRS, meta: dict, progress: Progress | None = None) -> dict[str, bytes]:
    """File name -> content of the CSV zip."""
    report(progress, 0.1, "CSV: items")
    items = to_crs(sel.features, rcrs)
    counties = to_crs(sel.counties, rcrs)
    out = {
        "items.csv": csv_bytes(point_table(items, rcrs)),
        "counties.csv": csv_bytes(point_table(counties, rcrs)),
        "county_items.csv": csv_bytes(sel.join),
        "location_kinds.csv": csv_bytes(location_kinds_frame(sel)),
    }
    report(progress, 0.5, "CSV: WKT")
    wkt = pd.concat(
        [wkt_table(items, rcrs, "id"), wkt_table(counties.assign(id=counties["adcode"].astype(str)), rcrs, "id")],
        ignore_index=True,
    )
    out["geometry_wkt.csv"] = wkt.to_csv(index=False, lineterminator="\r\n").encode("utf-8")
    out["METADATA.txt"] = text_bytes(metadata_text(meta))
    return out


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A deflated zip of ``files`` (name -> content), in the given order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


def write(sel: Selection, rcrs: ResolvedCRS, meta: dict, progress: Progress | None = None) -> bytes:
    """The CSV zip bytes."""
    return zip_bytes(parts(sel, rcrs, meta, progress))
