"""The print map (geo_app.printmap): every region choice renders, what is painted and what is only listed,
markers by location kind, labels for every area item without overlaps, literal text, fonts, CLI."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil

import numpy as np
import pytest
from matplotlib import colors as mcolors
from matplotlib import font_manager
from PIL import Image

from geo_app import printmap, regions
from geo_app.cli import main
from geo_app.mapdata import load_map_data
from geo_app.paths import ROOT
from geo_app.printmap import draw, text

DPI = 40  # small renders keep the suite fast; the layout is in millimetres, so it does not change
FIXTURE_PLANS = ROOT / "tests" / "fixtures" / "plans"


@pytest.fixture(scope="session")
def fixture_data(tmp_path_factory):
    """The fixture plans: one over seven prefectures, one over a prefecture and a county far apart."""
    folder = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "layers" / "styles.yaml", folder)
    for plan in sorted(FIXTURE_PLANS.glob("*/layers/*.yaml")):
        shutil.copy(plan, folder)
    return load_map_data(layers_dir=folder, strict=True)


def png_bytes(mf: draw.MapFigure, dpi: int = DPI) -> bytes:
    return draw.figure_bytes(mf.fig, "png", dpi, mf.title)


def renderer(mf: draw.MapFigure):
    return mf.fig.canvas.get_renderer()


def texts(mf: draw.MapFigure, prefix: str) -> list:
    """Text artists of the map panels whose gid starts with ``prefix``."""
    return [t for ax in mf.axes for t in ax.texts if (t.get_gid() or "").startswith(prefix)]


# ----------------------------------------------------------------------------- fonts and text


def test_cjk_font_is_found():
    family = printmap.find_cjk_font()
    assert family in text.CJK_FAMILIES
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    if family.startswith("Noto Sans CJK"):
        assert "NotoSansCJK" in path


def test_missing_cjk_font_is_a_clear_error(monkeypatch):
    printmap.find_cjk_font.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    try:
        with pytest.raises(printmap.FontNotFoundError, match="fonts-noto-cjk"):
            printmap.find_cjk_font()
    finally:
        printmap.find_cjk_font.cache_clear()


def test_literal_text_strips_controls_keeps_dollars():
    assert text.literal("成本 $x$\x00\x1b[31m 与\u202e $5\t") == "成本 $x$[31m 与 $5 "
    assert text.wrap("沿太子山麓食用菌产业带", 9) == "沿太子山麓食用菌产业带"  # a little over: one line
    assert text.wrap("兰郎公路沿线川塬灌区蔬菜产业", 9).count("\n") == 1


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_tex_like_title_is_drawn_literally(map_data, fmt):
    title = r"成本 $x^2$ \frac{1}{2} $5 / 亩"
    mf = draw.draw_map(map_data, region="all", title=title, subtitle="$\\alpha$ 小标题", dpi=DPI)
    t = next(t for t in mf.fig.texts if t.get_gid() == "title")
    assert t.get_text() == title and t.get_parse_math() is False
    sub = next(t for t in mf.fig.texts if t.get_gid() == "subtitle")
    assert sub.get_text() == "$\\alpha$ 小标题"
    out = draw.figure_bytes(mf.fig, fmt, DPI, mf.title)  # mathtext would raise on the unbalanced $
    assert len(out) > 10_000
    every_text = [t for ax in mf.fig.axes for t in ax.texts] + list(mf.fig.texts)
    assert all(t.get_parse_math() is False for t in every_text)


# ----------------------------------------------------------------------------- every region choice


def _render_both(data, choice: str, lang: str = "zh") -> draw.MapFigure:
    mf = draw.draw_map(data, region=choice, lang=lang, dpi=DPI)
    png = png_bytes(mf)
    with Image.open(io.BytesIO(png)) as im:
        px = np.asarray(im.convert("L"), dtype=float)
    assert px.std() > 20  # not blank
    pdf = draw.figure_bytes(mf.fig, "pdf", DPI, mf.title)
    assert pdf.startswith(b"%PDF") and b"NotoSansCJK" in pdf  # the CJK font is embedded, not boxes
    return mf


def test_every_region_choice_renders(map_data):
    for choice in regions.region_choices(map_data.catalog):
        mf = _render_both(map_data, choice)
        assert mf.drawn_ids, choice


def test_fixture_region_choices_render(fixture_data):
    choices = regions.region_choices(fixture_data.catalog)
    assert len(choices) > 5  # all, two plans, the regions of both
    for choice in ["all", *fixture_data.catalog.plans, next(c for c in choices if c.isdigit())]:
        _render_both(fixture_data, choice, lang="en")


def test_panels_one_per_cluster(map_data, fixture_data):
    """Regions far apart get a panel each (west to east); adjacent regions share one."""
    assert len(draw.draw_map(map_data, region="all", dpi=DPI).panels) == len(map_data.catalog.plans) == 2
    for pid, plan in map_data.catalog.plans.items():
        assert len(draw.draw_map(map_data, region=pid, dpi=DPI).panels) == 1, plan
    multi = next(p for p in fixture_data.catalog.plans.values() if len(p.regions) > 5)
    assert len(draw.draw_map(fixture_data, region=multi.id, dpi=DPI).panels) == 1  # seven adjacent prefectures
    apart = next(p for p in fixture_data.catalog.plans.values() if len(p.regions) == 2)
    mf = draw.draw_map(fixture_data, region=apart.id, dpi=DPI)
    assert len(mf.panels) == 2
    names = [t.get_text() for ax in mf.axes for t in ax.texts if t.get_gid() == "panel_name"]
    assert len(names) == 2 and all(names)


def test_region_of_a_multi_region_plan_keeps_its_own_items(fixture_data):
    multi = next(p for p in fixture_data.catalog.plans.values() if len(p.regions) > 5)
    whole = draw.draw_map(fixture_data, region=multi.id, dpi=DPI)
    for code in multi.regions[:3]:
        part = draw.draw_map(fixture_data, region=str(code), dpi=DPI)
        assert part.drawn_ids <= whole.drawn_ids
        assert set(part.panels[0].counties) < set(whole.panels[0].counties)


# ----------------------------------------------------------------------------- what is painted


def test_region_wide_items_are_listed_never_painted(map_data):
    mf = draw.draw_map(map_data, region="all", dpi=DPI)
    wide = set(map_data.features.loc[map_data.features["region_wide"], "id"])
    assert wide and not (mf.drawn_ids & wide)
    assert set(mf.content.region_wide["id"]) == wide
    painted = {(a.get_gid() or "").split(":", 1)[-1] for ax in mf.axes for a in ax.get_children()}
    assert not (painted & wide)
    legend = next(ax for ax in mf.fig.axes if ax.get_gid() == "legend")
    heads = [t.get_text() for t in legend.texts if (t.get_gid() or "").startswith("legend:region_wide:")]
    for pid in map_data.catalog.plans:
        n = int((map_data.features["plan"].eq(pid) & map_data.features["region_wide"]).sum())
        assert any(h.endswith(f" {n}") for h in heads), (pid, heads)


def test_stand_ins_are_hollow_and_sites_solid(map_data):
    f = map_data.features
    stand_in = f[(f["location"] == "stand_in") & ~f["outside_region"].astype(bool)].iloc[0]
    # make one stand-in of the same plan a site, to see both kinds side by side
    other = f[
        (f["location"] == "stand_in")
        & (f["plan"] == stand_in["plan"])
        & (f["id"] != stand_in["id"])
        & ~f["outside_region"].astype(bool)
    ].iloc[0]
    features = f.copy()
    features.loc[features["id"] == other["id"], "location"] = "site"
    data = dataclasses.replace(map_data, features=features)
    mf = draw.draw_map(data, region=stand_in["plan"], dpi=DPI)
    colls = {c.get_gid(): c for ax in mf.axes for c in ax.collections if c.get_gid() in ("sites", "stand_ins")}
    hollow, solid = colls["stand_ins"], colls["sites"]
    assert stand_in["id"] in hollow.point_ids and other["id"] in solid.point_ids
    assert np.allclose(hollow.get_facecolors()[:, :3], 1.0)  # white inside: hollow
    cat = map_data.catalog.categories[other["category"]]["color"]
    assert np.allclose(solid.get_facecolors()[solid.point_ids.index(other["id"]), :3], mcolors.to_rgb(cat))


def test_every_area_item_labelled_without_overlaps(map_data):
    for choice in ("all", *map_data.catalog.plans):
        mf = draw.draw_map(map_data, region=choice, lang="en", dpi=DPI)
        r = renderer(mf)
        areas = set(mf.content.drawn.loc[mf.content.drawn["shape"].isin(["area", "line"]), "id"]) & mf.drawn_ids
        labels = texts(mf, "label:")
        assert areas <= {t.get_gid()[6:] for t in labels}, choice
        assert not set(mf.unlabelled) & areas
        boxes = [t.get_window_extent(r) for t in labels + texts(mf, "county:")]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                overlap_w = min(a.x1, b.x1) - max(a.x0, b.x0)
                overlap_h = min(a.y1, b.y1) - max(a.y0, b.y0)
                assert overlap_w <= 0.5 or overlap_h <= 0.5, (choice, a, b)


def test_items_outside_the_region_are_labelled(map_data):
    out = map_data.features[map_data.features["outside_region"].astype(bool)]
    assert len(out)
    mf = draw.draw_map(map_data, region=out["plan"].iloc[0], dpi=DPI)
    ids = set(out.loc[out["plan"] == out["plan"].iloc[0], "id"])
    labelled = {t.get_gid()[6:]: t.get_text() for t in texts(mf, "label:")}
    for fid in ids:
        assert fid in labelled and ("公里" in labelled[fid])


def test_item_colours_come_from_the_style_table(map_data):
    from geo_app.styles import item_styles

    st = item_styles(map_data.catalog, map_data.features.set_index("id")["shape"])
    mf = draw.draw_map(map_data, region="all", dpi=DPI)
    hatches = {c.get_gid()[6:]: c for ax in mf.axes for c in ax.collections if (c.get_gid() or "").startswith("hatch:")}
    assert hatches
    for fid, coll in hatches.items():
        assert mcolors.to_hex(coll.get_edgecolor()[0], keep_alpha=False) == st.loc[fid, "color"].lower()


# ----------------------------------------------------------------------------- files, sizes, CLI


def test_a4_png_size_and_dpi(map_data, tmp_path):
    out = tmp_path / "map.png"
    res = printmap.render_map(out, size="a4", lang="zh", region="all", dpi=100, data=map_data)
    with Image.open(out) as im:
        assert im.size == (1169, 827) == res.size_px
        assert round(im.info["dpi"][0]) == 100
    assert not list(tmp_path.glob(".*"))  # written atomically: no temp file left


def test_16_9_pdf_page(map_data, tmp_path):
    out = tmp_path / "slide.pdf"
    printmap.render_map(out, size="16:9", lang="en", region="all", dpi=72, data=map_data)
    raw = out.read_bytes()
    (box,) = re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", raw)
    x0, y0, x1, y1 = (float(v) for v in box.split())
    assert (x1 - x0) / (y1 - y0) == pytest.approx(16 / 9, abs=0.01)


def test_image_bytes_for_download(map_data):
    name, mime, content = printmap.image_bytes("png", data=map_data, region="all", size="16:9", dpi=DPI)
    assert name.endswith(".png") and mime == "image/png" and content.startswith(b"\x89PNG")


def test_unknown_region_and_layer(map_data):
    with pytest.raises(ValueError, match="unknown region 'mars'; choose one of all"):
        draw.draw_map(map_data, region="mars", dpi=DPI)
    with pytest.raises(ValueError, match="unknown layer 'nonsense'"):
        draw.draw_map(map_data, layers="nonsense", dpi=DPI)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--size", "a3"], "unknown size 'a3'"),
        (["--lang", "fr"], "unknown language 'fr'"),
        (["--region", "lanzhou"], "unknown region 'lanzhou'"),
        (["--layers", "nonsense"], "unknown layer 'nonsense'"),
    ],
)
def test_cli_image_errors(tmp_path, capsys, args, needle):
    code = main(["image", "--out", str(tmp_path / "m.png"), "--dpi", "50", *args])
    err = capsys.readouterr().err
    assert code != 0 and needle in err and len(err.strip().splitlines()) == 1


def test_cli_image_writes_and_keeps_existing(tmp_path, capsys):
    assert main(["image", "--out", str(tmp_path / "m.jpg")]) != 0
    assert ".png or .pdf" in capsys.readouterr().err
    out = tmp_path / "m.png"
    out.write_text("keep")
    assert main(["image", "--out", str(out)]) != 0
    assert "--force" in capsys.readouterr().err and out.read_text() == "keep"
    assert main(["image", "--out", str(out), "--force", "--dpi", "50", "--size", "16:9", "--lang", "en"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG") and "wrote" in capsys.readouterr().out


# ----------------------------------------------------------------------------- no plan in the code


def test_no_plan_specific_strings_in_printmap():
    words = re.compile(r"linxia|zhangye|gannan|liupan|6229\d\d|6207\d\d|620000|甘肃|兰州|临夏|张掖", re.I)
    for path in sorted((ROOT / "geo_app" / "printmap").glob("*.py")):
        hits = words.findall(path.read_text(encoding="utf-8"))
        assert not hits, (path.name, hits)
