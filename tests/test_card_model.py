"""The one card model (core.scheduling.card): ratings, burials, a review and its log entry."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs_dl.core.scheduling import sm2
from srs_dl.core.scheduling.card import (
    RATINGS,
    CardState,
    Rating,
    ReviewContext,
    preview,
    reset,
    review,
)
from srs_dl.core.scheduling.sm2 import SchedulerSettings, Sm2Schedule

TODAY = dt.date(2025, 3, 1)
NOW = dt.datetime(2025, 3, 1, 9, 30)


def reviewed(
    due: dt.date, interval: float = 10, ease: int = 250, state: str = "review", **kw: object
) -> CardState:
    return CardState(state, Sm2Schedule(due, interval, ease), **kw)  # type: ignore[arg-type]


def test_ratings_are_numbered_as_fsrs_numbers_them() -> None:
    assert [int(r) for r in RATINGS] == [1, 2, 3, 4]
    assert [r.label for r in RATINGS] == ["again", "hard", "good", "easy"]
    assert Rating.parse(" Good ") is Rating.GOOD
    assert Rating.parse("4") is Rating.EASY
    with pytest.raises(ValueError, match="unknown rating 'reset'"):
        Rating.parse("reset")


def test_a_burial_ends_on_its_day() -> None:
    new = CardState("buried", None, buried_until=TODAY)
    assert new.effective_state(TODAY - dt.timedelta(days=1)) == "buried"
    assert new.effective_state(TODAY) == "new"
    old = reviewed(TODAY, state="buried", buried_until=TODAY)
    assert old.effective_state(TODAY) == "review"
    # Buried with no end: until the store clears it.
    assert CardState("buried", None).effective_state(TODAY + dt.timedelta(days=999)) == "buried"
    assert CardState("suspended", None).effective_state(TODAY) == "suspended"


def test_a_new_card_is_scheduled_from_the_base_or_the_notes_ease() -> None:
    card = CardState()
    after, log = review(card, Rating.GOOD, NOW, ReviewContext())
    assert after == CardState("review", Sm2Schedule(TODAY + dt.timedelta(days=3), 3.0, 250), reps=1)
    assert after.due == TODAY + dt.timedelta(days=3)
    assert (log.action, log.rating, log.response, log.reviewed_at) == (
        "review",
        Rating.GOOD,
        "good",
        NOW,
    )
    assert (log.before, log.after) == (card, after)
    after, _ = review(card, Rating.GOOD, NOW, ReviewContext(new_ease=300))
    assert after.schedule == Sm2Schedule(TODAY + dt.timedelta(days=3), 3.0, 300)


def test_again_counts_a_lapse_only_for_a_card_already_learnt() -> None:
    after, _ = review(CardState(), Rating.AGAIN, NOW, ReviewContext())
    assert (after.reps, after.lapses) == (1, 0)
    after, _ = review(reviewed(TODAY, reps=4, lapses=1), Rating.AGAIN, NOW, ReviewContext())
    assert (after.reps, after.lapses) == (5, 2)
    assert after.schedule == Sm2Schedule(TODAY, 0.0, 230)  # due again today


def test_review_unburies_and_load_balances_over_the_contexts_histogram() -> None:
    card = reviewed(TODAY, 10, 250, state="buried", buried_until=TODAY)
    plain, _ = review(card, Rating.GOOD, NOW, ReviewContext())
    assert plain.state == "review" and plain.buried_until is None
    assert plain.schedule == Sm2Schedule(TODAY + dt.timedelta(days=25), 25.0, 250)
    busy, _ = review(card, Rating.GOOD, NOW, ReviewContext(histogram={25: 9, 24: 1}))
    assert busy.schedule == Sm2Schedule(TODAY + dt.timedelta(days=26), 26.0, 250)


def test_suspended_and_deleted_cards_are_not_reviewed() -> None:
    for state in ("suspended", "deleted"):
        with pytest.raises(ValueError, match=f"a {state} card cannot be reviewed"):
            review(reviewed(TODAY, state=state), Rating.GOOD, NOW, ReviewContext())
        with pytest.raises(ValueError):
            reset(reviewed(TODAY, state=state), NOW, ReviewContext())


def test_reset() -> None:
    settings = SchedulerSettings(base_ease=270)
    after, log = reset(
        reviewed(TODAY - dt.timedelta(days=40), 80, 310, reps=7), NOW, ReviewContext(settings)
    )
    assert after == CardState("review", Sm2Schedule(TODAY, 1.0, 270), reps=8)
    assert (log.action, log.rating, log.response) == ("reset", None, "reset")
    # A card never reviewed: the plugin changes nothing, the count still moves.
    after, _ = reset(CardState("buried", None, buried_until=TODAY, reps=2), NOW, ReviewContext())
    assert after == CardState("new", None, reps=3)


def test_preview_gives_every_rating() -> None:
    out = preview(reviewed(TODAY), NOW, ReviewContext())
    assert list(out) == list(RATINGS)
    assert out[Rating.GOOD].schedule == Sm2Schedule(TODAY + dt.timedelta(days=25), 25.0, 250)
    assert out[Rating.AGAIN].lapses == 1


@given(
    interval=st.floats(min_value=0, max_value=5000, allow_nan=False),
    ease=st.integers(min_value=130, max_value=500),
    overdue=st.integers(min_value=0, max_value=60),
    rating=st.sampled_from(RATINGS),
    histogram=st.dictionaries(st.integers(-5, 400), st.integers(0, 20), max_size=30),
)
def test_review_is_the_plugins_formula(
    interval: float, ease: int, overdue: int, rating: Rating, histogram: dict[int, int]
) -> None:
    schedule = Sm2Schedule(TODAY - dt.timedelta(days=overdue), interval, ease)
    after, _ = review(
        CardState("review", schedule), rating, NOW, ReviewContext(histogram=histogram)
    )
    assert after.schedule == sm2.review(schedule, rating.label, TODAY, histogram)
