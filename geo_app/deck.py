"""The decks: the offline HTML deck (geo_app.web.deck) and the PDF deck (one page per scene)."""

from __future__ import annotations

from geo_app.printmap.deck_pdf import deck_pdf_bytes
from geo_app.web.deck import deck_html

__all__ = ["deck_html", "deck_pdf_bytes"]
