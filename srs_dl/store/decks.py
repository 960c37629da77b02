"""Per-deck counts for the deck list: one GROUP BY, answered from the
cards_deck_counts covering index, so the first screen draws fast on a large deck."""

from __future__ import annotations

import datetime as dt
import sqlite3

from srs_dl.store.cards import deck_clause

_COUNTS = """
SELECT deck,
  SUM(state = 'new' OR (state = 'buried' AND buried_until <= :d AND due IS NULL)),
  SUM((state = 'review' AND due <= :d)
      OR (state = 'buried' AND buried_until <= :d AND due IS NOT NULL AND due <= :d))
FROM cards WHERE state != 'deleted' GROUP BY deck ORDER BY deck
"""


def deck_counts(conn: sqlite3.Connection, today: dt.date) -> list[tuple[str, int, int]]:
    """(deck, new, due) per deck holding live cards, with the same meaning of "due" as
    store.reviews.due_reviews (a burial that ended counts again)."""
    rows = conn.execute(_COUNTS, {"d": today.isoformat()}).fetchall()
    return [(str(deck), int(new or 0), int(due or 0)) for deck, new, due in rows]


def has_live_cards(conn: sqlite3.Connection, deck: str) -> bool:
    """Some card not deleted is in `deck` or one of its sub-decks."""
    where, params = deck_clause(deck)
    # `where` holds only placeholders (deck_clause); the deck name is a parameter.
    sql = f"SELECT 1 FROM cards WHERE {where} AND state != 'deleted' LIMIT 1"  # noqa: S608
    return conn.execute(sql, params).fetchone() is not None
