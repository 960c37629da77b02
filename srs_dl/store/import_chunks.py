"""The deck's side of an import: a worker's chunk of parsed cards as a serialized SQLite
database (attached as `import_w`), the statements that copy and read it, and a bulk
load's mode (one transaction, the card indexes dropped and built again at the end).

The merging itself (which stored card each parsed card is) is services.importing's.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from srs_dl.store.db import journal_wal, leave_wal

#: The schema name a worker's chunk of cards is deserialized into.
CHUNK_DB = "import_w"

#: A chunk's cards in file order (rowid), a row per card: the importing.worker.FoundCard
#: without its state (a card with a due date is in review, else new).
CARDS_TABLE = (
    "CREATE TABLE c (task INTEGER, deck, kind, sibling, qhash, front, back, line, end_line,"
    " due, interval, ease, note_sched, raw_group, unreadable DEFAULT 0)"
)
_INSERT_NEW = (
    "INSERT INTO c (rowid, task, deck, kind, sibling, qhash, front, back, line, end_line,"
    " unreadable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_SCHEDULED = (
    "INSERT INTO c (rowid, task, deck, kind, sibling, qhash, front, back, line, end_line,"
    " due, interval, ease, note_sched, raw_group)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

#: Copies the cards of new notes from a chunk: a card with a due date is in review.
_COPY_FROM_CHUNK = (
    "INSERT INTO cards (note_id, deck, kind, sibling, qhash, front, back, line, end_line, due,"
    " interval, ease, state, note_sched, raw_group)"
    " SELECT c.task + ?, c.deck, c.kind, c.sibling, c.qhash, c.front, c.back, c.line,"
    " c.end_line, c.due, c.interval, c.ease,"
    " CASE WHEN c.due IS NULL THEN 'new' ELSE 'review' END, c.note_sched, c.raw_group"
    " FROM import_w.c AS c"
)
#: ... the cards of the chunk's notes listed (JSON), or of all its notes.
_COPY_NEW = (
    _COPY_FROM_CHUNK  # noqa: S608 - constant SQL
    + " WHERE c.task IN (SELECT value FROM json_each(?)) ORDER BY c.rowid"
)
_COPY_ALL = _COPY_FROM_CHUNK + " ORDER BY c.rowid"
#: How many of the copied cards got a schedule from their note's comment.
_SCHEDULED_ALL = "SELECT count(*) FROM import_w.c WHERE due IS NOT NULL"
_SCHEDULED_NEW = _SCHEDULED_ALL + " AND task IN (SELECT value FROM json_each(?))"  # noqa: S608
#: A chunk's cards as FoundCard fields (after the task id), in file order.
_SELECT_CHUNK = (
    "SELECT c.task, c.deck, c.kind, c.sibling, c.qhash, c.front, c.back, c.line, c.end_line,"
    " c.due, c.interval, c.ease, CASE WHEN c.due IS NULL THEN 'new' ELSE 'review' END,"
    " c.note_sched, c.raw_group, c.unreadable"
    " FROM import_w.c AS c WHERE c.task IN (SELECT value FROM json_each(?))"
    " ORDER BY c.rowid"
)
#: Card indexes a bulk load keeps up to date instead of building at the end: cards
#: arrive in note order, so their entries only ever append (10,000 notes: 0.03 s
#: less after the workers finish, for 0.03 s more spread over their run).
KEPT_INDEXES = frozenset({"cards_note"})
#: Page cache during a bulk load, in KiB (negative: SQLite's unit for a size).
BULK_CACHE_KIB = -65536


def serialize_chunk(new: Sequence[tuple[Any, ...]], scheduled: Sequence[tuple[Any, ...]]) -> bytes:
    """A worker's card rows (see importing.worker.ChunkRows) as a database image."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute(CARDS_TABLE)
        db.executemany(_INSERT_NEW, new)
        db.executemany(_INSERT_SCHEDULED, scheduled)
        db.commit()
        return db.serialize()
    finally:
        db.close()


