"""Card rows <-> CardRow, and the queries that list them."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, NamedTuple

from srs_dl.core.scheduling.card import CardState, queue_state
from srs_dl.core.scheduling.sm2 import Sm2Schedule

CARD_COLUMNS = (
    "id, note_id, deck, kind, sibling, qhash, front, back, line, end_line, due, interval, ease,"
    " state, buried_until, reps, lapses, note_sched, dirty, raw_group, drill_kind"
)


@dataclass(frozen=True, slots=True)
class CardRow:
    id: int
    note_id: int | None
    deck: str
    kind: str
    sibling: int
    qhash: str
    front: str
    back: str
    line: int | None
    end_line: int | None
    due: dt.date | None
    interval: float | None
    ease: int | None
    state: str
    buried_until: dt.date | None
    reps: int
    lapses: int
    note_sched: str | None
    dirty: bool
    raw_group: str | None
    drill_kind: str | None

    def effective_state(self, today: dt.date) -> str:
        return queue_state(self.state, self.buried_until, self.due is not None, today)

    def group_text(self) -> str | None:
        """What the card's group in its note should read now (an FSRS group: verbatim)."""
        due = self.due.isoformat() if self.due else None
        return sched_text(due, self.interval, self.ease, self.raw_group)

    @property
    def scheduling(self) -> CardState:
        """The card model's view of this row: its queue state and SM-2 schedule
        (store.card_states.card_state adds an FSRS card's state)."""
        schedule = sm2_schedule(self.due, self.interval, self.ease)
        return CardState(self.state, schedule, self.buried_until, self.reps, self.lapses)  # type: ignore[arg-type]  # a stored state is a QueueState


def sm2_schedule(
    due: dt.date | None, interval: float | None, ease: int | None
) -> Sm2Schedule | None:
    """The SM-2 schedule a row's columns hold (None: never reviewed). An FSRS card's
    columns mirror its group's due day, interval and ease."""
    if due is None or interval is None or ease is None:
        return None
    return Sm2Schedule(due, interval, ease)


def row_to_card(row: Sequence[Any]) -> CardRow:
    (
        cid,
        note_id,
        deck,
        kind,
        sibling,
        qhash,
        front,
        back,
        line,
        end_line,
        due,
        interval,
        ease,
        state,
        buried_until,
        reps,
        lapses,
        note_sched,
        dirty,
        raw_group,
        drill_kind,
    ) = row
    return CardRow(
        id=int(cid),
        note_id=note_id,
        deck=str(deck),
        kind=str(kind),
        sibling=int(sibling),
        qhash=str(qhash),
        front=str(front),
        back=str(back),
        line=line,
        end_line=end_line,
        due=dt.date.fromisoformat(due) if due else None,
        interval=interval,
        ease=ease,
        state=str(state),
        buried_until=dt.date.fromisoformat(buried_until) if buried_until else None,
        reps=int(reps),
        lapses=int(lapses),
        note_sched=note_sched,
        dirty=bool(dirty),
        raw_group=raw_group,
        drill_kind=drill_kind,
    )


def get_card(conn: sqlite3.Connection, card_id: int) -> CardRow | None:
    row = conn.execute(
        f"SELECT {CARD_COLUMNS} FROM cards WHERE id = ?",  # noqa: S608
        (card_id,),
    ).fetchone()
    return row_to_card(row) if row else None


def deck_clause(deck: str | None) -> tuple[str, list[object]]:
    """SQL matching a deck and its sub-decks ("a" matches "a" and "a/b", never "ab")."""
    if not deck:
        return "1", []
    deck = deck.strip("/").lstrip("#")
    # A range on the sub-decks ("a/" <= deck < "a0", as "0" follows "/") lets SQLite
    # use the deck index; substr() would scan every card.
    return "(deck = ? OR (deck >= ? AND deck < ?))", [deck, deck + "/", deck + "0"]


def iter_cards(
    conn: sqlite3.Connection,
    *,
    deck: str | None = None,
    include_deleted: bool = False,
    due_on_or_before: dt.date | None = None,
) -> Iterator[CardRow]:
    where, params = deck_clause(deck)
    if not include_deleted:
        where += " AND state != 'deleted'"
    if due_on_or_before is not None:
        where += " AND due IS NOT NULL AND due <= ? AND state IN ('review', 'buried')"
        params.append(due_on_or_before.isoformat())
    sql = (
        f"SELECT {CARD_COLUMNS} FROM cards WHERE {where}"  # noqa: S608 - constant parts
        " ORDER BY deck, note_id, line, sibling, id"
    )
    for row in conn.execute(sql, params):
        yield row_to_card(row)


def note_path(conn: sqlite3.Connection, note_id: int | None) -> str | None:
    if note_id is None:
        return None
    row = conn.execute("SELECT path FROM notes WHERE id = ?", (note_id,)).fetchone()
    return str(row[0]) if row else None


# --- what an import needs: the stored side of a note's cards, written in bulk ---


class StoredCard(NamedTuple):
    """A card as an import compares it with what a note now says."""

    id: int
    note_id: int | None
    deck: str
    kind: str
    sibling: int
    qhash: str
    front: str
    back: str
    line: int | None
    end_line: int | None
    due: str | None
    interval: float | None
    ease: int | None
    state: str
    note_sched: str | None
    dirty: int
    raw_group: str | None
    buried_until: str | None
    reps: int
    lapses: int


STORED_COLUMNS = ", ".join(StoredCard._fields)

