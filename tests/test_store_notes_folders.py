"""The store side of imports: note rows by folder, remembered folders, card helpers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from srs_dl.store.cards import cards_of_notes, next_id, orphans_by_qhash, sched_text
from srs_dl.store.db import connect, transaction
from srs_dl.store.folders import covering, get_folder, list_folders, nested, save_folder
from srs_dl.store.notes import known_notes, live_drill_pairs, mark_deleted


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "deck.db")


def _note(conn: sqlite3.Connection, path: str, **cols: object) -> int:
    names = ["path", *cols]
    conn.execute(
        f"INSERT INTO notes ({', '.join(names)}) VALUES"  # noqa: S608 - test columns
        f" ({', '.join('?' for _ in names)})",
        [path, *cols.values()],
    )
    return int(conn.execute("SELECT id FROM notes WHERE path = ?", (path,)).fetchone()[0])


def test_known_notes_takes_exactly_the_folder(conn: sqlite3.Connection) -> None:
    for path in ("/v/a.md", "/v/sub/b.md", "/v2/c.md", "/v-x/d.md", "/v", "/w/e.md"):
        _note(conn, path, size=1, mtime_ns=2, hash="h")
    assert sorted(known_notes(conn, "/v")) == ["/v", "/v/a.md", "/v/sub/b.md"]
    assert sorted(known_notes(conn, "/v/sub/b.md")) == ["/v/sub/b.md"]
    row = known_notes(conn, "/v")["/v/a.md"]
    assert (row.size, row.mtime_ns, row.hash, row.deleted, row.card_count) == (1, 2, "h", 0, 0)


def test_folders_are_saved_with_their_flags(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        fid = save_folder(conn, "/v", {"multiline_sep": "-?-"}, writeback=True, imported_at=None)
        save_folder(conn, "/v/sub", {}, writeback=False, imported_at="t")
        again = save_folder(conn, "/v", {"all_notes": True}, writeback=True, imported_at=None)
    assert fid == again
    row = get_folder(conn, "/v")
    assert row is not None and row.flags == {"all_notes": True} and row.writeback
    rows = list_folders(conn)
    assert [r.path for r in rows] == ["/v", "/v/sub"]
    assert not rows[1].writeback and rows[1].imported_at == "t"
    covering_row = covering(rows, "/v/sub/x.md")
    assert covering_row is not None and covering_row.path == "/v/sub"
    covering_row = covering(rows, "/v/other.md")
    assert covering_row is not None and covering_row.path == "/v"
    assert covering(rows, "/vx/a.md") is None
    assert nested(rows, "/v") == ["/v/sub"] and nested(rows, "/v/sub") == []


def test_sched_text_matches_the_comment_format() -> None:
    import datetime as dt

    from srs_dl.core.notes.model import SRGroup
    from srs_dl.core.notes.sr_comment import format_group

    for due, ivl, ease in (
        ("2025-02-22", 3.0, 250),
        ("2025-01-01", 7.5, 130),
        ("2026-12-31", 36525.0, 310),
    ):
        group = SRGroup(dt.date.fromisoformat(due), ivl, ease)
        assert sched_text(due, ivl, ease) == format_group(group)
    assert sched_text(None, None, None) is None
    assert sched_text("2025-01-01", 3, 250, raw="fsrs,x") == "fsrs,x"


def test_cards_and_orphans_queries(conn: sqlite3.Connection) -> None:
    a = _note(conn, "/v/a.md")
    b = _note(conn, "/v/b.md")
    rows = [
        (1, a, "d", "inline", 0, "q1", "f1", "b1", "review"),
        (2, a, "d", "inline", 0, "q2", "f2", "b2", "deleted"),
        (3, b, "d", "inline", 0, "q1", "f3", "b3", "new"),
        (4, None, "drills", "drill", 0, "drill:adam", "Drill", "", "new"),
    ]
    conn.executemany(
        "INSERT INTO cards (id, note_id, deck, kind, sibling, qhash, front, back,"
        " state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    got = cards_of_notes(conn, [a, b])
    assert [c.id for c in got[a]] == [1, 2] and [c.id for c in got[b]] == [3]
    # Orphans: deleted cards anywhere, and cards of the notes gone in this import.
    assert [c.id for c in orphans_by_qhash(conn, ["q1", "q2"], [])] == [2]
    assert [c.id for c in orphans_by_qhash(conn, ["q1", "q2"], [b])] == [3, 2]
    assert next_id(conn, "cards") == 5
    with pytest.raises(ValueError):
        next_id(conn, "sqlite_master")


def test_live_drill_pairs_skip_deleted_notes(conn: sqlite3.Connection) -> None:
    a = _note(conn, "/v/a.md", drill_kinds='[["dl", "adam"]]')
    _note(conn, "/v/b.md", drill_kinds='[["dl", "ema"], ["x", "adam"]]')
    assert live_drill_pairs(conn) == {("dl", "adam"), ("dl", "ema"), ("x", "adam")}
    mark_deleted(conn, [a])
    assert live_drill_pairs(conn) == {("dl", "ema"), ("x", "adam")}
