"""Plan workbench, review store: operations, block-preserving writes, validation, conflicts, history, undo."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest

from geo_app.catalog import load_catalog
from geo_app.paths import LAYERS_DIR, PLANS_DIR
from geo_app.workbench import edits, history, plantext, review
from geo_app.workbench.document import load_doc, render, split_blocks
from tests.workbench_demo import make_demo_catalog

ZONE = "demo-lin-xia-jing-ji-kai-fa-qu"  # a stand-in at the prefecture seat, counties []
GUANGHE = "demo-guang-he-jing-ji-kai-fa-qu"  # a stand-in at Guanghe's seat, counties [622924]
DONGXIANG = "demo-dong-xiang-jing-ji-kai-fa-qu"
BELT = "demo-yan-tai-zi-shan-lu-shi-yong-jun-chan-ye-dai"  # a zone over three counties
DIGITAL = "demo-shu-zi-jing-ji-chan-ye-yuan"  # region-wide


@pytest.fixture()
def path(tmp_path) -> Path:
    return make_demo_catalog(tmp_path / "layers")


def _save(path: Path, *ops, who: str = "tester", why: str = "test") -> review.Saved:
    return review.save(path, load_doc(path), list(ops), who=who, why=why)


def _feature(path: Path, fid: str) -> dict:
    return load_doc(path).feature(fid)


# ----------------------------------------------------------------------------- the file


def test_rendering_unchanged_features_keeps_the_file_byte_for_byte(path):
    doc = load_doc(path)
    assert render(doc, list(doc.features)) == doc.text


@pytest.mark.parametrize("name", ["linxia.yaml", "zhangye.yaml"])
def test_an_edit_of_a_hand_made_catalog_rewrites_only_its_block(tmp_path, name):
    path = tmp_path / name
    shutil.copy(LAYERS_DIR / name, path)
    doc = load_doc(path)
    assert split_blocks(doc.text) is not None
    fid = doc.ids()[5]
    text = render(doc, edits.Accept(fid).apply(list(doc.features)))
    old, new = doc.text.splitlines(), text.splitlines()
    assert [ln for ln in old if ln.lstrip().startswith("#")] == [ln for ln in new if ln.lstrip().startswith("#")]
    start, nxt = f"  - id: {fid}", f"  - id: {doc.ids()[6]}"
    assert new[: new.index(start)] == old[: old.index(start)]  # before the block: the same bytes
    assert new[new.index(nxt) :] == old[old.index(nxt) :]  # after it too
    assert "    review: reviewed" in new[new.index(start) : new.index(nxt)]


def test_a_file_without_block_layout_is_written_whole_with_its_comment(tmp_path, path):
    doc = load_doc(path)
    flow = tmp_path / "flow.yaml"
    import yaml

    body = yaml.safe_dump({"plan": doc.header, "features": list(doc.features)}, allow_unicode=True,
                          default_flow_style=True)  # fmt: skip
    flow.write_text("# keep me\n" + body, encoding="utf-8")
    other = load_doc(flow)
    text = render(other, edits.Accept(ZONE).apply(list(other.features)))
    assert text.startswith("# keep me\n") and "review: reviewed" in text


# ----------------------------------------------------------------------------- operations


def test_accept_and_edit_fields(path):
    saved = _save(path, edits.Accept(ZONE), edits.set_fields(ZONE, name_en="Linxia Economic Development Zone",
                                                             status=None))  # fmt: skip
    f = saved.doc.feature(ZONE)
    assert f["review"] == "reviewed" and f["name_en"] == "Linxia Economic Development Zone" and "status" not in f
    assert saved.entry.action == "edit" and set(saved.entry.fields[ZONE]) == {"review", "name_en", "status"}


def test_a_field_outside_the_form_is_refused(path):
    with pytest.raises(edits.EditError):
        _save(path, edits.set_fields(ZONE, geometry="x"))


def test_set_counties(path):
    saved = _save(path, edits.SetCounties(DONGXIANG, (622924, 622926)))  # the quote names 广河 and 东乡
    assert saved.doc.feature(DONGXIANG)["counties"] == [622924, 622926]


def test_place_a_site_from_a_click(path):
    place = edits.point(103.3612, 35.4123, "site", "州发改委 2023 年园区规划图")
    saved = _save(path, edits.SetPlace(GUANGHE, place))
    f = saved.doc.feature(GUANGHE)
    assert f["location"] == "site" and f["geometry"] == {"recipe": "point", "lonlat": [103.3612, 35.4123]}
    assert "州发改委" in f["location_source"] and f["location_source_zh"].startswith("坐标来源")
    cat = load_catalog(path.parent)
    assert cat.feature(GUANGHE).location == "site"


def test_place_at_a_town_outline_line_zone_named_area_and_region_wide(path):
    ring = [[103.0, 35.5], [103.2, 35.5], [103.2, 35.6], [103.0, 35.6], [103.0, 35.5]]
    cases = [
        (GUANGHE, edits.town("town-guanghe-chengguanzhen", "广河城关镇", "Guanghe Chengguan"), "stand_in"),
        (BELT, edits.outline(ring, "太子山北麓示意"), "schematic"),
        (BELT, edits.line([[103.0, 35.5], [103.3, 35.4]], "沿山脚线示意"), "schematic"),
        (BELT, edits.zone(["plateau-edge"], 12, "assumed", "青藏高原边缘线", "the plateau edge"), "zone"),
        (BELT, edits.named_area(), "named_area"),
        (DIGITAL, edits.region_wide(), "region_wide"),
    ]
    for fid, place, kind in cases:
        saved = _save(path, edits.SetPlace(fid, place))
        assert saved.doc.feature(fid)["location"] == kind
    assert "location_source" not in _feature(path, BELT)  # a whole-county area needs no source here
    assert load_catalog(path.parent).problems == []


def test_merge_keeps_one_with_the_others_quote_and_links(path):
    doc = load_doc(path)
    park = "demo-guang-he-xian-sheng-ji-nong-ye-ke-ji-yuan-qu"
    other = doc.feature(park)
    saved = _save(path, edits.Merge(GUANGHE, park))
    assert park not in saved.doc.ids()
    kept = saved.doc.feature(GUANGHE)
    assert other["quote"] in kept["note_zh"] and other["quote"] in kept["note_en"]
    assert set(saved.entry.ids) == {GUANGHE, park}
    same = _save(path, edits.Merge(GUANGHE, DONGXIANG)).doc.feature(GUANGHE)  # the same sentence: no note
    assert same["note_zh"] == kept["note_zh"]


def test_reject_removes_the_item_and_every_link_to_it(path):
    _save(path, edits.set_fields(GUANGHE, note_en="x"))
    doc = load_doc(path)
    linked = [dict(f, related=[DIGITAL]) if f["id"] == GUANGHE else f for f in doc.features]
    path.write_text(render(doc, linked), encoding="utf-8")
    saved = _save(path, edits.Reject(DIGITAL))
    assert DIGITAL not in saved.doc.ids() and "related" not in saved.doc.feature(GUANGHE)
    assert saved.entry.action == "reject" and saved.entry.after[DIGITAL] is None


def test_add_an_item_the_draft_missed_from_a_text_selection(path):
    doc = load_doc(path)
    text = (PLANS_DIR / "linxia_2022.txt").read_text(encoding="utf-8")
    hits = plantext.find_phrase(text, "食用菌菌种研发")
    assert hits
    a, b = plantext.sentence_at(text, *hits[0])
    feature = plantext.propose(doc, text, text[a:b], name_zh="食用菌菌种研发中心")
    assert feature["id"].startswith("demo-") and feature["review"] == "draft"
    assert feature["name_zh"] == "食用菌菌种研发中心"
    saved = _save(path, edits.AddItem(feature, after=BELT))
    ids = saved.doc.ids()
    assert ids[ids.index(BELT) + 1] == feature["id"]
    assert load_catalog(path.parent).problems == []


def test_quote_location_and_context():
    text = "一、总则\n推进临夏经济开\n发区建设，探索建设数字经济产业园。\n二、其他"
    span = plantext.quote_span(text, "临夏经济开发区")
    assert span and text[span[0] : span[1]] == "临夏经济开\n发区"
    ctx = plantext.around(text, span, before=4, after=4)
    assert ctx.quote == "临夏经济开\n发区" and ctx.after.endswith("…")
    sentence = plantext.sentence_at(text, *plantext.find_phrase(text, "数字经济")[0])
    assert sentence == (text.index("发区"), text.index("\n二"))
    assert plantext.quote_span(text, "不在文中") is None


# ----------------------------------------------------------------------------- validation


def test_an_invalid_edit_is_refused_with_its_problems_and_the_file_is_left_alone(path):
    before = path.read_bytes()
    with pytest.raises(review.InvalidEdit) as err:
        _save(path, edits.SetCounties(GUANGHE, (622925,)))  # 和政 is not named in the quote
    problem = err.value.problems[0]
    assert (problem.feature_id, problem.field) == (GUANGHE, "counties") and problem.file.endswith("demo.yaml")
    assert "622925" in err.value.text("zh") and path.read_bytes() == before
    assert history.read(path) == []


def test_validation_covers_the_whole_folder(path):
    other = make_demo_catalog(path.parent, "other")
    doc = load_doc(other)
    first, second = doc.ids()[:2]
    linked = [dict(f, related=[GUANGHE]) if f["id"] == first else f for f in doc.features]
    broken = [dict(f, category="no-such-category") if f["id"] == second else f for f in linked]
    other.write_text(render(doc, broken), encoding="utf-8")
    # other.yaml has a problem already (a bad category): demo.yaml may still be edited ...
    _save(path, edits.Accept(GUANGHE))
    # ... but not so that another file breaks: other.yaml links to GUANGHE
    with pytest.raises(review.InvalidEdit) as err:
        _save(path, edits.Reject(GUANGHE))
    (problem,) = err.value.problems
    assert (problem.file, problem.feature_id, problem.field) == (str(other), first, "related")


# ----------------------------------------------------------------------------- conflicts


def test_a_conflict_is_detected_and_a_non_overlapping_edit_merges(path):
    base = load_doc(path)
    _save(path, edits.Accept(GUANGHE), who="A")
    with pytest.raises(review.ConflictError) as err:
        review.save(path, base, [edits.Accept(DONGXIANG)], who="B")
    assert err.value.mergeable and [c.feature_id for c in err.value.changes] == [GUANGHE]
    assert GUANGHE in err.value.text("zh")
    review.save(path, err.value.current, [edits.Accept(DONGXIANG)], who="B")
    doc = load_doc(path)
    assert doc.feature(GUANGHE)["review"] == doc.feature(DONGXIANG)["review"] == "reviewed"


def test_an_edit_of_the_same_item_is_not_mergeable(path):
    base = load_doc(path)
    _save(path, edits.set_fields(GUANGHE, name_en="A's name"), who="A")
    with pytest.raises(review.ConflictError) as err:
        review.save(path, base, [edits.set_fields(GUANGHE, name_en="B's name")], who="B")
    assert not err.value.mergeable
    assert err.value.changes[0].fields == ("name_en",)
    assert _feature(path, GUANGHE)["name_en"] == "A's name"


# ----------------------------------------------------------------------------- history and undo


def test_history_records_who_when_what_why(path):
    _save(path, edits.Accept(GUANGHE), who="  王工\u202e ", why="核对了园区批复")
    (entry,) = history.read(path)
    assert entry.who == "王工" and entry.why == "核对了园区批复" and entry.when.endswith("+00:00")
    assert entry.plan == "demo" and entry.ids == [GUANGHE] and entry.fields[GUANGHE] == ["review"]
    assert history.history_path(path) == path.parent / "history" / "demo.jsonl"
    _save(path, edits.Accept(DONGXIANG), who="")
    assert history.read(path)[-1].who == "anonymous"


def test_undo_restores_and_is_recorded(path):
    before = path.read_text(encoding="utf-8")
    saved = _save(path, edits.Merge(GUANGHE, DONGXIANG))
    undone = history.undo(path, saved.entry.id, who="王工", why="合并错了")
    assert path.read_text(encoding="utf-8") == before
    assert undone.entry.action == "undo" and undone.entry.undo_of == saved.entry.id
    assert history.undone(history.read(path)) == {saved.entry.id}


def test_undo_of_a_reject_puts_the_item_back_in_place(path):
    ids = load_doc(path).ids()
    saved = _save(path, edits.Reject(DONGXIANG))
    history.undo(path, saved.entry.id, who="x")
    assert load_doc(path).ids() == ids


def test_undo_is_refused_when_the_item_changed_since(path):
    first = _save(path, edits.set_fields(GUANGHE, name_en="one")).entry
    _save(path, edits.set_fields(GUANGHE, name_en="two"))
    with pytest.raises(history.HistoryError) as err:
        history.undo(path, first.id, who="x")
    assert GUANGHE in err.value.text("en")
    assert _feature(path, GUANGHE)["name_en"] == "two"


def test_a_damaged_history_line_is_skipped(path):
    _save(path, edits.Accept(GUANGHE))
    hp = history.history_path(path)
    hp.write_text(hp.read_text(encoding="utf-8") + '{"id": "torn', encoding="utf-8")
    _save(path, edits.Accept(DONGXIANG))
    assert [e.ids for e in history.read(path)] == [[GUANGHE], [DONGXIANG]]


# ----------------------------------------------------------------------------- concurrency


def _accept_with_retry(path: str, fid: str, who: str) -> None:
    """What the app does: save; on a conflict that leaves this item alone, merge."""
    base = load_doc(path)
    for _ in range(50):
        try:
            review.save(path, base, [edits.Accept(fid)], who=who, why="parallel", timeout=60)
            return
        except review.ConflictError as err:
            assert err.mergeable
            base = err.current


def test_concurrent_saves_from_several_processes_lose_nothing(path):
    ids = load_doc(path).ids()[:6]
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_accept_with_retry, args=(str(path), fid, f"p{i}")) for i, fid in enumerate(ids)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert all(p.exitcode == 0 for p in procs)
    doc = load_doc(path)
    assert all(doc.feature(fid)["review"] == "reviewed" for fid in ids)
    entries = history.read(path)
    assert sorted(e.ids[0] for e in entries) == sorted(ids)
    assert [e.version_before for e in entries[1:]] == [e.version_after for e in entries[:-1]]


def test_a_correction_of_a_hand_made_catalog_is_saved_and_undone_byte_for_byte(tmp_path):
    for name in ("linxia.yaml", "zhangye.yaml", "styles.yaml"):
        shutil.copy(LAYERS_DIR / name, tmp_path / name)
    path = tmp_path / "linxia.yaml"
    before = path.read_bytes()
    doc = load_doc(path)
    fid = next(f["id"] for f in doc.features if f["location"] == "stand_in" and f["counties"])
    site = edits.point(103.21, 35.60, "site", "州自然资源局用地批复图")
    saved = review.save(path, doc, [edits.SetPlace(fid, site)], who="王工", why="实际位置已知")
    assert load_catalog(tmp_path).feature(fid).location == "site"
    assert saved.doc.text.count("\n  # ---") == doc.text.count("\n  # ---")  # section comments kept
    history.undo(path, saved.entry.id, who="王工")
    assert path.read_bytes() == before
