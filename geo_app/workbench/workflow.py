"""From a plan document to a draft catalog file: what ``python -m geo_app draft`` does.

Quotes must be checkable against a plan text in ``data/plans/`` of the catalog's project (the
folder holding the catalog folder) or of the app's repository (the catalog's ``text``). A UTF-8
.txt already there is used as it is; any other document (a .docx, a PDF, a GBK text, a file
elsewhere) is saved to the project's ``data/plans/`` first as UTF-8, exactly as imported, so
every quote is a substring of the saved text.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from geo_app.catalog import text_roots
from geo_app.fileio import check_output_path
from geo_app.paths import ROOT
from geo_app.workbench import catalog_writer
from geo_app.workbench.draft import Draft, draft_plan
from geo_app.workbench.importer import read_document

PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class DraftResult:
    """What was written, for the one-line summary."""

    out: Path
    text_path: Path
    text_written: bool
    draft: Draft
    seconds: float

    def summary(self) -> str:
        kinds = Counter(item.location for item in self.draft.items)
        parts = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        saved = f"; saved the plan text to {_rel(self.text_path)}" if self.text_written else ""
        return (
            f"wrote {self.out}: {len(self.draft.items)} draft features ({parts}) in {self.seconds:.1f} s{saved}; "
            "review them, then run python -m geo_app check"
        )


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path.resolve())


def _text_of_record(plan_file: Path, text: str, kind: str, encoding: str | None, plan_id: str,
                    text_out: str | None, force: bool, out: Path) -> tuple[Path, bool]:  # fmt: skip
    """The plan text quotes are checked against: the uploaded UTF-8 text itself when it already
    sits in a ``data/plans/`` the catalog can see, else saved to ``data/plans/<id>.txt`` of the
    catalog's project (the folder holding the catalog folder)."""
    roots = text_roots(out.parent)
    inside = any(plan_file.resolve().parent == root / "data" / "plans" for root in roots)
    if kind == "txt" and encoding == "utf-8" and inside and not text_out:
        return plan_file.resolve(), False
    target = Path(text_out) if text_out else roots[0] / "data" / "plans" / f"{plan_id}.txt"
    if target.is_file() and target.read_text(encoding="utf-8", errors="replace") == text:
        return target, False  # the same text was saved before
    target.parent.mkdir(parents=True, exist_ok=True)
    catalog_writer.write_atomic(target, text, force=force)  # another text there: only with --force
    return target, True


def _text_ref(text_path: Path, out: Path) -> str:
    """The catalog's ``text`` entry: relative to the first root that holds the file."""
    for root in text_roots(out.parent):
        if text_path.resolve().is_relative_to(root):
            return str(text_path.resolve().relative_to(root))
    raise ValueError(f"the plan text {text_path} must be inside {out.parent.parent} or the app's repository")


def draft_file(plan_file: str | Path, plan_id: str, regions: list[str], out: str | Path,
               text_out: str | None = None, force: bool = False, **header: str | None) -> DraftResult:  # fmt: skip
    """Import ``plan_file``, draft its items for ``regions`` and write the catalog to ``out``."""
    started = time.perf_counter()
    if not PLAN_ID.match(plan_id):
        raise ValueError(f"plan id {plan_id!r}: use lowercase ASCII letters, digits and '-' (e.g. my-plan-2025)")
    out = check_output_path(out, force)
    doc = read_document(plan_file)
    draft = draft_plan(doc.text, regions, plan_id)
    text_path, written = _text_of_record(
        Path(plan_file), doc.text, doc.kind, doc.encoding, plan_id, text_out, force, Path(out)
    )
    ref = _text_ref(text_path, Path(out))
    head = catalog_writer.guess_header(doc.text, plan_id, list(draft.gazetteer.regions), ref, **header)
    comment = (
        f"Draft catalog of {head['title_zh']}, written by `python -m geo_app draft` from {Path(plan_file).name}.\n"
        "Every feature is a proposal (review: draft): check its name, category, counties and location,\n"
        "fill in the English names, then set review: reviewed. Header fields read from the text are guesses."
    )
    features = [catalog_writer.feature_dict(item) for item in draft.items]
    catalog_writer.write_catalog(out, head, features, comment, force=force)
    return DraftResult(out, text_path, written, draft, time.perf_counter() - started)
