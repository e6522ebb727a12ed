"""KML for Google Earth: a folder per category, one folder of region-wide items, styled placemarks.

KML 2.2 is WGS84 lon/lat by definition, so only EPSG:4326 is offered. Each placemark's
description is the item's detail rows (``details.feature_rows``, Chinese and English; empty
fields are left out) and the verbatim quote, built as elements and serialised by
ElementTree, so every value is escaped. Region-wide items are placemarks without geometry in
the folder "全域事项 Region-wide items" (KML allows a placemark without geometry). Colours are the
item styles of the web map (``styles.item_styles``); the fill opacity follows the location kind.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

import shapely

from geo_app.details import feature_rows, present
from geo_app.export.metadata import metadata_text
from geo_app.export.selection import COUNTY_ITEM_COLUMNS, ITEM_COLUMNS
from geo_app.export.tables import Progress, report

if TYPE_CHECKING:
    from geo_app.export.crs import ResolvedCRS
    from geo_app.export.selection import Selection

KML_NS = "http://www.opengis.net/kml/2.2"
ICONS = {
    "site": "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png",
    "stand_in": "http://maps.google.com/mapfiles/kml/shapes/open-diamond.png",
}


def kml_color(hex_color: str, alpha: float) -> str:
    """'#CC6677' + alpha -> KML aabbggrr."""
    h = hex_color.lstrip("#")
    return f"{round(alpha * 255):02x}{h[4:6]}{h[2:4]}{h[0:2]}".lower()


def _coords(coords) -> str:
    return " ".join(f"{x:.6f},{y:.6f}" for x, y, *_ in coords)


def add_geometry(parent: ET.Element, geom: shapely.Geometry) -> None:
    """KML geometry elements for a shapely geometry (outer rings counter-clockwise)."""
    gt = geom.geom_type
    if gt in ("MultiPolygon", "MultiLineString", "MultiPoint", "GeometryCollection"):
        multi = ET.SubElement(parent, "MultiGeometry")
        for g in geom.geoms:
            add_geometry(multi, g)
    elif gt == "Polygon":
        geom = shapely.orient_polygons(geom, exterior_cw=False)
        poly = ET.SubElement(parent, "Polygon")
        ET.SubElement(poly, "tessellate").text = "1"
        outer = ET.SubElement(ET.SubElement(poly, "outerBoundaryIs"), "LinearRing")
        ET.SubElement(outer, "coordinates").text = _coords(geom.exterior.coords)
        for ring in geom.interiors:
            inner = ET.SubElement(ET.SubElement(poly, "innerBoundaryIs"), "LinearRing")
            ET.SubElement(inner, "coordinates").text = _coords(ring.coords)
    elif gt == "LineString":
        line = ET.SubElement(parent, "LineString")
        ET.SubElement(line, "tessellate").text = "1"
        ET.SubElement(line, "coordinates").text = _coords(geom.coords)
    elif gt == "Point":
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _coords(geom.coords)


def _detail_rows(row: dict, sel: Selection) -> list[tuple[str, str, str]]:
    """(label, Chinese value, English value) of the item's detail rows, empty ones left out."""
    zh = feature_rows(row, sel.catalog, sel.county_names, "zh")
    en = {r.key: r for r in feature_rows(row, sel.catalog, sel.county_names, "en")}
    rows = [
        (f"{r.label} {en[r.key].label}" if r.key in en else r.label, r.value, en[r.key].value if r.key in en else "")
        for r in zh
    ]
    if present(row.get("share_of_county")):
        pct = f"{float(row['share_of_county']):.0%}"
        rows.append(("占县域面积 Share of county", pct, ""))
    return rows


def description(row: dict, sel: Selection) -> str:
    """The balloon HTML of an item, built as elements (every value escaped by ElementTree)."""
    div = ET.Element("div")
    head = ET.SubElement(div, "p")
    ET.SubElement(head, "b").text = row["name_zh"]
    ET.SubElement(head, "br").tail = row["name_en"]
    table = ET.SubElement(div, "table")
    for label, zh, en in _detail_rows(row, sel):
        tr = ET.SubElement(table, "tr")
        th = ET.SubElement(tr, "th", align="left", valign="top")
        th.text = label
        td = ET.SubElement(tr, "td")
        td.text = zh
        if en and en != zh:
            ET.SubElement(td, "br").tail = en
    ET.SubElement(ET.SubElement(div, "p"), "b").text = "规划原文 Plan text"
    ET.SubElement(div, "blockquote").text = row["quote"]
    return ET.tostring(div, encoding="unicode", method="html")


