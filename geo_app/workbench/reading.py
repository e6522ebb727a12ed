"""Read an item's name leftwards from its head word, and judge what kind of name it is.

``name_start`` walks left from the head until a boundary: the start of the clause, closing
punctuation, a governing verb or preposition (``rules.BOUNDARY_WORDS``), a role or designation
marker, or a list separator that follows a complete item. Brackets and quotation marks are
stepped over whole (中国（甘肃）知识产权保护中心, “粮改饲”青贮饲草产业带). 的 ends a name unless
what follows it is only a type (黄河上游生态保护的先行区 keeps its modifier).
"""

from __future__ import annotations

import re

from geo_app.workbench import rules

STOP = set("，。；：！？（《》\t\n“")
OPEN = {"”": "“", "）": "（", "》": "《"}
_NUMBERING = re.compile(r"^(?:\d{1,2}[.、]|[①-⑳]|（[一二三四五六七八九十\d]+）)+")


def word_ending(text: str, lo: int, i: int, words) -> str:
    """The first of ``words`` that ends at ``i`` (and starts at or after ``lo``)."""
    for w in words:
        if i - len(w) >= lo and text.startswith(w, i - len(w)):
            return w
    return ""


def head_ending(text: str, lo: int, i: int) -> str:
    """The head word ending at ``i``, if any."""
    return word_ending(text, lo, i, rules.HEAD_INFO)


def open_before(text: str, lo: int, close_at: int) -> int | None:
    """Index of the bracket or quote opening the one closed at ``close_at`` (None if unbalanced)."""
    close = text[close_at]
    opener = OPEN[close]
    depth = 0
    for j in range(close_at, lo - 1, -1):
        if text[j] == close:
            depth += 1
        elif text[j] == opener:
            depth -= 1
            if depth == 0:
                return j
    return None


def name_start(text: str, lo: int, head_start: int, head: str = "") -> tuple[int, str]:
    """Where the name whose head starts at ``head_start`` begins, and the word that stopped it."""
    i = head_start
    while i > lo:
        ch = text[i - 1]
        if ch in OPEN:
            j = open_before(text, lo, i - 1)
            if j is None:
                return i, ch
            i = j
            continue
        if (
            ch == "的"
            and head
            and generic(text[i : head_start + len(head)], head)
            and not _descriptive(text, lo, i - 1)
        ):
            i -= 1  # 黄河上游生态保护的先行区: after 的 comes only a type word
            continue
        if ch in STOP or ch == "的":
            return i, ch
        if ch == "等":
            if head_ending(text, lo, i - 1):
                return i, "等"  # "A基地、B中心等平台": the head after 等 labels the list
            i -= 1
            continue
        word = word_ending(text, lo, i, rules.ROLE_MARKERS + rules.DESIGNATION_MARKERS)
        word = word or word_ending(text, lo, i, rules.BOUNDARY_WORDS)
        if word and not (word == "为" and text.startswith("一体", i)):  # 集…为一体的: not a boundary
            return i, word
        word = word_ending(text, lo, i, rules.COORDINATORS)
        if word and head_ending(text, lo, i - len(word)):
            return i, word
        i -= 1
    return lo, ""


def _descriptive(text: str, lo: int, i: int) -> bool:
    """True when the 的-phrase ending at ``i`` says what something has (具有中试能力的) or frames
    it (以技术创新中心为主的): then it is not part of the name."""
    start = max(text.rfind(c, lo, i) for c in "，；：、") + 1
    phrase = text[max(lo, start) : i]
    return bool(rules.DESCRIPTIVE.search(phrase) or re.search(r"为(?:主|重点|核心|龙头|引领|依托|支撑)$", phrase))


def strip_leading(name: str) -> tuple[str, int]:
    """Drop list numbers and verbs that lead a name (1.…, 培育…); returns the name and chars dropped."""
    m = _NUMBERING.match(name)
    dropped = m.end() if m else 0
    name = name[dropped:]
    changed = True
    while changed:
        changed = False
        for w in rules.LEADING_VERBS + rules.COORDINATORS + rules.QUANTIFIERS:
            if name.startswith(w) and len(name) > len(w) + 2:
                name, dropped, changed = name[len(w) :], dropped + len(w), True
    return name, dropped


def head_follows_ok(text: str, head: str, start: int, end: int, clause_end: int) -> bool:
    """False when the head is part of a longer word (基地城市, 园区企业, 扩大市场) or a modifier."""
    rest = text[end:clause_end]
    if any(rest.startswith(w) for w in rules.HEAD_CONTINUES):
        return False
    if head.startswith("大") and text[start - 1 : start] in rules.BIG_VERBS:
        return False
    if head == "湿地":  # mostly a modifier (湿地资源, 湿地保护): an item only at the end of a phrase
        return not rest or rest[0] in "，。；、和与及等" or rest.startswith(("打造", "建设", "作为"))
    if head == "产业":  # an industry is a place only in the anchored forms (draft._anchored_industry)
        return not rest or rest[0] in "，。；、“" or rest.startswith(("发展", "为", "等"))
    return True


def generic(name: str, head: str) -> bool:
    """True when the name says only what kind of thing it is (省级农业科技园区, 技术研发平台)."""
    body = name[: len(name) - len(head)] if name.endswith(head) else name
    body = re.sub(r"[“”、和与及的（）]", "", body)
    body = re.sub(r"^[\u4e00-\u9fff]{1,3}型(?=.)", "", body)  # 节水型工业园区: a kind of park
    body = re.sub(r"(?:[1-5]A|A{2,5})级(?:以上)?", "", body)  # 国家5A级景区: a grade
    for g in rules.GRADE_WORDS:
        if body.startswith(g):
            body = body[len(g) :]
            break
    while body:
        word = next((w for w in rules.GENERIC_WORDS if body.startswith(w)), "")
        if not word:
            return False
        body = body[len(word) :]
    return True


def modifier(name: str, head: str) -> str:
    """The specific part of a name: no head, no trailing generic words (清洁能源产业基地 -> 清洁能源)."""
    body = name[: len(name) - len(head)] if name.endswith(head) else name
    changed = True
    while changed:
        changed = False
        for w in rules.GENERIC_WORDS:
            if body.endswith(w) and len(body) > len(w):
                body, changed = body[: -len(w)], True
    return body


def in_quotes(text: str, lo: int, pos: int) -> bool:
    """True when ``pos`` lies inside “…” counted from ``lo``."""
    return text.count("“", lo, pos) > text.count("”", lo, pos)


def list_kind(name: str, head: str) -> str:
    """How a name holding a list reads: 'one' item, 'types' (a list of kinds) or 'none' (no list).

    With 等 the list is examples of one item (玉米、马铃薯、花卉、蔬菜等优质种子生产基地) unless what
    follows 等 is only a type. Without 等 a list of short modifiers shares one head (制氢、储氢、运氢、
    用氢和装备制造示范园); a list whose last element is a type or whose elements are long is a list
    of kinds of things (科研机构、技术转移示范机构、众创空间、孵化器).
    """
    if not re.search(r"、|和|与|及", name):
        return "none"
    if "等" in name:
        return "types" if generic(name.rsplit("等", 1)[1], head) else "one"
    parts = re.split(r"、|以及|和|与|及", name)
    if "、" not in name:  # 国家级和省级重点实验室: types; 酸水解酪蛋白中试和成果转化基地: one
        return "types" if all(generic(p, head) for p in parts) else "one"
    if generic(parts[-1], head) or any(len(p) > 4 for p in parts[:-1]):
        return "types"
    return "one"
