"""Moved: the print map is the package ``geo_app.printmap``. This name stays for existing callers."""

from geo_app.printmap import (  # noqa: F401
    SIZES,
    FontNotFoundError,
    ImageResult,
    check_options,
    deck_pdf_bytes,
    draw_map,
    find_cjk_font,
    image_bytes,
    render_map,
)
