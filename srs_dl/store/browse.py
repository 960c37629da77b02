"""The card browser's rows: every card with its note's path and tags, read in batches."""

from __future__ import annotations

import datetime as dt
import functools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from srs_dl.core.search.index import BrowseRow

BATCH = 10_000

_SELECT = """
    SELECT cards.id, cards.deck, cards.due, cards.interval, cards.ease, cards.lapses,
           cards.state, cards.front, cards.back, cards.kind, cards.line, notes.path,
           cards.buried_until, notes.tags
    FROM cards LEFT JOIN notes ON notes.id = cards.note_id
"""


def load_rows(conn: sqlite3.Connection, card_ids: Iterable[int]) -> list[BrowseRow]:
    """The current rows of some cards (to hand to CardIndex.update on the UI thread)."""
    ids = list(dict.fromkeys(card_ids))
    out: list[BrowseRow] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        out.extend(_row(r) for r in conn.execute(_SELECT + f" WHERE cards.id IN ({marks})", chunk))
    return out


def log_mark(conn: sqlite3.Connection) -> int:
    """The newest log row's id: cards changed later are found by `changed_since`."""
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM log").fetchone()[0])


def changed_since(conn: sqlite3.Connection, mark: int) -> tuple[int, list[int]]:
    """(new mark, cards with a log row after `mark`): every change to a card is logged."""
    rows = conn.execute("SELECT id, card_id FROM log WHERE id > ? ORDER BY id", (mark,)).fetchall()
    if not rows:
        return mark, []
    return int(rows[-1][0]), list(dict.fromkeys(int(c) for _, c in rows if c is not None))


@functools.lru_cache(maxsize=4096)
def _note_tags(text: str) -> tuple[str, ...]:
    # A note's cards share its tags' text: each distinct one is decoded once.
    try:
        tags = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(tags, list):
        return ()
    return tuple(t for t in tags if isinstance(t, str))


def _row(raw: Sequence[Any]) -> BrowseRow:
    (
        cid,
        deck,
        due,
        interval,
        ease,
        lapses,
        state,
        front,
        back,
        kind,
        line,
        path,
        buried_until,
        tags,
    ) = raw
    return BrowseRow(
        id=int(cid),
        deck=str(deck),
        due=dt.date.fromisoformat(due) if due else None,
        interval=interval,
        ease=ease,
        lapses=int(lapses or 0),
        state=str(state),
        front=str(front),
        back=str(back),
        kind=str(kind),
        line=line,
        path=path,
        buried_until=dt.date.fromisoformat(buried_until) if buried_until else None,
        # NULL: a note not parsed since the column came (schema v2); "[]": no tags.
        note_tags=_note_tags(tags) if tags and tags != "[]" else (),
    )


def count_cards(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM cards").fetchone()[0])


def iter_rows(conn: sqlite3.Connection) -> Iterator[list[BrowseRow]]:
    """Every card (deleted ones too) in id order, `BATCH` at a time."""
    cursor = conn.execute(_SELECT + " ORDER BY cards.id")
    while batch := cursor.fetchmany(BATCH):
        yield [_row(r) for r in batch]
