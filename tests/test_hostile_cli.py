"""The CLI under hostile paths, faults and input: one line on stderr, a non-zero exit, nothing touched."""

from __future__ import annotations

import errno
import multiprocessing
import os
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from geo_app import boundaries, cli, fileio
from geo_app.cli import main
from geo_app.paths import ROOT

#: Commands with an --out, and the arguments that make each valid otherwise.
OUT_COMMANDS = {
    "export": ["export", "--layers", "counties", "--region", "622900"],
    "image": ["image", "--region", "linxia"],
    "html": ["html"],
    "deck": ["deck", "--decks", "linxia"],
}
SUFFIX = {"export": ".geojson", "image": ".png", "html": ".html", "deck": ".html"}


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo_app", *args], capture_output=True, text=True, cwd=ROOT, timeout=300, **kw
    )


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and lines[0].startswith("error: ")
    return lines[0]


def make_device(folder: Path, name: str) -> Path:
    """A character device (like /dev/null) made with mknod; without root, /dev/null itself
    (refusing must not touch it), which only fits commands that take any suffix."""
    if os.geteuid() != 0:
        if Path(name).suffix == ".png":
            pytest.skip("mknod needs root; /dev/null has no .png suffix")
        return Path("/dev/null")
    dev = folder / name
    os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return dev


