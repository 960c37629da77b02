"""Replacing a note's bytes atomically, and never over a version we did not read.

The new bytes go to a temporary file in the note's own folder (so the rename
stays on one file system), are fsynced, renamed over the note, and the folder
is fsynced so the rename itself survives a power cut. A reader (Obsidian, a
crash-recovery pass) sees either the old file or the new one, never a mix.

A symlink is never replaced: a note import reached through a followed link is
written at the link's target (the temporary file beside the target), and a link
import does not follow is never written through. A hard link gets a new inode:
the note's other names keep the bytes they had (the rename is what makes the
write atomic). The note's mode is kept.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from srs_dl.vault.read import sha1_hex

#: Temporary copies are hidden files ending so: Obsidian and the import skip them.
TEMP_SUFFIX = ".srs-dl.tmp"


class NoteChangedError(Exception):
    """The note on disk is not the version srs-dl last read: it must be rescanned first."""

    def __init__(self, path: Path, reason: str = "changed on disk since it was read") -> None:
        super().__init__(f"{path}: {reason}; rescan it (srs-dl import) before writing")
        self.path = path
        self.reason = reason


class NoteWriteError(Exception):
    """Writing failed (disk full, permissions); the note is left as it was."""


__all__ = [
    "NoteChangedError",
    "NoteWriteError",
    "ReplaceError",
    "atomic_write",
    "fsync_dir",
    "read_checked",
    "remove_stale_temps",
    "replacing",
    "sha1_hex",
    "write_target",
    "writers_lock",
]


def write_target(path: str | os.PathLike[str], *, follow_symlinks: bool = False) -> Path:
    """The file a write of the note at `path` replaces: `path`, or with
    `follow_symlinks` the real file a symlink on its way leads to.

    Import stores a note under the path it walked, which passes through a symlink
    only when it followed one; a link found there otherwise (a note replaced by a
    link since it was read) is refused, so no write goes where import never read.
    """
    path = Path(path)
    real = Path(os.path.realpath(path))
    if real == Path(os.path.abspath(path)):
        return path
    if not follow_symlinks:
        raise NoteWriteError(
            f"{path}: a symlink (to {real}) that import does not follow; not written,"
            " the review stays in the deck (import the folder with --follow-symlinks"
            " to write through it)"
        )
    return real


def read_checked(path: Path, expected_hash: str | None) -> bytes:
    """The note's bytes, provided they hash to `expected_hash` (when given)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise NoteChangedError(path, "deleted or renamed since it was read") from exc
    except OSError as exc:
        raise NoteWriteError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if expected_hash is not None and sha1_hex(data) != expected_hash:
        raise NoteChangedError(path)
    return data


class ReplaceError(Exception):
    """`replacing` failed on the file system; the file is as it was, no temporary left."""

    def __init__(self, reason: str, *, created: bool) -> None:
        super().__init__(reason)
        #: The OS's words (`No space left on device`).
        self.reason = reason
        #: Whether the temporary file was made (False: the folder refused it).
        self.created = created


@contextlib.contextmanager
def replacing(path: Path, *, text: bool = False) -> Iterator[IO[Any]]:
    """A temporary file beside `path` (bytes, or UTF-8 text with `text`), fsynced and
    renamed over `path` with its mode when the block ends without error, removed
    otherwise. An OSError, in the block or here, becomes ReplaceError; anything else
    the block raises passes through. The folder's fsync is the caller's (one per
    folder for a batch)."""
    mode: int | None = None
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(path.stat().st_mode)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent
        )
    except OSError as exc:
        raise ReplaceError(str(exc.strerror or exc), created=False) from exc
    tmp = Path(tmp_name)
    try:
        fh: IO[Any] = (
            os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb")
        )
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise ReplaceError(str(exc.strerror or exc), created=True) from exc
        raise


def atomic_write(
    path: str | os.PathLike[str],
    data: bytes,
    expected_hash: str | None,
    *,
    sync_dir: bool = True,
    follow_symlinks: bool = False,
) -> Path:
    """Replace the file at `path` with `data`.

    `expected_hash` is the sha1 of the bytes the caller based `data` on; when the
    file no longer has it, nothing is written and NoteChangedError is raised.
    None means "no check" (a file srs-dl creates). The file's mode is kept.
    `sync_dir=False` leaves the folder's fsync to the caller (one per folder for
    a batch of notes, before it records the writes as done). A symlink is handled
    as `write_target` says; the file actually replaced is returned.
    """
    path = write_target(path, follow_symlinks=follow_symlinks)
    if expected_hash is not None:
        read_checked(path, expected_hash)
    try:
        with replacing(path) as fh:
            fh.write(data)
    except ReplaceError as exc:
        if exc.created:
            raise NoteWriteError(
                f"{path}: not written ({exc.reason}); the note is unchanged"
            ) from exc.__cause__
        raise NoteWriteError(
            f"{path}: cannot create a temporary file beside it: {exc.reason}"
        ) from exc.__cause__
    if sync_dir:
        fsync_dir(path.parent)
    return path


@contextlib.contextmanager
def writers_lock(lock_path: str | os.PathLike[str], timeout: float = 120.0) -> Iterator[None]:
    """One srs-dl writer of notes at a time, across processes and threads.

    Checking a note's hash and renaming the new copy over it are two steps: two
    writers interleaving them would each pass the check and the second rename would
    drop the first one's comments. Holding this lock from reading the note to
    recording the write closes that gap (an editor outside srs-dl can still race
    the rename by a few microseconds; the hash check catches everything slower).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks; one writer assumed
        yield
        return
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise NoteWriteError(
                        f"{lock_path}: another srs-dl process has been writing notes for"
                        f" {timeout:.0f} s; not written, try again"
                    ) from None
                time.sleep(0.01)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def remove_stale_temps(folders: Iterable[str | os.PathLike[str]]) -> None:
    """Delete temporary copies a killed writer left behind. Call it holding
    writers_lock: no other srs-dl writer can then be halfway through one."""
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make the renames in `folder` durable."""
    # Some file systems (and Windows) cannot open a directory: the rename is then
    # as durable as the platform makes it, which is all we can do.
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(dfd)
    finally:
        os.close(dfd)
