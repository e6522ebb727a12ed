"""Scenes files under hostile content, concurrent saves, killed writers and stale edits."""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
import yaml

from geo_app import fileio, scenes
from geo_app.scenes import ConflictError, SaveNotConfirmedError, Scene, SceneError

KEYS = ["linxia:agri_park", "linxia:ecology", "zhangye:ecology"]
IDS = {"feature-a", "feature-b"}
DECK = """# A test deck: this comment must survive appends.
deck:
  id: test
  title_zh: 测试
  title_en: Test
scenes:
  - id: one
    title_zh: 第一
    region: linxia
    layers: [linxia:agri_park]
  - id: two
    title_zh: 第二
    region: both
    layers: all
"""


@pytest.fixture
def deck_path(tmp_path) -> Path:
    path = tmp_path / "test.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def load(path: Path) -> scenes.Deck:
    return scenes.load_deck(path, KEYS, IDS)


def new_scene(title: str = "新场景", **kw) -> Scene:
    return Scene(
        id=kw.pop("id", "placeholder"),
        title_zh=title,
        title_en=kw.pop("title_en", ""),
        region=kw.pop("region", "linxia"),
        layers=kw.pop("layers", ("linxia:ecology",)),
        **kw,
    )


# ----------------------------------------------------------------------------- hostile content


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("- id: a\n  title_zh: x\n", "-"),  # a top-level list
        ("just text", "-"),
        ("deck: [1, 2]\nscenes: []\n", "deck"),
        ("scenes: {id: a}\n", "scenes"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(7)),
            "-",
        ),
        ("scenes:\n" + "  " + "[" * 5000 + "]" * 5000 + "\n", "-"),
        ("deck: {id: a}\ndeck: {id: b}\n", "-"),
    ],
    ids=["top-level-list", "text", "deck-list", "scenes-mapping", "billion-laughs", "deep", "duplicate-key"],
)
def test_malformed_files_are_problems_not_exceptions(tmp_path, text, field):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    deck = load(path)
    assert deck.scenes == []
    assert deck.problems and deck.problems[0].field == field
    assert str(path) in str(deck.problems[0])
    with pytest.raises(SceneError) if field in ("-", "scenes") else _no_error():
        scenes.append_scene(path, new_scene(), KEYS, IDS, new_id=True)
    if field in ("-", "scenes"):
        assert path.read_text(encoding="utf-8") == text  # an unusable file is never rewritten


class _no_error:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"id": ["a"], "title_zh": "x", "region": "linxia"}, "id"),
        ({"id": "Bad Id", "title_zh": "x", "region": "linxia"}, "id"),
        ({"id": "a", "title_zh": {"x": 1}, "region": "linxia"}, "title_zh"),
        ({"id": "a", "title_zh": ["x"], "region": "linxia"}, "title_zh"),
        ({"id": "a", "title_zh": True, "region": "linxia"}, "title_zh"),
        ({"id": "a", "title_zh": "x", "region": ["linxia"]}, "region"),
        ({"id": "a", "title_zh": "x", "region": {"a": 1}}, "region"),
        ({"id": "a", "title_zh": "x", "region": "linxia", "layers": "linxia:ecology"}, "layers"),
        ({"id": "a", "title_zh": "x", "region": "linxia", "layers": [{"k": 1}]}, "layers"),
        ({"id": "a", "title_zh": "x", "region": "linxia", "highlight": {"k": 1}}, "highlight"),
        ({"id": "a", "title_zh": "x", "region": "linxia", "highlight": [["feature-a"]]}, "highlight"),
        ({"id": "a", "title_zh": "x", "extent": [float("-inf"), float("-inf"), float("inf"), float("inf")]}, "extent"),
        ({"id": "a", "title_zh": "x", "extent": [float("nan"), 1, 2, 3]}, "extent"),
        ({"id": "a", "title_zh": "x", "extent": [True, 1, 2, 3]}, "extent"),
        ({"id": "a", "title_zh": "x", "extent": [100, 30, 400, 40]}, "extent"),
        ({"id": "a", "title_zh": "x", "extent": "100,30,101,31"}, "extent"),
        ({"id": "a", "title_zh": "x", "region": "linxia", "notes_zh": "长" * 5001}, "notes_zh"),
        ({"id": "a", "title_zh": "x" * 201, "region": "linxia"}, "title_zh"),
    ],
)
def test_wrong_types_in_a_scene_are_reported_and_the_rest_kept(tmp_path, entry, field):
    doc = yaml.safe_load(DECK)
    doc["scenes"].insert(1, entry)
    path = tmp_path / "types.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    deck = load(path)
    assert [s.id for s in deck.scenes] == ["one", "two"]
    assert [p.field for p in deck.problems] == [field]


