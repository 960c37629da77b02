"""Reading a note: bytes in, text out, and every way that can fail as one line.

A note is UTF-8. A byte-order mark is taken off the text (the parser never
sees it) and reported in `NoteText.has_bom`, so a write-back can put it back;
line endings are left in the text as they are (`NoteText.newline` says which
one the file mostly uses, for a line srs-dl inserts). Anything that is not a
note srs-dl can read safely raises `NoteReadError` with the line it concerns
(0 when the problem is the whole file).
"""

from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass
from stat import S_ISDIR, S_ISREG
from typing import NamedTuple

BOM = b"\xef\xbb\xbf"

#: Larger files are not notes a person wrote (a log, an export, a data dump);
#: reading one would cost the memory of a whole import.
MAX_NOTE_BYTES = 10 * 1024 * 1024


class NoteReadError(Exception):
    """A note srs-dl does not import; `line` is 1-based, 0 for the whole file."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def where(self, path: str) -> str:
        """The one-line report: `path:line: message` (or `path: message`)."""
        return f"{path}:{self.line}: {self.message}" if self.line else f"{path}: {self.message}"


@dataclass(frozen=True, slots=True)
class NoteText:
    text: str
    has_bom: bool
    #: "\r\n" when the first line ending is CRLF, else "\n".
    newline: str
    #: sha1 (hex) of the file's bytes, BOM included.
    hash: str

    def encode(self, text: str) -> bytes:
        """`text` as bytes the way this note was stored (BOM kept)."""
        data = text.encode("utf-8")
        return BOM + data if self.has_bom else data


def sha1_hex(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_note(data: bytes, *, digest: str | None = None) -> NoteText:
    """Decode a note's bytes (pure). Raises NoteReadError for a binary or non-UTF-8 file."""
    has_bom = data.startswith(BOM)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NoteReadError("UTF-16 text, not UTF-8; save the note as UTF-8 to import it", 1)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise NoteReadError(
            "binary file (a NUL byte), not a Markdown note; skipped", _line_of(data, nul)
        )
    body = data[3:] if has_bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if has_bom else 0)
        line = _line_of(data, offset)
        start = data.rfind(b"\n", 0, offset) + 1
        column = offset - start + 1
        raise NoteReadError(
            f"invalid UTF-8 (byte 0x{data[offset]:02x} at byte {column} of the line);"
            " the note is not imported until it is saved as UTF-8",
            line,
        ) from None
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    return NoteText(
        text=text,
        has_bom=has_bom,
        newline=newline,
        hash=digest if digest is not None else sha1_hex(data),
    )


class RawNote(NamedTuple):
    data: bytes
    size: int
    mtime_ns: int


def read_bytes(path: str, *, max_bytes: int = MAX_NOTE_BYTES) -> RawNote:
    """A note's bytes with the size and mtime of the file they came from;
    NoteReadError (line 0) when it cannot or should not be read."""
    try:
        # O_NONBLOCK: a FIFO named *.md must not hang the import waiting for a writer.
        fd = os.open(path, _OPEN_FLAGS)
    except IsADirectoryError:
        raise NoteReadError("a folder, not a note") from None
    except OSError as exc:
        raise NoteReadError(f"cannot read the note ({_reason(exc)}); skipped") from None
    try:
        st = os.fstat(fd)
        if S_ISDIR(st.st_mode):
            raise NoteReadError("a folder, not a note")
        if not S_ISREG(st.st_mode):
            raise NoteReadError("not a regular file; skipped")
        if st.st_size > max_bytes:
            raise NoteReadError(
                f"{st.st_size / 1_048_576:.1f} MB, over srs-dl's"
                f" {max_bytes // 1_048_576} MB limit for one note; skipped"
            )
        # Plain os.read, no file object: a vault is thousands of small files.
        # One byte more than the size tells a file that grew meanwhile.
        data = os.read(fd, st.st_size + 1)
        if len(data) > st.st_size:
            parts = [data]
            total = len(data)
            while chunk := os.read(fd, 1 << 20):
                parts.append(chunk)
                total += len(chunk)
                if total > max_bytes:
                    raise NoteReadError(
                        f"over srs-dl's {max_bytes // 1_048_576} MB limit for one note; skipped"
                    )
            data = b"".join(parts)
        return RawNote(data, len(data), st.st_mtime_ns)
    except NoteReadError:
        raise
    except OSError as exc:
        raise NoteReadError(f"cannot read the note ({_reason(exc)}); skipped") from None
    finally:
        os.close(fd)


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return exc.strerror or type(exc).__name__


def read_note(path: str, *, max_bytes: int = MAX_NOTE_BYTES) -> NoteText:
    """Read and decode a note; NoteReadError with a line number when it is not importable."""
    return decode_note(read_bytes(path, max_bytes=max_bytes).data)
