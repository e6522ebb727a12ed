"""``draw_map``: a print map in short steps — frame, base, layers, labels, legend, locator, furniture.

The same function draws the A4/16:9 map image (``render_map``, ``image_bytes``) and each page of
the PDF deck (with a scene's extent, highlights, title and subtitle, and a footer).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import matplotlib
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geo_app import regions
from geo_app.fileio import atomic_write_bytes
from geo_app.mapdata import MapData
from geo_app.printmap import furniture, labels, legend, locator
from geo_app.printmap import items as it
from geo_app.printmap import panels as pn
from geo_app.printmap.base import PanelBase, draw_base
from geo_app.printmap.content import MapContent, map_content
from geo_app.printmap.layout import MM, Layout, layout, page_size
from geo_app.printmap.text import RC_LITERAL, find_cjk_font, literal

LANGS = ("zh", "en")
OUTPUTS = (".png", ".pdf")


@dataclass
class MapFigure:
    """A drawn map: the figure and what is on it (for tests, summaries and the deck)."""

    fig: Figure
    title: str
    content: MapContent
    panels: list[pn.Panel]
    axes: list = field(default_factory=list)
    drawn_ids: set[str] = field(default_factory=set)  # items painted on a panel
    unlabelled: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImageResult:
    """What ``render_map`` wrote."""

    path: Path
    size_px: tuple[int, int] | None  # PNG pixels; None for PDF
    size_mm: tuple[float, float]
    features: int  # items drawn on the map
    listed: int = 0  # region-wide items listed in the legend

    def summary(self) -> str:
        size = f"{self.size_px[0]}x{self.size_px[1]} px" if self.size_px else "vector PDF"
        return (
            f"wrote {self.path} ({size}, {self.size_mm[0]:.0f} x {self.size_mm[1]:.0f} mm, {self.features} items "
            f"drawn, {self.listed} region-wide items listed)"
        )


@lru_cache(maxsize=1)
def default_data() -> MapData:
    """The map data, built once per process (catalog problems are skipped, as in the app)."""
    from geo_app.mapdata import load_map_data

    return load_map_data(strict=False)


def check_options(out: str | Path | None, size: str, lang: str) -> None:
    """Raise ValueError (one line) for an unknown size, language or output type."""
    if out is not None and Path(out).suffix.lower() not in OUTPUTS:
        raise ValueError(f"--out {out} must end in .png or .pdf")
    page_size(size)
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose zh or en")


# ----------------------------------------------------------------------------- steps


def new_figure(size: str, dpi: int, whole_pixels: bool) -> Figure:
    w, h = page_size(size)
    w_in, h_in = w * MM, h * MM
    if whole_pixels:  # A4 at 300 dpi is 3508 x 2480 px (matplotlib truncates, so aim a hair above)
        w_in, h_in = (round(w_in * dpi) + 0.02) / dpi, (round(h_in * dpi) + 0.02) / dpi
    fig = Figure(figsize=(w_in, h_in), dpi=dpi)
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    return fig


def frame(fig: Figure, lay: Layout, rect, panel: pn.Panel):
    """The panel's axes with its extent fitted to the rectangle; returns (axes, panel, metres per mm)."""
    panel = panel.fit(rect[2] / rect[3])
    ax = fig.add_axes(lay.axes_rect(rect))
    x0, y0, x1, y1 = panel.extent
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_linewidth(0.6)
        s.set_color("#444444")
    return ax, panel, (x1 - x0) / rect[2]


def draw_layers(ax, data: MapData, panel: pn.Panel, content: MapContent, m_per_mm: float) -> it.PanelItems:
    """The plan items in view: areas, lines, points, and the outside items of this panel."""
    tol = pn.tolerance(m_per_mm)
    view = shapely.box(*panel.extent)
    out = it.PanelItems()
    drawn = content.drawn
    if len(drawn):
        geoms = pn.features_projected(data, drawn, panel.crs, tol)
        inview = drawn[[geoms[i].intersects(view) for i in drawn["id"]]]
        hl = set(content.highlight)
        out.areas = it.draw_areas(ax, data, panel, inview[inview["shape"] == "area"], geoms, m_per_mm, hl)
        out.lines = it.draw_lines(ax, data, inview[inview["shape"] == "line"], geoms, hl)
        out.points = it.draw_points(ax, data, inview[inview["shape"] == "point"], geoms, m_per_mm, hl)
        out.drawn_ids = set(inview["id"])
    return out


