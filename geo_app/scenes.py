"""Meeting mode: decks of saved map scenes (``scenes/*.yaml``), and a safe store for them.

A scene is a title and subtitle (zh/en), a region or extent, the visible layers, features
to highlight and speaker notes. Loading validates every scene and every type; an invalid
scene or a malformed file (a top-level list, a wrong type, hostile YAML) is reported (file,
scene id, field) and skipped, so a deck still opens with the rest.

Several people may save into the same deck file at once, so every change is a
read-modify-write under the file's cross-process lock (``fileio.locked``), written atomically
(``fileio.atomic_write_text``) and read back before it is confirmed:

- ``append_scene`` adds a scene (as text, keeping the file's comments and layout); with
  ``new_id=True`` its id is allocated under the lock, so concurrent saves never collide;
- ``update_scene``, ``delete_scene`` and ``move_scene`` take the ``expected_version`` the edit
  started from (``Deck.version``); when the file changed meanwhile they raise ``ConflictError``
  listing what changed, and the caller shows it and lets the user merge (repeat the edit with
  ``err.current.version``) or redo it. Nothing is ever overwritten silently.

Text fields lose control characters and bidi overrides on load (``escaping.strip_controls``):
they could hide or reorder what the audience reads. Over-long texts are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from geo_app.catalog import Problem
from geo_app.escaping import strip_controls
from geo_app.fileio import atomic_write_text, locked, read_versioned, remove_stale_temp_files
from geo_app.messages import LocalizedError, Message
from geo_app.paths import ROOT
from geo_app.safeyaml import YamlError, load_yaml

SCENES_DIR = ROOT / "scenes"
#: Region values that mean "every plan" (``both`` is kept for decks written before plans were data).
ALL_REGIONS = ("all", "both")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
#: Longest accepted texts (characters): enough for any title or page of notes, small enough for a slide.
MAX_TITLE = 200
MAX_SUBTITLE = 300
MAX_NOTES = 5000
#: Largest scenes file read (bytes); a deck of 100 scenes is about 50 kB.
MAX_FILE_BYTES = 1_000_000
_TEXT_LIMITS = {
    "title_zh": MAX_TITLE,
    "title_en": MAX_TITLE,
    "subtitle_zh": MAX_SUBTITLE,
    "subtitle_en": MAX_SUBTITLE,
    "notes_zh": MAX_NOTES,
    "notes_en": MAX_NOTES,
}


@dataclass(frozen=True)
class Scene:
    """One map view of a presentation."""

    id: str
    title_zh: str
    title_en: str
    layers: tuple[str, ...]  # layer keys plan:category
    subtitle_zh: str = ""
    subtitle_en: str = ""
    region: str | None = None  # a region choice: all, a plan id, or a region adcode
    extent: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    highlight: tuple[str, ...] = ()
    notes_zh: str = ""
    notes_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_zh

    def subtitle(self, lang: str) -> str:
        return self.subtitle_en if lang == "en" and self.subtitle_en else self.subtitle_zh

    def notes(self, lang: str) -> str:
        return self.notes_en if lang == "en" and self.notes_en else self.notes_zh

    def plans(self) -> tuple[str, ...] | None:
        """The plans a region-framed scene shows (None: every plan, or an extent)."""
        if self.region and self.region not in ALL_REGIONS and not self.region.isdigit():
            return (self.region,)
        return None


@dataclass
class Deck:
    """A sequence of scenes read from one file, with the version of the bytes it was read from."""

    id: str
    title_zh: str
    title_en: str
    path: Path
    scenes: list[Scene]
    problems: list[Problem] = field(default_factory=list)
    version: str = ""  # fileio.file_version of the file as read; "" when it could not be read
    raw: list[Any] = field(default_factory=list, repr=False)  # the scene entries as in the file
    readable: bool = True  # False when the file is not a deck at all: it is then never rewritten

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_zh

    def all_ids(self) -> set[str]:
        """Ids of every scene entry in the file, valid or not (new ids must avoid them all)."""
        return {str(r["id"]) for r in self.raw if isinstance(r, dict) and isinstance(r.get("id"), str)}


@dataclass(frozen=True)
class Saved:
    """A confirmed save: the deck as read back from disk after the write, and the scene saved."""

    deck: Deck
    scene: Scene | None = None

    @property
    def version(self) -> str:
        return self.deck.version


class SceneError(LocalizedError, ValueError):
    """A scene or deck that cannot be saved (invalid, unknown id, id taken, not a deck file)."""


class SaveNotConfirmedError(LocalizedError, OSError):
    """The file was written but reading it back did not show the change: the save is not confirmed."""


@dataclass(frozen=True)
class Change:
    """One difference between the deck an edit started from and the deck on disk now."""

    kind: str  # added | removed | edited | moved | deck
    scene_id: str = ""
    fields: tuple[str, ...] = ()

    def message(self) -> Message:
        return Message(f"change_{self.kind}", {"id": self.scene_id, "fields": ", ".join(self.fields)})


class ConflictError(LocalizedError):
    """The file changed since the edit started. ``changes`` says what (empty when the starting
    deck was not given), ``current`` is the deck now, ``mergeable`` whether the edit touches
    nothing that changed, so repeating it with ``expected_version=current.version`` merges it."""

    def __init__(self, path: Path, current: Deck, changes: list[Change], mergeable: bool):
        self.path, self.current, self.changes, self.mergeable = path, current, changes, mergeable
        listed = [c.message() for c in changes] or [Message("change_unknown")]
        super().__init__("scene_conflict", {"path": _rel(path), "changes": listed})

    def __reduce__(self):
        return (self.__class__, (self.path, self.current, self.changes, self.mergeable))


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# ----------------------------------------------------------------------------- validation


def _text(raw: dict, name: str, bad) -> str:
    """A text field, without controls; wrong type or over-long text is reported through ``bad``."""
    value = raw.get(name)
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        bad(name, f"must be text, not {type(value).__name__}")
        return ""
    text = strip_controls(value)
    if len(text) > _TEXT_LIMITS[name]:
        bad(name, f"longer than {_TEXT_LIMITS[name]} characters")
    return text


def _extent_ok(extent: Any) -> bool:
    if not isinstance(extent, list) or len(extent) != 4:
        return False
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in extent):
        return False
    x0, y0, x1, y1 = (float(v) for v in extent)
    in_range = all(-180 <= x <= 180 for x in (x0, x1)) and all(-90 <= y <= 90 for y in (y0, y1))
    return in_range and x0 < x1 and y0 < y1  # NaN fails every comparison


def _names(value: Any, name: str, bad) -> list[str] | None:
    """A list of text items (layer keys, feature ids), or None with the problem reported."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        bad(name, "must be a list of texts")
        return None
    return value


