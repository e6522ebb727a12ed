"""Write a draft as a layer catalog file (layers/SCHEMA.md): a plan header and its features.

The YAML reads like the hand-made catalogs: keys in schema order, county lists and
coordinates on one line, long texts as folded blocks. ``write_atomic`` is the one function that
writes a file: the output path is checked (``fileio.check_output_path``: an existing file only
with ``force``), then ``fileio.atomic_write_text`` writes a temporary file in the same folder,
fsyncs it and renames it over the target, so a reader never sees half a file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from geo_app import boundaries, names
from geo_app.fileio import atomic_write_text, check_output_path

FEATURE_KEYS = (
    "id", "name_zh", "name_en", "category", "section", "quote", "counties", "status", "location",
    "geometry", "location_source", "location_source_zh", "outside_region", "related", "review",
    "note_en", "note_zh",
)  # fmt: skip
PLAN_KEYS = (
    "id", "title_zh", "title_en", "issuer_zh", "document_no", "issued", "text", "source_url",
    "regions", "short_zh", "short_en", "unit_zh", "unit_en", "color",
)  # fmt: skip
#: Plan colours for new plans (Paul Tol's "bright" scheme), picked by plan id.
PLAN_COLORS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377")
_ID_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_UNITS = {"province": ("省", "province"), "prefecture": ("州", "prefecture"), "county": ("县", "county")}


class _Flow(list):
    """A list written on one line: [622925, 622922]."""


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key, as the hand-made catalogs do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str):
    style = ">" if len(value) > 60 and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def _flow(value: Any) -> Any:
    """Lists of numbers (and of coordinate pairs) in flow style."""
    if isinstance(value, dict):
        return {k: _flow(v) for k, v in value.items()}
    if isinstance(value, list):
        if all(isinstance(v, int | float) for v in value) or all(isinstance(v, list) for v in value):
            return _Flow(_flow(v) for v in value)
        if value and all(isinstance(v, str) and _ID_LIKE.fullmatch(v) for v in value):
            return _Flow(value)  # reference and feature ids: near: [river-yellow, river-tao]
        return [_flow(v) for v in value]
    return value


def feature_dict(item) -> dict[str, Any]:
    """One draft item as a catalog feature (schema key order, empty optional keys left out)."""
    row = {
        "id": item.id,
        "name_zh": item.name_zh,
        "name_en": item.name_en,
        "category": item.category,
        "section": item.section,
        "quote": item.quote,
        "counties": list(item.counties),
        "status": item.status,
        "location": item.location,
        "geometry": item.geometry,
        "location_source": item.location_source,
        "location_source_zh": item.location_source_zh,
        "outside_region": True if item.outside_region else None,
        "review": "draft",
        "note_en": item.note_en,
        "note_zh": item.note_zh,
    }
    return {k: v for k, v in row.items() if v is not None or k == "counties"}


def guess_header(text: str, plan_id: str, regions: list[int], text_path: str, **given: Any) -> dict[str, Any]:
    """The plan header: what the caller gives, else read from the text's first page or the regions."""
    head = text[:3000]
    resolved = [boundaries.resolve_region(r) for r in regions]
    short_zh = "、".join(names.short_forms(r.name_zh)[-1] for r in resolved)
    short_en = " and ".join(names.english_name(names.stem(r.name_zh)) for r in resolved)
    unit_zh, unit_en = _UNITS[resolved[0].level] if len({r.level for r in resolved}) == 1 else ("区域", "region")
    if resolved[0].level == "prefecture" and resolved[0].name_zh.endswith("市"):
        unit_zh, unit_en = "市", "city"
    stems = [names.stem(r.name_zh) for r in resolved]
    issuer = next(
        (ln.strip() for ln in head.splitlines() if re.fullmatch(r"\S{4,30}(人民政府|办公室|委员会)", ln.strip())), ""
    )
    date = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", head)
    docno = re.search(r"[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号", head)
    header = {
        "id": plan_id,
        "title_zh": guess_title(text, stems) or f"{short_zh}规划",
        "title_en": f"{short_en} plan (draft: translate the Chinese title)",
        "issuer_zh": issuer or f"{resolved[0].name_zh}人民政府",
        "document_no": docno.group(0) if docno else None,
        "issued": f"{date.group(1)}-{int(date.group(2)):02d}-{int(date.group(3)):02d}" if date else None,
        "text": text_path,
        "regions": [r.adcode for r in resolved],
        "short_zh": short_zh,
        "short_en": short_en,
        "unit_zh": unit_zh,
        "unit_en": unit_en,
        "color": PLAN_COLORS[sum(map(ord, plan_id)) % len(PLAN_COLORS)],
    }
    header.update({k: v for k, v in given.items() if v})
    return {k: header[k] for k in PLAN_KEYS if header.get(k) is not None}


def guess_title(text: str, stems: list[str]) -> str:
    """The plan's title: a short line near the top naming the region and 规划, else the 《…规划》
    the text cites most often that names the region (a plan cites itself in its closing
    chapters), else the first 《…规划》 of the first page."""
    head = text[:3000]
    for line in head.splitlines():
        line = re.sub(r"^[#\s*]+|[\s*]+$", "", line)
        if 4 < len(line) <= 40 and "规划" in line and any(s in line for s in stems) and "《" not in line:
            return line
    cited = re.findall(r"《([^》]{4,40}(?:规划|纲要)[^》]{0,6})》", text)
    own = [c for c in cited if any(s in c for s in stems) and "国民经济" not in c]
    if own:
        return max(own, key=lambda c: (own.count(c), text.rfind(c)))
    first = re.search(r"《([^》]{4,40}规划[^》]{0,6})》", head)
    return first.group(1) if first else ""


def catalog_yaml(header: dict[str, Any], features: list[dict[str, Any]], comment: str = "") -> str:
    """The catalog file text: an optional comment block, the plan header and the features."""
    lines = [f"# {ln}".rstrip() for ln in comment.splitlines()] if comment else []
    body = yaml.dump(
        {"plan": _flow(header), "features": [_flow(f) for f in features]},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        indent=2,
    )
    body = re.sub(r"\n  - id:", "\n\n  - id:", body)  # a blank line between features
    return "\n".join([*lines, "", body]) if lines else body


def feature_yaml(feature: dict[str, Any]) -> str:
    """One feature as its block under ``features:`` (``  - id: …``), formatted as ``catalog_yaml`` does;
    the review store rewrites only the blocks of the features an edit changed."""
    body = yaml.dump({"features": [_flow(feature)]}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                     indent=2)  # fmt: skip
    return body.split("\n", 1)[1]


def write_catalog(path: str | Path, header: dict[str, Any], features: list[dict[str, Any]], comment: str = "",
                  force: bool = False) -> Path:  # fmt: skip
    """Write a catalog file (see ``catalog_yaml``) atomically."""
    return write_atomic(path, catalog_yaml(header, features, comment), force=force)


def write_atomic(path: str | Path, text: str, force: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically; an existing file is replaced only with ``force``
    (``fileio.OutputPathError`` otherwise: one line naming the file)."""
    return atomic_write_text(check_output_path(path, force), text)
