"""Streamlit AppTest of the plan workbench page: accept, place a point, save, history, undo, refusal,
conflict and merge, on a small draft in a temporary catalog folder (GEO_APP_LAYERS)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo_app.paths import ROOT
from geo_app.workbench import edits, history, review
from geo_app.workbench.document import load_doc
from tests.workbench_demo import make_demo_catalog

APP = str(ROOT / "streamlit_app.py")
GUANGHE = "demo-guang-he-jing-ji-kai-fa-qu"
DONGXIANG = "demo-dong-xiang-jing-ji-kai-fa-qu"


@pytest.fixture()
def catalog(tmp_path, monkeypatch):
    path = make_demo_catalog(tmp_path / "layers")
    monkeypatch.setenv("GEO_APP_LAYERS", str(path.parent))
    return path


def _open(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params["lang"] = lang
    at.run()
    at.sidebar.toggle(key="workbench").set_value(True).run()
    assert not at.exception, at.exception
    return at


def _k(at: AppTest, name: str, fid: str) -> str:
    """A widget key of the item form (per file version and language); "pt" is the clicked point."""
    slot = f"wb_f::{name}::{fid}::{at.session_state['wb_doc'].version}"
    return slot if name == "pt" else f"{slot}::{at.session_state['lang']}"


def _select(at: AppTest, fid: str) -> None:
    at.session_state["wb_sel"] = fid
    at.run()


def _texts(elements) -> str:
    return " ".join(e.value for e in elements)


def test_the_page_lists_the_drafts_beside_the_quote(catalog):
    at = _open()
    assert any("规划工作台" in m.value for m in at.markdown)
    assert "0 / 17" in at.get("progress")[0].proto.text
    marked = [m.value for m in at.markdown if "<mark>" in m.value]
    assert marked and "<b>临夏经济开发区</b>" in marked[0]
    assert at.session_state["wb_sel"] == "demo-lin-xia-jing-ji-kai-fa-qu"


def test_accept_an_item_records_who_and_moves_on(catalog):
    at = _open()
    at.text_input(key="wb_who").input("王工").run()
    first = at.session_state["wb_sel"]
    at.button(key=_k(at, "accept", first)).click().run()
    assert not at.exception and not at.error
    assert "已保存" in _texts(at.success)
    assert load_doc(catalog).feature(first)["review"] == "reviewed"
    (entry,) = history.read(catalog)
    assert entry.who == "王工" and entry.action == "accept"
    assert at.session_state["wb_sel"] != first  # the next draft


def test_place_a_point_save_see_it_in_the_history_and_undo(catalog):
    at = _open()
    _select(at, GUANGHE)
    at.radio(key=_k(at, "place", GUANGHE)).set_value("point").run()
    at.session_state[_k(at, "pt", GUANGHE)] = (103.36612, 35.41234)  # what a map click stores
    at.text_input(key=_k(at, "source", GUANGHE)).input("广河县园区规划图（2023）").run()
    at.text_input(key=_k(at, "why", GUANGHE)).input("找到了园区位置").run()
    assert "103.36612" in _texts(at.caption)
    at.button(key=_k(at, "accept", GUANGHE)).click().run()
    assert not at.error, _texts(at.error)
    f = load_doc(catalog).feature(GUANGHE)
    assert f["location"] == "site" and f["geometry"]["lonlat"] == [103.36612, 35.41234]
    assert f["review"] == "reviewed" and "广河县园区规划图" in f["location_source_zh"]
    (entry,) = history.read(catalog)
    assert entry.why == "找到了园区位置"
    assert any("找到了园区位置" in m.value for m in at.markdown)  # the history shows it
    at.button(key=f"wb_undo::{entry.id}").click().run()
    assert not at.error, _texts(at.error)
    f = load_doc(catalog).feature(GUANGHE)
    assert f["location"] == "stand_in" and f["review"] == "draft"
    assert history.read(catalog)[-1].undo_of == entry.id


def test_a_county_the_quote_does_not_name_is_refused_with_the_problem(catalog):
    at = _open()
    _select(at, GUANGHE)
    at.multiselect(key=_k(at, "counties", GUANGHE)).select(622925).run()
    assert "和政县" in _texts(at.warning)
    before = catalog.read_bytes()
    at.button(key=_k(at, "save", GUANGHE)).click().run()
    errors = _texts(at.error)
    assert "未保存" in errors and GUANGHE in errors.replace("\\", "") and "counties" in errors
    assert catalog.read_bytes() == before


def test_someone_elses_save_is_merged_or_redone(catalog):
    at = _open()
    _select(at, GUANGHE)
    review.save(catalog, load_doc(catalog), [edits.Accept(DONGXIANG)], who="李工", why="elsewhere")
    at.text_input(key=_k(at, "name_en", GUANGHE)).input("Guanghe Economic Development Zone").run()
    assert "已被他人修改" in _texts(at.info)
    at.button(key=_k(at, "save", GUANGHE)).click().run()
    assert DONGXIANG in _texts(at.warning).replace("\\", "")  # what changed is listed
    at.button(key="wb_conflict_merge").click().run()
    assert not at.error, _texts(at.error)
    doc = load_doc(catalog)
    assert doc.feature(GUANGHE)["name_en"] == "Guanghe Economic Development Zone"
    assert doc.feature(DONGXIANG)["review"] == "reviewed"


def test_english_page_and_reject(catalog):
    at = _open("en")
    assert any("Plan workbench" in m.value for m in at.markdown)
    _select(at, DONGXIANG)
    at.button(key=_k(at, "reject", DONGXIANG)).click().run()
    assert "Saved" in _texts(at.success)
    assert DONGXIANG not in load_doc(catalog).ids()


def test_add_an_item_from_the_text(catalog):
    at = _open()
    at.text_input(key="wb_add_find").input("数字化车间").run()
    assert not at.exception
    at.button(key="wb_add_go").click().run()
    assert not at.error, _texts(at.error)
    new = at.session_state["wb_sel"]
    doc = load_doc(catalog)
    assert new in doc.ids() and doc.feature(new)["name_zh"] == "数字化车间"
    assert history.read(catalog)[-1].action == "add"


def test_switching_language_keeps_the_filter_and_relabels_the_form(catalog):
    at = _open()
    at.radio(key="wb_filter::zh").set_value("all").run()
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert at.radio(key="wb_filter::en").value == "all"
    fid = at.session_state["wb_sel"]
    assert "Development zone / industrial park" in at.selectbox(key=_k(at, "category", fid)).options
    assert at.selectbox(key=_k(at, "status", fid)).value == "to_build"


PLAN_TEXT = """临夏州“十四五”示范规划
一、重点任务
推进临夏经济开发区、广河经济开发区、东乡经济开发区建设，探索建设数字经济产业园。
以和政县、康乐县、积石山县、临夏县为重点的沿太子山麓食用菌产业带。
"""


def test_upload_a_plan_document_and_get_a_draft_to_review(catalog):
    at = _open()
    at.file_uploader(key="wb_new_file").upload("新规划.txt", PLAN_TEXT.encode("utf-8"), "text/plain")
    at.text_input(key="wb_new_id").input("newplan").run()
    at.text_input(key="wb_new_regions").input("临夏州").run()
    assert "临夏回族自治州（622900）" in _texts(at.caption)
    at.button(key="wb_new_go").click().run()
    assert not at.exception and not at.error, _texts(at.error)
    assert "已生成草稿 newplan.yaml" in _texts(at.success)
    out = catalog.parent / "newplan.yaml"
    doc = load_doc(out)
    # the text is kept in the catalog's own project (beside the catalog folder), not in the app's
    assert doc.header["text"] == "data/plans/newplan.txt" and len(doc.features) >= 4
    assert (catalog.parent.parent / "data" / "plans" / "newplan.txt").read_text(encoding="utf-8") == PLAN_TEXT
    assert all(f["review"] == "draft" for f in doc.features)
    assert history.read(out)[0].action == "draft"
    assert at.session_state["wb_plan"] == "newplan.yaml"
    assert at.session_state["wb_sel"] in doc.ids()


def test_an_empty_catalog_folder_offers_to_draft_the_first_plan(tmp_path, monkeypatch):
    import shutil

    from geo_app.paths import LAYERS_DIR

    layers = tmp_path / "layers"
    layers.mkdir()
    shutil.copy(LAYERS_DIR / "styles.yaml", layers / "styles.yaml")
    monkeypatch.setenv("GEO_APP_LAYERS", str(layers))
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.file_uploader(key="wb_new_file").upload("plan.txt", PLAN_TEXT.encode("utf-8"), "text/plain")
    at.text_input(key="wb_new_id").input("first").run()
    at.text_input(key="wb_new_regions").input("622900").run()
    at.button(key="wb_new_go").click().run()
    assert not at.exception and not at.error, _texts(at.error)
    assert (layers / "first.yaml").is_file() and (tmp_path / "data" / "plans" / "first.txt").is_file()
    assert any("规划产业布局图" in m.value for m in at.markdown)  # the app starts with the drafted plan


def test_an_unexpected_error_is_a_message_not_a_traceback(catalog, monkeypatch):
    from app import workbench_item

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    at = _open()
    monkeypatch.setattr(workbench_item, "item_panel", broken)
    at.run()
    assert not at.exception
    assert "boom" in _texts(at.error) and at.sidebar.toggle(key="workbench").value