def _value(value: Any) -> str:
    return ";".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def _placemark(folder: ET.Element, row: dict, geom, sel: Selection) -> None:
    pm = ET.SubElement(folder, "Placemark", id=row["id"])
    ET.SubElement(pm, "name").text = row["name_zh"]
    ET.SubElement(pm, "description").text = description(row, sel)
    ET.SubElement(pm, "styleUrl").text = f"#item-{row['id']}"
    ext = ET.SubElement(pm, "ExtendedData")
    for key in [*ITEM_COLUMNS[1:], *COUNTY_ITEM_COLUMNS]:
        if present(row.get(key)):
            ET.SubElement(ET.SubElement(ext, "Data", name=key), "value").text = _value(row[key])
    if geom is not None:
        add_geometry(pm, geom)


def _style(doc: ET.Element, row: dict, color: str, sel: Selection) -> None:
    loc = sel.catalog.location_styles.get(row["location"], {})
    st = ET.SubElement(doc, "Style", id=f"item-{row['id']}")
    icon = ET.SubElement(st, "IconStyle")
    ET.SubElement(icon, "color").text = kml_color(color, 1.0)
    ET.SubElement(ET.SubElement(icon, "Icon"), "href").text = ICONS.get(row["location"], ICONS["site"])
    line = ET.SubElement(st, "LineStyle")
    ET.SubElement(line, "color").text = kml_color(color, 1.0)
    ET.SubElement(line, "width").text = "2"
    ET.SubElement(ET.SubElement(st, "PolyStyle"), "color").text = kml_color(color, 2 * loc.get("fill_opacity", 0.15))


def _counties(doc: ET.Element, sel: Selection) -> None:
    st = ET.SubElement(doc, "Style", id="county")
    line = ET.SubElement(st, "LineStyle")
    ET.SubElement(line, "color").text = "ff555555"
    ET.SubElement(line, "width").text = "1.5"
    ET.SubElement(ET.SubElement(st, "PolyStyle"), "fill").text = "0"
    folder = ET.SubElement(doc, "Folder", id="folder-counties")
    ET.SubElement(folder, "name").text = "县区边界 County boundaries"
    for row, geom in zip(sel.counties.drop(columns="geometry").to_dict("records"), sel.counties.geometry, strict=True):
        pm = ET.SubElement(folder, "Placemark", id=f"county-{row['adcode']}")
        ET.SubElement(pm, "name").text = row["label_zh"]
        ET.SubElement(pm, "description").text = f"{row['name_zh']} {row['name_en']} · adcode {row['adcode']}"
        ET.SubElement(pm, "styleUrl").text = "#county"
        ext = ET.SubElement(pm, "ExtendedData")
        for key, value in row.items():
            if present(value):
                ET.SubElement(ET.SubElement(ext, "Data", name=key), "value").text = _value(value)
        add_geometry(pm, geom)


def write(sel: Selection, rcrs: ResolvedCRS, meta: dict, progress: Progress | None = None) -> bytes:
    """The KML document bytes (UTF-8)."""
    ET.register_namespace("", KML_NS)
    kml = ET.Element("kml", xmlns=KML_NS)
    doc = ET.SubElement(kml, "Document")
    ET.SubElement(doc, "name").text = " + ".join(p.title_zh for p in sel.plans.values()) or "规划产业布局图"
    pre = ET.Element("pre")
    pre.text = metadata_text(meta)
    ET.SubElement(doc, "description").text = ET.tostring(pre, encoding="unicode", method="html")
    items = sel.features
    rows = items.drop(columns="geometry").to_dict("records")
    for row in rows:
        _style(doc, row, str(sel.styles.loc[row["id"], "color"]), sel)
    cats = sel.catalog.categories
    folders: dict[str, ET.Element] = {}
    for cid in sorted(set(items.loc[~items["region_wide"], "category"]), key=lambda c: cats[c].get("order", 99)):
        folders[cid] = ET.SubElement(doc, "Folder", id=f"folder-{cid}")
        ET.SubElement(folders[cid], "name").text = f"{cats[cid]['label_zh']} {cats[cid]['label_en']}"
    if items["region_wide"].any():
        folders[""] = ET.SubElement(doc, "Folder", id="folder-region-wide")
        ET.SubElement(folders[""], "name").text = "全域事项 Region-wide items (no place given)"
    for i, (row, geom) in enumerate(zip(rows, items.geometry.values, strict=True)):
        report(progress, i / max(len(rows), 1) * 0.8, "KML: items")
        _placemark(folders["" if row["region_wide"] else row["category"]], row, geom, sel)
    if sel.counties_requested or not len(items):
        _counties(doc, sel)
    ET.indent(kml, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="utf-8") + b"\n"
