"""Writing an export: whole or not at all.

The bytes go to a hidden temporary file beside OUT, are fsynced and renamed over
it, so an interrupted or failed export leaves OUT as it was (absent, or the old
file with --force) and no partial file under its name. `-` is standard output.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from srs_dl.vault.write import TEMP_SUFFIX, fsync_dir

STDOUT = "-"


class ExportFileError(Exception):
    """OUT cannot be written (exists, no such folder, no permission, disk full); one line."""


def check_target(out: str, *, force: bool) -> Path | None:
    """The path an export will replace, checked before any work; None for stdout."""
    if out == STDOUT:
        return None
    path = Path(out).expanduser()
    if path.is_dir():
        raise ExportFileError(f"{path}: is a folder; give a file name")
    if path.exists() and not force:
        raise ExportFileError(f"{path}: already exists (--force replaces it)")
    folder = path.parent
    if not folder.is_dir():
        raise ExportFileError(f"{path}: no such folder {folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportFileError(f"{path}: cannot write in {folder} (permission denied)")
    return path


def output(
    out: str, *, force: bool, binary: bool = False
) -> contextlib.AbstractContextManager[IO[Any]]:
    """A file to write the export into (text, or bytes with `binary`); renamed over OUT
    when the block ends without error."""
    return _output(out, force=force, binary=binary)


@contextlib.contextmanager
def _output(out: str, *, force: bool, binary: bool) -> Iterator[IO[Any]]:
    path = check_target(out, force=force)
    if path is None:
        stream: IO[Any] = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    mode: int | None = None
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(path.stat().st_mode)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent
        )
    except OSError as exc:
        raise ExportFileError(f"{path}: cannot write here ({exc.strerror or exc})") from exc
    tmp = Path(tmp_name)
    try:
        fh: IO[Any] = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
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
            raise ExportFileError(
                f"{path}: not written ({exc.strerror or exc}); nothing changed"
            ) from exc
        raise
    fsync_dir(path.parent)
