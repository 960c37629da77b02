"""One card's scheduling state, and one review of it: the card model the whole app shares.

A `CardState` is frozen: the card's place in the queue (`QueueState`), when a
burial ends, its counters, and its `schedule`: an instance of one algorithm's
schedule type, or None for a card never reviewed. `review(card, rating, now,
context)` returns the card after the review and the `ReviewLog` entry that records
it, as py-fsrs's `review_card` does; the clock (`now`) and any randomness
(`context.rng`) are parameters, so the result is exact in tests.

How a second algorithm (FSRS) plugs in:
1. its module (beside `sm2.py`) defines a frozen schedule type, e.g. `FsrsSchedule`
   (due datetime, interval, stability, difficulty, fsrs state, reps, lapses,
   learning_steps, last_review), with a `due_day` property (the date it falls due:
   the queue, the forecast and burials read only that) and `interval` (days);
2. the type joins the `Schedule` union below, and a `_review_<algorithm>` function
   joins the dispatch in `review` / `preview` / `reset`, chosen by the type of
   `card.schedule` (for a card never reviewed: by `context.new_card_algorithm`);
3. its settings join `ReviewContext`.
Nothing else changes: the queue state, burials and the log are the algorithm's
neither, so `effective_state` and the counters stay here, written once.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Literal

from srs_dl.core.scheduling import sm2
from srs_dl.core.scheduling.sm2 import SchedulerSettings, Sm2Schedule

#: Where a card stands in the queue. "deleted": gone from its note (kept for its log).
QueueState = Literal["new", "review", "suspended", "buried", "deleted"]
QUEUE_STATES: tuple[QueueState, ...] = ("new", "review", "suspended", "buried", "deleted")

#: One algorithm's schedule; FSRS adds `| FsrsSchedule`.
Schedule = Sm2Schedule

#: The algorithms a card never reviewed can be scheduled with.
Algorithm = Literal["sm2"]


class Rating(IntEnum):
    """The four review buttons, numbered as py-fsrs and ts-fsrs number them (keys 1-4)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        """The word the log, the comments' tools and the CLI use: "again" ... "easy"."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Rating:
        """A rating from its word (any case, spaces around ignored) or its number 1-4."""
        key = text.strip().lower()
        for rating in cls:
            if key in (rating.label, str(rating.value)):
                return rating
        raise ValueError(f"unknown rating {text!r}: expected again, hard, good or easy")


def queue_state(
    state: QueueState | str, buried_until: dt.date | None, scheduled: bool, today: dt.date
) -> QueueState:
    """Where a card stands today: a burial ends on its date, the card is then new
    (`scheduled` False: never reviewed) or in review again. The one place this rule
    is written; the store's due-card queries mirror it in SQL (store.reviews)."""
    if state == "buried" and buried_until is not None and buried_until <= today:
        return "review" if scheduled else "new"
    return state  # type: ignore[return-value]  # a stored state is one of QUEUE_STATES


#: The ratings in button order.
RATINGS: tuple[Rating, ...] = tuple(Rating)


@dataclass(frozen=True, slots=True)
class CardState:
    """A card's scheduling state (its text, note and deck live in the store's row)."""

    state: QueueState = "new"
    #: None for a card never reviewed (or reset while new).
    schedule: Schedule | None = None
    #: A buried card comes back on this day (None: buried until the store clears it).
    buried_until: dt.date | None = None
    reps: int = 0
    lapses: int = 0

    @property
    def due(self) -> dt.date | None:
        """The day the card falls due (None: never reviewed)."""
        return None if self.schedule is None else self.schedule.due_day

    def effective_state(self, today: dt.date) -> QueueState:
        """A burial ends on its date: the card is then new or in review again."""
        return queue_state(self.state, self.buried_until, self.schedule is not None, today)


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """What a review needs besides the card, the rating and the clock."""

    sm2: SchedulerSettings = field(default_factory=SchedulerSettings)
    #: Days from the review day -> cards due that day, for SM-2-OSR's load balancing.
    histogram: Mapping[int, int] = field(default_factory=dict)
    #: The ease a card never reviewed starts from when its note has its own
    #: (`note_review.note_ease`); None: the base ease.
    new_ease: int | None = None
    #: The algorithm that schedules a card never reviewed.
    new_card_algorithm: Algorithm = "sm2"
    #: Randomness for an algorithm's fuzz; None: no fuzz (SM-2-OSR has none, its
    #: load balancing is deterministic).
    rng: random.Random | None = None