def parse_scene(
    raw: Any, index: int, file: str, layer_keys: list[str], feature_ids: set[str], problems: list[Problem]
) -> Scene | None:
    """A Scene from its YAML mapping, or None with the problems appended (types checked first)."""
    if not isinstance(raw, dict):
        problems.append(Problem(file, f"#{index + 1}", "-", "a scene must be a mapping"))
        return None
    rid = raw.get("id")
    sid = strip_controls(rid)[:80] if isinstance(rid, str) and rid else f"#{index + 1}"
    before = len(problems)

    def bad(name: str, message: str) -> None:
        problems.append(Problem(file, sid, name, message))

    if not isinstance(rid, str) or not _ID_RE.match(rid):
        bad("id", "required, lowercase ASCII [a-z0-9-], at most 80 characters")
    texts = {name: _text(raw, name, bad) for name in _TEXT_LIMITS}
    if not texts["title_zh"] and not any(p.field == "title_zh" for p in problems[before:]):
        bad("title_zh", "required field is missing")
    region, extent = raw.get("region"), raw.get("extent")
    plan_ids = sorted({k.split(":")[0] for k in layer_keys})
    if region is None and extent is None:
        bad("region", "give a region (all, a plan id, a region adcode) or an extent [west, south, east, north]")
    if region is not None and (
        not isinstance(region, str) or not (region in ALL_REGIONS or region in plan_ids or region.isdigit())
    ):
        choices = ", ".join(["all", *plan_ids])
        bad("region", f"must be one of {choices} or a region adcode, not {strip_controls(region)[:40]!r}")
    if extent is not None and not _extent_ok(extent):
        bad("extent", "must be [min_lon, min_lat, max_lon, max_lat]: finite degrees with min < max")
    layers = raw.get("layers", "all")
    if layers == "all":
        plans = (region,) if region in plan_ids else None
        layers = [k for k in layer_keys if plans is None or k.split(":")[0] in plans]
    else:
        layers = _names(layers, "layers", bad) or []
    unknown = [k for k in layers if k not in layer_keys]
    if unknown:
        bad("layers", f"unknown layer(s) {strip_controls(', '.join(unknown))[:200]}")
    highlight = raw.get("highlight") or []
    highlight = _names(highlight, "highlight", bad) or []
    missing = [h for h in highlight if h not in feature_ids]
    if missing:
        bad("highlight", f"unknown feature id(s) {strip_controls(', '.join(missing))[:200]}")
    if len(problems) > before:
        return None
    return Scene(
        id=sid,
        title_zh=texts["title_zh"],
        title_en=texts["title_en"] or texts["title_zh"],
        subtitle_zh=texts["subtitle_zh"],
        subtitle_en=texts["subtitle_en"] or texts["subtitle_zh"],
        region=region,
        extent=tuple(float(v) for v in extent) if extent else None,
        layers=tuple(layers),
        highlight=tuple(highlight),
        notes_zh=texts["notes_zh"],
        notes_en=texts["notes_en"],
    )


