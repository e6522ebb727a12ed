"""Plan workbench: the catalog writer and ``python -m geo_app draft``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from geo_app.cli import main
from geo_app.fileio import OutputPathError
from geo_app.workbench import catalog_writer

PLAN = """临夏州“十四五”示范规划
临夏回族自治州人民政府办公室
2022年6月16日
一、重点任务
（一）园区建设
推进临夏经济开发区、广河经济开发区、东乡经济开
发区建设，探索建设数字经济产业园。将临夏县、康乐县、永靖县、广河县省级农业科技园区建设为推广新技术高地。
以和政县、康乐县、积石山县、临夏县为重点的沿太子山麓食用菌产业带。
建设食用菌菌种研发中心。
"""
LOCATIONS = {"named_area", "zone", "schematic", "site", "stand_in", "region_wide"}


def _ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_schema(data: dict, text: str, region_counties: set[int]) -> None:
    """The draft-relevant rules of layers/SCHEMA.md, read as a test."""
    plan = data["plan"]
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", plan["id"])
    for key in ("title_zh", "title_en", "issuer_zh", "text", "regions", "short_zh", "short_en", "unit_zh", "color"):
        assert plan.get(key), key
    ids = [f["id"] for f in data["features"]]
    assert len(ids) == len(set(ids))
    for f in data["features"]:
        assert f["id"].startswith(plan["id"] + "-")
        assert f["review"] == "draft"
        assert f["name_zh"] and f["name_en"] and f["category"] and f["section"]
        assert _ws(f["quote"]) in _ws(text), f["quote"]
        assert set(f["counties"]) <= region_counties
        assert f["location"] in LOCATIONS
        assert f.get("status") in (None, "existing", "to_build", "to_upgrade")
        if f["location"] == "region_wide":
            assert "geometry" not in f and f["counties"] == []
        elif f["location"] == "named_area":
            assert f["geometry"] == {"recipe": "counties"} and f["counties"]
        elif f["location"] == "stand_in":
            geom = f["geometry"]
            assert geom["recipe"] == "point" and ("at" in geom or "lonlat" in geom)
            assert f["location_source"] and f["location_source_zh"]
        elif f["location"] == "zone":
            geom = f["geometry"]
            assert geom["recipe"] == "zone" and geom["near"] and 0 < geom["buffer_km"] <= 100
            assert geom["width"] in ("stated", "assumed") and f["location_source"]


@pytest.fixture()
def plan_file(tmp_path) -> Path:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    return path


def _run(plan_file: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "draft",
            str(plan_file),
            "--plan-id",
            "demo",
            "--region",
            "622900",
            "--out",
            str(out),
            "--text-out",
            str(out.parent / "demo.txt"),
            *extra,
        ]
    )


def test_draft_writes_a_reviewable_catalog(plan_file, tmp_path, capsys):
    out = tmp_path / "demo.yaml"
    assert _run(plan_file, out) == 0
    assert "draft features" in capsys.readouterr().out
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    saved = (tmp_path / "demo.txt").read_text(encoding="utf-8")
    assert saved == PLAN  # the text of record, exactly as imported
    linxia = {622901, 622921, 622922, 622923, 622924, 622925, 622926, 622927}
    check_schema(data, saved, linxia)
    plan = data["plan"]
    assert plan["regions"] == [622900] and plan["short_zh"] == "临夏州"
    assert plan["title_zh"] == "临夏州“十四五”示范规划" and plan["issued"] == "2022-06-16"
    names = {f["name_zh"]: f for f in data["features"]}
    assert names["广河经济开发区"]["counties"] == [622924]
    assert names["东乡经济开发区"]["location"] == "stand_in"  # joined across the line break
    assert names["沿太子山麓食用菌产业带"]["counties"] == [622925, 622922, 622927, 622921]
    assert len([n for n in names if n.endswith("省级农业科技园区")]) == 4


def test_draft_refuses_to_overwrite_without_force(plan_file, tmp_path, capsys):
    out = tmp_path / "demo.yaml"
    assert _run(plan_file, out) == 0
    before = out.read_text(encoding="utf-8")
    assert _run(plan_file, out) == 2
    err = capsys.readouterr().err
    assert "exists" in err and "--force" in err and err.count("\n") == 1
    assert out.read_text(encoding="utf-8") == before
    assert _run(plan_file, out, "--force") == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan-id", "Bad Id"], "plan id"),
        (["--region", "nowhere-xyz"], "unknown region"),
    ],
)
def test_draft_user_errors_are_one_line(plan_file, tmp_path, capsys, args, message):
    base = {"--plan-id": "demo", "--region": "622900"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = ["draft", str(plan_file), "--out", str(tmp_path / "x.yaml"), "--text-out", str(tmp_path / "x.txt")]
    argv += [v for kv in base.items() for v in kv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "x.yaml").exists()


def test_draft_from_a_word_file_saves_its_text(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in PLAN.splitlines():
        document.add_paragraph(line)
    source = tmp_path / "plan.docx"
    document.save(str(source))
    out = tmp_path / "demo.yaml"
    assert (
        main(
            [
                "draft",
                str(source),
                "--plan-id",
                "demo",
                "--region",
                "临夏州",
                "--out",
                str(out),
                "--text-out",
                str(tmp_path / "demo.txt"),
            ]
        )
        == 0
    )
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    saved = (tmp_path / "demo.txt").read_text(encoding="utf-8")
    assert data["plan"]["text"].endswith("demo.txt")
    assert all(_ws(f["quote"]) in _ws(saved) for f in data["features"])
    assert "广河经济开发区" in {f["name_zh"] for f in data["features"]}


def test_catalog_yaml_round_trips_and_reads_like_the_hand_made_files():
    header = {"id": "demo", "title_zh": "示范规划", "regions": [622900]}
    features = [
        {
            "id": "demo-a",
            "name_zh": "广河经济开发区",
            "quote": "推进广河经济开发区建设，" * 6,
            "counties": [622924],
            "location": "stand_in",
            "geometry": {"recipe": "point", "lonlat": [103.5, 35.5]},
            "review": "draft",
        },
        {
            "id": "demo-b",
            "name_zh": "食用菌菌种研发中心",
            "quote": "建设食用菌菌种研发中心",
            "counties": [],
            "location": "region_wide",
            "review": "draft",
        },
    ]
    text = catalog_writer.catalog_yaml(header, features, comment="a draft\nsecond line")
    assert yaml.safe_load(text) == {"plan": header, "features": features}
    assert text.startswith("# a draft\n# second line\n")
    assert "counties: [622924]" in text and "lonlat: [103.5, 35.5]" in text
    assert "\n  - id: demo-a" in text and "\n\n  - id: demo-b" in text


def test_write_atomic_refuses_to_overwrite_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "x.yaml"
    catalog_writer.write_atomic(path, "a: 1\n")
    with pytest.raises(OutputPathError, match="exists"):
        catalog_writer.write_atomic(path, "a: 2\n")
    catalog_writer.write_atomic(path, "a: 3\n", force=True)
    assert path.read_text(encoding="utf-8") == "a: 3\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


def test_drafts_of_the_built_in_plans_pass_check(tmp_path):
    from geo_app import catalog
    from geo_app.paths import PLANS_DIR

    for plan_id, text, region in (("lx", "linxia_2022.txt", "622900"), ("zy", "zhangye_2021.txt", "620700")):
        out = tmp_path / f"{plan_id}.yaml"
        assert main(["draft", str(PLANS_DIR / text), "--plan-id", plan_id, "--region", region, "--out", str(out)]) == 0
    cat = catalog.load_catalog(tmp_path)  # strict: raises CatalogError listing every problem
    assert set(cat.plans) == {"lx", "zy"}
    assert len(cat.features) > 100
    assert {f.review for f in cat.features} == {"draft"}
