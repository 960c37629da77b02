"""The append-only log: every change to a card's schedule, with the state before and after.

Rows are never updated or deleted. An undo is a new row whose `undoes` names
the row it cancels and whose `after` is that row's `before`. Because each row
carries the full scheduling state after it, the card table's scheduling
columns can be rebuilt from the log alone (`replay`).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from srs_dl.store.cards import CardRow

#: The columns a snapshot restores; the contract's four plus the counters, the
#: burial date and a verbatim FSRS group, so an undo gives back exactly the card it found.
SNAPSHOT_KEYS = ("due", "interval", "ease", "state", "buried_until", "reps", "lapses", "raw_group")

#: Actions a user can take back with `undo`, one at a time, newest first.
UNDOABLE = ("review", "reset", "bury", "suspend", "unsuspend")

#: A whole-note rating (card_id NULL): undone through the same stack as the cards'.
NOTE_UNDOABLE = "note_review"

#: No undo row cancels `l`. An undo row has its review's card_id, so the log_card
#: index finds it (log has no index on `undoes`).
_NOT_UNDONE = "NOT EXISTS (SELECT 1 FROM log AS u WHERE u.card_id = l.card_id AND u.undoes = l.id)"

#: The same for a note's rating: its undo row has card_id NULL and the rating's note_id.
_NOTE_NOT_UNDONE = (
    "NOT EXISTS (SELECT 1 FROM log AS u WHERE u.card_id IS NULL AND u.note_id = l.note_id"
    " AND u.undoes = l.id)"
)

LOG_COLUMNS = (
    "id, card_id, note_id, at, day, action, response, source, before, after, undoes, detail"
)


@dataclass(frozen=True, slots=True)
class LogEntry:
    id: int
    card_id: int | None
    note_id: int | None
    at: str
    day: dt.date
    action: str
    response: str | None
    source: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undoes: int | None
    detail: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "card_id": self.card_id,
            "note_id": self.note_id,
            "at": self.at,
            "day": self.day.isoformat(),
            "action": self.action,
            "response": self.response,
            "source": self.source,
            "before": self.before,
            "after": self.after,
            "undoes": self.undoes,
            "detail": self.detail,
        }


def snapshot(card: CardRow) -> dict[str, Any]:
    return {
        "due": card.due.isoformat() if card.due else None,
        "interval": card.interval,
        "ease": card.ease,
        "state": card.state,
        "buried_until": card.buried_until.isoformat() if card.buried_until else None,
        "reps": card.reps,
        "lapses": card.lapses,
        "raw_group": card.raw_group,
    }


def _loads(text: str | None) -> dict[str, Any] | None:
    return json.loads(text) if text else None


def _dumps(value: Mapping[str, Any] | None) -> str | None:
    return (
        json.dumps(dict(value), ensure_ascii=False, sort_keys=True) if value is not None else None
    )


def row_to_entry(row: tuple[Any, ...]) -> LogEntry:
    (lid, card_id, note_id, at, day, action, response, source, before, after, undoes, detail) = row
    return LogEntry(
        id=int(lid),
        card_id=card_id,
        note_id=note_id,
        at=str(at),
        day=dt.date.fromisoformat(day),
        action=str(action),
        response=response,
        source=str(source),
        before=_loads(before),
        after=_loads(after),
        undoes=undoes,
        detail=_loads(detail),
    )


def now_iso() -> str:
    """Wall-clock time of an action (the `day` column holds the --today date)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def append(
    conn: sqlite3.Connection,
    *,
    card_id: int | None,
    day: dt.date,
    action: str,
    source: str = "srs-dl",
    note_id: int | None = None,
    response: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    undoes: int | None = None,
    detail: Mapping[str, Any] | None = None,
    at: str | None = None,
) -> int:
    """Append one row; the caller owns the transaction. Returns the new row's id."""
    cur = conn.execute(
        "INSERT INTO log (card_id, note_id, at, day, action, response, source, before, after,"
        " undoes, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            card_id,
            note_id,
            at or now_iso(),
            day.isoformat(),
            action,
            response,
            source,
            _dumps(before),
            _dumps(after),
            undoes,
            _dumps(detail),
        ),
    )
    return int(cur.lastrowid or 0)


def get_entry(conn: sqlite3.Connection, log_id: int) -> LogEntry | None:
    row = conn.execute(f"SELECT {LOG_COLUMNS} FROM log WHERE id = ?", (log_id,)).fetchone()  # noqa: S608
    return row_to_entry(row) if row else None


def right_drill_answers(conn: sqlite3.Connection, card_id: int) -> int:
    """How many reviews of a drill card (not undone) were right answers."""
    row = conn.execute(
        "SELECT count(*) FROM log AS l WHERE l.card_id = ? AND l.action = 'review'"  # noqa: S608
        f" AND json_extract(l.detail, '$.correct') = 1 AND {_NOT_UNDONE}",
        (card_id,),
    ).fetchone()
    return int(row[0])


