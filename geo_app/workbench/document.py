"""One plan's catalog file as the review store sees it: its text, version, header and features.

``load_doc`` reads the file once (``fileio.read_versioned``): the version is the content hash of
exactly the bytes parsed, so a save can tell whether the file moved on. ``render`` writes a new
feature list back into the file's text block by block: the header, its comments and every
feature an edit did not change keep their bytes (hand-made catalogs keep their section
comments); changed and new features are written by ``catalog_writer.feature_yaml``. When the
text cannot be split safely (an unusual layout) the whole file is written by
``catalog_writer.catalog_yaml`` with its leading comment kept. Either way the result is parsed
again and must give exactly the new features.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo_app.fileio import read_versioned
from geo_app.messages import LocalizedError
from geo_app.paths import ROOT
from geo_app.safeyaml import YamlError, load_yaml
from geo_app.workbench import catalog_writer

#: Feature keys in the order of layers/SCHEMA.md (unknown keys follow, as they were).
KEY_ORDER = (
    "id", "name_zh", "name_en", "label_zh", "label_en", "category", "section", "quote", "counties", "status",
    "location", "geometry", "location_source", "location_source_zh", "outside_region", "within", "related",
    "review", "note_en", "note_zh",
)  # fmt: skip
GEOMETRY_ORDER = ("recipe", "at", "lonlat", "near", "buffer_km", "width", "clip")
MAX_BYTES = 2_000_000


class DocError(LocalizedError, ValueError):
    """A file that is not a plan catalog the workbench can edit (one line naming it)."""


@dataclass(frozen=True)
class CatalogDoc:
    """A plan catalog file as read: ``version`` is the content hash of ``text``."""

    path: Path
    text: str
    version: str
    header: dict[str, Any]
    features: tuple[dict[str, Any], ...]

    @property
    def plan_id(self) -> str:
        return str(self.header.get("id", ""))

    def ids(self) -> list[str]:
        return [str(f.get("id")) for f in self.features]

    def feature(self, feature_id: str) -> dict[str, Any] | None:
        """A copy of the feature ``feature_id`` (None when the file has none)."""
        found = next((f for f in self.features if f.get("id") == feature_id), None)
        return copy.deepcopy(found) if found is not None else None

    def index(self, feature_id: str) -> int | None:
        return next((i for i, f in enumerate(self.features) if f.get("id") == feature_id), None)


def rel(path: Path) -> str:
    """``path`` relative to the repository when inside it (for messages)."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def parse(path: Path, text: str, version: str) -> CatalogDoc:
    """A CatalogDoc from the file's text; DocError when it is no catalog with a feature list."""
    try:
        doc = load_yaml(text, source=rel(path), max_bytes=MAX_BYTES)
    except YamlError as exc:
        raise DocError("wb_not_catalog", {"path": rel(path), "detail": str(exc)}) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("plan"), dict):
        raise DocError("wb_not_catalog", {"path": rel(path), "detail": "no 'plan' header"})
    features = doc.get("features") or []
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise DocError("wb_not_catalog", {"path": rel(path), "detail": "'features' is not a list of mappings"})
    return CatalogDoc(Path(path), text, version, doc["plan"], tuple(features))


def load_doc(path: Path | str) -> CatalogDoc:
    """Read a catalog file (one read: text and version agree)."""
    text, version = read_versioned(path, max_bytes=MAX_BYTES)
    return parse(Path(path), text, version)


def catalog_files(folder: Path) -> list[Path]:
    """The plan catalog files of a catalog folder (``styles.yaml`` and hidden files left out)."""
    return sorted(p for p in Path(folder).glob("*.yaml") if p.name != "styles.yaml" and not p.name.startswith("."))


def ordered(feature: dict[str, Any]) -> dict[str, Any]:
    """``feature`` with its keys (and its geometry's keys) in schema order."""
    out = {k: feature[k] for k in KEY_ORDER if k in feature}
    out.update({k: v for k, v in feature.items() if k not in out})
    geom = out.get("geometry")
    if isinstance(geom, dict):
        g = {k: geom[k] for k in GEOMETRY_ORDER if k in geom}
        g.update({k: v for k, v in geom.items() if k not in g})
        out["geometry"] = g
    return out


# ----------------------------------------------------------------------------- writing


def _is_gap(line: str) -> bool:
    """A blank or comment line between feature blocks (it stays where it is)."""
    return not line.strip() or line.lstrip().startswith("#")


