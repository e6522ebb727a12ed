"""The metadata note every export carries: plans, date, CRS and its treatment, location kinds, sources.

One dict (:func:`build_metadata`) rendered three ways: the GeoJSON ``metadata`` member, key/value
rows (GeoPackage ``metadata`` table) and readable text (``METADATA.txt``, the KML document
description). Data credits come from ``details.credits``; the location kinds' meanings from
``styles.yaml`` (``catalog.location_styles``), so every format explains them in the same words.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from geo_app import __version__, details
from geo_app.catalog_rules import LOCATION_KINDS
from geo_app.export.crs import ResolvedCRS, max_offset_deg

if TYPE_CHECKING:
    from geo_app.catalog import Catalog
    from geo_app.export.selection import Selection

#: How each format stores items without a place (region-wide items).
REGION_WIDE_STORAGE = {
    "geojson": 'features with "geometry": null and their region in region_adcodes',
    "gpkg": "the non-spatial table region_wide_items (no geometry), with region_adcodes",
    "shp": "region_wide_items.csv in the zip (a shapefile cannot hold items without geometry)",
    "csv": "rows of items.csv with empty lon/lat, with region_adcodes",
    "kml": "placemarks without geometry in the folder 全域事项 Region-wide items",
}
FIELDS = (
    "quote: verbatim plan text; section: where in the plan; plan / plan_zh: the plan id and short name "
    "(items of several plans may cover the same counties); counties: adcodes the sentence names; "
    "status: existing / to_build / to_upgrade (empty when the plan does not say); location: how well the "
    "place is known (see location kinds); location_source: where the drawn place comes from; "
    "region_adcodes: the region a region-wide item belongs to (it has no geometry); in a single-county "
    "export link says why the item concerns the county and share_of_county the share of the county's "
    "area an area item covers (the geometry is clipped to the county). county_items: link = named "
    "(named in the sentence) / inside (its zone, shape or site lies in the county) / region_wide; "
    "named_in_plan is true only where the county's name or short form is in the quote."
)


def location_kinds(catalog: Catalog, counts: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Each location kind with its labels and meaning (styles.yaml), and how many items have it."""
    out = []
    for kind in LOCATION_KINDS:
        st = catalog.location_styles.get(kind, {})
        out.append(
            {
                "kind": kind,
                "label_zh": st.get("label_zh", kind),
                "label_en": st.get("label_en", kind),
                "meaning_zh": st.get("meaning_zh", ""),
                "meaning_en": st.get("meaning_en", ""),
                "items": int((counts or {}).get(kind, 0)),
            }
        )
    return out


def build_metadata(sel: Selection, rcrs: ResolvedCRS, fmt: str, format_label: str) -> dict[str, Any]:
    """The metadata of an export of ``sel`` in ``fmt`` / ``rcrs``."""
    f = sel.features
    offset = max_offset_deg(sel.drawn if len(sel.drawn) else sel.counties, rcrs)
    return {
        "title": "规划产业布局图 · Plan layout export",
        "generator": f"geo_app {__version__} (python -m geo_app export)",
        "export_date": date.today().isoformat(),
        "format": format_label,
        "plans": [
            {
                "id": p.id,
                "short_zh": p.short_zh,
                "short_en": p.short_en,
                "title_zh": p.title_zh,
                "title_en": p.title_en,
                "issuer_zh": p.issuer_zh,
                "document_no": p.document_no,
                "issued": p.issued,
                "regions": list(p.regions),
            }
            for p in sel.plans.values()
        ],
        "crs": {
            "choice": rcrs.choice,
            "name": rcrs.label_en,
            "name_zh": rcrs.label_zh,
            "epsg": rcrs.epsg,
            "gcj02": rcrs.is_gcj02,
            "treatment": rcrs.treatment_en,
            "treatment_zh": rcrs.treatment_zh,
            "axis_order": "x = longitude / easting, y = latitude / northing (traditional GIS order)",
            **({"max_degrees_from_central_meridian": offset} if offset is not None else {}),
        },
        "selection": {
            "query": sel.describe(),
            "items": len(f),
            "drawn_items": len(sel.drawn),
            "items_without_geometry": len(sel.listed),
            "counties": len(sel.counties),
            "county_item_rows": len(sel.join),
            "clipped_to_counties": list(sel.county_filter),
        },
        "location_kinds": location_kinds(sel.catalog, f["location"].value_counts().to_dict()),
        "region_wide_items": REGION_WIDE_STORAGE.get(fmt, ""),
        "fields": FIELDS,
        "credits": details.credits("en"),
        "credits_zh": details.credits("zh"),
    }


def metadata_text(meta: dict[str, Any]) -> str:
    """The metadata as readable plain text (METADATA.txt, the KML document description)."""
    crs, sel = meta["crs"], meta["selection"]
    lines = [meta["title"], f"Exported {meta['export_date']} by {meta['generator']}; format: {meta['format']}", ""]
    lines.append("Source plans / 规划来源")
    for p in meta["plans"]:
        doc = f", {p['document_no']}" if p.get("document_no") else ""
        lines.append(f"  - {p['id']}: {p['title_zh']} ({p['title_en']}); {p['issuer_zh']}{doc}; issued {p['issued']}")
    lines += [
        "",
        "Coordinate system / 坐标系",
        f"  {crs['name']} / {crs['name_zh']}",
        f"  {crs['treatment']}",
        f"  {crs['treatment_zh']}",
        f"  Axis order: {crs['axis_order']}",
    ]
    if "max_degrees_from_central_meridian" in crs:
        lines.append(f"  Data reach {crs['max_degrees_from_central_meridian']} degrees from the central meridian.")
    lines += [
        "",
        "Selection / 选择",
        f"  {sel['query']}",
        f"  {sel['items']} plan items ({sel['drawn_items']} with geometry, {sel['items_without_geometry']} "
        f"without), {sel['counties']} counties, {sel['county_item_rows']} county x item rows",
    ]
    if sel["clipped_to_counties"]:
        lines.append(f"  Clipped to counties {', '.join(map(str, sel['clipped_to_counties']))}")
    lines += ["", "Location kinds / 位置依据类型 (how well each item's place is known)"]
    lines += [
        f"  {k['kind']} ({k['items']}): {k['label_zh']} / {k['label_en']} - {k['meaning_zh']} / {k['meaning_en']}"
        for k in meta["location_kinds"]
    ]
    lines += ["", "Region-wide items / 全域事项", f"  no geometry: {meta['region_wide_items']}"]
    lines += ["", "Fields / 字段", f"  {meta['fields']}"]
    lines += ["", "Sources and licences / 数据来源与许可", f"  {meta['credits']}", f"  {meta['credits_zh']}"]
    return "\n".join(lines) + "\n"


def metadata_rows(meta: dict[str, Any]) -> list[tuple[str, str]]:
    """The metadata flattened into (key, value) rows: ``plans[1].title_zh``, ``crs.name``."""
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, v in enumerate(value, 1):
                walk(f"{prefix}[{i}]", v)
        else:
            text = ", ".join(map(str, value)) if isinstance(value, list) else value
            rows.append((prefix, "" if text is None else str(text)))

    walk("", meta)
    return rows
