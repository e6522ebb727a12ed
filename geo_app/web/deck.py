"""The HTML deck: one offline file that steps through the scenes of ``scenes/*.yaml``.

One map holds every plan layer of the decks once; each scene adds its own highlight outlines
and labels (highlights labelled) and fits its frame (``presentation.scene_frame``). A title bar
with large ◀ ▶ and progress; arrow keys and presenter clickers (PageUp/PageDown); "P" opens the
presenter view (the same file in a second window: current and next scene, notes, timer), kept
in step with postMessage. Every asset is inlined; a hash-based CSP guards the file.
"""

from __future__ import annotations

from dataclasses import replace

import folium

from geo_app.csp import add_csp
from geo_app.escaping import html_text, json_for_script
from geo_app.i18n import t
from geo_app.mapdata import MapData
from geo_app.presentation import scene_frame, scene_plans, scene_spec
from geo_app.scenes import Deck
from geo_app.web import assets
from geo_app.web.elements import LiteralHtml, RawScript
from geo_app.web.label_layer import labels_group
from geo_app.web.layers import (
    badges_group,
    base_map,
    basemap_groups,
    datum,
    layer_keys,
    plan_layer,
    source_key,
    topo_layer,
)
from geo_app.web.spec import MapSpec
from geo_app.web.topo import topology

DECK_CSS = """<style>
html, body { margin: 0; height: 100%;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; }
.folium-map { position: absolute !important; left: 0 !important; right: 0 !important; bottom: 0 !important;
  top: 84px !important; width: auto !important; height: auto !important; }
#pm-deck-bar { position: fixed; top: 0; left: 0; right: 0; height: 84px; box-sizing: border-box; z-index: 1000;
  background: #fff; padding: 8px 16px; box-shadow: 0 2px 8px rgba(0,0,0,.25); display: none; align-items: center;
  gap: 16px; }
.pm-deck-titles { flex: 1; min-width: 0; }
#pm-deck-title { font-size: 32px; font-weight: 700; line-height: 1.15; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
#pm-deck-sub { font-size: 18px; color: #444; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#pm-deck-progress { font-size: 26px; font-weight: 700; color: #882255; min-width: 90px; text-align: center; }
.pm-deck-btn { font-size: 34px; line-height: 1; width: 72px; height: 60px; border: 1px solid #999; border-radius: 8px;
  background: #fff; cursor: pointer; }
.pm-deck-btn:disabled { opacity: .35; cursor: default; }
#pm-deck-presenter { font-size: 14px; height: 40px; padding: 0 10px; border: 1px solid #999; border-radius: 6px;
  background: #fff; cursor: pointer; }
</style>"""

PRESENTER_HTML = """<div id="pm-presenter" style="display:none;padding:18px 24px">
<div style="display:flex;gap:16px;align-items:center">
<button class="pm-deck-btn" id="pm-p-prev">◀</button>
<div style="flex:1"><div id="pm-p-title" style="font-size:30px;font-weight:700"></div>
<div id="pm-p-sub" style="font-size:18px;color:#444"></div></div>
<div id="pm-p-progress" style="font-size:26px;font-weight:700;color:#882255"></div>
<button class="pm-deck-btn" id="pm-p-next-btn">▶</button></div>
<div style="display:flex;gap:24px;margin-top:18px">
<div style="flex:3"><div style="font-weight:700">{notes}</div>
<div id="pm-p-notes" style="font-size:26px;line-height:1.55;background:#fffbea;border-left:6px solid #e0b000;
padding:12px 16px;white-space:pre-wrap"></div></div>
<div style="flex:1"><div id="pm-p-timer" style="font-size:44px;font-weight:700">00:00</div>
<div>{elapsed}</div><div style="margin-top:14px;font-weight:700">{next}</div>
<div id="pm-p-next" style="font-size:20px"></div></div></div></div>"""


