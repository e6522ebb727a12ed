"""Hostile text through every output context: nothing becomes markup, script, a link or a formula."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from geo_app.csp import add_csp, policy, script_hashes
from geo_app.escaping import (
    csv_cell,
    csv_safe_frame,
    html_attr,
    html_text,
    json_for_script,
    plain_markdown,
    strip_controls,
)

HOSTILE = [
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    "<!-- <script>",
    "a\u2028b\u2029c",
    "&lt;already&gt; &amp;",
    "临夏<b>州</b>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_html_text_and_attr_leave_no_markup(text):
    for out in (html_text(text), html_attr(text)):
        assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
        assert html.unescape(out) == text  # the reader sees exactly what was typed


@pytest.mark.parametrize("text", HOSTILE)
def test_json_for_script_cannot_close_the_script_and_keeps_the_value(text):
    obj = {"title": text, "list": [text, 1, None]}
    out = json_for_script(obj)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in out
    assert json.loads(out) == obj


def test_json_for_script_refuses_nan():
    with pytest.raises(ValueError):
        json_for_script({"x": float("nan")})


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "![img](http://evil.example/x.png)",
        "<b>bold</b>",
        "**bold** _it_ `code`",
        "# heading",
        "- item",
        "$x^2$",
        ":red[alert]",
        "https://evil.example/path",
        "www.evil.example",
        "&lt;entity&gt;",
        "a\\*b",
        "1. ordered",
        "> quote",
        "| a | b |",
    ],
)
def test_plain_markdown_escapes_every_markdown_special(text):
    out = plain_markdown(text)
    # read as CommonMark does: every ASCII punctuation character comes as a backslash escape
    shown, i = [], 0
    while i < len(out):
        if out[i] == "\\":
            assert i + 1 < len(out) and _is_punct(out[i + 1]), out
            shown.append(out[i + 1])
            i += 2
        else:
            assert not _is_punct(out[i]), f"unescaped {out[i]!r} in {out!r}"
            shown.append(out[i])
            i += 1
    assert "".join(shown) == text  # what the reader sees is exactly what was typed


def _is_punct(ch: str) -> bool:
    return ch.isascii() and not ch.isalnum() and not ch.isspace() and ch.isprintable()


def test_plain_markdown_drops_controls_and_bidi_overrides():
    assert plain_markdown("evil\u202egnp.exe") == "evilgnp\\.exe"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("1e5", "1e5"),
        ("临夏州", "临夏州"),
        ("", ""),
        (-3, -3),
        (None, None),
    ],
)
def test_csv_cell_guards_formulas_only(cell, expected):
    assert csv_cell(cell) == expected


def test_csv_safe_frame_keeps_numbers_and_guards_text():
    df = pd.DataFrame({"name": ["=1+1", "ok"], "lon": [103.2, -1.0], "n": [1, 2]})
    out = csv_safe_frame(df)
    assert out["name"].tolist() == ["'=1+1", "ok"]
    assert out["lon"].tolist() == [103.2, -1.0] and out["n"].tolist() == [1, 2]
    assert df["name"].tolist() == ["=1+1", "ok"]  # the input is not changed


def test_strip_controls_keeps_text_tabs_and_newlines():
    text = "a\x00b\x07c\td\ne\x1bf\x7fg\x85h\u202ai\u202ej\u2066k\u2069l临夏"
    assert strip_controls(text) == "abc\td\nefghijkl临夏"


def test_csp_allows_exactly_the_files_scripts():
    page = "<html><head><title>t</title></head><body><script>var a = 1;</script><script>go()</script></body></html>"
    out = add_csp(page)
    hashes = script_hashes(page)
    assert len(hashes) == 2
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', out)
    assert meta and out.index(meta.group(0)) < out.index("<script>")
    content = html.unescape(meta.group(1))
    assert content == policy(hashes)
    assert "unsafe-inline" not in content.split("script-src")[1].split(";")[0]
    assert "connect-src 'none'" in content


def test_csp_is_not_added_when_a_script_has_a_source():
    page = "<html><head></head><body><script src='data:text/javascript,1'></script></body></html>"
    assert add_csp(page) == page
