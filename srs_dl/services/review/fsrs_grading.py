"""One review of a card FSRS schedules, inside the caller's transaction.

A card is FSRS's when its stored group is an FSRS group, or when its note's
vault schedules with FSRS (services/review/scheduling_choice.py): then a new card gets
an FSRS schedule and an SM-2 card is converted at this review, as the plugin
does after a switch. The core (`core.scheduling.card.review`) computes; this
module maps the row, stores the result and logs it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from typing import Any

from srs_dl.config import Config, resolve_now
from srs_dl.core.notes.fsrs_group import is_fsrs
from srs_dl.core.scheduling import card as card_model
from srs_dl.core.scheduling import fsrs
from srs_dl.core.scheduling.card import Rating
from srs_dl.core.scheduling.fsrs import FsrsSchedule
from srs_dl.services.review.scheduling_choice import SchedulingChoice, review_context
from srs_dl.store import card_states
from srs_dl.store import log as logstore
from srs_dl.store import reviews as store
from srs_dl.store.cards import CardRow


def uses_fsrs(card: CardRow, choice: SchedulingChoice) -> bool:
    """FSRS schedules this card's next review."""
    if card.raw_group is not None and is_fsrs(card.raw_group):
        return card_states.fsrs_schedule(card.raw_group, dt.UTC) is not None or (
            choice.algorithm == "fsrs"
        )
    return choice.algorithm == "fsrs"


def review_fsrs(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    before: CardRow,
    response: str,
    choice: SchedulingChoice,
    *,
    now: dt.datetime | None,
    detail: Mapping[str, Any] | None,
    action: str,
    note_sched_differs: Any,
) -> tuple[dict[str, Any], int]:
    """Review (or reset) `before` with FSRS; (the snapshot stored, log id)."""
    when = now if now is not None else resolve_now(today)
    tz = when.tzinfo
    assert tz is not None
    state = card_states.card_state(before, tz)
    context = review_context(choice, config)
    if response == "reset":
        after_state, _ = card_model.reset(state, when, context)
    else:
        after_state, _ = card_model.review(state, Rating.parse(response), when, context)
    after = card_states.snapshot(after_state, before.raw_group)
    text = after["raw_group"]
    store.set_schedule(conn, before.id, after, dirty=note_sched_differs(text))
    log_id = logstore.append(
        conn,
        card_id=before.id,
        note_id=before.note_id,
        day=today,
        action=action,
        response=response,
        before=logstore.snapshot(before),
        after=after,
        detail=detail,
        # The time FSRS scheduled from (SRS_DL_NOW or the clock): the optimizer reads it.
        at=when.astimezone(dt.UTC).isoformat(timespec="milliseconds"),
    )
    return after, log_id


def button_labels(
    card: CardRow, choice: SchedulingChoice, config: Config, now: dt.datetime
) -> dict[str, str]:
    """What each button would give this FSRS card now: "Good 10 min", "Easy 8d"."""
    tz = now.tzinfo
    assert tz is not None
    context = review_context(choice, config)
    previews = card_model.preview(card_states.card_state(card, tz), now, context)
    labels: dict[str, str] = {}
    for rating, after in previews.items():
        assert isinstance(after.schedule, FsrsSchedule)
        labels[rating.label] = fsrs.interval_text(after.schedule, fsrs.to_millisecond(now))
    return labels
