"""Imports big enough for worker processes (fork, and a clean start from a thread),
progress and cancel, the bundled deck, FSRS groups kept verbatim."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from srs_dl.config import Config
from srs_dl.services.importing import importer
from srs_dl.services.importing import worker as import_worker
from srs_dl.services.importing.importer import ImportSummary, ensure_bundled, import_paths
from srs_dl.store.db import connect
from srs_dl.store.folders import list_folders

TODAY = dt.date(2025, 3, 1)
FILLER = "Some prose about gradients and learning rates, to make the note long. " * 40


def _big_vault(root: Path, notes: int = 240) -> int:
    """A vault over POOL_MIN_BYTES; returns the number of cards in it."""
    for i in range(notes):
        folder = root / f"f{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        body = [f"#flashcards/d{i % 5}", ""]
        for j in range(6):
            body += [
                FILLER,
                "",
                f"Question {i}-{j}::answer {j}",
                f"<!--SR:!2025-02-{1 + j:02d},{j + 1},250-->" if j % 2 else "",
                "",
            ]
        (folder / f"note {i:04d}.md").write_text("\n".join(body), encoding="utf-8")
    assert sum(p.stat().st_size for p in root.rglob("*.md")) > import_worker.POOL_MIN_BYTES
    return notes * 6


def _import(conn: sqlite3.Connection, path: Path, **kw: object) -> ImportSummary:
    return import_paths(conn, [str(path)], flags={}, config=Config(), today=TODAY, **kw)  # type: ignore[arg-type]


def _rows(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT c.id, n.path, c.deck, c.kind, c.front, c.back, c.line, c.due,"
        " c.interval, c.ease, c.state FROM cards AS c LEFT JOIN notes AS n"
        " ON n.id = c.note_id ORDER BY c.id"
    ).fetchall()


def test_pool_import_equals_in_process_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = tmp_path / "vault"
    cards = _big_vault(vault)
    seen: list[tuple[int, int]] = []
    pooled = connect(tmp_path / "pool.db")
    summary = _import(pooled, vault, progress=lambda d, t: seen.append((d, t)))
    assert (
        summary.cards_new
        - pooled.execute("SELECT count(*) FROM cards WHERE kind = 'drill'").fetchone()[0]
        == cards
    )
    assert seen[-1] == (240, 240) and all(t == 240 for _, t in seen) and len(seen) > 2
    monkeypatch.setattr(import_worker, "POOL_MIN_BYTES", 10**12)
    inline = connect(tmp_path / "inline.db")
    _import(inline, vault)
    assert _rows(pooled) == _rows(inline)
    # Indexes dropped for the bulk load are all back.
    names = {r[0] for r in pooled.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert names == {
        r[0] for r in inline.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    assert pooled.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_pool_import_from_a_thread(tmp_path: Path) -> None:
    """The TUI imports in a thread worker: the workers then start clean (no fork)."""
    vault = tmp_path / "vault"
    cards = _big_vault(vault, notes=200)
    out: dict[str, object] = {}

    def work() -> None:
        conn = connect(tmp_path / "deck.db")
        try:
            out["summary"] = _import(conn, vault)
        except BaseException as exc:  # reported below
            out["error"] = exc
        finally:
            conn.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(120)
    assert "error" not in out, out.get("error")
    summary = out["summary"]
    assert isinstance(summary, ImportSummary) and summary.files_failed == 0
    conn = connect(tmp_path / "deck.db")
    assert conn.execute("SELECT count(*) FROM cards WHERE kind != 'drill'").fetchone()[0] == cards


def test_cancel_keeps_the_deck_consistent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = tmp_path / "vault"
    _big_vault(vault)
    conn = connect(tmp_path / "deck.db")
    monkeypatch.setattr(import_worker, "POOL_MIN_BYTES", 10**12)
    monkeypatch.setattr(import_worker, "CHUNK_BYTES", 20_000)
    monkeypatch.setattr(importer, "BULK_MIN_FILES", 100)
    # A first import is one bulk transaction: a cancel leaves the deck as it was.
    cancel = threading.Event()
    summary = _import(conn, vault, cancel=cancel, progress=lambda d, t: cancel.set())
    assert summary.cancelled
    assert conn.execute("SELECT count(*) FROM cards").fetchone() == (0,)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # Later imports commit as they go: a cancel keeps the finished chunks, deletes nothing.
    _import(conn, vault)
    before = conn.execute("SELECT count(*) FROM cards WHERE state != 'deleted'").fetchone()[0]
    for note in sorted(vault.rglob("*.md"))[:120]:
        note.write_text(note.read_text() + "\nExtra card::added\n")
    cancel = threading.Event()
    calls: list[int] = []

    def third_chunk(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:  # two chunks stored, the third read but not stored
            cancel.set()

    summary = _import(conn, vault, cancel=cancel, progress=third_chunk)
    assert summary.cancelled and 0 < summary.cards_new < 120
    after = conn.execute("SELECT count(*) FROM cards WHERE state != 'deleted'").fetchone()[0]
    assert after == before + summary.cards_new
    finished = _import(conn, vault)
    assert finished.cards_new == 120 - summary.cards_new and finished.cards_deleted == 0


def test_ensure_bundled_imports_the_deck_once(tmp_path: Path) -> None:
    conn = connect(tmp_path / "deck.db")
    summary = ensure_bundled(conn, Config(), TODAY)
    assert summary is not None and summary.files_failed == 0
    assert summary.cards_new > 20
    [folder] = list_folders(conn)
    assert folder.writeback is False
    assert ensure_bundled(conn, Config(), TODAY) is None
    # A plain re-import of the folder keeps it never-written-back.
    import_paths(conn, [folder.path], flags={}, config=Config(), today=TODAY)
    assert list_folders(conn)[0].writeback is False


def test_fsrs_groups_are_kept_verbatim(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    group = "fsrs,2025-03-04T10:00:00.000Z,5,4.2,5.1,2,3,0,0,2025-02-27T10:00:00.000Z"
    (vault / "n.md").write_text(f"#flashcards\n\nFSRS card::answer\n<!--SR:!{group}-->\n")
    conn = connect(tmp_path / "deck.db")
    _import(conn, vault)
    row = conn.execute(
        "SELECT raw_group, note_sched, due, state FROM cards WHERE front = 'FSRS card'"
    ).fetchone()
    assert row[0] == group and row[1] == group and row[2] == "2025-03-04"
    assert row[3] == "review"
    dump = list(conn.iterdump())
    again = _import(conn, vault)
    assert again.files_skipped == 1 and list(conn.iterdump()) == dump


def _journal_during_import(conn: sqlite3.Connection, vault: Path) -> list[str]:
    modes: list[str] = []
    _import(
        conn,
        vault,
        progress=lambda d, t: modes.append(conn.execute("PRAGMA main.journal_mode").fetchone()[0]),
    )
    return modes


def test_bulk_import_writes_with_a_rollback_journal_then_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first import into an empty deck writes each page once (rollback journal), and
    leaves the deck in WAL; with another connection open it stays in WAL throughout."""
    vault = tmp_path / "vault"
    cards = _big_vault(vault, notes=150)
    monkeypatch.setattr(import_worker, "POOL_MIN_BYTES", 10**12)
    monkeypatch.setattr(import_worker, "CHUNK_BYTES", 20_000)
    monkeypatch.setattr(importer, "BULK_MIN_FILES", 100)
    alone = connect(tmp_path / "alone.db")
    modes = _journal_during_import(alone, vault)
    assert modes[1:] and set(modes[1:]) == {"delete"}  # the first chunk is read before
    assert alone.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    shared = connect(tmp_path / "shared.db")
    other = connect(tmp_path / "shared.db")
    assert set(_journal_during_import(shared, vault)) == {"wal"}
    for conn in (alone, shared, other):
        assert conn.execute("SELECT count(*) FROM cards WHERE kind != 'drill'").fetchone() == (
            cards,
        )
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert _rows(alone) == _rows(shared)
    assert not (tmp_path / "alone.db-journal").exists()


