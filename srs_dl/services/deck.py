"""The deck as the shells open and list it: a connection for the calling thread, the
decks with their counts, the cards, the remembered folders.

Each command opens its own connection here and closes it. The app opens a
`DeckPool` once: its workers borrow a connection each and give it back on close()
(store/pool.py says why: no reconnect per task, and never a second open of the
file that could drop the locks of the connections already open).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3

from srs_dl.store import cards as cards_store
from srs_dl.store import decks as decks_store
from srs_dl.store import folders as folders_store
from srs_dl.store import notes as notes_store
from srs_dl.store.cards import CardRow
from srs_dl.store.db import StoreError, connect, transaction
from srs_dl.store.pool import DeckPool

__all__ = [
    "CardRow",
    "DeckPool",
    "StoreError",
    "check_writable",
    "deck_counts",
    "has_deck",
    "iter_cards",
    "note_path",
    "note_paths",
    "open_deck",
    "remembered_folders",
]


def open_deck(path: str | os.PathLike[str], *, create: bool = True) -> sqlite3.Connection:
    """Open (and create or migrate) the deck at `path`; StoreError when it cannot be."""

    return connect(path, create=create)


def check_writable(conn: sqlite3.Connection) -> None:
    """Take the write lock and let it go: a read-only deck fails here, before any work."""
    with transaction(conn):
        pass


def deck_counts(conn: sqlite3.Connection, today: dt.date) -> list[tuple[str, int, int]]:
    """(deck, new, due) per deck holding live cards."""
    return decks_store.deck_counts(conn, today)


def has_deck(conn: sqlite3.Connection, deck: str) -> bool:
    """Some live card is in `deck` or one of its sub-decks."""
    return decks_store.has_live_cards(conn, deck)


#: The cards (a deck and its sub-decks, deleted ones too if asked, due by a day), as stored.
iter_cards = cards_store.iter_cards


def note_path(conn: sqlite3.Connection, note_id: int | None) -> str | None:
    return cards_store.note_path(conn, note_id)


def note_paths(conn: sqlite3.Connection) -> dict[int, str]:
    """Every note's path by its id."""
    return notes_store.note_paths(conn)


def remembered_folders(conn: sqlite3.Connection) -> list[str]:
    """The folders imported before, whose settings the deck remembers."""
    return [f.path for f in folders_store.list_folders(conn)]
