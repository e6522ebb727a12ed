"""Page sizes and the page layout: title band, map panels, legend column (or band), footer.

All lengths are millimetres from the page's bottom-left corner.
"""

from __future__ import annotations

from dataclasses import dataclass

MM = 1 / 25.4  # inches per millimetre
SIZES: dict[str, tuple[float, float]] = {"a4": (297.0, 210.0), "16:9": (338.67, 190.5)}
MARGIN, TITLE_H, GAP = 7.0, 17.0, 4.0

Rect = tuple[float, float, float, float]  # x, y, w, h in mm


@dataclass(frozen=True)
class Layout:
    """Where everything goes on the page."""

    width: float
    height: float
    mode: str  # "right": legend column beside the panels; "bottom": legend band below
    panels: list[Rect]
    legend: Rect
    footer_h: float

    def axes_rect(self, rect: Rect) -> tuple[float, float, float, float]:
        """A mm rectangle as figure fractions (for ``fig.add_axes``)."""
        x, y, w, h = rect
        return (x / self.width, y / self.height, w / self.width, h / self.height)


def page_size(size: str) -> tuple[float, float]:
    key = size.lower()
    if key not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    return SIZES[key]


def layout(
    size: str, aspects: list[float], footer_h: float = 9.0, legend_w: float = 74.0, legend_h: float = 46.0
) -> Layout:
    """Panel rectangles side by side (heights equal) and the legend area, whichever of a right column
    or a bottom band leaves the panels larger."""
    fig_w, fig_h = page_size(size)
    aw = fig_w - 2 * MARGIN
    ah = fig_h - 2 * MARGIN - TITLE_H - footer_h
    total = sum(aspects)
    n = len(aspects)
    h_right = min(ah, (aw - legend_w - GAP * n) / total)
    h_bottom = min(ah - legend_h - GAP, (aw - GAP * (n - 1)) / total)
    mode = "right" if h_right >= h_bottom else "bottom"
    h = max(h_right, h_bottom)
    widths = [a * h for a in aspects]
    used = sum(widths) + GAP * (n - 1)
    top = fig_h - MARGIN - TITLE_H
    rects: list[Rect] = []
    if mode == "right":
        x, y = MARGIN, top - h - (ah - h) / 2
        legend = (MARGIN + used + GAP + 1, MARGIN + footer_h, fig_w - MARGIN - (MARGIN + used + GAP + 1), ah)
    else:
        x, y = MARGIN + (aw - used) / 2, top - h
        legend = (MARGIN, MARGIN + footer_h, aw, y - GAP - MARGIN - footer_h)
    for w in widths:
        rects.append((x, y, w, h))
        x += w + GAP
    return Layout(fig_w, fig_h, mode, rects, legend, footer_h)
