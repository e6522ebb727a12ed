"""Normalise a plan text for the rules, keeping a map back to the original for verbatim quotes.

What changes (and why):

- full-width letters and digits become ASCII, ASCII punctuation becomes the Chinese full-width
  form (，；：（）！？), so one rule reads ``2025年`` and ``（一）`` however the file was typed;
- traditional characters become simplified ones (産业带 -> 产业带), one character for one, with
  OpenCC's t2s table when the ``opencc`` package is installed (republished texts mix the forms);
- a line break inside a sentence (a page break, a hard wrap) is removed, so a name split over
  two lines is one name again; paragraph breaks stay as ``\\n``;
- page furniture is dropped: page-number lines (``- 12 -``, ``第3页``), the header or footer
  line repeated at page edges of a PDF, Markdown ``#`` and ``**`` markers;
- whitespace inside a line is dropped (kept as one space between two ASCII letters/digits).

Every character of the normalised text records its index in the original, so a span found
by the rules maps back to a substring of the original: the quote is always verbatim (the
catalog check compares quotes ignoring whitespace only).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－_]\s*\d{1,4}\s*[-—–－_]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$",
    re.IGNORECASE,
)
_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇]+[章节篇部分]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）"
    r"|专栏|重点工程|\d{1,2}[.．、](?!\d)|[①-⑳]|附[件表录]|目\s*录)"
)
#: A line ending in one of these ends its sentence; any other line break is a wrap.
_TERMINAL = "。！？；：…"
_PUNCT = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
#: A line shorter than this (and than a full line) without closing punctuation is taken for a
#: heading, not a wrap (a numbered line up to twice as long).
HEADING_MAX = 24


@cache
def _t2s():
    try:
        import opencc
    except ImportError:  # optional: without it traditional characters stay as they are
        return None
    return opencc.OpenCC("t2s")


@cache
def simplified(ch: str) -> str:
    """The simplified form of one CJK character (itself when there is none or OpenCC is absent)."""
    converter = _t2s()
    if converter is None or not "\u3400" <= ch <= "\u9fff":
        return ch
    out = converter.convert(ch)
    return out if len(out) == 1 else ch


def fold_char(ch: str) -> str:
    """Full-width ASCII -> ASCII (letters, digits), ASCII punctuation -> Chinese full-width,
    traditional -> simplified."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        ch = chr(code - 0xFEE0)
    elif ch in "\u3000\u00a0":
        return " "
    elif code >= 0x3400:
        return simplified(ch)
    return _PUNCT.get(ch, ch)


