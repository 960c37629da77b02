"""Opening the deck: one SQLite file, WAL, foreign keys, owner-only, migrated.

Every thread opens its own connection (sqlite3 connections must not cross
threads). Errors are raised as StoreError with a one-line message naming the
file, for the CLI and the TUI to show as they are.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from srs_dl.store.schema import MIGRATIONS, SCHEMA_VERSION

#: How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 30_000


class StoreError(Exception):
    """A database problem, with a message fit for the user."""


#: `PRAGMA application_id` of an srs-dl deck ("SRSD"), so "not an srs-dl database"
#: is SQLite's answer (it reads the header), not a byte compare of our own.
APPLICATION_ID = 0x53525344

#: Held while this process creates a deck file by hand. Closing any descriptor of a
#: file drops every POSIX lock the process holds on it, those of its other SQLite
#: connections included (SQLite's "How To Corrupt", 2.2): the next process then
#: believes it is alone and checkpoints and deletes the WAL under them. So the one
#: descriptor srs-dl opens itself is on a file that did not exist (O_EXCL), and
#: no connect() of this process reaches SQLite before it is closed.
_CREATE_LOCK = threading.Lock()


def _create_file(path: Path) -> None:
    """Create the deck file owner-only before SQLite writes anything into it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # another process made it meanwhile: never open an existing deck by hand
    os.close(fd)


def _check_identity(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not an srs-dl deck before anything is written into it.

    SQLite reads the header here; a file that is not SQLite fails with "file is not
    a database". A deck made before the application id was set (id 0, a schema
    version, our tables) is ours and gets the id when it is migrated."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id == APPLICATION_ID:
        return
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id == 0 and version == 0:
        return  # a new, empty file (or one with no schema of ours yet): migrated next
    if app_id == 0:
        ours = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cards'"
        ).fetchone()
        if ours:
            return
    raise StoreError(f"{path}: not an srs-dl database (another program's SQLite file)")


def connect(
    path: str | os.PathLike[str],
    *,
    create: bool = True,
    factory: type[sqlite3.Connection] = sqlite3.Connection,
) -> sqlite3.Connection:
    """Open (and create or migrate) the database at `path`.

    The file is only ever opened by SQLite (apart from its creation, above), and
    SQLite shares one set of locks among this process's connections, so opening
    another connection never unlocks the ones already open."""
    path = Path(path).expanduser()
    with _CREATE_LOCK:
        exists = path.exists()
        if not exists:
            if not create:
                raise StoreError(f"{path}: no database here")
            _create_file(path)
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(
            path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            # A pooled connection moves between worker threads, one at a time (pool.py).
            check_same_thread=factory is sqlite3.Connection,
            factory=factory,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _check_identity(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        if not exists:
            # 16 KiB pages, not SQLite's 4 KiB: a quarter of the pages to write and to
            # index (a first import of 10,000 notes: commit and index builds 0.27 ->
            # 0.23 s); a review still writes only a few pages. Only a new file takes
            # it (a no-op if another process made the deck first).
            conn.execute("PRAGMA page_size = 16384")
        mode = journal_wal(conn)
        conn.execute(
            "PRAGMA synchronous = NORMAL" if mode == "wal" else "PRAGMA synchronous = FULL"
        )
        _migrate(conn, path)
    except (sqlite3.DatabaseError, StoreError) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, StoreError):
            raise
        raise StoreError(f"{path}: {_describe(exc)}") from exc
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
    return conn


def journal_wal(conn: sqlite3.Connection) -> str:
    """Switch to WAL; the journal mode SQLite ends up in.

    Two processes opening a new database at once (the app's start-up rescan and a
    CLI import) both switch it: SQLite answers one of them "locked" at once, without
    waiting on the busy timeout, so that one tries again (the other's WAL is then
    in place and the switch is a no-op). The same wait covers a first import that
    runs with a rollback journal (leave_wal)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return str(conn.execute("PRAGMA main.journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def leave_wal(conn: sqlite3.Connection) -> bool:
    """Switch to a rollback journal for one big transaction into an empty deck, when
    no other connection has the database open (SQLite refuses otherwise); True if
    switched. Switch back with journal_wal as soon as the transaction ends.

    Pages a transaction adds past the end of the file are not journaled, so a first
    import writes its pages once, into the file; in WAL it writes them to the WAL and
    again into the file at the checkpoint. A crash leaves a journal that the next
    connection rolls back, as in WAL. Meanwhile other processes wait in connect()
    (journal_wal), and readers wait while the commit writes."""
    try:
        mode = conn.execute("PRAGMA main.journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        return False  # open elsewhere: stay in WAL
    return str(mode) == "delete"


def _describe(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "file is not a database" in text:
        return "not an srs-dl database (not an SQLite file, or corrupt)"
    if "readonly" in text or "read-only" in text:
        return "the database is read-only (check the file's permissions)"
    if "not a database" in text or "malformed" in text:
        return "the database file is corrupt (restore a backup, or move it away to start afresh)"
    if "locked" in text or "busy" in text:
        return "the database is busy in another srs-dl process; try again"
    return text


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: made by a newer srs-dl (schema {version}, this one knows {SCHEMA_VERSION});"
            " upgrade srs-dl"
        )
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the lock.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for index in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[index], conn):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {index + 1}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(migration: object, conn: sqlite3.Connection) -> list[str]:
    """Split a migration's script so it runs inside our transaction.

    executescript() would commit first, so the script is recorded through a
    capturing proxy and run statement by statement instead.
    """
    captured: list[str] = []

    class _Recorder:
        def executescript(self, script: str) -> None:
            buf = ""
            for line in script.splitlines(keepends=True):
                stripped = line.split("--", 1)[0] if "--" in line else line
                buf += stripped
                if sqlite3.complete_statement(buf):
                    if buf.strip():
                        captured.append(buf.strip())
                    buf = ""
            if buf.strip():
                captured.append(buf.strip())

        def execute(self, sql: str, *args: object) -> None:
            captured.append(sql)

    migration(_Recorder())  # type: ignore[operator]
    return captured


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE .. COMMIT: take the write lock up front, so two writers
    wait on the busy timeout instead of failing half-way."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
