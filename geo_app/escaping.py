"""One escaping helper per output context, so no user or catalog text ever runs as markup or script.

Text reaches the outside world in a few contexts, each with its own rule:

- ``html_text``: element content (``<div>{here}</div>``);
- ``html_attr``: a quoted attribute value (``title="{here}"``);
- ``json_for_script``: a JSON literal inside ``<script>`` (``</script>``, ``<!--``, U+2028/2029 made inert);
- ``plain_markdown``: text shown literally by Streamlit's Markdown (no links, images, HTML, math);
- ``csv_cell``: a spreadsheet cell that must not start a formula (CSV/formula injection);
- ``strip_controls``: names and titles without control characters or bidi overrides, which can
  hide or reorder what a reader sees.

Call the helper of the context at the point the text is written, not earlier: escaping twice
shows ``&amp;lt;`` and escaping for the wrong context protects nothing.

Template syntax: folium/branca compile the output of every element's macros again as a Jinja
template, so ``{{ … }}``, ``{% … %}`` or ``{# … #}`` in a name would run on the server. The HTML
helpers therefore also write braces as entities and ``json_for_script`` escapes a brace that
would open a Jinja tag; ``web.elements.LiteralHtml`` adds our own HTML without compiling it.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pandas as pd

#: C0 controls except tab and newline, DEL, C1 controls, and the bidi embeddings/overrides/isolates.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Every ASCII punctuation character: CommonMark lets each be backslash-escaped to a literal.
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_JSON_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
    "{": "\\u007b",  # only where it would open a Jinja tag: ``{{`` ``{%`` ``{#`` (never JSON syntax)
}
_HTML_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})
_JSON_UNSAFE_RE = re.compile("[<>&\u2028\u2029]|\\{(?=[{%#])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def strip_controls(s: Any) -> str:
    """``s`` as text without C0/C1 control characters (tab and newline kept) and without the
    bidi overrides U+202A-U+202E and isolates U+2066-U+2069 (they reorder what a reader sees)."""
    return _CONTROLS.sub("", str(s))


def html_text(s: Any) -> str:
    """``s`` safe as HTML element content: ``& < >``, both quotes and braces become entities."""
    return html.escape(str(s), quote=True).translate(_HTML_BRACES)


def html_attr(s: Any) -> str:
    """``s`` safe inside a double- or single-quoted HTML attribute value.

    Never put text into an unquoted attribute, or into an event-handler, ``href``, ``src`` or
    ``style`` attribute: those need a URL or JS policy, not escaping.
    """
    return html.escape(str(s), quote=True).translate(_HTML_BRACES)


def json_for_script(obj: Any) -> str:
    """``obj`` as a JSON literal that is safe inside an HTML ``<script>`` block.

    ``json.dumps`` alone is not: a string holding ``</script>`` ends the block, ``<!--`` changes
    how the block is parsed, and U+2028/U+2029 end a line in older JS engines. The characters
    ``< > &`` U+2028 U+2029 only occur inside JSON strings, so replacing them with ``\\uXXXX``
    escapes keeps the same value; so does a ``{`` followed by ``{ % #`` (a Jinja tag; JSON's own
    braces are followed by a quote or ``}``). NaN and infinities are refused (they are not JSON).
    """
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    return _JSON_UNSAFE_RE.sub(lambda m: _JSON_UNSAFE[m.group(0)], text)


def plain_markdown(s: Any) -> str:
    """``s`` shown literally by Streamlit's ``st.markdown``/``st.warning``/``st.info``.

    Every ASCII punctuation character is backslash-escaped (CommonMark renders ``\\X`` as ``X``),
    so no emphasis, heading, list, link, image, autolink, inline HTML, entity, ``$`` math or
    ``:color[...]`` directive can form; controls and bidi overrides are removed first.
    """
    return _MD_PUNCT.sub(r"\\\1", strip_controls(s))


def csv_cell(value: Any) -> Any:
    """A cell value that a spreadsheet will not evaluate as a formula.

    Text starting with ``= + - @``, a tab or a carriage return gets a leading ``'`` (the OWASP
    rule); plain numbers written as text ("-12.5") and non-text values are left as they are.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def csv_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with ``csv_cell`` applied to every text cell (numbers stay numbers)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(csv_cell)
    return out
