"""The static map image: page sizes, not blank, Chinese font, options and CLI errors."""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest
from matplotlib import font_manager
from PIL import Image

from geo_app import image
from geo_app.cli import main
from geo_app.mapdata import load_map_data


@pytest.fixture(scope="module")
def data():
    return load_map_data()


def test_cjk_font_is_found():
    family = image.find_cjk_font()
    assert family in image.CJK_FAMILIES
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    if family.startswith("Noto Sans CJK"):
        assert "NotoSansCJK" in path


def test_missing_cjk_font_is_a_clear_error(monkeypatch):
    image.find_cjk_font.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    try:
        with pytest.raises(image.FontNotFoundError, match="fonts-noto-cjk"):
            image.find_cjk_font()
    finally:
        image.find_cjk_font.cache_clear()


def test_a4_png_at_300_dpi(data, tmp_path):
    out = tmp_path / "map.png"
    res = image.render_map(out, size="a4", lang="zh", region="both", data=data)
    with Image.open(out) as im:
        assert im.size == (3508, 2480) == res.size_px
        dpi = im.info.get("dpi")
        assert dpi and round(dpi[0]) == 300
        px = np.asarray(im.convert("L"), dtype=float)
    assert px.std() > 20  # not blank
    # the map panels carry colour: many distinct grey levels, not a flat page
    assert len(np.unique(px[::8, ::8])) > 50
    assert res.features == len(data.features)


def test_16_9_png_english_single_region(data, tmp_path):
    out = tmp_path / "slide.png"
    res = image.render_map(out, size="16:9", lang="en", region="zhangye", layers="ecology,research_platform",
                           title="Ecology & research", dpi=120, data=data)  # fmt: skip
    with Image.open(out) as im:
        assert im.size == (1600, 900)
        assert np.asarray(im.convert("L"), dtype=float).std() > 20
    f = data.features
    assert res.features == ((f.plan == "zhangye") & f.category.isin(["ecology", "research_platform"])).sum()


def test_pdf_page_size_and_fonts(data, tmp_path):
    out = tmp_path / "map.pdf"
    image.render_map(out, size="a4", region="linxia", data=data)
    raw = out.read_bytes()
    assert raw.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", raw)
    assert len(boxes) == 1  # one page
    x0, y0, x1, y1 = (float(v) for v in boxes[0].split())
    assert (x1 - x0) == pytest.approx(297 / 25.4 * 72, abs=0.5) and (y1 - y0) == pytest.approx(210 / 25.4 * 72,
                                                                                                abs=0.5)  # fmt: skip
    assert b"NotoSansCJK" in raw or b"Noto" in raw  # the CJK font is embedded, not boxes
    assert len(zlib.compress(raw)) > 50_000  # vector content, not an empty page


def test_image_bytes_for_download(data):
    name, mime, content = image.image_bytes("png", data=data, region="linxia", size="16:9", dpi=60)
    assert name.endswith(".png") and mime == "image/png" and content.startswith(b"\x89PNG")


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
    code = main(["image", "--out", str(tmp_path / "m.png"), *args])
    err = capsys.readouterr().err
    assert code != 0 and needle in err and len(err.strip().splitlines()) == 1


def test_cli_image_bad_suffix_and_existing(tmp_path, capsys):
    assert main(["image", "--out", str(tmp_path / "m.jpg")]) != 0
    assert ".png or .pdf" in capsys.readouterr().err
    out = tmp_path / "m.png"
    out.write_text("keep")
    assert main(["image", "--out", str(out)]) != 0
    assert "--force" in capsys.readouterr().err and out.read_text() == "keep"
