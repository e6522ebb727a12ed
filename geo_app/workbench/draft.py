"""Propose the place-bound items of a plan text, each with a verbatim quote.

The steps (rules in ``items``, ``reading``, ``patterns``; word lists in ``rules``):

1. normalise the text, keeping a map to the original (``normalize``);
2. find the plan's places in it (``gazetteer``);
3. cut it into sentences and clauses (``segment``) and read the items of each (``items``);
4. merge repeated mentions of one item, keeping the most telling one (``merge``);
5. locate each item (``locate``), add reviewer notes, ids and placeholder English names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo_app.workbench import rules
from geo_app.workbench.gazetteer import Gazetteer, build_gazetteer
from geo_app.workbench.items import Context, items_in_sentence
from geo_app.workbench.model import DraftItem
from geo_app.workbench.normalize import Normalized, normalize
from geo_app.workbench.segment import sentences

__all__ = ["Draft", "DraftItem", "draft_plan", "find_items", "merge"]


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
    return re.sub(r"“[^”]*”", "", name)  # 文旅康养“百亿元”产业集群 ~ “百亿元”文旅康养产业集群


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
    topic, paragraph = "", -1
    for sent in sentences(norm.text):
        para = norm.text.rfind("\n", 0, sent.start)
        if para != paragraph:
            paragraph, topic = para, ""
        found.extend(items_in_sentence(ctx, sent, topic))
        text = norm.text[sent.start : sent.end]
        topic = text if len(text) <= 24 and text.endswith("。") else ""
    items = merge(found, gaz, norm.text)
    for item in items:
        item.quote = norm.quote(*item.quote_span)
        if item.name_zh == norm.text[item.name_span[0] : item.name_span[1]]:
            item.name_zh = norm.quote(*item.name_span)  # the text's own characters (ＡＢＣ, 産)
    return Draft(items=items, normalized=norm, gazetteer=gaz)


def _notes(item: DraftItem, gazetteer: Gazetteer) -> None:
    """Reviewer notes: ambiguous place stems and repeated mentions."""
    en: list[str] = [item.note_en] if item.note_en else []
    zh: list[str] = [item.note_zh] if item.note_zh else []
    for stem in item.ambiguous:
        options = "、".join(p.name_zh for p in gazetteer.ambiguous.get(stem, ()))
        en.append(f"{stem} may mean {options}; read as the plan region (or its prefecture), not a county.")
        zh.append(f"“{stem}”可指{options}，暂按规划区域（或该州市）理解，未归入具体县。")
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
