"""Exports for GIS teams: selection, coordinate systems, one writer registry, metadata.

The CLI (``python -m geo_app export``), the app's download buttons and the benchmark call the
same functions: ``select_layers`` picks items, ``export_bytes`` returns ``(filename, mime,
content)`` for a download button, ``write_export`` writes a file atomically (a temporary file in
the same folder, fsync, rename: a failed export leaves no partial file and an existing file
intact). ``FORMATS`` is the registry (``registry.py``); ``crs_options(fmt)``, ``format_label``,
``crs_label`` and ``check_combination`` give the app its menus and bilingual errors.

Modules: ``selection`` (what is exported), ``crs`` (CRS choices, GK zone per plan region,
GCJ-02 definition), ``metadata`` (the note every export carries), ``registry`` and one module per
format (``geojson``, ``gpkg``, ``shapefile``, ``csv``, ``kml``); ``tables`` holds shared helpers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from geo_app.export.crs import (
    AUTO_GK,
    CRS_LABELS,
    GCJ02,
    GCJ02_WKT,
    CRSChoiceError,
    ResolvedCRS,
    ZoneSpanError,
    check_crs,
    crs_label,
    region_zones,
    resolve_crs,
)
from geo_app.export.metadata import build_metadata, metadata_rows, metadata_text
from geo_app.export.registry import (
    FORMATS,
    SUFFIX_FORMATS,
    Writer,
    check_combination,
    check_format,
    crs_options,
    format_label,
    supports,
)
from geo_app.export.selection import Selection, cached_map_data, select_layers
from geo_app.export.tables import Progress, report
from geo_app.fileio import atomic_write_bytes

if TYPE_CHECKING:
    from geo_app.mapdata import MapData


class OutputExistsError(ValueError):
    """An output file exists and overwriting was not asked for."""


class ExportFile(NamedTuple):
    """An export in memory, for a download button: unpacks as (filename, mime, content)."""

    filename: str
    mime: str
    content: bytes


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    items: int
    drawn: int
    counties: int
    crs_label: str
    renamed: bool = False

    def summary(self) -> str:
        listed = self.items - self.drawn
        what = f"{self.items} plan items ({self.drawn} with geometry, {listed} without)" if self.items else ""
        what = ", ".join(p for p in (what, f"{self.counties} counties" if self.counties else "") if p)
        note = "; named _GCJ02 because its coordinates are GCJ-02" if self.renamed else ""
        return f"wrote {self.path} ({what or 'nothing'}, {self.crs_label}){note}"


def resolve_for(crs: str, sel: Selection) -> ResolvedCRS:
    """The CRS choice made concrete for ``sel`` (auto-gk: the zone of its plan regions)."""
    zones = region_zones(sel.zone_regions) if check_crs(crs) == AUTO_GK else None
    return resolve_crs(crs, zones)


def render(sel: Selection, fmt: str, crs: str, progress: Progress | None = None) -> tuple[bytes, ResolvedCRS]:
    """The file content of ``sel`` in ``fmt`` / ``crs`` and the CRS it used."""
    fmt = check_format(fmt)
    check_combination(fmt, crs)
    rcrs = resolve_for(crs, sel)
    meta = build_metadata(sel, rcrs, fmt, FORMATS[fmt].label_en)
    content = FORMATS[fmt].write(sel, rcrs, meta, progress)
    report(progress, 1.0, "done")
    return content, rcrs


def export_filename(sel: Selection, fmt: str, rcrs: ResolvedCRS) -> str:
    """A descriptive ASCII file name: planmap_<layers>[-<regions>][_<counties>]_<CRS tag><ext>."""
    return f"planmap_{sel.slug()}_{rcrs.tag}{FORMATS[check_format(fmt)].ext}"


def _output_path(out: Path, fmt: str, rcrs: ResolvedCRS) -> tuple[Path, bool]:
    """``out``, with _GCJ02 added before the extension when GCJ-02 data would not say so."""
    if out.is_dir():
        raise ValueError(f"{out} is a folder; give a file name for --out")
    if not out.parent.exists():
        raise FileNotFoundError(f"folder {out.parent} does not exist")
    if fmt in ("csv", "shp") and not out.name.lower().endswith(".zip"):
        raise ValueError(f"the {fmt} export is a zip of files; name the output like {out.stem}{FORMATS[fmt].ext}")
    if not rcrs.is_gcj02 or "gcj02" in out.name.lower():
        return out, False
    ext = next((s for s in SUFFIX_FORMATS if out.name.lower().endswith(s)), out.suffix)
    return out.with_name(out.name[: len(out.name) - len(ext)] + "_GCJ02" + out.name[len(out.name) - len(ext) :]), True


def write_export(
    sel: Selection, fmt: str, crs: str, out: Path | str, force: bool = True, progress: Progress | None = None
) -> ExportResult:
    """Write ``sel`` to ``out`` atomically; refuses to overwrite unless ``force``."""
    fmt = check_format(fmt)
    check_combination(fmt, crs)
    rcrs = resolve_for(crs, sel)
    path, renamed = _output_path(Path(out), fmt, rcrs)
    if path.exists() and not force:
        raise OutputExistsError(f"{path} exists; pass --force to overwrite it")
    content, rcrs = render(sel, fmt, crs, progress)
    atomic_write_bytes(path, content)
    counties = (
        len(sel.counties) if fmt in ("gpkg", "shp", "csv") or sel.counties_requested or not len(sel.features) else 0
    )
    return ExportResult(path, len(sel.features), len(sel.drawn), counties, rcrs.label_en, renamed)


def export_layers(
    layers: list[str] | str,
    regions: list[str] | str | None,
    fmt: str | None,
    crs: str,
    out: Path | str,
    county: list[str] | str | None = None,
    force: bool = True,
    data: MapData | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Select layers and write them to ``out`` (the CLI's ``export``)."""
    fmt = check_format(fmt, str(out))
    check_combination(fmt, crs)
    sel = select_layers(layers, regions, county, data)
    return write_export(sel, fmt, crs, out, force=force, progress=progress)


