"""The command line: one clear line and a non-zero exit on user errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import shapely

from geo_app.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo_app", *args], capture_output=True, text=True)


def test_help():
    res = run("--help")
    assert res.returncode == 0
    assert "regions" in res.stdout and "export" in res.stdout


def test_regions_lists_matches(capsys):
    assert main(["regions", "东乡县"]) == 0
    out = capsys.readouterr().out
    assert "622926" in out and "东乡族自治县" in out


def test_unknown_region_is_one_line_and_nonzero():
    res = run("regions", "和正县")
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert "和政县" in res.stderr


def test_export_counties_geojson(tmp_path):
    out = tmp_path / "counties.geojson"
    res = run("export", "--layers", "counties", "--region", "622900,620700", "--format", "geojson", "--out", str(out))
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "crs" not in data
    feats = data["features"]
    assert len(feats) == 14
    for f in feats:
        assert {"adcode", "name_zh", "name_en", "area_km2"} <= set(f["properties"])
        geom = shapely.geometry.shape(f["geometry"])
        assert geom.geom_type in {"Polygon", "MultiPolygon"}
        assert geom.is_valid
        # RFC 7946: exterior rings counter-clockwise
        polys = getattr(geom, "geoms", [geom])
        assert all(p.exterior.is_ccw for p in polys)
    hezheng = next(f for f in feats if f["properties"]["adcode"] == 622925)
    assert shapely.geometry.shape(hezheng["geometry"]).contains(shapely.Point(103.3572, 35.43))


def test_export_refuses_to_overwrite(tmp_path):
    out = tmp_path / "c.geojson"
    out.write_text("keep me")
    res = run("export", "--layers", "counties", "--out", str(out))
    assert res.returncode != 0
    assert "exists" in res.stderr and "--force" in res.stderr
    assert out.read_text() == "keep me"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--layers", "counties", "--region", "622999"], "622999"),
        (["--layers", "nonsense"], "unknown layer 'nonsense'"),
        (["--layers", "counties", "--format", "dwg"], "unknown format 'dwg'"),
    ],
)
def test_export_errors(tmp_path, args, needle):
    res = run("export", *args, "--out", str(tmp_path / "x.out"))
    assert res.returncode != 0
    assert needle in res.stderr
    assert "Traceback" not in res.stderr
