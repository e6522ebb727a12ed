"""The planner's map: Streamlit + Folium, offline, Chinese by default.

A thin caller: widgets -> cached geo_app calls -> st_folium. All logic (geometry, styles,
popups, URL state, exports) lives in geo_app and is tested there.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

import streamlit_map
from geo_app import (
    assets,
    boundaries,
    deck,
    export,
    mapview,
    panel,
    scenes,
    search,
    simplify,
    standalone,
    viewstate,
)
from geo_app.basemaps import available_basemaps, tianditu_key
from geo_app.i18n import pick, t
from geo_app.mapdata import MapData, load_map_data
from geo_app.urlsync import UrlSync

st.set_page_config(page_title="规划产业布局图 · Plan layout map", page_icon="🗺️", layout="wide")
st.markdown(
    "<style>.block-container{padding-top:1.2rem;padding-bottom:0.5rem}</style>", unsafe_allow_html=True
)


# ----------------------------------------------------------------------------- helpers

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<])")


def md(text: str) -> str:
    """Plan text shown as literal text in Markdown (no accidental formatting)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def show_panel(p: panel.Panel, lang: str) -> None:
    """Lay out a side-panel Panel with Streamlit widgets."""
    if p.kind == "hint":
        st.info(p.title)
        return
    st.markdown(f"#### {md(p.title)}")
    st.caption(md(p.caption))
    for label, value in p.fields:
        st.markdown(f"**{md(label)}**：{md(value)}")
    if p.quote:
        st.markdown(f"**{md(t('quote', lang))}**")
        st.markdown("> " + md(p.quote))
    if p.kind == "county":
        st.markdown(f"**{md(t('items_in_county', lang))}（{len(p.items)}）**")
        if not p.items:
            st.info(t("no_items", lang))
        for it in p.items:
            share = f" · {t('share', lang)} {it.share:.0%}" if it.share is not None else ""
            with st.expander(f"{it.name}{share}"):
                st.caption(md(f"{it.category} · {it.source}"))
                st.markdown("> " + md(it.quote))


# ----------------------------------------------------------------------------- cached data


@st.cache_resource(show_spinner="正在加载规划图层… Loading plan layers…")
def get_data() -> MapData:
    return load_map_data(strict=False)


@st.cache_data(show_spinner=False, max_entries=32)
def get_context(queries: tuple[str, ...]) -> tuple[pd.DataFrame | None, list[str]]:
    """Boundaries of other regions for context, and an error message per unknown one."""
    frames, errors = [], []
    for q in queries:
        try:
            frames.append(boundaries.counties_of(q))
        except LookupError as exc:
            errors.append(str(exc))
    if not frames:
        return None, errors
    merged = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True).drop_duplicates("adcode"), crs=4326)
    return simplify.context_layer(merged), errors


@st.cache_resource(show_spinner=False, max_entries=16)
def get_search_index(lang: str) -> pd.DataFrame:
    return search.search_index(get_data(), lang)


@st.cache_resource(show_spinner=False, max_entries=32)
def base_parts(lang: str, basemap: str, region: str, ctx: tuple[str, ...], view: tuple, present: bool
               ) -> streamlit_map.MapParts:  # fmt: skip
    """The rendered base map (basemap, reference, counties, context, legend) for these settings."""
    center, zoom = view
    plans = None if region == "both" else (region,)
    extra = [mapview.PRESENT_MAP_CSS] if present else []
    spec = mapview.MapSpec(lang=lang, basemap=basemap, plans=plans, center=center, zoom=zoom,
                           context=get_context(ctx)[0] if ctx else None, tianditu_key=TK, extra_css=extra)  # fmt: skip
    base = mapview.base_map(get_data(), spec)
    if present:
        mapview.KeyForwarder().add_to(base)
    else:
        UrlSync().add_to(base)
    assets.localize_map(base, assets.STREAMLIT_BASE_URL)
    return streamlit_map.render_base(base)


