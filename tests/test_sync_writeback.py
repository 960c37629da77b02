"""Write-back (issue 5 section 4, issue 10 "edits from outside"): immediate and on sync,
never over a note changed on disk, crash recovery through pending_hash."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from review_support import config

from srs_dl.services import review as rv
from srs_dl.services.importing.importer import import_paths, rescan
from srs_dl.services.review.undo import undo_last
from srs_dl.services.writeback.sync import sync, write_note_now
from srs_dl.store.db import connect
from srs_dl.vault.read import sha1_hex
from srs_dl.vault.write import NoteChangedError, atomic_write

TODAY = dt.date(2025, 6, 1)
NOTE = "#flashcards\n\nFirst::one\nSecond::two\n<!--SR:!2025-05-20,10,250-->\n"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    v = tmp_path / "vault"
    v.mkdir()
    (v / "note.md").write_text(NOTE, encoding="utf-8", newline="")
    return v


def _setup(tmp_path: Path, vault: Path, mode: str = "sync", **kw: object):
    cfg = config(writeback=mode)
    conn = connect(tmp_path / "deck.db")
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY, **kw)  # type: ignore[arg-type]
    ids = [
        r[0] for r in conn.execute("SELECT id FROM cards WHERE note_id IS NOT NULL ORDER BY line")
    ]
    return conn, cfg, ids


def test_immediate_writeback_writes_the_note_at_once(tmp_path, vault):
    conn, cfg, (first, second) = _setup(tmp_path, vault, "immediate")
    result = rv.grade(conn, cfg, TODAY, second, "good")
    assert result.written == str(vault / "note.md") and result.writeback_problem is None
    text = (vault / "note.md").read_text(encoding="utf-8")
    assert f"Second::two\n<!--SR:!{result.after.due.isoformat()},25,250-->\n" in text
    assert "First::one\nSecond" in text  # the new card's note is untouched
    row = conn.execute("SELECT dirty, note_sched FROM cards WHERE id = ?", (second,)).fetchone()
    assert row == (0, f"{result.after.due.isoformat()},25,250")
    stored = conn.execute("SELECT hash, pending_hash FROM notes").fetchone()
    assert stored == (sha1_hex((vault / "note.md").read_bytes()), None)


def test_sync_mode_waits_for_sync_and_dry_run_writes_nothing(tmp_path, vault):
    conn, cfg, (first, _) = _setup(tmp_path, vault, "sync")
    assert rv.grade(conn, cfg, TODAY, first, "easy").written is None
    assert (vault / "note.md").read_text(encoding="utf-8") == NOTE
    dry = sync(conn, cfg, TODAY, dry_run=True)
    assert dry.would_write == [str(vault / "note.md")] and dry.written == []
    assert (vault / "note.md").read_text(encoding="utf-8") == NOTE
    report = sync(conn, cfg, TODAY)
    assert report.written == [str(vault / "note.md")] and report.cards_written == 1
    assert "First::one\n<!--SR:!" in (vault / "note.md").read_text(encoding="utf-8")


def test_a_note_changed_on_disk_is_never_overwritten_then_written_after_a_rescan(tmp_path, vault):
    conn, cfg, (first, second) = _setup(tmp_path, vault, "immediate")
    edited = NOTE.replace("First::one", "First::one, edited in Obsidian") + "New::card\n"
    (vault / "note.md").write_text(edited, encoding="utf-8")
    result = rv.grade(conn, cfg, TODAY, first, "good")
    assert result.written is None and "changed on disk" in (result.writeback_problem or "")
    assert (vault / "note.md").read_text(encoding="utf-8") == edited
    assert conn.execute("SELECT dirty FROM cards WHERE id = ?", (first,)).fetchone()[0] == 1
    # Without a rescan, sync too leaves it alone and says why.
    report = sync(conn, cfg, TODAY, rescan=False)
    assert report.changed_on_disk == [str(vault / "note.md")] and report.written == []
    assert (vault / "note.md").read_text(encoding="utf-8") == edited
    # A sync rescans first: the edit is read (the answer changed, the card is the same),
    # then the review is written into the edited text.
    report = sync(conn, cfg, TODAY)
    assert report.written == [str(vault / "note.md")] and report.changed_on_disk == []
    text = (vault / "note.md").read_text(encoding="utf-8")
    due = conn.execute("SELECT due FROM cards WHERE id = ?", (first,)).fetchone()[0]
    assert f"First::one, edited in Obsidian\n<!--SR:!{due},3,250-->\n" in text
    assert text.endswith("New::card\n")


def test_obsidian_review_wins_for_cards_not_reviewed_here(tmp_path, vault):
    conn, cfg, (first, second) = _setup(tmp_path, vault, "sync")
    rv.grade(conn, cfg, TODAY, first, "good")
    # Meanwhile the user reviews the second card in Obsidian.
    (vault / "note.md").write_text(
        NOTE.replace("2025-05-20,10,250", "2025-07-01,30,270"), encoding="utf-8"
    )
    sync(conn, cfg, TODAY)
    text = (vault / "note.md").read_text(encoding="utf-8")
    assert "Second::two\n<!--SR:!2025-07-01,30,270-->" in text
    assert conn.execute("SELECT due, ease FROM cards WHERE id = ?", (second,)).fetchone() == (
        "2025-07-01",
        270,
    )
    assert "First::one\n<!--SR:!" in text


def test_a_deleted_note_is_reported_and_the_review_kept(tmp_path, vault):
    conn, cfg, (first, _) = _setup(tmp_path, vault, "sync")
    rv.grade(conn, cfg, TODAY, first, "good")
    os.unlink(vault / "note.md")
    report = sync(conn, cfg, TODAY, rescan=False)
    assert report.changed_on_disk == [str(vault / "note.md")]
    assert conn.execute("SELECT reps FROM cards WHERE id = ?", (first,)).fetchone()[0] == 1


def test_crash_between_rename_and_commit_is_recognised_as_our_write(tmp_path, vault):
    conn, cfg, (first, _) = _setup(tmp_path, vault, "sync")
    rv.grade(conn, cfg, TODAY, first, "hard")
    path = vault / "note.md"
    old = path.read_bytes()
    # Do what sync does up to the rename, then "crash" before the last commit.
    due = conn.execute("SELECT due FROM cards WHERE id = ?", (first,)).fetchone()[0]
    new = old.replace(b"First::one\n", f"First::one\n<!--SR:!{due},1,230-->\n".encode())
    with conn:
        conn.execute("UPDATE notes SET pending_hash = ?", (sha1_hex(new),))
    atomic_write(path, new, sha1_hex(old))
    report = sync(conn, cfg, TODAY, rescan=False)
    assert report.changed_on_disk == [] and report.errors == []
    assert path.read_bytes() == new
    assert conn.execute("SELECT hash, pending_hash FROM notes").fetchone() == (sha1_hex(new), None)
    assert conn.execute("SELECT dirty FROM cards WHERE id = ?", (first,)).fetchone()[0] == 0


def test_the_bundled_deck_and_drill_cards_are_never_written(tmp_path, vault):
    conn, cfg, (first, second) = _setup(tmp_path, vault, "immediate", writeback=False)
    result = rv.grade(conn, cfg, TODAY, first, "good")
    assert result.written is None and result.writeback_problem is None
    assert conn.execute("SELECT dirty FROM cards WHERE id = ?", (first,)).fetchone()[0] == 0
    drill = conn.execute("SELECT id FROM cards WHERE kind = 'drill' LIMIT 1").fetchone()
    if drill:
        assert rv.grade(conn, cfg, TODAY, drill[0], "good").written is None
    assert sync(conn, cfg, TODAY).written == []
    assert (vault / "note.md").read_text(encoding="utf-8") == NOTE


def test_atomic_write_refuses_a_stale_base_and_keeps_the_mode(tmp_path):
    path = tmp_path / "n.md"
    path.write_bytes(b"one")
    os.chmod(path, 0o640)
    with pytest.raises(NoteChangedError):
        atomic_write(path, b"two", sha1_hex(b"something else"))
    assert path.read_bytes() == b"one"
    atomic_write(path, b"two", sha1_hex(b"one"))
    assert path.read_bytes() == b"two" and path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["n.md"]  # no temporary file left


def test_write_note_now_reports_and_does_not_raise(tmp_path, vault):
    conn, cfg, (first, _) = _setup(tmp_path, vault, "sync")
    rv.grade(conn, cfg, TODAY, first, "good")
    note_id = conn.execute("SELECT id FROM notes").fetchone()[0]
    (vault / "note.md").write_text("changed", encoding="utf-8")
    outcome = write_note_now(conn, cfg, note_id)
    assert outcome.changed_on_disk and outcome.written is None
    rescan(conn, cfg, TODAY)  # the card is gone from the note: deleted, its review kept in the log
    assert conn.execute("SELECT state FROM cards WHERE id = ?", (first,)).fetchone()[0] == "deleted"
    assert sync(conn, cfg, TODAY).written == []


def test_an_fsrs_group_stays_fsrs_when_reviewed_here_and_comes_back_after_an_undo(
    tmp_path, monkeypatch
):
    """Issue 15: the card reviewed here keeps its FSRS state (every field, the plugin's
    formatting); its SM-2 sibling stays SM-2; an undo restores the group verbatim."""
    vault = tmp_path / "vault"
    vault.mkdir()
    fsrs = "fsrs,2025-05-20T10:00:00.000Z,10,12.5,5.2,2,3,0,0,2025-05-10T10:00:00.000Z"
    note = vault / "n.md"
    note.write_text(f"#flashcards\nA::a\n<!--SR:!{fsrs}-->\nB::b\n", encoding="utf-8")
    conn, cfg, (a, b) = _setup(tmp_path, vault, "immediate")
    monkeypatch.setenv("SRS_DL_NOW", "2025-06-01T09:30:00+02:00")
    rv.grade(conn, cfg, TODAY, b, "good")
    assert f"A::a\n<!--SR:!{fsrs}-->\n" in note.read_text(encoding="utf-8")
    rv.grade(conn, cfg, TODAY, a, "good")
    text = note.read_text(encoding="utf-8")
    # The plugin's numbers for this review, from its code path under node (ts-fsrs
    # 5.4.1, as tests/data/README.md): Good 22 days after the last review.
    after = (
        "fsrs,2025-07-21T07:30:00.000Z,50,49.8824677,5.19002837,2,4,0,0,2025-06-01T07:30:00.000Z"
    )
    assert f"A::a\n<!--SR:!{after}-->\nB::b\n<!--SR:!2025-06-04,3,250-->\n" in text
    undo_last(conn, cfg, TODAY)
    assert f"A::a\n<!--SR:!{fsrs}-->\n" in note.read_text(encoding="utf-8")
    assert conn.execute("SELECT raw_group, dirty FROM cards WHERE id = ?", (a,)).fetchone() == (
        fsrs,
        0,
    )


def test_cards_moved_down_by_new_comment_lines_get_their_new_lines(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text("#flashcards\nA::a\nB::b\nC::c\n", encoding="utf-8")
    conn, cfg, ids = _setup(tmp_path, vault, "sync")
    for cid in ids:
        rv.grade(conn, cfg, TODAY, cid, "good")
    sync(conn, cfg, TODAY)
    rows = conn.execute(
        "SELECT front, line, end_line FROM cards WHERE note_id IS NOT NULL ORDER BY id"
    ).fetchall()
    assert rows == [("A", 2, 2), ("B", 4, 4), ("C", 6, 6)]


def test_a_killed_writers_temporary_copy_is_cleaned_up(tmp_path, vault):
    conn, cfg, (first, _) = _setup(tmp_path, vault, "sync")
    leftover = vault / ".note.md.abc123.srs-dl.tmp"
    leftover.write_text("half a note", encoding="utf-8")
    rv.grade(conn, cfg, TODAY, first, "good")
    assert sync(conn, cfg, TODAY).written == [str(vault / "note.md")]
    assert not leftover.exists()
