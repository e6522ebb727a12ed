"""Plan regions and the region choices of the app, CLI, scenes, exports and print map.

Everything here is derived from the catalog headers (``plan.regions``, short names, unit
word), so a new plan brings its own region choice with no code change. A choice is ``all``
(every plan), a plan id (that plan), or the adcode of one region of a plan that covers
several (``620400`` within a four-prefecture plan).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo_app.catalog import Catalog
from geo_app.catalog_rules import plan_units

ALL = "all"
#: Earlier URL values that still mean "every plan".
ALIASES = {"both": ALL}


@dataclass(frozen=True)
class RegionChoice:
    """One entry of the region selector: which plans are shown and which regions are framed."""

    id: str
    plans: tuple[str, ...]
    adcodes: tuple[int, ...]
    label_zh: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


def plan_county_codes(catalog: Catalog) -> dict[str, list[int]]:
    """Plan id -> adcodes of every county in the plan's regions."""
    return {pid: sorted(plan_units(p.regions).counties) for pid, p in catalog.plans.items()}


def all_region_adcodes(catalog: Catalog) -> tuple[int, ...]:
    """Every plan region adcode, in catalog order, without repeats."""
    return tuple(dict.fromkeys(a for p in catalog.plans.values() for a in p.regions))


def _region_name(adcode: int) -> tuple[str, str]:
    from geo_app.boundaries import region_index
    from geo_app.names import english_name, short_forms

    row = region_index().query("adcode == @adcode").iloc[0]
    short = short_forms(row.name_zh)[-1]
    return short, english_name(short)


def region_choices(catalog: Catalog) -> dict[str, RegionChoice]:
    """All choices in selector order: all plans, each plan, then each region of multi-region plans."""
    plans = catalog.plans
    choices: dict[str, RegionChoice] = {}
    if len(plans) > 1:
        if len(plans) == 2:
            zh = " + ".join(p.short_zh for p in plans.values())
            en = " + ".join(p.short_en for p in plans.values())
        else:
            zh, en = f"全部规划（{len(plans)}）", f"All plans ({len(plans)})"
        choices[ALL] = RegionChoice(ALL, tuple(plans), all_region_adcodes(catalog), zh, en)
    for pid, p in plans.items():
        choices[pid] = RegionChoice(pid, (pid,), p.regions, p.short_zh, p.short_en)
    counties = plan_county_codes(catalog)
    for p in plans.values():
        if len(p.regions) < 2:
            continue
        for code in p.regions:
            key = str(code)
            if key in choices:
                continue
            inside = set(plan_units((code,)).counties)
            covering = tuple(q for q in plans if inside and inside <= set(counties[q]))
            zh, en = _region_name(code)
            choices[key] = RegionChoice(key, covering, (code,), zh, en)
    if not choices:
        choices[ALL] = RegionChoice(ALL, (), (), "无规划", "No plans")
    return choices


def default_choice(catalog: Catalog) -> str:
    """The first choice: all plans when there are several."""
    return next(iter(region_choices(catalog)))


def resolve_choice(catalog: Catalog, value: str | None) -> RegionChoice | None:
    """The choice a URL or CLI value names (``both`` still means all plans), or None."""
    if value is None:
        return None
    choices = region_choices(catalog)
    key = ALIASES.get(str(value).strip(), str(value).strip())
    if key == ALL and ALL not in choices:
        key = default_choice(catalog)
    return choices.get(key)
