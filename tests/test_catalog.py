"""The layer catalog: every feature valid, quoted verbatim, its place stated by the location model."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest
import yaml

from geo_app.catalog import CatalogError, load_catalog, normalise
from geo_app.catalog_rules import plan_units
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
        assert normalise(f.quote) in normalise(cat.plans[f.plan].text), f.id


def test_every_listed_county_is_named_in_its_quote(cat):
    """`counties` are the places the sentence names: none comes from a buffer or from outside knowledge."""
    for f in cat.features:
        units = plan_units(cat.plans[f.plan].regions)
        for code in f.counties:
            assert units.named(code, f.quote), (f.id, code)


def test_region_wide_items_have_no_geometry_and_name_no_county(cat):
    wide = [f for f in cat.features if f.location == "region_wide"]
    assert len(wide) >= 40
    assert all(f.geometry is None and not f.counties for f in wide)


def test_every_drawn_kind_has_a_source_where_the_plan_gives_none(cat):
    for f in cat.features:
        if f.location in ("zone", "schematic", "site", "stand_in"):
            assert f.location_source and f.location_source_zh, f.id
        if f.location == "zone":
            assert f.geometry["width"] in ("stated", "assumed"), f.id


def test_named_items_are_in_the_catalog(cat):
    names = " ".join(f.name_zh for f in cat.features)
    for needle in ["食用菌产业带", "牛羊", "青贮饲草", "中药材", "蔬菜", "花卉", "临夏经济开发区", "农业科技园区"]:
        assert needle in names, needle
    zy = " ".join(f.name_zh for f in cat.features if f.plan == "zhangye")
    for needle in ["制种", "湿地", "祁连山", "区块链数字牧场", "玉米种业创新联盟"]:
        assert needle in zy, needle


HEADER = {
    "id": "linxia",
    "title_zh": "临夏州“十四五”科技创新规划",
    "title_en": "Linxia plan",
    "issuer_zh": "临夏回族自治州人民政府办公室",
    "issued": "2022-06-16",
    "text": "data/plans/linxia_2022.txt",
    "regions": [622900],
    "short_zh": "临夏州",
    "short_en": "Linxia",
    "unit_zh": "州",
    "unit_en": "prefecture",
}

GOOD = {
    "id": "linxia-test-belt",
    "name_zh": "沿太子山麓食用菌产业带",
    "name_en": "Mushroom belt",
    "category": "industrial_belt",
    "section": "专栏6-1",
    "quote": "以和政县、康乐县、积石山县、临夏县为重点的沿太子山麓食用菌产业带",
    "counties": [622925, 622922],
    "location": "named_area",
    "geometry": {"recipe": "counties"},
}


def _write_plan(tmp_path, features: list[dict], header: dict | None = None) -> None:
    shutil.copy(LAYERS_DIR / "styles.yaml", tmp_path / "styles.yaml")
    doc = {"plan": header or HEADER, "features": features}
    (tmp_path / "test.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def test_valid_minimal_file_loads(tmp_path):
    _write_plan(tmp_path, [GOOD])
    cat = load_catalog(tmp_path)
    assert [f.id for f in cat.features] == ["linxia-test-belt"]
    assert cat.plans["linxia"].regions == (622900,)


ZONE = {"recipe": "zone", "near": ["plateau-edge"], "buffer_km": 10, "width": "assumed"}
SOURCE = {"location_source": "from the plateau edge", "location_source_zh": "依据高原边缘"}


@pytest.mark.parametrize(
    ("change", "field", "needle"),
    [
        ({"quote": "临夏州建设月球基地"}, "quote", "not found verbatim"),
        ({"quote": None}, "quote", "required"),
        ({"counties": [622925, 622999]}, "counties", "not a county of the plan's regions"),
        ({"counties": [622925, 622923]}, "counties", "not named in the quote"),
        ({"category": "industrial_blet"}, "category", "did you mean: industrial_belt"),
        ({"category": ["industrial_belt"]}, "category", "unknown category"),
        ({"location": "exact"}, "location", "must be one of"),
        ({"precision": "admin"}, "precision", "replaced by 'location'"),
        ({"location": "zone", "geometry": ZONE}, "location_source", "required"),
        ({"location": "zone", "geometry": {**ZONE, "width": None}, **SOURCE}, "geometry.width", "assumed"),
        (
            {"location": "zone", "geometry": {**ZONE, "near": [["plateau-edge"]]}, **SOURCE},
            "geometry.near",
            "list of reference ids",
        ),
        ({"location": "site", "geometry": {"recipe": "counties"}}, "geometry.recipe", "cannot draw a site"),
        (
            {"location": "site", "geometry": {"recipe": "point", "at": "town-hanji"}, **SOURCE},
            "geometry.at",
            "stand_in",
        ),
        (
            {"location": "stand_in", "geometry": {"recipe": "point", "at": "town-nowhere"}, **SOURCE},
            "geometry.at",
            "unknown reference feature",
        ),
        ({"location": "region_wide"}, "geometry", "no geometry of its own"),
        ({"location": "region_wide", "geometry": None}, "counties", "names no county"),
        ({"category": "agri_park"}, "location", "facility-like"),
        ({"status": "planned"}, "status", "must be one of"),
        ({"id": "Bad Id"}, "id", "lowercase ASCII"),
        ({"colour": "red"}, "colour", "unknown field"),
    ],
)
def test_malformed_feature_names_file_id_and_field(tmp_path, change, field, needle):
    _write_plan(tmp_path, [{**GOOD, **change}])
    with pytest.raises(CatalogError) as err:
        load_catalog(tmp_path)
    problem = next(p for p in err.value.problems if p.field == field)
    assert problem.file.endswith("test.yaml")
    assert needle in problem.message, problem.message
    assert f"test.yaml: {problem.feature_id}: {field}:" in str(err.value)


def test_bare_stem_means_the_prefecture_not_its_namesake_county(tmp_path):
    """临夏 alone is the prefecture: it names neither 临夏县 nor 临夏市."""
    feat = {**GOOD, "quote": "在临设立食品研发中心", "counties": [622921]}
    _write_plan(tmp_path, [feat])
    with pytest.raises(CatalogError, match="622921 临夏县 is not named"):
        load_catalog(tmp_path)


def test_all_problems_reported_and_valid_features_kept(tmp_path):
    bad = {**GOOD, "id": "linxia-bad", "quote": "没有这句话"}
    _write_plan(tmp_path, [GOOD, bad, {**GOOD}])  # third is a duplicate id
    cat = load_catalog(tmp_path, strict=False)
    assert [f.id for f in cat.features] == ["linxia-test-belt"]
    fields = sorted((p.feature_id, p.field) for p in cat.problems)
    assert fields == [("linxia-bad", "quote"), ("linxia-test-belt", "id")]


def test_a_catalog_folder_elsewhere_reads_its_own_plan_texts(tmp_path):
    from geo_app.catalog import plan_text_file

    layers = tmp_path / "layers"
    layers.mkdir()
    own = tmp_path / "data" / "plans" / "own.txt"
    own.parent.mkdir(parents=True)
    own.write_text("前言。" + GOOD["quote"] + "。", encoding="utf-8")
    _write_plan(layers, [GOOD], {**HEADER, "text": "data/plans/own.txt"})
    assert load_catalog(layers).plans["linxia"].text_path == str(own.resolve())
    assert plan_text_file("data/plans/own.txt", layers) == own.resolve()
    # the app's own texts stay visible; a path out of both is refused
    assert plan_text_file("data/plans/linxia_2022.txt", layers).is_file()
    (tmp_path.parent / "secret.txt").write_text(GOOD["quote"], encoding="utf-8")
    assert plan_text_file("../secret.txt", layers) is None
    _write_plan(layers, [GOOD], {**HEADER, "text": "../secret.txt"})
    with pytest.raises(CatalogError, match="outside the project"):
        load_catalog(layers)


def test_header_problems_are_named(tmp_path):
    _write_plan(tmp_path, [GOOD], {**HEADER, "regions": [999999], "text": "/etc/passwd"})
    with pytest.raises(CatalogError) as err:
        load_catalog(tmp_path)
    fields = {p.field for p in err.value.problems}
    assert {"regions", "text"} <= fields
    assert "outside the project" in str(err.value)


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
    with pytest.raises(CatalogError, match=r"broken.yaml"):
        load_catalog(tmp_path)


def test_check_command_prints_counts_per_category_and_location():
    res = subprocess.run([sys.executable, "-m", "geo_app", "check"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert "linxia" in res.stdout and "zhangye" in res.stdout
    assert "industrial_belt" in res.stdout and "region_wide" in res.stdout and "stand_in" in res.stdout
    assert "OK:" in res.stdout


def test_check_command_fails_on_bad_catalog(tmp_path):
    _write_plan(tmp_path, [{**GOOD, "counties": [622999]}])
    from geo_app.cli import main

    assert main(["check", "--layers-dir", str(tmp_path)]) != 0


def test_every_location_source_has_a_chinese_version(cat):
    """The UI is Chinese by default: provenance notes are shown in Chinese too."""
    for f in cat.features:
        if f.location_source:
            assert f.location_source_zh, f.id
        if f.note_en:
            assert f.note_zh, f.id
