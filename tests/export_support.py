"""A deck with a history for the export tests: the bundled deck (never written back),
reviews of every answer, an undo, a reset, a suspended and a buried card, a drill
review with its detail, and a card scheduled by something other than SM-2 (no ease,
a verbatim FSRS group), all through the services on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from review_support import TODAY, config, day

from srs_dl.services.importing.importer import ensure_bundled
from srs_dl.services.review import grading as rv
from srs_dl.services.review.drill_cards import answer, grade_right
from srs_dl.services.review.note_review import grade_note
from srs_dl.services.review.undo import undo_last
from srs_dl.store.cards import get_card
from srs_dl.store.db import connect, transaction

#: The --today the exports are made as of (a few days after the reviews).
EXPORT_DAY = day(3)


def _card_ids(conn: sqlite3.Connection, where: str) -> list[int]:
    return [int(r[0]) for r in conn.execute(f"SELECT id FROM cards WHERE {where} ORDER BY id")]  # noqa: S608


def build_deck(path: Path) -> sqlite3.Connection:
    conn = connect(path)
    cfg = config()
    ensure_bundled(conn, cfg, TODAY)
    notes = _card_ids(conn, "note_id IS NOT NULL AND state != 'deleted'")
    a, b, c, d, e, f, g = notes[:7]
    rv.grade(conn, cfg, TODAY, a, "good")
    rv.grade(conn, cfg, TODAY, b, "again")
    rv.grade(conn, cfg, day(1), b, "hard")
    rv.grade(conn, cfg, day(1), c, "easy")
    rv.grade(conn, cfg, day(2), d, "good")
    undo_last(conn, cfg, day(2))  # d's review is undone: no revlog row for it
    rv.reset(conn, cfg, day(2), e)
    rv.suspend(conn, cfg, day(2), f)
    rv.bury(conn, cfg, EXPORT_DAY, g)
    drill_id = _card_ids(conn, "kind = 'drill' AND drill_kind = 'minibatch'")[0]
    drill = get_card(conn, drill_id)
    assert drill is not None
    from srs_dl.services.review.drill_cards import drill_for

    checked = answer(conn, cfg, day(1), drill, str(drill_for(drill).answer))
    grade_right(conn, cfg, day(1), drill, checked, "good")
    # A whole-note review (the note as if tagged #review): a log row with no card.
    with transaction(conn):
        conn.execute(
            "UPDATE notes SET is_review = 1 WHERE id = (SELECT note_id FROM cards WHERE id = ?)",
            (c,),
        )
    path = conn.execute(
        "SELECT n.path FROM notes AS n JOIN cards AS c ON c.note_id = n.id WHERE c.id = ?", (c,)
    ).fetchone()[0]
    grade_note(conn, cfg, path, "good", day(2))
    # A card another scheduler (FSRS) keeps: due and interval, no ease, its group verbatim.
    fsrs = notes[7]
    with transaction(conn):
        conn.execute(
            "UPDATE cards SET due = ?, interval = 4, ease = NULL, state = 'review',"
            " raw_group = '2025-03-14,4,fsrs:s=3.2;d=5.1' WHERE id = ?",
            (day(4).isoformat(), fsrs),
        )
    return conn


def export_deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """That deck at tmp_path/deck.db, the environment set to export it as of EXPORT_DAY."""
    path = tmp_path / "deck.db"
    monkeypatch.setenv("SRS_DL_TODAY", EXPORT_DAY.isoformat())
    monkeypatch.setenv("SRS_DL_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text('[review]\nwriteback = "sync"\n', encoding="utf-8")
    build_deck(path).close()
    return path


def review_counts(conn: sqlite3.Connection) -> dict[int, int]:
    """card id -> reviews an Anki revlog should hold (undone ones and undo rows left out)."""
    rows = conn.execute(
        "SELECT card_id, count(*) FROM log AS l WHERE action IN ('review', 'reset', 'schedule')"
        " AND card_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM log AS u WHERE u.undoes = l.id)"
        " GROUP BY card_id"
    )
    return {int(cid): int(n) for cid, n in rows}


def today() -> dt.date:
    return EXPORT_DAY
