"""Cached calls of geo_app for the app: the pipeline once per server, map groups once per setting.

Only ``st.cache_*`` wrappers of pure geo_app functions live here (arguments that are not
hashable are fetched inside, never passed).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from app import map_component
from geo_app import boundaries, scenes, search
from geo_app.mapdata import MapData, inputs_key, load_map_data
from geo_app.web import assets, bundle, groups, layers, rendered, topo
from geo_app.web.spec import MapSpec


@st.cache_resource(show_spinner="正在加载规划图层… Loading plan layers…", max_entries=2)
def _data(key: str) -> MapData:
    return load_map_data(strict=False)


def get_data() -> MapData:
    """The map data of the catalog as it is on disk now: a saved edit (workbench) is picked up on the
    next run, and every cached group below is keyed by the data version through ``data_version``."""
    return _data(data_version())


def data_version() -> str:
    """Content hash of the pipeline's inputs (cheap: reads a few hundred KB of text)."""
    return inputs_key()


def base_parts() -> map_component.MapParts:
    """The constant base map: the same for every setting, so the map never re-mounts."""
    return _base_parts(data_version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _base_parts(version: str) -> map_component.MapParts:
    data = _data(version)
    sources = {
        layers.source_key(MapSpec(basemap=b)): topo.topology_url(data, d)
        for b, d in (("offline", "WGS84"), ("amap", "GCJ02"))
    }
    m = layers.base_map(data, MapSpec(mode="app"), sources)
    assets.localize_map(m, assets.STREAMLIT_BASE_URL)
    parts = map_component.render_base(m)
    # one script file, and the default basemap's geometry already loading while it does
    first = sources[layers.source_key(MapSpec())]
    return replace(parts, js_links=(bundle.prefetch_url([first]), bundle.bundle_url(parts.js_links)))


@st.cache_resource(show_spinner=False, max_entries=2048)
def group_js(version: str, name: str, spec: MapSpec) -> str:
    """The rendered JS of one group (``spec`` already reduced to what the group reads)."""
    if name == "tiles":  # cheap, and its URLs may carry the server's Tianditu key: never on disk
        return _render_group(version, name, spec)
    return rendered.cached_text(version, "group", f"{name}|{rendered.spec_key(spec)}",
                                lambda: _render_group(version, name, spec))  # fmt: skip


def _render_group(version: str, name: str, spec: MapSpec) -> str:
    data = _data(version)
    fg = groups.build(data, name, spec)
    assets.localize_map(fg, assets.STREAMLIT_BASE_URL)
    slot = (
        groups.SLOTS[name]
        if name in groups.SLOTS
        else groups.FIRST_LAYER_SLOT + layers.layer_keys(data).index(name.split(":", 1)[1])
    )
    return map_component.render_layer(fg, slot=slot)


def groups_js(spec: MapSpec, ctx: tuple[int, ...]) -> list[str]:
    """Every group of the map for ``spec``, from the cache, in drawing order."""
    version = data_version()
    data = _data(version)
    out = [group_js(version, n, groups.reduced(spec, n)) for n in ("tiles", "orientation", "reference")]
    if ctx:
        out.append(context_js(ctx, layers.datum(spec), spec.lang))
    out.append(group_js(version, "counties", groups.reduced(spec, "counties")))
    for key in layers.layer_keys(data):
        if key.split(":")[0] in (spec.plans or data.catalog.plans) and (
            spec.visible_layers is None or key in spec.visible_layers
        ):
            name = "layer:" + key
            red = replace(groups.reduced(spec, name), highlight=groups.layer_highlight(data, key, spec.highlight))
            out.append(group_js(version, name, red))
    out += [group_js(version, n, groups.reduced(spec, n)) for n in ("badges", "selection")]
    out.append(labels_js(version, spec, ctx))
    return out


@st.cache_resource(show_spinner=False, max_entries=256)
def labels_js(version: str, spec: MapSpec, ctx: tuple[int, ...]) -> str:
    def build() -> str:
        from geo_app.web.label_layer import labels_group

        frame = context_frame(ctx) if ctx else None
        fg = labels_group(_data(version), groups.reduced(spec, "labels"), frame)
        return map_component.render_layer(fg, slot=groups.SLOTS["labels"])

    return rendered.cached_text(version, "labels", f"{rendered.spec_key(groups.reduced(spec, 'labels'))}|{ctx}", build)


@st.cache_resource(show_spinner=False, max_entries=32)
def context_frame(ctx: tuple[int, ...]) -> gpd.GeoDataFrame:
    return topo.context_topology(ctx)[1]


@st.cache_resource(show_spinner="正在加载其他区域边界… Loading context boundaries…", max_entries=32)
def context_js(ctx: tuple[int, ...], datum: str, lang: str) -> str:
    url, frame = topo.context_url(ctx, datum)
    fg = layers.context_group(f"ctx-{abs(hash((ctx, datum)))}", url, frame, MapSpec(lang=lang, mode="app"))
    return map_component.render_layer(fg, slot=groups.SLOTS["context"])


@st.cache_data(show_spinner=False, max_entries=64)
def resolve_context(queries: tuple[str, ...]) -> tuple[tuple[int, ...], tuple]:
    """Context queries -> (distinct adcodes, one Message per query not used). Names are resolved
    first, so 中国, 全国 and china load the country once; one request is bounded in size."""
    codes, messages = boundaries.resolve_queries(queries)
    return tuple(codes), tuple(messages)


@st.cache_resource(show_spinner=False, max_entries=16)
def _search_index(version: str, lang: str, plans: tuple[str, ...] | None) -> pd.DataFrame:
    return search.search_index(_data(version), lang, plans)


def search_index(lang: str, plans: tuple[str, ...] | None) -> pd.DataFrame:
    return _search_index(data_version(), lang, plans)


@st.cache_resource(show_spinner=False, max_entries=8)
def _decks(version: str, folder: str, stamp: tuple) -> dict[str, scenes.Deck]:
    data = _data(version)
    return scenes.load_decks(layers.layer_keys(data), set(data.features["id"]), Path(folder))


def decks_now() -> dict[str, scenes.Deck]:
    """Decks from scenes/*.yaml; a saved scene (new file time) re-reads them."""
    from geo_app.paths import scenes_dir

    folder = scenes_dir()
    return _decks(data_version(), str(folder), decks_version())


def decks_version() -> tuple:
    """The scene files' names and times: changes when a scene is saved."""
    from geo_app.paths import scenes_dir

    out = []
    for p in sorted(scenes_dir().glob("*.yaml")):
        try:
            out.append((p.name, p.stat().st_mtime_ns))
        except OSError:  # removed meanwhile
            continue
    return tuple(out)


def legend_html(spec: MapSpec) -> str:
    """The legend for what ``spec`` shows (once per setting, not per run)."""
    return _legend_html(data_version(), spec)


@st.cache_resource(show_spinner=False, max_entries=256)
def _legend_html(version: str, spec: MapSpec) -> str:
    from geo_app.web.legend import legend_html as build

    return build(_data(version), spec)


def download_name(**args) -> str:
    """``export.download_name`` once per choice (it selects the layers to name the file)."""
    return _download_name(data_version(), tuple(sorted((k, _hashable(v)) for k, v in args.items())))


@st.cache_resource(show_spinner=False, max_entries=256)
def _download_name(version: str, args: tuple) -> str:
    from geo_app import export

    return export.download_name(**{k: list(v) if isinstance(v, tuple) else v for k, v in args}, data=_data(version))


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value
