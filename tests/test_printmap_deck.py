"""The PDF deck (geo_app.printmap.deck_pdf): a page per scene with its extent, highlights, title,
subtitle and footer; progress reported; and the CLI."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
import shapely

from geo_app import scenes
from geo_app.printmap import deck_pdf
from geo_app.web.layers import layer_keys


@pytest.fixture(scope="module")
def decks(map_data):
    found = scenes.load_decks(layer_keys(map_data), set(map_data.features["id"]))
    assert found and all(not d.problems for d in found.values())
    return list(found.values())


def _lonlat_box(panel) -> shapely.Geometry:
    return gpd.GeoSeries([shapely.box(*panel.extent).segmentize(1000)], crs=panel.crs).to_crs(4326).iloc[0]


def test_each_scene_page_frames_its_extent_and_highlights(map_data, decks):
    pages = [(d, s) for d in decks for s in d.scenes]
    with_extent = [(d, s) for d, s in pages if s.extent]
    with_highlight = [(d, s) for d, s in pages if s.highlight]
    assert with_extent and with_highlight
    for i, (deck, scene) in enumerate(pages, start=1):
        if not (scene.extent or scene.highlight):
            continue
        mf = deck_pdf.scene_figure(map_data, deck, scene, i, len(pages), "en")
        (panel,) = mf.panels if scene.extent else mf.panels[:1]
        view = _lonlat_box(panel)
        if scene.extent:
            lon0, lat0, lon1, lat1 = scene.extent
            assert view.buffer(1e-6).contains(shapely.box(lon0, lat0, lon1, lat1).buffer(-1e-6)), scene.id
            hl = map_data.features[map_data.features["id"].isin(scene.highlight)]
            for g in hl.geometry:
                if g is not None:
                    assert view.buffer(1e-6).contains(g), scene.id
        title = next(t for t in mf.fig.texts if t.get_gid() == "title").get_text()
        assert title.startswith(scene.title("en")[:10])
        if scene.subtitle("en"):
            assert next(t for t in mf.fig.texts if t.get_gid() == "subtitle").get_text() == scene.subtitle("en")
        footer = next(t for t in mf.fig.texts if t.get_gid() == "deck_footer").get_text()
        assert footer.endswith(f"{i} / {len(pages)}")
        labelled = {
            (t.get_gid() or "")[6:] for ax in mf.axes for t in ax.texts if (t.get_gid() or "").startswith("label:")
        }
        for fid in scene.highlight:
            if fid in mf.drawn_ids:
                assert fid in labelled, (scene.id, fid)


def test_highlights_are_amber_and_boxed(map_data, decks):
    deck, scene = next((d, s) for d in decks for s in d.scenes if s.highlight)
    mf = deck_pdf.scene_figure(map_data, deck, scene, 1, 1, "zh")
    amber = map_data.catalog.base["highlight"].lower()
    boxed = [
        t
        for ax in mf.axes
        for t in ax.texts
        if (t.get_gid() or "")[6:] in scene.highlight and t.get_bbox_patch() is not None
    ]
    assert boxed
    from matplotlib.colors import to_hex

    assert all(to_hex(t.get_bbox_patch().get_edgecolor(), keep_alpha=False) == amber for t in boxed)


def test_deck_pdf_pages_and_progress(map_data, decks):
    seen: list[tuple[float, str]] = []
    pdf = deck_pdf.deck_pdf_bytes(map_data, decks[:1], "zh", progress=lambda f, m: seen.append((f, m)))
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == len(decks[0].scenes)
    for w, h in boxes:
        assert abs(float(w) / float(h) - 16 / 9) < 0.01
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert len(seen) >= len(decks[0].scenes) + 1


def test_empty_deck_is_an_error(map_data):
    with pytest.raises(ValueError, match="no valid scenes"):
        deck_pdf.deck_pdf_bytes(map_data, [], "zh")


def test_cli_deck_pdf(tmp_path, capsys):
    from geo_app.cli import main

    out = tmp_path / "deck.pdf"
    assert main(["deck", "--out", str(out), "--decks", "zhangye"]) == 0, capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF") and "scenes, pdf" in capsys.readouterr().out
