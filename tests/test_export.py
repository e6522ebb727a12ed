"""`python -m geo_app export`: one line per user error, formats from the --out suffix, one region resolver.

The formats themselves are tested in test_export_formats.py, the selection and Gauss-Krueger
zones in test_export_selection.py.
"""

from __future__ import annotations

import json
import zipfile

import pyogrio
import pytest

from geo_app import export
from geo_app.cli import main


def _cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--format", "dwg"], "unknown format 'dwg'"),
        (["--crs", "EPSG:3857"], "unknown CRS 'EPSG:3857'"),
        (["--crs", "auto-gk", "--format", "geojson"], "choose --format gpkg or shp or csv"),
        (["--crs", "GCJ02", "--format", "kml"], "KML for Google Earth"),
        (["--layers", "nonsense"], "unknown layer 'nonsense'"),
        (["--county", "和正县"], "unknown county '和正县'; did you mean: 和政县"),
        (["--region", "不存在的地方"], "unknown region"),
    ],
)
def test_cli_errors_are_one_line(tmp_path, capsys, args, needle):
    code, _, err = _cli([*args, "--out", str(tmp_path / "x.gpkg")], capsys)
    assert code != 0
    assert needle in err and len(err.strip().splitlines()) == 1 and err.startswith("error: ")


def test_cli_auto_gk_over_two_zones_names_them(map_data, tmp_path, capsys):
    zones = {
        export.resolve_for("auto-gk", export.select_layers([p], data=map_data)).epsg for p in map_data.plan_counties
    }
    if len(zones) < 2:
        pytest.skip("the catalog's plans share one zone")
    code, _, err = _cli(["--crs", "auto-gk", "--out", str(tmp_path / "all.gpkg")], capsys)
    assert code != 0 and len(err.strip().splitlines()) == 1
    assert all(f"EPSG:{z}" in err for z in zones)
    assert not (tmp_path / "all.gpkg").exists()


def test_cli_formats_from_suffix_and_no_overwrite(tmp_path, capsys):
    out = tmp_path / "all.gpkg"
    code, stdout, err = _cli(["--out", str(out)], capsys)
    assert code == 0, err
    assert "plan_areas" in dict(pyogrio.list_layers(out)) and "with geometry" in stdout
    code, _, err = _cli(["--out", str(out)], capsys)
    assert code != 0 and "exists" in err and "--force" in err
    code, _, err = _cli(["--out", str(tmp_path / "t.csv.zip")], capsys)
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "t.csv.zip") as zf:
        assert "items.csv" in zf.namelist()


def test_cli_region_short_forms_resolve_like_regions(tmp_path, capsys):
    codes = []
    for query in ("兰州", "Lanzhou"):
        out = tmp_path / f"{query}.geojson"
        code, _, err = _cli(["--layers", "counties", "--region", query, "--out", str(out)], capsys)
        assert code == 0, err
        codes.append([f["properties"]["adcode"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]])
    assert codes[0] == codes[1] and codes[0] and all(str(c).startswith("6201") for c in codes[0])


def test_cli_gcj02_file_is_named_so(tmp_path, capsys):
    code, stdout, err = _cli(["--crs", "GCJ02", "--out", str(tmp_path / "amap.gpkg")], capsys)
    assert code == 0, err
    assert (tmp_path / "amap_GCJ02.gpkg").exists() and not (tmp_path / "amap.gpkg").exists()
    assert "amap_GCJ02.gpkg" in stdout
