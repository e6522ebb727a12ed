"""Place names of a plan's regions and their neighbours, matched with ``geo_app.names``.

One matching rule serves the catalog check, the county x item join and the workbench:
``names.mention_spans`` (full name, short forms such as 东乡县 / 临夏州 / 甘州区, and the bare
stem when allowed). The gazetteer adds only what a *set* of places decides:

- a bare stem (和政, 甘州) counts only when it belongs to one place of the set; 临夏 is the stem
  of 临夏回族自治州, 临夏市 and 临夏县, so it never resolves to a county on its own (it is
  reported as ambiguous, and read as the plan region when the region is one of them);
- where spans overlap, the longest wins (积石山保安族东乡族撒拉族自治县 is not also 东乡).

Places: every county, prefecture and province of the plan's regions (``in_region``), the other
prefectures and counties of the same province(s), and every prefecture of the country by its
full or short name (no bare stems), so an item in a neighbouring city can be told apart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from geo_app import boundaries, names


@dataclass(frozen=True)
class Place:
    """One administrative unit the gazetteer knows."""

    adcode: int
    name_zh: str
    level: str  # province | prefecture | county
    province_zh: str
    prefecture_zh: str | None
    in_region: bool
    bare: bool  # may the bare stem be matched alone?

    @property
    def stem(self) -> str:
        return names.stem(self.name_zh)


@dataclass(frozen=True)
class Mention:
    """A place named in the text at ``[start, end)``; ``candidates`` > 1 when the stem is ambiguous."""

    start: int
    end: int
    candidates: tuple[Place, ...]

    @property
    def place(self) -> Place | None:
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def text_len(self) -> int:
        return self.end - self.start


@dataclass
class Gazetteer:
    """The places of a plan (``regions``: adcodes) and their neighbours."""

    regions: tuple[int, ...]
    places: list[Place]
    ambiguous: dict[str, tuple[Place, ...]] = field(default_factory=dict)

    @property
    def counties(self) -> list[Place]:
        """The plan's own counties."""
        return [p for p in self.places if p.in_region and p.level == "county"]

    @property
    def provinces(self) -> set[str]:
        """Names of the provinces the plan lies in (they enclose it: not outside places)."""
        return {p.province_zh for p in self.places if p.in_region}

    @property
    def multi_region(self) -> bool:
        """True when the plan covers several prefectures (prefecture adcodes become allowed)."""
        prefs = {p.prefecture_zh for p in self.counties}
        return len(prefs) > 1

    def scan(self, text: str) -> list[Mention]:
        """Every place named in ``text``, left to right, longest span first where they overlap."""
        found: list[Mention] = []
        for place in self.places:
            for a, b in names.mention_spans(text, place.name_zh, bare=place.bare):
                found.append(Mention(a, b, (place,)))
        for stem, options in self.ambiguous.items():
            for a, b in names.mention_spans(text, stem + "县", bare=True):  # bare stem spans only
                if b - a == len(stem):
                    found.append(Mention(a, b, options))
        found.sort(key=lambda m: (m.start, -m.text_len))
        kept: list[Mention] = []
        for m in found:
            if kept and m.start < kept[-1].end:
                continue
            kept.append(m)
        return kept

    def county_codes(self, mentions: list[Mention]) -> list[int]:
        """The plan counties (or, in a multi-prefecture plan, prefectures) the mentions name."""
        out: list[int] = []
        for m in mentions:
            p = m.place
            if p is None and self.multi_region:  # 临夏 in a list of prefectures: the prefecture
                prefs = [c for c in m.candidates if c.in_region and c.level == "prefecture"]
                p = prefs[0] if len(prefs) == 1 else None
            if p is None or not p.in_region:
                continue
            wanted = p.level == "county" or (p.level == "prefecture" and self.multi_region)
            if wanted and p.adcode not in out:
                out.append(p.adcode)
        return out


def _rows_for(region: boundaries.Region) -> tuple[list, list]:
    """Index rows inside ``region`` and rows of the rest of its province."""
    idx = boundaries.region_index()
    prov = idx[idx.province_zh == region.province_zh]
    if region.level == "province":
        inside = prov
    elif region.level == "prefecture":
        inside = prov[(prov.prefecture_zh == region.name_zh) | (prov.adcode == region.adcode)]
        inside = inside[(inside.level != "province")]
        inside = inside[(inside.level == "county") | (inside.adcode == region.adcode)]
    else:
        inside = prov[prov.adcode == region.adcode]
    return list(inside.itertuples()), list(prov.itertuples())


def build_gazetteer(regions: list[int | str]) -> Gazetteer:
    """The gazetteer of a plan covering ``regions`` (adcodes or names)."""
    resolved = [boundaries.resolve_region(r) for r in regions]
    inside: dict[int, object] = {}
    nearby: dict[int, object] = {}
    for region in resolved:
        rows_in, rows_prov = _rows_for(region)
        inside.update({(r.adcode, r.level): r for r in rows_in})
        nearby.update({(r.adcode, r.level): r for r in rows_prov})
    idx = boundaries.region_index()
    national = {(r.adcode, r.level): r for r in idx[idx.level == "prefecture"].itertuples()}
    bare_pool = {k: r for k, r in nearby.items() if k in inside or r.level in ("prefecture", "province")}
    by_stem: dict[str, list] = defaultdict(list)
    for r in bare_pool.values():
        by_stem[names.stem(r.name_zh)].append(r)
    places: list[Place] = []
    for key, r in {**national, **nearby, **inside}.items():
        stem = names.stem(r.name_zh)
        bare = key in bare_pool and len(by_stem[stem]) == 1
        places.append(_place(r, in_region=key in inside, bare=bare))
    ambiguous = {
        stem: tuple(_place(r, (r.adcode, r.level) in inside, False) for r in rows)
        for stem, rows in by_stem.items()
        if len(rows) > 1 and len(stem) >= 2
    }
    return Gazetteer(regions=tuple(r.adcode for r in resolved), places=places, ambiguous=ambiguous)


def _place(row, in_region: bool, bare: bool) -> Place:
    return Place(
        adcode=int(row.adcode),
        name_zh=str(row.name_zh),
        level=str(row.level),
        province_zh=str(row.province_zh),
        prefecture_zh=row.prefecture_zh if isinstance(row.prefecture_zh, str) else None,
        in_region=in_region,
        bare=bare,
    )
