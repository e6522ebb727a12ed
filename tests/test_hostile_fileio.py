"""Atomic writes, locks, output-path checks and text decoding under faults and hostile paths."""

from __future__ import annotations

import errno
import multiprocessing
import os
import shutil
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from geo_app import fileio
from geo_app.fileio import (
    FileProblem,
    OutputPathError,
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    check_output_path,
    file_version,
    locked,
    read_text_file,
)


def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


def test_atomic_write_replaces_content_and_keeps_mode(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    atomic_write_text(path, "新内容\n")
    assert path.read_text(encoding="utf-8") == "新内容\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert _entries(tmp_path) == ["a.yaml"]


@pytest.mark.parametrize(
    ("err", "needle", "zh"),
    [
        (errno.ENOSPC, "the disk is full", "磁盘已满"),
        (errno.EACCES, "permission denied", "没有写入权限"),
        (errno.EROFS, "read-only file system", "只读"),
        (errno.EIO, "Input/output error", "无法写入"),
    ],
)
def test_failed_write_leaves_old_file_and_no_temp_file(tmp_path, monkeypatch, err, needle, zh):
    path = tmp_path / "scenes.yaml"
    path.write_text("old content", encoding="utf-8")

    def fail(fd):
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(fileio.os, "fsync", fail)
    with pytest.raises(FileProblem) as exc:
        atomic_write_bytes(path, b"new content" * 1000)
    assert isinstance(exc.value, OSError)
    assert str(exc.value) == f"cannot write {path}: {needle}"
    assert zh in exc.value.text("zh") and str(path) in exc.value.text("zh")
    assert path.read_text(encoding="utf-8") == "old content"
    assert _entries(tmp_path) == ["scenes.yaml"]


def test_interrupted_write_removes_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "x.txt"
    path.write_text("old")
    monkeypatch.setattr(fileio.os, "replace", lambda a, b: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(path, "new")
    assert path.read_text() == "old" and _entries(tmp_path) == ["x.txt"]


def test_write_into_missing_folder_or_under_a_file_is_one_line(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileProblem, match="the folder does not exist"):
        atomic_write_text(tmp_path / "nope" / "a.txt", "x")
    with pytest.raises(FileProblem, match="a part of the path is a file, not a folder"):
        atomic_write_text(tmp_path / "file" / "a.txt", "x")


def test_atomic_path_renames_only_a_complete_output(tmp_path):
    out = tmp_path / "map.png"
    with atomic_path(out) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".png" and tmp.name.startswith(".map.png.")
        tmp.write_bytes(b"png")
    assert out.read_bytes() == b"png"
    with pytest.raises(RuntimeError), atomic_path(out) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("renderer failed")
    assert out.read_bytes() == b"png" and _entries(tmp_path) == ["map.png"]


def test_atomic_write_replaces_a_link_instead_of_writing_through_it(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    folder = tmp_path / "out"
    folder.mkdir()
    link = folder / "a.txt"
    link.symlink_to(outside)
    atomic_write_text(link, "new")
    assert outside.read_text() == "precious"
    assert not link.is_symlink() and link.read_text() == "new"


# ----------------------------------------------------------------------------- output paths


def test_output_path_rules(tmp_path):
    existing = tmp_path / "e.geojson"
    existing.write_text("keep")
    assert check_output_path(tmp_path / "new.geojson", force=False) == tmp_path / "new.geojson"
    assert check_output_path(existing, force=True) == existing
    with pytest.raises(OutputPathError, match=r"exists; pass --force to overwrite it"):
        check_output_path(existing, force=False)
    with pytest.raises(OutputPathError, match="is a folder"):
        check_output_path(tmp_path, force=True)
    with pytest.raises(OutputPathError, match="is a folder"):
        check_output_path(str(tmp_path) + "/", force=True)
    with pytest.raises(OutputPathError, match=r"folder .*missing does not exist"):
        check_output_path(tmp_path / "missing" / "x.geojson", force=True)
    with pytest.raises(OutputPathError, match=r"e\.geojson is a file, not a folder"):
        check_output_path(existing / "x.geojson", force=True)
    with pytest.raises(OutputPathError, match=r"e\.geojson is a file, not a folder"):
        check_output_path(existing / "deeper" / "x.geojson", force=True)
    assert existing.read_text() == "keep"


def test_device_nodes_are_refused_even_with_force(tmp_path):
    dev = Path("/dev/null")
    if os.geteuid() == 0:
        dev = tmp_path / "null"
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    with pytest.raises(OutputPathError, match="not a regular file") as err:
        check_output_path(dev, force=True)
    assert "不是普通文件" in err.value.text("zh")
    assert stat.S_ISCHR(os.lstat(dev).st_mode)  # untouched


def test_fifo_is_refused(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputPathError, match="not a regular file"):
        check_output_path(fifo, force=True)


def test_links_pointing_outside_the_output_folder_are_refused(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("x")
    (folder / "inside.txt").write_text("y")
    (folder / "to_outside").symlink_to(tmp_path / "secret.txt")
    (folder / "to_inside").symlink_to(folder / "inside.txt")
    (folder / "to_dev").symlink_to("/dev/null")
    with pytest.raises(OutputPathError, match=r"link to .*secret\.txt, outside the output folder"):
        check_output_path(folder / "to_outside", force=True)
    with pytest.raises(OutputPathError, match="outside the output folder"):
        check_output_path(folder / "to_dev", force=True)
    assert check_output_path(folder / "to_inside", force=True) == folder / "to_inside"
    with pytest.raises(OutputPathError, match="exists"):
        check_output_path(folder / "to_inside", force=False)


def _check_as_nobody(path: str, queue) -> None:
    """Drop root (in a child process) and report what check_output_path says about ``path``."""
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    try:
        check_output_path(path, force=False)
        queue.put("accepted")
    except OutputPathError as exc:
        queue.put(str(exc))
    except Exception as exc:  # reported to the test, which fails on it
        queue.put(f"{type(exc).__name__}: {exc}")


def test_unwritable_folder_is_refused():
    """Root writes anywhere, so the check runs as 'nobody' in a child process."""
    base = Path(tempfile.mkdtemp(prefix="geo_app_ro_"))
    try:
        base.chmod(0o755)
        folder = base / "ro"
        folder.mkdir(mode=0o555)
        folder.chmod(0o555)
        closed = base / "closed"
        closed.mkdir()
        closed.chmod(0o700)
        ctx = multiprocessing.get_context("fork")
        answers = []
        for target in (folder / "x.geojson", closed / "x.geojson"):
            queue = ctx.Queue()
            proc = ctx.Process(target=_check_as_nobody, args=(str(target), queue))
            proc.start()
            answers.append(queue.get(timeout=60))
            proc.join(30)
        if os.geteuid() != 0 and os.access(folder, os.W_OK):
            pytest.skip("this user can write into a 0555 folder")
        assert answers[0] == f"cannot write {folder / 'x.geojson'}: folder {folder} is not writable"
        assert answers[1] in (
            f"cannot write {closed / 'x.geojson'}: permission denied",
            f"cannot write {closed / 'x.geojson'}: folder {closed} is not writable",
        )
    finally:
        for p in (base / "ro", base / "closed"):
            if p.exists():
                p.chmod(0o700)
        shutil.rmtree(base)


# ----------------------------------------------------------------------------- locks and versions


def test_lock_serialises_threads(tmp_path):
    path = tmp_path / "shared.yaml"
    path.write_text("0")
    inside, overlaps = [], []

    def bump():
        for _ in range(20):
            with locked(path):
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(1)
                n = int(path.read_text())
                atomic_write_text(path, str(n + 1))
                inside.pop()

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert path.read_text() == "80" and overlaps == []
    assert fileio.lock_path(path).name == ".shared.yaml.lock"


def _hold_lock(path: str, held, release) -> None:
    with locked(path):
        held.set()
        release.wait(30)


def test_lock_held_by_another_process_times_out_with_a_message(tmp_path):
    path = tmp_path / "busy.yaml"
    ctx = multiprocessing.get_context("fork")
    held, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(str(path), held, release))
    proc.start()
    try:
        assert held.wait(30)
        with (
            pytest.raises(FileProblem, match=r"busy\.yaml is being saved by someone else") as err,
            locked(path, timeout=0.2),
        ):
            pass
        assert "正在被其他人保存" in err.value.text("zh")
    finally:
        release.set()
        proc.join(30)
    with locked(path, timeout=5):  # free again once the holder is gone
        pass


def test_file_version_follows_content(tmp_path):
    path = tmp_path / "v.yaml"
    assert file_version(path) == ""
    path.write_text("a")
    v1 = file_version(path)
    path.write_text("b")
    assert file_version(path) != v1
    path.write_text("a")
    assert file_version(path) == v1


# ----------------------------------------------------------------------------- reading text


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-32", "gbk"]
)
def test_read_text_in_common_encodings(tmp_path, encoding):
    text = "临夏州 Linxia\n第二行"
    if encoding.endswith("-bom"):
        codec = encoding.removesuffix("-bom")
        data = ("\ufeff" + text).encode(codec)
    else:
        data = text.encode(encoding)
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    assert read_text_file(path) == text


def test_read_text_refuses_binary_devices_and_folders(tmp_path):
    path = tmp_path / "b.bin"
    path.write_bytes(bytes(range(256)))
    with pytest.raises(FileProblem, match=r"b\.bin: not UTF-8, UTF-16 or GBK text"):
        read_text_file(path)
    with pytest.raises(FileProblem, match="not a regular file"):
        read_text_file(tmp_path)
    with pytest.raises(FileProblem, match="not a regular file"):
        read_text_file("/dev/zero")  # would never end
    with pytest.raises(FileProblem, match=r"cannot read .*missing"):
        read_text_file(tmp_path / "missing")
