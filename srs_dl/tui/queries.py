"""Read-only queries the deck list needs, one GROUP BY, so the first screen draws
fast on a large deck. (They belong with the store; kept here until srs_dl/store
grows a deck-counts query.)"""

from __future__ import annotations

import datetime as dt
import sqlite3

_COUNTS = """
SELECT deck,
  SUM(state = 'new' OR (state = 'buried' AND buried_until <= :d AND due IS NULL)),
  SUM((state = 'review' AND due <= :d)
      OR (state = 'buried' AND buried_until <= :d AND due IS NOT NULL AND due <= :d))
FROM cards {hint} WHERE state != 'deleted' GROUP BY deck ORDER BY deck
"""

#: The columns the counts read; an index on them (deck first) answers the query alone.
_COVERING = ("deck", "state", "due", "buried_until")


def _has_covering_index(conn: sqlite3.Connection) -> bool:
    for row in conn.execute("PRAGMA index_list(cards)").fetchall():
        columns = [info[2] for info in conn.execute(f"PRAGMA index_info({row[1]!r})")]
        if columns[:1] == ["deck"] and set(_COVERING) <= set(columns):
            return True
    return False


def deck_counts(conn: sqlite3.Connection, today: dt.date) -> list[tuple[str, int, int]]:
    """(deck, new, due) per deck holding live cards, with the same meaning of "due" as
    store.reviews.due_reviews (a burial that ended counts again)."""
    # Without a covering index, walking the `deck` index reads the table in index order
    # (a random read per card); one sequential scan is about twice as fast.
    hint = "" if _has_covering_index(conn) else "NOT INDEXED"
    rows = conn.execute(_COUNTS.format(hint=hint), {"d": today.isoformat()}).fetchall()
    return [(str(deck), int(new or 0), int(due or 0)) for deck, new, due in rows]