def draw_labels(
    fig,
    ax,
    data: MapData,
    base: PanelBase,
    items: it.PanelItems,
    panel: pn.Panel,
    lang: str,
    highlight: set[str],
    named: bool,
    scale: float = 1.0,
) -> list[str]:
    """County names first, then every item's label; returns the ids left unlabelled."""
    placer = labels.Placer(fig, ax)
    labels.block_furniture(placer, named)
    labels.block_markers(placer, items, base)
    labels.place_counties(placer, data, base, lang, 7.5 * scale)
    size = (6.8 if lang != "en" else 6.2) * scale
    return labels.place_items(placer, data, items, panel.extent, lang, highlight, size)


def panel_name(data: MapData, panel: pn.Panel, lang: str) -> str:
    """The regions of a panel as the region selector names them."""
    choices = regions.region_choices(data.catalog)
    names = []
    for code in panel.adcodes:
        plan = next((p for p in data.catalog.plans.values() if p.regions == (code,)), None)
        if plan is not None:
            names.append(plan.short(lang))
        elif str(code) in choices:
            names.append(choices[str(code)].label(lang))
    return (" · " if lang == "en" else "、").join(dict.fromkeys(names))


def assign_outside(data: MapData, content: MapContent, panels: list[pn.Panel]) -> list:
    """Each outside item goes to the nearest panel holding counties of its plan."""
    picks: list[list[int]] = [[] for _ in panels]
    for i in range(len(content.outside)):
        row = content.outside.iloc[i : i + 1]
        plan_counties = set(data.plan_counties.get(row["plan"].iloc[0], []))
        best, dist = 0, float("inf")
        for k, p in enumerate(panels):
            if content.extent is None and not plan_counties & set(p.counties):
                continue
            d = shapely.box(*p.extent).distance(row.to_crs(p.crs).geometry.iloc[0])
            if d < dist:
                best, dist = k, d
        picks[best].append(i)
    return [content.outside.iloc[idx] for idx in picks]


def legend_and_locator(
    fig, lay: Layout, data: MapData, info: legend.LegendInput, panels, plans, lang: str, detailed: bool = True
):
    """The locator at the head of the legend area (dropped if the legend needs the room)."""
    x, y, w, h = lay.legend
    aspect = locator.locator_aspect(data, panels) if locator.useful(data, panels) else None
    for with_locator in (True, False) if aspect else (False,):
        rect, loc_ax = (x, y, w, h), None
        if with_locator:
            if lay.mode == "right":
                lw = min(w, 58.0)
                lh = min(lw / aspect, 48.0)
                lw = lh * aspect
                loc_rect, rect = (x + (w - lw) / 2, y + h - lh, lw, lh), (x, y, w, h - lh - 4)
            else:
                lh = min(h, 44.0)
                lw = lh * aspect
                loc_rect, rect = (x + w - lw, y + (h - lh) / 2, lw, lh), (x, y, w - lw - 5, h)
            loc_ax = fig.add_axes(lay.axes_rect(loc_rect))
            loc_ax.set_gid("locator")
            if not locator.draw_locator(loc_ax, data, panels, plans, lang):
                loc_ax.remove()
                loc_ax = None
                rect = (x, y, w, h)
        flow = legend.draw_legend(fig, lay.axes_rect(rect), rect[2], rect[3], data, info, lang, lay.mode, detailed)
        if not flow.overflow or not with_locator:
            return flow
        flow.ax.remove()
        if loc_ax is not None:
            loc_ax.remove()
    return None


# ----------------------------------------------------------------------------- entry points


