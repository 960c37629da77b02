"""Bad input at import: one line per problem naming file and line, the rest imports,
and nothing stored for a failed note is lost or changed."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from srs_dl.config import Config
from srs_dl.services.importing.importer import ImportSummary, import_paths
from srs_dl.store.db import connect

TODAY = dt.date(2025, 3, 1)
GOOD = "#flashcards\n\nGood question::good answer\n<!--SR:!2025-02-01,3,250-->\n"


def _import(conn: sqlite3.Connection, vault: Path, **kw: object) -> ImportSummary:
    return import_paths(conn, [str(vault)], flags={}, config=Config(), today=TODAY, **kw)  # type: ignore[arg-type]


def _snapshot(conn: sqlite3.Connection) -> tuple[list[tuple], list[tuple]]:
    cards = conn.execute("SELECT * FROM cards WHERE kind != 'drill' ORDER BY id").fetchall()
    notes = conn.execute("SELECT * FROM notes ORDER BY id").fetchall()
    return cards, notes


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    v = tmp_path / "vault"
    v.mkdir()
    (v / "good.md").write_text(GOOD, encoding="utf-8")
    return v


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "deck.db")


def _good_imported(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT due, state FROM cards WHERE front = 'Good question'").fetchone()
    return row == ("2025-02-01", "review")


def test_invalid_utf8_new_file(vault: Path, conn: sqlite3.Connection) -> None:
    (vault / "bad.md").write_bytes(b"#flashcards\n\nQ::A\ncaf\xe9::x\n")
    summary = _import(conn, vault)
    assert summary.warnings == [
        f"{vault.resolve() / 'bad.md'}:4: invalid UTF-8 (byte 0xe9 at byte 4 of the line);"
        " the note is not imported until it is saved as UTF-8"
    ]
    assert summary.files_failed == 1 and _good_imported(conn)
    assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 1


def test_a_note_that_turns_bad_keeps_everything_stored(
    vault: Path, conn: sqlite3.Connection
) -> None:
    note = vault / "n.md"
    note.write_text("#flashcards\n\nKept::card\n<!--SR:!2025-02-10,5,250-->\n")
    _import(conn, vault)
    before = _snapshot(conn)
    for bad in (
        b"#flashcards\n\nKept::card \xff\n",
        b"\x00\x01binary",
        "Kept::card".encode("utf-16"),
    ):
        note.write_bytes(bad)
        summary = _import(conn, vault)
        assert summary.files_failed == 1 and summary.cards_deleted == 0
        assert len(summary.warnings) == 1 and summary.warnings[0].startswith(
            f"{vault.resolve() / 'n.md'}:"
        )
        assert _snapshot(conn) == before
    assert conn.execute("SELECT count(*) FROM log").fetchone()[0] == 0


def test_utf8_bom_imports(vault: Path, conn: sqlite3.Connection) -> None:
    (vault / "bom.md").write_bytes(b"\xef\xbb\xbf#flashcards\n\nBOM question::answer\n")
    summary = _import(conn, vault)
    assert summary.warnings == [] and summary.files_failed == 0
    row = conn.execute("SELECT front, deck, line FROM cards WHERE back = 'answer'").fetchone()
    assert row == ("BOM question", "flashcards", 3)


def test_binary_file_named_md(vault: Path, conn: sqlite3.Connection) -> None:
    (vault / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    summary = _import(conn, vault)
    assert summary.warnings == [
        f"{vault.resolve() / 'image.md'}:3: binary file (a NUL byte), not a Markdown note; skipped"
    ]
    assert _good_imported(conn)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(vault: Path, conn: sqlite3.Connection) -> None:
    note = vault / "n.md"
    note.write_text("#flashcards\n\nKept::card\n")
    _import(conn, vault)
    before = _snapshot(conn)
    os.chmod(note, 0)
    try:
        summary = _import(conn, vault)
    finally:
        os.chmod(note, 0o644)
    assert summary.warnings == [
        f"{vault.resolve() / 'n.md'}: cannot read the note (Permission denied); skipped"
    ]
    assert _snapshot(conn) == before


def test_symlink_loop_and_a_note_replaced_by_one(vault: Path, conn: sqlite3.Connection) -> None:
    note = vault / "n.md"
    note.write_text("#flashcards\n\nKept::card\n")
    (vault / "sub").mkdir()
    os.symlink(vault / "sub", vault / "sub" / "again")
    _import(conn, vault)
    before = _snapshot(conn)
    note.unlink()
    os.symlink("n.md", note)  # a link to itself
    summary = _import(conn, vault)
    lines = sorted(summary.warnings)
    assert lines == [
        f"{vault.resolve() / 'n.md'}: symlink loop; not followed",
        f"{vault.resolve() / 'sub' / 'again'}: symlink loop (it points to a folder"
        " above it); not followed",
    ]
    assert _snapshot(conn) == before


def test_symlink_out_of_the_folder(tmp_path: Path, vault: Path, conn: sqlite3.Connection) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "o.md").write_text("#flashcards\n\nOutside::card\n")
    os.symlink(tmp_path / "elsewhere", vault / "link")
    summary = _import(conn, vault)
    assert (
        len(summary.warnings) == 1
        and "outside the imported folder; not followed" in (summary.warnings[0])
    )
    assert not conn.execute("SELECT 1 FROM cards WHERE front = 'Outside'").fetchone()
    followed = _import(conn, vault, follow_symlinks=True)
    assert followed.warnings == []
    assert conn.execute("SELECT 1 FROM cards WHERE front = 'Outside'").fetchone()


def test_empty_file(vault: Path, conn: sqlite3.Connection) -> None:
    (vault / "empty.md").write_bytes(b"")
    summary = _import(conn, vault)
    assert summary.warnings == [] and summary.files_failed == 0 and summary.files_scanned == 2
    assert _good_imported(conn)


def test_a_50_mb_note_is_skipped_with_its_size(vault: Path, conn: sqlite3.Connection) -> None:
    big = vault / "dump.md"
    with big.open("wb") as fh:
        fh.write(b"#flashcards\n\n")
        fh.truncate(50 * 1024 * 1024)
    summary = _import(conn, vault)
    assert summary.warnings == [
        f"{vault.resolve() / 'dump.md'}: 50.0 MB, over srs-dl's 10 MB limit for one note; skipped"
    ]
    assert _good_imported(conn)


def test_a_1_mb_line(vault: Path, conn: sqlite3.Connection) -> None:
    long_answer = "x" * 1_000_000
    (vault / "long.md").write_text(f"#flashcards\n\nLong::{long_answer}\n\n{'y' * 1_000_000}\n")
    summary = _import(conn, vault)
    assert summary.files_failed == 0 and summary.warnings == []
    assert conn.execute("SELECT length(back) FROM cards WHERE front = 'Long'").fetchone() == (
        1_000_000,
    )


@pytest.mark.parametrize(
    ("comment", "words"),
    [
        ("<!--SR:!2025-13-45,3,250-->", "bad date"),
        ("<!--SR:!2025-02-01,-3,250-->", "negative interval"),
        ("<!--SR:!2025-02-01,3,0-->", "ease"),
        ("<!--SR:!2025-02-01,three,250-->", "interval"),
        ("<!--SR:!2025-02-01,3,250!2025-02-02,4,250-->", "group"),
    ],
)
def test_malformed_scheduling_comment(
    vault: Path, conn: sqlite3.Connection, comment: str, words: str
) -> None:
    (vault / "m.md").write_text(f"#flashcards\n\nOne::card\n{comment}\n\nTwo::card\n")
    summary = _import(conn, vault)
    assert summary.files_failed == 0 and len(summary.warnings) == 1
    line = summary.warnings[0]
    assert line.startswith(f"{vault.resolve() / 'm.md'}:4: ") and words in line
    fronts = {r[0] for r in conn.execute("SELECT front FROM cards WHERE kind != 'drill'")}
    assert fronts == {"Good question", "One", "Two"}
    assert _good_imported(conn)


def test_a_missing_path_is_named_and_the_rest_imports(
    tmp_path: Path, vault: Path, conn: sqlite3.Connection
) -> None:
    summary = import_paths(
        conn, [str(tmp_path / "nope"), str(vault)], flags={}, config=Config(), today=TODAY
    )
    assert summary.missing == [str(tmp_path / "nope")]
    assert summary.warnings == [f"{tmp_path / 'nope'}: no such file or folder"]
    assert _good_imported(conn)


def test_invalid_plugin_settings_json(vault: Path, conn: sqlite3.Connection) -> None:
    folder = vault / ".obsidian" / "plugins" / "obsidian-spaced-repetition"
    folder.mkdir(parents=True)
    (folder / "data.json").write_text('{\n  "settings": {\n    "flashcardTags": [,]\n  }\n}')
    summary = _import(conn, vault)
    assert len(summary.warnings) == 1
    assert summary.warnings[0].startswith(
        f"{vault.resolve() / folder.relative_to(vault)}/data.json:3: invalid JSON"
    )
    assert _good_imported(conn)


def test_a_damaged_comment_keeps_the_stored_schedule(vault: Path, conn: sqlite3.Connection) -> None:
    _import(conn, vault)
    before = _snapshot(conn)
    note = vault / "good.md"
    note.write_text(GOOD.replace("!2025-02-01,3,250", "!2025-02-31,3,250"))
    summary = _import(conn, vault)
    assert len(summary.warnings) == 1 and ":4: " in summary.warnings[0]
    row = conn.execute(
        "SELECT due, interval, ease, state, note_sched FROM cards WHERE front = 'Good question'"
    ).fetchone()
    assert row == ("2025-02-01", 3.0, 250, "review", "2025-02-01,3,250")
    assert summary.schedules_from_notes == 0 and summary.cards_changed == 0
    assert _snapshot(conn)[0] == before[0]


def test_damaged_review_frontmatter_keeps_the_stored_schedule(
    vault: Path, conn: sqlite3.Connection
) -> None:
    note = vault / "r.md"
    head = "---\ntags: [review]\nsr-due: {}\nsr-interval: 3\nsr-ease: 250\n---\nRe-read me.\n"
    note.write_text(head.format("2025-02-20"))
    _import(conn, vault)
    note.write_text(head.format("2025-02-40"))
    summary = _import(conn, vault)
    assert any(":3: " in w for w in summary.warnings)
    row = conn.execute(
        "SELECT review_due, review_interval, review_ease FROM notes WHERE path LIKE '%r.md'"
    ).fetchone()
    assert row == ("2025-02-20", 3.0, 250)
    assert conn.execute("SELECT count(*) FROM log").fetchone() == (0,)
