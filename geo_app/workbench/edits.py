"""Review operations on a plan's feature list: accept, edit, counties, place, merge, reject, add, restore.

Each operation is a small frozen object whose ``apply(features)`` returns a new list (the input
is never changed). ``review.save`` applies the operations of one save to the file as it is on
disk; when the file moved on since the user started, the same operations are applied to the
new version if they change none of the features that changed meanwhile (a merge). The place
constructors (``point``, ``town``, ``outline``, ``line``, ``zone``, ``named_area``,
``region_wide``) build the location kind, recipe and bilingual source note of
``layers/SCHEMA.md`` from what the reviewer did on the map.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from geo_app.escaping import strip_controls
from geo_app.messages import LocalizedError

#: Fields the edit form may set; an empty value removes an optional one.
EDITABLE = ("name_zh", "name_en", "label_zh", "label_en", "category", "section", "quote", "status", "note_zh",
            "note_en", "review")  # fmt: skip
REQUIRED = ("name_zh", "name_en", "category", "section", "quote")
MAX_TEXT = 2000
ROUND = 6  # decimals of a degree kept for coordinates (~0.1 m)

Features = list[dict[str, Any]]


class EditError(LocalizedError, ValueError):
    """An operation that cannot be applied (unknown feature, id taken, a field that may not be set)."""


def _find(features: Features, feature_id: str) -> int:
    for i, f in enumerate(features):
        if f.get("id") == feature_id:
            return i
    raise EditError("wb_unknown_feature", {"id": feature_id})


def _copy(features: Features) -> Features:
    return copy.deepcopy(list(features))


def _clean(value: Any) -> Any:
    """Text without control characters or bidi overrides, trimmed; other values as given."""
    if isinstance(value, str):
        return strip_controls(value).strip()[:MAX_TEXT]
    return value


@dataclass(frozen=True)
class Accept:
    """Mark a draft item as reviewed."""

    feature_id: str
    action: str = "accept"

    def apply(self, features: Features) -> Features:
        out = _copy(features)
        out[_find(out, self.feature_id)]["review"] = "reviewed"
        return out


@dataclass(frozen=True)
class SetFields:
    """Set text fields (name, category, status, notes...); ``None`` or "" removes an optional field."""

    feature_id: str
    values: tuple[tuple[str, Any], ...]
    action: str = "edit"

    def apply(self, features: Features) -> Features:
        out = _copy(features)
        f = out[_find(out, self.feature_id)]
        for key, value in self.values:
            if key not in EDITABLE:
                raise EditError("wb_field_not_editable", {"field": key})
            value = _clean(value)
            if value in (None, "") and key not in REQUIRED:
                f.pop(key, None)
            else:
                f[key] = value
        return out


def set_fields(feature_id: str, **values: Any) -> SetFields:
    return SetFields(feature_id, tuple(values.items()))


@dataclass(frozen=True)
class SetCounties:
    """Replace the counties an item names (adcodes)."""

    feature_id: str
    counties: tuple[int, ...]
    action: str = "counties"

    def apply(self, features: Features) -> Features:
        out = _copy(features)
        out[_find(out, self.feature_id)]["counties"] = [int(c) for c in dict.fromkeys(self.counties)]
        return out


@dataclass(frozen=True)
class Place:
    """A location kind with its recipe and source note (``geometry`` None for region-wide)."""

    location: str
    geometry: dict[str, Any] | None = field(default=None, hash=False)
    source_en: str | None = None
    source_zh: str | None = None


@dataclass(frozen=True)
class SetPlace:
    """Set where an item is: location kind, recipe and source note. A region-wide item names no
    county and has no geometry."""

    feature_id: str
    place: Place
    action: str = "place"

    def apply(self, features: Features) -> Features:
        out = _copy(features)
        f = out[_find(out, self.feature_id)]
        f["location"] = self.place.location
        if self.place.geometry is None:
            f.pop("geometry", None)
        else:
            f["geometry"] = copy.deepcopy(self.place.geometry)
        for key, value in (("location_source", self.place.source_en), ("location_source_zh", self.place.source_zh)):
            if value:
                f[key] = _clean(value)
            else:
                f.pop(key, None)
        if self.place.location == "region_wide":
            f["counties"] = []
        else:
            f.pop("within", None)
        return out


@dataclass(frozen=True)
class Merge:
    """Keep ``keep``; the other item's quote goes into the notes, its links move to ``keep``."""

    keep: str
    drop: str
    action: str = "merge"

    def apply(self, features: Features) -> Features:
        if self.keep == self.drop:
            raise EditError("wb_merge_self", {"id": self.keep})
        out = _copy(features)
        kept, gone = out[_find(out, self.keep)], out[_find(out, self.drop)]
        related = [r for r in [*kept.get("related", []), *gone.get("related", [])] if r not in (self.keep, self.drop)]
        if related:
            kept["related"] = list(dict.fromkeys(related))
        if gone.get("quote") and gone.get("quote") != kept.get("quote"):
            kept["note_zh"] = _join(kept.get("note_zh"), f"另见原文（{gone.get('section', '')}）：“{gone['quote']}”")
            kept["note_en"] = _join(kept.get("note_en"), f"Also in the plan ({gone.get('section', '')}): "
                                    f"“{gone['quote']}”")  # fmt: skip
        out = [f for f in out if f.get("id") != self.drop]
        return _relink(out, self.drop, self.keep)


