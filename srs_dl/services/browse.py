"""The card browser's use cases: build the search index from the deck, catch up with
changes made elsewhere, act on one card and re-read it."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable

from srs_dl.config import Config
from srs_dl.core.search.index import COLUMNS, BrowseRow, CardIndex
from srs_dl.services.review import grading
from srs_dl.store import browse as store

#: What each card action of the browser says once done.
ACTION_DONE = {
    "suspend": "suspended",
    "unsuspend": "unsuspended",
    "bury": "buried",
    "reset": "reset",
}


def load_index(
    conn: sqlite3.Connection,
    today: dt.date,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> CardIndex:
    """Every card of the deck, indexed; InterruptedError when `cancel` is set."""
    mark = store.log_mark(conn)
    total = store.count_cards(conn)
    rows: list[BrowseRow] = []
    for batch in store.iter_rows(conn):
        if cancel is not None and cancel.is_set():
            raise InterruptedError("cancelled")
        rows.extend(batch)
        if progress is not None:
            progress(len(rows), total)
    index = CardIndex(rows, today)
    index.log_mark = mark
    # Every column's order now, in the worker: a first sort by a column later
    # would otherwise cost 100 ms on a keystroke.
    for column in COLUMNS:
        index.order(column)
    return index


def catch_up(conn: sqlite3.Connection, mark: int) -> tuple[int, list[BrowseRow]]:
    """(new mark, the rows of cards changed since `mark`) for CardIndex.update."""
    new_mark, ids = store.changed_since(conn, mark)
    return new_mark, store.load_rows(conn, ids)


def act_on_card(
    conn: sqlite3.Connection, config: Config, today: dt.date, action: str, card_id: int
) -> tuple[str, list[BrowseRow]]:
    """Suspend, unsuspend, bury or reset one card: (what was done, its row now)."""
    if action not in ACTION_DONE:
        raise ValueError(f"unknown card action {action!r}")
    getattr(grading, action)(conn, config, today, card_id)
    return f"Card {card_id} {ACTION_DONE[action]}.", store.load_rows(conn, [card_id])