def card_history(conn: sqlite3.Connection, card_id: int) -> list[LogEntry]:
    rows = conn.execute(
        f"SELECT {LOG_COLUMNS} FROM log WHERE card_id = ? ORDER BY id",  # noqa: S608
        (card_id,),
    ).fetchall()
    return [row_to_entry(r) for r in rows]


def last_undoable(
    conn: sqlite3.Connection, *, among: tuple[int, ...] | None = None
) -> LogEntry | None:
    """The newest srs-dl action on a card that no undo row cancels yet.

    `among` restricts the search to given log ids (a review session undoes only
    its own reviews).
    """
    marks = ", ".join("?" for _ in UNDOABLE)
    sql = (
        f"SELECT {LOG_COLUMNS} FROM log AS l WHERE l.action IN ({marks}) AND l.source = 'srs-dl'"  # noqa: S608
        f" AND l.card_id IS NOT NULL AND {_NOT_UNDONE}"
    )
    params: list[Any] = list(UNDOABLE)
    if among is not None:
        if not among:
            return None
        sql += f" AND l.id IN ({', '.join('?' for _ in among)})"
        params.extend(among)
    row = conn.execute(sql + " ORDER BY l.id DESC LIMIT 1", params).fetchone()
    return row_to_entry(row) if row else None


def last_undoable_any(conn: sqlite3.Connection) -> LogEntry | None:
    """The newest srs-dl action not yet undone, a card's or a whole note's rating: the
    one undo stack, in the order the actions were made (log ids grow with time)."""
    card = last_undoable(conn)
    # Only a rating newer than the card's action matters (the log_stats index leads
    # with the action, so this reads the note ratings only).
    row = conn.execute(
        f"SELECT {LOG_COLUMNS} FROM log AS l WHERE l.action = ? AND l.source = 'srs-dl'"  # noqa: S608
        f" AND l.card_id IS NULL AND l.note_id IS NOT NULL AND {_NOTE_NOT_UNDONE}"
        " AND l.id > ? ORDER BY l.id DESC LIMIT 1",
        (NOTE_UNDOABLE, card.id if card is not None else 0),
    ).fetchone()
    return row_to_entry(row) if row else card


def counts_today(conn: sqlite3.Connection, day: dt.date) -> tuple[int, int]:
    """(new cards introduced, review cards answered) on `day`, undone reviews not counted.

    Each card counts once: a card failed and answered again the same day is one review,
    and a new card is counted as new however often it is seen.
    """
    # The bare `was` column comes from the row holding min(id) (an SQLite guarantee):
    # the card's first answer of the day says whether it was new.
    row = conn.execute(
        f"""
        SELECT coalesce(sum(was = 'new'), 0), coalesce(sum(was != 'new'), 0) FROM (
            SELECT l.card_id, json_extract(l.before, '$.state') AS was, min(l.id)
            FROM log AS l
            WHERE l.day = ? AND l.action = 'review' AND l.source = 'srs-dl' AND {_NOT_UNDONE}
            GROUP BY l.card_id
        )
        """,  # noqa: S608
        (day.isoformat(),),
    ).fetchone()
    return int(row[0]), int(row[1])


def iter_card_rows(conn: sqlite3.Connection) -> Iterator[LogEntry]:
    for row in conn.execute(
        f"SELECT {LOG_COLUMNS} FROM log WHERE card_id IS NOT NULL ORDER BY id"  # noqa: S608
    ):
        yield row_to_entry(row)


def replay(conn: sqlite3.Connection) -> dict[int, dict[str, Any]]:
    """Every logged card's scheduling state, rebuilt from the log alone.

    Each row's `after` is the state it left; rows written by other parts of the
    app may carry only the contract's four keys, so a later row overrides only
    what it names. Cards with no log row are not in the result.
    """
    states: dict[int, dict[str, Any]] = {}
    for entry in iter_card_rows(conn):
        assert entry.card_id is not None
        state = states.setdefault(entry.card_id, dict(entry.before or {}))
        if entry.after is not None:
            state.update(entry.after)
    return states


def is_undone(conn: sqlite3.Connection, card_id: int, log_id: int) -> bool:
    """An undo row cancels log entry `log_id` (of card `card_id`: the log_card index)."""
    row = conn.execute(
        "SELECT 1 FROM log WHERE card_id = ? AND undoes = ?", (card_id, log_id)
    ).fetchone()
    return row is not None


def card_of(conn: sqlite3.Connection, log_id: int) -> int | None:
    """The card a log entry is about (None: no such entry, or a note's)."""
    row = conn.execute("SELECT card_id FROM log WHERE id = ?", (log_id,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])
