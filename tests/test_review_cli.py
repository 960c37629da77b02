"""`srs-dl due | grade | undo | bury | suspend | unsuspend | reset | history | sync` and
`notes | grade-note`, through srs_dl.cli.main on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_support import TODAY, add_card, config, day

from srs_dl.cli import main
from srs_dl.services.importing.importer import import_paths
from srs_dl.store.db import connect


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "deck.db"
    monkeypatch.setenv("SRS_DL_DB", str(path))
    monkeypatch.setenv("SRS_DL_TODAY", TODAY.isoformat())
    monkeypatch.setenv("SRS_DL_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text('[review]\nwriteback = "sync"\n', encoding="utf-8")
    return path


def _cards(db: Path, *specs: dict) -> list[int]:
    conn = connect(db)
    ids = [add_card(conn, **spec) for spec in specs]
    conn.close()
    return ids


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_due_json_lists_the_queue_in_review_order(db, capsys):
    late, old, new = _cards(
        db, {"due": day(0), "front": "late"}, {"due": day(-5), "front": "old"}, {"front": "new"}
    )
    _cards(db, {"due": day(3), "front": "later"})
    assert main(["due", "--json"]) == 0
    rows = _json_lines(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [old, new, late]
    assert set(rows[0]) == {
        "id",
        "deck",
        "kind",
        "front",
        "back",
        "file",
        "line",
        "due",
        "interval",
        "ease",
        "state",
    }
    assert rows[1]["due"] is None and rows[1]["interval"] is None and rows[1]["state"] == "new"


def test_grade_prints_one_json_line_per_card(db, capsys):
    a, b = _cards(db, {"due": day(0), "interval": 10, "ease": 250, "front": "a"}, {"front": "b"})
    assert main(["grade", "good", str(a), str(b), "--json"]) == 0
    rows = _json_lines(capsys.readouterr().out)
    assert [set(r) for r in rows] == [{"id", "due", "interval", "ease"}] * 2
    assert rows[0]["id"] == a and rows[0]["ease"] == 250 and rows[0]["interval"] >= 24
    assert rows[1] == {"id": b, "due": day(3).isoformat(), "interval": 3, "ease": 250}


def test_grade_with_an_unknown_id_grades_nothing(db, capsys):
    (a,) = _cards(db, {"due": day(0)})
    assert main(["grade", "good", str(a), "4242"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "4242" in captured.err and captured.err.count("\n") == 1
    assert main(["history", str(a), "--json"]) == 0
    assert capsys.readouterr().out == "[]\n"  # no review stored


def test_grade_usage_errors_exit_2(db, capsys):
    with pytest.raises(SystemExit) as info:
        main(["grade", "great", "1"])
    assert info.value.code == 2


def test_undo_bury_suspend_unsuspend_reset_history(db, capsys):
    a, b = _cards(db, {"due": day(-1), "front": "a"}, {"due": day(0), "front": "b"})
    assert main(["grade", "easy", str(a)]) == 0
    assert main(["undo"]) == 0
    assert "undid review (easy)" in capsys.readouterr().out
    assert main(["bury", str(a)]) == 0
    assert f"{a}: buried until {day(1).isoformat()}" in capsys.readouterr().out
    assert main(["suspend", str(b)]) == 0
    assert main(["due", "--json"]) == 0
    capsys.readouterr()
    assert main(["unsuspend", str(b)]) == 0
    assert main(["reset", str(b)]) == 0
    assert f"{b}: reset: due {TODAY.isoformat()}, interval 1, ease 250" in capsys.readouterr().out
    assert main(["history", str(b), "--json"]) == 0
    actions = [r["action"] for r in _json_lines(capsys.readouterr().out)]
    assert actions == ["suspend", "unsuspend", "reset"]
    assert main(["undo"]) == 0 and main(["undo"]) == 0 and main(["undo"]) == 0
    assert main(["undo"]) == 0  # the burial of a
    capsys.readouterr()
    assert main(["undo"]) == 1
    assert "nothing to undo" in capsys.readouterr().err


def test_sync_and_notes_commands_on_a_vault(db, tmp_path, capsys):
    vault = tmp_path / "vault"
    vault.mkdir()
    note = vault / "n.md"
    note.write_text(
        "---\nsr-due: 2025-03-01\nsr-interval: 4\nsr-ease: 250\n---\n#flashcards #review\nQ::A\n",
        encoding="utf-8",
    )
    conn = connect(db)
    import_paths(conn, [vault], flags={}, config=config(), today=TODAY)
    card = conn.execute("SELECT id FROM cards WHERE note_id IS NOT NULL").fetchone()[0]
    conn.close()
    assert main(["grade", "good", str(card)]) == 0
    assert main(["notes", "--due", "--json"]) == 0
    out = capsys.readouterr().out
    [row] = _json_lines(out.splitlines()[-1])
    assert row["path"] == str(note) and row["due"] == "2025-03-01"
    assert main(["grade-note", "again", str(note)]) == 2
    assert "hard, good or easy" in capsys.readouterr().err
    assert main(["grade-note", "good", str(note)]) == 0
    assert main(["sync", "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["would_write"] == [str(note)] and report["written"] == []
    assert main(["sync"]) == 0
    assert f"wrote {note}" in capsys.readouterr().out
    text = note.read_text(encoding="utf-8")
    assert "Q::A\n<!--SR:!" in text and "sr-due: 2025-03-01" not in text


def test_history_json_of_a_card_without_history_is_an_empty_list(db, capsys):
    (card,) = _cards(db, {"front": "never"})
    assert main(["history", str(card), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_sync_dry_run_shows_each_notes_diff(db, tmp_path, capsys):
    vault = tmp_path / "vault"
    vault.mkdir()
    note = vault / "n.md"
    note.write_text("#flashcards\nQ::A\n\nother text\n", encoding="utf-8")
    conn = connect(db)
    import_paths(conn, [vault], flags={}, config=config(), today=TODAY)
    card = conn.execute("SELECT id FROM cards WHERE note_id IS NOT NULL").fetchone()[0]
    conn.close()
    assert main(["grade", "good", str(card)]) == 0
    capsys.readouterr()
    before = note.read_bytes()
    assert main(["sync", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would write {note}" in out
    assert f"--- {note}\n+++ {note} (after sync)\n" in out
    assert " Q::A\n+<!--SR:!" in out
    assert note.read_bytes() == before  # a dry run writes nothing
