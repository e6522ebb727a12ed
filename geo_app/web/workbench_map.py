"""The review page's map: the app's base map plus Leaflet.draw, and the groups of the item under review.

``workbench_base`` is the app's constant base (``layers.base_map``) with the drawing toolbar
(``folium.plugins.Draw``: polygons and lines only; the vendored Leaflet.draw through
``assets.localize_map``) and its texts in the page language. The groups swapped in place:

- ``item_group``: the item as its unsaved recipe gives it (area, line or point) and the counties
  it names, outlined, so the reviewer sees each change before saving;
- ``editable_group``: puts the item's drawn outline or line into Leaflet.draw's layer, so the
  toolbar's "edit" moves its vertices (streamlit-folium reports them as ``all_drawings``).

Coordinates arrive in WGS84 and are shifted to GCJ-02 for a GCJ-02 basemap (``to_display``);
``from_display`` shifts clicks and drawings back.
"""

from __future__ import annotations

from typing import Any, ClassVar

import folium
import shapely
from branca.element import MacroElement
from folium.plugins import Draw
from folium.template import Template

from geo_app.datum import gcj02_to_wgs84, geoms_wgs84_to_gcj02
from geo_app.escaping import html_text, json_for_script
from geo_app.i18n import t
from geo_app.mapdata import MapData
from geo_app.web import layers
from geo_app.web.elements import PMCall
from geo_app.web.spec import MapSpec

ITEM_COLOR = "#d81b60"
MAX_VERTICES = 120
DRAW_OPTIONS = {"polyline": {"shapeOptions": {"color": ITEM_COLOR, "weight": 4}},
                "polygon": {"allowIntersection": False, "shapeOptions": {"color": ITEM_COLOR, "weight": 3}},
                "rectangle": False, "circle": False, "marker": False, "circlemarker": False}  # fmt: skip
#: Leaflet.draw texts shown in Chinese (L.drawLocal paths -> string-table keys).
DRAW_TEXTS = {
    "draw.toolbar.buttons.polyline": "wb_draw_line",
    "draw.toolbar.buttons.polygon": "wb_draw_polygon",
    "draw.toolbar.actions.text": "wb_draw_cancel",
    "draw.toolbar.finish.text": "wb_draw_finish",
    "draw.toolbar.undo.text": "wb_draw_undo",
    "draw.handlers.polygon.tooltip.start": "wb_draw_start",
    "draw.handlers.polygon.tooltip.cont": "wb_draw_cont",
    "draw.handlers.polygon.tooltip.end": "wb_draw_end_polygon",
    "draw.handlers.polyline.tooltip.start": "wb_draw_start",
    "draw.handlers.polyline.tooltip.cont": "wb_draw_cont",
    "draw.handlers.polyline.tooltip.end": "wb_draw_end_line",
    "edit.toolbar.buttons.edit": "wb_edit_shape",
    "edit.toolbar.buttons.remove": "wb_remove_shape",
    "edit.toolbar.actions.save.text": "wb_draw_finish",
    "edit.toolbar.actions.cancel.text": "wb_draw_cancel",
    "edit.toolbar.actions.clearAll.text": "wb_remove_all",
    "edit.handlers.edit.tooltip.text": "wb_edit_tip",
    "edit.handlers.edit.tooltip.subtext": "wb_edit_subtip",
    "edit.handlers.remove.tooltip.text": "wb_remove_tip",
}


class DrawTexts(MacroElement):
    """Set Leaflet.draw's texts (``L.drawLocal``) before its toolbar is built."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (texts) {
  Object.keys(texts).forEach(function (path) {
    var keys = path.split("."), obj = L.drawLocal;
    for (var i = 0; i < keys.length - 1 && obj; i++) obj = obj[keys[i]];
    if (obj) obj[keys[keys.length - 1]] = texts[path];
  });
})({{ this.texts_js }});
{% endmacro %}"""
    )

    def __init__(self, texts: dict[str, str]) -> None:
        super().__init__()
        self._name = "DrawTexts"
        self.texts_js = json_for_script(texts)


class EditableShape(MacroElement):
    """Replace what Leaflet.draw edits (``drawnItems``) by the given GeoJSON geometry (or nothing)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (geom, style) {
  if (typeof drawnItems === "undefined" || !drawnItems.clearLayers) return;
  drawnItems.clearLayers();
  if (geom) L.geoJSON(geom, { style: style }).eachLayer(function (l) { drawnItems.addLayer(l); });
})({{ this.geom_js }}, {{ this.style_js }});
{% endmacro %}"""
    )
    style: ClassVar[dict[str, Any]] = {"color": ITEM_COLOR, "weight": 3, "fillOpacity": 0.15}

    def __init__(self, geometry: dict[str, Any] | None) -> None:
        super().__init__()
        self._name = "EditableShape"
        self.geom_js = json_for_script(geometry)
        self.style_js = json_for_script(self.style)


