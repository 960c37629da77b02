"""Every review still standing in the log (not undone), for fitting FSRS weights."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator

_RATINGS = {"again": 1, "hard": 2, "good": 3, "easy": 4}


def reviews(conn: sqlite3.Connection) -> Iterator[tuple[int, dt.datetime, int]]:
    """(card id, time, rating 1-4) of each card review in log order. The time is the
    log's `at`, on the log's `day` when a review was recorded as of another day."""
    rows = conn.execute(
        "SELECT card_id, at, day, response FROM log"
        " WHERE action = 'review' AND card_id IS NOT NULL"
        " AND response IN ('again', 'hard', 'good', 'easy')"
        " AND id NOT IN (SELECT undoes FROM log WHERE undoes IS NOT NULL)"
        " ORDER BY id"
    )
    for card_id, at, day, response in rows:
        try:
            t = dt.datetime.fromisoformat(at)
            d = dt.date.fromisoformat(day)
        except (TypeError, ValueError):
            continue
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.UTC)
        if t.date() != d and abs((t.date() - d).days) > 1:
            t = dt.datetime.combine(d, t.timetz())
        yield int(card_id), t, _RATINGS[response]


def fsrs_reviews(conn: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    """(the FSRS group before, the response) of each review of an FSRS card, not undone."""
    rows = conn.execute(
        "SELECT json_extract(before, '$.raw_group'), response FROM log"
        " WHERE action = 'review' AND json_extract(before, '$.raw_group') LIKE 'fsrs,%'"
        " AND response IN ('again', 'hard', 'good', 'easy')"
        " AND id NOT IN (SELECT undoes FROM log WHERE undoes IS NOT NULL)"
    )
    for group, response in rows:
        yield str(group), str(response)


def fsrs_groups(conn: sqlite3.Connection) -> Iterator[tuple[int | None, str]]:
    """(note id, FSRS group) of each FSRS card still in its note and not suspended."""
    rows = conn.execute(
        "SELECT note_id, raw_group FROM cards WHERE raw_group LIKE 'fsrs,%'"
        " AND state NOT IN ('deleted', 'suspended')"
    )
    for note_id, group in rows:
        yield note_id, str(group)
