"""Note rows: what an import knows about each file, and bulk writes of them.

An unchanged re-import reads only `known_notes` (one indexed range query) and
compares sizes and mtimes with a directory walk; everything else here runs
only for notes that changed.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from typing import NamedTuple


class KnownNote(NamedTuple):
    id: int
    path: str
    size: int | None
    mtime_ns: int | None
    hash: str | None
    settings_hash: str | None
    deleted: int
    folder_id: int | None
    card_count: int
    pending_hash: str | None


class NoteState(NamedTuple):
    """The parts of a changed note's row that an import merges with what the note says."""

    id: int
    is_review: int
    review_due: str | None
    review_interval: float | None
    review_ease: int | None
    review_dirty: int
    review_sched_note: str | None
    drill_kinds: str | None


_KNOWN = (
    "SELECT id, path, size, mtime_ns, hash, settings_hash, deleted, folder_id, card_count,"
    " pending_hash FROM notes"
)


def known_notes(conn: sqlite3.Connection, root: str) -> dict[str, KnownNote]:
    """Every note row at `root` (a file) or under it (a folder), deleted ones too."""
    prefix = root.rstrip(os.sep) + os.sep
    # "/" + 1 == "0": the half-open range holds exactly the paths under the prefix.
    upper = prefix[:-1] + chr(ord(os.sep) + 1)
    rows = conn.execute(
        _KNOWN + " WHERE path = ? OR (path >= ? AND path < ?)", (root, prefix, upper)
    )
    return {r[1]: KnownNote._make(r) for r in rows}


def notes_by_path(conn: sqlite3.Connection, paths: Sequence[str]) -> dict[str, KnownNote]:
    """The rows of these paths as they are now (inside the caller's transaction)."""
    if not paths:
        return {}
    rows = conn.execute(
        _KNOWN + " WHERE path IN (SELECT value FROM json_each(?))",  # noqa: S608
        (json.dumps(list(paths)),),
    )
    return {r[1]: KnownNote._make(r) for r in rows}


def note_states(conn: sqlite3.Connection, note_ids: Sequence[int]) -> dict[int, NoteState]:
    if not note_ids:
        return {}
    rows = conn.execute(
        "SELECT id, is_review, review_due, review_interval, review_ease, review_dirty,"
        " review_sched_note, drill_kinds FROM notes"
        " WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(note_ids)),),
    )
    return {int(r[0]): NoteState._make(r) for r in rows}


#: Columns an import writes for a note it parsed (a new row gets an explicit id first).
NOTE_COLUMNS = (
    "folder_id",
    "path",
    "size",
    "mtime_ns",
    "hash",
    "settings_hash",
    "is_review",
    "review_due",
    "review_interval",
    "review_ease",
    "review_dirty",
    "review_sched_note",
    "deck",
    "links",
    "card_count",
    "drill_kinds",
    "tags",
)


def insert_notes(conn: sqlite3.Connection, rows: Sequence[Sequence[object]]) -> None:
    """Rows of (id, *NOTE_COLUMNS)."""
    if rows:
        cols = ("id",) + NOTE_COLUMNS
        sql = (
            f"INSERT INTO notes ({', '.join(cols)})"  # noqa: S608 - constant columns
            f" VALUES ({', '.join('?' for _ in cols)})"
        )
        conn.executemany(sql, rows)


def update_notes(conn: sqlite3.Connection, rows: Sequence[Sequence[object]]) -> None:
    """Rows of (*NOTE_COLUMNS, id): a parsed note, alive again if it was deleted."""
    if rows:
        sets = ", ".join(f"{c} = ?" for c in NOTE_COLUMNS)
        conn.executemany(
            f"UPDATE notes SET {sets}, deleted = 0, pending_hash = NULL WHERE id = ?",  # noqa: S608
            rows,
        )


def touch_notes(conn: sqlite3.Connection, rows: Sequence[tuple[int, int, int | None, int]]) -> None:
    """Rows of (size, mtime_ns, folder_id, id): same bytes, new stat (a touched file)."""
    if rows:
        conn.executemany(
            "UPDATE notes SET size = ?, mtime_ns = ?, folder_id = ?, pending_hash = NULL"
            " WHERE id = ?",
            rows,
        )


def mark_deleted(conn: sqlite3.Connection, note_ids: Iterable[int]) -> None:
    conn.executemany(
        "UPDATE notes SET deleted = 1, card_count = 0 WHERE id = ?", [(i,) for i in note_ids]
    )


def live_drill_pairs(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """(deck, kind) for every technique heading of a note that is still there."""
    pairs: set[tuple[str, str]] = set()
    rows = conn.execute(
        "SELECT drill_kinds FROM notes WHERE deleted = 0 AND drill_kinds IS NOT NULL"
    )
    for (text,) in rows:
        try:
            for deck, kind in json.loads(text):
                pairs.add((str(deck), str(kind)))
        except (ValueError, TypeError):
            continue
    return pairs


LOG_COLUMNS = (
    "card_id",
    "note_id",
    "at",
    "day",
    "action",
    "response",
    "source",
    "before",
    "after",
    "undoes",
    "detail",
)


def append_log_rows(conn: sqlite3.Connection, rows: Sequence[Sequence[object]]) -> None:
    """Bulk form of store.log.append (the caller owns the transaction)."""
    if rows:
        sql = (
            f"INSERT INTO log ({', '.join(LOG_COLUMNS)})"  # noqa: S608 - constant columns
            f" VALUES ({', '.join('?' for _ in LOG_COLUMNS)})"
        )
        conn.executemany(sql, rows)


def note_paths(conn: sqlite3.Connection) -> dict[int, str]:
    """Every note's path by its id (deleted notes too: their cards are listed with --all)."""
    return {int(i): str(p) for i, p in conn.execute("SELECT id, path FROM notes")}


def writeback_on(conn: sqlite3.Connection, note_id: int) -> bool:
    """The note is live and in a folder imported with write-back."""
    row = conn.execute(
        "SELECT f.writeback FROM notes AS n JOIN folders AS f ON f.id = n.folder_id"
        " WHERE n.id = ? AND n.deleted = 0",
        (note_id,),
    ).fetchone()
    return bool(row and row[0])
