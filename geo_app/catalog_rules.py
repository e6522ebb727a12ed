"""The rules a catalog feature must follow (``layers/SCHEMA.md``), checked one field at a time.

Types are checked before values are used, so a list where text belongs is a reported
problem, never a traceback. The location model is enforced here: a feature's recipe must be
able to support its location kind, the counties it lists must be named in its quote, and a
region-wide item has no geometry.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from geo_app import names

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
LOCATION_KINDS = ("named_area", "zone", "schematic", "site", "stand_in", "region_wide")
STATUSES = ("existing", "to_build", "to_upgrade")
REVIEWS = ("draft", "reviewed")
WIDTHS = ("stated", "assumed")
#: location kind -> recipes that can draw it (region-wide items have no geometry)
KIND_RECIPES: dict[str, tuple[str, ...]] = {
    "named_area": ("counties",),
    "zone": ("zone",),
    "schematic": ("outline", "line"),
    "site": ("point",),
    "stand_in": ("point",),
    "region_wide": (),
}
NEEDS_SOURCE = ("zone", "schematic", "site", "stand_in")
TEXT_FIELDS = ("name_zh", "name_en", "section", "quote")
KNOWN_FIELDS = {
    "id",
    "name_zh",
    "name_en",
    "category",
    "section",
    "quote",
    "counties",
    "status",
    "location",
    "geometry",
    "location_source",
    "location_source_zh",
    "note_en",
    "note_zh",
    "outside_region",
    "within",
    "related",
    "review",
    "label_zh",
    "label_en",
}


@dataclass(frozen=True)
class Problem:
    """One validation problem, located by file, feature id and field."""

    file: str
    feature_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.feature_id}: {self.field}: {self.message}"


@dataclass(frozen=True)
class PlanUnits:
    """The administrative units inside a plan's regions, for checking ``counties``."""

    counties: dict[int, str]  # county adcode -> name
    prefectures: dict[int, tuple[str, tuple[int, ...]]]  # prefecture adcode -> (name, its counties)
    bare_owner: dict[str, int]  # stem -> the unit a bare stem means (the highest level sharing it)
    multi: bool  # several prefectures: a prefecture adcode may stand for its counties

    def named(self, adcode: int, quote: str) -> bool:
        """Is the unit ``adcode`` named in ``quote``? By full name, short form, or bare stem when
        the stem means this unit (临夏 alone is the prefecture, not 临夏县 or 临夏市)."""
        name = self.counties.get(adcode) or self.prefectures.get(adcode, ("",))[0]
        bare = self.bare_owner.get(names.stem(name)) == adcode
        return bool(name) and names.mentions(quote, name, bare=bare)


@lru_cache(maxsize=32)
def plan_units(regions: tuple[int, ...]) -> PlanUnits:
    """Counties and prefectures of the given regions (any level), from the offline region index."""
    from geo_app.boundaries import region_index

    idx = region_index()
    counties: dict[int, str] = {}
    prefectures: dict[int, tuple[str, tuple[int, ...]]] = {}
    for code in regions:
        rows = idx[idx.adcode == code]
        if rows.empty:
            continue
        r = rows.iloc[0]
        for pref in _prefectures_in(idx, r):
            cty = idx[
                (idx.level == "county") & (idx.province_zh == pref.province_zh) & (idx.prefecture_zh == pref.name_zh)
            ]
            prefectures[int(pref.adcode)] = (pref.name_zh, tuple(int(a) for a in cty.adcode))
            counties.update(zip(cty.adcode.astype(int), cty.name_zh, strict=True))
        if r.level == "county":
            counties[int(r.adcode)] = r.name_zh
    owner: dict[str, int] = {}
    for code, name in [*counties.items(), *((c, p[0]) for c, p in prefectures.items())]:
        stem = names.stem(name)
        owner[stem] = code if stem not in owner or code in prefectures else owner[stem]
    shared = {s for s in owner if sum(names.stem(n) == s for n in counties.values()) > 1}
    owner = {s: c for s, c in owner.items() if s not in shared or c in prefectures}
    return PlanUnits(counties, prefectures, owner, multi=len(prefectures) > 1)


def _prefectures_in(idx, region) -> list:
    if region.level == "prefecture":
        return [region]
    if region.level == "province":
        return list(idx[(idx.level == "prefecture") & (idx.province_zh == region.province_zh)].itertuples())
    return []


def _is_lonlat(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value)
        and -180 <= value[0] <= 180
        and -90 <= value[1] <= 90
    )


def _near_hint(value: str, choices) -> str:
    near = difflib.get_close_matches(value, sorted(choices), n=3)
    return f"; did you mean: {', '.join(near)}?" if near else ""


