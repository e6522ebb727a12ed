"""Esri shapefiles in a zip: one per geometry type, with everything a shapefile cannot hold beside it.

``plan_areas``, ``plan_lines``, ``plan_points`` and ``counties`` (suffixed ``_GCJ02`` for GCJ-02),
each with ``.cpg`` saying UTF-8 and a ``.prj`` (for GCJ-02 the custom CRS named "GCJ-02 … NOT
WGS 84"). dBASE field names are at most 10 bytes (:data:`SHP_FIELDS`, listed in ``FIELDS.txt``);
texts over 254 bytes continue in ``<field>_2``, ``<field>_3``. A shapefile cannot hold items
without geometry, so region-wide items are in ``region_wide_items.csv``; the county × item
table, the location kinds and ``METADATA.txt`` are in the zip too.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pyogrio

from geo_app.export.crs import to_crs
from geo_app.export.csv import csv_bytes, text_bytes
from geo_app.export.metadata import metadata_text
from geo_app.export.selection import is_text
from geo_app.export.tables import Progress, flat, location_kinds_frame, report, split_listed

if TYPE_CHECKING:
    from geo_app.export.crs import ResolvedCRS
    from geo_app.export.selection import Selection

#: Full column name -> dBASE field name (at most 10 bytes). Also written to FIELDS.txt.
SHP_FIELDS: dict[str, str] = {
    "id": "id",
    "plan": "plan",
    "plan_zh": "plan_zh",
    "name_zh": "name_zh",
    "name_en": "name_en",
    "category": "category",
    "category_zh": "cat_zh",
    "category_en": "cat_en",
    "section": "section",
    "quote": "quote",
    "counties": "counties",
    "status": "status",
    "location": "location",
    "location_zh": "loc_zh",
    "location_en": "loc_en",
    "location_source": "loc_src",
    "location_source_zh": "lsrc_zh",
    "width": "width",
    "buffer_km": "buffer_km",
    "region_wide": "region_wd",
    "region_adcodes": "region_cds",
    "outside_region": "outside",
    "related": "related",
    "review": "review",
    "link": "link",
    "share_of_county": "share_cty",
    "adcode": "adcode",
    "label_zh": "label_zh",
    "label_en": "label_en",
    "level": "level",
    "prefecture_adcode": "pref_code",
    "prefecture_zh": "pref_zh",
    "prefecture_en": "pref_en",
    "province_zh": "prov_zh",
    "province_en": "prov_en",
    "area_km2": "area_km2",
    "plans": "plans",
    "n_items": "n_items",
}
DBF_TEXT_BYTES = 254
SHAPES = {
    "area": ("plan_areas", "MultiPolygon"),
    "line": ("plan_lines", "MultiLineString"),
    "point": ("plan_points", "Point"),
}


def utf8_chunks(text: str, limit: int = DBF_TEXT_BYTES) -> list[str]:
    """``text`` in pieces of at most ``limit`` UTF-8 bytes, never split inside a character.

    Pieces neither start nor end with whitespace (readers strip dBASE's space padding).
    """
    chunks: list[str] = []
    cur: list[str] = []
    size = 0
    for ch in text:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            carry: list[str] = []
            while len(cur) > 1 and (cur[-1].isspace() or (carry or [ch])[0].isspace()):
                carry.insert(0, cur.pop())
            chunks.append("".join(cur))
            cur, size = carry, len("".join(carry).encode("utf-8"))
        cur.append(ch)
        size += n
    if cur or not chunks:
        chunks.append("".join(cur))
    return chunks


def shp_table(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Columns renamed to SHP_FIELDS; texts over 254 bytes continued in <field>_2, <field>_3, ..."""
    df = flat(gdf.drop(columns=[c for c in ("shape",) if c in gdf]))
    out: dict[str, object] = {}
    for col in df.columns:
        if col == df.geometry.name:
            continue
        name = SHP_FIELDS[col]
        values = df[col]
        if not is_text(values):
            out[name] = values.to_numpy()
            continue
        pieces = [utf8_chunks(v) if isinstance(v, str) else None for v in values]
        for i in range(max((len(p) for p in pieces if p), default=1)):
            out[name if i == 0 else f"{name}_{i + 1}"] = [p[i] if p and i < len(p) else None for p in pieces]
    return gpd.GeoDataFrame(out, geometry=df.geometry.values, crs=df.crs)


def fields_text() -> str:
    """FIELDS.txt: the dBASE field names and the full names used in the other formats."""
    lines = [
        "Shapefile field names (dBASE: at most 10 bytes) -> full names used in GeoJSON, GeoPackage, CSV.",
        "Texts longer than 254 bytes (the dBASE limit) continue in <field>_2, <field>_3, ...: concatenate them.",
        "Lists (counties, region_adcodes, related, plans) are joined with ';'. Encoding: UTF-8 (see .cpg).",
        "location: how well the place is known (meanings in location_kinds.csv and METADATA.txt).",
        "Region-wide items have no geometry: they are in region_wide_items.csv, not in a shapefile.",
        "",
    ]
    width = max(len(k) for k in SHP_FIELDS.values())
    return "\n".join([*lines, *(f"{short:<{width}}  {full}" for full, short in SHP_FIELDS.items())]) + "\n"


def _shapefiles(sel: Selection, rcrs: ResolvedCRS, folder: Path, progress: Progress | None) -> None:
    suffix = "_GCJ02" if rcrs.is_gcj02 else ""
    items = to_crs(sel.drawn, rcrs)
    layers = [(items[items["shape"] == s], stem, gt) for s, (stem, gt) in SHAPES.items()]
    layers.append((to_crs(sel.counties, rcrs), "counties", "MultiPolygon"))
    for i, (gdf, stem, gtype) in enumerate(layers):
        if len(gdf):
            report(progress, 0.1 + 0.2 * i, f"Shapefile: {stem}")
            path = folder / f"{stem}{suffix}.shp"
            pyogrio.write_dataframe(
                shp_table(gdf),
                path,
                driver="ESRI Shapefile",
                encoding="UTF-8",
                geometry_type=gtype,
                promote_to_multi=gtype != "Point",
            )


def write(sel: Selection, rcrs: ResolvedCRS, meta: dict, progress: Progress | None = None) -> bytes:
    """The zip bytes (shapefiles are written in a temporary folder removed before returning)."""
    buf = io.BytesIO()
    with (
        tempfile.TemporaryDirectory(prefix="geo_app_shp_") as tmp,
        zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf,
    ):
        folder = Path(tmp)
        _shapefiles(sel, rcrs, folder, progress)
        for f in sorted(folder.iterdir()):
            content = b"UTF-8" if f.suffix == ".cpg" else f.read_bytes()  # exactly 'UTF-8'
            zf.writestr(f.name, content)
        for name, df in split_listed(sel).items():
            zf.writestr(f"{name}.csv", csv_bytes(flat(df)))
        zf.writestr("county_items.csv", csv_bytes(sel.join))
        zf.writestr("location_kinds.csv", csv_bytes(location_kinds_frame(sel)))
        zf.writestr("FIELDS.txt", text_bytes(fields_text()))
        zf.writestr("METADATA.txt", text_bytes(metadata_text(meta)))
    return buf.getvalue()
