"""Writing an export: whole or not at all.

The bytes go to a hidden temporary file beside OUT, are fsynced and renamed over
it, so an interrupted or failed export leaves OUT as it was (absent, or the old
file with --force) and no partial file under its name. `-` is standard output.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from srs_dl.vault.write import ReplaceError, fsync_dir, replacing

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
    try:
        with replacing(path, text=not binary) as fh:
            yield fh
    except ReplaceError as exc:
        if exc.created:
            raise ExportFileError(
                f"{path}: not written ({exc.reason}); nothing changed"
            ) from exc.__cause__
        raise ExportFileError(f"{path}: cannot write here ({exc.reason})") from exc.__cause__
    fsync_dir(path.parent)