def export_bytes(
    layers: list[str] | str = "all",
    fmt: str = "geojson",
    crs: str = "EPSG:4326",
    regions: list[str] | str | None = None,
    county: list[str] | str | None = None,
    data: MapData | None = None,
    progress: Progress | None = None,
) -> ExportFile:
    """An export in memory for a download button: ``(filename, mime, content)``.

    Raises CRSChoiceError (``.message(lang)`` in Chinese or English) for a format that cannot
    hold the CRS, or an auto-gk selection spanning two zones.
    """
    fmt = check_format(fmt)
    check_combination(fmt, crs)
    sel = select_layers(layers, regions, county, data)
    content, rcrs = render(sel, fmt, crs, progress)
    return ExportFile(export_filename(sel, fmt, rcrs), FORMATS[fmt].mime, content)


def download_name(
    layers: list[str] | str = "all",
    fmt: str = "geojson",
    crs: str = "EPSG:4326",
    regions: list[str] | str | None = None,
    county: list[str] | str | None = None,
    data: MapData | None = None,
) -> str:
    """The file name ``export_bytes`` will give, known before the file is built (for a download button).

    Raises CRSChoiceError for an invalid format/CRS pair or an auto-gk selection over two zones,
    so the app can show ``exc.message(lang)`` instead of a button.
    """
    fmt = check_format(fmt)
    check_combination(fmt, crs)
    sel = select_layers(layers, regions, county, data)
    return export_filename(sel, fmt, resolve_for(crs, sel))


def geojson_metadata(path: str | Path) -> dict:
    """The ``metadata`` member of an exported GeoJSON file."""
    return json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})


__all__ = [
    "AUTO_GK",
    "CRS_LABELS",
    "FORMATS",
    "GCJ02",
    "GCJ02_WKT",
    "SUFFIX_FORMATS",
    "CRSChoiceError",
    "ExportFile",
    "ExportResult",
    "OutputExistsError",
    "Progress",
    "ResolvedCRS",
    "Selection",
    "Writer",
    "ZoneSpanError",
    "build_metadata",
    "cached_map_data",
    "check_combination",
    "check_crs",
    "check_format",
    "crs_label",
    "crs_options",
    "download_name",
    "export_bytes",
    "export_filename",
    "export_layers",
    "format_label",
    "geojson_metadata",
    "metadata_rows",
    "metadata_text",
    "render",
    "resolve_for",
    "select_layers",
    "supports",
    "write_export",
]