def _join(old: str | None, extra: str) -> str:
    return f"{old.rstrip()} {extra}" if old else extra


def _relink(features: Features, old: str, new: str | None) -> Features:
    """Links to ``old`` point to ``new`` (removed when None); no item links to itself."""
    for f in features:
        rel = f.get("related")
        if not rel or old not in rel:
            continue
        moved = [new if r == old else r for r in rel]
        moved = list(dict.fromkeys(r for r in moved if r and r != f.get("id")))
        if moved:
            f["related"] = moved
        else:
            f.pop("related")
    return features


@dataclass(frozen=True)
class Reject:
    """Remove an item that is not a place-bound plan item (links to it are removed too)."""

    feature_id: str
    action: str = "reject"

    def apply(self, features: Features) -> Features:
        out = _copy(features)
        del out[_find(out, self.feature_id)]
        return _relink(out, self.feature_id, None)


@dataclass(frozen=True)
class AddItem:
    """Add an item the draft missed, after ``after`` (at the end when None or unknown)."""

    feature: dict[str, Any] = field(hash=False)
    after: str | None = None
    action: str = "add"

    def apply(self, features: Features) -> Features:
        out = _copy(features)
        fid = self.feature.get("id")
        if any(f.get("id") == fid for f in out):
            raise EditError("wb_id_taken", {"id": fid})
        at = next((i + 1 for i, f in enumerate(out) if self.after and f.get("id") == self.after), len(out))
        out.insert(at, copy.deepcopy(self.feature))
        return out


@dataclass(frozen=True)
class Restore:
    """Put features back as they were (``None``: the feature did not exist): what undo applies."""

    before: dict[str, dict[str, Any] | None] = field(hash=False)
    positions: dict[str, int] = field(hash=False, default_factory=dict)
    texts: dict[str, str] = field(hash=False, default_factory=dict)  # their blocks as written, if known
    action: str = "undo"

    def apply(self, features: Features) -> Features:
        out = _copy(features)
        for fid, old in self.before.items():
            idx = next((i for i, f in enumerate(out) if f.get("id") == fid), None)
            if old is None:
                if idx is not None:
                    del out[idx]
            elif idx is not None:
                out[idx] = copy.deepcopy(old)
        for fid, old in sorted(self.before.items(), key=lambda kv: self.positions.get(kv[0], 10**9)):
            if old is not None and all(f.get("id") != fid for f in out):
                out.insert(min(self.positions.get(fid, len(out)), len(out)), copy.deepcopy(old))
        return out


Edit = Accept | SetFields | SetCounties | SetPlace | Merge | Reject | AddItem | Restore


def apply_all(edits: list[Edit], features: Features) -> Features:
    """The features after every edit, in order."""
    out = list(features)
    for edit in edits:
        out = edit.apply(out)
    return out


@dataclass(frozen=True)
class Changes:
    """What differs between two feature lists, per id: before (None: new) and after (None: removed)."""

    before: dict[str, dict[str, Any] | None]
    after: dict[str, dict[str, Any] | None]
    positions: dict[str, int]  # index of each changed id in the old list

    @property
    def ids(self) -> list[str]:
        return list(self.before)