def test_controls_and_bidi_overrides_are_removed_from_texts(tmp_path):
    path = tmp_path / "bidi.yaml"
    path.write_text(
        'scenes:\n  - id: a\n    title_zh: "临夏\\u202e州\\x1b[31m"\n    region: linxia\n'
        '    notes_zh: "第一行\\n第二行\\u2066"\n',
        encoding="utf-8",
    )
    scene = load(path).scenes[0]
    assert scene.title_zh == "临夏州[31m" and scene.notes_zh == "第一行\n第二行"


def test_gbk_and_utf16_files_load(tmp_path):
    for encoding in ("gbk", "utf-16"):
        path = tmp_path / f"{encoding}.yaml"
        path.write_bytes(DECK.encode(encoding))
        deck = load(path)
        assert deck.problems == [] and [s.title_zh for s in deck.scenes] == ["第一", "第二"]


# ----------------------------------------------------------------------------- saving


def test_append_confirms_by_reading_back_and_keeps_comments(deck_path):
    saved = scenes.append_scene(
        deck_path,
        new_scene("视图 <b>1</b>", extent=(103.123456, 35.1, 103.5, 35.7), region=None),
        KEYS,
        IDS,
        new_id=True,
    )
    assert saved.scene.id == "test-saved-1"
    assert saved.scene.extent == (103.1235, 35.1, 103.5, 35.7)  # as stored, not as passed
    assert saved.version == fileio.file_version(deck_path)
    assert [s.id for s in load(deck_path).scenes] == ["one", "two", "test-saved-1"]
    assert deck_path.read_text(encoding="utf-8").startswith("# A test deck")


def test_append_with_a_taken_id_is_refused(deck_path):
    with pytest.raises(SceneError, match="exists already"):
        scenes.append_scene(deck_path, new_scene(id="one"), KEYS, IDS)
    assert deck_path.read_text(encoding="utf-8") == DECK


def test_new_ids_avoid_invalid_entries_too(deck_path):
    deck_path.write_text(DECK + "  - id: test-saved-1\n    title_zh: {broken: true}\n", encoding="utf-8")
    saved = scenes.append_scene(deck_path, new_scene(), KEYS, IDS, new_id=True)
    assert saved.scene.id == "test-saved-2"


def test_append_when_scenes_is_not_the_last_key_rewrites_safely(tmp_path):
    path = tmp_path / "order.yaml"
    path.write_text(
        "# header\nscenes:\n  - id: one\n    title_zh: 一\n    region: linxia\ndeck:\n  id: order\n  title_zh: 顺序\n",
        encoding="utf-8",
    )
    saved = scenes.append_scene(path, new_scene(), KEYS, IDS, new_id=True)
    deck = load(path)
    assert [s.id for s in deck.scenes] == ["one", "order-saved-1"] and deck.title_zh == "顺序"
    assert saved.scene == deck.scenes[-1]
    assert path.read_text(encoding="utf-8").startswith("# header\n")


def test_a_save_that_does_not_read_back_is_not_confirmed(deck_path, monkeypatch):
    monkeypatch.setattr(scenes, "atomic_write_text", lambda path, text: None)  # "written", but nothing changed
    with pytest.raises(SaveNotConfirmedError, match="not confirmed"):
        scenes.append_scene(deck_path, new_scene(), KEYS, IDS, new_id=True)


