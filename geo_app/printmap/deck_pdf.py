"""The PDF deck: one 16:9 page per scene, for rooms with only a projector and a PDF viewer.

Each page is ``draw_map`` with the scene's region or extent (widened to hold its highlighted
items), its layers, its highlights (amber, labelled), its title and subtitle, and a footer with
the deck's title and the page number. ``progress(fraction, message)`` is called before each
page and once at the end, so an app can show a progress bar.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages

from geo_app.mapdata import MapData
from geo_app.printmap.draw import MapFigure, draw_map
from geo_app.printmap.text import RC_LITERAL, literal

Progress = Callable[[float, str], None]
PAGE_DPI = 100  # the page is vector; this only sets the resolution text is measured at


def scene_region(data: MapData, scene) -> str | None:
    """The region choice of a scene: its own, else the single plan its layers belong to, else all."""
    from geo_app import regions

    if scene.region and regions.resolve_choice(data.catalog, scene.region) is not None:
        return scene.region
    plans = {str(k).split(":")[0] for k in scene.layers if ":" in str(k)} & set(data.catalog.plans)
    return plans.pop() if len(plans) == 1 else None


def scene_figure(data: MapData, deck, scene, page: int, pages: int, lang: str = "zh") -> MapFigure:
    """One page of the deck: the scene's map with its title, subtitle and the footer 'deck · n / N'."""
    return draw_map(
        data,
        region=scene_region(data, scene),
        layers=list(scene.layers) or "all",
        extent=scene.extent,
        highlight=scene.highlight,
        size="16:9",
        lang=lang,
        title=scene.title(lang),
        subtitle=scene.subtitle(lang) or None,
        dpi=PAGE_DPI,
        footer_line=f"{literal(deck.title(lang))}  ·  {page} / {pages}",
        legend_items=False,
    )


def deck_pdf_bytes(data: MapData, decks: list, lang: str = "zh", progress: Progress | None = None) -> bytes:
    """A PDF with one page per scene of ``decks``; ``progress(fraction, message)`` is told each page."""
    scenes = [(d, s) for d in decks for s in d.scenes]
    if not scenes:
        raise ValueError("no valid scenes to present")
    report = progress or (lambda _f, _m: None)
    n = len(scenes)
    buf = io.BytesIO()
    title = " · ".join(literal(d.title(lang)) for d in decks)
    with matplotlib.rc_context(RC_LITERAL), PdfPages(buf, metadata={"Title": title, "Creator": "geo_app"}) as pdf:
        for i, (deck, scene) in enumerate(scenes, start=1):
            report((i - 1) / n, f"{i}/{n} {literal(scene.title(lang))}")
            pdf.savefig(scene_figure(data, deck, scene, i, n, lang).fig)
        report(n / (n + 1), "fonts")
    report(1.0, f"{n}/{n}")
    return buf.getvalue()