#: A new card from a note (the other columns keep their defaults).
_INSERT_CARD = (
    "INSERT INTO cards (id, note_id, deck, kind, sibling, qhash, front, back, line, end_line,"
    " due, interval, ease, state, note_sched, raw_group)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
#: The StoredCard fields an import rewrites in a card it matched (the others: a review's).
UPDATE_COLUMNS = (
    "note_id",
    "deck",
    "kind",
    "sibling",
    "qhash",
    "front",
    "back",
    "line",
    "end_line",
    "due",
    "interval",
    "ease",
    "state",
    "note_sched",
    "dirty",
    "raw_group",
)
#: A StoredCard as an UPDATE_COLUMNS row, its id last.
_UPDATE_ROW = attrgetter(*UPDATE_COLUMNS, "id")


def sched_text(
    due: str | None, interval: float | None, ease: int | None, raw: str | None = None
) -> str | None:
    """A stored schedule as `format_group` writes it ("2025-02-22,3,250"), None for a new card.

    Compared with `cards.note_sched` and with a note's group to tell who changed what."""
    if raw:
        return raw
    if due is None or interval is None or ease is None:
        return None
    if interval == int(interval):
        ivl = str(int(interval))
    else:
        ivl = repr(float(interval))
    return f"{due},{ivl},{int(ease)}"


def cards_of_notes(
    conn: sqlite3.Connection, note_ids: Sequence[int]
) -> dict[int, list[StoredCard]]:
    """Every card (deleted ones too) of these notes, in one query."""
    out: dict[int, list[StoredCard]] = {}
    if not note_ids:
        return out
    rows = conn.execute(
        f"SELECT {STORED_COLUMNS} FROM cards"  # noqa: S608 - constant columns
        " WHERE note_id IN (SELECT value FROM json_each(?)) ORDER BY note_id, line, sibling, id",
        (json.dumps(list(note_ids)),),
    )
    for row in rows:
        card = StoredCard._make(row)
        out.setdefault(card.note_id, []).append(card)  # type: ignore[arg-type]  # IN (note ids)
    return out


def orphans_by_qhash(
    conn: sqlite3.Connection, qhashes: Sequence[str], gone_note_ids: Sequence[int]
) -> list[StoredCard]:
    """Cards a note's new questions may be: those of notes gone from their path in
    this import (a moved or renamed note) first, then deleted ones."""
    if not qhashes:
        return []
    wanted = json.dumps(sorted(set(qhashes)))
    rows = []
    if gone_note_ids:
        rows = conn.execute(
            f"SELECT {STORED_COLUMNS} FROM cards"  # noqa: S608 - constant columns
            " WHERE note_id IN (SELECT value FROM json_each(?)) AND state != 'deleted'"
            " AND qhash IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json.dumps(list(gone_note_ids)), wanted),
        ).fetchall()
    rows += conn.execute(
        f"SELECT {STORED_COLUMNS} FROM cards"  # noqa: S608 - constant columns
        " WHERE state = 'deleted' AND qhash IN (SELECT value FROM json_each(?))"
        " AND kind != 'drill' ORDER BY id",
        (wanted,),
    ).fetchall()
    return [StoredCard._make(r) for r in rows]


def next_id(conn: sqlite3.Connection, table: str) -> int:
    """The first free id (inside the caller's write transaction, so it stays free)."""
    if table not in ("cards", "notes", "log"):
        raise ValueError(table)
    sql = f"SELECT coalesce(max(id), 0) + 1 FROM {table}"  # noqa: S608 - checked above
    return int(conn.execute(sql).fetchone()[0])


def insert_cards(conn: sqlite3.Connection, rows: Sequence[Sequence[object]]) -> None:
    """Rows of (id, note_id, deck, kind, sibling, qhash, front, back, line, end_line, due,
    interval, ease, state, note_sched, raw_group): new cards of notes."""
    if rows:
        conn.executemany(_INSERT_CARD, rows)


def insert_drill_cards(conn: sqlite3.Connection, rows: Sequence[tuple[int, str, str, str]]) -> None:
    """Rows of (id, deck, kind, front): new drill cards (kind 'drill', no note)."""
    conn.executemany(
        "INSERT INTO cards (id, note_id, deck, kind, sibling, qhash, front, back, drill_kind)"
        " VALUES (?, NULL, ?, 'drill', 0, 'drill:' || ?, ?, '', ?)",
        [(cid, deck, kind, front, kind) for cid, deck, kind, front in rows],
    )


def update_cards(conn: sqlite3.Connection, cards: Sequence[StoredCard]) -> None:
    """Store what an import changed in these cards: their UPDATE_COLUMNS."""
    if cards:
        sets = ", ".join(f"{c} = ?" for c in UPDATE_COLUMNS)
        sql = f"UPDATE cards SET {sets} WHERE id = ?"  # noqa: S608 - constant columns
        conn.executemany(sql, map(_UPDATE_ROW, cards))


def has_drill_cards(conn: sqlite3.Connection, deck: str) -> bool:
    """Some drill card (no note) is in `deck`."""
    row = conn.execute(
        "SELECT 1 FROM cards WHERE note_id IS NULL AND kind = 'drill' AND deck = ? LIMIT 1",
        (deck,),
    ).fetchone()
    return row is not None


def stored_drill_cards(conn: sqlite3.Connection) -> list[StoredCard]:
    """Every drill card, deleted ones too (a kind asked for again gets its history back)."""
    rows = conn.execute(
        f"SELECT {STORED_COLUMNS} FROM cards"  # noqa: S608 - constant columns
        " WHERE note_id IS NULL AND kind = 'drill'"
    )
    return [StoredCard._make(row) for row in rows]