@dataclass(frozen=True, slots=True)
class ReviewLog:
    """One review or reset, as the log records it: the card before and after."""

    action: Literal["review", "reset"]
    #: None for a reset.
    rating: Rating | None
    reviewed_at: dt.datetime
    before: CardState
    after: CardState

    @property
    def response(self) -> str:
        """The log's response column: the rating's word, or "reset"."""
        return "reset" if self.rating is None else self.rating.label


def _reviewable(card: CardState) -> None:
    if card.state in ("deleted", "suspended"):
        raise ValueError(f"a {card.state} card cannot be reviewed")


def _after(card: CardState, schedule: Schedule | None, *, lapse: bool) -> CardState:
    """The card once graded: in review (new again if it has no schedule), unburied, counted."""
    return replace(
        card,
        state="review" if schedule is not None else "new",
        schedule=schedule,
        buried_until=None,
        reps=card.reps + 1,
        lapses=card.lapses + (1 if lapse else 0),
    )


def _algorithm(card: CardState, context: ReviewContext) -> Algorithm:
    if card.schedule is None:
        return context.new_card_algorithm
    if isinstance(card.schedule, Sm2Schedule):
        return "sm2"
    raise TypeError(f"no algorithm schedules {type(card.schedule).__name__}")


def _review_sm2(
    card: CardState, rating: Rating, now: dt.datetime, context: ReviewContext
) -> Sm2Schedule:
    result = sm2.review(
        card.schedule,
        rating.label,
        now.date(),
        context.histogram,
        context.sm2,
        new_ease=context.new_ease,
    )
    assert result is not None  # only Reset of a new card gives None
    return result


def review(
    card: CardState, rating: Rating, now: dt.datetime, context: ReviewContext
) -> tuple[CardState, ReviewLog]:
    """One review: the card after it and its log entry. `now.date()` is the review day.

    Raises ValueError for a deleted or suspended card.
    """
    _reviewable(card)
    algorithm = _algorithm(card, context)
    if algorithm == "sm2":
        schedule = _review_sm2(card, rating, now, context)
    else:  # pragma: no cover - every Algorithm has a branch above
        raise TypeError(f"no reviewer for {algorithm!r}")
    # A lapse is forgetting a card already learnt; Again on a new card is not one.
    lapse = rating == Rating.AGAIN and card.schedule is not None
    after = _after(card, schedule, lapse=lapse)
    return after, ReviewLog("review", rating, now, card, after)


def preview(card: CardState, now: dt.datetime, context: ReviewContext) -> dict[Rating, CardState]:
    """What each rating would give, for labels like "Good 8d"."""
    return {rating: review(card, rating, now, context)[0] for rating in RATINGS}


def reset(card: CardState, now: dt.datetime, context: ReviewContext) -> tuple[CardState, ReviewLog]:
    """The plugin's Reset: a reviewed card starts over (due today, the first interval,
    the base ease); a card never reviewed is left unscheduled (only its count moves).
    """
    _reviewable(card)
    schedule: Schedule | None = None
    if card.schedule is not None and _algorithm(card, context) == "sm2":
        schedule = Sm2Schedule(now.date(), sm2.INITIAL_INTERVAL, context.sm2.base_ease)
    after = _after(card, schedule, lapse=False)
    return after, ReviewLog("reset", None, now, card, after)
