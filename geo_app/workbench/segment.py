"""Cut a normalised plan text into sections, sentences and clauses (spans of the text).

Sections follow the headings plans use: 一、 (chapter), （一） (part, also inline at the start of a
paragraph: "（二）推进…。坚持…"), 专栏4-1 and 重点工程一 (boxes). A sentence ends at 。！？； or a
paragraph break; a clause ends at ， or ： as well. Tables of contents (dot leaders, trailing
page numbers) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_CHAPTER = re.compile(r"^(?:第([一二三四五六七八九十百]+)[章部分篇]|([一二三四五六七八九十]+)、)")
_PART = re.compile(r"^（([一二三四五六七八九十]+)）")
_BOX = re.compile(r"^(专栏\s*[\d一二三四五六七八九十]+(?:\s*[-－—.]\s*\d+)?|重点工程[一二三四五六七八九十\d]+)")
_TOC = re.compile(r"(?:[.·…]{3,}\s*\d+|\t\s*\d+)\s*$")
SENTENCE_END = "。！？；"
CLAUSE_END = "，：\t"
#: Chapter titles whose text reports the past: items there are existing unless a verb says otherwise.
PAST_CHAPTERS = re.compile(r"基础|成就|成效|回顾|现状|形势")


@dataclass(frozen=True)
class Sentence:
    """A sentence at ``[start, end)`` of the normalised text, with its section label."""

    start: int
    end: int
    section: str
    past: bool  # in a chapter reporting achievements (发展基础, 形势与基础 ...)
    clauses: tuple[tuple[int, int], ...]


@dataclass
class _State:
    chapter: str = ""
    chapter_title: str = ""
    part: str = ""
    box: str = ""

    def label(self) -> str:
        return self.box or (self.chapter + self.part) or "正文"

    def update(self, para: str, heading: bool) -> None:
        m = _CHAPTER.match(para)
        if m and heading:
            self.chapter = m.group(0)
            self.chapter_title, self.part, self.box = para, "", ""
            return
        m = _PART.match(para)
        if m:  # also inline: "（二）推进…。坚持…" opens part 二 of the chapter
            self.part, self.box = m.group(0), ""
        m = _BOX.match(para)
        if m and heading:
            self.box = re.sub(r"\s+", "", m.group(1)).replace("－", "-").replace("—", "-")


def _is_heading(para: str) -> bool:
    return len(para) <= 48 and para[-1:] not in SENTENCE_END


def sentences(text: str) -> Iterator[Sentence]:
    """Every sentence of the normalised ``text`` with its clauses and section label."""
    state = _State()
    pos = 0
    for para in text.split("\n"):
        start, pos = pos, pos + len(para) + 1
        if not para or _TOC.search(para):
            continue
        heading = _is_heading(para)
        state.update(para, heading)
        if heading:
            continue
        past = bool(PAST_CHAPTERS.search(state.chapter_title))
        yield from _split(text, start, start + len(para), state.label(), past)


def _split(text: str, start: int, end: int, section: str, past: bool) -> Iterator[Sentence]:
    s = start
    for i in range(start, end + 1):
        if i == end or text[i] in SENTENCE_END:
            e = min(i + 1, end)
            if text[s:e].strip(SENTENCE_END):
                yield Sentence(s, e, section, past, tuple(_clauses(text, s, e)))
            s = e


def _clauses(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    s = start
    depth = 0
    for i in range(start, end):
        ch = text[i]
        if ch in "（“《":
            depth += 1
        elif ch in "）”》":
            depth -= 1
        if (ch in CLAUSE_END and depth <= 0) or i == end - 1:
            e = i + 1
            yield s, e
            s = e
