"""Read and validate the declarative layer catalog (``layers/*.yaml``).

Each plan file lists its place-bound items with a verbatim quote. Validation collects
*every* problem, each naming file, feature id and field, so one malformed entry never
hides the others; ``load_catalog(strict=False)`` keeps the valid features and returns the
problems beside them (the app shows them and carries on).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from geo_app.paths import LAYERS_DIR, ROOT

CATEGORY_FILE = "styles.yaml"
PRECISIONS = ("admin", "approximate", "schematic")
STATUSES = ("existing", "to_build", "to_upgrade")
RECIPES = ("counties", "counties_near", "point", "outline", "line")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_WS = re.compile(r"\s+")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


@dataclass(frozen=True)
class Problem:
    """One validation problem, located by file, feature id and field."""

    file: str
    feature_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.feature_id}: {self.field}: {self.message}"


class CatalogError(ValueError):
    """The catalog has problems; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = f"{len(problems)} problem(s) in the layer catalog:\n" if len(problems) > 1 else ""
        super().__init__(head + "\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Plan:
    """A plan document: header of one catalog file."""

    id: str
    title_zh: str
    title_en: str
    issuer_zh: str
    issued: str
    text_path: str
    region: int
    file: str
    document_no: str | None = None

    @property
    def text(self) -> str:
        return (ROOT / self.text_path).read_text(encoding="utf-8")


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
    precision: str
    geometry: dict[str, Any]
    file: str
    status: str | None = None
    location_source: str | None = None
    location_source_zh: str | None = None
    note_en: str | None = None
    note_zh: str | None = None
    outside_region: bool = False


@dataclass
class Catalog:
    """All plans and features, with the category styles."""

    plans: dict[str, Plan]
    features: list[Feature]
    categories: dict[str, dict[str, Any]]
    precision_styles: dict[str, dict[str, Any]]
    problems: list[Problem] = field(default_factory=list)

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
                    "precision": f.precision,
                    "location_source": f.location_source,
                    "location_source_zh": f.location_source_zh,
                    "recipe": f.geometry.get("recipe"),
                }
            )
        return pd.DataFrame.from_records(rows)

    def counts(self) -> pd.DataFrame:
        """Features per plan and category (a table for ``check``)."""
        df = self.frame()
        order = sorted(self.categories, key=lambda c: self.categories[c].get("order", 99))
        table = pd.crosstab(df["category"], df["plan"], margins=True, margins_name="total")
        return table.reindex([c for c in order if c in table.index] + ["total"])


def normalise(text: str) -> str:
    """Text with all whitespace removed: the form quotes are matched in."""
    return _WS.sub("", text)


@lru_cache(maxsize=8)
def _normalised_text(path: str) -> str:
    return normalise((ROOT / path).read_text(encoding="utf-8"))


def load_styles(layers_dir: Path = LAYERS_DIR) -> dict[str, Any]:
    """``layers/styles.yaml``: categories and precision styles."""
    return yaml.safe_load((layers_dir / CATEGORY_FILE).read_text(encoding="utf-8"))


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _plan_counties(region: int) -> dict[int, str]:
    """adcode -> name of the counties of a plan's prefecture."""
    from geo_app import boundaries, prepared

    gdf = prepared.default_counties((region,)) if region in prepared.DEFAULT_REGIONS else boundaries.counties_of(region)
    return dict(zip(gdf.adcode.astype(int), gdf.name_zh, strict=True))


def _reference_ids() -> set[str]:
    from geo_app import reference

    return set(reference.load_reference().index)


def _parse_plan(raw: Any, file: str, problems: list[Problem]) -> Plan | None:
    if not isinstance(raw, dict):
        problems.append(Problem(file, "-", "plan", "missing 'plan' header (a mapping)"))
        return None
    missing = [k for k in ("id", "title_zh", "title_en", "issuer_zh", "issued", "text", "region") if not raw.get(k)]
    for k in missing:
        problems.append(Problem(file, "plan", k, "required field is missing"))
    if missing:
        return None
    if not (ROOT / str(raw["text"])).exists():
        problems.append(Problem(file, "plan", "text", f"plan text {raw['text']} not found"))
        return None
    return Plan(
        id=str(raw["id"]),
        title_zh=str(raw["title_zh"]),
        title_en=str(raw["title_en"]),
        issuer_zh=str(raw["issuer_zh"]),
        issued=str(raw["issued"]),
        text_path=str(raw["text"]),
        region=int(raw["region"]),
        file=file,
        document_no=raw.get("document_no"),
    )