def _bar(lang: str) -> str:
    return (
        "<div id='pm-deck-bar'><button class='pm-deck-btn' id='pm-deck-prev' aria-label='prev'>◀</button>"
        "<div class='pm-deck-titles'><div id='pm-deck-title'></div><div id='pm-deck-sub'></div></div>"
        "<div id='pm-deck-progress'></div><button class='pm-deck-btn' id='pm-deck-next' aria-label='next'>▶</button>"
        f"<button id='pm-deck-presenter'>{html_text(t('presenter_view_short', lang))} (P)</button></div>"
    )


def deck_map(data: MapData, decks: list[Deck], lang: str = "zh") -> folium.Map:
    """One map with every plan layer of the decks and, per scene, its highlights and labels."""
    scenes = [s for d in decks for s in d.scenes]
    plans = tuple(dict.fromkeys(p for s in scenes for p in scene_plans(data, s))) or tuple(data.catalog.plans)
    spec = MapSpec(lang=lang, plans=plans, mode="deck", present=True)
    m = base_map(data, spec, {source_key(spec): topology(data, datum(spec))})
    for g in basemap_groups(data, spec):
        g.add_to(m)
    groups = {}
    for key in layer_keys(data):
        if key.split(":")[0] in plans:
            fg = plan_layer(data, spec, key)
            fg.control = False
            fg.show = False
            groups[key] = fg.add_to(m)
    badges_group(data, spec).add_to(m)
    cfg_scenes = []
    for s in scenes:
        sspec = replace(scene_spec(data, s, lang, mode="deck"), plans=plans)
        hl = _highlight_group(data, sspec).add_to(m)
        lab = labels_group(data, sspec)
        lab.show = False
        lab.add_to(m)
        cfg_scenes.append(
            {
                "title": s.title(lang),
                "subtitle": s.subtitle(lang),
                "notes": s.notes(lang),
                "layers": [k for k in s.layers if k in groups],
                "bounds": scene_frame(data, s),
                "labels": lab.get_name(),
                "highlight": hl.get_name(),
            }
        )
    cfg = {"scenes": cfg_scenes, "groups": {k: g.get_name() for k, g in groups.items()}}
    title = " · ".join(d.title(lang) for d in decks) or t("deck", lang)
    root = m.get_root()
    root.header.add_child(LiteralHtml(f"<title>{html_text(title)}</title>"))
    root.header.add_child(LiteralHtml(DECK_CSS))
    root.html.add_child(LiteralHtml(_bar(lang)))
    root.html.add_child(
        LiteralHtml(
            PRESENTER_HTML.format(
                notes=html_text(t("notes", lang)),
                elapsed=html_text(t("elapsed", lang)),
                next=html_text(t("next", lang)),
            )
        )
    )
    RawScript(
        f"(function(){{var cfg={json_for_script(cfg)};if(location.hash==='#presenter'){{"
        f"{m.get_name()}.getContainer().style.display='none';"
        "document.getElementById('pm-presenter').style.display='block';PM.presenter(cfg);}"
        f"else{{PM.deck({m.get_name()}, cfg);}}}})();"
    ).add_to(m)
    return m


def _highlight_group(data: MapData, spec: MapSpec) -> folium.FeatureGroup:
    """A scene's highlighted items, outlined in amber above everything (hidden until the scene)."""
    fg = folium.FeatureGroup(name="highlight", control=False, show=False)
    ids = [i for i in spec.highlight if i in set(data.features.id)]
    f = data.features.set_index("id")
    props = {
        i: {"c": "#FFB000", "l": f.loc[i, "location"], "t": f.loc[i, "shape"], "hl": 1, "h": None}
        for i in ids
        if f.loc[i, "shape"] in ("area", "line")
    }
    if props:
        topo_layer(fg, spec, "items", props, style="item", interactive=False)
    return fg


def deck_html(data: MapData, decks: list[Deck], lang: str = "zh") -> str:
    """The deck as one self-contained HTML string."""
    m = deck_map(data, decks, lang)
    return add_csp(assets.inline_html(m.get_root().render()))
