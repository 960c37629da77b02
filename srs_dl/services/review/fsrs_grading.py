"""Which cards FSRS schedules, and what their review buttons show.

A card is FSRS's when its stored group is an FSRS group, or when its note's
vault schedules with FSRS (services/review/scheduling_choice.py): then a new card gets
an FSRS schedule and an SM-2 card is converted at its next review, as the plugin
does after a switch (`grading.review_card` reviews both kinds through the card model).
"""

from __future__ import annotations

import datetime as dt

from srs_dl.config import Config
from srs_dl.core.notes.fsrs_group import is_fsrs
from srs_dl.core.scheduling import card as card_model
from srs_dl.core.scheduling import fsrs
from srs_dl.core.scheduling.fsrs import FsrsSchedule
from srs_dl.services.review.scheduling_choice import SchedulingChoice, review_context
from srs_dl.store import card_states
from srs_dl.store.cards import CardRow


def uses_fsrs(card: CardRow, choice: SchedulingChoice) -> bool:
    """FSRS schedules this card's next review."""
    if card.raw_group is not None and is_fsrs(card.raw_group):
        return card_states.fsrs_schedule(card.raw_group, dt.UTC) is not None or (
            choice.algorithm == "fsrs"
        )
    return choice.algorithm == "fsrs"


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
