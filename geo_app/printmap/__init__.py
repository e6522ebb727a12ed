"""The print map: a static map of the plan items for documents and slides, and the PDF deck.

Modules, one job each (``draw.draw_map`` runs them in order):

- ``content``: region choice + layers + extent + highlights -> the items to draw and to list;
- ``panels``: one map frame per cluster of plan regions (or a scene extent), projected, cached;
- ``layout``: page sizes and where panels, legend and title go;
- ``base``: counties, mountain zone, rivers, roads, towns, boundaries;
- ``items``: areas (colour + hatch per item, dash per location kind), lines, points (sites solid,
  stand-ins hollow), outside items at the frame's edge, highlights;
- ``labels``: collision-free labels, county names first, every area item labelled;
- ``legend``, ``locator``, ``furniture``: legend, province locator, title/scale/north/credits/date;
- ``deck_pdf``: one page per scene with its extent, highlights, title, subtitle and footer.
"""

from geo_app.printmap.deck_pdf import deck_pdf_bytes
from geo_app.printmap.draw import ImageResult, MapFigure, check_options, draw_map, image_bytes, render_map
from geo_app.printmap.layout import SIZES
from geo_app.printmap.text import FontNotFoundError, find_cjk_font

__all__ = [
    "SIZES",
    "FontNotFoundError",
    "ImageResult",
    "MapFigure",
    "check_options",
    "deck_pdf_bytes",
    "draw_map",
    "find_cjk_font",
    "image_bytes",
    "render_map",
]
