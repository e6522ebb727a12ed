"""The plan text beside the review: where a quote sits, the text around it, and items the draft missed.

Quotes are matched as ``check`` matches them: whitespace ignored. ``quote_span`` finds a quote's
characters in the original text (line breaks inside it included), ``around`` cuts the text
around it for display, ``find_phrase`` lists where a few typed characters occur (the reviewer
"selects" text by typing part of it and choosing an occurrence), ``sentence_at`` widens an
occurrence to its sentence, and ``propose`` turns a quote into a draft feature with the same
rules the draft uses (name, category, counties, status, location).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from geo_app.catalog import normalise
from geo_app.workbench import catalog_writer, naming
from geo_app.workbench.document import CatalogDoc
from geo_app.workbench.normalize import tidy_whitespace

SENTENCE_END = "。！？；\n"
MAX_MATCHES = 20


@lru_cache(maxsize=8)
def _index(text: str) -> tuple[str, tuple[int, ...]]:
    """The text without whitespace and, per character, its index in ``text``."""
    pos = tuple(i for i, ch in enumerate(text) if not ch.isspace())
    return "".join(text[i] for i in pos), pos


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of ``quote`` in ``text``, whitespace ignored; None when it is not there."""
    flat, pos = _index(text)
    q = normalise(quote)
    k = flat.find(q) if q else -1
    if k < 0:
        return None
    return pos[k], pos[k + len(q) - 1] + 1


def find_phrase(text: str, phrase: str, limit: int = MAX_MATCHES) -> list[tuple[int, int]]:
    """Where ``phrase`` occurs in ``text`` (whitespace ignored), at most ``limit`` spans."""
    flat, pos = _index(text)
    q = normalise(phrase)
    out: list[tuple[int, int]] = []
    k = flat.find(q) if q else -1
    while k >= 0 and len(out) < limit:
        out.append((pos[k], pos[k + len(q) - 1] + 1))
        k = flat.find(q, k + 1)
    return out


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]`` (to the nearest 。！？； or line break each side)."""
    a = max((text.rfind(ch, 0, start) for ch in SENTENCE_END), default=-1) + 1
    ends = [k for k in (text.find(ch, end) for ch in SENTENCE_END) if k >= 0]
    b = min(ends) + 1 if ends else len(text)
    while a < start and text[a].isspace():
        a += 1
    return a, max(b if text[b - 1 : b] != "\n" else b - 1, end)


@dataclass(frozen=True)
class Around:
    """The text before a quote, the quote as written, and the text after it."""

    before: str
    quote: str
    after: str


def around(text: str, span: tuple[int, int], before: int = 70, after: int = 150) -> Around:
    """Up to ``before``/``after`` characters either side of ``span``, from the start of the quote's
    paragraph when that is near (a reader sees the sentence, not the previous chapter)."""
    a, b = span
    lo = max(0, a - before)
    nl = text.rfind("\n", lo, a)
    lo = nl + 1 if nl >= 0 and a - nl > 12 else lo
    hi = min(len(text), b + after)
    nl = text.find("\n\n", b, hi)
    hi = nl if nl >= 0 else hi
    return Around(("…" if lo > 0 else "") + text[lo:a], text[a:b], text[b:hi] + ("…" if hi < len(text) else ""))


def plain(text: str) -> str:
    """Plan text for reading: markdown marks (``**``, ``#`` headings) dropped, blank lines folded."""
    text = re.sub(r"\*\*|^#+\s*", "", text, flags=re.M)
    return re.sub(r"\n\s*\n+", "\n", text)


@lru_cache(maxsize=4)
def _sections(text: str) -> tuple[tuple[int, str], ...]:
    """(original start, section label) of every sentence, as the draft labels them."""
    from geo_app.workbench.normalize import normalize
    from geo_app.workbench.segment import sentences

    norm = normalize(text)
    return tuple((norm.original_span(s.start, s.end)[0], s.section) for s in sentences(norm.text) if s.end > s.start)


def section_at(text: str, pos: int) -> str:
    """The section label (专栏4-1, 三、（二）, 正文) of the sentence at ``pos``."""
    label = "正文"
    for start, section in _sections(text):
        if start > pos:
            break
        label = section
    return label


def new_id(doc: CatalogDoc, name_zh: str, taken: set[str] = frozenset()) -> str:
    """A fresh feature id ``<plan>-<pinyin of the name>`` unused in the file and in ``taken``."""
    base = f"{doc.plan_id}-{naming.slug(name_zh)}"
    used = set(doc.ids()) | set(taken)
    fid, n = base, 2
    while fid in used:
        fid, n = f"{base}-{n}", n + 1
    return fid


def propose(doc: CatalogDoc, text: str, quote: str, name_zh: str = "", taken: set[str] = frozenset()) -> dict:
    """A draft feature for ``quote`` (verbatim plan text): the draft rules read the quote; the
    item named ``name_zh`` (or the first one found) gives category, counties, status and place."""
    from geo_app.workbench.draft import draft_plan

    span = quote_span(text, quote)
    if span is None:
        raise ValueError("quote not in the plan text")
    quote = tidy_whitespace(text[span[0] : span[1]])  # the text's own characters, as the draft quotes
    regions = [str(r) for r in doc.header.get("regions") or []]
    items = draft_plan(quote, regions, doc.plan_id).items
    name_zh = name_zh.strip()
    item = next((i for i in items if name_zh and i.name_zh == name_zh), None) or (items[0] if items else None)
    if item is None:
        feature = _plain(quote, name_zh or quote[:24], doc)
    else:
        feature = catalog_writer.feature_dict(item)
        if name_zh and name_zh != item.name_zh:
            feature["name_zh"] = name_zh
    feature.update(quote=quote, section=section_at(text, span[0]), review="draft")
    feature["id"] = new_id(doc, feature["name_zh"], taken)
    return feature


def _plain(quote: str, name_zh: str, doc: CatalogDoc) -> dict:
    """A region-wide draft when the rules find no item in the quote: the reviewer places it."""
    return {
        "id": "", "name_zh": name_zh, "name_en": naming.slug(name_zh).replace("-", " ").title(),
        "category": _category(name_zh, doc), "section": "", "quote": quote, "counties": [], "location": "region_wide",
        "note_en": "Added by a reviewer from the plan text; place it on the map.",
        "note_zh": "审核时从规划原文补充；请在地图上确定位置。",
    }  # fmt: skip


def _category(name_zh: str, doc: CatalogDoc) -> str:
    """The category of the longest head word the name ends with, else the plan's most common one."""
    from geo_app.workbench import rules

    for head, category, _ in sorted(rules.HEADS, key=lambda h: -len(h[0])):
        if name_zh.endswith(head):
            return rules.refine_category(name_zh, head, category)
    cats = [str(f.get("category")) for f in doc.features if f.get("category")]
    return Counter(cats).most_common(1)[0][0] if cats else rules.HEADS[0][1]
