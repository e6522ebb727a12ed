"""Propose the place-bound items of a plan text, each with a verbatim quote.

The rules, in reading order (word lists in ``rules``):

1. Cut the normalised text into sentences and clauses (``segment``).
2. In each clause find the *head words* of items (产业带, 开发区, 基地, 中心 …).
3. Read the name leftwards from the head to the nearest boundary (``_name_start``).
4. Split shared-head lists: 临夏县、康乐县省级农业科技园区 -> one item per county; 蚕豆、乳制品省级
   工程技术研究中心 -> one per element; “四个百亿元” labels likewise. A list with 等 is one item.
5. Drop type words (省级农业科技园区 alone, 创新创业服务平台) and office platforms without a place.
6. Quote: the item's clause, with the framing clauses before it (以甘州区、民乐县为重点区域，建设…).
7. Counties: the plan counties named in the item's own name, else in its quote outside other
   items' names (``gazetteer``). Status: the nearest status word (``rules.STATUS_*``).
8. Merge repeated mentions of one item; locate each (``locate``); give ids and English names.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from geo_app.workbench import rules
from geo_app.workbench.gazetteer import Gazetteer, Mention, build_gazetteer
from geo_app.workbench.normalize import Normalized, normalize
from geo_app.workbench.segment import Sentence, sentences

_STOP = set("，。；：！？（《》\t\n")
_OPEN = {"”": "“", "）": "（", "》": "《"}


@dataclass
class DraftItem:
    """One proposed item. Spans are in the normalised text; ``quote`` is verbatim original text."""

    name_zh: str
    head: str
    category: str
    site_like: bool
    name_span: tuple[int, int]
    quote_span: tuple[int, int]
    section: str
    counties: list[int] = field(default_factory=list)
    status: str | None = None
    quote: str = ""
    place_names: list[str] = field(default_factory=list)  # in-region places named (for notes)
    ambiguous: list[str] = field(default_factory=list)  # stems like 临夏 that name several units
    outside: list[str] = field(default_factory=list)  # places outside the plan region named in the name
    mentions_elsewhere: int = 0  # other sentences naming the same item (merged)
    # filled by locate / naming
    id: str = ""
    name_en: str = ""
    location: str = ""
    geometry: dict | None = None
    location_source: str | None = None
    location_source_zh: str | None = None
    outside_region: bool = False
    note_en: str | None = None
    note_zh: str | None = None


@dataclass
class Context:
    """What the rules need besides the sentence: the text, its places, the found mentions."""

    text: str
    gazetteer: Gazetteer
    mentions: list[Mention]
    starts: list[int]
    reference_names: dict[str, str]  # name_zh -> reference id

    def mentions_in(self, a: int, b: int) -> list[Mention]:
        i = bisect_left(self.starts, a)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < b:
            if self.mentions[i].end <= b:
                out.append(self.mentions[i])
            i += 1
        return out


# ---------------------------------------------------------------- reading a name


def _word_ending(text: str, lo: int, i: int, words) -> str:
    """The first of ``words`` that ends at ``i`` (and starts at or after ``lo``)."""
    for w in words:
        if i - len(w) >= lo and text.startswith(w, i - len(w)):
            return w
    return ""


def _head_ending(text: str, lo: int, i: int) -> str:
    return _word_ending(text, lo, i, rules.HEAD_INFO)


def _open_before(text: str, lo: int, close_at: int) -> int | None:
    """Index of the bracket or quote opening the one closed at ``close_at`` (None if unbalanced)."""
    close = text[close_at]
    opener = _OPEN[close]
    depth = 0
    for j in range(close_at, lo - 1, -1):
        if text[j] == close:
            depth += 1
        elif text[j] == opener:
            depth -= 1
            if depth == 0:
                return j
    return None


def _name_start(text: str, lo: int, head_start: int) -> tuple[int, str]:
    """Where the name ending in the head at ``head_start`` begins, and the word that stopped it."""
    i = head_start
    while i > lo:
        ch = text[i - 1]
        if ch in _OPEN:
            j = _open_before(text, lo, i - 1)
            if j is None:
                return i, ch
            i = j
            continue
        if ch in _STOP or ch in "“的":
            return i, ch
        if ch == "等":
            if _head_ending(text, lo, i - 1):
                return i, "等"  # "A基地、B中心等平台": the head after 等 is a type label
            i -= 1
            continue
        word = _word_ending(text, lo, i, rules.ROLE_MARKERS + rules.DESIGNATION_MARKERS)
        word = word or _word_ending(text, lo, i, rules.BOUNDARY_WORDS)
        if word:
            return i, word
        word = _word_ending(text, lo, i, rules.COORDINATORS)
        if word and _head_ending(text, lo, i - len(word)):
            return i, word
        i -= 1
    return lo, ""


def _strip_leading(name: str) -> tuple[str, int]:
    """Drop verbs that lead a name (培育…, 发展…); returns the name and the characters dropped."""
    dropped = 0
    changed = True
    while changed:
        changed = False
        for w in rules.LEADING_VERBS + tuple(rules.COORDINATORS):
            if name.startswith(w) and len(name) > len(w) + 2:
                name, dropped, changed = name[len(w) :], dropped + len(w), True
    return name, dropped


def _head_follows_ok(text: str, head: str, end: int, clause_end: int) -> bool:
    """False when the head continues into a longer word (基地城市, 园区企业, 中心城区)."""
    rest = text[end:clause_end]
    if any(rest.startswith(w) for w in rules.HEAD_CONTINUES):
        return False
    if head == "湿地":  # 湿地 is mostly a modifier (湿地资源, 湿地保护): only at the end of a phrase
        return not rest or rest[0] in "，。；、和与及等" or rest.startswith(("打造", "建设", "作为"))
    if head == "产业":  # an industry is a place only in the anchored forms (see accept_head)
        return not rest or rest[0] in "，。；、“" or rest.startswith(("发展", "为", "等"))
    return True


def _generic(name: str, head: str) -> bool:
    """True when the name says only what kind of thing it is (省级农业科技园区, 技术研发平台)."""
    body = name[: len(name) - len(head)]
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


def _modifier(name: str, head: str) -> str:
    """The specific part of a name: without its head and trailing generic words (清洁能源产业基地 -> 清洁能源)."""
    body = name[: len(name) - len(head)]
    changed = True
    while changed:
        changed = False
        for w in rules.GENERIC_WORDS:
            if body.endswith(w) and len(body) > len(w):
                body, changed = body[: -len(w)], True
    return body


# ---------------------------------------------------------------- one clause


@dataclass
class _Found:
    """A head match and its name, before lists are split."""

    start: int
    end: int
    head: str
    stop: str


def _in_quotes(text: str, lo: int, pos: int) -> bool:
    return text.count("“", lo, pos) > text.count("”", lo, pos)


def _heads_in_clause(text: str, sent: Sentence, c0: int, c1: int) -> list[_Found]:
    """Head words in one clause with the start of their names."""
    found: list[_Found] = []
    for m in rules.HEAD_RE.finditer(text, c0, c1):
        head, hs, he = m.group(0), m.start(), m.end()
        if _in_quotes(text, sent.start, hs) or not _head_follows_ok(text, head, he, c1):
            continue
        if head == "工程" and text[hs - 1 : hs] != "”":
            continue
        start, stop = _name_start(text, c0, hs)
        found.append(_Found(start, he, head, stop))
    return found


def _anchored_industry(text: str, ctx: Context, f: _Found, c0: int) -> bool:
    """产业 is an item only when the clause ties it to places: 以临夏市为主的花卉产业, 沿黄河…产业."""
    before = text[c0 : f.start]
    name = text[f.start : f.end]
    if name.startswith("沿") or "沿线" in before or "沿" in before:
        return True
    if any(n in text[c0 : f.end] for n in ctx.reference_names):
        return True
    places = [m for m in ctx.mentions_in(c0, f.start) if m.place and m.place.in_region]
    return bool(places) and bool(re.search(r"为主|为重点|为核心", before))


# ---------------------------------------------------------------- lists


_COUNT_LABEL = re.compile(r"“[一二三四五六七八九十两几]+个([^”]*)”")
_LIST_SPLIT = re.compile(r"以及|、|和|与|及")


def _head_phrase_start(ctx: Context, name_start: int, name: str, last: str) -> int | None:
    """Index in ``name`` where the shared head of a list starts, or None when it is one item."""
    q = name.rfind("“", len(name) - len(last))
    if (q > 0 and _COUNT_LABEL.match(name[q:])) or (q > 0 and name[q:].startswith("“") and "”" in name[q:]):
        return q
    offset = len(name) - len(last)
    for g in rules.GRADE_WORDS[:3]:  # 国家级, 省级, 市级
        k = last.find(g)
        if k > 0:
            return offset + k
    mentions = ctx.mentions_in(name_start + offset, name_start + len(name))
    if mentions and mentions[0].start == name_start + offset and mentions[0].end < name_start + len(name):
        return mentions[0].end - name_start
    return None


def _split_list(ctx: Context, f: _Found, name: str) -> list[tuple[str, int, int]]:
    """(name, element start, element end) for each item a shared-head list stands for."""
    if "等" in name or not _LIST_SPLIT.search(name):
        return [(name, f.start, f.end)]
    parts = _LIST_SPLIT.split(name)
    if len(parts) < 2 or any(not p for p in parts):
        return [(name, f.start, f.end)]
    k = _head_phrase_start(ctx, f.start, name, parts[-1])
    if k is None or k <= len(name) - len(parts[-1]):
        return [(name, f.start, f.end)]
    head = _COUNT_LABEL.sub(lambda m: "“" + m.group(1) + "”", name[k:])
    out: list[tuple[str, int, int]] = []
    pos = 0
    for part in [*parts[:-1], parts[-1][: k - (len(name) - len(parts[-1]))]]:
        at = name.find(part, pos)
        pos = at + len(part)
        out.append((part + head, f.start + at, f.start + at + len(part)))
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


def _status(ctx: Context, item: DraftItem, past: bool) -> str | None:
    """Nearest status word before the name in its quote, else one just after it."""
    text = ctx.text
    a, b = item.name_span
    before = text[item.quote_span[0] : a]
    best, where = None, -1
    for word, status in rules.STATUS_BEFORE:
        k = before.rfind(word)
        if k > where:
            best, where = status, k
    after = text[item.name_span[1] if item.head else b : item.quote_span[1]][:8]
    for word, status in rules.STATUS_AFTER:
        if after.startswith(word) or after.startswith("建设" + word):
            return status if best is None or status != "to_build" else best
    if best is None and past:
        return "existing"
    return best


def _places(ctx: Context, item: DraftItem, others: list[tuple[int, int]]) -> None:
    """Counties, in-region place names, ambiguous stems and outside places of an item."""
    own = ctx.mentions_in(*item.name_span)
    if any(m.place and m.place.in_region and m.place.level == "county" for m in own):
        chosen = own
    else:
        chosen = [
            m
            for m in ctx.mentions_in(*item.quote_span)
            if not any(o0 <= m.start < o1 for o0, o1 in others) or item.name_span[0] <= m.start < item.name_span[1]
        ]
    item.counties = ctx.gazetteer.county_codes(chosen)
    item.place_names = [ctx.text[m.start : m.end] for m in chosen if m.place and m.place.in_region]
    item.ambiguous = sorted({ctx.text[m.start : m.end] for m in chosen if m.place is None})
    item.outside = [ctx.text[m.start : m.end] for m in own if m.place and not m.place.in_region]


# ---------------------------------------------------------------- a sentence


def _accept(ctx: Context, f: _Found, c0: int, name: str) -> bool:
    if f.stop == "等" or f.stop in rules.ROLE_MARKERS:
        return False
    if f.head == "产业" and not _anchored_industry(ctx.text, ctx, f, c0):
        return False
    if f.head in rules.SERVICE_HEADS:
        has_place = any(m.place or m.candidates for m in ctx.mentions_in(f.start, f.end))
        has_place = has_place or any(n in name for n in ctx.reference_names)
        if not has_place and not rules.RESEARCH_WORDS.search(name):
            return False
        if not has_place and rules.SERVICE_WORDS.search(name) and not rules.RESEARCH_WORDS.search(name):
            return False
    return len(name) > len(f.head)


def _designation(ctx: Context, sent: Sentence, c0: int, f: _Found, name: str) -> tuple[str, int]:
    """甘州区被批复为国家级双创示范区 -> (甘州区国家级双创示范区, start of 甘州区)."""
    if f.stop not in rules.DESIGNATION_MARKERS:
        return name, f.start
    subject = [m for m in ctx.mentions_in(c0, f.start) if m.place and m.place.level == "county"]
    if not subject:
        return name, f.start
    m = subject[0]
    return ctx.text[m.start : m.end] + name, m.start


def items_in_sentence(ctx: Context, sent: Sentence) -> list[DraftItem]:
    """Every item the rules find in one sentence."""
    text = ctx.text
    raw: list[tuple[int, _Found, str]] = []
    prev: DraftItem | None = None
    for ci, (c0, c1) in enumerate(sent.clauses):
        for f in _heads_in_clause(text, sent, c0, c1):
            name, dropped = _strip_leading(text[f.start : f.end])
            f.start += dropped
            if not _accept(ctx, f, c0, name):
                continue
            raw.append((ci, f, name))
    busy = {ci for ci, _, _ in raw}
    out: list[DraftItem] = []
    name_spans = [(f.start, f.end) for _, f, _ in raw]
    for ci, f, name in raw:
        c0 = sent.clauses[ci][0]
        if _generic(name, f.head):
            if prev is None or f.stop not in rules.COORDINATORS or not _modifier(prev.name_zh, prev.head):
                continue
            name = _modifier(prev.name_zh, prev.head) + name
        name, subject_start = _designation(ctx, sent, c0, f, name)
        category, site = rules.HEAD_INFO[f.head]
        if subject_start != f.start:
            category = "county_designation"
        quote_span = _quote_span(ctx, sent, ci, busy - {ci})
        for part, a, b in _split_list(ctx, f, name):
            item = DraftItem(
                name_zh=part,
                head=f.head,
                category=category
                if category == "county_designation"
                else rules.refine_category(part, f.head, category),
                site_like=site,
                name_span=(a, b) if (a, b) != (f.start, f.end) else (subject_start, f.end),
                quote_span=quote_span,
                section=sent.section,
            )
            _places(ctx, item, [s for s in name_spans if s != (f.start, f.end)])
            item.status = _status(ctx, item, sent.past)
            out.append(item)
            prev = item
    return out


# ---------------------------------------------------------------- a plan


def _key(item: DraftItem, gazetteer: Gazetteer) -> str:
    """Merge key: the name without plan-region names (甘肃临夏国家农业科技园区 ~ 临夏国家农业科技园区)."""
    name = item.name_zh
    for p in gazetteer.places:
        if (p.in_region and p.level != "county") or (p.level == "province" and p.in_region):
            for form in (p.name_zh, *_forms(p.name_zh)):
                name = name.replace(form, "")
    for stem in gazetteer.ambiguous:
        name = name.replace(stem, "")
    return re.sub(r"[“”]", "", name)


def _forms(name: str) -> tuple[str, ...]:
    from geo_app import names

    return (*names.short_forms(name), names.stem(name))


def _score(item: DraftItem, text: str) -> int:
    """Which mention of a repeated item to keep: governed by a verb, with places, not a modifier."""
    before = text[max(item.quote_span[0], item.name_span[0] - 4) : item.name_span[0]]
    score = 2 if any(w in before for w, _ in rules.STATUS_BEFORE) else 0
    score += 1 if item.counties else 0
    score -= 2 if before.endswith("以") else 0
    return score


def merge(items: list[DraftItem], gazetteer: Gazetteer, text: str) -> list[DraftItem]:
    """One item per name: the best mention is kept, the others counted in ``mentions_elsewhere``."""
    groups: dict[str, list[DraftItem]] = {}
    for item in items:
        groups.setdefault(_key(item, gazetteer), []).append(item)
    kept: list[DraftItem] = []
    for group in groups.values():
        best = max(group, key=lambda it: (_score(it, text), -it.name_span[0]))
        best.mentions_elsewhere = len({it.quote_span for it in group}) - 1
        kept.append(best)
    return sorted(kept, key=lambda it: it.name_span[0])


@dataclass
class Draft:
    """The draft of a plan: its items and what was read to find them."""

    items: list[DraftItem]
    normalized: Normalized
    gazetteer: Gazetteer


def reference_names() -> dict[str, str]:
    """Names of the reference features (rivers, roads, mountains) -> their ids."""
    from geo_app.workbench.locate import reference_aliases

    return reference_aliases()


def find_items(original: str, regions: list[int | str]) -> Draft:
    """Every place-bound item the rules find in ``original`` (a plan text), not yet located."""
    norm = normalize(original)
    gaz = build_gazetteer(regions)
    mentions = gaz.scan(norm.text)
    ctx = Context(norm.text, gaz, mentions, [m.start for m in mentions], reference_names())
    found: list[DraftItem] = []
    for sent in sentences(norm.text):
        found.extend(items_in_sentence(ctx, sent))
    items = merge(found, gaz, norm.text)
    for item in items:
        item.quote = norm.quote(*item.quote_span)
    return Draft(items=items, normalized=norm, gazetteer=gaz)


def _notes(item: DraftItem, gazetteer: Gazetteer) -> None:
    """Reviewer notes: ambiguous place stems and repeated mentions."""
    en: list[str] = [item.note_en] if item.note_en else []
    zh: list[str] = [item.note_zh] if item.note_zh else []
    for stem in item.ambiguous:
        options = "、".join(p.name_zh for p in gazetteer.ambiguous.get(stem, ()))
        en.append(f"{stem} may mean {options}; read as the plan region, not a county.")
        zh.append(f"“{stem}”可指{options}，暂按规划区域理解，未归入具体县。")
    if item.mentions_elsewhere:
        en.append(f"Also named in {item.mentions_elsewhere} other sentence(s).")
        zh.append(f"另有{item.mentions_elsewhere}处提及。")
    item.note_en = " ".join(en) or None
    item.note_zh = "".join(zh) or None


def draft_plan(original: str, regions: list[int | str], plan_id: str) -> Draft:
    """The located, named draft items of a plan text: what ``python -m geo_app draft`` writes."""
    from geo_app.workbench import locate, naming

    draft = find_items(original, regions)
    places = naming.place_name_table(draft.gazetteer)
    for item in draft.items:
        locate.locate_item(item, draft.gazetteer, draft.normalized.text)
        _notes(item, draft.gazetteer)
        item.name_en = naming.english_name(item, places)
    naming.assign_ids(draft.items, plan_id)
    return draft