@dataclass(frozen=True)
class Normalized:
    """Normalised text with, for each of its characters, the index in ``original``."""

    text: str
    original: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original (start, end) covering normalised ``text[start:end]``."""
        if end <= start:
            raise ValueError("empty span")
        return self.offsets[start], self.offsets[end - 1] + 1

    def quote(self, start: int, end: int) -> str:
        """The original text behind ``text[start:end]``, verbatim but for whitespace."""
        a, b = self.original_span(start, end)
        return tidy_whitespace(self.original[a:b])


def tidy_whitespace(text: str) -> str:
    """Drop whitespace except one space between two ASCII letters or digits."""
    return re.sub(r"\s+", lambda m: " " if _ascii_pair(text, m.start(), m.end()) else "", text).strip()


def _ascii_pair(text: str, start: int, end: int) -> bool:
    before = text[start - 1 : start]
    after = text[end : end + 1]
    return bool(before and after and before.isascii() and after.isascii() and before.isalnum() and after.isalnum())


def _lines(original: str) -> list[tuple[int, str, int]]:
    """(start offset, line text, page number) for every line; pages split at form feeds."""
    out: list[tuple[int, str, int]] = []
    pos = 0
    for page_no, page in enumerate(original.split("\f")):
        for line in page.split("\n"):
            out.append((pos, line, page_no))
            pos += len(line) + 1
    return out


def _furniture(lines: list[tuple[int, str, int]]) -> set[int]:
    """Indices of page-number lines and of headers/footers repeated at PDF page edges."""
    drop = {i for i, (_, line, _) in enumerate(lines) if _PAGE_NUMBER.match(line)}
    pages: dict[int, list[int]] = {}
    for i, (_, line, page) in enumerate(lines):
        if line.strip() and i not in drop:
            pages.setdefault(page, []).append(i)
    if len(pages) < 3:
        return drop
    edges = [i for idx in pages.values() for i in {idx[0], idx[-1]}]
    counts = Counter(re.sub(r"\d+", "#", lines[i][1].strip()) for i in edges)
    for i in edges:
        key = re.sub(r"\d+", "#", lines[i][1].strip())
        if counts[key] >= max(3, len(pages) // 2) and len(key) <= 40 and not re.search("[，。；]", key):
            drop.add(i)
    return drop


def _strip_markup(line: str) -> list[tuple[int, str]]:
    """(index in line, char) without Markdown heading hashes and ** emphasis."""
    start = len(line) - len(line.lstrip())
    if line[start : start + 1] == "#":
        start += len(line[start:]) - len(line[start:].lstrip("#"))
    elif re.match(r"[-*+]\s", line[start : start + 2]):  # a Markdown list item
        start += 2
    chars: list[tuple[int, str]] = []
    i = start
    while i < len(line):
        if line.startswith("**", i):
            i += 2
            continue
        chars.append((i, line[i]))
        i += 1
    return chars


def _fold_line(chars: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Fold widths and drop whitespace (one space kept between ASCII letters/digits; tabs kept)."""
    out: list[tuple[int, str]] = []
    folded = [(i, fold_char(c)) for i, c in chars]
    for k, (i, c) in enumerate(folded):
        if c == "\t":
            if out and out[-1][1] != "\t":
                out.append((i, c))
            continue
        if c.isspace():
            before = out[-1][1] if out else ""
            after = next((d for _, d in folded[k + 1 :] if not d.isspace()), "")
            if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() and out[-1][1] != " ":
                out.append((i, " "))
            continue
        out.append((i, c))
    return out


def _is_heading(text: str, full: int) -> bool:
    """A numbered short line (一、 （二） 专栏 1.), or a line shorter than a full wrapped line
    (``full`` characters) that does not end inside a clause (，、)."""
    if text[-1:] in "，、":
        return False
    if _HEADING.match(text):
        return len(text) <= 2 * HEADING_MAX
    return len(text) < min(full, HEADING_MAX) and text[-1:] not in _TERMINAL


def _joins(prev: str, nxt: str, full: int) -> bool:
    """True when the break between two non-empty lines is a wrap inside a sentence."""
    if "\t" in prev or "\t" in nxt or _is_heading(prev, full):
        return False
    if prev[-1] in _TERMINAL or prev.endswith(("。”", "。）")):
        return False
    return not _HEADING.match(nxt)


def _full_line(lines: list[tuple[int, str, int]], drop: set[int]) -> int:
    """Length of a full line of a hard-wrapped text (85 % of the 75th percentile of line lengths)."""
    sizes = sorted(
        len(re.sub(r"\s", "", line)) for i, (_, line, _) in enumerate(lines) if i not in drop and line.strip()
    )
    if not sizes:
        return HEADING_MAX
    return max(4, int(0.85 * sizes[(3 * len(sizes)) // 4 - (1 if len(sizes) % 4 == 0 else 0)]))


def normalize(original: str) -> Normalized:
    """The normalised text of ``original`` with its offset map (see the module docstring)."""
    lines = _lines(original)
    drop = _furniture(lines)
    full = _full_line(lines, drop)
    text: list[str] = []
    offsets: list[int] = []
    prev = ""
    for idx, (start, line, _) in enumerate(lines):
        if idx in drop:
            continue
        chars = _fold_line([(start + i, c) for i, c in _strip_markup(line)])
        while chars and chars[-1][1] in " \t":
            chars.pop()
        while chars and chars[0][1] in " \t":
            chars.pop(0)
        if not chars:
            continue
        body = "".join(c for _, c in chars)
        joined = bool(prev) and _joins(prev, body, full)
        if prev and not joined:
            text.append("\n")
            offsets.append(start - 1)
        text.extend(c for _, c in chars)
        offsets.extend(i for i, _ in chars)
        prev = prev + body if joined else body
    return Normalized(text="".join(text), original=original, offsets=tuple(offsets))
