"""The layer catalog: every feature is valid, quoted verbatim, tied to real counties."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest
import yaml

from geo_app import catalog as catalog_mod
from geo_app.catalog import CatalogError, load_catalog, normalise
from geo_app.paths import LAYERS_DIR, ROOT


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def test_both_plans_loaded_with_several_dozen_features(cat):
    assert set(cat.plans) == {"linxia", "zhangye"}
    per_plan = cat.frame().groupby("plan").size()
    assert per_plan["linxia"] >= 30
    assert per_plan["zhangye"] >= 30


def test_every_quote_is_verbatim_in_its_plan(cat):
    for f in cat.features:
        text = normalise(cat.plans[f.plan].text)
        assert normalise(f.quote) in text, f.id


def test_every_feature_has_required_fields(cat):
    for f in cat.features:
        assert f.name_zh and f.name_en and f.section and f.quote, f.id
        assert f.category in cat.categories, f.id
        assert f.precision in ("admin", "approximate", "schematic"), f.id
        if f.precision != "admin":
            assert f.location_source, f.id


def test_named_items_are_in_the_catalog(cat):
    names = " ".join(f.name_zh for f in cat.features)
    for needle in ["食用菌产业带", "牛羊", "青贮饲草", "中药材", "蔬菜", "花卉", "临夏经济开发区", "农业科技园区"]:
        assert needle in names, needle
    zy = " ".join(f.name_zh for f in cat.features if f.plan == "zhangye")
    for needle in ["制种", "湿地", "祁连山"]:
        assert needle in zy, needle


def _write_plan(tmp_path, features: list[dict], header: dict | None = None) -> None:
    shutil.copy(LAYERS_DIR / "styles.yaml", tmp_path / "styles.yaml")
    doc = {
        "plan": header
        or {
            "id": "linxia",
            "title_zh": "临夏州“十四五”科技创新规划",
            "title_en": "Linxia plan",
            "issuer_zh": "临夏回族自治州人民政府办公室",
            "issued": "2022-06-16",
            "text": "data/plans/linxia_2022.txt",
            "region": 622900,
        },
        "features": features,
    }
    (tmp_path / "test.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


GOOD = {
    "id": "linxia-test-belt",
    "name_zh": "沿太子山麓食用菌产业带",
    "name_en": "Mushroom belt",
    "category": "industrial_belt",
    "section": "专栏6-1",
    "quote": "以和政县、康乐县、积石山县、临夏县为重点的沿太子山麓食用菌产业带",
    "counties": [622925, 622922],
    "precision": "admin",
    "geometry": {"recipe": "counties"},
}


def test_valid_minimal_file_loads(tmp_path):
    _write_plan(tmp_path, [GOOD])
    cat = load_catalog(tmp_path)
    assert [f.id for f in cat.features] == ["linxia-test-belt"]


@pytest.mark.parametrize(
    ("change", "field", "needle"),
    [
        ({"quote": "临夏州建设月球基地"}, "quote", "not found verbatim"),
        ({"quote": None}, "quote", "required"),
        ({"counties": [622925, 622999]}, "counties", "unknown county 622999"),
        ({"category": "industrial_blet"}, "category", "did you mean industrial_belt"),
        ({"precision": "exact"}, "precision", "must be one of"),
        ({"precision": "approximate", "geometry": {"recipe": "counties_near", "near": ["plateau-edge"],
                                                   "buffer_km": 10}}, "location_source", "required"),
        ({"geometry": {"recipe": "point", "at": "town-nowhere"}, "precision": "approximate",
          "location_source": "x"}, "geometry.at", "unknown reference feature"),
        ({"status": "planned"}, "status", "must be one of"),
        ({"id": "Bad Id"}, "id", "lowercase ASCII"),
    ],
)  # fmt: skip
def test_malformed_feature_names_file_id_and_field(tmp_path, change, field, needle):
    _write_plan(tmp_path, [{**GOOD, **change}])
    with pytest.raises(CatalogError) as err:
        load_catalog(tmp_path)
    problem = err.value.problems[0]
    assert problem.file.endswith("test.yaml")
    assert problem.field == field
    assert needle in problem.message
    assert f"test.yaml: {problem.feature_id}: {field}:" in str(err.value)


def test_all_problems_reported_and_valid_features_kept(tmp_path):
    bad = {**GOOD, "id": "linxia-bad", "quote": "没有这句话"}
    _write_plan(tmp_path, [GOOD, bad, {**GOOD}])  # third is a duplicate id
    cat = load_catalog(tmp_path, strict=False)
    assert [f.id for f in cat.features] == ["linxia-test-belt"]
    fields = sorted((p.feature_id, p.field) for p in cat.problems)
    assert fields == [("linxia-bad", "quote"), ("linxia-test-belt", "id")]


def test_broken_yaml_names_the_file_and_line(tmp_path):
    shutil.copy(LAYERS_DIR / "styles.yaml", tmp_path / "styles.yaml")
    (tmp_path / "broken.yaml").write_text(
        textwrap.dedent("""
        plan:
          id: linxia
        features:
          - id: [unclosed
    """),
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"broken.yaml: -: line \d+: not valid YAML"):
        load_catalog(tmp_path)


def test_check_command_prints_counts():
    res = subprocess.run([sys.executable, "-m", "geo_app", "check"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert "linxia" in res.stdout and "zhangye" in res.stdout
    assert "industrial_belt" in res.stdout
    assert "OK:" in res.stdout


def test_check_command_fails_on_bad_catalog(tmp_path, monkeypatch):
    _write_plan(tmp_path, [{**GOOD, "counties": [622999]}])
    monkeypatch.setattr(catalog_mod, "LAYERS_DIR", tmp_path)
    from geo_app.cli import main

    assert main(["check", "--layers-dir", str(tmp_path)]) != 0


def test_every_location_source_has_a_chinese_version(cat):
    """The UI is Chinese by default: provenance notes are shown in Chinese too."""
    for f in cat.features:
        if f.location_source:
            assert f.location_source_zh, f.id
        if f.note_en:
            assert f.note_zh, f.id
