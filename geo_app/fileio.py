"""Safe file input and output: atomic writes, a cross-process lock, output-path checks, text decoding.

- ``atomic_write_bytes``/``atomic_write_text``/``atomic_path``: the new content goes to a hidden
  temp file in the target's folder, is flushed and fsynced, then renamed over the target and the
  folder is fsynced. A reader sees the old file or the new one, never a partial one; a failed or
  killed writer leaves the old file as it was. Renaming also replaces a link or device entry
  instead of writing through it.
- ``locked``: a lock file beside the target (``.<name>.lock``) serialises read-modify-write cycles
  of shared files between threads and processes (``filelock``).
- ``check_output_path``: what ``--out``/``--force`` may replace: only a regular file in an
  existing, writable folder.
- ``read_text_file``: UTF-8 with or without BOM, UTF-16/32 with BOM, GBK as the fallback.
- ``file_version``: a content hash for optimistic concurrency.

Every error is an ``OSError`` subclass whose message is one line naming the file, in English
(``str``) or Chinese (``.text("zh")``).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

import filelock

from geo_app.messages import LocalizedError

#: Reasons by errno; the message key is ``write_<reason>``.
_REASONS = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.EROFS: "read_only",
    errno.ENOENT: "no_folder",
    errno.ENOTDIR: "under_file",
    errno.EISDIR: "is_folder",
    errno.ENAMETOOLONG: "name_too_long",
    errno.EFBIG: "too_large",
}
_TEMP_SUFFIX = ".tmp"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class FileProblem(LocalizedError, OSError):
    """A file could not be read, written or locked; one line naming the file."""


class OutputPathError(FileProblem):
    """An output path that must not be written (exists, a device, a folder, a link outside...)."""


def _reason(exc: OSError) -> str:
    key = _REASONS.get(exc.errno or -1)
    return key if key else "os_error"


def write_error(path: Path | str, exc: OSError) -> FileProblem:
    """A one-line ``FileProblem`` for an ``OSError`` raised while writing ``path``."""
    if isinstance(exc, FileProblem):
        return exc
    detail = exc.strerror or str(exc) or type(exc).__name__
    return FileProblem(f"write_{_reason(exc)}", {"path": str(path), "detail": detail})


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable; some file systems refuse to open a folder for fsync, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_path_for(path: Path, keep_suffix: bool = False) -> Path:
    """A fresh hidden temp-file name in ``path``'s folder: ``.<name>.<random>.tmp``.

    Hidden and ending in ``.tmp`` so that folder scans (``*.yaml``) never pick it up; with
    ``keep_suffix`` the target's suffix follows (``.map.png.<random>.tmp.png``) for writers that
    choose the format by suffix.
    """
    tail = path.suffix if keep_suffix else ""
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}{_TEMP_SUFFIX}{tail}")


def _create_exclusive(tmp: Path) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.open(tmp, flags, 0o666)  # the umask applies, as for any new file


def _keep_mode(tmp: Path, target: Path) -> None:
    """Give the new file the permissions of the regular file it replaces."""
    with contextlib.suppress(OSError):
        st = os.stat(target, follow_symlinks=False)
        if stat.S_ISREG(st.st_mode):
            os.chmod(tmp, stat.S_IMODE(st.st_mode))


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Replace ``path`` by ``data`` atomically (temp file, flush, fsync, rename, fsync folder).

    On any error the temp file is removed, ``path`` is left as it was and a ``FileProblem``
    (an ``OSError``) with a one-line message naming ``path`` is raised.
    """
    target = Path(path)
    tmp = temp_path_for(target)
    try:
        fd = _create_exclusive(tmp)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(tmp, target)
        os.replace(tmp, target)
    except OSError as exc:
        _remove_quietly(tmp)
        raise write_error(target, exc) from exc
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(target.parent)
    return target