@pytest.mark.parametrize("command", list(OUT_COMMANDS))
def test_force_onto_a_device_is_refused(command, tmp_path, capsys):
    device = make_device(tmp_path, f"null{SUFFIX[command]}")
    before = os.lstat(device)
    assert main([*OUT_COMMANDS[command], "--out", str(device), "--force"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "not a regular file" in line and str(device) in line
    after = os.lstat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_force_onto_dev_null_in_a_real_process():
    res = run("export", "--layers", "counties", "--out", "/dev/null", "--force")
    assert res.returncode == 2
    assert "refusing to write /dev/null: not a regular file" in one_error_line(res.stderr)


@pytest.mark.parametrize("command", list(OUT_COMMANDS))
def test_output_under_a_regular_file_is_refused(command, tmp_path, capsys):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep")
    out = blocker / f"out{SUFFIX[command]}"
    assert main([*OUT_COMMANDS[command], "--out", str(out)]) == 2
    assert f"{blocker} is a file, not a folder" in one_error_line(capsys.readouterr().err)
    assert blocker.read_text() == "keep"


@pytest.mark.parametrize("command", list(OUT_COMMANDS))
def test_output_onto_a_folder_or_a_link_outside_is_refused(command, tmp_path, capsys):
    a_folder = tmp_path / f"folder{SUFFIX[command]}"
    a_folder.mkdir()
    assert main([*OUT_COMMANDS[command], "--out", str(a_folder), "--force"]) == 2
    assert "is a folder" in one_error_line(capsys.readouterr().err)
    folder = tmp_path / "out"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("keep")
    link = folder / f"map{SUFFIX[command]}"
    link.symlink_to(secret)
    assert main([*OUT_COMMANDS[command], "--out", str(link), "--force"]) == 2
    assert "outside the output folder" in one_error_line(capsys.readouterr().err)
    assert secret.read_text() == "keep" and link.is_symlink()


def test_disk_full_is_one_line_exit_1_and_no_partial_file(tmp_path, monkeypatch, capsys):
    out = tmp_path / "c.geojson"

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", full)
    assert main(["export", "--layers", "counties", "--region", "622900", "--out", str(out)]) == 1
    assert one_error_line(capsys.readouterr().err) == f"error: cannot write {out}: the disk is full"
    assert list(tmp_path.iterdir()) == []


def test_disk_full_keeps_the_file_being_replaced(tmp_path, monkeypatch, capsys):
    out = tmp_path / "c.geojson"
    out.write_text("the previous export")
    monkeypatch.setattr(fileio, "_create_exclusive", lambda tmp: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    assert main(["export", "--layers", "counties", "--region", "622900", "--out", str(out), "--force"]) == 1
    assert "the disk is full" in one_error_line(capsys.readouterr().err)
    assert out.read_text() == "the previous export" and [p.name for p in tmp_path.iterdir()] == ["c.geojson"]


def test_force_replaces_a_regular_file_whole(tmp_path):
    out = tmp_path / "c.geojson"
    out.write_text("old")
    res = run("export", "--layers", "counties", "--region", "622900", "--out", str(out), "--force")
    assert res.returncode == 0, res.stderr
    assert out.read_text(encoding="utf-8").startswith("{") and str(out) in res.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.geojson"]  # no temp file left


def _main_as_nobody(argv: list[str], queue) -> None:
    """Run the CLI in this (forked) process as user 'nobody'; report exit code and stderr."""
    import contextlib
    import io

    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(argv)
    queue.put((code, err.getvalue()))


def test_unwritable_folder_is_one_line():
    """Root writes anywhere, so the CLI runs as 'nobody' in a forked child."""
    base = Path(tempfile.mkdtemp(prefix="geo_app_cli_ro_"))
    folder = base / "ro"
    try:
        base.chmod(0o755)
        folder.mkdir()
        folder.chmod(0o555)
        if os.geteuid() != 0 and os.access(folder, os.W_OK):
            pytest.skip("this user can write into a 0555 folder")
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        argv = ["export", "--layers", "counties", "--region", "622900", "--out", str(folder / "c.geojson")]
        proc = ctx.Process(target=_main_as_nobody, args=(argv, queue))
        proc.start()
        code, stderr = queue.get(timeout=120)
        proc.join(30)
        assert code == 2
        assert f"folder {folder} is not writable" in one_error_line(stderr)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)
        folder.rmdir()
        base.rmdir()


def test_a_3000_character_region_query_is_answered_at_once(monkeypatch, capsys):
    class NoFuzzy:
        def SequenceMatcher(self, *a, **k):
            raise AssertionError("a fuzzy search ran for an over-long query")

    monkeypatch.setattr(boundaries, "difflib", NoFuzzy())
    boundaries.region_index()  # the index is read once per process; not part of the answer's time
    query = "和政县" * 1000
    start = time.perf_counter()
    assert main(["regions", query]) == 2
    elapsed = time.perf_counter() - start
    line = one_error_line(capsys.readouterr().err)
    assert "no region matches" in line and len(line) < 200
    assert elapsed < 5  # it took 20 s; the bound is generous on purpose
    with pytest.raises(boundaries.RegionNotFoundError, match="longer than 60 characters"):
        boundaries.resolve_region(query)


def test_unexpected_errors_are_one_line_too(monkeypatch, capsys):
    def broken(args):
        raise RuntimeError("something\nwent wrong")

    monkeypatch.setattr(cli, "cmd_regions", broken)  # build_parser looks it up when main runs
    monkeypatch.delenv("GEO_APP_DEBUG", raising=False)
    assert main(["regions", "x"]) == 1
    assert one_error_line(capsys.readouterr().err) == (
        "error: unexpected RuntimeError: something went wrong (GEO_APP_DEBUG=1 for details)"
    )


def test_a_key_error_inside_the_code_is_a_bug_not_bad_input(monkeypatch, capsys):
    def broken(args):
        return {}["category"]

    monkeypatch.setattr(cli, "cmd_regions", broken)
    monkeypatch.delenv("GEO_APP_DEBUG", raising=False)
    assert main(["regions", "x"]) == 1
    assert "unexpected KeyError" in one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("command", [["check"], ["html", "--out", "{tmp}/map.html"]])
def test_a_catalog_folder_without_plans_says_so(command, tmp_path, monkeypatch, capsys):
    layers = tmp_path / "layers"
    layers.mkdir()
    monkeypatch.setenv("GEO_APP_LAYERS", str(layers))
    assert main([a.format(tmp=tmp_path) for a in command]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert str(layers) in line and "no plan file here yet" in line
    assert not (tmp_path / "map.html").exists()


@pytest.mark.parametrize("command", ["export", "image", "html", "deck"])
def test_a_bad_item_stops_every_output_naming_file_item_and_field(command, tmp_path, monkeypatch, capsys):
    """A file for a GIS team or a print must not silently lack a broken item (the app reports and
    skips it; the CLI stops, as `check` would)."""
    import shutil

    layers = tmp_path / "layers"
    shutil.copytree(ROOT / "layers", layers, ignore=shutil.ignore_patterns("history"))
    plan = next(p for p in sorted(layers.glob("*.yaml")) if p.name != "styles.yaml")
    text = plan.read_text(encoding="utf-8")
    i = text.index("\n    category: ") + len("\n    category: ")
    end = text.index("\n", i)
    plan.write_text(text[:i] + "[a, b]" + text[end:], encoding="utf-8")
    monkeypatch.setenv("GEO_APP_LAYERS", str(layers))
    out = tmp_path / f"out{SUFFIX[command]}"
    argv = [*OUT_COMMANDS[command], "--out", str(out)]
    if command == "export":
        argv[2] = "all"  # every plan item, not just the counties
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and plan.name in err and "category" in err, err
    assert not out.exists()


@pytest.mark.parametrize(
    ("where", "value", "field"),
    [
        (("categories", "industrial_belt", "palette"), 5, "palette"),
        (("categories", "industrial_belt", "palette"), ["red"], "palette"),
        (("categories", "agri_park", "order"), [1], "order"),
        (("categories", "agri_park", "icon"), {"a": 1}, "icon"),
        (("locations", "zone", "fill_opacity"), "lots", "fill_opacity"),
        (("base", "land"), [1, 2], "land"),
        (("hatch_angles",), "diagonal", "hatch_angles"),
    ],
)
def test_a_wrong_type_in_styles_yaml_is_named_by_check(where, value, field, tmp_path, monkeypatch, capsys):
    """`check` names styles.yaml, the key and the field; the outputs never meet the bad value."""
    import shutil

    import yaml

    layers = tmp_path / "layers"
    shutil.copytree(ROOT / "layers", layers, ignore=shutil.ignore_patterns("history"))
    styles = yaml.safe_load((layers / "styles.yaml").read_text(encoding="utf-8"))
    node = styles
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    (layers / "styles.yaml").write_text(yaml.safe_dump(styles, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("GEO_APP_LAYERS", str(layers))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "styles.yaml" in err and field in err and "Traceback" not in err, err
    out = tmp_path / "x.geojson"
    assert main(["export", "--layers", "all", "--out", str(out)]) == 2
    assert "unexpected" not in capsys.readouterr().err and not out.exists()


def test_a_catalog_that_is_not_utf8_says_where(tmp_path, monkeypatch, capsys):
    import shutil

    layers = tmp_path / "layers"
    shutil.copytree(ROOT / "layers", layers, ignore=shutil.ignore_patterns("history"))
    plan = next(p for p in sorted(layers.glob("*.yaml")) if p.name != "styles.yaml")
    data = plan.read_bytes()
    plan.write_bytes(data[:3000] + b"\xff" + data[3000:])
    monkeypatch.setenv("GEO_APP_LAYERS", str(layers))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert plan.name in err and "not UTF-8 text (byte 0xff at position 3000)" in err, err
