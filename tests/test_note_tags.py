"""A note's own tags (schema v2, notes.tags): migrated, stored at import, searched in Browse."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from srs_dl.config import Config
from srs_dl.services.browse import load_index
from srs_dl.services.importing import importer
from srs_dl.services.importing.importer import ImportSummary, import_paths
from srs_dl.store.db import connect
from srs_dl.store.schema import MIGRATIONS, SCHEMA_VERSION

TODAY = dt.date(2025, 3, 1)

FRONTMATTER_LIST = """\
---
tags: [math, flashcards/dl]
---
What is a gradient::the vector of partial derivatives
<!--SR:!2025-02-20,4,250-->
"""

FRONTMATTER_BLOCK = """\
---
tags:
  - Linear-Algebra
  - exam
---
#flashcards/dl

What is a rank::the dimension of the column space
"""

BODY_TAG_LINE = """\
#flashcards/dl #optim/adam

What does Adam combine::momentum and RMSprop
<!--SR:!2025-02-25,6,270-->

Batch norm normalises
?
each unit over the mini-batch
"""

UNTAGGED = """\
#flashcards/dl

What is momentum::a moving average of gradients
"""


def _vault(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    vault.mkdir()
    for name, text in (
        ("grad.md", FRONTMATTER_LIST),
        ("rank.md", FRONTMATTER_BLOCK),
        ("adam.md", BODY_TAG_LINE),
        ("plain.md", UNTAGGED),
    ):
        (vault / name).write_text(text, encoding="utf-8")
    return vault


def _import(conn: sqlite3.Connection, vault: Path) -> ImportSummary:
    return import_paths(conn, [str(vault)], flags={}, config=Config(), today=TODAY)


def _tags(conn: sqlite3.Connection) -> dict[str, list[str] | None]:
    return {
        Path(p).name: (None if t is None else json.loads(t))
        for p, t in conn.execute("SELECT path, tags FROM notes")
    }


def _cards(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT id, note_id, deck, kind, qhash, front, back, state, due, interval, ease,"
        " note_sched, dirty FROM cards ORDER BY id"
    ).fetchall()


def test_v1_database_migrates_to_v2_keeping_its_data(tmp_path: Path) -> None:
    db = tmp_path / "deck.db"
    raw = sqlite3.connect(db, isolation_level=None)
    for migration in MIGRATIONS[:1]:
        migration(raw)
    raw.execute("PRAGMA user_version = 1")
    raw.execute("INSERT INTO folders (id, path, settings) VALUES (1, '/v', '{}')")
    raw.execute(
        "INSERT INTO notes (id, folder_id, path, hash, deck, links)"
        " VALUES (1, 1, '/v/n.md', 'abc', 'flashcards', '[]')"
    )
    raw.execute(
        "INSERT INTO cards (id, note_id, deck, kind, qhash, front, back, due, interval,"
        " ease, state) VALUES (7, 1, 'flashcards', 'inline', 'q', 'f', 'b',"
        " '2025-03-01', 3, 250, 'review')"
    )
    raw.close()

    conn = connect(db)
    assert SCHEMA_VERSION >= 2
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = [r[1] for r in conn.execute("PRAGMA table_info(notes)")]
    assert columns[-1] == "tags"
    assert conn.execute("SELECT id, path, hash, deck, tags FROM notes").fetchall() == [
        (1, "/v/n.md", "abc", "flashcards", None)
    ]
    assert conn.execute("SELECT id, note_id, front, due, interval, ease FROM cards").fetchall() == [
        (7, 1, "f", "2025-03-01", 3.0, 250)
    ]
    # Opening again does not migrate again.
    conn.close()
    assert connect(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_import_stores_frontmatter_block_and_tag_line_tags(tmp_path: Path) -> None:
    conn = connect(tmp_path / "deck.db")
    _import(conn, _vault(tmp_path))
    assert _tags(conn) == {
        "grad.md": ["#math", "#flashcards/dl"],
        "rank.md": ["#Linear-Algebra", "#exam", "#flashcards/dl"],
        "adam.md": ["#flashcards/dl", "#optim/adam"],
        "plain.md": ["#flashcards/dl"],
    }
    # An edit that changes the tags is stored at the next import.
    note = tmp_path / "vault" / "plain.md"
    note.write_text(
        UNTAGGED.replace("#flashcards/dl", "#flashcards/dl #review-later"), encoding="utf-8"
    )
    summary = _import(conn, tmp_path / "vault")
    assert summary.notes_changed == 1 and summary.cards_changed == 0
    assert _tags(conn)["plain.md"] == ["#flashcards/dl", "#review-later"]


def test_a_pre_change_database_fills_tags_at_reimport_with_no_card_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "deck.db"
    vault = _vault(tmp_path)
    # The database as the previous srs-dl left it: parsed with PARSE_VERSION 1, schema v1.
    with monkeypatch.context() as m:
        m.setattr(importer, "PARSE_VERSION", "1")
        conn = connect(db)
        first = _import(conn, vault)
    assert first.cards_new > 0
    conn.execute("ALTER TABLE notes DROP COLUMN tags")
    conn.execute("PRAGMA user_version = 1")
    conn.close()

    conn = connect(db)
    assert set(_tags(conn).values()) == {None}
    cards = _cards(conn)
    logged = conn.execute("SELECT count(*) FROM log").fetchone()[0]

    again = _import(conn, vault)
    assert again.notes_changed == 4 and again.files_failed == 0
    assert (
        again.cards_new,
        again.cards_changed,
        again.cards_deleted,
        again.schedules_from_notes,
    ) == (0, 0, 0, 0)
    assert again.cards_unchanged == 5  # every note card (drill cards are not counted)
    assert _cards(conn) == cards  # ids, schedules, note_sched and dirty all kept
    assert conn.execute("SELECT count(*) FROM log").fetchone()[0] == logged
    assert _tags(conn)["grad.md"] == ["#math", "#flashcards/dl"]
    assert None not in _tags(conn).values()

    # And from then on the notes are unchanged.
    third = _import(conn, vault)
    assert third.notes_changed == 0 and third.files_skipped == 4


def test_browse_finds_cards_by_their_notes_tags(tmp_path: Path) -> None:
    conn = connect(tmp_path / "deck.db")
    _import(conn, _vault(tmp_path))
    index = load_index(conn, TODAY)

    def fronts(query: str) -> list[str]:
        return sorted(r.front for r in index.search(query) if r.kind != "drill")

    assert fronts("#math") == ["What is a gradient"]  # frontmatter list
    assert fronts("tag:math") == ["What is a gradient"]
    assert fronts("#linear-algebra") == ["What is a rank"]  # block list, casefolded
    assert fronts("#LINEAR") == ["What is a rank"]
    assert fronts("#exam rank") == ["What is a rank"]
    assert fronts("#optim/adam") == ["Batch norm normalises", "What does Adam combine"]
    assert fronts("tag:adam") == ["Batch norm normalises", "What does Adam combine"]  # nested
    assert fronts("gradient") == ["What is a gradient", "What is momentum"]
    assert fronts("-#math gradient") == ["What is momentum"]
    assert fronts("algebra") == ["What is a rank"]  # plain words see tags too
    assert fronts("#flashcards/dl") == sorted(
        [
            "What is a gradient",
            "What is a rank",
            "What does Adam combine",
            "Batch norm normalises",
            "What is momentum",
        ]
    )
    rank = next(r for r in index.search("#exam"))
    assert rank.note_tags == ("#Linear-Algebra", "#exam", "#flashcards/dl")


def test_browse_of_a_migrated_database_before_reimport(tmp_path: Path) -> None:
    # NULL tags (not re-read yet): the deck and text tags still work, nothing fails.
    conn = connect(tmp_path / "deck.db")
    _import(conn, _vault(tmp_path))
    conn.execute("UPDATE notes SET tags = NULL")
    index = load_index(conn, TODAY)
    assert [r.front for r in index.search("#math")] == []
    assert len([r for r in index.search("#flashcards/dl") if r.kind != "drill"]) == 5
