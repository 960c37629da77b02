"""Card rows <-> CardRow, and the queries that list them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

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
        """A burial ends on its date: the card is then new or in review again."""
        if self.state == "buried" and self.buried_until is not None and self.buried_until <= today:
            return "new" if self.due is None else "review"
        return self.state


def row_to_card(row: Sequence[object]) -> CardRow:
    (cid, note_id, deck, kind, sibling, qhash, front, back, line, end_line, due, interval, ease,
     state, buried_until, reps, lapses, note_sched, dirty, raw_group, drill_kind) = row
    return CardRow(
        id=int(cid),  # type: ignore[arg-type]
        note_id=note_id,  # type: ignore[arg-type]
        deck=str(deck),
        kind=str(kind),
        sibling=int(sibling),  # type: ignore[arg-type]
        qhash=str(qhash),
        front=str(front),
        back=str(back),
        line=line,  # type: ignore[arg-type]
        end_line=end_line,  # type: ignore[arg-type]
        due=dt.date.fromisoformat(due) if due else None,  # type: ignore[arg-type]
        interval=interval,  # type: ignore[arg-type]
        ease=ease,  # type: ignore[arg-type]
        state=str(state),
        buried_until=dt.date.fromisoformat(buried_until) if buried_until else None,  # type: ignore[arg-type]
        reps=int(reps),  # type: ignore[arg-type]
        lapses=int(lapses),  # type: ignore[arg-type]
        note_sched=note_sched,  # type: ignore[arg-type]
        dirty=bool(dirty),
        raw_group=raw_group,  # type: ignore[arg-type]
        drill_kind=drill_kind,  # type: ignore[arg-type]
    )


def get_card(conn: sqlite3.Connection, card_id: int) -> CardRow | None:
    row = conn.execute(f"SELECT {CARD_COLUMNS} FROM cards WHERE id = ?", (card_id,)).fetchone()
    return row_to_card(row) if row else None


def deck_clause(deck: str | None) -> tuple[str, list[object]]:
    """SQL matching a deck and its sub-decks ("a" matches "a" and "a/b", never "ab")."""
    if not deck:
        return "1", []
    deck = deck.strip("/").lstrip("#")
    return "(deck = ? OR substr(deck, 1, ?) = ?)", [deck, len(deck) + 1, deck + "/"]


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
    sql = f"SELECT {CARD_COLUMNS} FROM cards WHERE {where} ORDER BY deck, note_id, line, sibling, id"
    for row in conn.execute(sql, params):
        yield row_to_card(row)


def note_path(conn: sqlite3.Connection, note_id: int | None) -> str | None:
    if note_id is None:
        return None
    row = conn.execute("SELECT path FROM notes WHERE id = ?", (note_id,)).fetchone()
    return str(row[0]) if row else None
