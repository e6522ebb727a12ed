"""Text on the print map: drawn literally, in a font that has Chinese, wrapped to a width.

Every string the print map shows goes through ``put`` (or ``literal`` for artists made
elsewhere): control characters are stripped and matplotlib's mathtext is off
(``parse_math=False``), so a title such as ``成本 $5 / 亩`` prints as typed.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from functools import lru_cache

from matplotlib import font_manager
from matplotlib import patheffects as pe

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)
#: rcParams every renderer of the print map runs under (no TeX, no mathtext surprises).
RC_LITERAL = {
    "text.usetex": False,
    "axes.unicode_minus": False,
    "pdf.fonttype": 3,
    "ps.fonttype": 3,
    "svg.fonttype": "none",
    "pdf.compression": 3,  # 6 costs a third more time for a few per cent of size
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class FontNotFoundError(LookupError):
    """No font that can draw Chinese is installed."""


@lru_cache(maxsize=1)
def find_cjk_font() -> str:
    """The family name of an installed font that draws Chinese (Noto Sans CJK preferred)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    raise FontNotFoundError(
        "no CJK font found for Chinese text (looked for Noto Sans CJK SC/JP and others); "
        "install one, e.g. apt-get install fonts-noto-cjk, then delete matplotlib's font cache"
    )


def literal(text: object) -> str:
    """``text`` as it should print: NFC, control characters gone (newlines kept), tabs as spaces."""
    s = unicodedata.normalize("NFC", str(text if text is not None else "")).replace("\t", " ").replace("\r", "")
    return _CONTROL.sub("", s)


def put(target, x: float, y: float, text: object, **kw):
    """``target.text`` (an Axes or a Figure) with the text drawn literally."""
    kw.setdefault("language", "zh-Hans")
    return target.text(x, y, literal(text), parse_math=False, **kw)


def annotate(ax, text: object, xy, **kw):
    """``ax.annotate`` with the text drawn literally."""
    return ax.annotate(literal(text), xy, parse_math=False, **kw)


def halo(width: float = 2.2, color: str = "white") -> list:
    """A white outline behind text so it reads over fills and lines."""
    return [pe.withStroke(linewidth=width, foreground=color)]


def is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def wrap(text: str, width: int = 9, max_lines: int = 3) -> str:
    """Break a label into lines: ``width`` characters for Chinese, ~2x for Latin text."""
    text = literal(text).strip()
    if is_cjk(text):
        if len(text) <= width + 2:
            return text
        n = -(-len(text) // width)
        step = -(-len(text) // n)
        lines = [text[i : i + step] for i in range(0, len(text), step)]
    else:
        lines = textwrap.wrap(text, width=width * 2 + 2, break_long_words=False) or [text]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip() + "…"
    return "\n".join(lines)


@lru_cache(maxsize=4)
def measure_renderer(dpi: float):
    """A small Agg renderer kept per dpi: text sizes measured with it are cached across figures."""
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(8, 8, dpi)
