"""srs-dl's schedule and log as Anki's card columns and revlog rows.

Anki counts a review card's due date in days from its collection's day 0, so the
caller gives Anki's "today" (that day number) with srs-dl's today: a card due in
three days here is due in three days there. Ease x10 is Anki's factor; a card
scheduled by something other than SM-2 (FSRS) has no ease and gets Anki's
starting factor, 2500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Anki's starting ease (250%) for a card that has none here.
DEFAULT_FACTOR = 2500

#: srs-dl's answers as Anki's buttons.
BUTTONS = {"again": 1, "hard": 2, "good": 3, "easy": 4}

# Anki's card types and queues (rslib card/mod.rs) and revlog kinds (revlog/mod.rs).
TYPE_NEW, TYPE_REVIEW = 0, 2
QUEUE_SUSPENDED, QUEUE_USER_BURIED, QUEUE_NEW, QUEUE_REVIEW = -1, -3, 0, 2
REVLOG_LEARN, REVLOG_REVIEW, REVLOG_MANUAL = 0, 1, 4


@dataclass(frozen=True, slots=True)
class AnkiCard:
    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int


def days(interval: float | None) -> int:
    """Anki keeps whole days; a review interval is at least one."""
    if interval is None:
        return 0
    return max(1, int(interval + 0.5))


def factor(ease: int | None) -> int:
    return DEFAULT_FACTOR if ease is None else int(ease) * 10


def anki_card(
    *,
    state: str,
    due: dt.date | None,
    interval: float | None,
    ease: int | None,
    reps: int,
    lapses: int,
    buried_until: dt.date | None,
    today: dt.date,
    anki_today: int,
    new_position: int,
) -> AnkiCard:
    """The Anki columns of one card (a new card keeps its place in the new queue)."""
    buried = state == "buried" and (buried_until is None or buried_until > today)
    if due is None:
        queue = QUEUE_SUSPENDED if state == "suspended" else QUEUE_NEW
        if buried:
            queue = QUEUE_USER_BURIED
        return AnkiCard(TYPE_NEW, queue, new_position, 0, 0, reps, lapses)
    queue = QUEUE_REVIEW
    if state == "suspended":
        queue = QUEUE_SUSPENDED
    elif buried:
        queue = QUEUE_USER_BURIED
    return AnkiCard(
        TYPE_REVIEW,
        queue,
        anki_today + (due - today).days,
        max(1, days(interval)),  # a due date without an interval: Anki's shortest
        factor(ease),
        reps,
        lapses,
    )


@dataclass(frozen=True, slots=True)
class Revlog:
    id: int
    card_id: int  # srs-dl's card id; the caller maps it to Anki's
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    type: int


@dataclass(frozen=True, slots=True)
class LoggedChange:
    """What revlog_rows needs of one log entry."""

    log_id: int
    card_id: int
    at: str
    action: str
    response: str | None
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    undoes: int | None


def _millis(at: str) -> int:
    stamp = dt.datetime.fromisoformat(at)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return int(stamp.timestamp() * 1000)


def revlog_rows(entries: Iterable[LoggedChange]) -> list[Revlog]:
    """Anki revlog rows for the reviews, resets and schedule changes read from notes,
    in log order; undo rows and the entries they cancel are left out.

    A revlog id is its time in milliseconds: entries logged in the same millisecond
    (an import's schedule changes) get the next free one, so ids are unique and the
    same at every export (Anki skips a revlog id it already has: no duplicates).
    """
    entries = list(entries)
    kept = [e for e in entries if e.action in ("review", "reset", "schedule")]
    undone = {e.undoes for e in entries if e.action == "undo" and e.undoes is not None}
    out: list[Revlog] = []
    last = 0
    for e in sorted(kept, key=lambda e: e.log_id):
        if e.log_id in undone:
            continue
        before, after = e.before or {}, e.after or {}
        rid = max(_millis(e.at), last + 1)
        last = rid
        if e.action == "review" and e.response in BUTTONS:
            button = BUTTONS[e.response]
            kind = REVLOG_LEARN if before.get("state") == "new" else REVLOG_REVIEW
        else:
            button, kind = 0, REVLOG_MANUAL
        out.append(
            Revlog(
                id=rid,
                card_id=e.card_id,
                ease=button,
                ivl=days(after.get("interval")),
                last_ivl=days(before.get("interval")),
                factor=factor(after.get("ease")) if after.get("due") else 0,
                type=kind,
            )
        )
    return out