def draw_map(
    data: MapData | None = None,
    region: str | None = None,
    layers: str | list[str] | tuple[str, ...] = "all",
    extent: tuple[float, float, float, float] | None = None,
    highlight: tuple[str, ...] | list[str] = (),
    size: str = "a4",
    lang: str = "zh",
    title: str | None = None,
    subtitle: str | None = None,
    dpi: int = 300,
    footer_line: str | None = None,
    whole_pixels: bool = False,
    legend_items: bool = True,
) -> MapFigure:
    """The print map of a region choice (or a scene ``extent``) with ``highlight``ed items.

    ``region``: a choice of ``regions.region_choices`` (default: the first); ``layers``: tokens (all, a
    plan id, a category, plan:category, feature ids); ``extent``: (min_lon, min_lat, max_lon, max_lat) of
    a scene, widened to hold the highlighted items; ``title``/``subtitle`` are drawn literally;
    ``footer_line``: a deck's 'title · n / N'; ``legend_items``: list each drawn item in the legend.
    Steps: frame, base, layers, labels (per panel), then legend with locator, title, footer.
    """
    check_options(None, size, lang)
    family = find_cjk_font()
    data = data or default_data()
    content = map_content(data, region, layers, extent, tuple(highlight))
    with matplotlib.rc_context({"font.family": [family, "DejaVu Sans"], **RC_LITERAL}):
        fig = new_figure(size, dpi, whole_pixels)
        panels = pn.make_panels(data, content)
        lay = layout(size, [p.aspect for p in panels], footer_h=13.0 if footer_line else 9.0)
        title_text = literal(title) if title else furniture.default_title(data, content.plans, lang)
        result = MapFigure(fig, title_text, content, [])
        outside = assign_outside(data, content, panels)
        hl = set(content.highlight)
        for panel, rect, out_rows in zip(panels, lay.panels, outside, strict=True):
            ax, panel, m_per_mm = frame(fig, lay, rect, panel)
            base = draw_base(ax, data, panel, m_per_mm)
            drawn = draw_layers(ax, data, panel, content, m_per_mm)
            drawn.outside = it.draw_outside(ax, data, panel, out_rows, m_per_mm)
            result.unlabelled += draw_labels(
                fig, ax, data, base, drawn, panel, lang, hl, len(panels) > 1, 1.0 if legend_items else 1.15
            )
            furniture.scale_bar(ax, data, panel, m_per_mm, lang)
            furniture.north_arrow(ax, data, panel, lang)
            furniture.panel_corner_note(
                ax, data, panel, lang, panel_name(data, panel, lang) if len(panels) > 1 else None
            )
            result.panels.append(panel)
            result.axes.append(ax)
            result.drawn_ids |= drawn.drawn_ids | {o.id for o in drawn.outside}
        info = legend.LegendInput(
            drawn=content.drawn[content.drawn["id"].isin(result.drawn_ids)].drop(columns="geometry"),
            region_wide=content.region_wide,
            outside=content.outside.drop(columns="geometry"),
            plans=content.plans,
            highlight=bool(hl),
            multi_prefecture=any(
                (len({c // 100 for c in p.counties}) > 1 and len(p.adcodes) != 1)
                or any(a % 10000 == 0 for a in p.adcodes)
                for p in panels
            ),
        )
        legend_and_locator(fig, lay, data, info, panels, content.plans, lang, legend_items)
        furniture.title_block(
            fig,
            lay,
            data,
            title_text,
            literal(subtitle) if subtitle else furniture.default_subtitle(data, content.plans, lang),
        )
        furniture.footer(fig, lay, data, lang, footer_line)
    return result


def figure_bytes(fig: Figure, fmt: str, dpi: int, title: str) -> bytes:
    buf = io.BytesIO()
    meta = {"Title": title, "Software" if fmt == "png" else "Creator": "geo_app"}
    fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return buf.getvalue()


def render_map(
    out: str | Path,
    size: str = "a4",
    lang: str = "zh",
    layers="all",
    region: str | None = None,
    title: str | None = None,
    dpi: int = 300,
    data: MapData | None = None,
) -> ImageResult:
    """Draw the map and write it to ``out`` (.png at ``dpi`` or vector .pdf), atomically."""
    out = Path(out)
    check_options(out, size, lang)
    if dpi < 50 or dpi > 1200:
        raise ValueError(f"--dpi {dpi} is out of range (50-1200)")
    fmt = out.suffix.lower().lstrip(".")
    mf = draw_map(
        data, region=region, layers=layers, size=size, lang=lang, title=title, dpi=dpi, whole_pixels=fmt == "png"
    )
    atomic_write_bytes(out, figure_bytes(mf.fig, fmt, dpi, mf.title))
    w, h = page_size(size)
    size_px = (round(w * MM * dpi), round(h * MM * dpi)) if fmt == "png" else None
    return ImageResult(out, size_px, (w, h), len(mf.drawn_ids), len(mf.content.region_wide))


def image_bytes(
    fmt: str = "png",
    size: str = "a4",
    lang: str = "zh",
    region: str | None = None,
    layers="all",
    title: str | None = None,
    dpi: int = 300,
    data: MapData | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> tuple[str, str, bytes]:
    """A rendered map in memory for a download button: (filename, mime, content).

    ``progress(fraction, step)`` is told ``draw`` before drawing, ``save`` before encoding (about
    half of the time at 300 dpi) and ``done``."""
    if fmt not in ("png", "pdf"):
        raise ValueError(f"unknown image format {fmt!r}; choose png or pdf")
    report = progress or (lambda _f, _m: None)
    report(0.0, "draw")
    mf = draw_map(
        data, region=region, layers=layers, size=size, lang=lang, title=title, dpi=dpi, whole_pixels=fmt == "png"
    )
    report(0.5, "save")
    name = f"planmap_{mf.content.choice.id}_{size.lower().replace(':', 'x')}_{lang}.{fmt}"
    content = figure_bytes(mf.fig, fmt, dpi, mf.title)
    report(1.0, "done")
    return name, "image/png" if fmt == "png" else "application/pdf", content
