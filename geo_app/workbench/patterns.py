"""Items that have no head word, found by three readable sentence patterns.

- *focus areas*: 以山丹、高台、肃南为重点区域，… — a list of plan counties made the focus of the
  paragraph's topic (the short lead sentence before it: 加快生物医药科技创新发展。);
- *local products and brands*: a quoted name that starts with a plan place (“临泽小枣”,
  “肃南鹿产品”), a geographical-indication product or a local breed;
- *protection of a named natural feature*: 祁连山生态系统保护与综合治理, 黑河湿地生态环境修复 —
  a reference feature of ``data/reference`` followed by a protection word;
- *towns to be built up*: 碌曲县郎木寺镇 — a plan county followed by a town (镇/乡) name, in a
  sentence about building characteristic or key towns;
- *a counted list*: 文化旅游、特色种植业、畜牧产业…“五个百亿级产业” — each element of a list followed
  by a quoted count label (“N个…”) naming industries, programmes or bases is an item.

Each returns ``(name, name span, category, quote span)`` tuples for ``draft`` to complete.
"""

from __future__ import annotations

import re

Found = tuple[str, tuple[int, int], str, tuple[int, int]]

_FOCUS = re.compile(r"以([^，。；以]{2,40}?)为(?:重点区域|重点地区|核心区|重点|主)[，,]")
_TOPIC_VERB = re.compile(r"^(?:加快|推动|推进|加强|促进|支持|大力|积极)+")
_TOPIC_TAIL = re.compile(r"(?:创新发展|发展|建设)?[。；]?$")
_QUOTED = re.compile(r"“([^“”]{2,6})”")
_NOT_PRODUCT = re.compile(r"规划|行动|计划|工程|战略|十[一二三四五]五|一带一路|百亿|千亿|百万|双创|品牌")
_PROTECT = r"(?:保护|治理|修复|恢复|涵养)(?:[与和及、](?:保护|治理|修复|恢复|涵养|监测|利用))*"


def focus_areas(text: str, sent_start: int, sent_end: int, topic: str, county_spans) -> list[Found]:
    """以<counties>为重点区域: one item named after the paragraph topic, for the listed counties."""
    out: list[Found] = []
    for m in _FOCUS.finditer(text, sent_start, sent_end):
        a, b = m.span(1)
        if not county_spans(a, b):
            continue
        subject = _TOPIC_TAIL.sub("", _TOPIC_VERB.sub("", topic)) if topic else ""
        name = f"{subject}重点区域" if subject else f"{text[a:b]}重点区域"
        next_clause = text.find("，", m.end(), sent_end)
        quote_end = next_clause + 1 if next_clause > 0 else sent_end
        out.append((name, (a, b), "industry_cluster", (m.start(), quote_end)))
    return out


def quoted_products(text: str, sent_start: int, sent_end: int, place_at) -> list[Found]:
    """A quoted name opening with a plan place: “临泽小枣” (geographical indication) or “张掖肉牛”."""
    out: list[Found] = []
    sentence = text[sent_start:sent_end]
    for m in _QUOTED.finditer(text, sent_start, sent_end):
        name = m.group(1)
        if _NOT_PRODUCT.search(name) or not place_at(m.start(1)):
            continue
        if re.match(r"[\u4e00-\u9fff]*(?:产业带|集群|园区|基地|中心|平台)", text[m.end() : m.end() + 6]):
            continue  # a label of a following item, not a product
        category = "gi_product" if re.search(r"地理标志|特色品牌|品牌优势|特产|原产地", sentence) else "production_base"
        out.append((name, m.span(1), category, _clause_around(text, m.start(), sent_start, sent_end)))
    return out


def protected_features(text: str, sent_start: int, sent_end: int, feature_names) -> list[Found]:
    """<reference feature>…<protection word>: 祁连山冰川与水源涵养生态保护, 黑河湿地生态环境修复."""
    out: list[Found] = []
    for alias in feature_names:
        pattern = re.compile(
            re.escape(alias) + r"[^，。；：]{0,20}?" + _PROTECT + r"(?=技术|研究|为重点|措施|[，。；]|$)"
        )
        for m in pattern.finditer(text, sent_start, sent_end):
            out.append((m.group(0), m.span(), "ecology", _clause_around(text, m.start(), sent_start, sent_end)))
    return out


_TOWN = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:镇|乡)(?=[、，。；和与及等\d]|$)")
_TOWN_SENTENCE = re.compile(r"(?:小镇|特色镇|重点镇|中心镇|集镇|城镇).*|.*(?:小镇|特色镇|重点镇|中心镇|集镇)")
_BUILD = re.compile(r"建设|培育|打造|创建|发展|提升")


def towns(text: str, sent_start: int, sent_end: int, county_ends: list[int]) -> list[Found]:
    """<county><town>镇/乡 in a sentence about building towns: 碌曲县郎木寺镇, 玛曲县阿万仓乡."""
    sentence = text[sent_start:sent_end]
    if not (_TOWN_SENTENCE.search(sentence) and _BUILD.search(sentence)):
        return []
    category = "scenic_cultural" if re.search(r"旅游|风情|文化|景区", sentence) else "development_zone"
    out: list[Found] = []
    for end in county_ends:
        m = _TOWN.match(text, end, sent_end)
        if m:
            start = max(text.rfind(c, sent_start, end) for c in "、，：；") + 1
            start = max(start, sent_start)
            out.append(
                (text[start : m.end()], (start, m.end()), category, _clause_around(text, end, sent_start, sent_end))
            )
    return out


_COUNTED_LIST = re.compile(
    r"((?:[^，。；：、“”]{2,14}、)+[^，。；：、“”]{2,14})“[一二三四五六七八九十两几]+[个大项]([^”]{1,10})”"
)
_LABEL_HEAD = re.compile(r"产业|集群|工程|基地|园区")


def counted_lists(text: str, sent_start: int, sent_end: int) -> list[Found]:
    """A list before a quoted count label (…、临夏美食产业“五个百亿级产业”): one item per element."""
    out: list[Found] = []
    for m in _COUNTED_LIST.finditer(text, sent_start, sent_end):
        label = m.group(2)
        if not _LABEL_HEAD.search(label) or _LABEL_HEAD.search(text[m.end() : m.end() + 2]):
            continue  # a label followed by its own head (“四个百亿元”农业产业集群) is split by items
        lead = re.match(r"(?:按照|围绕|加快|推进|发展|培育|打造|建设|实施|加大)+", m.group(1))
        pos = m.start(1) + (lead.end() if lead else 0)
        category = "production_base" if re.search(r"工程|基地", label) else "industry_cluster"
        quote = _clause_around(text, m.start(), sent_start, sent_end)
        for element in text[pos : m.end(1)].split("、"):
            out.append((f"{element}（{label}）", (pos, pos + len(element)), category, quote))
            pos += len(element) + 1
    return out


def _clause_around(text: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    a = max(text.rfind(c, lo, pos) for c in "，；：。") + 1
    a = max(a, lo)
    ends = [k for k in (text.find(c, pos, hi) for c in "，；。") if k >= 0]
    return a, (min(ends) + 1 if ends else hi)