def _head_text(head: dict, name: str, fallback: str) -> str:
    value = head.get(name)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        return strip_controls(value)[:MAX_TITLE]
    return fallback


def deck_from_text(text: str, version: str, path: Path, layer_keys: list[str], feature_ids: set[str]) -> Deck:
    """A Deck from the text of a scenes file; every problem is reported, none raised."""
    file = _rel(path)
    problems: list[Problem] = []
    empty = Deck(path.stem, path.stem, path.stem, path, [], problems, version, readable=False)
    try:
        doc = load_yaml(text, source=file, max_bytes=MAX_FILE_BYTES)
    except YamlError as exc:
        problems.append(Problem(file, "-", "-", f"cannot read scenes file: {exc}"))
        return empty
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        problems.append(
            Problem(
                file, "-", "-", f"a scenes file must be a mapping with 'deck:' and 'scenes:', not {type(doc).__name__}"
            )
        )
        return empty
    head, raw = doc.get("deck") or {}, doc.get("scenes") or []
    if not isinstance(head, dict):
        problems.append(Problem(file, "-", "deck", "must be a mapping with id, title_zh, title_en"))
        head = {}
    if not isinstance(raw, list):
        problems.append(Problem(file, "-", "scenes", "must be a list of scenes"))
        empty.problems = problems
        return empty
    deck_id = head.get("id")
    if deck_id is not None and not (isinstance(deck_id, str) and _ID_RE.match(deck_id)):
        problems.append(Problem(file, "-", "deck.id", "must be lowercase ASCII [a-z0-9-]"))
        deck_id = None
    scenes, seen = [], set()
    for i, entry in enumerate(raw):
        scene = parse_scene(entry, i, file, layer_keys, feature_ids, problems)
        if scene is None:
            continue
        if scene.id in seen:
            problems.append(Problem(file, scene.id, "id", "duplicate scene id"))
            continue
        seen.add(scene.id)
        scenes.append(scene)
    title_zh = _head_text(head, "title_zh", path.stem)
    return Deck(
        id=deck_id or path.stem,
        title_zh=title_zh,
        title_en=_head_text(head, "title_en", title_zh),
        path=path,
        scenes=scenes,
        problems=problems,
        version=version,
        raw=raw,
    )


def load_deck(path: Path, layer_keys: list[str], feature_ids: set[str]) -> Deck:
    """Read one deck file; invalid scenes are skipped and listed in ``problems``."""
    try:
        text, version = read_versioned(path, max_bytes=MAX_FILE_BYTES)
    except OSError as exc:
        problem = Problem(_rel(path), "-", "-", f"cannot read scenes file: {exc}")
        return Deck(path.stem, path.stem, path.stem, path, [], [problem], "", readable=False)
    return deck_from_text(text, version, path, layer_keys, feature_ids)


def load_decks(layer_keys: list[str], feature_ids: set[str], folder: Path | None = None) -> dict[str, Deck]:
    """Every deck in ``folder`` (default: ``GEO_APP_SCENES`` or ``scenes/``) keyed by deck id."""
    from geo_app.paths import scenes_dir

    folder = folder or scenes_dir()
    decks = [load_deck(p, layer_keys, feature_ids) for p in sorted(folder.glob("*.yaml")) if not p.name.startswith(".")]
    return {d.id: d for d in decks}


# ----------------------------------------------------------------------------- writing