def atomic_write_text(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """``atomic_write_bytes`` of ``text`` encoded (UTF-8 by default; newlines kept as given)."""
    return atomic_write_bytes(path, text.encode(encoding))


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """For writers that need a file name (GDAL, matplotlib): yields a temp path in the target's
    folder with the same suffix; when the block ends without error it is fsynced and renamed
    over ``path``, otherwise removed.

    >>> with atomic_path("map.png") as tmp:  # doctest: +SKIP
    ...     fig.savefig(tmp)
    """
    target = Path(path)
    tmp = temp_path_for(target, keep_suffix=True)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        _keep_mode(tmp, target)
        os.replace(tmp, target)
    except OSError as exc:
        _remove_quietly(tmp)
        raise write_error(target, exc) from exc
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(target.parent)


def stale_temp_files(path: Path | str) -> list[Path]:
    """Temp files left beside ``path`` by writers that were killed (call under ``locked``)."""
    target = Path(path)
    prefix = f".{target.name}."
    with contextlib.suppress(OSError):
        return [
            p for p in target.parent.iterdir() if p.name.startswith(prefix) and _TEMP_SUFFIX in p.name[len(prefix) :]
        ]
    return []


def remove_stale_temp_files(path: Path | str) -> int:
    """Remove ``stale_temp_files(path)``; only safe while holding ``locked(path)``."""
    stale = stale_temp_files(path)
    for p in stale:
        _remove_quietly(p)
    return len(stale)


def lock_path(path: Path | str) -> Path:
    """The lock file of ``path``: ``.<name>.lock`` in the same folder (gitignored)."""
    target = Path(path)
    return target.with_name(f".{target.name}.lock")


@contextlib.contextmanager
def locked(path: Path | str, timeout: float = 10.0) -> Iterator[None]:
    """Hold the cross-process lock of ``path`` (threads of one process are serialised too).

    Raises ``FileProblem`` when the lock is not free within ``timeout`` seconds or its lock file
    cannot be created (for example in a read-only folder).
    """
    target = Path(path)
    lock = filelock.FileLock(str(lock_path(target)), timeout=timeout)
    try:
        lock.acquire()
    except filelock.Timeout as exc:
        raise FileProblem("file_busy", {"path": str(target), "seconds": f"{timeout:g}"}) from exc
    except OSError as exc:
        raise write_error(target, exc) from exc
    try:
        yield
    finally:
        lock.release()


def file_version(path: Path | str) -> str:
    """A short content hash of ``path`` ("" when it does not exist), for optimistic concurrency."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return ""
    return content_version(data)


def content_version(data: bytes) -> str:
    """The version string of file content ``data`` (SHA-256, 16 hex digits)."""
    return hashlib.sha256(data).hexdigest()[:16]


def decode_text(data: bytes, source: str) -> str:
    """Text of a file's bytes: BOM first (UTF-8/16/32), then UTF-8, then GBK; NUL bytes refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise FileProblem("file_bad_encoding", {"path": source, "detail": str(exc.reason)}) from exc
            return text.removeprefix("\ufeff")
    for encoding in ("utf-8", "gbk"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise FileProblem("file_bad_encoding", {"path": source, "detail": "not UTF-8, UTF-16 or GBK text"})


def read_versioned(path: Path | str, max_bytes: int | None = None) -> tuple[str, str]:
    """The text of ``path`` and the ``file_version`` of exactly those bytes (one read)."""
    data = _read_bytes(Path(path), max_bytes)
    return decode_text(data, str(path)), content_version(data)


def _read_bytes(target: Path, max_bytes: int | None) -> bytes:
    try:
        st = os.stat(target)
        if not stat.S_ISREG(st.st_mode):
            raise FileProblem("file_not_regular", {"path": str(target)})
        if max_bytes is not None and st.st_size > max_bytes:
            raise FileProblem("file_too_large", {"path": str(target), "limit": f"{max_bytes:,}"})
        with open(target, "rb") as fh:
            return fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    except FileProblem:
        raise
    except OSError as exc:
        detail = exc.strerror or type(exc).__name__
        raise FileProblem("file_cannot_read", {"path": str(target), "detail": detail}) from exc


def read_text_file(path: Path | str, max_bytes: int | None = None) -> str:
    """The text of ``path`` (see ``decode_text``); a ``FileProblem`` when it cannot be read,
    is not a regular file, is larger than ``max_bytes`` or is not text."""
    return decode_text(_read_bytes(Path(path), max_bytes), str(path))


# ----------------------------------------------------------------------------- output paths


def _refuse(key: str, path: Path, **params: str) -> OutputPathError:
    return OutputPathError(key, {"path": str(path), **params})


def _refuse_os(path: Path, exc: OSError) -> OutputPathError:
    err = write_error(path, exc)
    return OutputPathError(err.key, err.params)


def _check_folder(path: Path) -> None:
    """The folder of ``path`` must exist and be a folder (``path`` must not be under a regular file)."""
    folder = path.parent
    try:
        for ancestor in (folder, *folder.parents):
            if ancestor.exists() or ancestor.is_symlink():
                if not ancestor.is_dir():
                    raise _refuse("out_under_file", path, file=str(ancestor))
                break
        if not folder.is_dir():
            raise _refuse("out_no_folder", path, folder=str(folder))
    except OutputPathError:
        raise
    except OSError as exc:  # a folder on the way that may not be entered
        raise _refuse_os(path, exc) from exc


def _check_link(path: Path) -> None:
    """A link may only be replaced when it points to a regular file inside the output folder."""
    folder = path.parent.resolve()
    target = path.resolve()
    if target.parent != folder and folder not in target.parents:
        raise _refuse("out_link_outside", path, target=str(target))
    if target.exists() and not target.is_file():
        raise _refuse("out_not_regular", path)


def check_output_path(path: Path | str, force: bool) -> Path:
    """``path`` if an output may be written there, else an ``OutputPathError`` (one line).

    Refused: a missing folder, a path under a regular file, an unwritable folder, a folder,
    anything that is not a regular file (device, pipe, socket) even with ``force``, a link that
    points outside the output folder, and an existing file without ``force``. Writers then replace
    the file by renaming (``atomic_write_*``), so even a later swap cannot make them write into a
    device.
    """
    out = Path(path)
    if not out.name or str(path).endswith(("/", os.sep)):
        raise _refuse("out_is_folder", out)
    _check_folder(out)
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _refuse_os(out, exc) from exc
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise _refuse("out_is_folder", out)
        if stat.S_ISLNK(st.st_mode):
            _check_link(out)
        elif not stat.S_ISREG(st.st_mode):
            raise _refuse("out_not_regular", out)
        if not force:
            raise _refuse("out_exists", out)
    if not os.access(out.parent, os.W_OK | os.X_OK):
        raise _refuse("out_folder_not_writable", out, folder=str(out.parent))
    return out
