"""The change history of a plan's catalog: who changed which items, when, what and why; and undo.

One append-only JSON-lines file per catalog file, in a ``history`` folder beside it:
``layers/<plan>.yaml`` -> ``layers/history/<plan>.jsonl`` (``history_path``). Each line is an
``Entry``: when (UTC, ISO 8601), who (the name the reviewer typed; "anonymous" when none),
the plan, the action (draft, accept, edit, counties, place, merge, reject, add, undo), the ids
of every feature the save changed with each one's fields, the features before and after
(``null``: the feature did not exist), the reviewer's reason and the file versions.

Entries are written only by ``review.save`` (and ``record_draft``) while the catalog file's
lock is held, so the history and the file never disagree; the file is rewritten atomically.
A damaged line is skipped when reading, never fatal. ``undo`` applies the inverse of an entry
(the features as they were) through ``review.save``, so an undo is itself an entry.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from geo_app.escaping import strip_controls
from geo_app.fileio import atomic_write_bytes, locked
from geo_app.messages import LocalizedError
from geo_app.workbench.document import CatalogDoc, load_doc, rel
from geo_app.workbench.edits import Changes, Restore, changed_fields

HISTORY_DIR = "history"
ANONYMOUS = "anonymous"
MAX_WHO = 80
MAX_WHY = 1000


class HistoryError(LocalizedError, ValueError):
    """An undo that cannot be done (unknown entry, items changed since)."""


@dataclass(frozen=True)
class Entry:
    """One saved change of a catalog file."""

    id: str
    when: str  # UTC, ISO 8601
    who: str
    plan: str
    file: str
    action: str
    ids: list[str]
    fields: dict[str, list[str]]  # feature id -> changed keys
    before: dict[str, dict[str, Any] | None]
    after: dict[str, dict[str, Any] | None]
    positions: dict[str, int]
    why: str = ""
    version_before: str = ""
    version_after: str = ""
    undo_of: str | None = None
    texts: dict[str, str] = field(default_factory=dict)  # the changed features' blocks before (exact undo)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> Entry | None:
        """An entry from one line; None for a damaged or foreign line."""
        try:
            raw = json.loads(line)
            entry = cls(**raw)
        except (ValueError, TypeError):
            return None
        ok = isinstance(entry.ids, list) and isinstance(entry.before, dict) and isinstance(entry.after, dict)
        return entry if ok else None


def history_path(catalog_path: Path | str) -> Path:
    """``<folder>/history/<file stem>.jsonl`` for the catalog file ``<folder>/<file stem>.yaml``."""
    p = Path(catalog_path)
    return p.parent / HISTORY_DIR / f"{p.stem}.jsonl"


def who_or_anonymous(who: str | None) -> str:
    """The reviewer's name as recorded: no control characters, trimmed, "anonymous" when empty."""
    name = strip_controls(who or "").strip()[:MAX_WHO]
    return name or ANONYMOUS


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def make_entry(doc_before: CatalogDoc, changes: Changes, *, who: str, why: str, action: str,
               version_after: str, undo_of: str | None = None) -> Entry:  # fmt: skip
    """The entry for a save that turned ``doc_before`` into a file at ``version_after``."""
    from geo_app.workbench.document import feature_blocks

    when = now()
    blocks = feature_blocks(doc_before)
    return Entry(
        id=f"{when.replace('-', '').replace(':', '')[:15]}-{secrets.token_hex(3)}",
        when=when,
        who=who_or_anonymous(who),
        plan=doc_before.plan_id,
        file=doc_before.path.name,
        action=action,
        ids=changes.ids,
        fields={i: changed_fields(changes.before[i], changes.after[i]) for i in changes.ids},
        before=changes.before,
        after=changes.after,
        positions=changes.positions,
        why=strip_controls(why or "").strip()[:MAX_WHY],
        version_before=doc_before.version,
        version_after=version_after,
        undo_of=undo_of,
        texts={i: blocks[i] for i in changes.ids if i in blocks},
    )


def append(catalog_path: Path | str, entry: Entry) -> Path:
    """Add ``entry`` to the history of ``catalog_path``; call while holding ``locked(catalog_path)``."""
    path = history_path(catalog_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = b""
    if old and not old.endswith(b"\n"):
        old += b"\n"  # a torn last line stays a separate (skipped) line
    return atomic_write_bytes(path, old + entry.to_json().encode("utf-8") + b"\n")


def read(catalog_path: Path | str) -> list[Entry]:
    """Every readable entry, oldest first (damaged lines skipped)."""
    try:
        text = history_path(catalog_path).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    entries = (Entry.from_json(line) for line in text.splitlines() if line.strip())
    return [e for e in entries if e is not None]


def find(catalog_path: Path | str, entry_id: str) -> Entry | None:
    return next((e for e in read(catalog_path) if e.id == entry_id), None)


def undone(entries: list[Entry]) -> set[str]:
    """Ids of entries that a later entry undid."""
    return {e.undo_of for e in entries if e.undo_of}


def record_draft(catalog_path: Path | str, who: str, why: str = "") -> Entry:
    """Record a freshly drafted catalog file (every feature new) as the first entry of its history."""
    from geo_app.workbench.edits import changes

    with locked(catalog_path):
        doc = load_doc(catalog_path)
        empty = CatalogDoc(doc.path, "", "", doc.header, ())
        entry = make_entry(empty, changes([], list(doc.features)), who=who, why=why, action="draft",
                           version_after=doc.version)  # fmt: skip
        append(catalog_path, entry)
    return entry


def _stale_check(entry: Entry) -> Callable[[CatalogDoc], None]:
    """Under the lock: refuse when an item of ``entry`` changed after it (undo would overwrite that)."""

    def check(current: CatalogDoc) -> None:
        stale = [i for i in entry.ids if current.feature(i) != entry.after.get(i)]
        if stale:
            raise HistoryError("wb_undo_stale", {"path": rel(current.path), "ids": ", ".join(stale)})

    return check


def undo(catalog_path: Path | str, entry_id: str, who: str, why: str = "", timeout: float = 10.0):
    """Restore the items of entry ``entry_id`` as they were before it; returns ``review.Saved``.

    Refused (``HistoryError``) when the entry is unknown or one of its items changed since.
    """
    from geo_app.workbench import review

    entry = find(catalog_path, entry_id)
    if entry is None:
        raise HistoryError("wb_undo_unknown", {"path": rel(Path(catalog_path)), "id": entry_id})
    if entry.action == "draft":
        raise HistoryError("wb_undo_draft", {"path": rel(Path(catalog_path))})
    base = load_doc(catalog_path)
    restore = Restore(entry.before, entry.positions, entry.texts)
    return review.save(catalog_path, base, [restore], who=who, why=why, action="undo", undo_of=entry.id,
                       precheck=_stale_check(entry), timeout=timeout)  # fmt: skip
