"""The database file itself: creation, permissions, versions, damage."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from srs_dl.store.db import StoreError, connect, transaction
from srs_dl.store.schema import SCHEMA_VERSION


def test_new_database_is_owner_only_wal_and_current(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "deck.db"
    conn = connect(db)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"folders", "notes", "cards", "log"} <= tables


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    db = tmp_path / "deck.db"
    connect(db).execute("INSERT INTO meta VALUES ('k', 'v')")
    conn = connect(db)
    assert conn.execute("SELECT value FROM meta WHERE key='k'").fetchone()[0] == "v"


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "deck.db"
    connect(db).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    before = db.read_bytes()
    with pytest.raises(StoreError, match="newer srs-dl"):
        connect(db)
    assert db.read_bytes() == before


def test_corrupt_file_is_named(tmp_path: Path) -> None:
    db = tmp_path / "deck.db"
    db.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match=str(db)):
        connect(db)


def test_damaged_sqlite_pages_are_reported(tmp_path: Path) -> None:
    db = tmp_path / "deck.db"
    conn = connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # trash the schema page after the header
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="corrupt"):
        connect(db)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_database_is_named(tmp_path: Path) -> None:
    db = tmp_path / "deck.db"
    connect(db).close()
    os.chmod(db, 0o400)
    with pytest.raises(StoreError):
        conn = connect(db)
        with transaction(conn):
            conn.execute("INSERT INTO meta VALUES ('a', 'b')")


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    conn = connect(tmp_path / "deck.db")
    with pytest.raises(sqlite3.IntegrityError), transaction(conn):
        conn.execute("INSERT INTO meta VALUES ('a', 'b')")
        conn.execute("INSERT INTO meta VALUES ('a', 'c')")
    assert conn.execute("SELECT count(*) FROM meta").fetchone()[0] == 0


@pytest.mark.parametrize("content", [b"garbage" * 50, None], ids=["garbage", "newer"])
def test_cli_reports_bad_database_in_one_line(tmp_path: Path, content: bytes | None) -> None:
    db = tmp_path / "deck.db"
    if content is None:
        connect(db).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    else:
        db.write_bytes(content)
    proc = subprocess.run(
        [sys.executable, "-m", "srs_dl", "cards", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and str(db) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_processes_opening_a_new_database_at_once(tmp_path: Path) -> None:
    # SQLite answers one of two processes switching a new file to WAL "locked" at
    # once, without waiting: connect() must try again, never fail the command.
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("#flashcards\n\nQ::A\n", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    env = dict(os.environ, SRS_DL_CONFIG=str(config))
    for i in range(20):
        db = tmp_path / f"deck{i}.db"
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "srs_dl", "import", str(vault), "--db", str(db)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(2)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()


def test_a_new_database_has_16k_pages_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    assert connect(tmp_path / "new.db").execute("PRAGMA page_size").fetchone() == (16384,)
    raw = sqlite3.connect(tmp_path / "old.db")  # as srs-dl made them before: 4 KiB pages
    raw.execute("PRAGMA page_size = 4096")
    raw.execute("PRAGMA user_version = 0")
    raw.execute("CREATE TABLE before (x)")
    raw.commit()
    raw.close()
    conn = connect(tmp_path / "old.db")
    assert conn.execute("PRAGMA page_size").fetchone() == (4096,)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