_KILLED_BULK = """
import datetime as dt, os, sys
from srs_dl.config import Config
from srs_dl.store import import_chunks as import_apply
from srs_dl.services.importing import worker as import_worker
from srs_dl.services.importing import importer
from srs_dl.store.db import connect
import_worker.POOL_MIN_BYTES = 10**12
import_worker.CHUNK_BYTES = 20_000
importer.BULK_MIN_FILES = 100
import_apply.BULK_CACHE_KIB = -16  # pages spill into the file before the commit
conn = connect(sys.argv[1])
def progress(done, total):
    if done > total // 2:
        os._exit(9)  # as a kill: no rollback, no cleanup
importer.import_paths(conn, [sys.argv[2]], flags={}, config=Config(),
                      today=dt.date(2025, 3, 1), progress=progress)
"""


def test_bulk_import_killed_halfway_leaves_an_empty_sound_deck(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    for i in range(150):  # long answers: the deck outgrows the page cache halfway
        body = ["#flashcards", ""] + [f"Question {i}-{j}::{FILLER}\n" for j in range(6)]
        (vault / f"note {i:04d}.md").write_text("\n".join(body), encoding="utf-8")
    cards = 150 * 6
    db = tmp_path / "deck.db"
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_BULK, str(db), str(vault)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 9, done.stderr
    assert (tmp_path / "deck.db-journal").exists()  # a hot journal: killed mid-transaction
    connect(tmp_path / "empty.db").close()
    # and pages were written into the file
    assert db.stat().st_size > (tmp_path / "empty.db").stat().st_size
    conn = connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM cards").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM notes").fetchone() == (0,)
    summary = _import(conn, vault)
    assert summary.files_failed == 0
    assert conn.execute("SELECT count(*) FROM cards WHERE kind != 'drill'").fetchone() == (cards,)


