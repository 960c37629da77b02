"""The round trip of issue 5 section 5 on every file of ../shared/corpus/realworld/:
import, grade every card, sync; each file differs from its original only in its
scheduling comments; a fresh import of the written files reads back exactly the
schedules the database holds."""

from __future__ import annotations

import datetime as dt
import sqlite3

from review_support import build_realworld_vaults, config, without_sr_comments

from srs_dl.core.scheduling.sm2 import BUTTONS
from srs_dl.services import review as rv
from srs_dl.services.importing.importer import import_paths
from srs_dl.services.writeback.sync import sync
from srs_dl.store.db import connect

TODAY = dt.date(2026, 1, 15)


def _schedules(conn: sqlite3.Connection) -> dict[tuple[str, str, int], tuple[object, ...]]:
    rows = conn.execute(
        "SELECT n.path, c.qhash, c.sibling, c.kind, c.due, c.interval, c.ease, c.raw_group"
        " FROM cards AS c JOIN notes AS n ON n.id = c.note_id WHERE c.state != 'deleted'"
    )
    return {(r[0], r[1], r[2]): r[3:] for r in rows}


def test_round_trip_on_the_realworld_corpus(shared_dir, tmp_path):
    files = build_realworld_vaults(shared_dir, tmp_path / "vaults")
    assert len(files) == 75
    originals = {name: path.read_bytes() for name, path in files.items()}
    cfg = config(writeback="sync")
    conn = connect(tmp_path / "deck.db")
    vaults = sorted({p.relative_to(tmp_path / "vaults").parts[0] for p in files.values()})
    summary = import_paths(
        conn, [tmp_path / "vaults" / v for v in vaults], flags={}, config=cfg, today=TODAY
    )
    assert summary.files_failed == 0, summary.warnings

    ids = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM cards WHERE note_id IS NOT NULL AND state != 'deleted' ORDER BY id"
        )
    ]
    assert len(ids) > 500
    for i, cid in enumerate(ids):
        rv.grade(conn, cfg, TODAY, cid, BUTTONS[i % 4])
    assert conn.execute("SELECT count(*) FROM cards WHERE dirty = 1").fetchone()[0] == len(ids)

    report = sync(conn, cfg, TODAY)
    assert report.errors == [] and report.changed_on_disk == []
    assert conn.execute("SELECT count(*) FROM cards WHERE dirty = 1").fetchone()[0] == 0
    assert (
        conn.execute("SELECT count(*) FROM notes WHERE pending_hash IS NOT NULL").fetchone()[0] == 0
    )
    written = {str(p) for p in report.written}
    changed = 0
    for name, path in files.items():
        new = path.read_bytes()
        if new != originals[name]:
            changed += 1
            assert str(path) in written, name
        assert without_sr_comments(new) == without_sr_comments(originals[name]), name
        # The encoding's marks survive: BOM, CRLF count unchanged outside added lines.
        assert new.startswith(b"\xef\xbb\xbf") == originals[name].startswith(b"\xef\xbb\xbf")
    assert changed == len(written) > 30

    # A second sync has nothing left to do, and changes nothing.
    again = sync(conn, cfg, TODAY)
    assert again.written == [] and again.errors == []

    # A fresh database importing the written notes reads back exactly our schedules.
    expected = _schedules(conn)
    fresh = connect(tmp_path / "fresh.db")
    import_paths(
        fresh, [tmp_path / "vaults" / v for v in vaults], flags={}, config=cfg, today=TODAY
    )
    got = _schedules(fresh)
    assert got.keys() == expected.keys()
    mismatched = [k for k in expected if got[k] != expected[k]]
    assert mismatched == []
    fresh.close()
    conn.close()


def test_crlf_bom_trailing_spaces_and_no_final_newline_survive(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    note = vault / "n.md"
    original = (
        b"\xef\xbb\xbf#flashcards  \r\n\r\nQ one::A one \t\r\n"
        b"Q two::A two\r\n<!--SR:!2025-01-01,3,250-->\r\n\tindented text  \r\n"
        b"last?\r\n?\r\nanswer without newline"
    )
    note.write_bytes(original)
    cfg = config(writeback="sync")
    conn = connect(tmp_path / "d.db")
    import_paths(conn, [vault], flags={}, config=cfg, today=TODAY)
    ids = [r[0] for r in conn.execute("SELECT id FROM cards WHERE note_id IS NOT NULL")]
    assert len(ids) == 3
    for cid in ids:
        rv.grade(conn, cfg, TODAY, cid, "good")
    sync(conn, cfg, TODAY)
    new = note.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf#flashcards  \r\n\r\nQ one::A one \t\r\n<!--SR:!")
    assert b"\tindented text  \r\n" in new
    assert new.endswith(b"answer without newline\r\n<!--SR:!2026-01-18,3,250-->")
    assert new.count(b"\n") == new.count(b"\r\n")
    assert without_sr_comments(new) == without_sr_comments(original)
    mode = note.stat().st_mode
    assert mode & 0o777 == 0o644 or mode & 0o777 == (0o666 & ~_umask())
    conn.close()


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
