"""The items of one sentence: heads, names, lists, quote, counties and status.

Reading order of ``items_in_sentence``:

1. head words in each clause (``rules.HEADS``), their names read leftwards (``reading``);
2. rejections: type words (省级农业科技园区), counts (四个省列园区), office platforms without a
   place, partner institutions, unanchored industries, names inside a longer name;
3. shared-head lists split (临夏县、康乐县省级农业科技园区 -> one per county);
4. quote = the item's clause plus the framing clauses before it; counties named in the item's
   own name, else in its quote outside other items' names; status = nearest status word;
5. the head-less patterns of ``patterns`` (focus areas, local products, protected features).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from geo_app.workbench import patterns, reading, rules
from geo_app.workbench.gazetteer import Gazetteer, Mention
from geo_app.workbench.model import DraftItem
from geo_app.workbench.segment import Sentence


@dataclass
class Context:
    """What the rules need besides the sentence: the text, its places, the found mentions."""

    text: str
    gazetteer: Gazetteer
    mentions: list[Mention]
    starts: list[int]
    reference_names: dict[str, str]  # name_zh -> reference id (rivers, roads, mountains)

    def mentions_in(self, a: int, b: int) -> list[Mention]:
        i = bisect_left(self.starts, a)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < b:
            if self.mentions[i].end <= b:
                out.append(self.mentions[i])
            i += 1
        return out

    def counties_in(self, a: int, b: int) -> bool:
        return any(m.place and m.place.in_region and m.place.level == "county" for m in self.mentions_in(a, b))

    def place_at(self, pos: int) -> bool:
        """True when an in-region place name (not the region's own ambiguous stem) starts at ``pos``."""
        return any(m.start == pos and m.place and m.place.in_region for m in self.mentions_in(pos, pos + 40))


@dataclass
class _Found:
    """A head match and the start of its name, before lists are split."""

    start: int
    end: int
    head: str
    stop: str  # the word that ended the name on the left
    bound: int = -1  # where that word ends


# ---------------------------------------------------------------- heads and names

_COUNT_BEFORE = re.compile(r"[一二三四五六七八九十两几]+[大个项类]$")


def _heads_in_clause(text: str, sent: Sentence, c0: int, c1: int) -> list[_Found]:
    """Head words in one clause with the start of their names (leading verbs dropped)."""
    found: list[_Found] = []
    for m in rules.HEAD_RE.finditer(text, c0, c1):
        head, hs, he = m.group(0), m.start(), m.end()
        if reading.in_quotes(text, sent.start, hs) or not reading.head_follows_ok(text, head, hs, he, c1):
            continue
        if head in rules.LABELLED_HEADS and text[hs - 1 : hs] != "”":
            continue  # a programme or a city title is an item only after a quoted label: “四个百万”工程
        if _COUNT_BEFORE.search(text, c0, hs):
            continue  # "…基地两大平台": the head counts the items before it
        start, stop = reading.name_start(text, c0, hs, head)
        _, dropped = reading.strip_leading(text[start:he])
        found.append(_Found(start + dropped, he, head, stop, start))
    # a head inside a longer name is part of it (中国（甘肃）知识产权保护中心张掖分中心)
    return [f for f in found if not any(g is not f and g.start <= f.start and f.end < g.end for g in found)]


def _anchored_industry(ctx: Context, f: _Found, c0: int) -> bool:
    """产业 is an item only when tied to places: 以临夏市为主的花卉产业, 沿黄河洮河工业产业, …沿线…产业."""
    before = ctx.text[c0 : f.start]
    own = ctx.text[f.start : f.end]
    if own.startswith("沿") or "沿线" in before or before.endswith("沿"):
        return True
    if any(n in own or n in before for n in ctx.reference_names) and "为主" in before:
        return True
    return ctx.counties_in(c0, f.start) and bool(re.search(r"为主|为重点|为核心", before))


def _local(ctx: Context, f: _Found, name: str) -> bool:
    """An institution named with a plan place or the unit word (州农科院, 临夏现代职业学院)."""
    if any(m.place is None or m.place.in_region for m in ctx.mentions_in(f.start, f.end)):
        return True
    return bool(re.match(r"[州市县区](?!场)", name))


def _accept(ctx: Context, f: _Found, c0: int, name: str) -> bool:
    """Rejections that need the sentence: see the module docstring, step 2."""
    if f.stop == "等" or len(name) <= len(f.head) or rules.COUNTED.match(name):
        return False
    if rules.COUNTED_HEAD.search(name[: len(name) - len(f.head)]):
        return False
    if f.head == "产业" and not _anchored_industry(ctx, f, c0):
        return False
    if f.head in rules.INSTITUTION_HEADS:  # built here, hosting an item (…为载体), or local
        hosts = rules.HOST_FRAME.search(ctx.text[f.end : f.end + 20])
        return bool(rules.BUILD_VERBS.search(ctx.text[c0 : f.start]) or hosts) or _local(ctx, f, name)
    if f.head in rules.SERVICE_HEADS:
        has_place = any(m.place is None or m.place.in_region for m in ctx.mentions_in(f.start, f.end))
        has_place = has_place or any(n in name for n in ctx.reference_names)
        if not has_place and (not rules.RESEARCH_WORDS.search(name) or rules.SERVICE_WORDS.search(name)):
            return False
    # 成为具有全国影响力的西部创新型城市: a role of the region, not an item
    return not (f.stop == "的" and re.search("|".join(rules.ROLE_MARKERS), ctx.text[c0 : f.start]))


def _in_list(text: str, f: _Found) -> bool:
    return text[f.end : f.end + 1] in ("、", "等") or text[f.start - 1 : f.start] == "、"


def _keep_generic(ctx: Context, f: _Found, prev: DraftItem | None) -> str | None:
    """The name to keep for a type-only name, or None: a title earned or aimed at, or an
    item sharing the previous item's subject (清洁能源产业基地及研发中心 -> 清洁能源研发中心)."""
    name = ctx.text[f.start : f.end]
    if f.stop in rules.DESIGNATION_MARKERS or f.head in rules.DESIGNATION_HEADS:
        return name
    graded = any(g in name for g in rules.GRADE_WORDS[:3])
    if f.stop in rules.TARGET_VERBS and graded and not _in_list(ctx.text, f):
        return name  # 打造国家级高新技术产业开发区
    if prev and f.stop in ("及", "和", "与", "以及") and reading.modifier(prev.name_zh, prev.head):
        return reading.modifier(prev.name_zh, prev.head) + name
    return None


# ---------------------------------------------------------------- lists


_COUNT_LABEL = re.compile(r"“[一二三四五六七八九十两几]+个([^”]*)”")
_LIST_SPLIT = re.compile(r"以及|、|和|与|及")


def _head_phrase_start(ctx: Context, start: int, name: str, last: str) -> int | None:
    """Index in ``name`` where the shared head of a list starts, or None when it is one item."""
    offset = len(name) - len(last)
    q = name.find("“", offset)
    if q > offset and "”" in name[q:]:
        return q  # 绿色蔬菜、奶牛肉牛…“四个百亿元”农业产业集群
    for g in rules.GRADE_WORDS[:3]:  # 蚕豆、乳制品省级工程技术研究中心
        k = last.find(g)
        if k > 0:
            return offset + k
    first = ctx.mentions_in(start + offset, start + len(name))
    if first and first[0].start == start + offset and first[0].end < start + len(name):
        return first[0].end - start  # 临夏县、康乐县…广河县省级农业科技园区
    return None


def _split_list(ctx: Context, f: _Found, name: str) -> list[tuple[str, int, int]] | None:
    """(name, element start, element end) per item of a shared-head list; None for a list of types."""
    one = [(name, f.start, f.end)]
    if f.head in rules.DESIGNATION_HEADS and "、" in name and "等" not in name:
        return _split_titles(f, name)  # 全国双创基地城市示范、国家知识产权试点城市
    if "等" in name or not _LIST_SPLIT.search(name):
        return None if reading.list_kind(name, f.head) == "types" else one
    parts = _LIST_SPLIT.split(name)
    k = _head_phrase_start(ctx, f.start, name, parts[-1]) if all(parts) else None
    if k is None or k <= len(name) - len(parts[-1]):
        return None if reading.list_kind(name, f.head) == "types" else one
    head = _COUNT_LABEL.sub(lambda m: "“" + m.group(1) + "”", name[k:])
    out: list[tuple[str, int, int]] = []
    pos = 0
    for part in [*parts[:-1], parts[-1][: k - (len(name) - len(parts[-1]))]]:
        at = name.find(part, pos)
        pos = at + len(part)
        out.append((part + head, f.start + at, f.start + at + len(part)))
    return out


def _split_titles(f: _Found, name: str) -> list[tuple[str, int, int]]:
    """A list of titles: every element is a whole title."""
    out, pos = [], 0
    for part in name.split("、"):
        at = name.find(part, pos)
        pos = at + len(part)
        if len(part) >= 4:
            out.append((part, f.start + at, f.start + at + len(part)))
    return out


# ---------------------------------------------------------------- quote, counties, status


def _quote_span(ctx: Context, sent: Sentence, clause_index: int, busy: set[int]) -> tuple[int, int]:
    """The item's clause plus the framing clauses before it that hold places but no items."""
    c0, c1 = sent.clauses[clause_index]
    k = clause_index
    while k > 0:
        p0, p1 = sent.clauses[k - 1]
        frame = re.match(r"(以|依托|围绕|按照|结合|推进|支持|加强|立足)", ctx.text[p0:p1])
        has_place = any(m.place for m in ctx.mentions_in(p0, p1))
        if (k - 1) in busy or not (frame or has_place):
            break
        k -= 1
        c0 = p0
    return c0, c1


_DONE = re.compile(r"完成|获批|批复|认定|成立了|建成了|已经|已")


def _status(ctx: Context, item: DraftItem, past: bool) -> str | None:
    """Nearest status word before the name in its quote, else one just after it."""
    a, b = item.name_span
    before = ctx.text[item.quote_span[0] : a]
    best, where = None, -1
    for word, status in rules.STATUS_BEFORE:
        k = before.rfind(word)
        if k > where:
            best, where = status, k
    after = ctx.text[b : item.quote_span[1]][:8]
    for word, status in rules.STATUS_AFTER:
        if after.startswith(word) or after.startswith("建设" + word):
            return status if best is None or status != "to_build" else best
    if past and (best is None or _DONE.search(ctx.text[item.quote_span[0] : item.quote_span[1]])):
        return "existing"  # a report of the past: 获批, 全面完成 …
    return best


def _places(ctx: Context, item: DraftItem, others: list[tuple[int, int]]) -> None:
    """Counties, in-region place names, ambiguous stems and outside places of an item."""
    own = ctx.mentions_in(*item.name_span)
    if any(m.place and m.place.in_region and m.place.level == "county" for m in own):
        chosen = own
    else:
        a, b = item.name_span
        chosen = [
            m
            for m in ctx.mentions_in(*item.quote_span)
            if a <= m.start < b or not any(o0 <= m.start < o1 for o0, o1 in others)
        ]
    item.counties = ctx.gazetteer.county_codes(chosen)
    item.place_names = [ctx.text[m.start : m.end] for m in chosen if m.place and m.place.in_region]
    item.ambiguous = sorted({ctx.text[m.start : m.end] for m in chosen if m.place is None})
    provinces = ctx.gazetteer.provinces
    item.outside = [
        ctx.text[m.start : m.end]
        for m in own
        if m.place and not m.place.in_region and not (m.place.level == "province" and m.place.name_zh in provinces)
    ]


# ---------------------------------------------------------------- a sentence


def _designation(ctx: Context, c0: int, f: _Found, name: str) -> tuple[str, int]:
    """甘州区被批复为国家级双创示范区 -> (甘州区国家级双创示范区, start of 甘州区)."""
    if f.stop not in rules.DESIGNATION_MARKERS:
        return name, f.start
    subject = [m for m in ctx.mentions_in(c0, f.start) if m.place and m.place.level == "county"]
    if not subject:
        return name, f.start
    m = subject[0]
    return ctx.text[m.start : m.end] + name, m.start


def _role_subject(ctx: Context, c0: int, f: _Found) -> _Found | None:
    """挖掘临夏砖雕作为…非物质文化遗产: the subject before a role marker is the item."""
    end = f.bound - len(f.stop)
    start, stop = reading.name_start(ctx.text, c0, end)
    name, dropped = reading.strip_leading(ctx.text[start:end])
    if len(name) < 2 or rules.HEAD_RE.search(name) or rules.COUNTED.match(name) or f.head in ("产业", "工程"):
        return None
    return _Found(start + dropped, end, "", stop)


def _raw_items(ctx: Context, sent: Sentence) -> list[tuple[int, _Found]]:
    raw: list[tuple[int, _Found]] = []
    for ci, (c0, c1) in enumerate(sent.clauses):
        for f in _heads_in_clause(ctx.text, sent, c0, c1):
            if f.stop in rules.ROLE_MARKERS:
                subject = _role_subject(ctx, c0, f)
                if subject:
                    subject.head = "=" + f.head  # the role's head gives the category
                    raw.append((ci, subject))
            elif _accept(ctx, f, c0, ctx.text[f.start : f.end]):
                raw.append((ci, f))
    return raw


def _make(ctx: Context, sent: Sentence, f: _Found, name: str, span, quote_span, category: str) -> DraftItem:
    head = f.head.lstrip("=")
    role = f.head.startswith("=")
    if category != "county_designation":
        category = rules.refine_category(name, head, category)
    return DraftItem(name, "" if role else head, category, rules.site_like(category), span, quote_span, sent.section)


def items_in_sentence(ctx: Context, sent: Sentence, topic: str = "") -> list[DraftItem]:
    """Every item the rules find in one sentence (``topic``: the paragraph's lead sentence)."""
    raw = _raw_items(ctx, sent)
    busy = {ci for ci, _ in raw}
    spans = [(f.start, f.end) for _, f in raw]
    out: list[DraftItem] = []
    prev: DraftItem | None = None
    for ci, f in raw:
        c0 = sent.clauses[ci][0]
        name = ctx.text[f.start : f.end]
        local = f.head in rules.INSTITUTION_HEADS and _local(ctx, f, name)
        if not f.head.startswith("=") and not local and reading.generic(name, f.head):
            name = _keep_generic(ctx, f, prev)
            if name is None:
                continue
        name, subject_start = _designation(ctx, c0, f, name)
        category = rules.HEAD_INFO[f.head.lstrip("=")][0]
        if subject_start != f.start or (f.head in rules.DESIGNATION_HEADS and ctx.counties_in(f.start, f.end)):
            category = "county_designation"
        parts = _split_list(ctx, f, name) if subject_start == f.start else [(name, f.start, f.end)]
        for part, a, b in parts or []:
            span = (a, b) if (a, b) != (f.start, f.end) else (subject_start, f.end)
            item = _make(ctx, sent, f, part, span, _quote_span(ctx, sent, ci, busy - {ci}), category)
            _places(ctx, item, [s for s in spans if s != (f.start, f.end)])
            item.status = _status(ctx, item, sent.past)
            if f.stop in rules.DESIGNATION_MARKERS:  # 被批复为: it has the title; 申报为: it applies
                item.status = "to_upgrade" if f.stop == "申报为" else "existing"
            out.append(item)
            prev = item
    out.extend(_pattern_items(ctx, sent, topic, out))
    return out


def _pattern_items(ctx: Context, sent: Sentence, topic: str, found: list[DraftItem]) -> list[DraftItem]:
    """Items of the head-less patterns, where they do not repeat an item already found."""
    text, a, b = ctx.text, sent.start, sent.end
    hits = patterns.quoted_products(text, a, b, ctx.place_at)
    hits += patterns.counted_lists(text, a, b)
    counties = [m for m in ctx.mentions_in(a, b) if m.place and m.place.in_region and m.place.level == "county"]
    hits += patterns.towns(text, a, b, [m.end for m in counties])
    hits += patterns.protected_features(text, a, b, [n for n in ctx.reference_names if len(n) >= 2])
    if not found:
        hits += patterns.focus_areas(text, a, b, topic, ctx.counties_in)
    out: list[DraftItem] = []
    for name, span, category, quote_span in hits:
        if any(it.name_span[0] <= span[0] < it.name_span[1] for it in found + out):
            continue
        item = DraftItem(name, "", category, rules.site_like(category), span, quote_span, sent.section)
        _places(ctx, item, [])
        item.status = _status(ctx, item, sent.past)
        out.append(item)
    return out
