"""Import on a real SQLite file: idempotence, card identity, deletion, whose schedule wins."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from srs_dl.config import Config
from srs_dl.services.importing.importer import ImportSummary, import_paths, rescan
from srs_dl.store.db import connect

TODAY = dt.date(2025, 3, 1)

NOTE_A = """\
#flashcards/dl

What is momentum::a moving average of gradients
<!--SR:!2025-02-20,4,250-->

What does Adam combine::momentum and RMSprop
<!--SR:!2025-02-25,6,270-->

Batch norm normalises
?
each unit over the mini-batch
"""

NOTE_B = """\
#flashcards/math

The ==chain rule== multiplies ==derivatives==
"""


def _vault(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    (vault / "dl").mkdir(parents=True)
    (vault / "dl" / "optim.md").write_text(NOTE_A, encoding="utf-8")
    (vault / "math.md").write_text(NOTE_B, encoding="utf-8")
    return vault


def _import(conn: sqlite3.Connection, *paths: Path, **kw: object) -> ImportSummary:
    flags = kw.pop("flags", {})
    return import_paths(
        conn,
        [str(p) for p in paths],
        flags=flags,  # type: ignore[arg-type]
        config=Config(),
        today=TODAY,
        **kw,
    )  # type: ignore[arg-type]


def _cards(conn: sqlite3.Connection) -> dict[str, tuple]:
    rows = conn.execute(
        "SELECT front, id, state, due, interval, ease, note_sched, dirty, note_id FROM cards"
        " WHERE kind != 'drill'"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def _dump(conn: sqlite3.Connection) -> list[str]:
    return list(conn.iterdump())


def _bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "deck.db")


def test_first_import_and_idempotent_reimport(tmp_path: Path, conn: sqlite3.Connection) -> None:
    vault = _vault(tmp_path)
    first = _import(conn, vault)
    assert (first.files_scanned, first.files_failed, first.warnings) == (2, 0, [])
    cards = _cards(conn)
    assert cards["What is momentum"][1:5] == ("review", "2025-02-20", 4.0, 250)
    assert cards["What is momentum"][5] == "2025-02-20,4,250"
    assert cards["Batch norm normalises"][1:3] == ("new", None)
    assert (
        "The [...] multiplies derivatives" in cards and "The chain rule multiplies [...]" in cards
    )
    assert (
        first.cards_new
        == 5 + conn.execute("SELECT count(*) FROM cards WHERE kind = 'drill'").fetchone()[0]
    )
    before = _dump(conn)

    again = _import(conn, vault)
    assert (again.files_skipped, again.cards_new, again.cards_changed, again.cards_deleted) == (
        2,
        0,
        0,
        0,
    )
    assert again.cards_unchanged == 5
    assert _dump(conn) == before

    # Touched (new mtime, same bytes): read and hashed, not parsed; only the stat is stored.
    _bump_mtime(vault / "math.md")
    third = _import(conn, vault)
    assert third.files_skipped == 2 and third.notes_changed == 0
    assert conn.execute("SELECT count(*) FROM log").fetchone()[0] == 0
    after = _dump(conn)
    assert [x for x in after if 'INSERT INTO "notes"' not in x] == [
        x for x in before if 'INSERT INTO "notes"' not in x
    ]
    assert _dump(conn) == after == _dump(conn)
    assert rescan(conn, Config(), TODAY).changed is False
    assert _dump(conn) == after


def test_edited_answer_and_question_keep_the_card(tmp_path: Path, conn: sqlite3.Connection) -> None:
    vault = _vault(tmp_path)
    _import(conn, vault)
    ids = {k: v[0] for k, v in _cards(conn).items()}
    note = vault / "dl" / "optim.md"
    text = note.read_text().replace("a moving average of gradients", "an EWA of the gradients")
    text = text.replace("What does Adam combine", "What does Adam put together")
    note.write_text(text)
    summary = _import(conn, vault)
    assert summary.cards_new == 0 and summary.cards_deleted == 0
    assert summary.cards_changed == 2
    cards = _cards(conn)
    assert cards["What is momentum"][0] == ids["What is momentum"]
    assert cards["What does Adam put together"][0] == ids["What does Adam combine"]
    back = conn.execute("SELECT back FROM cards WHERE id = ?", (ids["What is momentum"],))
    assert back.fetchone()[0] == "an EWA of the gradients"
    # The schedule came along with the card.
    assert cards["What does Adam put together"][1:5] == ("review", "2025-02-25", 6.0, 270)


def test_moved_and_renamed_notes_keep_their_cards(tmp_path: Path, conn: sqlite3.Connection) -> None:
    vault = _vault(tmp_path)
    _import(conn, vault)
    ids = {k: v[0] for k, v in _cards(conn).items()}
    conn.execute(
        "INSERT INTO log (card_id, at, day, action, source) VALUES (?, 'x', '2025-02-01',"
        " 'review', 'srs-dl')",
        (ids["What is momentum"],),
    )
    (vault / "archive").mkdir()
    shutil.move(vault / "dl" / "optim.md", vault / "archive" / "optimisers.md")
    # Moved and edited in one go: matched by the question's hash.
    moved = vault / "math.md"
    moved.rename(vault / "archive" / "calculus.md")
    (vault / "archive" / "calculus.md").write_text(NOTE_B + "\nExtra::card\n")
    summary = _import(conn, vault)
    # The renamed note keeps its row (same bytes); the edited one gets a new row.
    assert (summary.cards_deleted, summary.notes_deleted, summary.cards_new) == (0, 1, 1)
    cards = _cards(conn)
    for front, cid in ids.items():
        assert cards[front][0] == cid and cards[front][1] != "deleted"
    assert cards["Extra"][1] == "new"
    paths = dict(conn.execute("SELECT id, path FROM notes WHERE deleted = 0").fetchall())
    assert paths[cards["What is momentum"][7]].endswith("archive/optimisers.md")
    assert paths[cards["The [...] multiplies derivatives"][7]].endswith("archive/calculus.md")
    log = conn.execute("SELECT card_id, action FROM log").fetchall()
    assert log == [(ids["What is momentum"], "review")]


def test_deleted_cards_keep_their_log_and_come_back(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    vault = _vault(tmp_path)
    _import(conn, vault)
    cid = _cards(conn)["What does Adam combine"][0]
    conn.execute(
        "INSERT INTO log (card_id, at, day, action, source) VALUES (?, 'x', '2025-02-01',"
        " 'review', 'srs-dl')",
        (cid,),
    )
    note = vault / "dl" / "optim.md"
    original = note.read_text()
    note.write_text(
        original.replace(
            "What does Adam combine::momentum and RMSprop\n<!--SR:!2025-02-25,6,270-->\n", ""
        )
    )
    summary = _import(conn, vault)
    assert summary.cards_deleted == 1
    row = conn.execute("SELECT state, due, interval FROM cards WHERE id = ?", (cid,)).fetchone()
    assert row == ("deleted", "2025-02-25", 6.0)
    actions = [
        r[0] for r in conn.execute("SELECT action FROM log WHERE card_id = ? ORDER BY id", (cid,))
    ]
    assert actions == ["review", "delete"]
    # `cards --all` still lists it; putting it back restores it with its history.
    note.write_text(original)
    back = _import(conn, vault)
    assert back.cards_new == 0 and back.cards_changed == 1
    assert conn.execute("SELECT state FROM cards WHERE id = ?", (cid,)).fetchone()[0] == "review"
    actions = [
        r[0] for r in conn.execute("SELECT action FROM log WHERE card_id = ? ORDER BY id", (cid,))
    ]
    assert actions == ["review", "delete", "restore"]


def test_deleted_note_file_deletes_its_cards_keeping_rows(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    vault = _vault(tmp_path)
    _import(conn, vault)
    (vault / "math.md").unlink()
    summary = _import(conn, vault)
    assert summary.notes_deleted == 1 and summary.cards_deleted == 2
    states = conn.execute("SELECT state FROM cards WHERE front LIKE 'The %'").fetchall()
    assert states == [("deleted",), ("deleted",)]


def test_a_changed_comment_wins_only_for_its_card(tmp_path: Path, conn: sqlite3.Connection) -> None:
    vault = _vault(tmp_path)
    _import(conn, vault)
    note = vault / "dl" / "optim.md"
    note.write_text(note.read_text().replace("!2025-02-20,4,250", "!2025-03-10,12,270"))
    summary = _import(conn, vault)
    assert summary.schedules_from_notes == 1 and summary.cards_changed == 1
    cards = _cards(conn)
    assert cards["What is momentum"][1:6] == (
        "review",
        "2025-03-10",
        12.0,
        270,
        "2025-03-10,12,270",
    )
    assert cards["What does Adam combine"][1:6] == (
        "review",
        "2025-02-25",
        6.0,
        270,
        "2025-02-25,6,270",
    )
    log = conn.execute("SELECT card_id, action, source, before, after FROM log").fetchall()
    assert len(log) == 1
    card_id, action, source, before, after = log[0]
    assert (card_id, action, source) == (cards["What is momentum"][0], "schedule", "note")
    assert '"due": "2025-02-20"' in before and '"due": "2025-03-10"' in after


def test_a_card_reviewed_here_keeps_its_schedule(tmp_path: Path, conn: sqlite3.Connection) -> None:
    vault = _vault(tmp_path)
    _import(conn, vault)
    cards = _cards(conn)
    mid, aid = cards["What is momentum"][0], cards["What does Adam combine"][0]
    # Reviewed in srs-dl, comment not written yet (dirty) ...
    conn.execute(
        "UPDATE cards SET due = '2025-03-09', interval = 9, ease = 250, dirty = 1 WHERE id = ?",
        (mid,),
    )
    # ... and written into the note, then the process died before its commit (dirty still 1).
    conn.execute(
        "UPDATE cards SET due = '2025-03-12', interval = 15, ease = 270, dirty = 1 WHERE id = ?",
        (aid,),
    )
    note = vault / "dl" / "optim.md"
    note.write_text(
        note.read_text()
        .replace("!2025-02-20,4,250", "!2025-03-02,5,250")  # reviewed in Obsidian too
        .replace("!2025-02-25,6,270", "!2025-03-12,15,270")
    )  # srs-dl's own write
    summary = _import(conn, vault)
    assert summary.schedules_from_notes == 0
    cards = _cards(conn)
    assert cards["What is momentum"][2:7] == ("2025-03-09", 9.0, 250, "2025-02-20,4,250", 1)
    assert cards["What does Adam combine"][2:7] == ("2025-03-12", 15.0, 270, "2025-03-12,15,270", 0)
    assert conn.execute("SELECT count(*) FROM log").fetchone()[0] == 0


def test_dry_run_stores_nothing(tmp_path: Path, conn: sqlite3.Connection) -> None:
    vault = _vault(tmp_path)
    before = _dump(conn)
    summary = _import(conn, vault, dry_run=True)
    assert summary.cards_new >= 5 and summary.dry_run
    assert summary.line().startswith("dry run, nothing stored: 2 files scanned")
    assert _dump(conn) == before
    assert not conn.in_transaction


def test_concurrent_reader_sees_the_old_deck_until_commit(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    vault = _vault(tmp_path)
    _import(conn, vault)
    other = connect(tmp_path / "deck.db")
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(other.execute("SELECT count(*) FROM cards").fetchone()[0])

    (vault / "more.md").write_text("#flashcards\n\nNew::card\n")
    _import(conn, vault, progress=progress)
    assert seen and other.execute("SELECT count(*) FROM cards WHERE front = 'New'").fetchone()[0]


def test_a_folder_and_a_subfolder_in_one_import(tmp_path: Path, conn: sqlite3.Connection) -> None:
    vault = _vault(tmp_path)
    _import(conn, vault)
    before = _dump(conn)
    both = _import(conn, vault / "dl", vault)
    assert (both.files_scanned, both.cards_deleted, both.notes_deleted) == (2, 0, 0)
    assert _dump(conn) == before
    (vault / "dl" / "optim.md").unlink()
    gone = _import(conn, vault, vault / "dl")
    assert (gone.notes_deleted, gone.cards_deleted) == (1, 3)
