"""Import settings (flags, config, the vault's plugin settings), remembered per folder;
drill cards from headings; whole-note review rows."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from srs_dl.config import Config
from srs_dl.services.importing.importer import ImportSummary, import_paths, rescan
from srs_dl.store.db import connect
from srs_dl.store.folders import list_folders

TODAY = dt.date(2025, 3, 1)

DASH_NOTE = """\
# Optimisers

Stochastic gradient descent
-?-
mini-batch size 1

What is the momentum beta
-?-
the decay of the gradient average
"""


def _import(
    conn: sqlite3.Connection,
    *paths: Path,
    flags: dict | None = None,
    config: Config | None = None,
    **kw: object,
) -> ImportSummary:
    return import_paths(
        conn,
        [str(p) for p in paths],
        flags=flags or {},
        config=config or Config(),
        today=TODAY,
        **kw,
    )  # type: ignore[arg-type]


def _fronts(conn: sqlite3.Connection, state: str = "live") -> list[str]:
    cond = "state != 'deleted'" if state == "live" else "state = 'deleted'"
    rows = conn.execute(
        f"SELECT front FROM cards WHERE kind != 'drill' AND {cond}"  # noqa: S608
        " ORDER BY front"
    )
    return [r[0] for r in rows]


def _plugin_settings(vault: Path, settings: dict) -> None:
    folder = vault / ".obsidian" / "plugins" / "obsidian-spaced-repetition"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data.json").write_text(json.dumps({"settings": settings}), encoding="utf-8")


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "deck.db")


def test_a_folders_flags_are_remembered(tmp_path: Path, conn: sqlite3.Connection) -> None:
    vault = tmp_path / "vault"
    (vault / "sub").mkdir(parents=True)
    (vault / "sub" / "note.md").write_text(DASH_NOTE)
    flags = {"multiline_sep": "-?-", "all_notes": True}
    first = _import(conn, vault, flags=flags)
    assert (
        first.cards_new
        == 2 + conn.execute("SELECT count(*) FROM cards WHERE kind = 'drill'").fetchone()[0]
    )
    assert _fronts(conn) == ["Stochastic gradient descent", "What is the momentum beta"]
    [row] = list_folders(conn)
    assert row.path == str(vault.resolve()) and row.flags == flags and row.writeback

    # A plain import of the folder, of a note inside it, and a rescan: the same cards.
    for summary in (
        _import(conn, vault),
        _import(conn, vault / "sub" / "note.md"),
        rescan(conn, Config(), TODAY),
    ):
        assert summary.cards_deleted == 0 and summary.cards_new == 0
        assert _fronts(conn) == ["Stochastic gradient descent", "What is the momentum beta"]
    assert len(list_folders(conn)) == 1

    # New flags replace the remembered ones: read with the default separator, no card.
    changed = _import(conn, vault, flags={"all_notes": True})
    assert changed.notes_changed == 1 and changed.cards_deleted == 2
    assert list_folders(conn)[0].flags == {"all_notes": True}
    assert _fronts(conn, "deleted") == ["Stochastic gradient descent", "What is the momentum beta"]
    # And back: the same cards return, same ids.
    ids = sorted(r[0] for r in conn.execute("SELECT id FROM cards WHERE kind != 'drill'"))
    _import(conn, vault, flags=flags)
    assert _fronts(conn) == ["Stochastic gradient descent", "What is the momentum beta"]
    assert sorted(r[0] for r in conn.execute("SELECT id FROM cards WHERE kind != 'drill'")) == ids


def test_plugin_settings_config_and_flags_in_that_order(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text("#cards\n\nQ1\n-?-\nA1\n\nQ2\n+++\nA2\n\nQ3\n?\nA3\n")
    _plugin_settings(vault, {"multilineCardSeparator": "-?-", "flashcardTags": ["#cards"]})
    _import(conn, vault)
    assert _fronts(conn) == ["Q1"]
    assert conn.execute("SELECT DISTINCT deck FROM cards WHERE kind != 'drill'").fetchall() == [
        ("cards",)
    ]
    # The config beats the vault's settings (and a changed setting re-reads the note).
    _import(conn, vault, config=Config(parse={"multiline_sep": "+++"}))
    assert _fronts(conn) == ["Q2"]
    # Flags beat both.
    _import(
        conn, vault, flags={"multiline_sep": "?"}, config=Config(parse={"multiline_sep": "+++"})
    )
    assert _fronts(conn) == ["Q3"]
    # Editing the vault's settings file is picked up by a plain import.
    (vault / "n.md").write_text("#cards\n\nQ1\n-?-\nA1\n\nQ2\n+++\nA2\n\nQ3\n?\nA3\n")
    _plugin_settings(vault, {"multilineCardSeparator": "+++", "flashcardTags": ["#cards"]})
    _import(conn, vault, flags={})
    assert _fronts(conn) == ["Q3"]  # the remembered flag still wins


def test_plugin_ignore_list_and_dataview_key(tmp_path: Path, conn: sqlite3.Connection) -> None:
    vault = tmp_path / "vault"
    (vault / "Templates").mkdir(parents=True)
    (vault / "n.md").write_text("#flashcards\n\nsource:: lecture 3\n\nQ::A\n")
    (vault / "Templates" / "t.md").write_text("#flashcards\n\nTemplate::card\n")
    (vault / "d.excalidraw.md").write_text("#flashcards\n\nDrawing::card\n")
    _plugin_settings(vault, {"noteFoldersToIgnore": ["Templates", "**/*.excalidraw.md"]})
    summary = _import(conn, vault)
    assert summary.files_scanned == 1
    assert _fronts(conn) == ["Q", "source"]
    assert summary.dataview_like_cards == 1
    assert "--dataview-fields" in summary.hints()[0] and "dataview_fields" in summary.hints()[0]
    _plugin_settings(
        vault, {"noteFoldersToIgnore": ["Templates", "**/*.excalidraw.md"], "dataview_fields": True}
    )
    summary = _import(conn, vault)
    assert _fronts(conn) == ["Q"] and summary.dataview_like_cards == 0 and not summary.hints()


def test_drill_cards_follow_technique_headings(tmp_path: Path, conn: sqlite3.Connection) -> None:
    from srs_dl.core.drills import KINDS

    vault = tmp_path / "vault"
    vault.mkdir()
    note = vault / "n.md"
    note.write_text(
        "#flashcards/dl\n\n## ADAM  =  MOMENTUM + RMS_prop\n\nQ::A\n\n"
        "## MOMENTUM - with beta\n\nR::B\n"
    )
    _import(conn, vault)
    drills = conn.execute(
        "SELECT deck, drill_kind, state, note_id, back FROM cards"
        " WHERE kind = 'drill' ORDER BY deck, drill_kind"
    ).fetchall()
    assert [(d, k) for d, k, *_ in drills if d != "drills"] == [
        ("flashcards/dl", "adam"),
        ("flashcards/dl", "momentum"),
    ]
    assert sorted(k for d, k, *_ in drills if d == "drills") == sorted(KINDS)
    assert all(s == "new" and n is None and b == "" for _, _, s, n, b in drills)
    front = conn.execute("SELECT front FROM cards WHERE drill_kind = 'adam' AND deck != 'drills'")
    assert front.fetchone()[0].startswith("Drill: ")
    # The heading goes: its drill card is deleted; it comes back with the same id.
    adam = conn.execute(
        "SELECT id FROM cards WHERE drill_kind = 'adam' AND deck = 'flashcards/dl'"
    ).fetchone()[0]
    note.write_text("#flashcards/dl\n\nQ::A\n\n## MOMENTUM - with beta\n\nR::B\n")
    summary = _import(conn, vault)
    assert summary.cards_deleted == 1
    assert conn.execute("SELECT state FROM cards WHERE id = ?", (adam,)).fetchone()[0] == "deleted"
    note.write_text("#flashcards/dl\n\n## Adam\n\nQ::A\n")
    _import(conn, vault)
    assert conn.execute("SELECT state FROM cards WHERE id = ?", (adam,)).fetchone()[0] == "new"
    live = conn.execute(
        "SELECT count(*) FROM cards WHERE kind = 'drill' AND deck = 'drills' AND state != 'deleted'"
    ).fetchone()[0]
    assert live == len(KINDS)


def test_config_drill_headings_add_to_the_defaults(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text("#flashcards\n\n## Schrittweite\n\nQ::A\n\n## Adam\n\nR::B\n")
    _import(conn, vault, config=Config(drill_headings={"Schrittweite": ("lr_decay",)}))
    kinds = [
        r[0]
        for r in conn.execute(
            "SELECT drill_kind FROM cards WHERE kind = 'drill'"
            " AND deck = 'flashcards' ORDER BY drill_kind"
        )
    ]
    assert kinds == ["adam", "lr_decay"]


REVIEW_NOTE = """\
---
tags: [review]
sr-due: 2025-02-20
sr-interval: 3
sr-ease: 250
---
# A note to re-read