def scene_to_dict(scene: Scene) -> dict[str, Any]:
    """The YAML mapping of one scene (empty fields left out, extent rounded to 4 decimals)."""
    data: dict[str, Any] = {"id": scene.id, "title_zh": scene.title_zh, "title_en": scene.title_en}
    if scene.subtitle_zh:
        data["subtitle_zh"] = scene.subtitle_zh
    if scene.subtitle_en:
        data["subtitle_en"] = scene.subtitle_en
    if scene.region:
        data["region"] = scene.region
    if scene.extent:
        data["extent"] = [round(v, 4) for v in scene.extent]
    data["layers"] = list(scene.layers)
    if scene.highlight:
        data["highlight"] = list(scene.highlight)
    if scene.notes_zh:
        data["notes_zh"] = scene.notes_zh
    if scene.notes_en:
        data["notes_en"] = scene.notes_en
    return data


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key (``scenes:\\n  - id: ...``), as the hand-written decks do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)

    def represent_list(self, data: list) -> yaml.SequenceNode:
        """Lists of plain values on one line (``layers: [a, b]``), mappings in block style."""
        flat = all(isinstance(v, (str, int, float, bool)) or v is None for v in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_Dumper.add_representer(list, _Dumper.represent_list)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)


def scene_to_yaml(scene: Scene) -> str:
    """The YAML block of one scene (a list item under ``scenes:``, indented by two spaces)."""
    text = _dump([scene_to_dict(scene)])
    return "".join("  " + line if line.strip() else line for line in text.splitlines(keepends=True))


def _leading_comments(text: str) -> str:
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def _rewrite(text: str, raw: list[Any]) -> str:
    """The file with its scene list replaced by ``raw``: header comments and other keys kept
    (``text`` was validated by ``deck_from_text`` already)."""
    doc = load_yaml(text, source="scenes", max_bytes=MAX_FILE_BYTES) or {}
    doc = {**doc, "scenes": raw}  # keeps the key's place when it exists
    return _leading_comments(text) + _dump(doc)


def _appended(text: str, scene: Scene, raw: list[Any]) -> str:
    """``text`` with ``scene`` appended as text (comments and layout kept) when that parses to
    exactly the old scenes plus the new one; otherwise the whole file re-dumped."""
    block = scene_to_yaml(scene)
    candidate = (text if text.endswith("\n") or not text else text + "\n") + block
    try:
        doc = load_yaml(candidate, source="-", max_bytes=MAX_FILE_BYTES + len(block))
    except YamlError:
        doc = None
    if isinstance(doc, dict) and doc.get("scenes") == [*raw, scene_to_dict(scene)]:
        return candidate
    return _rewrite(text, [*raw, scene_to_dict(scene)])


def _confirm(path: Path, layer_keys: list[str], feature_ids: set[str], scene: Scene | None) -> Saved:
    """Read the file back; the save is confirmed only when it shows ``scene`` exactly."""
    deck = load_deck(path, layer_keys, feature_ids)
    if scene is None:
        return Saved(deck)
    found = next((s for s in deck.scenes if s.id == scene.id), None)
    if found != scene:
        raise SaveNotConfirmedError("scene_not_confirmed", {"path": _rel(path), "id": scene.id})
    return Saved(deck, found)


def _validated(scene: Scene, path: Path, layer_keys: list[str], feature_ids: set[str]) -> Scene:
    """``scene`` as it will read back from the file (extent rounded), or SceneError."""
    problems: list[Problem] = []
    parsed = parse_scene(scene_to_dict(scene), 0, _rel(path), layer_keys, feature_ids, problems)
    if parsed is None:
        raise SceneError("scene_invalid", {"problems": "; ".join(str(p) for p in problems)})
    return parsed


def _current(path: Path, layer_keys: list[str], feature_ids: set[str]) -> tuple[str, Deck]:
    """The file's text and deck, read under the lock; SceneError when it is not a deck."""
    text, version = read_versioned(path, max_bytes=MAX_FILE_BYTES)
    deck = deck_from_text(text, version, path, layer_keys, feature_ids)
    if not deck.readable:
        detail = "; ".join(str(p) for p in deck.problems)
        raise SceneError("scene_file_unusable", {"path": _rel(path), "problems": detail})
    return text, deck


