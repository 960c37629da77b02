"""`srs-dl export csv|log` and `srs-dl import-log` through srs_dl.cli.main on real
SQLite files: the round trip, the columns, and every bad input's one-line error."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from pathlib import Path

import pytest
from export_support import build_deck, export_deck

from srs_dl.cli import main
from srs_dl.core.interchange.rows import CARD_FIELDS, LOG_FIELDS


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return export_deck(tmp_path, monkeypatch)


def _run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_cards_csv_has_the_documented_columns_and_every_live_card(deck, tmp_path):
    out = tmp_path / "cards.csv"
    assert _run(deck, "export", "csv", str(out)) == 0
    rows = _rows(out)
    assert tuple(rows[0]) == CARD_FIELDS
    conn = sqlite3.connect(deck)
    live = conn.execute("SELECT count(*) FROM cards WHERE state != 'deleted'").fetchone()[0]
    assert len(rows) == live
    by_id = {int(r["id"]): r for r in rows}
    reviewed = by_id[1]
    due, interval, ease = conn.execute(
        "SELECT due, interval, ease FROM cards WHERE id = 1"
    ).fetchone()
    assert (reviewed["due"], float(reviewed["interval"]), int(reviewed["ease"])) == (
        due,
        interval,
        ease,
    )
    assert reviewed["file"].endswith(".md") and int(reviewed["line"]) > 0
    assert reviewed["tags"].startswith("#")
    assert by_id[6]["state"] == "suspended" and by_id[7]["state"] == "buried"
    # The FSRS card: due and interval exported, ease left empty.
    fsrs = next(r for r in rows if r["ease"] == "" and r["due"])
    assert fsrs["interval"] == "4" and fsrs["state"] == "review"


def test_log_csv_and_jsonl_hold_every_entry_with_its_card(deck, tmp_path):
    assert _run(deck, "export", "log", str(tmp_path / "log.csv")) == 0
    assert _run(deck, "export", "log", str(tmp_path / "log.jsonl")) == 0
    rows = _rows(tmp_path / "log.csv")
    lines = [json.loads(x) for x in (tmp_path / "log.jsonl").read_text("utf-8").splitlines()]
    assert tuple(rows[0]) == LOG_FIELDS and tuple(lines[0]) == LOG_FIELDS
    count = sqlite3.connect(deck).execute("SELECT count(*) FROM log").fetchone()[0]
    assert len(rows) == len(lines) == count
    first = lines[0]
    assert first["action"] == "review" and first["response"] == "good"
    assert first["state_before"] == first["before"]["state"] and first["state_after"] == "review"
    assert (
        first["due_after"] == first["after"]["due"]
        and first["ease_after"] == first["after"]["ease"]
    )
    assert first["interval_after"] == first["after"]["interval"] and first["front"]
    undo = next(x for x in lines if x["action"] == "undo")
    assert undo["undoes"] == 5 and undo["after"] == lines[3]["before"]
    drill = next(x for x in lines if x["kind"] == "drill")
    assert drill["detail"]["correct"] is True and drill["file"] is None
    assert rows[0]["before"] and json.loads(rows[0]["after"]) == first["after"]


def test_csv_and_log_round_trip_through_import_log(deck, tmp_path):
    first = {n: tmp_path / n for n in ("cards.csv", "log.csv", "log.jsonl")}
    for name, path in first.items():
        assert _run(deck, "export", "csv" if name == "cards.csv" else "log", str(path)) == 0
    moved = tmp_path / "moved.db"
    assert _run(moved, "import-log", str(first["log.csv"]), "--cards", str(first["cards.csv"])) == 0
    from_jsonl = tmp_path / "from-jsonl.db"
    assert (
        _run(from_jsonl, "import-log", str(first["log.jsonl"]), "--cards", str(first["cards.csv"]))
        == 0
    )
    for db in (moved, from_jsonl):
        for name, path in first.items():
            again = tmp_path / f"again-{db.stem}-{name}"
            assert _run(db, "export", "csv" if name == "cards.csv" else "log", str(again)) == 0
            assert again.read_bytes() == path.read_bytes(), (db, name)


def test_import_log_is_idempotent(deck, tmp_path, capsys):
    log = tmp_path / "log.csv"
    assert _run(deck, "export", "log", str(log)) == 0
    moved = tmp_path / "moved.db"
    assert _run(moved, "import-log", str(log)) == 0
    dump = list(sqlite3.connect(moved).iterdump())
    capsys.readouterr()
    assert _run(moved, "import-log", str(log)) == 0
    assert "imported 0 log entries (11 already there), 0 new cards" in capsys.readouterr().out
    assert list(sqlite3.connect(moved).iterdump()) == dump


def test_import_log_alone_rebuilds_the_reviewed_cards_schedule(deck, tmp_path):
    log = tmp_path / "log.jsonl"
    assert _run(deck, "export", "log", str(log)) == 0
    moved = tmp_path / "moved.db"
    assert _run(moved, "import-log", str(log)) == 0
    cols = "id, deck, kind, sibling, qhash, front, due, interval, ease, state, reps, lapses"
    old = sqlite3.connect(deck).execute(
        f"SELECT {cols} FROM cards WHERE id IN (SELECT card_id FROM log) ORDER BY id"  # noqa: S608
    )
    new = sqlite3.connect(moved).execute(f"SELECT {cols} FROM cards ORDER BY id")  # noqa: S608
    assert new.fetchall() == old.fetchall()
    # The whole note reviewed keeps its schedule too.
    sql = "SELECT path, review_due, review_interval, review_ease FROM notes WHERE is_review = 1"
    assert (
        sqlite3.connect(moved).execute(sql).fetchall()
        == sqlite3.connect(deck).execute(sql).fetchall()
    )


def test_import_log_into_a_deck_holding_other_cards_stores_nothing(deck, tmp_path, capsys):
    log = tmp_path / "log.csv"
    assert _run(deck, "export", "log", str(log)) == 0
    other = tmp_path / "other.db"
    build_deck(other).close()
    with sqlite3.connect(other) as conn:
        conn.execute("UPDATE cards SET front = 'changed' WHERE id = 3")
    before = list(sqlite3.connect(other).iterdump())
    capsys.readouterr()
    assert _run(other, "import-log", str(log)) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"srs-dl: {log}:") and "another card 3" in err and "\n" not in err
    assert list(sqlite3.connect(other).iterdump()) == before


@pytest.mark.parametrize(
    ("mangle", "line", "message"),
    [
        (lambda rows: rows[2].__setitem__("interval_after", "x") or rows, None, None),
        (lambda rows: rows[2].__setitem__("after", "{not json") or rows, 4, "after: not JSON"),
        (lambda rows: rows[3].__setitem__("id", "four") or rows, 5, "id: 'four' is not a whole"),
        (
            lambda rows: rows[2].__setitem__("after", '{"state": "lost"}') or rows,
            4,
            "after: state 'lost' is not one of",
        ),
        (
            lambda rows: rows[2].__setitem__("before", '{"due": "soon"}') or rows,
            4,
            "due: 'soon' is not a YYYY-MM-DD date",
        ),
        (lambda rows: rows[1].__setitem__("day", "2025-13-01") or rows, 3, "day: '2025-13-01'"),
        # Card 2's rows are lines 3 and 4: the second one disagrees with the first.
        (lambda rows: rows[1].__setitem__("front", "other") or rows, 4, "card 2 differs"),
    ],
)
def test_a_bad_log_row_is_named_by_file_and_line(deck, tmp_path, capsys, mangle, line, message):
    log = tmp_path / "log.csv"
    assert _run(deck, "export", "log", str(log)) == 0
    rows = _rows(log)
    rows = mangle(rows)  # rows[k] is on line k + 2 (a header, no multi-line fields)
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=LOG_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    target = tmp_path / "new.db"
    code = _run(target, "import-log", str(bad))
    if message is None:  # the flattened columns are for spreadsheets; the snapshot is read
        assert code == 0
        return
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"srs-dl: {bad}:{line}: "), err
    assert message in err and "\n" not in err
    assert sqlite3.connect(target).execute("SELECT count(*) FROM log").fetchone()[0] == 0


def test_import_log_refuses_a_file_that_is_not_an_export(deck, tmp_path, capsys):
    cards = tmp_path / "cards.csv"
    assert _run(deck, "export", "csv", str(cards)) == 0
    assert _run(tmp_path / "new.db", "import-log", str(cards)) == 1
    assert "not an srs-dl export (no column at, day, action)" in capsys.readouterr().err
    assert _run(tmp_path / "new.db", "import-log", str(tmp_path / "absent.csv")) == 1
    assert "absent.csv: no such file" in capsys.readouterr().err
    short = tmp_path / "short.csv"
    header = ",".join(LOG_FIELDS)
    short.write_text(header + "\n1,2025-03-10T08:00:00Z\n", encoding="utf-8")
    assert _run(tmp_path / "new.db", "import-log", str(short)) == 1
    assert f"{short}:2: 2 fields, the header has {len(LOG_FIELDS)}" in capsys.readouterr().err
    binary = tmp_path / "binary.csv"
    binary.write_bytes(header.encode() + b"\n\xff\xfe\n")
    assert _run(tmp_path / "new.db", "import-log", str(binary)) == 1
    assert f"{binary}:2: not UTF-8 text (invalid start byte)" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": 1}\n[1]\n', encoding="utf-8")
    assert _run(tmp_path / "new.db", "import-log", str(broken)) == 1
    assert f"{broken}:1: at: missing" in capsys.readouterr().err


def test_export_refuses_an_existing_out_unless_forced(deck, tmp_path, capsys):
    out = tmp_path / "cards.csv"
    out.write_text("precious\n", encoding="utf-8")
    assert _run(deck, "export", "csv", str(out)) == 1
    assert capsys.readouterr().err.strip() == f"srs-dl: {out}: already exists (--force replaces it)"
    assert out.read_text("utf-8") == "precious\n"
    assert _run(deck, "export", "csv", str(out), "--force") == 0
    assert out.read_text("utf-8").startswith("id,deck,kind")


def test_export_errors_for_a_missing_folder_a_folder_and_an_unknown_deck(deck, tmp_path, capsys):
    assert _run(deck, "export", "log", str(tmp_path / "no" / "log.csv")) == 1
    assert "no such folder" in capsys.readouterr().err
    assert _run(deck, "export", "csv", str(tmp_path)) == 1
    assert "is a folder" in capsys.readouterr().err
    assert _run(deck, "export", "csv", str(tmp_path / "c.csv"), "--deck", "nope") == 1
    assert (
        capsys.readouterr().err.strip()
        == "srs-dl: deck 'nope': no such deck (srs-dl cards lists the decks' cards)"
    )
    assert not (tmp_path / "c.csv").exists()
    assert _run(tmp_path / "absent.db", "export", "csv", str(tmp_path / "c.csv")) == 1
    assert "no database yet" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_export_into_an_unwritable_folder_writes_nothing(deck, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert _run(deck, "export", "csv", str(locked / "c.csv")) == 1
        assert "permission denied" in capsys.readouterr().err
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_a_failed_write_leaves_out_as_it_was_and_no_temp_file(deck, tmp_path, monkeypatch, capsys):
    from srs_dl.services.interchange import export as service

    out = tmp_path / "log.csv"
    out.write_text("old\n", encoding="utf-8")

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(service, "write_log", fail)
    assert _run(deck, "export", "log", str(out), "--force") == 1
    assert "not written (No space left on device); nothing changed" in capsys.readouterr().err
    assert out.read_text("utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["config.toml", "deck.db", "log.csv"]
    )


def test_dash_writes_to_stdout_and_the_summary_to_stderr(deck, capsys):
    assert _run(deck, "export", "csv", "-", "--deck", "drills") == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert rows and {r["deck"] for r in rows} == {"drills"}
    assert captured.err.startswith("exported ")
    assert _run(deck, "export", "log", "-", "--format", "jsonl") == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["id"] == 1


def test_moving_machines_keeps_reviews_not_yet_written_into_the_notes(tmp_path, monkeypatch):
    """Reviewed with write-back on sync, moved before syncing: the new deck imports the
    same vault, keeps srs-dl's schedules, adds no card, and sync then writes them."""
    import shutil

    from export_support import TODAY

    vault = tmp_path / "vault"
    shutil.copytree(Path(__file__).resolve().parent.parent / "decks", vault)
    monkeypatch.setenv("SRS_DL_TODAY", TODAY.isoformat())
    monkeypatch.setenv("SRS_DL_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text('[review]\nwriteback = "sync"\n', encoding="utf-8")
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    assert _run(old, "import", str(vault)) == 0
    assert _run(old, "grade", "good", "1", "2", "3") == 0
    files = {n: tmp_path / n for n in ("cards.csv", "log.csv")}
    for name, path in files.items():
        assert _run(old, "export", "csv" if name == "cards.csv" else "log", str(path)) == 0
    assert _run(new, "import-log", str(files["log.csv"]), "--cards", str(files["cards.csv"])) == 0
    assert _run(new, "import", str(vault)) == 0
    for name, path in files.items():
        again = tmp_path / f"again-{name}"
        assert _run(new, "export", "csv" if name == "cards.csv" else "log", str(again)) == 0
        assert again.read_bytes() == path.read_bytes(), name
    groups = {r["id"]: r["group"] for r in _rows(files["cards.csv"]) if r["id"] in ("1", "2", "3")}
    before = (vault / "Adam.md").read_text("utf-8")
    assert not any(g in before for g in groups.values())
    assert _run(new, "sync") == 0
    after = (vault / "Adam.md").read_text("utf-8")
    assert all(g in after for g in groups.values())


def test_an_anki_export_survives_a_side_anki_makes_no_card_of(tmp_path):
    """A reversed card with an empty answer: Anki's note type makes no second card."""
    import zipfile

    from review_support import TODAY, add_card

    from srs_dl.store.db import connect

    db = tmp_path / "deck.db"
    conn = connect(db)
    add_card(conn, kind="inline_reversed", sibling=0, qhash="q", front="Q", due=TODAY)
    add_card(conn, kind="inline_reversed", sibling=1, qhash="q", front="", due=TODAY)
    conn.close()
    out = tmp_path / "deck.apkg"
    assert _run(db, "export", "anki", str(out), "--with-history") == 0
    with zipfile.ZipFile(out) as z:
        z.extract("collection.anki2", tmp_path)
    anki = sqlite3.connect(tmp_path / "collection.anki2")
    assert anki.execute("SELECT count(*), min(type) FROM cards").fetchone() == (1, 2)
