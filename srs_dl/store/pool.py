"""The app's connections to its deck: opened once, kept, and lent to one thread at a time.

Textual runs each thread worker in a new thread, so a connection per thread would
mean a new connection (and its migration check) per task. The pool lends an idle
connection to whichever worker asks and takes it back when the worker closes it:
a rescan or a browse query reuses the connections opened before it. A connection is
used by one thread at a time, never two at once.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from srs_dl.store.db import connect


class PooledConnection(sqlite3.Connection):
    """A connection whose close() gives it back to its pool (as DB-API pools do), so
    code written for `connect() ... close()` borrows instead of reconnecting."""

    pool: DeckPool | None = None

    def close(self) -> None:
        pool = self.pool
        if pool is None:
            super().close()
        else:
            pool._give_back(self)

    def dispose(self) -> None:
        self.pool = None
        super().close()


class DeckPool:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._idle: list[PooledConnection] = []
        self._lock = threading.Lock()
        self._closed = False
        self.opened = 0  # how many connections it ever opened (tests, benchmarks)

    def connect(self) -> sqlite3.Connection:
        """An idle connection of the pool, or a new one when every other is lent."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the deck's connections are closed")
            if self._idle:
                return self._idle.pop()
        conn = connect(self.path, factory=PooledConnection)
        assert isinstance(conn, PooledConnection)
        conn.pool = self
        with self._lock:
            self.opened += 1
        return conn

    def _give_back(self, conn: PooledConnection) -> None:
        if conn.in_transaction:  # a task that failed half-way leaves nothing behind
            conn.execute("ROLLBACK")
        with self._lock:
            if not self._closed:
                self._idle.append(conn)
                return
        conn.dispose()

    def close(self) -> None:
        """Close every idle connection; one still lent closes when given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.dispose()
