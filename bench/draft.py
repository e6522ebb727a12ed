"""Benchmark of the plan workbench draft against the hand-made catalogs.

    python bench/draft.py            # writes bench/DRAFT_RESULTS.md and prints the table

For each built-in plan (a layers/*.yaml whose plan text exists) the draft of the plan text is
matched one-to-one with the catalog's features:

- a catalog item is *found* when a draft item's quote overlaps its quote by at least half of
  the shorter quote (positions in the plan text, whitespace removed) and the names overlap
  (their longest common substring is at least half of the shorter name, quotes marks ignored);
  pairs are taken best first (name overlap, then quote overlap), each item used once;
- recall = found catalog items / catalog items; precision = matched draft items / draft items;
- counties right = matched pairs whose county sets are equal (catalog counties as the new schema
  defines them: the counties the quote names; see ``truth_counties`` for old-schema files);
- seconds = wall time of ``python -m geo_app draft`` on the plan in a fresh process (imports,
  gazetteer, drafting, writing the YAML).

Plan excerpts of other regions with a hand-made catalog (``tests/fixtures/plans/<id>/layers/<id>.yaml``,
or the folder given with ``--fixtures``) are measured the same way and reported apart: they are
short excerpts (often news reports restating a plan), so their figures are indicative.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo_app.workbench.draft import DraftItem, draft_plan  # noqa: E402
from geo_app.workbench.gazetteer import build_gazetteer  # noqa: E402

RESULTS = ROOT / "bench" / "DRAFT_RESULTS.md"
FIXTURES = ROOT / "tests" / "fixtures" / "plans"
TARGETS = {"recall": 0.90, "precision": 0.60, "counties": 0.85, "seconds": 10.0}


def ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


def lcs(a: str, b: str) -> int:
    """Length of the longest common substring."""
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def name_overlap(a: str, b: str) -> float:
    a, b = re.sub(r"[“”\"]", "", a), re.sub(r"[“”\"]", "", b)
    return lcs(a, b) / max(1, min(len(a), len(b)))


def spans(plan: str, quote: str) -> list[tuple[int, int]]:
    q = ws(quote)
    out, k = [], plan.find(q)
    while k >= 0 and q:
        out.append((k, k + len(q)))
        k = plan.find(q, k + 1)
    return out


def quote_overlap(plan: str, q1: str, q2: str) -> float:
    best = 0.0
    for a0, a1 in spans(plan, q1):
        for b0, b1 in spans(plan, q2):
            inter = max(0, min(a1, b1) - max(a0, b0))
            best = max(best, inter / max(1, min(a1 - a0, b1 - b0)))
    return best


def truth_counties(feature: dict, region_counties: dict[int, str], gazetteer) -> set[int]:
    """The counties a catalog feature should list under the new schema.

    New-schema files (features with ``location``) are taken as they are. For old-schema files:
    an item listing every county of the region is region-wide (``[]``); a zone item
    (``counties_near``) keeps only the counties its quote names; other items keep their counties
    (a point's host county even when the quote does not name it: the draft cannot know it).
    """
    counties = {int(c) for c in feature.get("counties") or []}
    if "location" in feature:
        return counties
    named = set(gazetteer.county_codes(gazetteer.scan(feature["quote"])))
    if counties and counties >= set(region_counties):
        return counties & named if named >= set(region_counties) else set()
    if feature.get("geometry", {}).get("recipe") == "counties_near":
        return counties & named
    return counties


@dataclass
class PlanResult:
    plan: str
    catalog: int
    draft: int
    found: int
    matched_draft: int
    counties_right: int
    seconds: float
    misses: list[dict] = field(default_factory=list)
    extras: list[DraftItem] = field(default_factory=list)
    wrong_counties: list[tuple[dict, DraftItem, set[int]]] = field(default_factory=list)


def match(plan_ws: str, features: list[dict], items: list[DraftItem]) -> list[tuple[int, int]]:
    """One-to-one (catalog index, draft index) pairs, best first."""
    pairs = []
    for i, f in enumerate(features):
        for j, it in enumerate(items):
            n = name_overlap(f["name_zh"], it.name_zh)
            if n < 0.5:
                continue
            q = quote_overlap(plan_ws, f["quote"], it.quote)
            if q >= 0.5:
                pairs.append((n, q, i, j))
    used_i, used_j, out = set(), set(), []
    for _, _, i, j in sorted(pairs, reverse=True):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            out.append((i, j))
    return out


def cli_seconds(text_path: Path, plan_id: str, regions: list[int]) -> float:
    """Wall time of the CLI in a fresh process (the time a user waits)."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "geo_app",
                "draft",
                str(text_path),
                "--plan-id",
                plan_id,
                "--region",
                ",".join(map(str, regions)),
                "--out",
                str(Path(tmp) / "draft.yaml"),
                "--text-out",
                str(Path(tmp) / "plan.txt"),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started


def text_path_of(catalog_file: Path, plan: dict) -> Path | None:
    """The plan text of a catalog: relative to this checkout, else to the checkout holding the catalog."""
    rel = str(plan.get("text", ""))
    for base in (ROOT, *catalog_file.resolve().parents):
        if rel and (base / rel).is_file():
            return base / rel
    return None


def run_plan(catalog_file: Path) -> PlanResult:
    data = yaml.safe_load(catalog_file.read_text(encoding="utf-8"))
    plan = data["plan"]
    regions = [int(r) for r in (plan.get("regions") or [plan.get("region")])]
    text_path = text_path_of(catalog_file, plan)
    text = text_path.read_text(encoding="utf-8")
    gaz = build_gazetteer(regions)
    region_counties = {p.adcode: p.name_zh for p in gaz.counties}
    items = draft_plan(text, regions, plan["id"]).items
    features = data["features"]
    pairs = match(ws(text), features, items)
    res = PlanResult(
        plan["id"], len(features), len(items), len(pairs), len(pairs), 0, cli_seconds(text_path, plan["id"], regions)
    )
    for i, j in pairs:
        truth = truth_counties(features[i], region_counties, gaz)
        if set(items[j].counties) == truth:
            res.counties_right += 1
        else:
            res.wrong_counties.append((features[i], items[j], truth))
    found_i = {i for i, _ in pairs}
    found_j = {j for _, j in pairs}
    res.misses = [f for i, f in enumerate(features) if i not in found_i]
    res.extras = [it for j, it in enumerate(items) if j not in found_j]
    return res


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f} %" if d else "-"


