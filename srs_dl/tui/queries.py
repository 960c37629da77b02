"""Read-only queries the deck list needs, one GROUP BY each, so the first screen
draws fast on a large deck. (They belong with the store; kept here until
srs_dl/store grows a deck-counts query.)"""

from __future__ import annotations

import datetime as dt
import sqlite3


def deck_counts(conn: sqlite3.Connection, today: dt.date) -> list[tuple[str, int, int]]:
    """(deck, new, due) per deck holding live cards, with the same meaning of "due" as
    store.reviews.due_reviews (a burial that ended counts again)."""
    day = today.isoformat()
    rows = conn.execute(
        """
        SELECT deck,
          SUM(state = 'new' OR (state = 'buried' AND buried_until <= :d AND due IS NULL)),
          SUM((state = 'review' AND due <= :d)
              OR (state = 'buried' AND buried_until <= :d AND due IS NOT NULL AND due <= :d))
        FROM cards WHERE state != 'deleted' GROUP BY deck ORDER BY deck
        """,
        {"d": day},
    ).fetchall()
    return [(str(deck), int(new or 0), int(due or 0)) for deck, new, due in rows]