def _edit_during_import(conn: sqlite3.Connection, vault: Path) -> ImportSummary:
    """Import, with the first note edited after its chunk was read, before it is stored."""
    first = sorted(vault.rglob("*.md"))[0]
    calls: list[int] = []

    def edit(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 1:  # the first chunk is read, not yet stored
            first.write_text(first.read_text() + "\nEdited meanwhile::yes\n")
            os.utime(first, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns + 10**9))

    return _import(conn, vault, progress=edit)


@pytest.mark.parametrize("bulk", [False, True])
def test_a_note_edited_while_its_chunk_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    """A note edited between its read and its store: an import into a deck with cards
    leaves it for the next import (srs-dl's own write-back may be what changed it); a
    first (bulk) import, which no srs-dl write can overlap, stores it as it was read.
    Either way the next import reads the edit."""
    vault = tmp_path / "vault"
    _big_vault(vault, notes=120)
    monkeypatch.setattr(import_worker, "POOL_MIN_BYTES", 10**12)
    monkeypatch.setattr(import_worker, "CHUNK_BYTES", 100_000)
    monkeypatch.setattr(importer, "BULK_MIN_FILES", 100 if bulk else 10**9)
    conn = connect(tmp_path / "deck.db")
    summary = _edit_during_import(conn, vault)
    edited = [w for w in summary.warnings if "changed while it was being imported" in w]
    assert len(edited) == (0 if bulk else 1)
    stored = conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    assert stored == (120 if bulk else 119)
    assert conn.execute(
        "SELECT count(*) FROM cards WHERE front = 'Edited meanwhile'"
    ).fetchone() == (0,)
    again = _import(conn, vault)
    assert again.files_scanned - again.files_skipped == 1 and again.cards_new == 1 + (
        0 if bulk else 6
    )
    assert conn.execute(
        "SELECT count(*) FROM cards WHERE front = 'Edited meanwhile'"
    ).fetchone() == (1,)
