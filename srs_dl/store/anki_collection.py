"""SQL on the Anki collection genanki writes (collection.anki2 inside an .apkg): the
schedule of its cards and the revlog, which genanki does not write."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def day0(conn: sqlite3.Connection) -> int:
    """The collection's creation time (col.crt, seconds): Anki counts due days from it."""
    return int(conn.execute("SELECT crt FROM col").fetchone()[0])


def use_v2_scheduler(conn: sqlite3.Connection) -> None:
    """Mark the collection as kept by Anki's v2 scheduler (four buttons everywhere).

    genanki's collection says v1, where a learning card had three buttons: Anki then
    reads a revlog row of a new card answered Good (3) as v1's Easy and stores 4."""
    conn.execute("UPDATE col SET conf = json_set(conf, '$.schedVer', 2)")


def card_ids(conn: sqlite3.Connection) -> dict[tuple[str, int], int]:
    """(note guid, card ord) -> Anki card id."""
    rows = conn.execute(
        "SELECT n.guid, c.ord, c.id FROM cards AS c JOIN notes AS n ON n.id = c.nid"
    )
    return {(str(guid), int(ord_)): int(cid) for guid, ord_, cid in rows}


def set_schedules(
    conn: sqlite3.Connection, rows: Sequence[tuple[int, int, int, int, int, int, int, int]]
) -> None:
    """Rows of (type, queue, due, ivl, factor, reps, lapses, anki card id)."""
    conn.executemany(
        "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?,"
        " lapses = ? WHERE id = ?",
        rows,
    )


def insert_revlog(
    conn: sqlite3.Connection, rows: Sequence[tuple[int, int, int, int, int, int, int]]
) -> None:
    """Rows of (id, anki card id, ease, ivl, lastIvl, factor, type); usn -1 (not synced)
    and time 0 (srs-dl does not time answers)."""
    conn.executemany(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
        " VALUES (?, ?, -1, ?, ?, ?, ?, 0, ?)",
        rows,
    )


def open_collection(path: str) -> sqlite3.Connection:
    """The scratch collection an export builds (no WAL: it is zipped as one file)."""
    return sqlite3.connect(path)
