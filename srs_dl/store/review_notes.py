"""Review notes (whole-note review) as the notes table holds them: their rows, the
histogram of their due dates, the inputs of a note's ease, the vault's link rows."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from srs_dl.core.notes.model import NoteSchedule
from srs_dl.core.scheduling.sm2 import interval_number


@dataclass(frozen=True, slots=True)
class NoteRow:
    id: int
    path: str
    deck: str | None
    is_review: bool
    #: None: never reviewed.
    schedule: NoteSchedule | None
    dirty: bool

    def to_json(self) -> dict[str, Any]:
        s = self.schedule
        return {
            "id": self.id,
            "path": self.path,
            "deck": self.deck,
            "due": s.due.isoformat() if s else None,
            "interval": interval_number(s.interval) if s else None,
            "ease": s.ease if s else None,
            "state": "new" if s is None else "review",
            "pending_write": self.dirty,
        }


_COLUMNS = "id, path, deck, is_review, review_due, review_interval, review_ease, review_dirty"


def _row(r: Sequence[Any]) -> NoteRow:
    due, interval, ease = r[4], r[5], r[6]
    sched = (
        NoteSchedule(dt.date.fromisoformat(due), float(interval), int(ease))
        if due and interval is not None and ease is not None
        else None
    )
    return NoteRow(int(r[0]), str(r[1]), r[2], bool(r[3]), sched, bool(r[7]))


def review_notes(conn: sqlite3.Connection) -> list[tuple[NoteRow, int | None]]:
    """Every live note tagged for review or scheduled, with its folder id."""
    found = conn.execute(
        f"SELECT {_COLUMNS}, folder_id FROM notes WHERE deleted = 0"  # noqa: S608
        " AND (is_review = 1 OR review_due IS NOT NULL)"
    ).fetchall()
    return [(_row(r), r[8]) for r in found]


def note_by_path(conn: sqlite3.Connection, path: str) -> NoteRow | None:
    r = conn.execute(
        f"SELECT {_COLUMNS} FROM notes WHERE path = ? AND deleted = 0",  # noqa: S608
        (path,),
    ).fetchone()
    return None if r is None else _row(r)


def note_due_histogram(conn: sqlite3.Connection, today: dt.date) -> dict[int, int]:
    """Days from today -> live notes due that day (today on)."""
    rows = conn.execute(
        "SELECT review_due, count(*) FROM notes WHERE deleted = 0 AND review_due >= ?"
        " GROUP BY review_due",
        (today.isoformat(),),
    ).fetchall()
    return {(dt.date.fromisoformat(d) - today).days: int(n) for d, n in rows}


def own_ease(conn: sqlite3.Connection, note_id: int) -> Any:
    """The note's own `sr-ease` as stored (None: none, or no such note)."""
    row = conn.execute("SELECT review_ease FROM notes WHERE id = ?", (note_id,)).fetchone()
    return None if row is None else row[0]


def scheduled_card_eases(conn: sqlite3.Connection, note_id: int) -> list[int]:
    """The eases of a note's live scheduled cards (the plugin's note ease averages them)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT ease FROM cards WHERE note_id = ? AND ease IS NOT NULL AND due IS NOT NULL"
            " AND state != 'deleted'",
            (note_id,),
        )
    ]


def note_folder(conn: sqlite3.Connection, note_id: int) -> int | None:
    row = conn.execute("SELECT folder_id FROM notes WHERE id = ?", (note_id,)).fetchone()
    return row[0] if row else None


def folder_paths(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    return [(int(fid), str(path)) for fid, path in conn.execute("SELECT id, path FROM folders")]


#: A links value that is not valid JSON reads as no links (and cannot spoil the
#: single parse of them all by the caller).
_GRAPH_COLUMNS = "id, path, CASE WHEN json_valid(links) THEN links END, folder_id"


def link_rows(
    conn: sqlite3.Connection, folders: tuple[int, ...] | None
) -> list[tuple[int, str, str | None, int | None]]:
    """(id, path, links JSON, folder id) of the live notes in these folders (None: in none)."""
    if folders is None:
        rows = conn.execute(
            f"SELECT {_GRAPH_COLUMNS} FROM notes"  # noqa: S608
            " WHERE deleted = 0 AND folder_id IS NULL"
        ).fetchall()
    else:
        rows = conn.execute(
            f"SELECT {_GRAPH_COLUMNS} FROM notes WHERE deleted = 0"  # noqa: S608
            f" AND folder_id IN ({','.join('?' * len(folders))})",
            folders,
        ).fetchall()
    return [tuple(r) for r in rows]


def scheduled_text(conn: sqlite3.Connection, note_id: int) -> str | None:
    """The schedule the note's frontmatter held when last read or written."""
    row = conn.execute("SELECT review_sched_note FROM notes WHERE id = ?", (note_id,)).fetchone()
    return row[0] if row else None


def set_note_schedule(
    conn: sqlite3.Connection, note_id: int, after: NoteSchedule | None, *, dirty: bool
) -> None:
    """Set a note's whole-note schedule; None: never reviewed (an undone first rating)."""
    values = (after.due.isoformat(), after.interval, after.ease) if after else (None, None, None)
    conn.execute(
        "UPDATE notes SET review_due = ?, review_interval = ?, review_ease = ?,"
        " review_dirty = ? WHERE id = ?",
        (*values, int(dirty), note_id),
    )
