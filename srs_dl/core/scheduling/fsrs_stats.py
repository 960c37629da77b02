"""Statistics of the cards FSRS schedules: how likely each is to be recalled now
(retrievability), how stable their memories are, and the retention actually
achieved against the one asked for. Pure: the cards, the reviews and the time are
inputs."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from srs_dl.core.scheduling import fsrs
from srs_dl.core.scheduling.fsrs import FsrsParameters, FsrsSchedule, State
from srs_dl.core.stats import Bucket

_R_EDGES = (
    (0.0, 0.5, "<50%"),
    (0.5, 0.7, "50-70%"),
    (0.7, 0.8, "70-80%"),
    (0.8, 0.9, "80-90%"),
    (0.9, 0.95, "90-95%"),
    (0.95, None, "95-100%"),
)
_S_EDGES = (
    (0.0, 1.0, "<1d"),
    (1.0, 7.0, "1-7d"),
    (7.0, 30.0, "7-30d"),
    (30.0, 90.0, "30-90d"),
    (90.0, 365.0, "90d-1y"),
    (365.0, None, ">1y"),
)


@dataclass(frozen=True, slots=True)
class FsrsStats:
    #: FSRS cards, and of them those reviewed at least once (the ones bucketed).
    cards: int
    reviewed: int
    retrievability: tuple[Bucket, ...]
    stability: tuple[Bucket, ...]
    mean_retrievability: float | None
    desired_retention: float
    #: Reviews of FSRS cards in review (not in a learning step), and how many were
    #: recalled (anything but Again): the retention FSRS aims at.
    reviews: int
    recalled: int

    @property
    def true_retention(self) -> float | None:
        return self.recalled / self.reviews if self.reviews else None

    def to_json(self) -> dict[str, Any]:
        return {
            "cards": self.cards,
            "reviewed": self.reviewed,
            "retrievability": {b.label: b.count for b in self.retrievability},
            "stability": {b.label: b.count for b in self.stability},
            "mean_retrievability": self.mean_retrievability,
            "desired_retention": self.desired_retention,
            "true_retention": self.true_retention,
            "reviews": self.reviews,
            "recalled": self.recalled,
        }


def _buckets(
    values: list[float], edges: tuple[tuple[float, float | None, str], ...]
) -> tuple[Bucket, ...]:
    out = []
    for low, high, label in edges:
        n = sum(1 for v in values if v >= low and (high is None or v < high))
        out.append(Bucket(label, low, high, n))
    return tuple(out)


def fsrs_stats(
    schedules: Iterable[FsrsSchedule],
    reviews: Iterable[tuple[State, int]],
    now: dt.datetime,
    params: FsrsParameters,
) -> FsrsStats:
    """`reviews`: (the card's FSRS state before the review, the rating) of each review."""
    cards = 0
    rs: list[float] = []
    ss: list[float] = []
    for s in schedules:
        cards += 1
        if s.state == State.NEW or s.last_review is None or not s.stability > 0:
            continue
        rs.append(fsrs.retrievability(s, now, params))
        ss.append(s.stability)
    n = recalled = 0
    for state, rating in reviews:
        if state == State.REVIEW:
            n += 1
            recalled += rating != 1
    mean = math.fsum(rs) / len(rs) if rs else None
    return FsrsStats(
        cards,
        len(rs),
        _buckets(rs, _R_EDGES),
        _buckets(ss, _S_EDGES),
        mean,
        params.desired_retention,
        n,
        recalled,
    )
