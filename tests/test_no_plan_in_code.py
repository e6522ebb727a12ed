"""Plans are data: no plan id, plan region adcode or plan region name in the code (issue 13).

Docstrings and comments may use the built-in plans as examples; string constants, names and
the client scripts may not. The forbidden words come from the catalog, so a new plan is covered.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE = [
    *sorted((ROOT / "geo_app").rglob("*.py")),
    *sorted((ROOT / "app").rglob("*.py")),
    *sorted((ROOT / "scripts").glob("*.py")),
    ROOT / "streamlit_app.py",
]
CLIENT = sorted((ROOT / "static" / "planmap").glob("*.js"))


@pytest.fixture(scope="module")
def forbidden(map_data) -> re.Pattern:
    words: set[str] = set()
    for plan_id, plan in map_data.catalog.plans.items():
        words.update({plan_id, plan.short_zh, plan.short_en})
        for code in plan.regions:
            words.add(str(code))
            row = map_data.counties[map_data.counties.adcode // 100 * 100 == code]
            words.update(str(c) for c in row.adcode)
    words.update(map_data.counties.name_zh)  # county names of the plan regions (national tables
    # of ethnic names and readings may hold their stems: 东乡 is also a people)
    return re.compile("|".join(sorted((re.escape(w) for w in words), key=len, reverse=True)))


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _code_words(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant that is not a docstring, and every name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            out.append((node.lineno, node.value))
        elif isinstance(node, ast.Name):
            out.append((node.lineno, node.id))
        elif isinstance(node, ast.Constant) and isinstance(node.value, int):
            out.append((node.lineno, str(node.value)))
    return out


def test_python_code_names_no_plan_or_region(forbidden):
    hits = [
        f"{p.relative_to(ROOT)}:{line}: {text[:60]!r}"
        for p in CODE
        for line, text in _code_words(p)
        if forbidden.search(text)
    ]
    assert not hits, "\n".join(hits)


def test_client_scripts_name_no_plan_or_region(forbidden):
    hits = []
    for p in CLIENT:
        text = re.sub(r"/\*.*?\*/|//[^\n]*", "", p.read_text(encoding="utf-8"), flags=re.S)
        hits += [f"{p.relative_to(ROOT)}: {m.group(0)}" for m in forbidden.finditer(text)]
    assert not hits, hits
