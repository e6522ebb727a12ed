"""Feature ids and placeholder English names for draft items.

The id is the plan id plus the pinyin of the Chinese name (ASCII, stable for the same name).
The English name translates the head word and the grade word and spells the rest in pinyin
(place names in their official form): a readable placeholder the reviewer replaces.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from geo_app import names
from geo_app.workbench import rules

ID_MAX = 48


def slug(text: str, limit: int = ID_MAX) -> str:
    """ASCII slug of Chinese text: pinyin syllables joined by '-', cut at a syllable boundary."""
    words = lazy_pinyin(re.sub(r"[^\w\u4e00-\u9fff]", " ", text), style=Style.NORMAL, errors="ignore")
    joined = "-".join(w for w in (re.sub(r"[^a-z0-9]", "", w.lower()) for w in words) if w)
    if len(joined) > limit:
        joined = joined[:limit].rsplit("-", 1)[0]
    return joined or "item"


def assign_ids(items, plan_id: str) -> None:
    """Give every item a unique id ``<plan_id>-<slug>``."""
    seen: set[str] = set()
    for item in items:
        base = f"{plan_id}-{slug(item.name_zh)}"
        fid, n = base, 2
        while fid in seen:
            fid, n = f"{base}-{n}", n + 1
        seen.add(fid)
        item.id = fid


def _pinyin_words(text: str) -> str:
    words = lazy_pinyin(text, style=Style.NORMAL, errors="ignore", v_to_u=True)
    out = " ".join(w.capitalize() for w in words if w.strip())
    return out.strip()


def english_name(item, place_names: dict[str, str]) -> str:
    """Placeholder English name: places officially, grade and head words translated, the rest pinyin."""
    name = re.sub(r"[“”]", "", item.name_zh)
    head = item.head if name.endswith(item.head) else ""
    body = name[: len(name) - len(head)] if head else name
    parts: list[str] = []
    while body:
        place = next((p for p in sorted(place_names, key=len, reverse=True) if body.startswith(p)), "")
        grade = next((g for g in rules.GRADE_EN if body.startswith(g)), "")
        if place:
            parts.append(place_names[place])
            body = body[len(place) :]
        elif grade:
            parts.append(rules.GRADE_EN[grade])
            body = body[len(grade) :]
        else:
            k = 1
            while k < len(body) and not any(body.startswith(p, k) for p in place_names):
                k += 1
            parts.append(_pinyin_words(body[:k]))
            body = body[k:]
    if head:
        parts.append(rules.HEAD_EN.get(head, _pinyin_words(head)))
    text = " ".join(p for p in parts if p)
    return text[:1].upper() + text[1:]


def place_name_table(gazetteer) -> dict[str, str]:
    """Chinese forms of the plan's places -> English (stem pinyin with the unit word)."""
    table: dict[str, str] = {}
    for p in gazetteer.places:
        if not p.in_region and p.level == "county":
            continue
        for form in names.short_forms(p.name_zh):
            table.setdefault(form, names.english_name(form))
        stem = names.stem(p.name_zh)  # 兰州: pinyin of the stem with the place-name readings
        table.setdefault(stem, names.english_name(stem + "县").removesuffix(" County"))
    return table
