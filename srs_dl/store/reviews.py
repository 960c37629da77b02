"""The SQL side of reviewing: what is due, the due-date histogram, card state updates.

Queries go through the `cards_stats (state, due, ...)` index and take only what a
queue needs (LIMIT), so a review session over a million cards never loads the
whole deck into Python.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from srs_dl.core.scheduling.card import CardState, Schedule
from srs_dl.core.scheduling.queue import QueueCard
from srs_dl.store.card_states import fsrs_schedule
from srs_dl.store.cards import CARD_COLUMNS, CardRow, deck_clause, row_to_card, sm2_schedule
from srs_dl.store.db import StoreError

#: Attempts at taking the write lock, each waiting the connection's busy timeout.
LOCK_ATTEMPTS = 4


def _is_lock_error(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE .. COMMIT, retrying the lock a few times.

    The busy timeout already makes each BEGIN wait for another process's
    transaction; a writer that still holds the lock after that gets a few more
    tries, then a one-line StoreError, never a traceback. The body runs once:
    only taking the lock is retried, so nothing is applied twice.
    """
    for attempt in range(LOCK_ATTEMPTS):
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if not _is_lock_error(exc):
                raise StoreError(f"database error: {exc}") from exc
            if attempt == LOCK_ATTEMPTS - 1:
                raise StoreError(
                    "the database is busy in another srs-dl process (still locked"
                    " after several tries); nothing was changed, try again"
                ) from exc
            time.sleep(0.05 * (attempt + 1))
    try:
        yield conn
    except BaseException:
        # SQLite may already have rolled back (a full disk): then there is nothing to undo.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        if _is_lock_error(exc):
            raise StoreError(
                "the database is busy in another srs-dl process; the last change"
                " was not saved, try again"
            ) from exc
        raise StoreError(f"database error: {exc}") from exc


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


_QUEUE_COLUMNS = "id, deck, due, interval, ease, state, buried_until, raw_group, note_id, qhash"


def _queue_cards(rows: Iterable[tuple[Any, ...]], tz: dt.tzinfo) -> list[QueueCard]:
    """Rows as the queue takes them: the card model's state (FSRS times in `tz`), and
    the question, (note id, question hash), that its siblings share."""
    date = dt.date.fromisoformat
    out: list[QueueCard] = []
    for cid, deck, due, interval, ease, state, buried, raw, note_id, qhash in rows:
        schedule: Schedule | None = None if raw is None else fsrs_schedule(raw, tz)
        if schedule is None:
            schedule = sm2_schedule(date(due) if due else None, interval, ease)
        card = CardState(state, schedule, date(buried) if buried else None)
        out.append(QueueCard(cid, deck, card, None if note_id is None else (note_id, qhash)))
    return out


def due_reviews(
    conn: sqlite3.Connection,
    today: dt.date,
    *,
    tz: dt.tzinfo = dt.UTC,
    deck: str | None = None,
    limit: int = -1,
    drill_kind: str | None = None,
) -> list[QueueCard]:
    """Review cards due on or before `today`, most overdue first (then by id).

    Buried cards whose burial ended come back here too."""
    day = today.isoformat()
    return _Queue(conn, tz, deck, drill_kind, limit).with_ended_burials(
        "state = 'review' AND due <= ?",
        [day],
        "state = 'buried' AND buried_until <= ? AND due IS NOT NULL AND due <= ?",
        [day, day],
        "due, id",
        key=lambda c: (c.card.due or today, cast(int, c.id)),
    )


def new_cards(
    conn: sqlite3.Connection,
    today: dt.date,
    *,
    tz: dt.tzinfo = dt.UTC,
    deck: str | None = None,
    limit: int = -1,
    drill_kind: str | None = None,
) -> list[QueueCard]:
    """New cards in the order they were imported (note by note, line by line)."""
    return _Queue(conn, tz, deck, drill_kind, limit).with_ended_burials(
        "state = 'new'",
        [],
        "state = 'buried' AND buried_until <= ? AND due IS NULL",
        [today.isoformat()],
        "id",
        key=lambda c: cast(int, c.id),
    )


def failed_today(
    conn: sqlite3.Connection,
    today: dt.date,
    *,
    tz: dt.tzinfo = dt.UTC,
    deck: str | None = None,
    drill_kind: str | None = None,
) -> list[QueueCard]:
    """Cards answered today (not undone) that are due again today: failed, to see again."""
    day = today.isoformat()
    return _Queue(conn, tz, deck, drill_kind).select(
        "state = 'review' AND due <= ? AND id IN (SELECT l.card_id FROM log AS l"
        " WHERE l.day = ? AND l.action = 'review' AND l.source = 'srs-dl' AND NOT EXISTS"
        " (SELECT 1 FROM log AS u WHERE u.card_id = l.card_id AND u.undoes = l.id))",
        [day, day],
        "due, id",
    )