@contextmanager
def chunk_schema(conn: sqlite3.Connection) -> Iterator[None]:
    """The schema workers' chunks are deserialized into (ATTACH needs no transaction open)."""
    names = {row[1] for row in conn.execute("PRAGMA database_list")}
    attach = CHUNK_DB not in names
    if attach:
        conn.execute(f"ATTACH ':memory:' AS {CHUNK_DB}")
    try:
        yield
    finally:
        if attach and not conn.in_transaction:
            conn.execute(f"DETACH {CHUNK_DB}")


@contextmanager
def rolled_back(conn: sqlite3.Connection) -> Iterator[None]:
    """A dry run: the write lock taken, everything done, nothing kept."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def load_chunk(conn: sqlite3.Connection, blob: bytes) -> None:
    conn.deserialize(blob, name=CHUNK_DB)


def chunk_cards(conn: sqlite3.Connection, tasks: Iterable[int]) -> Iterator[tuple[Any, ...]]:
    """(task id, *FoundCard fields) of the chunk's cards of these notes, in file order."""
    yield from conn.execute(_SELECT_CHUNK, (json.dumps(list(tasks)),))


def copy_new_cards(conn: sqlite3.Connection, offset: int, tasks: Sequence[int] | None) -> int:
    """Copy the chunk's cards of new notes (task id + offset is the note id); None: all.
    Returns how many of them got a schedule from their note's comment."""
    if tasks is None:
        conn.execute(_COPY_ALL, (offset,))
        return int(conn.execute(_SCHEDULED_ALL).fetchone()[0])
    listed = json.dumps(list(tasks))
    conn.execute(_COPY_NEW, (offset, listed))
    return int(conn.execute(_SCHEDULED_NEW, (listed,)).fetchone()[0])


def has_cards(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM cards LIMIT 1").fetchone() is not None


def has_note_cards(conn: sqlite3.Connection) -> bool:
    """Some card came from a note (the deck holds more than drill cards)."""
    return (
        conn.execute("SELECT 1 FROM cards WHERE note_id IS NOT NULL LIMIT 1").fetchone() is not None
    )


def has_deleted_cards(conn: sqlite3.Connection) -> bool:
    return (
        conn.execute("SELECT 1 FROM cards WHERE state = 'deleted' LIMIT 1").fetchone() is not None
    )


def set_imported_at(conn: sqlite3.Connection, at: str, folder_ids: Iterable[int]) -> None:
    conn.executemany(
        "UPDATE folders SET imported_at = ? WHERE id = ?", [(at, fid) for fid in sorted(folder_ids)]
    )


class BulkLoad:
    """A first import into an empty deck in one transaction, the card table's indexes
    dropped first and built again at the end: several times faster than updating them
    row by row; a failure or a cancel rolls it all back (the indexes come back too)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.indexes: list[str] = []
        self.cache_size = 0
        self.rollback_journal = False

    def start(self) -> bool:
        """Begin; False (and nothing held) when another process imported meanwhile."""
        conn = self.conn
        # The whole deck is written in one transaction: a page cache that holds it
        # (26 MB for 120,000 cards) spares spilling pages to the WAL and rewriting them.
        self.cache_size = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        # Written once instead of twice: see leave_wal (10,000 notes: commit 0.16 -> 0.07 s).
        self.rollback_journal = leave_wal(conn)
        conn.execute("BEGIN IMMEDIATE")
        if has_cards(conn):
            conn.execute("COMMIT")
            self.restore()
            return False
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = 'cards' AND sql IS NOT NULL"
        ).fetchall()
        for name, sql in rows:
            if " WHERE " in sql.upper():
                continue  # a partial index (deleted, dirty cards): new cards are not in it
            if name in KEPT_INDEXES:
                continue
            conn.execute(f'DROP INDEX "{name}"')
            self.indexes.append(sql)
        return True

    def build_indexes(self) -> None:
        for sql in self.indexes:
            self.conn.execute(sql)

    def commit(self) -> None:
        self.conn.execute("COMMIT")
        self.restore()

    def rollback(self) -> None:
        self.conn.execute("ROLLBACK")
        self.restore()

    def restore(self) -> None:
        self.conn.execute(f"PRAGMA cache_size = {self.cache_size}")
        if self.rollback_journal:
            self.rollback_journal = False
            journal_wal(self.conn)