class ItemShape(MacroElement):
    """The item's shape or point, drawn in the marker pane (above the county fills, which arrive
    asynchronously and would otherwise cover it), with an escaped tooltip (folium's Tooltip puts
    its text into a JS template literal unescaped)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (geom, o) {
  var lyr = L.geoJSON(geom, {
    pane: "markerPane",
    style: function (f) { return f.geometry.type === "Point" ? o.point : o.style; },
    pointToLayer: function (f, ll) { return L.circleMarker(ll, Object.assign({ pane: "markerPane" }, o.point)); }
  });
  lyr.bindTooltip(o.tip, { className: "pm-tip", sticky: true });
  {{ this._parent.get_name() }}.addLayer(lyr);
})({{ this.geom_js }}, {{ this.opts_js }});
{% endmacro %}"""
    )
    point: ClassVar[dict[str, Any]] = {"radius": 9, "color": "#ffffff", "weight": 3, "fillColor": ITEM_COLOR,
                                       "fillOpacity": 0.9}  # fmt: skip
    style: ClassVar[dict[str, Any]] = {"color": ITEM_COLOR, "weight": 3, "fillOpacity": 0.12, "dashArray": "6 4"}

    def __init__(self, geometry: dict[str, Any], tip: str) -> None:
        super().__init__()
        self._name = "ItemShape"
        self.geom_js = json_for_script(geometry)
        self.opts_js = json_for_script({"style": self.style, "point": self.point, "tip": html_text(tip)})


def workbench_base(data: MapData, sources: dict[str, str | dict], lang: str) -> folium.Map:
    """The app's base map with the drawing toolbar (polygons and lines) in ``lang``."""
    m = layers.base_map(data, MapSpec(mode="app"), sources)
    if lang == "zh":
        DrawTexts({path: t(key, lang) for path, key in DRAW_TEXTS.items()}).add_to(m)
    Draw(export=False, position="topleft", draw_options=DRAW_OPTIONS,
         edit_options={"edit": True, "remove": True}).add_to(m)  # fmt: skip
    return m


def to_display(geom: shapely.Geometry, spec: MapSpec) -> shapely.Geometry:
    """A WGS84 geometry in the basemap's datum."""
    return geoms_wgs84_to_gcj02(geom) if layers.datum(spec) == "GCJ02" else geom


def from_display(lon: float, lat: float, spec: MapSpec) -> tuple[float, float]:
    """A clicked or drawn position (basemap datum) in WGS84."""
    if layers.datum(spec) == "GCJ02":
        x, y = gcj02_to_wgs84(lon, lat)
        return float(x), float(y)
    return float(lon), float(lat)


def item_group(shape: shapely.Geometry | None, counties: list[int], label: str, spec: MapSpec) -> folium.FeatureGroup:
    """The item under review: its counties outlined and its (unsaved) shape or point on top."""
    fg = folium.FeatureGroup(name="workbench-item", control=False)
    if counties:
        props = {str(int(c)): {"lc": ITEM_COLOR} for c in counties}
        PMCall("topoLayer", layers.source_key(spec), "counties", props, {"style": "selected", "interactive": False,
               "pane": "pmSelected"}).add_to(fg)  # fmt: skip
    if shape is None:
        return fg
    ItemShape(shapely.geometry.mapping(to_display(shape, spec)), label).add_to(fg)
    return fg


def editable_shape(shape: shapely.Geometry | None, max_vertices: int = MAX_VERTICES) -> shapely.Geometry | None:
    """What the edit tool starts from: the item's outline or line; for a zone or a union of counties
    its largest part's outer ring, simplified to at most ``max_vertices`` (a handful of vertices a
    reviewer can drag, not a county boundary's thousands). None for points and region-wide items."""
    if shape is None or shape.is_empty:
        return None
    parts = list(getattr(shape, "geoms", [shape]))
    if shape.geom_type in ("Polygon", "MultiPolygon"):
        base: shapely.Geometry = shapely.Polygon(max(parts, key=lambda g: g.area).exterior)
    elif shape.geom_type in ("LineString", "MultiLineString"):
        base = max(parts, key=lambda g: g.length)
    else:
        return None
    out, tol = base, 0.0005
    while len(shapely.get_coordinates(out)) > max_vertices:
        out, tol = base.simplify(tol, preserve_topology=True), tol * 2
    return out


def editable_group(shape: shapely.Geometry | None, spec: MapSpec) -> folium.FeatureGroup:
    """Hands the item's outline or line (see ``editable_shape``) to the edit toolbar; None clears it."""
    fg = folium.FeatureGroup(name="workbench-editable", control=False)
    start = editable_shape(shape)
    EditableShape(shapely.geometry.mapping(to_display(start, spec)) if start is not None else None).add_to(fg)
    return fg
