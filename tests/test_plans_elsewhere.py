"""A third and a fourth plan, added exactly as the README says (a text, a catalog, a deck; no code):
a plan of another prefecture and a county (甘南 + 天祝) and a plan over seven prefectures that
overlaps Linxia (六盘山片区). They go through check, the pipeline, exports, the print map, the
decks and the app, beside the two built-in plans.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from geo_app import export, regions, scenes
from geo_app.mapdata import load_map_data
from geo_app.paths import LAYERS_DIR, ROOT, SCENES_DIR
from geo_app.web.layers import layer_keys

FIXTURES = ROOT / "tests" / "fixtures" / "plans"
NEW_PLANS = ("gannan-tourism", "liupanshan")


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A catalog folder and a deck folder with the built-in plans and the two new ones."""
    layers = tmp_path_factory.mktemp("layers")
    decks = tmp_path_factory.mktemp("scenes")
    for f in LAYERS_DIR.glob("*.yaml"):
        shutil.copy(f, layers / f.name)
    for f in SCENES_DIR.glob("*.yaml"):
        shutil.copy(f, decks / f.name)
    for plan in NEW_PLANS:
        shutil.copy(FIXTURES / plan / "layers" / f"{plan}.yaml", layers / f"{plan}.yaml")
        shutil.copy(FIXTURES / plan / "scenes" / f"{plan}.yaml", decks / f"{plan}.yaml")
    return layers, decks


@pytest.fixture(scope="module")
def data(folders):
    return load_map_data(strict=True, layers_dir=folders[0])


def test_check_accepts_them(folders):
    res = subprocess.run([sys.executable, "-m", "geo_app", "check", "--layers-dir", str(folders[0])],
                         capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert res.returncode == 0, res.stderr
    for plan in ("linxia", "zhangye", *NEW_PLANS):
        assert plan in res.stdout


def test_region_choices_come_from_their_headers(data):
    choices = regions.region_choices(data.catalog)
    assert {"all", "linxia", "zhangye", *NEW_PLANS} <= set(choices)
    assert choices["liupanshan"].label("zh") == "六盘山片区"
    lanzhou = choices["620100"]  # one region of the seven-prefecture plan
    assert lanzhou.plans == ("liupanshan",) and lanzhou.label("zh") == "兰州市"
    linxia = choices["622900"]  # Linxia is in two plans
    assert set(linxia.plans) == {"linxia", "liupanshan"}


def test_boundaries_load_for_regions_with_no_committed_file(data):
    assert len(data.plan_counties["gannan-tourism"]) == 9  # 甘南州's 8 counties and 天祝县
    assert len(data.plan_counties["liupanshan"]) >= 50  # seven prefectures
    assert set(data.plan_counties["linxia"]) <= set(data.plan_counties["liupanshan"])


def test_a_county_in_two_plans_lists_items_of_both(data):
    from geo_app.panel import county_table

    table = county_table(data, 622921, "zh")  # 临夏县
    assert {"临夏州", "六盘山片区"} <= set(table.plan)
    rapeseed = table[table.feature_id == "liupanshan-linxia-rapeseed-seed-base"]
    assert list(rapeseed.group) == ["named"]  # the sentence names 临夏 (the prefecture): its counties are named


def test_exports_carry_the_plan_and_keep_region_wide_items_without_geometry(data):
    out = export.export_bytes(["liupanshan", "gannan-tourism"], "geojson", data=data)
    fc = json.loads(out.content)
    plans = {f["properties"]["plan"] for f in fc["features"]}
    assert plans == set(NEW_PLANS)
    wide = [f for f in fc["features"] if f["properties"]["location"] == "region_wide"]
    assert wide and all(f["geometry"] is None for f in wide)
    gpkg = export.export_bytes(["gannan-tourism"], "gpkg", crs="auto-gk", data=data)
    assert gpkg.filename.endswith(".gpkg") and len(gpkg.content) > 10_000


@pytest.mark.parametrize("region", ["liupanshan", "gannan-tourism", "622900"])
def test_print_map_draws_them(data, region):
    from geo_app.printmap import image_bytes

    _name, mime, png = image_bytes("png", size="16:9", region=region, dpi=60, data=data)
    assert mime == "image/png" and png.startswith(b"\x89PNG") and len(png) > 20_000


def test_decks_of_the_new_plans(data, folders):
    from geo_app.deck import deck_html, deck_pdf_bytes

    decks = scenes.load_decks(layer_keys(data), set(data.features.id), folders[1])
    new = [decks[p] for p in NEW_PLANS]
    assert all(d.scenes and not d.problems for d in new)
    html = deck_html(data, new, "zh")
    assert "六盘山片区农业布局总览" in html and "Content-Security-Policy" in html
    pdf = deck_pdf_bytes(data, [decks["gannan-tourism"]], "zh")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == len(decks["gannan-tourism"].scenes)


@pytest.mark.browser
def test_the_app_shows_them(folders, data):
    from tests.browser import ARTIFACTS, offline_page, streamlit_app
    from tests.test_app_browser import MAP_IFRAME, wait_map

    env = {"GEO_APP_LAYERS": str(folders[0]), "GEO_APP_SCENES": str(folders[1])}
    with streamlit_app(env=env) as url, offline_page(1920, 1080) as (page, _):
        page.goto(url + "/?region=liupanshan")
        frame = wait_map(page)
        assert frame.locator(".pm-l-county").count() >= 10
        assert frame.locator("path.pm-item").count() >= 3
        assert "六盘山片区" in frame.locator(".pm-badge").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "app_liupanshan.png"))
        page.goto(url + "/?region=622900")  # Linxia: the items of both plans over it
        frame = wait_map(page)
        badges = frame.locator(".pm-badge").all_inner_texts()
        assert any("临夏州" in b for b in badges) and any("六盘山片区" in b for b in badges)
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert "临夏州“十四五”科技创新规划" in sidebar and "六盘山片区" in sidebar
        assert page.locator(MAP_IFRAME).count() == 1
