"""What the statistics read from the deck: five grouped queries (services.stats hands
them to the pure core).

The log can hold millions of reviews, so SQLite folds them into one row per
day and answer, counting how many were of mature cards (the core's
MATURE_DAYS, passed in), walking the `log_stats` index in day order: no sort,
no JSON parsed (the index holds the interval). Undone reviews (cancelled by an
'undo' row through `undoes`) are left out in the query. Whole-note ratings
(action 'note_review', card_id NULL) come the same way, from the same index.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from srs_dl.core import stats as core
from srs_dl.core.stats import CardGroup, DrillAnswer, NoteReview, NoteState, Review

Progress = Callable[[int, int], None]
#: Progress is reported in these units: cards, then the log by day, then drills.
PROGRESS_TOTAL = 100
BATCH = 20_000

# The expression must read exactly as in the log_stats index for SQLite to use it
# (grouping by the interval itself would return 200,000 rows and take 3 times as long).
_REVIEWS = """
    SELECT day, response, count(*),
           coalesce(sum(json_extract(before, '$.interval') >= :mature), 0)
    FROM log
    WHERE action = 'review' AND day <= :today
      AND id NOT IN (SELECT undoes FROM log WHERE action = 'undo' AND undoes IS NOT NULL)
    GROUP BY day, response
"""

# Covered by log_stats (action, day, response; the rowid for the undo test).
_NOTE_REVIEWS = """
    SELECT day, response, count(*)
    FROM log
    WHERE action = 'note_review' AND day <= :today
      AND id NOT IN (SELECT undoes FROM log WHERE action = 'undo' AND undoes IS NOT NULL)
    GROUP BY day, response
"""

# The review notes as store.review_notes.review_notes finds them (tagged, or scheduled
# once); one without a full schedule is new, as there.
_NOTES = """
    SELECT CASE WHEN review_interval IS NOT NULL AND review_ease IS NOT NULL
                THEN review_due END AS due, count(*)
    FROM notes
    WHERE deleted = 0 AND (is_review = 1 OR review_due IS NOT NULL)
    GROUP BY due
"""

_CARDS = """
    SELECT state, due, interval, ease, buried_until, count(*)
    FROM cards GROUP BY state, due, interval, ease, buried_until
"""

# Drill reviews carry detail {"kind", "correct", ...} (written by the review
# service); a drill graded without an answer typed (`srs-dl grade`) has no
# "correct" and is not an answer to count. CROSS JOIN keeps the drill cards as
# the outer loop: with ANALYZE statistics SQLite would otherwise walk every
# review of the log (7 s instead of 40 ms over a million reviews).
_DRILLS = """
    SELECT coalesce(json_extract(log.detail, '$.kind'), cards.drill_kind) AS drill,
           json_extract(log.detail, '$.correct') AS correct, count(*)
    FROM cards CROSS JOIN log ON log.card_id = cards.id
    WHERE cards.kind = 'drill' AND log.action = 'review' AND log.day <= ?
      AND log.detail IS NOT NULL AND json_extract(log.detail, '$.correct') IS NOT NULL
      AND log.id NOT IN (SELECT undoes FROM log WHERE action = 'undo' AND undoes IS NOT NULL)
    GROUP BY drill, correct
"""


class Cancelled(Exception):
    """The computation was cancelled (the screen was left)."""


class _Dates:
    """ISO day -> date, parsed once per distinct day."""

    def __init__(self) -> None:
        self._cache: dict[str, dt.date] = {}

    def __call__(self, text: str | None) -> dt.date | None:
        if text is None:
            return None
        value = self._cache.get(text)
        if value is None:
            value = self._cache[text] = dt.date.fromisoformat(text)
        return value


def check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled


def _batches(cursor: sqlite3.Cursor, cancel: threading.Event | None) -> Iterator[list[tuple]]:
    while True:
        check_cancel(cancel)
        rows = cursor.fetchmany(BATCH)
        if not rows:
            return
        yield rows


def read_cards(conn: sqlite3.Connection, cancel: threading.Event | None = None) -> list[CardGroup]:
    date = _Dates()
    out: list[CardGroup] = []
    for rows in _batches(conn.execute(_CARDS), cancel):
        out.extend(
            CardGroup(state, date(due), interval, ease, date(buried), n)
            for state, due, interval, ease, buried, n in rows
        )
    return out


def read_reviews(
    conn: sqlite3.Connection,
    today: dt.date,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> list[Review]:
    date = _Dates()
    first = conn.execute("SELECT min(day) FROM log WHERE action = 'review'").fetchone()[0]
    span = max(1, (today - date(first)).days) if first else 1  # type: ignore[operator]
    out: list[Review] = []
    params = {"today": today.isoformat(), "mature": core.MATURE_DAYS}
    for rows in _batches(conn.execute(_REVIEWS, params), cancel):
        for day, response, n, mature in rows:
            if n > mature:
                out.append(Review(date(day), response, False, n - mature))  # type: ignore[arg-type]
            if mature:
                out.append(Review(date(day), response, True, mature))  # type: ignore[arg-type]
        if progress is not None and first:
            done = (out[-1].day - date(first)).days  # type: ignore[operator]
            progress(10 + 80 * min(done, span) // span, PROGRESS_TOTAL)
    return out


def read_drills(conn: sqlite3.Connection, today: dt.date) -> list[DrillAnswer]:
    return [
        DrillAnswer(str(kind), bool(correct), n)
        for kind, correct, n in conn.execute(_DRILLS, (today.isoformat(),))
        if kind is not None
    ]


def read_note_reviews(conn: sqlite3.Connection, today: dt.date) -> list[NoteReview]:
    date = _Dates()
    return [
        NoteReview(date(day), str(response), n)  # type: ignore[arg-type]
        for day, response, n in conn.execute(_NOTE_REVIEWS, {"today": today.isoformat()})
        if response is not None
    ]


def read_notes(conn: sqlite3.Connection) -> list[NoteState]:
    date = _Dates()
    return [NoteState(date(due), n) for due, n in conn.execute(_NOTES)]


@contextmanager
def one_read(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction (unless the caller holds one), so what is read agrees."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        yield
    finally:
        if own:
            conn.execute("COMMIT")