@st.cache_resource(show_spinner=False, max_entries=512)
def layer_js(key: str, lang: str, basemap: str, highlight: tuple[str, ...]) -> str:
    """The rendered JS of one plan layer (a FeatureGroup) for these settings."""
    spec = mapview.MapSpec(lang=lang, basemap=basemap, visible_layers=frozenset({key}), highlight=highlight)
    group = mapview.plan_layers(get_data(), spec)[key]
    assets.localize_map(group, assets.STREAMLIT_BASE_URL)
    return streamlit_map.render_layer(group, slot=mapview.layer_keys(get_data()).index(key))


def layers_js(keys, lang: str, basemap: str, highlight: tuple[str, ...]) -> list[str]:
    """Cached JS of the visible layers; a highlight only re-renders the layer holding the feature."""
    layer_of = FEATURE_LAYER
    return [layer_js(k, lang, basemap, tuple(h for h in highlight if layer_of.get(h) == k)) for k in keys]


@st.cache_resource(show_spinner=False, max_entries=8)
def get_decks(folder: str, stamp: tuple) -> dict[str, scenes.Deck]:
    """Decks from scenes/*.yaml; ``stamp`` (file mtimes) invalidates the cache when a scene is saved."""
    data = get_data()
    return scenes.load_decks(mapview.layer_keys(data), set(data.features["id"]), Path(folder))


