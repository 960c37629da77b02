"""Issue 20: a second connection, or a second process, never drops the locks of the
connections a process already holds on the deck (closing any descriptor of a file
releases every POSIX lock the process has on it, its SQLite connections' included).

Real SQLite files in tmp_path, real processes: the app itself (tests/app_driver.py,
the real TUI headless) and `python -m srs_dl` commands beside it, then `kill -9`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from app_driver import AppProcess

from srs_dl.store.db import APPLICATION_ID, StoreError, connect

TODAY = "2026-03-01"


def _other_process(db: Path, sql: str) -> list[tuple[object, ...]]:
    """Open the deck in a new process, run `sql`, close (as `srs-dl due` does)."""
    code = (
        "import json, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "rows = c.execute(sys.argv[2]).fetchall()\n"
        "c.close()\n"
        "print(json.dumps(rows))\n"
    )
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code, str(db), sql], capture_output=True, text=True, check=True
    )
    return [tuple(r) for r in json.loads(done.stdout)]


def test_a_second_connect_keeps_the_first_connections_locks(tmp_path: Path) -> None:
    db = tmp_path / "deck.db"
    first = connect(db)
    first.execute("INSERT INTO meta VALUES ('a', '1')")
    wal = db.with_name("deck.db-wal")
    assert wal.exists()
    # What a worker or a rescan does in the app while its session connection is open.
    connect(db).close()
    # Another process opens and closes the deck: if it believed itself alone, it
    # would checkpoint and delete the WAL that `first` still writes into.
    assert _other_process(db, "SELECT count(*) FROM meta") == [(1,)]
    assert wal.exists(), "the WAL was deleted under an open connection: its locks were dropped"
    first.execute("INSERT INTO meta VALUES ('b', '2')")
    assert _other_process(db, "SELECT count(*) FROM meta") == [(2,)]
    # A writer elsewhere still has to wait for this process's write lock.
    first.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(subprocess.CalledProcessError):
            _other_process(db, "PRAGMA busy_timeout = 50; BEGIN IMMEDIATE")
    finally:
        first.execute("ROLLBACK")
    first.close()


def test_the_deck_is_marked_and_other_sqlite_files_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "deck.db"
    connect(db).close()
    assert _other_process(db, "PRAGMA application_id") == [(APPLICATION_ID,)]
    other = tmp_path / "other.db"
    raw = sqlite3.connect(other)
    raw.execute("PRAGMA application_id = 42")
    raw.execute("CREATE TABLE t (x)")
    raw.commit()
    raw.close()
    before = other.read_bytes()
    with pytest.raises(StoreError, match=f"{other}: not an srs-dl database"):
        connect(other)
    versioned = tmp_path / "versioned.db"
    raw = sqlite3.connect(versioned)
    raw.execute("PRAGMA user_version = 7")
    raw.execute("CREATE TABLE t (x)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="not an srs-dl database"):
        connect(versioned)
    assert other.read_bytes() == before


def test_a_deck_from_before_the_application_id_gets_it(tmp_path: Path) -> None:
    db = tmp_path / "deck.db"
    conn = connect(db)
    conn.execute("PRAGMA application_id = 0")
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    conn = connect(db)
    assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    conn.close()


# --- the app beside other processes, then kill -9 ------------------------------------------


def _env(db: Path, config: Path) -> dict[str, str]:
    env = dict(os.environ, SRS_DL_DB=str(db), SRS_DL_TODAY=TODAY, SRS_DL_CONFIG=str(config))
    env.pop("SRS_DL_DEBUG", None)
    return env


def _cli(args: list[str], db: Path, config: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "srs_dl", *args],
        capture_output=True,
        text=True,
        env=_env(db, config),
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, f"srs-dl {' '.join(args)}: {done.stderr}"
    assert "Traceback" not in done.stderr and "locked" not in done.stderr
    return done


def App(db: Path, config: Path, deck: str) -> AppProcess:  # noqa: N802 - reads as the class
    return AppProcess(db, TODAY, deck, _env(db, config))


def _vault(root: Path, notes: dict[str, int]) -> Path:
    vault = root / "vault"
    vault.mkdir()
    for deck, count in notes.items():
        lines = [f"#flashcards/{deck}", ""]
        for i in range(count):
            lines += [f"{deck} question {i}::answer {i}", "<!--SR:!2026-02-20,3,250-->", ""]
        (vault / f"{deck}.md").write_text("\n".join(lines), encoding="utf-8")
    return vault


def _log(db: Path) -> list[tuple[object, ...]]:
    return _other_process(db, "SELECT id, card_id, action, response, at, after FROM log")


def _deck_ids(db: Path, deck: str) -> list[int]:
    rows = _other_process(db, f"SELECT id FROM cards WHERE deck = 'flashcards/{deck}' ORDER BY id")  # noqa: S608
    return [int(r[0]) for r in rows]


def test_the_app_keeps_every_acknowledged_review_through_other_processes_and_kill_9(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[review]\nwriteback = "sync"\n', encoding="utf-8")
    vault = _vault(tmp_path, {"app": 12, "cli": 6})
    db = tmp_path / "deck.db"
    _cli(["import", str(vault)], db, config)
    cli_cards = _deck_ids(db, "cli")
    app = App(db, config, "flashcards/app")
    acked: list[int] = []
    seen: dict[int, tuple[object, ...]] = {}
    try:
        others = [
            ["due"],
            ["cards", "--json"],
            ["grade", "good", str(cli_cards[0])],
            ["sync"],
            ["import"],
        ]
        for round_ in range(10):
            acked.append(app.grade())
            if round_ % 3 == 1:
                app.send("rescan", "RESCANNED")  # another connection inside the app
            _cli(others[round_ % len(others)], db, config)
            for row in _log(db):
                seen.setdefault(int(row[0]), row)  # type: ignore[arg-type]
    finally:
        app.kill()
    log = _log(db)
    by_id = {int(r[0]): r for r in log}  # type: ignore[arg-type]
    reviewed = [int(r[1]) for r in log if r[2] == "review"]  # type: ignore[arg-type]
    for card in acked:
        assert card in reviewed, f"card {card}: the app acknowledged its review, the log lost it"
    assert len([c for c in reviewed if c not in cli_cards]) == len(acked)
    for row_id, row in seen.items():
        assert by_id.get(row_id) == row, f"log row {row_id} changed: {row} -> {by_id.get(row_id)}"
    assert _other_process(db, "PRAGMA integrity_check") == [("ok",)]


def test_two_apps_grading_the_same_card_both_reviews_are_kept_in_order(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[review]\nwriteback = "sync"\n', encoding="utf-8")
    vault = _vault(tmp_path, {"both": 3})
    db = tmp_path / "deck.db"
    _cli(["import", str(vault)], db, config)
    one = App(db, config, "flashcards/both")
    two = App(db, config, "flashcards/both")
    try:
        assert one.first == two.first
        card = one.first
        assert one.grade("4") == card  # Easy in the first app
        two.send("rescan", "RESCANNED")
        assert two.grade("3") == card  # then Good in the second, on the same card
    finally:
        one.kill()
        two.kill()
    rows = _other_process(
        db,
        f"SELECT response FROM log WHERE card_id = {card} AND action = 'review' ORDER BY id",  # noqa: S608
    )
    assert rows == [("easy",), ("good",)]
    assert _other_process(db, "PRAGMA integrity_check") == [("ok",)]


# --- the app's connections: opened once, lent to one worker at a time -----------------------


def test_the_pool_lends_its_connections_again_instead_of_reconnecting(tmp_path: Path) -> None:
    import threading

    from srs_dl.store.pool import DeckPool

    pool = DeckPool(tmp_path / "deck.db")
    for _ in range(5):  # five tasks, one after another, each in a thread of its own
        worker = threading.Thread(target=lambda: pool.connect().close())
        worker.start()
        worker.join()
    assert pool.opened == 1
    a, b = pool.connect(), pool.connect()  # two tasks at once get two connections
    assert a is not b and pool.opened == 2
    a.execute("BEGIN IMMEDIATE")
    a.execute("INSERT INTO meta VALUES ('half', 'done')")
    a.close()  # a task that failed half-way: its transaction does not stay open
    b.close()
    conn = pool.connect()
    assert not conn.in_transaction
    assert conn.execute("SELECT count(*) FROM meta WHERE key = 'half'").fetchone() == (0,)
    conn.close()
    pool.close()
    assert pool.opened == 2
    with pytest.raises(RuntimeError):
        pool.connect()


def test_the_app_reuses_its_connections_across_workers(tmp_path: Path) -> None:
    import asyncio

    from srs_dl.config import Config
    from srs_dl.tui.app import make_app

    db = tmp_path / "deck.db"
    connect(db).close()

    async def run() -> int:
        app = make_app(db, __import__("datetime").date(2026, 3, 1), Config(), mode="decks")
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(4):
                await app.workers.wait_for_complete()
                app.rescan_done.clear()
                assert app.start_rescan()
                while not app.rescan_done.is_set():
                    await pilot.pause(0.02)
            return app.deck.opened

    # The deck list, its prefetch and four rescans: a connection or two, not six.
    assert asyncio.run(run()) <= 2
