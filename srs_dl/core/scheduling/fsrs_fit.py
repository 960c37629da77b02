"""How well FSRS weights predict a review log, and review logs drawn from known weights.

`srs-dl fsrs optimize` fits weights with py-fsrs's optimizer and judges them here, with
the plugin's own scheduler (`fsrs.review`), on reviews held out from the fit: for
each review after the first on a later day than the card's last, the predicted
retrievability against what happened (recalled unless rated Again). Log loss is the
mean binary cross-entropy; RMSE the root mean squared error of the predictions.

`simulate` draws a log from known weights, for testing the optimizer: each card is
reviewed when its schedule says, recalled with the retrievability the true weights
give at that moment. Pure: the randomness is the `rng` passed in.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from srs_dl.core.scheduling import fsrs
from srs_dl.core.scheduling.fsrs import FsrsParameters, State

_DAY = dt.timedelta(days=1)
#: Predictions are kept off 0 and 1 so one confident miss cannot make the loss infinite.
_EPS = 1e-7


@dataclass(frozen=True, slots=True)
class Review:
    card: Hashable
    at: dt.datetime
    rating: int


@dataclass(frozen=True, slots=True)
class Fit:
    """How well some weights predict a set of reviews."""

    log_loss: float
    rmse: float
    #: Reviews that were predicted (a card's first review and same-day ones are not).
    reviews: int


def histories(reviews: Iterable[Review]) -> dict[Hashable, list[Review]]:
    """Each card's reviews in time order."""
    out: dict[Hashable, list[Review]] = {}
    for r in reviews:
        out.setdefault(r.card, []).append(r)
    for card_reviews in out.values():
        card_reviews.sort(key=lambda r: r.at)
    return out


def split(
    by_card: Mapping[Hashable, Sequence[Review]], held_out: float, rng: random.Random
) -> tuple[list[Review], list[Review]]:
    """(fit, held out): whole cards go to one side, about `held_out` of them held out."""
    if not 0 < held_out < 1:
        raise ValueError(f"the held-out share must be between 0 and 1, not {held_out}")
    cards = sorted(by_card, key=repr)
    rng.shuffle(cards)
    cut = max(1, round(len(cards) * held_out)) if len(cards) > 1 else 0
    test_cards = set(cards[:cut])
    fit = [r for c in cards if c not in test_cards for r in by_card[c]]
    test = [r for c in cards if c in test_cards for r in by_card[c]]
    return fit, test


def evaluate(reviews: Iterable[Review], params: FsrsParameters) -> Fit:
    """Log loss and RMSE of the weights' predictions over `reviews`."""
    loss = 0.0
    squares = 0.0
    n = 0
    for card_reviews in histories(reviews).values():
        card: fsrs.FsrsSchedule | None = None
        for r in card_reviews:
            if (
                card is not None
                and card.state != State.NEW
                and card.last_review is not None
                and fsrs.elapsed_days(card.last_review, r.at) > 0
            ):
                p = fsrs.forgetting_curve(
                    params, fsrs.elapsed_days(card.last_review, r.at), card.stability
                )
                p = min(max(p, _EPS), 1 - _EPS)
                y = 0.0 if r.rating == 1 else 1.0
                loss -= y * math.log(p) + (1 - y) * math.log(1 - p)
                squares += (p - y) ** 2
                n += 1
            card = fsrs.review(card, r.rating, r.at, params)
    if n == 0:
        raise ValueError("no review to predict: each card needs reviews on two days or more")
    return Fit(loss / n, math.sqrt(squares / n), n)


def simulate(
    true_params: FsrsParameters,
    rng: random.Random,
    *,
    cards: int,
    days: int,
    start: dt.datetime,
    new_per_day: int = 20,
) -> list[Review]:
    """A review log drawn from `true_params` (see the module's docstring)."""
    if start.tzinfo is None:
        raise ValueError("the start time must carry a timezone")
    end = start + days * _DAY
    out: list[Review] = []
    for k in range(cards):
        # New cards arrive `new_per_day` a day, each at its own time of day.
        t = start + (k // new_per_day) * _DAY + dt.timedelta(minutes=rng.randrange(8 * 60, 22 * 60))
        card: fsrs.FsrsSchedule | None = None
        while t < end:
            if card is None or card.state == State.NEW or card.last_review is None:
                rating = rng.choices((1, 2, 3, 4), weights=(20, 15, 50, 15))[0]
            else:
                elapsed = (t - card.last_review) / _DAY
                recall = (1 + true_params.factor * elapsed / card.stability) ** true_params.decay
                if rng.random() >= recall:
                    rating = 1
                else:
                    rating = rng.choices((2, 3, 4), weights=(15, 70, 15))[0]
            out.append(Review(k, t, rating))
            card = fsrs.review(card, rating, t, true_params)
            # Reviewed when due; a review due overnight waits for the morning.
            t = card.due
            if card.interval >= 1:
                t += dt.timedelta(minutes=rng.randrange(0, 12 * 60))
    return out