def new_scene_id(deck: Deck) -> str:
    """A fresh ASCII id for a scene saved from the app (unused by any entry of the file)."""
    base = re.sub(r"[^a-z0-9-]+", "-", deck.id.lower()).strip("-")[:40] or "deck"
    base = f"{base}-saved"
    ids = {s.id for s in deck.scenes} | deck.all_ids()
    n = 1
    while f"{base}-{n}" in ids:
        n += 1
    return f"{base}-{n}"


def append_scene(
    path: Path,
    scene: Scene,
    layer_keys: list[str],
    feature_ids: set[str],
    *,
    new_id: bool = False,
    timeout: float = 10.0,
) -> Saved:
    """Append ``scene`` to the deck file at ``path`` and return it as read back from disk.

    With ``new_id`` the scene gets a fresh id allocated under the lock (what the app wants: two
    people saving at once get two ids); otherwise its id must be new (SceneError). Appending
    never overwrites anyone's edit, so it needs no expected version.
    """
    _validated(scene, path, layer_keys, feature_ids)
    with locked(path, timeout=timeout):
        remove_stale_temp_files(path)
        text, deck = _current(path, layer_keys, feature_ids)
        if new_id:
            scene = replace(scene, id=new_scene_id(deck))
        elif scene.id in deck.all_ids():
            raise SceneError("scene_exists", {"path": _rel(path), "id": scene.id})
        expected = _validated(scene, path, layer_keys, feature_ids)
        atomic_write_text(path, _appended(text, scene, deck.raw))
        return _confirm(path, layer_keys, feature_ids, expected)


def diff_decks(base: Deck, current: Deck) -> list[Change]:
    """What changed from ``base`` to ``current``: scenes added, removed, edited (fields), order, header."""

    def by_id(deck: Deck) -> dict[str, Any]:
        return {str(r.get("id")): r for r in deck.raw if isinstance(r, dict)}

    old, new = by_id(base), by_id(current)
    changes = [Change("added", i) for i in new if i not in old]
    changes += [Change("removed", i) for i in old if i not in new]
    for i in old.keys() & new.keys():
        if old[i] != new[i]:
            fields = sorted(k for k in old[i].keys() | new[i].keys() if old[i].get(k) != new[i].get(k))
            changes.append(Change("edited", i, tuple(str(f) for f in fields)))
    kept = [i for i in old if i in new]
    if kept != [i for i in new if i in old]:
        changes.append(Change("moved"))
    if (base.id, base.title_zh, base.title_en) != (current.id, current.title_zh, current.title_en):
        changes.append(Change("deck"))
    return changes


def _edit(
    path: Path,
    layer_keys: list[str],
    feature_ids: set[str],
    expected_version: str,
    base: Deck | None,
    scene_id: str,
    change,
    order_matters: bool = False,
) -> list[Any]:
    """Run ``change(raw, index)`` on the scene list (call under the lock) and write the result;
    ConflictError when the file is no longer at ``expected_version``. The edit is mergeable
    when the changes since ``base`` leave its scene alone (and the order, for a move)."""
    text, deck = _current(path, layer_keys, feature_ids)
    if deck.version != expected_version:
        changes = diff_decks(base, deck) if base is not None else []
        touched = {c.scene_id for c in changes if c.kind != "moved"}
        reordered = order_matters and any(c.kind == "moved" for c in changes)
        mergeable = base is not None and scene_id in deck.all_ids() and scene_id not in touched and not reordered
        raise ConflictError(path, deck, changes, mergeable)
    index = next((i for i, r in enumerate(deck.raw) if isinstance(r, dict) and r.get("id") == scene_id), None)
    if index is None:
        raise SceneError("scene_not_found", {"path": _rel(path), "id": scene_id})
    raw = change(list(deck.raw), index)
    atomic_write_text(path, _rewrite(text, raw))
    return raw


def update_scene(
    path: Path,
    scene: Scene,
    layer_keys: list[str],
    feature_ids: set[str],
    *,
    expected_version: str,
    base: Deck | None = None,
    timeout: float = 10.0,
) -> Saved:
    """Replace the scene with ``scene.id`` by ``scene``, if the file is still at ``expected_version``.

    ``base`` (the deck the edit started from) lets a ConflictError list what changed.
    """
    expected = _validated(scene, path, layer_keys, feature_ids)

    def change(raw: list[Any], i: int) -> list[Any]:
        raw[i] = scene_to_dict(scene)
        return raw

    with locked(path, timeout=timeout):
        remove_stale_temp_files(path)
        _edit(path, layer_keys, feature_ids, expected_version, base, scene.id, change)
        return _confirm(path, layer_keys, feature_ids, expected)


