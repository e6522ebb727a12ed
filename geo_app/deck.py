"""Deck exports: one offline HTML file where arrow keys step through the scenes.

All plan layers are in the page once; each scene switches the visible layers, the view,
the highlight, the title bar, the progress counter and the speaker notes. The legend
follows the visible layers. Every asset is inlined (``assets.inline_html``).
"""

from __future__ import annotations

import json
from dataclasses import replace

import folium
import geopandas as gpd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from geo_app import assets
from geo_app.csp import add_csp
from geo_app.escaping import json_for_script
from geo_app.i18n import t
from geo_app.mapdata import MapData
from geo_app.mapview import HIGHLIGHT, LayerTag, MapSpec, full_map
from geo_app.scenes import Deck, Scene

DECK_CSS = """<style>
html, body { margin: 0; height: 100%; }
.folium-map { position: absolute !important; inset: 0; width: 100% !important; height: 100% !important; }
.pm-deck-bar { position: fixed; top: 0; left: 0; right: 0; z-index: 1000; background: rgba(255,255,255,.95);
  padding: 10px 24px; box-shadow: 0 2px 8px rgba(0,0,0,.3); display: flex; align-items: center; gap: 18px;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; }
.pm-deck-titles { flex: 1; }
.pm-deck-title { font-size: 30px; font-weight: 700; line-height: 1.2; }
.pm-deck-sub { font-size: 18px; color: #555; }
.pm-deck-progress { font-size: 22px; font-weight: 700; color: #882255; min-width: 70px; text-align: center; }
.pm-deck-btn { font-size: 22px; padding: 4px 14px; border: 1px solid #999; border-radius: 6px; background: #fff;
  cursor: pointer; }
.pm-deck-notes { position: fixed; right: 16px; bottom: 16px; z-index: 1000; max-width: 420px; font-size: 17px;
  background: rgba(255,255,240,.97); border: 1px solid #d9c96a; border-radius: 8px; padding: 10px 14px;
  box-shadow: 0 2px 8px rgba(0,0,0,.3); display: none; }
.pm-deck-notes.on { display: block; }
.pm-deck-hint { font-size: 12px; color: #777; }
.leaflet-top { top: 90px; }
.pm-legend { font-size: 15px; }
</style>"""


class DeckControl(MacroElement):
    """The scene switcher: title bar, progress, prev/next, arrow keys, notes (N)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }};
  var scenes = {{ this.scenes_json }};
  var labels = {{ this.labels_json }};
  var bar = document.createElement('div');
  bar.className = 'pm-deck-bar';
  bar.innerHTML = '<button class="pm-deck-btn" id="pm-prev" aria-label="previous">&#9664;</button>' +
    '<div class="pm-deck-titles"><div class="pm-deck-title" id="pm-title"></div>' +
    '<div class="pm-deck-sub" id="pm-sub"></div></div>' +
    '<div class="pm-deck-progress" id="pm-progress"></div>' +
    '<button class="pm-deck-btn" id="pm-notes-btn"></button>' +
    '<button class="pm-deck-btn" id="pm-next" aria-label="next">&#9654;</button>';
  document.body.appendChild(bar);
  var notes = document.createElement('div');
  notes.className = 'pm-deck-notes';
  notes.id = 'pm-notes';
  document.body.appendChild(notes);
  document.getElementById('pm-notes-btn').textContent = labels.notes;
  var current = 0;
  function show(i) {
    current = Math.max(0, Math.min(scenes.length - 1, i));
    var s = scenes[current];
    var reg = window.__pmLayers || {};
    Object.keys(reg).forEach(function(k) {
      var want = s.layers.indexOf(k) >= 0 || k === 'scene:' + current;
      if (want && !map.hasLayer(reg[k])) { map.addLayer(reg[k]); }
      if (!want && map.hasLayer(reg[k])) { map.removeLayer(reg[k]); }
    });
    map.fitBounds(s.bounds, {paddingTopLeft: [30, 110], paddingBottomRight: [30, 30]});
    document.getElementById('pm-title').textContent = s.title;
    document.getElementById('pm-sub').textContent = s.subtitle;
    document.getElementById('pm-progress').textContent = (current + 1) + ' / ' + scenes.length;
    notes.textContent = s.notes || labels.no_notes;
    document.body.setAttribute('data-scene', s.id);
    if (history.replaceState) { history.replaceState(null, '', '#' + (current + 1)); }
  }
  document.getElementById('pm-prev').onclick = function() { show(current - 1); };
  document.getElementById('pm-next').onclick = function() { show(current + 1); };
  document.getElementById('pm-notes-btn').onclick = function() { notes.classList.toggle('on'); };
  document.addEventListener('keydown', function(e) {
    if (e.target && /INPUT|TEXTAREA/.test(e.target.tagName)) { return; }
    if (['ArrowRight', 'PageDown', ' ', 'Enter'].indexOf(e.key) >= 0) { show(current + 1); e.preventDefault(); }
    else if (['ArrowLeft', 'PageUp', 'Backspace'].indexOf(e.key) >= 0) { show(current - 1); e.preventDefault(); }
    else if (e.key === 'Home') { show(0); }
    else if (e.key === 'End') { show(scenes.length - 1); }
    else if (e.key === 'n' || e.key === 'N') { notes.classList.toggle('on'); }
  });
  var start = parseInt((location.hash || '#1').slice(1), 10);
  setTimeout(function() { show(isNaN(start) ? 0 : start - 1); }, 0);
})();
{% endmacro %}
"""
    )

    def __init__(self, scenes: list[dict], labels: dict[str, str]):
        super().__init__()
        self._name = "DeckControl"
        # scene texts are user input: JSON made inert inside <script> (</script>, <!--, U+2028)
        self.scenes_json = json_for_script(scenes)
        self.labels_json = json_for_script(labels)


