"""The downloads in the sidebar: vector data, the offline HTML map, map images and the decks.

Every file is built on click (``on_click="ignore"`` keeps the page) and each has its own name;
only format/CRS pairs that work are offered, and a choice that cannot work (auto-gk over two
zones) says why in the UI language instead of failing later. Labels follow the language.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import streamlit as st

from app import data as cache
from geo_app import export
from geo_app.escaping import plain_markdown
from geo_app.i18n import t
from geo_app.mapdata import MapData
from geo_app.regions import RegionChoice
from geo_app.web.spec import MapSpec

SELECTIONS = ("plan", "visible", "all", "county", "counties")


def render(data: MapData, lang: str, choice: RegionChoice, visible: frozenset[str]) -> None:
    with st.expander(t("exports", lang)):
        vector_download(data, lang, choice, visible)
        st.divider()
        st.download_button(
            t("html_map", lang),
            on_click="ignore",
            key="dl_html",
            mime="text/html",
            data=lambda: html_map(lang, choice.plans, choice.adcodes, visible),
            file_name=f"plan_map_{choice.id}_{lang}.html",
        )
        image_downloads(lang, choice)
        st.divider()
        st.download_button(
            t("deck_html", lang),
            on_click="ignore",
            key="dl_deck_html",
            mime="text/html",
            data=lambda: deck_html(lang),
            file_name=f"plan_deck_{lang}.html",
        )
        prepared_download(
            t("deck_pdf", lang), "dl_deck_pdf", f"plan_deck_{lang}.pdf", "application/pdf", lang,
            lambda report: deck_pdf(lang, report),
        )  # fmt: skip


def _layers(sel: str, choice: RegionChoice, visible: frozenset[str]) -> list[str]:
    if sel == "visible":
        return sorted(k for k in visible if k.split(":")[0] in choice.plans)
    if sel == "plan":
        return list(choice.plans)
    if sel == "counties":
        return ["counties"]
    return ["all"]


def vector_download(data: MapData, lang: str, choice: RegionChoice, visible: frozenset[str]) -> None:
    """Format, CRS (only those the format can hold), selection; one button with its own file name."""
    fmt = st.selectbox(
        t("export_format", lang),
        list(export.FORMATS),
        key=f"exp_fmt__{lang}",
        format_func=lambda f: export.format_label(f, lang),
        placeholder=t("choose", lang),
    )
    crs = st.selectbox(
        t("export_crs", lang),
        export.crs_options(fmt),
        key=f"exp_crs__{lang}__{fmt}",
        format_func=lambda c: export.crs_label(c, lang),
        placeholder=t("choose", lang),
    )
    sel = st.radio(
        t("export_selection", lang), SELECTIONS, key=f"exp_sel__{lang}", format_func=lambda c: t(f"sel_{c}", lang)
    )
    county = None
    if sel == "county":
        codes = sorted(data.counties_of_plans(choice.plans))
        names = dict(zip(data.counties.adcode.astype(int), data.counties.name_zh, strict=True))
        county = st.selectbox(
            t("county", lang),
            codes,
            key=f"exp_county__{lang}",
            format_func=lambda c: names[c],
            placeholder=t("choose", lang),
        )
    layers = _layers(sel, choice, visible)
    if not layers:
        st.caption(t("nothing_visible", lang))
        return
    regions = None if sel in ("all", "county") else [str(a) for a in choice.adcodes]
    args = {"layers": layers, "fmt": fmt, "crs": crs, "regions": regions, "county": county and str(county)}
    try:
        name = cache.download_name(**args)
    except export.CRSChoiceError as exc:
        st.warning(plain_markdown(exc.message(lang)))
        return
    except (LookupError, ValueError) as exc:
        st.warning(plain_markdown(exc))
        return
    st.download_button(
        f"{t('download', lang)} · {name}",
        on_click="ignore",
        key="dl_vector",
        file_name=name,
        mime=export.FORMATS[fmt].mime,
        data=lambda: export.export_bytes(**args, data=cache.get_data()).content,
    )


def image_downloads(lang: str, choice: RegionChoice) -> None:
    """PNG (300 dpi) and vector PDF of the print map, each with its own label and file name."""
    size = st.radio(t("image_size", lang), ["a4", "16:9"], horizontal=True, key="img_size")
    for ext in ("png", "pdf"):
        prepared_download(
            t(f"image_{ext}", lang), f"dl_img_{ext}", f"plan_map_{choice.id}_{size.replace(':', 'x')}_{lang}.{ext}",
            "image/png" if ext == "png" else "application/pdf", lang,
            lambda report, ext=ext: image_bytes(ext, size, lang, choice.id, report),
        )  # fmt: skip


#: Files built on request, shared by every session (the same choice gives the same bytes).
_BUILT: OrderedDict[tuple, bytes] = OrderedDict()
_BUILT_MAX = 6
_BUILT_LOCK = threading.Lock()


def prepared_download(label: str, key: str, file_name: str, mime: str, lang: str,
                      build: Callable[[Callable[[float, str], None]], bytes]) -> None:  # fmt: skip
    """A file that takes seconds: a button builds it under a progress bar, then it downloads.

    The bytes are kept (a few files for all sessions, keyed by name and map data version), so the
    next request for the same file downloads at once."""
    sig = (file_name, cache.data_version(), cache.decks_version())
    with _BUILT_LOCK:
        content = _BUILT.get(sig)
    if content is None and st.button(f"{label} · {t('prepare_file', lang)}", key=f"make::{key}"):
        bar = st.progress(0.0, text=t("preparing", lang))

        def report(fraction: float, step: str) -> None:
            text = t(f"prep_{step}", lang) if step in PROGRESS_STEPS else step
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=f"{t('preparing', lang)} {text}")

        content = build(report)
        bar.empty()
        with _BUILT_LOCK:
            _BUILT[sig] = content
            while len(_BUILT) > _BUILT_MAX:
                _BUILT.popitem(last=False)
    if content is not None:
        size = f"{len(content) / 1e6:.1f} MB"
        st.download_button(f"⬇ {label} · {size}", data=content, file_name=file_name, mime=mime,
                           on_click="ignore", key=key)  # fmt: skip


PROGRESS_STEPS = ("draw", "save", "done", "fonts")


def html_map(lang: str, plans: tuple[str, ...], frame: tuple[int, ...], visible: frozenset[str]) -> bytes:
    from geo_app.web.standalone import standalone_html

    spec = MapSpec(lang=lang, plans=plans, frame=frame, visible_layers=visible, mode="standalone")
    return standalone_html(cache.get_data(), spec).encode("utf-8")


def image_bytes(ext: str, size: str, lang: str, region: str, progress=None) -> bytes:
    """A print map (matplotlib is imported only when one is asked for)."""
    from geo_app import printmap

    return printmap.image_bytes(ext, data=cache.get_data(), size=size, lang=lang, region=region, progress=progress)[2]


def _decks() -> list:
    return [d for d in cache.decks_now().values() if d.scenes]


def deck_html(lang: str) -> bytes:
    from geo_app.web.deck import deck_html as build

    return build(cache.get_data(), _decks(), lang).encode("utf-8")


def deck_pdf(lang: str, progress=None) -> bytes:
    from geo_app.deck import deck_pdf_bytes

    return deck_pdf_bytes(cache.get_data(), _decks(), lang, progress)
