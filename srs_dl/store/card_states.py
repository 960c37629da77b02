"""A card row as the core's card model (`core.scheduling.card.CardState`), and back.

An FSRS card's state lives in `cards.raw_group`: the exact `fsrs,...` group its
comment holds (the plugin's own text, every field, byte for byte), so write-back
copies it and an undo restores it with the rest of the log's snapshot. `due`,
`interval` and `ease` mirror it for what reads them (the queue, the deck list,
the statistics and their indexes): the local day it falls due, the written
interval, and the plugin's ease for its difficulty. No extra column: the group
is the state, and two copies of it could drift apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from srs_dl.core.notes.fsrs_group import format_fsrs_group, is_fsrs, parse_fsrs_group
from srs_dl.core.scheduling.card import CardState
from srs_dl.core.scheduling.fsrs import FsrsSchedule
from srs_dl.core.scheduling.sm2 import Sm2Schedule
from srs_dl.store.cards import CardRow


def fsrs_schedule(raw_group: str | None, tz: dt.tzinfo) -> FsrsSchedule | None:
    """The FSRS state a stored group holds, its times in `tz`; None if it holds none
    (no group, an SM-2 one, or an FSRS group without a due time)."""
    if raw_group is None or not is_fsrs(raw_group):
        return None
    try:
        s = parse_fsrs_group(raw_group)
    except ValueError:
        return None
    return FsrsSchedule(
        due=s.due.astimezone(tz),
        interval=s.interval,
        stability=s.stability,
        difficulty=s.difficulty,
        state=s.state,
        reps=s.reps,
        lapses=s.lapses,
        learning_steps=s.learning_steps,
        last_review=None if s.last_review is None else s.last_review.astimezone(tz),
    )


def card_state(row: CardRow, tz: dt.tzinfo) -> CardState:
    """The row's scheduling state (`CardRow.scheduling`), with the FSRS state its
    group holds; FSRS times in the user's timezone `tz`."""
    state = row.scheduling
    schedule = fsrs_schedule(row.raw_group, tz)
    return state if schedule is None else replace(state, schedule=schedule)


def snapshot(card: CardState, raw_group: str | None) -> dict[str, Any]:
    """The log's snapshot (store.log.SNAPSHOT_KEYS) of a card state. `raw_group`:
    what the row held, kept for an SM-2 or unscheduled card (a group it came with
    that nothing here has replaced)."""
    s = card.schedule
    if isinstance(s, FsrsSchedule):
        due: str | None = s.due_day.isoformat()
        interval: float | None = s.interval
        ease: int | None = s.ease
        raw_group = format_fsrs_group(s)
    elif isinstance(s, Sm2Schedule):
        due, interval, ease, raw_group = s.due.isoformat(), s.interval, s.ease, None
    else:
        due, interval, ease = None, None, None
    return {
        "due": due,
        "interval": interval,
        "ease": ease,
        "state": card.state,
        "buried_until": card.buried_until.isoformat() if card.buried_until else None,
        "reps": card.reps,
        "lapses": card.lapses,
        "raw_group": raw_group,
    }