def scene_bounds(data: MapData, scene: Scene) -> list[list[float]]:
    """[[south, west], [north, east]] of a scene: its extent, else its region's counties."""
    if scene.extent:
        minx, miny, maxx, maxy = scene.extent
    else:
        plans = scene.plans() or tuple(data.catalog.plans)
        regions = [data.catalog.plans[p].region for p in plans]
        sub = data.display_counties[data.display_counties.prefecture_adcode.isin(regions)]
        minx, miny, maxx, maxy = sub.total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def _highlight_group(data: MapData, scene: Scene, index: int) -> folium.FeatureGroup | None:
    if not scene.highlight:
        return None
    feats = data.display_features[data.display_features["id"].isin(scene.highlight)]
    group = folium.FeatureGroup(name=f"scene {index + 1}", control=False)
    areas = feats[feats["shape"] != "point"]
    if not areas.empty:
        outline = gpd.GeoDataFrame(areas[["id"]], geometry=shapely.boundary(areas.geometry.values), crs=4326)
        folium.GeoJson(
            json.loads(outline.to_json(drop_id=True)),
            style_function=lambda _: {"color": HIGHLIGHT, "weight": 6, "opacity": 0.95},
            interactive=False,
        ).add_to(group)
    for p in feats[feats["shape"] == "point"].geometry:
        folium.CircleMarker([p.y, p.x], radius=20, color=HIGHLIGHT, weight=5, fill=False, interactive=False).add_to(
            group
        )
    LayerTag(f"scene:{index}").add_to(group)
    return group


def deck_map(data: MapData, decks: list[Deck], lang: str = "zh") -> folium.Map:
    """The folium map of a deck: every plan layer, highlight groups, the scene control."""
    scenes = [s for d in decks for s in d.scenes]
    if not scenes:
        raise ValueError("no valid scenes to present")
    spec = replace(MapSpec(lang=lang), standalone=False, extra_css=[DECK_CSS])
    m = full_map(data, spec)
    m.options["keyboard"] = False  # arrow keys step through scenes, not pan the map
    for i, scene in enumerate(scenes):
        group = _highlight_group(data, scene, i)
        if group is not None:
            group.add_to(m)
    payload = [
        {
            "id": s.id,
            "title": s.title(lang),
            "subtitle": s.subtitle(lang),
            "notes": s.notes(lang),
            "layers": list(s.layers),
            "bounds": scene_bounds(data, s),
        }
        for s in scenes
    ]
    labels = {"notes": "讲稿 (N)" if lang == "zh" else "Notes (N)", "no_notes": t("click_hint", lang)}
    DeckControl(payload, labels).add_to(m)
    m.get_root().header.add_child(Element('<meta name="viewport" content="width=device-width, initial-scale=1">'))
    return m


def deck_html(data: MapData, decks: list[Deck], lang: str = "zh") -> str:
    """A self-contained HTML deck (no external requests)."""
    return add_csp(assets.inline_html(deck_map(data, decks, lang).get_root().render()))


def deck_pdf_bytes(data: MapData, decks: list[Deck], lang: str = "zh") -> bytes:
    """A PDF with one 16:9 page per scene, for rooms with only a projector and a PDF viewer."""
    import io

    from matplotlib.backends.backend_pdf import PdfPages

    from geo_app.image import draw_map

    scenes = [s for d in decks for s in d.scenes]
    if not scenes:
        raise ValueError("no valid scenes to present")
    buf = io.BytesIO()
    with PdfPages(buf, metadata={"Title": decks[0].title(lang), "Creator": "geo_app"}) as pdf:
        for i, scene in enumerate(scenes, start=1):
            region = scene.region or _region_of_layers(scene.layers)
            title = f"{scene.title(lang)}  ({i} / {len(scenes)})"
            fig, _, _ = draw_map(data, size="16:9", lang=lang, layers=list(scene.layers), region=region, title=title,
                              dpi=150)  # fmt: skip
            pdf.savefig(fig)
    return buf.getvalue()


def _region_of_layers(layers: tuple[str, ...]) -> str:
    plans = {k.split(":")[0] for k in layers}
    return plans.pop() if len(plans) == 1 else "both"
