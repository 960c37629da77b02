"""The writes of `srs-dl import-log`: notes, cards and log rows with the ids the
export gave them (a new deck has none of them yet), and the cards' schedules.
The caller holds the write transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

#: What makes a stored card the one an export names (the import compares them).
IDENTITY_COLUMNS = "c.deck, c.kind, c.sibling, c.qhash, c.front, c.back, c.line, n.path"
LOG_ROW_COLUMNS = "card_id, at, day, action, response, source, undoes, before, after, detail"


def note_ids(conn: sqlite3.Connection) -> dict[str, int]:
    return {str(p): int(i) for i, p in conn.execute("SELECT id, path FROM notes")}


def insert_note(conn: sqlite3.Connection, path: str, tags: str | None) -> int:
    cur = conn.execute("INSERT INTO notes (path, tags) VALUES (?, ?)", (path, tags))
    return int(cur.lastrowid or 0)


def card_identities(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
    wanted = set(ids)
    rows = conn.execute(
        f"SELECT c.id, {IDENTITY_COLUMNS} FROM cards AS c"  # noqa: S608 - constant columns
        " LEFT JOIN notes AS n ON n.id = c.note_id"
    )
    return {int(r[0]): tuple(r[1:]) for r in rows if r[0] in wanted}


def insert_cards(conn: sqlite3.Connection, rows: Sequence[Sequence[object]]) -> None:
    """Rows of (id, note_id, deck, kind, sibling, qhash, front, back, line, drill_kind)."""
    conn.executemany(
        "INSERT INTO cards (id, note_id, deck, kind, sibling, qhash, front, back, line,"
        " drill_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def set_schedules(conn: sqlite3.Connection, rows: Sequence[Sequence[object]]) -> None:
    """Rows of (due, interval, ease, state, buried_until, reps, lapses, raw_group,
    note_sched, dirty, id): the card as its export or its log leaves it."""
    conn.executemany(
        "UPDATE cards SET due = ?, interval = ?, ease = ?, state = ?, buried_until = ?,"
        " reps = ?, lapses = ?, raw_group = ?, note_sched = ?, dirty = ? WHERE id = ?",
        rows,
    )


def set_note_reviews(conn: sqlite3.Connection, rows: Sequence[Sequence[object]]) -> None:
    """Rows of (due, interval, ease, note id): a whole note's review schedule."""
    conn.executemany(
        "UPDATE notes SET is_review = 1, review_due = ?, review_interval = ?, review_ease = ?"
        " WHERE id = ?",
        rows,
    )


def log_rows(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
    wanted = set(ids)
    if not wanted:
        return {}
    low, high = min(wanted), max(wanted)
    rows = conn.execute(
        f"SELECT id, {LOG_ROW_COLUMNS} FROM log WHERE id BETWEEN ? AND ?",  # noqa: S608
        (low, high),
    )
    return {int(r[0]): tuple(r[1:]) for r in rows if r[0] in wanted}


def insert_log(conn: sqlite3.Connection, rows: Sequence[Sequence[object]]) -> None:
    """Rows of (id, note_id, then LOG_ROW_COLUMNS): a log_rows row behind its id and note."""
    conn.executemany(
        f"INSERT INTO log (id, note_id, {LOG_ROW_COLUMNS})"  # noqa: S608
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
