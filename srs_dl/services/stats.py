"""Statistics over the deck: the store's five grouped queries, then the pure core."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

from srs_dl.core import stats as core
from srs_dl.core.stats import Stats
from srs_dl.store.stats import (
    PROGRESS_TOTAL,
    Cancelled,
    Progress,
    check_cancel,
    one_read,
    read_cards,
    read_drills,
    read_note_reviews,
    read_notes,
    read_reviews,
)

__all__ = ["Cancelled", "compute"]


def compute(
    conn: sqlite3.Connection,
    today: dt.date,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Stats:
    """Every statistic as of `today`. Reads only; safe on a connection of its own
    in a worker thread while another connection writes (WAL)."""
    # One read transaction, so cards, log and drills agree with each other.
    with one_read(conn):
        cards = read_cards(conn, cancel)
        if progress is not None:
            progress(10, PROGRESS_TOTAL)
        reviews = read_reviews(conn, today, progress=progress, cancel=cancel)
        drills = read_drills(conn, today)
        note_reviews = read_note_reviews(conn, today)
        notes = read_notes(conn)
    check_cancel(cancel)
    if progress is not None:
        progress(95, PROGRESS_TOTAL)
    result = core.compute(reviews, cards, drills, today, note_reviews=note_reviews, notes=notes)
    if progress is not None:
        progress(PROGRESS_TOTAL, PROGRESS_TOTAL)
    return result