def _parse_feature(
    raw: Any,
    index: int,
    plan: Plan,
    categories: dict[str, Any],
    counties: dict[int, str],
    reference_ids: set[str],
    problems: list[Problem],
) -> Feature | None:
    file = plan.file
    if not isinstance(raw, dict):
        problems.append(Problem(file, f"#{index + 1}", "-", "a feature must be a mapping"))
        return None
    fid = str(raw.get("id") or f"#{index + 1}")
    before = len(problems)

    def bad(field_name: str, message: str) -> None:
        problems.append(Problem(file, fid, field_name, message))

    if "id" not in raw:
        bad("id", "required field is missing")
    elif not ID_RE.match(fid) or not fid.startswith(plan.id + "-"):
        bad("id", f"must be lowercase ASCII [a-z0-9-] starting with '{plan.id}-'")
    for key in ("name_zh", "name_en", "category", "section", "quote", "precision", "geometry"):
        if raw.get(key) in (None, "", [], {}):
            bad(key, "required field is missing")
    if "counties" not in raw:
        bad("counties", "required field is missing (use [] only for a place outside the region)")

    category = raw.get("category")
    if category and category not in categories:
        near = difflib.get_close_matches(str(category), list(categories), n=2)
        bad("category", f"unknown category {category!r}" + (f"; did you mean {', '.join(near)}?" if near else ""))
    precision = raw.get("precision")
    if precision and precision not in PRECISIONS:
        bad("precision", f"must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    status = raw.get("status")
    if status is not None and status not in STATUSES:
        bad("status", f"must be one of {', '.join(STATUSES)}, not {status!r}")
    if precision and precision != "admin" and not raw.get("location_source"):
        bad("location_source", f"required when precision is {precision!r}: say where the location comes from")

    quote = raw.get("quote")
    if isinstance(quote, str) and quote.strip():
        if "**" in quote:
            bad("quote", "contains markdown '**'; quote the plan's words only")
        elif normalise(quote) not in _normalised_text(plan.text_path):
            bad("quote", f"not found verbatim in {plan.text_path} (whitespace ignored): {quote[:40]}…")
    elif quote is not None and not isinstance(quote, str):
        bad("quote", "must be text")

    adcodes: list[int] = []
    raw_counties = raw.get("counties") or []
    if not isinstance(raw_counties, list):
        bad("counties", "must be a list of adcodes")
        raw_counties = []
    for c in raw_counties:
        try:
            code = int(c)
        except (TypeError, ValueError):
            bad("counties", f"{c!r} is not an adcode")
            continue
        if code not in counties:
            near = difflib.get_close_matches(str(code), [str(k) for k in counties], n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(f'{n} {counties[int(n)]}' for n in near)}?" if near else ""
            bad("counties", f"unknown county {code} in the plan's region {plan.region}{hint}")
        else:
            adcodes.append(code)
    outside = bool(raw.get("outside_region", False))
    if not raw_counties and not outside and "counties" in raw:
        bad("counties", "empty; list the counties, or set outside_region: true for a place outside the region")

    geom = raw.get("geometry")
    if isinstance(geom, dict):
        _check_recipe(geom, raw_counties, reference_ids, bad)
        if precision == "admin" and geom.get("recipe") != "counties":
            bad("precision", "'admin' is only for recipe 'counties' (shapes that follow county boundaries)")
    elif geom is not None:
        bad("geometry", "must be a mapping with a 'recipe'")

    if len(problems) > before:
        return None
    return Feature(
        id=fid,
        plan=plan.id,
        name_zh=str(raw["name_zh"]).strip(),
        name_en=str(raw["name_en"]).strip(),
        category=str(category),
        section=str(raw["section"]).strip(),
        quote=_WS.sub(" ", str(quote)).strip(),
        counties=tuple(adcodes),
        precision=str(precision),
        geometry=dict(geom),
        file=file,
        status=status,
        location_source=_text(raw.get("location_source")),
        location_source_zh=_text(raw.get("location_source_zh")),
        note_en=_text(raw.get("note_en")),
        note_zh=_text(raw.get("note_zh")),
        outside_region=outside,
    )


def _text(value: Any) -> str | None:
    """Stripped text, or None for a missing or empty value."""
    return str(value).strip() or None if value is not None else None


def _is_lonlat(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, (int, float)) for v in value)
        and -180 <= value[0] <= 180
        and -90 <= value[1] <= 90
    )


