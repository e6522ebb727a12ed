"""Save reviewed edits to a plan's catalog file: locked, version-checked, validated, atomic, recorded.

``save(path, base, edits, who=, why=)`` is the one way the workbench writes a catalog file:

1. take the file's cross-process lock (``fileio.locked``) and read the file;
2. if it is no longer at ``base.version`` (someone saved meanwhile), raise ``ConflictError``
   listing the items that changed and whether the edits touch none of them (``mergeable``:
   saving the same edits with ``base=err.current`` merges them; otherwise the user redoes them);
3. apply the edits (``edits``) and write the new text (``document.render``) into a temporary
   copy of the catalog folder, then validate the whole folder exactly as ``python -m geo_app
   check`` does (``catalog.load_catalog``); problems the file did not have before refuse the
   save (``InvalidEdit``, each problem naming file, feature id and field);
4. write the file atomically, read it back and confirm it holds exactly the new features;
5. append a history entry (``history``) and return the saved document as read back.

Nothing is ever overwritten silently and a confirmation is given only after the re-read.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geo_app.catalog import Problem, load_catalog
from geo_app.fileio import atomic_write_text, locked, remove_stale_temp_files
from geo_app.messages import LocalizedError, Message
from geo_app.workbench import history
from geo_app.workbench.document import CatalogDoc, load_doc, rel, render
from geo_app.workbench.edits import Edit, EditError, apply_all, changed_fields, changes


class InvalidEdit(LocalizedError, ValueError):
    """The edited catalog would not pass ``check``; ``problems`` lists the new problems."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.path, self.problems = path, problems
        super().__init__("wb_invalid", {"path": rel(path), "problems": "; ".join(str(p) for p in problems)})

    def __reduce__(self):
        return (self.__class__, (self.path, self.problems))


class NotConfirmedError(LocalizedError, OSError):
    """The file was written but does not read back as saved: the save is not confirmed."""


@dataclass(frozen=True)
class Change:
    """An item that changed in the file since the user's edit started."""

    feature_id: str
    kind: str  # added | removed | edited | header
    fields: tuple[str, ...] = ()

    def message(self) -> Message:
        return Message(f"wb_change_{self.kind}", {"id": self.feature_id, "fields": ", ".join(self.fields)})


class ConflictError(LocalizedError):
    """The file changed since ``base``: ``changes`` says how, ``current`` is the file now,
    ``mergeable`` whether the edits leave every changed item alone (save again with
    ``base=current`` to merge)."""

    def __init__(self, path: Path, current: CatalogDoc, changes: list[Change], mergeable: bool):
        self.path, self.current, self.changes, self.mergeable = path, current, changes, mergeable
        listed = [c.message() for c in changes] or [Message("wb_change_unknown")]
        super().__init__("wb_conflict", {"path": rel(path), "changes": listed})

    def __reduce__(self):
        return (self.__class__, (self.path, self.current, self.changes, self.mergeable))


@dataclass(frozen=True)
class Saved:
    """A confirmed save: the file as read back, and its history entry (None: nothing changed)."""

    doc: CatalogDoc
    entry: history.Entry | None

    @property
    def version(self) -> str:
        return self.doc.version


# ----------------------------------------------------------------------------- validation


def catalog_problems(folder: Path, replace: tuple[str, str] | None = None) -> list[Problem]:
    """Every problem ``check`` reports for the catalog folder, optionally with one file's text
    replaced (``(file name, text)``): the folder is copied to a temporary one for that."""
    if replace is None:
        return load_catalog(folder, strict=False).problems
    name, text = replace
    with tempfile.TemporaryDirectory(prefix="geo-app-check-") as tmp:
        tmp_dir = Path(tmp)
        for p in folder.glob("*.yaml"):
            if p.is_file() and p.name != name:
                shutil.copyfile(p, tmp_dir / p.name)
        (tmp_dir / name).write_text(text, encoding="utf-8")
        problems = load_catalog(tmp_dir, strict=False).problems
        where = {str(q): rel(folder / p.name) for p in tmp_dir.glob("*.yaml") for q in (p, p.resolve())}
    return [Problem(where.get(p.file, p.file), p.feature_id, p.field, p.message) for p in problems]


def new_problems(path: Path, text: str) -> list[Problem]:
    """Problems the catalog folder would have with ``text`` as ``path`` and does not have now."""
    folder = path.parent
    before = {str(p) for p in catalog_problems(folder)}
    return [p for p in catalog_problems(folder, (path.name, text)) if str(p) not in before]


# ----------------------------------------------------------------------------- conflicts


def diff_docs(base: CatalogDoc, current: CatalogDoc) -> list[Change]:
    """What changed from ``base`` to ``current``: items added, removed, edited; the header."""
    delta = changes(list(base.features), list(current.features))
    out = [Change("plan", "header")] if base.header != current.header else []
    for fid in delta.ids:
        old, new = delta.before[fid], delta.after[fid]
        kind = "added" if old is None else "removed" if new is None else "edited"
        out.append(Change(fid, kind, tuple(changed_fields(old, new)) if kind == "edited" else ()))
    return out


def touched(base: CatalogDoc, edits: list[Edit]) -> set[str]:
    """Ids of the items the edits change when applied to ``base``."""
    return set(changes(list(base.features), apply_all(edits, list(base.features))).ids)


def _conflict(path: Path, base: CatalogDoc, current: CatalogDoc, edits: list[Edit]) -> ConflictError:
    found = diff_docs(base, current)
    moved = {c.feature_id for c in found}
    try:
        mine = touched(base, edits)
        apply_all(edits, list(current.features))
        mergeable = not (mine & moved) and base.header == current.header
    except EditError:
        mergeable = False
    return ConflictError(path, current, found, mergeable)


# ----------------------------------------------------------------------------- saving


def save(path: Path | str, base: CatalogDoc | None, edits: list[Edit], *, who: str, why: str = "",
         action: str | None = None, undo_of: str | None = None, precheck: Callable[[CatalogDoc], None] | None = None,
         timeout: float = 10.0) -> Saved:  # fmt: skip
    """Apply ``edits`` to the catalog file at ``path`` if it is still at ``base.version`` (see the
    module doc). ``base`` None applies them to the file as it is (undo, after ``precheck`` looked
    at it under the lock). Returns the file as read back and its history entry."""
    path = Path(path)
    action = action or (edits[0].action if len(edits) == 1 else "edit")
    with locked(path, timeout=timeout):
        remove_stale_temp_files(path)
        current = load_doc(path)
        if base is not None and current.version != base.version:
            raise _conflict(path, base, current, edits)
        if precheck is not None:
            precheck(current)
        new = apply_all(edits, list(current.features))
        delta = changes(list(current.features), new)
        if not delta.ids:
            return Saved(current, None)
        hints = {k: v for e in edits for k, v in getattr(e, "texts", {}).items()}
        text = render(current, new, hints)
        problems = new_problems(path, text)
        if problems:
            raise InvalidEdit(path, problems)
        atomic_write_text(path, text)
        saved = load_doc(path)
        if list(saved.features) != new:
            raise NotConfirmedError("wb_not_confirmed", {"path": rel(path)})
        entry = history.make_entry(current, delta, who=who, why=why, action=action, version_after=saved.version,
                                   undo_of=undo_of)  # fmt: skip
        history.append(path, entry)
        return Saved(saved, entry)