See [[Adam]] and [[Momentum|momentum]].
"""


def test_whole_note_review_rows(tmp_path: Path, conn: sqlite3.Connection) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    note = vault / "r.md"
    note.write_text(REVIEW_NOTE)
    _import(conn, vault)
    row = conn.execute(
        "SELECT is_review, review_due, review_interval, review_ease,"
        " review_sched_note, links FROM notes"
    ).fetchone()
    assert row[:5] == (1, "2025-02-20", 3.0, 250, "2025-02-20,3,250")
    assert json.loads(row[5]) == ["Adam", "Momentum"]
    # Reviewed in Obsidian: the note wins, logged against the note.
    note.write_text(
        REVIEW_NOTE.replace("2025-02-20", "2025-03-05").replace("sr-interval: 3", "sr-interval: 13")
    )
    summary = _import(conn, vault)
    assert summary.schedules_from_notes == 1
    assert conn.execute("SELECT review_due, review_interval FROM notes").fetchone() == (
        "2025-03-05",
        13.0,
    )
    log = conn.execute("SELECT card_id, note_id, action, source FROM log").fetchall()
    assert log == [(None, 1, "schedule", "note")]
    # Rated here and not yet written: srs-dl's schedule stays.
    conn.execute(
        "UPDATE notes SET review_due = '2025-03-20', review_interval = 20, review_dirty = 1"
    )
    note.write_text(REVIEW_NOTE.replace("2025-02-20", "2025-03-07"))
    _import(conn, vault)
    assert conn.execute("SELECT review_due, review_dirty FROM notes").fetchone() == (
        "2025-03-20",
        1,
    )


def test_seed_note_with_the_users_flags(
    shared_dir: Path, tmp_path: Path, conn: sqlite3.Connection
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    source = shared_dir / "corpus" / "seed" / "How to optimize a deep net.md"
    (vault / source.name).write_bytes(source.read_bytes())
    summary = _import(conn, vault, flags={"all_notes": True, "multiline_sep": "-?-"})
    assert summary.files_failed == 0
    row = conn.execute(
        "SELECT deck, due, interval, ease, state FROM cards"
        " WHERE front = 'Stocastic Gradient Descent'"
    ).fetchone()
    assert row == ("dl", "2025-02-22", 3.0, 250, "review")
    heading_drills = conn.execute(
        "SELECT count(*) FROM cards WHERE kind = 'drill' AND deck = 'dl'"
    ).fetchone()[0]
    assert heading_drills >= 7
    again = _import(conn, vault)
    assert again.files_skipped == 1 and again.cards_deleted == 0


def test_a_vault_inside_a_vault_keeps_its_own_settings(
    tmp_path: Path, conn: sqlite3.Connection
) -> None:
    outer = tmp_path / "outer"
    inner = outer / "inner"
    inner.mkdir(parents=True)
    text = "#flashcards\n\nQ1\n-?-\nA1\n\nQ2\n?\nA2\n"
    (outer / "o.md").write_text(text)
    (inner / "i.md").write_text(text)
    _plugin_settings(outer, {"noteFoldersToIgnore": ["inner/"]})
    _plugin_settings(inner, {"multilineCardSeparator": "-?-"})
    summary = _import(conn, outer)
    assert summary.files_scanned == 2 and summary.warnings == []
    rows = conn.execute(
        "SELECT n.path, c.front FROM cards AS c JOIN notes AS n ON n.id = c.note_id ORDER BY n.path"
    ).fetchall()
    assert rows == [
        (str((inner / "i.md").resolve()), "Q1"),
        (str((outer / "o.md").resolve()), "Q2"),
    ]
    assert len(list_folders(conn)) == 1
    again = _import(conn, outer)
    assert again.files_skipped == 2 and not again.changed
    # Write-back reads each note again exactly as the import did.
    from srs_dl.services.importing.importer import note_settings

    folder = list_folders(conn)[0]
    for path, key in conn.execute("SELECT path, settings_hash FROM notes"):
        assert note_settings(Config(), folder.path, folder.flags, path)[1] == key
