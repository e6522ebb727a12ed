"""Keep the map's centre and zoom in the page URL without a Streamlit rerun.

Panning must not rerun the script, so st_folium is not asked to return the view. Instead
this element writes ``lat``, ``lon`` and ``z`` into the top page's query string on every
``moveend`` (``history.replaceState``: no navigation, no rerun). Streamlit sends the current
query string with each rerun, so the view survives reruns and a copied link reopens it.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template


class UrlSync(MacroElement):
    """Mirror the map view into ``window.top``'s URL (same-origin Streamlit component iframe)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }};
  function write() {
    try {
      var w = window.top || window.parent;
      var url = new URL(w.location.href);
      var c = map.getCenter();
      url.searchParams.set('lat', c.lat.toFixed(5));
      url.searchParams.set('lon', c.lng.toFixed(5));
      url.searchParams.set('z', String(map.getZoom()));
      w.history.replaceState(w.history.state, '', url.toString());
    } catch (e) { /* a cross-origin embed: the view simply isn't mirrored */ }
  }
  map.on('moveend', write);
})();
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "UrlSync"