def split_blocks(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(the text up to the first feature, [(feature block, the blank/comment lines after it)]),
    or None when the features are not a block list indented by two spaces after ``features:``."""
    lines = text.splitlines(keepends=True)
    head_end = next((i for i, ln in enumerate(lines) if ln.rstrip() == "features:"), None)
    if head_end is None:
        return None
    starts = [i for i in range(head_end + 1, len(lines)) if lines[i].startswith("  - ")]
    body = lines[head_end + 1 :]
    if not starts or any(ln.strip() and not ln.startswith((" ", "#")) for ln in body):
        return None  # no features, or another top-level key after them
    if any(not _is_gap(ln) for ln in lines[head_end + 1 : starts[0]]):
        return None
    blocks = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        cut = end
        while cut > start + 1 and _is_gap(lines[cut - 1]):
            cut -= 1
        blocks.append(("".join(lines[start:cut]), "".join(lines[cut:end])))
    return "".join(lines[: starts[0]]), blocks


def _block_features(blocks: list[tuple[str, str]]) -> list[Any] | None:
    """The feature each block holds (parsed on its own), or None when a block does not parse."""
    out = []
    for block, _ in blocks:
        try:
            parsed = load_yaml(block, source="block", max_bytes=MAX_BYTES)
        except YamlError:
            return None
        if not isinstance(parsed, list) or len(parsed) != 1:
            return None
        out.append(parsed[0])
    return out


def _comments(gap: str) -> str:
    """Only the comment lines of a gap (a removed feature's section comment stays)."""
    return "".join(ln for ln in gap.splitlines(keepends=True) if ln.strip())


def feature_blocks(doc: CatalogDoc) -> dict[str, str]:
    """Each feature's block of text as it stands in the file ({} when the file cannot be split)."""
    split = split_blocks(doc.text)
    if split is None or len(split[1]) != len(doc.features):
        return {}
    return {fid: block for fid, (block, _) in zip(doc.ids(), split[1], strict=True)}


def _block_for(feature: dict[str, Any], hint: str | None) -> str:
    """A feature's block: ``hint`` (its earlier text, from the history) when that still reads as it."""
    if hint is not None and _block_features([(hint, "")]) == [feature]:
        return hint if hint.endswith("\n") else hint + "\n"
    return catalog_writer.feature_yaml(ordered(feature))


def _blockwise(doc: CatalogDoc, features: list[dict[str, Any]], hints: dict[str, str]) -> str | None:
    """The new text with unchanged blocks kept byte for byte, or None when that is not possible."""
    split = split_blocks(doc.text)
    if split is None:
        return None
    head, blocks = split
    if _block_features(blocks) != list(doc.features):
        return None
    old = {str(f.get("id")): (f, blocks[i]) for i, f in enumerate(doc.features)}
    new_ids = [str(f.get("id")) for f in features]
    kept = [i for i in doc.ids() if i in new_ids]
    if kept != [i for i in new_ids if i in old] or len(set(new_ids)) != len(new_ids):
        return None  # reordered or duplicated: write the whole file
    out = [head]
    pending_removed = {i: old[i][1][1] for i in doc.ids() if i not in new_ids}
    order = doc.ids()
    for f in features:
        fid = str(f.get("id"))
        if fid in old:
            for gone in order[: order.index(fid)]:
                if gone in pending_removed:
                    out.append(_comments(pending_removed.pop(gone)))
            raw, (block, gap) = old[fid]
            out.append((block if raw == f else _block_for(f, hints.get(fid))) + gap)
        else:
            if out[-1] and not out[-1].endswith("\n\n"):
                out.append("\n")
            out.append(_block_for(f, hints.get(fid)) + "\n")
    out.extend(_comments(g) for g in pending_removed.values())
    return "".join(out).rstrip("\n") + "\n"


def leading_comment(text: str) -> str:
    """The comment block at the top of a file, without the ``#`` marks."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].removeprefix(" "))
    return "\n".join(lines)


def render(doc: CatalogDoc, features: list[dict[str, Any]], hints: dict[str, str] | None = None) -> str:
    """The file text with ``features`` in place of the document's features (see the module doc);
    ``hints`` are earlier block texts by id (undo puts a feature back exactly as it was written)."""
    text = _blockwise(doc, features, hints or {})
    if text is None or not _reads_as(text, doc, features):
        text = catalog_writer.catalog_yaml(doc.header, [ordered(f) for f in features], leading_comment(doc.text))
    if not _reads_as(text, doc, features):
        raise DocError("wb_not_catalog", {"path": rel(doc.path), "detail": "the edited file does not read back"})
    return text


def _reads_as(text: str, doc: CatalogDoc, features: list[dict[str, Any]]) -> bool:
    try:
        parsed = load_yaml(text, source=rel(doc.path), max_bytes=MAX_BYTES)
    except YamlError:
        return False
    return isinstance(parsed, dict) and parsed.get("plan") == doc.header and parsed.get("features") == features