@dataclass(frozen=True, slots=True)
class _Queue:
    """A queue query: the cards of `deck` (and its sub-decks), only the drill cards of
    one kind when `drill_kind` is given (`srs-dl practice KIND`), `limit` at most."""

    conn: sqlite3.Connection
    tz: dt.tzinfo
    deck: str | None
    drill_kind: str | None
    limit: int = -1

    def select(self, cond: str, args: list[Any], order: str) -> list[QueueCard]:
        where, params = deck_clause(self.deck)
        if self.drill_kind is not None:
            where, params = (
                f"{where} AND kind = 'drill' AND drill_kind = ?",
                [*params, self.drill_kind],
            )
        sql = (
            f"SELECT {_QUEUE_COLUMNS} FROM cards WHERE {cond} AND {where}"  # noqa: S608
            f" ORDER BY {order} LIMIT ?"
        )
        return _queue_cards(self.conn.execute(sql, [*args, *params, self.limit]), self.tz)

    def with_ended_burials(
        self,
        cond: str,
        args: list[Any],
        ended: str,
        ended_args: list[Any],
        order: str,
        *,
        key: Callable[[QueueCard], Any],
    ) -> list[QueueCard]:
        """The cards `cond` selects and the buried ones `ended` selects (their burial
        over), in `key` order: two index range scans, merged here (SQLite would sort
        a UNION of them instead of merging)."""
        found = self.select(cond, args, order)
        unburied = self.select(ended, ended_args, order)
        if not unburied:
            return found
        merged = sorted(found + unburied, key=key)
        return merged if self.limit < 0 else merged[: self.limit]


def get_cards(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, CardRow]:
    wanted = list(dict.fromkeys(ids))
    out: dict[int, CardRow] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in conn.execute(f"SELECT {CARD_COLUMNS} FROM cards WHERE id IN ({marks})", chunk):  # noqa: S608
            card = row_to_card(row)
            out[card.id] = card
    return out


def due_histogram(conn: sqlite3.Connection, today: dt.date) -> dict[int, int]:
    """Cards per due day from today on, keyed by days after today (0 = today).

    Suspended and buried cards keep their due date and count as load (the plugin,
    which has neither, counts every scheduled card it knows).
    """
    # One GROUP BY per state: each streams in due order off the cards_stats index, where
    # `state IN (...)` would sort 800,000 index entries in a temporary B-tree (3x slower).
    ordinal = today.toordinal()
    out: dict[int, int] = {}
    for state in ("review", "buried", "suspended"):
        for d, n in conn.execute(
            "SELECT due, count(*) FROM cards WHERE state = ? AND due >= ? GROUP BY due",
            (state, today.isoformat()),
        ):
            key = dt.date.fromisoformat(d).toordinal() - ordinal
            out[key] = out.get(key, 0) + int(n)
    return out


def set_schedule(
    conn: sqlite3.Connection, card_id: int, state: Mapping[str, Any], *, dirty: bool | None = None
) -> None:
    """Write a snapshot (log.SNAPSHOT_KEYS) into the card; keys absent are left alone."""
    columns = [
        k
        for k in ("due", "interval", "ease", "state", "buried_until", "reps", "lapses", "raw_group")
        if k in state
    ]
    values: list[Any] = [state[k] for k in columns]
    if dirty is not None:
        columns.append("dirty")
        values.append(int(dirty))
    if not columns:
        return
    assignments = ", ".join(f"{c} = ?" for c in columns)
    conn.execute(f"UPDATE cards SET {assignments} WHERE id = ?", (*values, card_id))  # noqa: S608


def dirty_note_ids(conn: sqlite3.Connection) -> list[int]:
    rows = conn.execute(
        "SELECT DISTINCT note_id FROM cards WHERE dirty = 1 AND note_id IS NOT NULL"
        " ORDER BY note_id"
    ).fetchall()
    return [int(r[0]) for r in rows]


def cards_of_note(conn: sqlite3.Connection, note_id: int) -> list[CardRow]:
    rows = conn.execute(
        f"SELECT {CARD_COLUMNS} FROM cards WHERE note_id = ? ORDER BY line, sibling, id",  # noqa: S608
        (note_id,),
    ).fetchall()
    return [row_to_card(r) for r in rows]


def iso(day: dt.date | None) -> str | None:
    return _iso(day)


def answered_today(conn: sqlite3.Connection, today: dt.date) -> dict[tuple[int, str], list[int]]:
    """Per question (note id, question hash), the cards srs-dl answered on `today`
    (reviews an undo cancelled left out)."""
    out: dict[tuple[int, str], list[int]] = {}
    for note_id, qhash, card_id in conn.execute(
        "SELECT c.note_id, c.qhash, l.card_id FROM log AS l JOIN cards AS c ON c.id = l.card_id"
        " WHERE l.day = ? AND l.action = 'review' AND l.source = 'srs-dl'"
        " AND c.note_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM log AS u"
        " WHERE u.card_id = l.card_id AND u.undoes = l.id)",
        (today.isoformat(),),
    ):
        out.setdefault((int(note_id), str(qhash)), []).append(int(card_id))
    return out
