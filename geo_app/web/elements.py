"""Folium elements that call the client library ``static/planmap/planmap.js``.

Each element renders one ``PM.<function>(<parent>, <JSON args>)`` call. Arguments are JSON
escaped for a ``<script>`` element (``escaping.json_for_script``), so no text from the
catalog, styles, scenes or the user can end the script or run markup; text that a popup or
tooltip shows as HTML is escaped when the HTML is built (``web.popups``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from geo_app.escaping import json_for_script
from geo_app.web.assets import OWN_URL

JSD = "https://cdn.jsdelivr.net/npm"
LEAFLET_JS = ("leaflet", f"{JSD}/leaflet@1.9.3/dist/leaflet.js")
LEAFLET_CSS = ("leaflet_css", f"{JSD}/leaflet@1.9.3/dist/leaflet.css")
FONTAWESOME_CSS = ("fontawesome", f"{JSD}/@fortawesome/fontawesome-free@6.2.0/css/all.min.css")


class PlanLib(JSCSSMixin, MacroElement):
    """The JS/CSS every plan map loads: TopoJSON decoding, point-in-polygon, planmap.js/css."""

    _template = Template("")
    default_js: ClassVar[list[tuple[str, str]]] = [
        ("topojson_client", f"{JSD}/topojson-client@3.1.0/dist/topojson-client.min.js"),
        ("leaflet_pip", f"{JSD}/@mapbox/leaflet-pip@1.1.0/leaflet-pip.min.js"),
        ("planmap", OWN_URL + "planmap.js"),
    ]
    default_css: ClassVar[list[tuple[str, str]]] = [FONTAWESOME_CSS, ("planmap_css", OWN_URL + "planmap.css")]

    def __init__(self) -> None:
        super().__init__()
        self._name = "PlanLib"


def slim_map_assets(m) -> None:
    """Only Leaflet itself from folium's defaults: no jQuery, Bootstrap or awesome-markers."""
    m.default_js = [LEAFLET_JS]
    m.default_css = [LEAFLET_CSS]


class PMCall(MacroElement):
    """``PM.<func>(<parent>, args...)``: one call of the client library on the parent layer or map."""

    _template = Template(
        """{% macro script(this, kwargs) %}
PM.{{ this.func }}({{ this._parent.get_name() }}{% for a in this.args_js %}, {{ a }}{% endfor %});
{% endmacro %}"""
    )

    def __init__(self, func: str, *args: Any) -> None:
        super().__init__()
        self._name = "PMCall"
        self.func = func
        self.args_js = [json_for_script(a) for a in args]


class PMSource(MacroElement):
    """``PM.source(key, url_or_topology)``: register a geometry source (no parent needed)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
PM.source({{ this.key_js }}, {{ this.value_js }});
{% endmacro %}"""
    )

    def __init__(self, key: str, value: str | dict) -> None:
        super().__init__()
        self._name = "PMSource"
        self.key_js = json_for_script(key)
        self.value_js = json_for_script(value)


class LiteralHtml(Element):
    """HTML added to the page exactly as given. branca's ``Element(text)`` compiles its text as a
    Jinja template, so a title holding ``{{ … }}`` would run as template code on the server; here
    the text is a template *variable*, never compiled. Escape user text in it first (``html_text``)."""

    _template = Template("{{ this.html }}")

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "LiteralHtml"
        self.html = html


class RawScript(MacroElement):
    """A fixed script (no user text): used for small glue such as deck navigation bindings."""

    _template = Template("""{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}""")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "RawScript"
        self.code = code