def test_disk_full_leaves_the_deck_as_it_was(deck_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", full)
    with pytest.raises(OSError, match="the disk is full") as err:
        scenes.append_scene(deck_path, new_scene(), KEYS, IDS, new_id=True)
    assert "磁盘已满" in err.value.text("zh")
    assert deck_path.read_text(encoding="utf-8") == DECK
    assert sorted(p.name for p in deck_path.parent.iterdir()) == [".test.yaml.lock", "test.yaml"]


# ----------------------------------------------------------------------------- optimistic concurrency


def test_stale_edit_raises_conflict_listing_changes_then_merges(deck_path):
    mine = load(deck_path)
    theirs = load(deck_path)
    scenes.update_scene(
        deck_path, new_scene("别人改的", id="two", region="both"), KEYS, IDS, expected_version=theirs.version
    )
    scenes.append_scene(deck_path, new_scene(), KEYS, IDS, new_id=True)
    edit = new_scene("我改的", id="one")
    with pytest.raises(ConflictError) as err:
        scenes.update_scene(deck_path, edit, KEYS, IDS, expected_version=mine.version, base=mine)
    conflict = err.value
    kinds = {(c.kind, c.scene_id) for c in conflict.changes}
    assert kinds == {("edited", "two"), ("added", "test-saved-1")}
    assert "title_zh" in next(c for c in conflict.changes if c.kind == "edited").fields
    assert conflict.mergeable
    assert "scene two edited (" in str(conflict) and "scene test-saved-1 added" in str(conflict)
    assert "修改了场景 two（" in conflict.text("zh") and "新增了场景 test-saved-1" in conflict.text("zh")
    assert load(deck_path).scenes[0].title_zh == "第一"  # nothing overwritten
    # merge: repeat the edit on the version now on disk
    merged = scenes.update_scene(deck_path, edit, KEYS, IDS, expected_version=conflict.current.version)
    titles = {s.id: s.title_zh for s in merged.deck.scenes}
    assert titles == {"one": "我改的", "two": "别人改的", "test-saved-1": "新场景"}


def test_conflict_on_the_same_scene_is_not_mergeable(deck_path):
    mine = load(deck_path)
    scenes.update_scene(deck_path, new_scene("他", id="one"), KEYS, IDS, expected_version=mine.version)
    with pytest.raises(ConflictError) as err:
        scenes.update_scene(deck_path, new_scene("我", id="one"), KEYS, IDS, expected_version=mine.version, base=mine)
    assert not err.value.mergeable
    assert load(deck_path).scenes[0].title_zh == "他"


def test_delete_and_move_check_the_version(deck_path):
    deck = load(deck_path)
    moved = scenes.move_scene(deck_path, "two", 0, KEYS, IDS, expected_version=deck.version)
    assert [s.id for s in moved.deck.scenes] == ["two", "one"] and moved.scene.id == "two"
    with pytest.raises(ConflictError) as err:
        scenes.delete_scene(deck_path, "one", KEYS, IDS, expected_version=deck.version, base=deck)
    assert [c.kind for c in err.value.changes] == ["moved"] and err.value.mergeable
    with pytest.raises(ConflictError) as err:
        scenes.move_scene(deck_path, "one", 0, KEYS, IDS, expected_version=deck.version, base=deck)
    assert not err.value.mergeable  # two reorders do not merge
    gone = scenes.delete_scene(deck_path, "one", KEYS, IDS, expected_version=moved.version)
    assert [s.id for s in gone.deck.scenes] == ["two"]
    with pytest.raises(SceneError, match="no scene with id one"):
        scenes.delete_scene(deck_path, "one", KEYS, IDS, expected_version=gone.version)


# ----------------------------------------------------------------------------- several processes


def _save_many(path: str, n: int, start, results) -> None:
    start.wait(30)
    confirmed = []
    try:
        for i in range(n):
            saved = scenes.append_scene(Path(path), new_scene(f"进程 {os.getpid()} 第 {i} 个"), KEYS, IDS, new_id=True)
            confirmed.append(saved.scene.id)
    except Exception as exc:  # reported to the test, which fails on it
        results.put(f"{type(exc).__name__}: {exc}")
        return
    results.put(confirmed)


@pytest.mark.parametrize("round_", range(3))
def test_two_processes_saving_at_once_lose_nothing(deck_path, round_):
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_save_many, args=(str(deck_path), 10, start, results)) for _ in range(2)]
    for p in procs:
        p.start()
    confirmed = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert all(isinstance(batch, list) for batch in confirmed), confirmed
    ids = [i for batch in confirmed for i in batch]
    assert len(ids) == 20 and len(set(ids)) == 20  # unique ids across processes
    deck = load(deck_path)
    assert deck.problems == []
    on_disk = [s.id for s in deck.scenes]
    assert set(ids) <= set(on_disk) and len(on_disk) == len(set(on_disk)) == 22
    assert yaml.safe_load(deck_path.read_text(encoding="utf-8"))["deck"]["id"] == "test"


def _write_then_hang(path: str, marker: str) -> None:
    """Append a scene, but stop for good after the first half of the bytes reached the temp file."""
    real_fdopen = os.fdopen

    class Half:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.fh.__exit__(*exc)

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            os.fsync(self.fh.fileno())
            Path(marker).write_text("half written")
            signal.pause()  # killed here by the test

        def __getattr__(self, name):
            return getattr(self.fh, name)

    fileio.os.fdopen = lambda fd, mode: Half(real_fdopen(fd, mode))
    scenes.append_scene(Path(path), new_scene("写到一半"), KEYS, IDS, new_id=True)


def test_writer_killed_mid_write_leaves_the_old_file(deck_path, tmp_path):
    marker = tmp_path / "marker"
    ctx = multiprocessing.get_context("fork")
    proc = ctx.Process(target=_write_then_hang, args=(str(deck_path), str(marker)))
    proc.start()
    deadline = time.monotonic() + 60
    while not marker.exists():  # wait for the condition, not a fixed time
        assert proc.is_alive() and time.monotonic() < deadline, "the writer never reached the middle"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(30)
    assert proc.exitcode == -signal.SIGKILL
    assert deck_path.read_text(encoding="utf-8") == DECK  # the old file, whole
    assert [p.name for p in deck_path.parent.glob("*.yaml")] == ["test.yaml"]  # readers see no temp file
    stale = fileio.stale_temp_files(deck_path)
    assert len(stale) == 1 and stale[0].read_bytes()  # the half-written temp file is hidden, not gone
    # the lock died with the writer; the next save works and clears the leftover
    saved = scenes.append_scene(deck_path, new_scene(), KEYS, IDS, new_id=True)
    assert saved.scene.id == "test-saved-1"
    assert fileio.stale_temp_files(deck_path) == []