def changes(old: Features, new: Features) -> Changes:
    """Features added, removed or changed from ``old`` to ``new`` (in old order, then new ones)."""
    a = {str(f.get("id")): (i, f) for i, f in enumerate(old)}
    b = {str(f.get("id")): f for f in new}
    ids = [i for i in a if a[i][1] != b.get(i)] + [i for i in b if i not in a]
    return Changes(
        before={i: copy.deepcopy(a[i][1]) if i in a else None for i in ids},
        after={i: copy.deepcopy(b.get(i)) for i in ids},
        positions={i: a[i][0] for i in ids if i in a},
    )


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The keys whose values differ (``id`` alone for an added or removed feature)."""
    if before is None or after is None:
        return ["id"]
    return [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]


# ----------------------------------------------------------------------------- places


def _lonlat(lon: float, lat: float) -> list[float]:
    return [round(float(lon), ROUND), round(float(lat), ROUND)]


def _notes(zh: str, en: str, note_zh: str, note_en: str) -> tuple[str, str]:
    """(English, Chinese) source texts: a fixed frame around the reviewer's note; a note written
    in one language only stands in both until someone translates it."""
    nz, ne = _clean(note_zh or note_en or ""), _clean(note_en or note_zh or "")
    return en.format(note=ne).strip(" :："), zh.format(note=nz).strip(" :：")


def point(lon: float, lat: float, kind: str, note_zh: str, note_en: str = "") -> Place:
    """A clicked point: a ``site`` (coordinates from a cited source) or a ``stand_in``."""
    if kind not in ("site", "stand_in"):
        raise EditError("wb_bad_point_kind", {"kind": kind})
    if kind == "site":
        en, zh = _notes("坐标来源：{note}", "Coordinates from: {note}", note_zh, note_en)
    else:
        en, zh = _notes("代表点，具体位置不详：{note}", "Stand-in point; the site itself is unknown: {note}",
                        note_zh, note_en)  # fmt: skip
    return Place(kind, {"recipe": "point", "lonlat": _lonlat(lon, lat)}, en, zh)


def town(town_id: str, town_zh: str, town_en: str, note_zh: str = "", note_en: str = "") -> Place:
    """A stand-in at a town or county seat of the reference data."""
    extra_zh, extra_en = _clean(note_zh or note_en or ""), _clean(note_en or note_zh or "")
    zh = f"代表点：{town_zh}（data/reference/towns.geojson），规划未给出具体位置。{extra_zh}".strip()
    en = f"Stand-in at {town_en} (data/reference/towns.geojson): the plan does not give the site. {extra_en}".strip()
    return Place("stand_in", {"recipe": "point", "at": town_id}, en, zh)


def outline(ring: list[list[float]], note_zh: str, note_en: str = "", clip: bool = False) -> Place:
    """A drawn outline (``schematic``); ``clip`` cuts it to the item's counties."""
    geom: dict[str, Any] = {"recipe": "outline", "lonlat": [_lonlat(x, y) for x, y in ring]}
    if clip:
        geom["clip"] = True
    en, zh = _notes("示意轮廓，依据：{note}", "Schematic outline drawn from: {note}", note_zh, note_en)
    return Place("schematic", geom, en, zh)


def line(coords: list[list[float]], note_zh: str, note_en: str = "") -> Place:
    """A drawn line, e.g. a corridor's centreline (``schematic``)."""
    en, zh = _notes("示意线，依据：{note}", "Schematic line drawn from: {note}", note_zh, note_en)
    return Place("schematic", {"recipe": "line", "lonlat": [_lonlat(x, y) for x, y in coords]}, en, zh)


def zone(near: list[str], buffer_km: float, width: str, names_zh: str, names_en: str, note_zh: str = "",
         note_en: str = "") -> Place:  # fmt: skip
    """A zone rule: ``buffer_km`` either side of reference features, clipped to the counties."""
    km = int(buffer_km) if float(buffer_km).is_integer() else round(float(buffer_km), 2)
    w_zh = "宽度为规划所述" if width == "stated" else "宽度为假定值"
    w_en = "the plan states the width" if width == "stated" else "the width is assumed"
    zh = f"沿{names_zh}两侧各{km}公里，与所列县（或规划区域）相交；{w_zh}。{_clean(note_zh or note_en or '')}"
    en = f"{km} km either side of {names_en} (data/reference), clipped to the counties listed (or the plan " \
         f"region); {w_en}. {_clean(note_en or note_zh or '')}"  # fmt: skip
    geom = {"recipe": "zone", "near": list(near), "buffer_km": km, "width": width}
    return Place("zone", geom, en.strip(), zh.strip())


def named_area(note_zh: str = "", note_en: str = "") -> Place:
    """The union of the counties the sentence names; a note says why a facility is a whole county."""
    en, zh = _notes("{note}", "{note}", note_zh, note_en)
    return Place("named_area", {"recipe": "counties"}, en or None, zh or None)


def region_wide() -> Place:
    """Tied to the whole plan region (or to no place): listed under the region's badge, not drawn."""
    return Place("region_wide", None)
