"""What writing schedules back into the notes reads and records: a note's row and its
folder's, the hash written, the cards' lines and settled schedules, the pending marks."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from srs_dl.core.notes.model import NoteSchedule


@dataclass(frozen=True, slots=True)
class NoteForWriting:
    """What writing a note's schedules needs of its row and its folder's."""

    id: int
    path: str
    hash: str | None
    pending_hash: str | None
    folder_id: int | None
    writeback: bool
    folder_path: str | None
    folder_settings: str | None
    settings_hash: str | None
    review_dirty: bool
    review: NoteSchedule | None


def note_for_writing(conn: sqlite3.Connection, note_id: int) -> NoteForWriting | None:
    row = conn.execute(
        "SELECT n.id, n.path, n.hash, n.pending_hash, n.folder_id, coalesce(f.writeback, 0),"
        " f.path, f.settings, n.settings_hash, n.review_dirty, n.review_due, n.review_interval, n.review_ease"
        " FROM notes AS n LEFT JOIN folders AS f ON f.id = n.folder_id"
        " WHERE n.id = ? AND n.deleted = 0",
        (note_id,),
    ).fetchone()
    if row is None:
        return None
    due, interval, ease = row[10], row[11], row[12]
    review = (
        NoteSchedule(dt.date.fromisoformat(due), float(interval), int(ease))
        if due and interval is not None and ease is not None
        else None
    )
    return NoteForWriting(
        int(row[0]),
        str(row[1]),
        row[2],
        row[3],
        row[4],
        bool(row[5]),
        row[6],
        row[7],
        row[8],
        bool(row[9]),
        review,
    )


def record_written(
    conn: sqlite3.Connection, note_id: int, new_hash: str, size: int, mtime_ns: int | None
) -> None:
    """The note now holds these bytes (our own write, committed)."""
    conn.execute(
        "UPDATE notes SET hash = ?, size = ?, mtime_ns = ?, pending_hash = NULL WHERE id = ?",
        (new_hash, size, mtime_ns, note_id),
    )


def set_card_lines(conn: sqlite3.Connection, lines: Sequence[tuple[int, int, int]]) -> None:
    """(line, end_line, card id) for each card whose lines the write moved."""
    conn.executemany("UPDATE cards SET line = ?, end_line = ? WHERE id = ?", lines)


def settle_card(conn: sqlite3.Connection, card_id: int, text: str | None, *, dirty: bool) -> None:
    """The card's group in its note now reads `text`; still dirty if graded meanwhile."""
    conn.execute(
        "UPDATE cards SET note_sched = ?, dirty = ? WHERE id = ?", (text, int(dirty), card_id)
    )


def settle_note_review(conn: sqlite3.Connection, note_id: int, text: str, *, dirty: bool) -> None:
    conn.execute(
        "UPDATE notes SET review_sched_note = ?, review_dirty = ? WHERE id = ?",
        (text, int(dirty), note_id),
    )


def set_pending(conn: sqlite3.Connection, hashes: Sequence[tuple[str, int]]) -> None:
    """(hash about to be written, note id): a crash mid-write is recognised on the next run."""
    conn.executemany("UPDATE notes SET pending_hash = ? WHERE id = ?", hashes)


def clear_pending(conn: sqlite3.Connection, note_ids: Sequence[int]) -> None:
    conn.executemany(
        "UPDATE notes SET pending_hash = NULL WHERE id = ?", [(nid,) for nid in note_ids]
    )


def pending_note_ids(conn: sqlite3.Connection) -> list[int]:
    """Notes with a review not yet written: dirty cards or a dirty whole-note schedule."""
    rows = conn.execute(
        "SELECT DISTINCT c.note_id FROM cards AS c JOIN notes AS n ON n.id = c.note_id"
        " WHERE c.dirty = 1 AND c.state != 'deleted' AND n.deleted = 0"
        " UNION SELECT id FROM notes WHERE review_dirty = 1 AND deleted = 0 ORDER BY 1"
    ).fetchall()
    return [int(r[0]) for r in rows]


def forget_stat(conn: sqlite3.Connection, note_ids: Sequence[int]) -> None:
    """The next incremental import reads these notes again (no size and mtime to match)."""
    conn.executemany("UPDATE notes SET mtime_ns = NULL WHERE id = ?", [(nid,) for nid in note_ids])


def database_file(conn: sqlite3.Connection) -> str | None:
    """The file of the connection's main database (None: in memory)."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return str(file)
    return None