class FeatureChecker:
    """Checks raw feature mappings of one plan file; ``check`` returns the mapping or None."""

    def __init__(
        self, plan, categories: dict, units: PlanUnits, reference_ids: set[str], plan_text: Callable[[str], str]
    ):
        self.plan = plan
        self.categories = categories
        self.units = units
        self.reference_ids = reference_ids
        self.plan_text = plan_text

    def check(self, raw: Any, index: int, problems: list[Problem]) -> dict | None:
        file = self.plan.file
        if not isinstance(raw, dict):
            problems.append(Problem(file, f"#{index + 1}", "-", "a feature must be a mapping"))
            return None
        fid = raw.get("id") if isinstance(raw.get("id"), str) else f"#{index + 1}"
        before = len(problems)

        def bad(field_name: str, message: str) -> None:
            problems.append(Problem(file, fid, field_name, message))

        self._fields(raw, bad)
        quote_ok = self._quote(raw, bad)
        counties = self._counties(raw, bad, quote_ok)
        self._location(raw, counties, bad)
        if len(problems) > before:
            return None
        return {**raw, "_counties": counties}

    def _fields(self, raw: dict, bad) -> None:
        if "precision" in raw:
            bad("precision", "replaced by 'location' (named_area, zone, schematic, site, stand_in, region_wide)")
        for key in sorted(set(raw) - KNOWN_FIELDS - {"precision"}, key=str):
            bad(str(key), "unknown field" + _near_hint(str(key), KNOWN_FIELDS))
        fid = raw.get("id")
        if not isinstance(fid, str) or not ID_RE.match(fid) or not fid.startswith(self.plan.id + "-"):
            bad("id", f"must be lowercase ASCII [a-z0-9-] starting with '{self.plan.id}-'")
        for key in TEXT_FIELDS:
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                bad(key, "required text is missing")
        for key in ("location_source", "location_source_zh", "note_en", "note_zh", "label_zh", "label_en"):
            if raw.get(key) is not None and not isinstance(raw[key], str):
                bad(key, "must be text")
        category = raw.get("category")
        if not isinstance(category, str) or category not in self.categories:
            bad("category", f"unknown category {category!r}" + _near_hint(str(category), self.categories))
        self._choice(raw, "status", STATUSES, bad)
        self._choice(raw, "review", REVIEWS, bad)
        if not isinstance(raw.get("outside_region", False), bool):
            bad("outside_region", "must be true or false")
        related = raw.get("related", [])
        if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
            bad("related", "must be a list of feature ids")

    @staticmethod
    def _choice(raw: dict, key: str, choices: tuple[str, ...], bad) -> None:
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or value not in choices):
            bad(key, f"must be one of {', '.join(choices)}, not {value!r}")

    def _quote(self, raw: dict, bad) -> bool:
        """Check the quote; True when it is verbatim plan text (so names can be looked up in it)."""
        from geo_app.catalog import normalise

        quote = raw.get("quote")
        if not isinstance(quote, str) or not quote.strip():
            return False
        if "**" in quote:
            bad("quote", "contains markdown '**'; quote the plan's words only")
            return False
        if normalise(quote) not in self.plan_text(self.plan.text_path):
            bad("quote", f"not found verbatim in {self.plan.text_path} (whitespace ignored): {quote[:40]}…")
            return False
        return True

    def _counties(self, raw: dict, bad, quote_ok: bool = True) -> list[int]:
        """The county adcodes the quote names (a prefecture code expands to its counties)."""
        value = raw.get("counties")
        if not isinstance(value, list):
            bad("counties", "must be a list of adcodes (use [] when the quote names no county)")
            return []
        quote = raw.get("quote") if quote_ok else ""
        out: list[int] = []
        for c in value:
            code = (
                int(c)
                if isinstance(c, int) and not isinstance(c, bool)
                else (int(c) if isinstance(c, str) and c.isdigit() else None)
            )
            if code is None:
                bad("counties", f"{c!r} is not an adcode")
            elif code in self.units.counties:
                out.append(code)
            elif code in self.units.prefectures and self.units.multi:
                out.extend(self.units.prefectures[code][1])
            else:
                hint = _near_hint(str(code), [str(k) for k in self.units.counties])
                bad("counties", f"{code} is not a county of the plan's regions {list(self.plan.regions)}{hint}")
                continue
            if code is not None and quote and not self.units.named(code, quote):
                name = self.units.counties.get(code) or self.units.prefectures.get(code, ("?",))[0]
                bad("counties", f"{code} {name} is not named in the quote; list only the places the sentence names")
        return list(dict.fromkeys(out))

    def _location(self, raw: dict, counties: list[int], bad) -> None:
        kind = raw.get("location")
        if not isinstance(kind, str) or kind not in LOCATION_KINDS:
            bad("location", f"must be one of {', '.join(LOCATION_KINDS)}, not {kind!r}")
            return
        geom = raw.get("geometry")
        if kind == "region_wide":
            self._region_wide(raw, counties, geom, bad)
            return
        if not isinstance(geom, dict):
            bad("geometry", f"a {kind} item needs a geometry recipe (a mapping with 'recipe')")
            return
        recipe = geom.get("recipe")
        if recipe not in KIND_RECIPES[kind]:
            bad(
                "geometry.recipe", f"recipe {recipe!r} cannot draw a {kind} item; use {' or '.join(KIND_RECIPES[kind])}"
            )
            return
        if kind in NEEDS_SOURCE and not isinstance(raw.get("location_source"), str):
            bad("location_source", f"required for a {kind} item: say where the location comes from")
        if raw.get("location_source") and not raw.get("location_source_zh"):
            bad("location_source_zh", "give the location source in Chinese too")
        if kind == "named_area":
            if not counties:
                bad("counties", "a named_area needs the counties the sentence names")
            category = raw.get("category") if isinstance(raw.get("category"), str) else None
            if self.categories.get(category, {}).get("site_like") and not raw.get("location_source"):
                bad(
                    "location",
                    "a facility-like item is not a whole county: use stand_in or site, or say in "
                    "location_source why the whole county is meant",
                )
        getattr(self, f"_recipe_{recipe}")(geom, raw, counties, bad)

    def _region_wide(self, raw: dict, counties: list[int], geom: Any, bad) -> None:
        if geom is not None:
            bad("geometry", "a region_wide item has no geometry of its own: it is listed, not painted")
        if counties:
            bad("counties", "a region_wide item names no county; use named_area when the sentence names counties")
        within = raw.get("within", [])
        ok = set(self.plan.regions) | set(self.units.prefectures)
        if not isinstance(within, list) or not all(isinstance(w, int) and w in ok for w in within):
            bad("within", f"must list region adcodes of the plan ({sorted(ok)})")

    def _refs(self, key: str, refs: Any, bad) -> None:
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
            bad(f"geometry.{key}", "must be a list of reference ids")
            return
        for ref in refs:
            if ref not in self.reference_ids:
                bad(f"geometry.{key}", f"unknown reference feature {ref!r}" + _near_hint(ref, self.reference_ids))

    def _recipe_counties(self, geom: dict, raw: dict, counties: list[int], bad) -> None:
        extra = set(geom) - {"recipe"}
        if extra:
            bad("geometry", f"recipe 'counties' takes no other keys ({', '.join(map(str, extra))})")

    def _recipe_zone(self, geom: dict, raw: dict, counties: list[int], bad) -> None:
        self._refs("near", geom.get("near"), bad)
        km = geom.get("buffer_km")
        if isinstance(km, bool) or not isinstance(km, (int, float)) or not 0 < km <= 100:
            bad("geometry.buffer_km", "must be a number of kilometres in (0, 100]")
        if geom.get("width") not in WIDTHS:
            bad("geometry.width", "say whether the plan states the width ('stated') or it is assumed ('assumed')")

    def _recipe_point(self, geom: dict, raw: dict, counties: list[int], bad) -> None:
        kind = raw.get("location")
        if "at" in geom:
            if kind == "site":
                bad("geometry.at", "a site has cited coordinates (lonlat); a town's point is a stand_in")
            if not isinstance(geom["at"], str):
                bad("geometry.at", "must be a reference id")
            else:
                self._refs("at", [geom["at"]], bad)
        elif not _is_lonlat(geom.get("lonlat")):
            bad("geometry.lonlat", "a point needs 'at' (a town id) or 'lonlat: [lon, lat]'")
        if not counties and not raw.get("outside_region") and kind == "stand_in" and "at" not in geom:
            bad("counties", "a stand_in at coordinates needs its host county named in the quote")

    def _recipe_outline(self, geom: dict, raw: dict, counties: list[int], bad) -> None:
        self._ring(geom, 3, "outline", bad)
        if geom.get("clip") and not counties:
            bad("geometry.clip", "clip needs the counties the outline is clipped to")

    def _recipe_line(self, geom: dict, raw: dict, counties: list[int], bad) -> None:
        if geom.get("near") is not None:
            self._refs("near", geom["near"], bad)
        else:
            self._ring(geom, 2, "line", bad)

    @staticmethod
    def _ring(geom: dict, n: int, recipe: str, bad) -> None:
        ring = geom.get("lonlat")
        if not isinstance(ring, list) or len(ring) < n or not all(_is_lonlat(p) for p in ring):
            bad("geometry.lonlat", f"{recipe} needs a list of at least {n} [lon, lat] vertices")
