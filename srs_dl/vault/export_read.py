"""Reading an export back (import-log): rows of a CSV or JSONL file with the line
each starts on, so a bad row is reported as FILE:LINE."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from srs_dl.core.interchange.rows import RowError, decode_object


class ExportReadError(Exception):
    """The file cannot be read as an srs-dl export; one line naming it (and the line)."""


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> ExportReadError:
    """The error naming the first line that is not UTF-8 (the decoder reads ahead in
    blocks, so its position says nothing about lines; found again line by line)."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return ExportReadError(f"{path}:{number}: not UTF-8 text ({exc.reason})")
    return ExportReadError(f"{path}: not UTF-8 text ({exc.reason})")


def is_jsonl(path: Path) -> bool:
    """JSONL by suffix, else by its first character (a CSV export starts with `id`)."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return True
    with path.open("rb") as fh:
        return fh.read(1) == b"{"


def read_rows(path: Path) -> tuple[list[str] | None, Iterator[tuple[int, dict[str, Any]]]]:
    """(CSV header or None for JSONL, (line, row) pairs)."""
    try:
        jsonl = is_jsonl(path)
        fh = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ExportReadError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if jsonl:
        return None, _jsonl_rows(path, fh)
    reader = csv.reader(fh)
    try:
        header = next(reader, None)
    except UnicodeDecodeError as exc:
        fh.close()
        raise _not_utf8(path, exc) from exc
    except csv.Error as exc:
        fh.close()
        raise ExportReadError(f"{path}:1: not CSV ({exc})") from exc
    if header is None:
        fh.close()
        raise ExportReadError(f"{path}: empty file, not an srs-dl export")
    return header, _csv_rows(path, fh, reader, header)


def _csv_rows(
    path: Path, fh: Any, reader: Any, header: list[str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    with fh:
        start = reader.line_num + 1
        try:
            for values in reader:
                if len(values) != len(header):
                    raise ExportReadError(
                        f"{path}:{start}: {len(values)} fields, the header has {len(header)}"
                    )
                yield start, dict(zip(header, values, strict=True))
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise _not_utf8(path, exc) from exc
        except csv.Error as exc:
            raise ExportReadError(f"{path}:{start}: not CSV ({exc})") from exc


def _jsonl_rows(path: Path, fh: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    with fh:
        try:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    value = decode_object(line)
                except RowError as exc:
                    raise ExportReadError(f"{path}:{number}: {exc}") from exc
                yield number, value
        except UnicodeDecodeError as exc:
            raise _not_utf8(path, exc) from exc