def decks_now() -> dict[str, scenes.Deck]:
    folder = scenes.SCENES_DIR
    return get_decks(str(folder), tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml"))))


try:
    DATA = get_data()
except Exception as exc:  # the app shows a message, never a traceback
    st.error(f"无法加载规划图层 / Could not load the plan layers: {exc}")
    st.stop()


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml: that is normal
        return {}


@st.cache_resource(show_spinner=False)
def _settings() -> tuple[str | None, dict[str, str]]:
    """Tianditu key (read once per server process) and feature id -> layer key."""
    layer_of = {r.id: mapview.layer_key(r.plan, r.category) for r in get_data().features.itertuples()}
    return tianditu_key(_secrets()), layer_of


TK, FEATURE_LAYER = _settings()
BASEMAP_IDS = [b.id for b in available_basemaps(TK)]
ALL_KEYS = mapview.layer_keys(DATA)


# ----------------------------------------------------------------------------- state from the URL (first run)

if "init" not in st.session_state:
    state = viewstate.parse(st.query_params.to_dict(), ALL_KEYS, BASEMAP_IDS)
    st.session_state.init = True
    st.session_state.lang = state.lang
    st.session_state.region = state.region
    st.session_state.basemap = state.basemap
    st.session_state.ctx = ", ".join(state.context)
    for key in ALL_KEYS:
        st.session_state[f"layer::{key}"] = state.layers is None or key in state.layers
    st.session_state.view = (state.center, state.zoom)
    st.session_state.ignored = state.ignored
    st.session_state.fly = None


def localized_select(label: str, options: list, state_key: str, fmt, lang: str, where=st) -> None:
    """A selectbox whose option labels follow the language: the widget key carries the language
    (Streamlit keeps a keyed widget's first labels), the chosen value lives in ``state_key``."""
    widget_key = f"{state_key}__{lang}"
    current = st.session_state.get(state_key, options[0])

    def copy() -> None:
        st.session_state[state_key] = st.session_state[widget_key]

    where.selectbox(label, options, index=options.index(current) if current in options else 0,
                    key=widget_key, format_func=fmt, on_change=copy)  # fmt: skip


def _set_all(value: bool) -> None:
    for key in ALL_KEYS:
        st.session_state[f"layer::{key}"] = value


# ----------------------------------------------------------------------------- sidebar

with st.sidebar:
    st.radio(t("language", "zh"), ["zh", "en"], key="lang", horizontal=True,
             format_func=lambda v: "中文" if v == "zh" else "English")  # fmt: skip
    lang = st.session_state.lang
    st.toggle(t("present", lang), key="present")
    localized_select(t("region", lang), list(viewstate.REGIONS), "region", lambda v: t(f"region_{v}", lang), lang)
    localized_select(t("basemap", lang), BASEMAP_IDS, "basemap", lambda v: mapview.BASEMAPS[v].label(lang), lang)

    st.subheader(t("layers", lang))
    c1, c2 = st.columns(2)
    c1.button(t("show_all", lang), on_click=_set_all, args=(True,), use_container_width=True)
    c2.button(t("hide_all", lang), on_click=_set_all, args=(False,), use_container_width=True)
    counts = DATA.display_features.groupby(["plan", "category"]).size()
    plans_shown = DATA.catalog.plans if st.session_state.region == "both" else [st.session_state.region]
    for pid in plans_shown:
        plan = DATA.catalog.plans[pid]
        with st.expander(pick(plan.title_zh, plan.title_en, lang), expanded=True):
            for key in ALL_KEYS:
                kp, cat = key.split(":")
                if kp != pid:
                    continue
                c = DATA.catalog.categories[cat]
                label = f"{pick(c['label_zh'], c['label_en'], lang)} ({counts.get((kp, cat), 0)})"
                st.checkbox(label, key=f"layer::{key}")

    st.text_input(t("context", lang), key="ctx", placeholder=t("context_help", lang))
    sidebar_tools = st.container()

lang = st.session_state.lang
visible = frozenset(k for k in ALL_KEYS if st.session_state.get(f"layer::{k}"))
ctx_queries = tuple(q.strip() for q in st.session_state.ctx.replace("，", ",").split(",") if q.strip())
_, ctx_errors = get_context(ctx_queries) if ctx_queries else (None, [])

# ----------------------------------------------------------------------------- URL (shareable view)

center, zoom = st.session_state.view
state = viewstate.ViewState(lang=lang, region=st.session_state.region, layers=visible,
                            basemap=st.session_state.basemap, context=ctx_queries)  # fmt: skip
params = viewstate.to_params(state, ALL_KEYS)
# centre and zoom are written by the map itself (UrlSync) as the user pans; keep them
for k in ("lat", "lon", "z"):
    if k in st.query_params:
        params[k] = st.query_params[k]
if st.query_params.to_dict() != params:
    st.query_params.from_dict(params)

# ----------------------------------------------------------------------------- presentation mode


def presentation(lang: str) -> None:
    """Full-width map, large title bar, previous/next (buttons and arrow keys), progress, notes."""
    decks = decks_now()
    if not decks:
        st.warning(t("no_scenes", lang))
        return
    deck_id = st.session_state.get("deck") if st.session_state.get("deck") in decks else next(iter(decks))
    dk = decks[deck_id]
    if dk.problems:
        with st.expander(t("scene_problems", lang)):
            st.code("\n".join(str(p) for p in dk.problems))
    if not dk.scenes:
        st.warning(t("no_scenes", lang))
        return
    n = len(dk.scenes)
    idx = min(max(st.session_state.get(f"scene::{deck_id}", 0), 0), n - 1)

    def go(step: int) -> None:
        st.session_state[f"scene::{deck_id}"] = min(max(idx + step, 0), n - 1)

    scene = dk.scenes[idx]
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    c_prev, c_title, c_prog, c_next = st.columns([1, 8, 1.2, 1])
    c_prev.button("◀", key="prev", on_click=go, args=(-1,), shortcut="left", help=t("prev", lang),
                  disabled=idx == 0, use_container_width=True)  # fmt: skip
    c_title.markdown(
        f"<div class='pm-present-title'>{escape(scene.title(lang))}</div>"
        f"<div class='pm-present-sub'>{escape(scene.subtitle(lang))}</div>", unsafe_allow_html=True,
    )  # fmt: skip
    c_prog.markdown(f"<div class='pm-present-progress'>{idx + 1} / {n}</div>", unsafe_allow_html=True)
    c_next.button("▶", key="next", on_click=go, args=(1,), shortcut="right", help=t("next", lang),
                  disabled=idx == n - 1, use_container_width=True)  # fmt: skip
    bounds = deck.scene_bounds(DATA, scene)
    center = ((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2)
    zoom = scenes.zoom_for_bounds(bounds, 1300, 760)
    basemap = st.session_state.basemap
    parts = base_parts(lang, basemap, "both", (), (center, zoom), True)
    keys = [k for k in ALL_KEYS if k in scene.layers]
    streamlit_map.show_map(parts, layers_js(keys, lang, basemap, scene.highlight), key="present_map", height=760,
                           center=center, zoom=zoom)  # fmt: skip
    c_deck, c_notes, c_exit = st.columns([3, 2, 1])
    c_deck.selectbox(t("deck", lang), list(decks), key="deck", format_func=lambda d: decks[d].title(lang),
                     label_visibility="collapsed")  # fmt: skip
    show_notes = c_notes.toggle(t("notes", lang), key="show_notes")
    c_exit.button(t("exit_present", lang), key="exit_present", on_click=lambda: st.session_state.update(present=False),
                  shortcut="escape", use_container_width=True)  # fmt: skip
    if show_notes:
        st.info(scene.notes(lang) or "—")


PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
.block-container { padding-top: 0.6rem; max-width: 100%; }
.pm-present-title { font-size: 2.1rem; font-weight: 700; line-height: 1.2; }
.pm-present-sub { font-size: 1.2rem; color: #555; }
.pm-present-progress { font-size: 1.6rem; font-weight: 700; color: #882255; text-align: center; padding-top: .4rem; }
</style>"""

if st.session_state.get("present"):
    presentation(lang)
    st.stop()

# ----------------------------------------------------------------------------- header and messages

st.markdown(
    f"#### {escape(t('app_title', lang))} · "
    f"<span style='font-size:0.8em;font-weight:400'>{escape(t('app_subtitle', lang))}</span>",
    unsafe_allow_html=True,
)
if st.session_state.ignored:
    st.warning(t("bad_url", lang) + "; ".join(st.session_state.ignored))
    st.session_state.ignored = []
for err in ctx_errors:
    st.warning(err)
if DATA.problems:
    with st.expander(t("catalog_problems", lang)):
        st.code("\n".join(str(p) for p in DATA.problems))

# ----------------------------------------------------------------------------- search

index = get_search_index(lang)
labels = index["label"].tolist()
choice = st.selectbox(
    t("search", lang), options=[None, *range(len(labels))], key=f"search__{lang}",
    format_func=lambda i: t("search_placeholder", lang) if i is None else labels[i],
)  # fmt: skip
fly_center, fly_zoom, highlight = None, None, ()
if choice is not None:
    hit = index.iloc[choice]
    fly_center, fly_zoom = (hit.lat, hit.lon), int(hit.zoom)
    if hit.kind == "feature":
        highlight = (hit.ref,)

# ----------------------------------------------------------------------------- map + side panel

parts = base_parts(lang, st.session_state.basemap, st.session_state.region, ctx_queries, (center, zoom), False)
shown = [k for k in ALL_KEYS if k in visible and (state.plans() is None or k.split(":")[0] in state.plans())]
col_map, col_panel = st.columns([3, 1.15])
with col_map:
    out = streamlit_map.show_map(parts, layers_js(shown, lang, st.session_state.basemap, highlight), key="map",
                                 height=720, center=fly_center, zoom=fly_zoom,
                                 returned_objects=["last_active_drawing"])  # fmt: skip

with col_panel:
    show_panel(panel.panel_for_click(DATA, (out or {}).get("last_active_drawing"), lang), lang)

st.caption(t("source_note", lang))

# ----------------------------------------------------------------------------- exports and scenes (sidebar)


def export_tools(lang: str) -> None:
    """Download buttons: vector data, standalone HTML, image, decks. Files are built on click."""
    with st.expander(t("exports", lang)):
        fmt = st.selectbox(t("export_format", lang), list(export.FORMATS), key="exp_fmt",
                           format_func=lambda f: export.FORMATS[f].label)  # fmt: skip
        crs = st.selectbox(t("export_crs", lang), list(export.CRS_LABELS), key="exp_crs",
                           format_func=lambda c: export.CRS_LABELS[c])  # fmt: skip
        choices = ["all", "visible", "plan", "county", "counties"]
        sel = st.radio(t("export_selection", lang), choices, key="exp_sel", format_func=lambda c: t(f"sel_{c}", lang))
        county = None
        if sel == "county":
            codes = DATA.counties.adcode.astype(int).tolist()
            names = dict(zip(codes, DATA.counties.name_zh, strict=True))
            county = st.selectbox(t("county", lang), codes, key="exp_county", format_func=lambda c: names[c])
        layers = {"all": ["all"], "visible": sorted(visible), "plan": list(state.plans() or DATA.catalog.plans),
                  "county": ["all"], "counties": ["counties"]}[sel]  # fmt: skip
        if not layers:
            st.caption(t("nothing_visible", lang))
        else:
            ext = ".zip" if fmt == "csv" else export.FORMATS[fmt].ext
            st.download_button(
                f"{t('download', lang)} {export.FORMATS[fmt].label}",
                data=lambda: export.export_bytes(layers, fmt, crs, county=county and str(county), data=DATA).content,
                file_name=f"plan_layers_{sel}_{crs.replace(':', '')}{ext}",
                mime="application/zip" if fmt == "csv" else export.FORMATS[fmt].mime, on_click="ignore",
                key="dl_vector",
            )  # fmt: skip
        st.divider()
        st.download_button(
            t("html_map", lang), on_click="ignore", key="dl_html", mime="text/html",
            data=lambda: standalone.standalone_html(DATA, mapview.MapSpec(lang=lang, plans=state.plans())),
            file_name=f"plan_map_{state.region}_{lang}.html",
        )  # fmt: skip
        size = st.radio(t("image_size", lang), ["a4", "16:9"], horizontal=True, key="img_size")
        c1, c2 = st.columns(2)
        for col, ext in ((c1, "png"), (c2, "pdf")):
            col.download_button(
                f"{t('image', lang)} {ext.upper()}", on_click="ignore", key=f"dl_img_{ext}",
                data=lambda ext=ext: image_bytes(ext, size, lang, state.region),
                file_name=f"plan_map_{state.region}_{size.replace(':', 'x')}.{ext}",
                mime="image/png" if ext == "png" else "application/pdf",
            )  # fmt: skip
        st.divider()
        decks = decks_now()
        deck_list = [d for d in decks.values() if d.scenes]
        st.download_button(
            t("deck_html", lang), on_click="ignore", key="dl_deck_html", mime="text/html",
            data=lambda: deck.deck_html(DATA, deck_list, lang), file_name=f"plan_deck_{lang}.html",
        )  # fmt: skip
        st.download_button(
            t("deck_pdf", lang), on_click="ignore", key="dl_deck_pdf", mime="application/pdf",
            data=lambda: deck.deck_pdf_bytes(DATA, deck_list, lang), file_name=f"plan_deck_{lang}.pdf",
        )  # fmt: skip


def image_bytes(ext: str, size: str, lang: str, region: str) -> bytes:
    """A map image for download (matplotlib is imported only when one is asked for)."""
    from geo_app import image

    return image.image_bytes(ext, data=DATA, size=size, lang=lang, region=region)[2]


def save_scene_form(lang: str) -> None:
    """Save the current view (region, layers, centre/zoom) as a scene in a deck file."""
    with st.expander(t("save_scene", lang)):
        decks = decks_now()
        with st.form("save_scene"):
            deck_id = st.selectbox(t("deck", lang), list(decks), format_func=lambda d: decks[d].title(lang))
            title_zh = st.text_input(t("scene_title_zh", lang))
            title_en = st.text_input(t("scene_title_en", lang))
            notes = st.text_area(t("scene_notes", lang))
            if st.form_submit_button(t("save", lang)):
                if not title_zh.strip():
                    st.error(t("need_title", lang))
                    return
                dk = decks[deck_id]
                view = viewstate.parse(st.query_params.to_dict(), ALL_KEYS, BASEMAP_IDS)
                layers = tuple(k for k in ALL_KEYS if k in visible)
                scene = scenes.scene_from_view(dk, title_zh, title_en, notes, lang, state.region, layers,
                                               view.center, view.zoom)  # fmt: skip
                try:
                    scenes.append_scene(dk.path, scene, ALL_KEYS, set(DATA.features["id"]))
                except (ValueError, OSError) as exc:
                    st.error(str(exc))
                else:
                    st.success(f"{t('saved', lang)} {dk.path.name}: {scene.id}")


with sidebar_tools:
    save_scene_form(lang)
    export_tools(lang)
