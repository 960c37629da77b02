"""One undo stack for cards and whole notes, in time order (issue 21, item 6):
`srs-dl undo` takes back the newest action whichever it is, a note's rating after a
card's review first; never an action dated after --today; its output says the state
once. Real SQLite files, real notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from review_support import TODAY, add_card, cli_env, config, day

from srs_dl.cli import main
from srs_dl.services import review as rv
from srs_dl.services.importing.importer import import_paths
from srs_dl.services.review.note_review import grade_note, list_notes
from srs_dl.services.review.undo import undo_last
from srs_dl.store import log as logstore
from srs_dl.store.db import connect

NOTE = "---\nsr-due: {due}\nsr-interval: 4\nsr-ease: 250\n---\n#flashcards #review\nQ::A\n"


def _vault(tmp_path: Path, *, scheduled: bool = True) -> Path:
    vault = tmp_path / "vault"
    vault.mkdir()
    text = NOTE.format(due=TODAY.isoformat()) if scheduled else "#flashcards #review\nQ::A\n"
    (vault / "n.md").write_text(text, encoding="utf-8")
    return vault


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return cli_env(tmp_path, monkeypatch)


def _note(conn):  # noqa: ANN001, ANN202
    [row] = list_notes(conn, TODAY)
    return row


def test_a_note_rating_after_a_card_review_is_undone_first(db, tmp_path):
    vault = _vault(tmp_path)
    cfg = config(writeback="immediate")
    conn = connect(db)
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY)
    card = add_card(conn, due=day(0), front="c")
    rv.grade(conn, cfg, TODAY, card, "good")
    before_note = _note(conn).schedule
    grade_note(conn, cfg, vault / "n.md", "easy", TODAY)
    assert _note(conn).schedule != before_note
    assert f"sr-due: {TODAY.isoformat()}\n" not in (vault / "n.md").read_text(encoding="utf-8")

    first = undo_last(conn, cfg, TODAY)
    assert first.card is None and first.entry.action == "note_review"
    assert _note(conn).schedule == before_note
    # The frontmatter says the restored schedule again (write-back "immediate").
    text = (vault / "n.md").read_text(encoding="utf-8")
    assert f"sr-due: {TODAY.isoformat()}\nsr-interval: 4\nsr-ease: 250\n" in text

    second = undo_last(conn, cfg, TODAY)
    assert second.card is not None and second.card.id == card
    assert second.card.state == "review" and second.card.due == day(0)
    with pytest.raises(rv.ReviewError, match="nothing to undo"):
        undo_last(conn, cfg, TODAY)
    actions = [
        r[0] for r in conn.execute("SELECT action FROM log WHERE source = 'srs-dl' ORDER BY id")
    ]
    assert actions[-4:] == ["review", "note_review", "undo", "undo"]
    conn.close()


def test_undo_never_takes_back_an_action_dated_after_today(db):
    conn = connect(db)
    card = add_card(conn, due=day(0))
    rv.grade(conn, config(), TODAY, card, "good")
    with pytest.raises(rv.ReviewError, match=r"after 2020-01-01; not undone"):
        undo_last(conn, config(), dt.date(2020, 1, 1))
    assert logstore.last_undoable(conn) is not None  # still there, still undoable
    conn.close()
    assert main(["undo", "--today", "2020-01-01"]) == 1


def test_undoing_a_first_note_rating_already_written_is_refused(db, tmp_path):
    vault = _vault(tmp_path, scheduled=False)
    cfg = config(writeback="immediate")
    conn = connect(db)
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY)
    grade_note(conn, cfg, vault / "n.md", "good", TODAY)
    written = (vault / "n.md").read_bytes()
    assert b"sr-due" in written
    with pytest.raises(rv.ReviewError, match="does not remove those keys"):
        undo_last(conn, cfg, TODAY)
    assert (vault / "n.md").read_bytes() == written
    conn.close()


def test_undoing_a_first_note_rating_not_yet_written(db, tmp_path):
    vault = _vault(tmp_path, scheduled=False)
    conn = connect(db)
    cfg = config(writeback="sync")
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY)
    original = (vault / "n.md").read_bytes()
    grade_note(conn, cfg, vault / "n.md", "good", TODAY)
    undone = undo_last(conn, cfg, TODAY)
    assert undone.note_schedule is None and _note(conn).schedule is None
    assert not _note(conn).dirty  # nothing left for sync to write
    assert (vault / "n.md").read_bytes() == original
    conn.close()


def test_cli_undo_says_the_state_once(db, capsys):
    conn = connect(db)
    new = add_card(conn, front="n")
    conn.close()
    assert main(["grade", "good", str(new)]) == 0
    capsys.readouterr()
    assert main(["undo"]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("-> new"), out
    assert "new, new" not in out
