"""`srs-dl fsrs optimize`: FSRS weights fitted to the deck's own review log.

The fit is py-fsrs's optimizer (gradient descent on the FSRS-6 model through torch,
an optional extra: `pip install 'srs-dl[optimizer]'`); the judging is ours
(`core.scheduling.fsrs_fit`): a share of the cards is held out of the fit, and the
log loss of the default weights and of the fitted ones is measured on them with the
plugin's scheduler. The fitted weights are stored only when they predict the
held-out reviews at least as well as the weights in use.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from srs_dl.core.scheduling import fsrs_fit
from srs_dl.core.scheduling.fsrs import DEFAULT_WEIGHTS, FsrsParameters, clip_weights
from srs_dl.core.scheduling.fsrs_fit import Fit, Review
from srs_dl.store import fsrs_weights, review_history
from srs_dl.store.db import transaction

MISSING = (
    "the FSRS optimizer needs torch, which srs-dl does not install by default:"
    " pip install 'srs-dl[optimizer]'"
)
#: Below this, a fit says more about chance than about your memory.
MIN_REVIEWS = 512


class OptimizerError(Exception):
    """One line: the optimizer is not installed, or the log is too small."""


@dataclass(frozen=True, slots=True)
class Report:
    reviews: int
    fit_reviews: int
    held_out_reviews: int
    before: Fit
    after: Fit
    weights: tuple[float, ...]
    stored: bool


def fit_weights(reviews: Sequence[Review]) -> tuple[float, ...]:
    """py-fsrs's optimizer over `reviews`; clipped to the bounds ts-fsrs enforces."""
    try:
        import torch  # noqa: F401  (py-fsrs's optimizer silently degrades without it)
        from fsrs import Optimizer, Rating, ReviewLog
    except ImportError:
        raise OptimizerError(MISSING) from None
    ids: dict[object, int] = {}
    logs = [
        ReviewLog(
            card_id=ids.setdefault(r.card, len(ids) + 1),
            rating=Rating(r.rating),
            review_datetime=r.at.astimezone(dt.UTC),
            review_duration=None,
        )
        for r in reviews
    ]
    weights = Optimizer(logs).compute_optimal_parameters()
    return clip_weights([float(w) for w in weights], relearning_steps=1)


def optimize_reviews(
    reviews: Sequence[Review],
    current: tuple[float, ...],
    *,
    held_out: float = 0.2,
    seed: int = 0,
) -> tuple[list[Review], list[Review], Fit, Fit, tuple[float, ...]]:
    """(fit set, held-out set, current weights' fit, fitted weights' fit, fitted weights)."""
    by_card = fsrs_fit.histories(reviews)
    train, test = fsrs_fit.split(by_card, held_out, random.Random(seed))
    weights = fit_weights(train)
    before = fsrs_fit.evaluate(test, FsrsParameters(weights=current))
    after = fsrs_fit.evaluate(test, FsrsParameters(weights=weights))
    return train, test, before, after, weights


def optimize(
    conn: sqlite3.Connection, *, held_out: float = 0.2, seed: int = 0, dry_run: bool = False
) -> Report:
    """Fit, judge on held-out cards, store when no worse (see the module's docstring)."""
    reviews = [Review(c, t, r) for c, t, r in review_history.reviews(conn)]
    if len(reviews) < MIN_REVIEWS:
        raise OptimizerError(
            f"{len(reviews)} reviews in the log; the optimizer needs at least {MIN_REVIEWS}"
        )
    current = fsrs_weights.load(conn) or DEFAULT_WEIGHTS
    try:
        train, test, before, after, weights = optimize_reviews(
            reviews, current, held_out=held_out, seed=seed
        )
    except ValueError as exc:
        raise OptimizerError(str(exc)) from None
    stored = not dry_run and after.log_loss <= before.log_loss
    if stored:
        info = {
            "fitted_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "reviews": len(reviews),
            "held_out_reviews": after.reviews,
            "log_loss_before": before.log_loss,
            "log_loss_after": after.log_loss,
            "rmse_before": before.rmse,
            "rmse_after": after.rmse,
        }
        with transaction(conn):
            fsrs_weights.save(conn, weights, info)
    return Report(len(reviews), len(train), len(test), before, after, weights, stored)


def current_weights(
    conn: sqlite3.Connection,
) -> tuple[tuple[float, ...] | None, dict[str, object] | None]:
    """(the deck's fitted weights or None for the defaults, what they were fitted on)."""
    weights = fsrs_weights.load(conn)
    return weights, (fsrs_weights.fit_info(conn) if weights is not None else None)


def reset_weights(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        fsrs_weights.clear(conn)
