"""The planner's map: Streamlit + Folium, offline, Chinese by default.

A thin caller: widgets -> cached geo_app calls -> the map component. Logic (geometry, styles,
labels, identify, panel content, URL state, exports) lives in geo_app and is tested there;
the Streamlit pieces are in app/.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="规划产业布局图 · Plan layout map", page_icon="🗺️", layout="wide")

from app import data as cache  # noqa: E402 - after set_page_config
from app import map_ui, panel_ui, scene_manager, sidebar, state, tools  # noqa: E402
from geo_app import regions, viewstate  # noqa: E402
from geo_app.escaping import html_text, plain_markdown  # noqa: E402
from geo_app.i18n import t  # noqa: E402
from geo_app.web.basemaps import available_basemaps, tianditu_key  # noqa: E402
from geo_app.web.spec import MapSpec  # noqa: E402

PAGE_CSS = """<style>
.block-container { padding-top: 0.8rem; padding-bottom: 0; }
.st-key-pm_panel { max-height: calc(100vh - 150px); overflow-y: auto; padding-right: 4px; }
[data-testid="stSidebar"] .stCheckbox { margin-bottom: -0.6rem; }
</style>"""

try:
    DATA = cache.get_data()
except Exception as exc:  # the app shows a message, never a traceback
    st.error(f"无法加载规划图层 / Could not load the plan layers: {plain_markdown(exc)}")
    from app import workbench_ui

    workbench_ui.first_plan()  # an empty catalog folder: draft the first plan from a document
    st.stop()


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml: that is normal
        return {}


TK = tianditu_key(_secrets())
BASEMAPS = [b.id for b in available_basemaps(TK)]
state.init(DATA, BASEMAPS)
state.keep_layer_ticks(DATA)

st.markdown(PAGE_CSS, unsafe_allow_html=True)

# The map comes first in the page (it is what people wait for); the sidebar that set these
# values is drawn at the end of the run from the same session state.
lang = st.session_state.lang
choice = regions.region_choices(DATA.catalog)[st.session_state.region]
visible = state.visible_layers(DATA)
context, ctx_dropped = viewstate.split_context(st.session_state.ctx)
ctx_codes, ctx_errors = cache.resolve_context(context) if context else ((), ())
state.write_url(DATA, context)

if st.session_state.get("present"):
    from app import present

    present.render(DATA, lang, st.session_state.basemap, TK)
    sidebar.render(DATA, BASEMAPS, ctx_dropped)
    st.stop()

if st.session_state.get("workbench"):
    from app import workbench_ui

    try:
        workbench_ui.render(DATA, lang)
    finally:  # the sidebar (and the way back to the map) also after an error or a rerun
        sidebar.render(DATA, BASEMAPS, ctx_dropped)
    st.stop()

# ----------------------------------------------------------------------------- header, notices, search

st.markdown(
    f"<div style='font-size:1.35rem;font-weight:700'>{html_text(t('app_title', lang))} · "
    f"<span style='font-size:0.8em;font-weight:400'>{html_text(choice.label(lang))}</span></div>",
    unsafe_allow_html=True,
)
if st.session_state.ignored:
    st.warning(t("bad_url", lang) + "; ".join(plain_markdown(v) for v in st.session_state.ignored))
    st.session_state.ignored = []
for err in ctx_errors:
    st.warning(plain_markdown(err.text(lang)))
if DATA.problems:
    with st.expander(t("catalog_problems", lang)):
        st.code("\n".join(str(p) for p in DATA.problems))

search_slot = st.empty()  # the search box: drawn here after the map (its index is not needed first)
fly, highlight = tools.search_choice(lang, choice.plans)

# ----------------------------------------------------------------------------- map + side panel

spec = MapSpec(
    lang=lang,
    basemap=st.session_state.basemap,
    plans=choice.plans,
    frame=choice.adcodes,
    visible_layers=visible,
    highlight=highlight,
    selected_county=st.session_state.selected_county,
    tianditu_key=TK,
)
col_map, col_panel = st.columns([3, 1.2])
with col_map:
    map_ui.show_maps(
        spec, ctx_codes, view_key=choice.id, fly=fly, url_view=st.session_state.get("url_view"), top_offset=150
    )
with search_slot.container():
    tools.search_box(lang, choice.plans)
with col_panel, st.container(key="pm_panel"):
    panel_ui.render(DATA, lang, choice.plans, visible)

with sidebar.render(DATA, BASEMAPS, ctx_dropped):
    tools.save_scene_form(DATA, lang, choice, visible)
    scene_manager.render(DATA, lang, choice, visible)
    tools.export_tools(DATA, lang, choice, visible)