def delete_scene(
    path: Path,
    scene_id: str,
    layer_keys: list[str],
    feature_ids: set[str],
    *,
    expected_version: str,
    base: Deck | None = None,
    timeout: float = 10.0,
) -> Saved:
    """Remove the scene ``scene_id``, if the file is still at ``expected_version``."""

    def change(raw: list[Any], i: int) -> list[Any]:
        del raw[i]
        return raw

    with locked(path, timeout=timeout):
        remove_stale_temp_files(path)
        _edit(path, layer_keys, feature_ids, expected_version, base, scene_id, change)
        saved = _confirm(path, layer_keys, feature_ids, None)
        if scene_id in saved.deck.all_ids():
            raise SaveNotConfirmedError("scene_not_confirmed", {"path": _rel(path), "id": scene_id})
        return saved


def move_scene(
    path: Path,
    scene_id: str,
    new_index: int,
    layer_keys: list[str],
    feature_ids: set[str],
    *,
    expected_version: str,
    base: Deck | None = None,
    timeout: float = 10.0,
) -> Saved:
    """Move the scene ``scene_id`` to position ``new_index`` (clamped), if the file is still at
    ``expected_version``."""

    def change(raw: list[Any], i: int) -> list[Any]:
        entry = raw.pop(i)
        raw.insert(max(0, min(int(new_index), len(raw))), entry)
        return raw

    with locked(path, timeout=timeout):
        remove_stale_temp_files(path)
        raw = _edit(path, layer_keys, feature_ids, expected_version, base, scene_id, change, order_matters=True)
        saved = _confirm(path, layer_keys, feature_ids, None)
        if [r.get("id") for r in saved.deck.raw if isinstance(r, dict)] != [
            r.get("id") for r in raw if isinstance(r, dict)
        ]:
            raise SaveNotConfirmedError("scene_not_confirmed", {"path": _rel(path), "id": scene_id})
        moved = next((s for s in saved.deck.scenes if s.id == scene_id), None)
        return Saved(saved.deck, moved)


def scene_from_view(
    deck: Deck,
    title_zh: str,
    title_en: str,
    notes: str,
    lang: str,
    region: str,
    layers: tuple[str, ...],
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> Scene:
    """A new scene of ``deck`` for what the app shows: the map's extent when the view is known,
    else the region; notes go to the language they were written in. Texts lose control and
    bidi characters; ``append_scene(..., new_id=True)`` gives the final id."""
    extent = extent_for_view(center, zoom) if center and zoom else None
    title_zh, title_en, notes = (strip_controls(s).strip() for s in (title_zh, title_en, notes))
    return Scene(
        id=new_scene_id(deck),
        title_zh=title_zh,
        title_en=title_en or title_zh,
        region=None if extent else region,
        extent=extent,
        layers=tuple(layers),
        notes_zh=notes if lang == "zh" else "",
        notes_en=notes if lang == "en" else "",
    )


# ----------------------------------------------------------------------------- view maths (web mercator)

_TILE = 256


def _merc_y(lat: float) -> float:
    import math

    s = math.sin(math.radians(max(min(lat, 85.0), -85.0)))
    return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)


def zoom_for_bounds(bounds: list[list[float]], width_px: int = 1100, height_px: int = 720) -> int:
    """The largest integer zoom at which ``[[s, w], [n, e]]`` fits a map of the given size."""
    import math

    (s, w), (n, e) = bounds
    dx = max((e - w) / 360.0, 1e-9)
    dy = max(abs(_merc_y(s) - _merc_y(n)), 1e-9)
    z = min(math.log2(width_px * 0.9 / (_TILE * dx)), math.log2(height_px * 0.9 / (_TILE * dy)))
    return int(max(3, min(18, math.floor(z))))


def extent_for_view(
    center: tuple[float, float], zoom: int, width_px: int = 1100, height_px: int = 720
) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) shown by a map at ``center`` and ``zoom``."""
    import math

    lat, lon = center
    scale = _TILE * 2**zoom
    half_w = width_px / 2 / scale * 360.0
    y = _merc_y(lat)
    dy = height_px / 2 / scale

    def inv(v: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * v))))

    return (lon - half_w, inv(y + dy), lon + half_w, inv(y - dy))
