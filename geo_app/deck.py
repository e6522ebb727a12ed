"""The decks: the offline HTML deck (geo_app.web.deck) and the PDF deck (one page per scene)."""

from __future__ import annotations

from geo_app.web.deck import deck_html

__all__ = ["deck_html", "deck_pdf_bytes"]


def deck_pdf_bytes(data, decks, lang: str = "zh", progress=None) -> bytes:
    """The PDF deck (drawn by the print map)."""
    from geo_app.image import deck_pdf_bytes as draw

    return draw(data, decks, lang)
