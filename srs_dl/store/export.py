"""The queries `srs-dl export` reads: cards with their note's path and tags, the log
with the card each entry is about. Rows come out in an order that does not depend
on row ids a new deck would number differently (deck, file, line), so a deck
rebuilt by import-log exports the same file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import NamedTuple

from srs_dl.store.cards import deck_clause


class ExportCard(NamedTuple):
    id: int
    deck: str
    kind: str
    sibling: int
    front: str
    back: str
    path: str | None
    line: int | None
    due: str | None
    interval: float | None
    ease: int | None
    state: str
    buried_until: str | None
    reps: int
    lapses: int
    tags: str | None  # JSON list, e.g. ["#math"]
    qhash: str
    note_id: int | None
    drill_kind: str | None
    raw_group: str | None
    note_sched: str | None


_CARD_SELECT = (
    "SELECT c.id, c.deck, c.kind, c.sibling, c.front, c.back, n.path, c.line, c.due,"
    " c.interval, c.ease, c.state, c.buried_until, c.reps, c.lapses, n.tags, c.qhash,"
    " c.note_id, c.drill_kind, c.raw_group, c.note_sched"
    " FROM cards AS c LEFT JOIN notes AS n ON n.id = c.note_id"
)


def _deck_where(deck: str | None) -> tuple[str, list[object]]:
    where, params = deck_clause(deck)
    return where.replace("deck", "c.deck"), params


def iter_cards(conn: sqlite3.Connection, *, deck: str | None = None) -> Iterator[ExportCard]:
    """Live cards (not deleted) of `deck` and its sub-decks, every deck without one."""
    where, params = _deck_where(deck)
    sql = (
        f"{_CARD_SELECT} WHERE {where} AND c.state != 'deleted'"  # noqa: S608 - constant parts
        " ORDER BY c.deck, n.path, c.line, c.sibling, c.id"
    )
    for row in conn.execute(sql, params):
        yield ExportCard._make(row)


def count_cards(conn: sqlite3.Connection, *, deck: str | None = None) -> int:
    where, params = _deck_where(deck)
    sql = f"SELECT count(*) FROM cards AS c WHERE {where} AND c.state != 'deleted'"  # noqa: S608
    return int(conn.execute(sql, params).fetchone()[0])


def deck_exists(conn: sqlite3.Connection, deck: str) -> bool:
    """A deck holding a live card (itself or a sub-deck)."""
    where, params = _deck_where(deck)
    sql = f"SELECT 1 FROM cards AS c WHERE {where} AND c.state != 'deleted' LIMIT 1"  # noqa: S608
    return conn.execute(sql, params).fetchone() is not None


class ExportLog(NamedTuple):
    id: int
    at: str
    day: str
    action: str
    response: str | None
    source: str
    undoes: int | None
    before: str | None  # JSON
    after: str | None
    detail: str | None
    card_id: int | None
    deck: str | None
    kind: str | None
    sibling: int | None
    front: str | None
    back: str | None
    path: str | None  # the card's note, or the whole note reviewed
    line: int | None
    qhash: str | None


_LOG_SELECT = (
    "SELECT l.id, l.at, l.day, l.action, l.response, l.source, l.undoes, l.before, l.after,"
    " l.detail, c.id, c.deck, c.kind, c.sibling, c.front, c.back, coalesce(cn.path, ln.path),"
    " c.line, c.qhash FROM log AS l LEFT JOIN cards AS c ON c.id = l.card_id"
    " LEFT JOIN notes AS cn ON cn.id = c.note_id LEFT JOIN notes AS ln ON ln.id = l.note_id"
)


def iter_log(conn: sqlite3.Connection, *, deck: str | None = None) -> Iterator[ExportLog]:
    """Every log entry about a card or a whole note, oldest first; with `deck`, those
    about that deck's cards (deleted ones too: their history stays)."""
    if deck:
        where, params = _deck_where(deck)
        where = f"l.card_id IS NOT NULL AND {where}"
    else:
        where, params = "(l.card_id IS NOT NULL OR l.note_id IS NOT NULL)", []
    sql = f"{_LOG_SELECT} WHERE {where} ORDER BY l.id"  # noqa: S608 - constant parts
    for row in conn.execute(sql, params):
        yield ExportLog._make(row)


def iter_card_changes(
    conn: sqlite3.Connection, *, deck: str | None = None
) -> Iterator[tuple[int, int, str, str, str | None, str | None, str | None, int | None]]:
    """(log id, card id, at, action, response, before, after, undoes) of the entries an
    Anki revlog can hold, oldest first."""
    where, params = _deck_where(deck)
    sql = (
        "SELECT l.id, l.card_id, l.at, l.action, l.response, l.before, l.after, l.undoes"  # noqa: S608 - constant parts
        " FROM log AS l JOIN cards AS c ON c.id = l.card_id"
        f" WHERE {where} AND l.action IN ('review', 'reset', 'schedule', 'undo')"
        " ORDER BY l.id"
    )
    yield from conn.execute(sql, params)