def _check_recipe(geom: dict, counties: list, reference_ids: set[str], bad) -> None:
    recipe = geom.get("recipe")
    if recipe not in RECIPES:
        bad("geometry.recipe", f"must be one of {', '.join(RECIPES)}, not {recipe!r}")
        return

    def check_refs(key: str, refs: Any) -> None:
        refs = refs if isinstance(refs, list) else [refs]
        for ref in refs:
            if ref not in reference_ids:
                near = difflib.get_close_matches(str(ref), sorted(reference_ids), n=3)
                bad(f"geometry.{key}", f"unknown reference feature {ref!r}"
                    + (f"; did you mean {', '.join(near)}?" if near else ""))  # fmt: skip

    if recipe in ("counties", "counties_near") and not counties:
        bad("counties", f"recipe {recipe!r} needs at least one county")
    if recipe == "counties_near":
        if not geom.get("near"):
            bad("geometry.near", "counties_near needs reference ids in 'near'")
        else:
            check_refs("near", geom["near"])
        km = geom.get("buffer_km")
        if not isinstance(km, (int, float)) or not 0 < km <= 100:
            bad("geometry.buffer_km", "must be a number of kilometres in (0, 100]")
    elif recipe == "point":
        if "at" in geom:
            check_refs("at", geom["at"])
        elif not _is_lonlat(geom.get("lonlat")):
            bad("geometry.lonlat", "point needs 'at' (a reference id) or 'lonlat: [lon, lat]'")
    elif recipe in ("outline", "line"):
        if recipe == "line" and geom.get("near"):
            check_refs("near", geom["near"])
            return
        ring = geom.get("lonlat")
        if (
            not isinstance(ring, list)
            or len(ring) < (3 if recipe == "outline" else 2)
            or not all(_is_lonlat(p) for p in ring)
        ):
            bad("geometry.lonlat", f"{recipe} needs a list of [lon, lat] vertices")


def load_catalog(layers_dir: Path = LAYERS_DIR, strict: bool = True) -> Catalog:
    """Read every ``layers/*.yaml`` plan file; raise CatalogError listing all problems when strict."""
    styles = load_styles(layers_dir)
    categories = styles["categories"]
    problems: list[Problem] = []
    plans: dict[str, Plan] = {}
    features: list[Feature] = []
    seen_ids: dict[str, str] = {}
    reference_ids = _reference_ids()
    files = sorted(p for p in layers_dir.glob("*.yaml") if p.name != CATEGORY_FILE)
    for path in files:
        file = _rel(path)
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "-"
            problems.append(Problem(file, "-", where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
            continue
        if not isinstance(doc, dict):
            problems.append(Problem(file, "-", "-", "must be a mapping with 'plan' and 'features'"))
            continue
        plan = _parse_plan(doc.get("plan"), file, problems)
        if plan is None:
            continue
        if plan.id in plans:
            problems.append(Problem(file, "plan", "id", f"plan id {plan.id!r} also used in {plans[plan.id].file}"))
            continue
        plans[plan.id] = plan
        counties = _plan_counties(plan.region)
        raw_features = doc.get("features")
        if not isinstance(raw_features, list):
            problems.append(Problem(file, "-", "features", "must be a list of features"))
            continue
        for i, raw in enumerate(raw_features):
            feat = _parse_feature(raw, i, plan, categories, counties, reference_ids, problems)
            if feat is None:
                continue
            if feat.id in seen_ids:
                problems.append(Problem(file, feat.id, "id", f"duplicate id (also in {seen_ids[feat.id]})"))
                continue
            seen_ids[feat.id] = file
            features.append(feat)
    if problems and strict:
        raise CatalogError(problems)
    return Catalog(plans, features, categories, styles.get("precision", {}), problems)