def _table(results: list[PlanResult]) -> list[str]:
    lines = [
        "| plan | catalog items | draft items | recall | precision | counties right | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.plan} | {r.catalog} | {r.draft} | {pct(r.found, r.catalog)} ({r.found}) | "
            f"{pct(r.matched_draft, r.draft)} ({r.matched_draft}) | {pct(r.counties_right, r.found)} "
            f"({r.counties_right}/{r.found}) | {r.seconds:.1f} |"
        )
    keys = ("catalog", "draft", "found", "matched_draft", "counties_right")
    tot = PlanResult("all", *(sum(getattr(r, k) for r in results) for k in keys), 0.0)
    lines.append(
        f"| **all** | {tot.catalog} | {tot.draft} | {pct(tot.found, tot.catalog)} | "
        f"{pct(tot.matched_draft, tot.draft)} | {pct(tot.counties_right, tot.found)} | |"
    )
    return lines


def report(results: list[PlanResult], fixtures: list[PlanResult], fixture_dir: Path) -> str:
    lines = [
        "# Draft benchmark",
        "",
        "`python bench/draft.py` drafts each built-in plan text and matches the draft with the hand-made",
        "catalog (`layers/<plan>.yaml`). Written by the benchmark; do not edit by hand.",
        "",
        "## How items are matched",
        "",
        "- A catalog item is **found** when a draft item's quote overlaps the catalog quote by at least 50 % of",
        "  the shorter of the two (positions in the plan text with whitespace removed) **and** the names overlap",
        "  (longest common substring at least 50 % of the shorter name, quotation marks ignored). Pairs are",
        "  taken best first (name overlap, then quote overlap); each catalog and draft item is used once.",
        "- **Recall** = found catalog items / catalog items. **Precision** = matched draft items / draft items",
        "  (a draft item not in the catalog counts against it, even where it is a real place the catalog left out).",
        "- **Counties right** = matched pairs whose county sets are equal. The catalog side follows the new",
        "  schema: the counties the quote names. Old-schema catalogs are read this way: an item listing every",
        "  county of the region is region-wide (`[]`); a `counties_near` item keeps the counties its quote names;",
        "  a point keeps its host county even when the quote does not name it (the draft cannot know it).",
        "- **Seconds** = wall time of `python -m geo_app draft` on the whole plan in a fresh process.",
        "",
        "Read the figures with this in mind: the rules were written while reading these two plans and their",
        "catalogs (no plan-specific strings, but the same texts served as development and test set). The",
        "excerpts of other regions below are the nearest thing to unseen text, and they too were looked at",
        "while the rules for towns, traditional characters and multi-prefecture plans were added.",
        "",
        "## Built-in plans",
        "",
        *_table(results),
        "",
        "Targets: recall ≥ 90 %, precision ≥ 60 %, counties right ≥ 85 % of found items, < 10 s per plan.",
        "",
        "## Plan excerpts of other regions",
        "",
    ]
    if fixtures:
        lines += [
            f"Excerpts with hand-made catalogs from `{_shown(fixture_dir)}` (see each excerpt's SOURCE.md: most are",
            "news reports restating a plan, a few hundred characters long, so one item moves a figure by 5-10 %).",
            "",
            *_table(fixtures),
            "",
        ]
    else:
        lines += [f"None found under `{_shown(fixture_dir)}`.", ""]
    for r in results + fixtures:
        lines += _details(r)
    return "\n".join(lines) + "\n"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _details(r: PlanResult) -> list[str]:
    out = [f"## {r.plan}: what the draft misses and adds", "", f"Catalog items not found ({len(r.misses)}):", ""]
    out += [f"- {f['name_zh']} — “{ws(f['quote'])[:60]}…”" for f in r.misses] or ["- none"]
    out += ["", f"Draft items not in the catalog ({len(r.extras)}):", ""]
    out += [f"- {it.name_zh} ({it.category})" for it in r.extras] or ["- none"]
    out += ["", f"Found items with other counties ({len(r.wrong_counties)}): catalog → draft", ""]
    out += [f"- {f['name_zh']}: {sorted(truth)} → {sorted(it.counties)}" for f, it, truth in r.wrong_counties] or [
        "- none"
    ]
    return [*out, ""]


def catalogs(folder: Path, pattern: str) -> list[Path]:
    """Catalog files under ``folder`` whose plan text can be found."""
    out = []
    for path in sorted(folder.glob(pattern)):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(data.get("plan"), dict) and text_path_of(path, data["plan"]):
            out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES, help="folder of plan excerpts with catalogs")
    args = parser.parse_args(argv)
    results = [run_plan(p) for p in catalogs(ROOT / "layers", "*.yaml")]
    fixtures = [run_plan(p) for p in catalogs(args.fixtures, "*/layers/*.yaml")] if args.fixtures.is_dir() else []
    RESULTS.write_text(report(results, fixtures, args.fixtures), encoding="utf-8")
    for r in results + fixtures:
        print(
            f"{r.plan}: recall {pct(r.found, r.catalog)}, precision {pct(r.matched_draft, r.draft)}, "
            f"counties {pct(r.counties_right, r.found)}, {r.seconds:.1f} s"
        )
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
