"""The one writer registry: ``{format: Writer}``. The CLI, the app and the benchmark read it.

Each writer says its file extension, MIME type, labels in Chinese and English, the CRS
choices it can hold (``crs_ok``) and its ``write(selection, crs, metadata, progress) -> bytes``.
Writers build the whole file in memory; ``write_export`` then writes it atomically.

Why the CRS lists differ: GeoJSON (RFC 7946) and KML 2.2 are WGS84 lon/lat by definition, so
they take EPSG:4326 only (a GCJ-02 or CGCS2000 GeoJSON would be read as WGS84 by every GIS
without a warning); GeoPackage and shapefiles carry a CRS definition; the CSV names its
coordinate columns after the CRS (``lon_gcj02``, ``easting``) and the metadata states it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo_app.export import csv, geojson, gpkg, kml, shapefile
from geo_app.export.crs import AUTO_GK, CRS_LABELS, GCJ02, GK_EPSG, CRSChoiceError, check_crs, crs_label

if TYPE_CHECKING:
    from geo_app.export.crs import ResolvedCRS
    from geo_app.export.selection import Selection
    from geo_app.export.tables import Progress

WriteFn = Callable[["Selection", "ResolvedCRS", dict, "Progress | None"], bytes]
ALL_CRS = tuple(CRS_LABELS)  # EPSG:4326, EPSG:4490, auto-gk, GCJ02 (+ explicit GK zones where projected works)


@dataclass(frozen=True)
class Writer:
    """One export format."""

    ext: str
    mime: str
    label_zh: str
    label_en: str
    crs_ok: tuple[str, ...]
    write: WriteFn

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh

    @property
    def projected_ok(self) -> bool:
        return AUTO_GK in self.crs_ok


FORMATS: dict[str, Writer] = {
    "geojson": Writer(
        ".geojson",
        "application/geo+json",
        "GeoJSON（RFC 7946，WGS84）",
        "GeoJSON (RFC 7946, WGS84)",
        ("EPSG:4326",),
        geojson.write,
    ),
    "gpkg": Writer(
        ".gpkg",
        "application/geopackage+sqlite3",
        "GeoPackage（推荐用于 QGIS / ArcGIS）",
        "GeoPackage (best for QGIS / ArcGIS)",
        ALL_CRS,
        gpkg.write,
    ),
    "shp": Writer(".shp.zip", "application/zip", "Shapefile 压缩包", "Esri shapefiles (zip)", ALL_CRS, shapefile.write),
    "csv": Writer(
        ".csv.zip",
        "application/zip",
        "CSV 表格压缩包（Excel 可直接打开）",
        "CSV tables for Excel (zip)",
        ALL_CRS,
        csv.write,
    ),
    "kml": Writer(
        ".kml",
        "application/vnd.google-earth.kml+xml",
        "KML（谷歌地球，WGS84）",
        "KML for Google Earth (WGS84)",
        ("EPSG:4326",),
        kml.write,
    ),
}
#: --out suffix -> format, used when no format is given (longest suffix first).
SUFFIX_FORMATS = {
    ".shp.zip": "shp",
    ".csv.zip": "csv",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".zip": "shp",
    ".shp": "shp",
    ".csv": "csv",
    ".kml": "kml",
}


def check_format(fmt: str | None, out: str | None = None) -> str:
    """The format id: ``fmt`` if given (validated), else guessed from the ``out`` suffix, else geojson."""
    if fmt is None:
        name = str(out or "").lower()
        return next((f for suffix, f in SUFFIX_FORMATS.items() if name.endswith(suffix)), "geojson")
    key = fmt.strip().lower()
    if key not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return key


def format_label(fmt: str, lang: str) -> str:
    """The menu label of a format in ``lang``."""
    return FORMATS[check_format(fmt)].label(lang)


def crs_options(fmt: str) -> list[str]:
    """The CRS choices the format can hold, in menu order (the app offers only these)."""
    return list(FORMATS[check_format(fmt)].crs_ok)


def supports(fmt: str, crs: str) -> bool:
    """Can ``fmt`` hold ``crs``? (Explicit GK zones go wherever auto-gk does.)"""
    writer = FORMATS[check_format(fmt)]
    choice = check_crs(crs)
    zone = choice.startswith("EPSG:") and int(choice.split(":")[1]) in GK_EPSG
    return choice in writer.crs_ok or (zone and writer.projected_ok)


def check_combination(fmt: str, crs: str) -> None:
    """Raise CRSChoiceError (English and Chinese message) when ``fmt`` cannot hold ``crs``."""
    if supports(fmt, crs):
        return
    writer = FORMATS[check_format(fmt)]
    good = [f for f in FORMATS if supports(f, crs)]
    zh_ok = "、".join(FORMATS[f].label_zh for f in good)
    why_en = "is WGS84 longitude/latitude by definition" if writer.crs_ok == ("EPSG:4326",) else "cannot hold it"
    why_zh = "按标准只能是 WGS84 经纬度" if writer.crs_ok == ("EPSG:4326",) else "无法保存该坐标系"
    raise CRSChoiceError(
        f"{writer.label_en} {why_en}, not {crs_label(crs, 'en')}; choose --format {' or '.join(good)}, "
        "or --crs EPSG:4326",
        f"{writer.label_zh}{why_zh}，不能保存{crs_label(crs, 'zh')}；请选择{zh_ok}，或改用 WGS84（EPSG:4326）。",
    )


__all__ = [
    "FORMATS",
    "GCJ02",
    "SUFFIX_FORMATS",
    "Writer",
    "check_combination",
    "check_format",
    "crs_options",
    "format_label",
    "supports",
]
