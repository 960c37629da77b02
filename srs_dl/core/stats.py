"""Review statistics from plain records: forecast, heatmap, distributions,
retention, streaks, drill accuracy, whole-note reviews.

Pure: the log and the cards come in as plain tuples (`Review`, `CardGroup`,
`DrillAnswer`, `NoteReview`, `NoteState`), today is a parameter.

Whole-note reviews (#review notes) are study too: they count in the streaks and
have a heatmap row, totals and a due forecast of their own. Retention, intervals
and eases stay the cards' alone: a note is rated Hard/Good/Easy (it cannot be
failed) and its interval grows by the note formula, so mixing them in would
skew the card numbers. Each record carries a `count` so a caller
may fold identical rows into one (the service lets SQLite fold a million log
rows into a few thousand: one per day, answer and young/mature) without
changing any result.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from srs_dl.core.scheduling.card import queue_state

#: The answers that count as reviews; "reset" is not an answer to a question.
GRADES = frozenset({"again", "hard", "good", "easy"})
#: A whole note is rated with these (the plugin gives a note no Again).
NOTE_GRADES = ("hard", "good", "easy")
#: Retention counts these as remembered: everything but Again, as Anki does (Hard is a
#: recall with effort, not a lapse: the card is not relearned).
PASSED = frozenset({"hard", "good", "easy"})
#: A card is mature from this interval on (days, before the review), as in Anki.
MATURE_DAYS = 21
FORECAST_DAYS = 30
HEATMAP_DAYS = 365

#: (label, lowest interval in days, first interval of the next bucket or None).
INTERVAL_BUCKETS: tuple[tuple[str, float, float | None], ...] = (
    ("1d", 0, 2),
    ("2d", 2, 3),
    ("3-6d", 3, 7),
    ("1-2w", 7, 14),
    ("2-3w", 14, 21),
    ("3w-1m", 21, 31),
    ("1-3m", 31, 91),
    ("3-6m", 91, 181),
    ("6m-1y", 181, 366),
    ("1y+", 366, None),
)
#: Ease is stored as a whole percentage (250 = 2.5); the plugin's floor is 130.
EASE_BUCKETS: tuple[tuple[str, float, float | None], ...] = (
    ("<150", 0, 150),
    ("150", 150, 170),
    ("170", 170, 190),
    ("190", 190, 210),
    ("210", 210, 230),
    ("230", 230, 250),
    ("250", 250, 270),
    ("270", 270, 290),
    ("290", 290, 310),
    ("310+", 310, None),
)


class Review(NamedTuple):
    """One answered review (or `count` alike), undone reviews already left out."""

    day: dt.date
    response: str
    #: The card was mature when reviewed: `is_mature(its interval before the review)`.
    mature: bool
    count: int = 1  # type: ignore[assignment]  # shadows tuple.count, never called here

    @classmethod
    def of(cls, day: dt.date, response: str, interval: float | None, count: int = 1) -> Review:
        """A review of a card whose interval before it was `interval` (None: a new card)."""
        return cls(day, response, is_mature(interval), count)


class CardGroup(NamedTuple):
    """`count` cards sharing these scheduling columns, as SQLite folds a deck for the
    statistics (GROUP BY): a bucket to count, not a card (a card's state is
    core.scheduling.card.CardState; the burial rule is its queue_state)."""

    state: str
    due: dt.date | None
    interval: float | None
    ease: int | None
    buried_until: dt.date | None = None
    count: int = 1  # type: ignore[assignment]  # shadows tuple.count, never called here


class DrillAnswer(NamedTuple):
    """A drill review: its kind and whether the typed answer was right."""

    kind: str
    correct: bool
    count: int = 1  # type: ignore[assignment]  # shadows tuple.count, never called here


class NoteReview(NamedTuple):
    """One rating of a whole note (or `count` alike), undone ones already left out."""

    day: dt.date
    response: str
    count: int = 1  # type: ignore[assignment]  # shadows tuple.count, never called here


class NoteState(NamedTuple):
    """A review note's due date (None: never reviewed), or `count` notes with that one."""

    due: dt.date | None
    count: int = 1  # type: ignore[assignment]  # shadows tuple.count, never called here


@dataclass(frozen=True, slots=True)
class Forecast:
    start: dt.date
    #: Cards due on start + i; the first day also holds the overdue cards.
    counts: tuple[int, ...]
    overdue: int


@dataclass(frozen=True, slots=True)
class DailyCounts:
    start: dt.date
    counts: tuple[int, ...]

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=len(self.counts) - 1)


@dataclass(frozen=True, slots=True)
class Bucket:
    label: str
    low: float
    high: float | None
    count: int


@dataclass(frozen=True, slots=True)
class Tally:
    """Reviews and how many of them passed (Hard, Good or Easy: not Again)."""

    reviews: int = 0
    passed: int = 0

    @property
    def rate(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.reviews + other.reviews, self.passed + other.passed)


@dataclass(frozen=True, slots=True)
class MonthRetention:
    month: str  # YYYY-MM
    young: Tally
    mature: Tally


@dataclass(frozen=True, slots=True)
class Streaks:
    current: int
    longest: int


@dataclass(frozen=True, slots=True)
class DrillAccuracy:
    kind: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True, slots=True)
class NoteStats:
    """Whole-note reviews: the review notes and their ratings."""

    #: Review notes (tagged #review or scheduled), and how many were never reviewed.
    total: int
    new: int
    reviews_total: int
    reviews_today: int
    days_reviewed: int
    #: Ratings by answer, each of NOTE_GRADES present.
    responses: dict[str, int]
    #: Scheduled notes due on each of the next days (new notes are not in it).
    forecast: Forecast
    #: Note ratings per day, over the same days as the cards' heatmap.
    heatmap: DailyCounts

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "new": self.new,
            "reviews": {
                "total": self.reviews_total,
                "today": self.reviews_today,
                "days": self.days_reviewed,
            },
            "responses": dict(self.responses),
            "forecast": _forecast_json(self.forecast),
            "reviews_per_day": _daily_json(self.heatmap),
        }


@dataclass(frozen=True, slots=True)
class Stats:
    today: dt.date
    cards: dict[str, int]
    reviews_total: int
    reviews_today: int
    days_reviewed: int
    streaks: Streaks
    forecast: Forecast
    heatmap: DailyCounts
    intervals: tuple[Bucket, ...]
    eases: tuple[Bucket, ...]
    mean_interval: float | None
    mean_ease: float | None
    retention: tuple[MonthRetention, ...]
    young: Tally
    mature: Tally
    notes: NoteStats
    #: Days with a review of a card or a note (the streaks count these).
    study_days: int
    drills: tuple[DrillAccuracy, ...] = field(default_factory=tuple)

    @property
    def study_heatmap(self) -> DailyCounts:
        """Card and note reviews together on each day of the heatmap."""
        return DailyCounts(
            self.heatmap.start,
            tuple(
                c + n for c, n in zip(self.heatmap.counts, self.notes.heatmap.counts, strict=True)
            ),
        )

    def to_json(self) -> dict[str, Any]:
        """The numbers as JSON-ready values (`srs-dl stats --json`)."""
        return {
            "today": self.today.isoformat(),
            "cards": dict(self.cards),
            "reviews": {
                "total": self.reviews_total,
                "today": self.reviews_today,
                "days": self.days_reviewed,
            },
            "streak": {"current": self.streaks.current, "longest": self.streaks.longest},
            "forecast": _forecast_json(self.forecast),
            "reviews_per_day": _daily_json(self.heatmap),
            "intervals": [_bucket_json(b) for b in self.intervals],
            "mean_interval": _round(self.mean_interval),
            "eases": [_bucket_json(b) for b in self.eases],
            "mean_ease": _round(self.mean_ease),
            "retention": {
                "young": _tally_json(self.young),
                "mature": _tally_json(self.mature),
                "months": [
                    {
                        "month": m.month,
                        "young": _tally_json(m.young),
                        "mature": _tally_json(m.mature),
                    }
                    for m in self.retention
                ],
            },
            "drills": [
                {
                    "kind": d.kind,
                    "answered": d.answered,
                    "correct": d.correct,
                    "accuracy": _round(d.accuracy),
                }
                for d in self.drills
            ],
            # Added with note reviews; the objects above keep their keys and card-only counts.
            "study_days": self.study_days,
            "notes": self.notes.to_json(),
        }


def _daily_json(d: DailyCounts) -> dict[str, Any]:
    return {"start": d.start.isoformat(), "end": d.end.isoformat(), "counts": list(d.counts)}


def _forecast_json(f: Forecast) -> dict[str, Any]:
    return {
        "overdue": f.overdue,
        "days": [
            {"date": (f.start + dt.timedelta(days=i)).isoformat(), "due": n}
            for i, n in enumerate(f.counts)
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _bucket_json(b: Bucket) -> dict[str, Any]:
    return {"bucket": b.label, "min": b.low, "max": b.high, "cards": b.count}


def _tally_json(t: Tally) -> dict[str, Any]:
    return {"reviews": t.reviews, "passed": t.passed, "rate": _round(t.rate)}


def is_mature(interval: float | None) -> bool:
    """Young: a new card or an interval under 21 days (before the review); mature after."""
    return interval is not None and interval >= MATURE_DAYS


# --- cards -------------------------------------------------------------------


def effective_state(card: CardGroup, today: dt.date) -> str:
    """A burial ends on its date (the card model's rule, for counted states)."""
    return queue_state(card.state, card.buried_until, card.due is not None, today)


def _scheduled(cards: Iterable[CardGroup], today: dt.date) -> Iterable[CardGroup]:
    """Cards with a schedule that will come up: in review, or buried for now."""
    for card in cards:
        if card.due is not None and effective_state(card, today) in ("review", "buried"):
            yield card


def card_counts(cards: Iterable[CardGroup], today: dt.date) -> dict[str, int]:
    counts = dict.fromkeys(("new", "review", "suspended", "buried", "deleted"), 0)
    for card in cards:
        state = effective_state(card, today)
        counts[state] = counts.get(state, 0) + card.count
    return counts


def due_forecast(cards: Iterable[CardGroup], today: dt.date, days: int = FORECAST_DAYS) -> Forecast:
    """Cards due on each of the next `days` days, today first (overdue cards count today).

    A buried card comes back on the day its burial ends, if that is after its due date.
    """
    counts = [0] * days
    overdue = 0
    for card in _scheduled(cards, today):
        assert card.due is not None
        due = card.due
        if effective_state(card, today) == "buried" and card.buried_until is not None:
            due = max(due, card.buried_until)
        offset = (due - today).days
        if offset < 0:
            overdue += card.count
            offset = 0
        if offset < days:
            counts[offset] += card.count
    return Forecast(start=today, counts=tuple(counts), overdue=overdue)


def histogram(
    values: Iterable[tuple[float, int]], buckets: Sequence[tuple[str, float, float | None]]
) -> tuple[Bucket, ...]:
    """Count (value, weight) pairs into buckets; a value below the first bucket goes in it.
    Only the last bucket is open-ended."""
    folded: Counter[float] = Counter()
    for value, weight in values:  # few distinct values among many cards
        folded[value] += weight
    # Only the last bucket is open-ended: every other has its upper edge.
    edges = [high for _label, _low, high in buckets[:-1] if high is not None]
    counts = [0] * len(buckets)
    for value, weight in folded.items():
        counts[bisect.bisect_right(edges, value)] += weight
    return tuple(
        Bucket(label, low, high, n) for (label, low, high), n in zip(buckets, counts, strict=True)
    )


def _weighted_mean(pairs: Iterable[tuple[float, int]]) -> float | None:
    total = weight = 0.0
    for value, n in pairs:
        total += value * n
        weight += n
    return total / weight if weight else None


def interval_distribution(cards: Iterable[CardGroup], today: dt.date) -> tuple[Bucket, ...]:
    return histogram(_interval_pairs(cards, today), INTERVAL_BUCKETS)


def ease_distribution(cards: Iterable[CardGroup], today: dt.date) -> tuple[Bucket, ...]:
    return histogram(_ease_pairs(cards, today), EASE_BUCKETS)


def _interval_pairs(cards: Iterable[CardGroup], today: dt.date) -> list[tuple[float, int]]:
    return [
        (float(c.interval), c.count) for c in _scheduled(cards, today) if c.interval is not None
    ]


def _ease_pairs(cards: Iterable[CardGroup], today: dt.date) -> list[tuple[float, int]]:
    return [(float(c.ease), c.count) for c in _scheduled(cards, today) if c.ease is not None]


# --- the log ---------------------------------------------------------------------


def _graded(reviews: Iterable[Review]) -> Iterable[Review]:
    return (r for r in reviews if r.response in GRADES and r.count > 0)


def reviews_per_day(
    reviews: Iterable[Review], today: dt.date, days: int = HEATMAP_DAYS
) -> DailyCounts:
    """Answered reviews on each of the `days` days ending today (the heatmap)."""
    start = today - dt.timedelta(days=days - 1)
    counts = [0] * days
    for r in _graded(reviews):
        offset = (r.day - start).days
        if 0 <= offset < days:
            counts[offset] += r.count
    return DailyCounts(start=start, counts=tuple(counts))


def month_name(month: str) -> str:
    """ "2026-12" as "Dec 2026" (not strftime's %b, which follows the process's locale)."""
    year, _, number = month.partition("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


#: English month abbreviations, the same in every locale.
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def retention_by_month(reviews: Iterable[Review]) -> tuple[MonthRetention, ...]:
    """Per calendar month: young (interval < 21 days, or new) and mature reviews, and
    how many passed (Hard, Good or Easy). Months without reviews are left out."""
    young: Counter[str] = Counter()
    young_passed: Counter[str] = Counter()
    mature: Counter[str] = Counter()
    mature_passed: Counter[str] = Counter()
    for r in _graded(reviews):
        month = f"{r.day.year:04d}-{r.day.month:02d}"
        total, passed = (mature, mature_passed) if r.mature else (young, young_passed)
        total[month] += r.count
        if r.response in PASSED:
            passed[month] += r.count
    return tuple(
        MonthRetention(m, Tally(young[m], young_passed[m]), Tally(mature[m], mature_passed[m]))
        for m in sorted(set(young) | set(mature))
    )


def streaks(days: Iterable[dt.date], today: dt.date) -> Streaks:
    """Runs of consecutive days with at least one review, as of today.

    The current streak still stands on a day not yet reviewed: it then ends
    yesterday (a morning's stats should not say 0 before the morning's reviews).
    Days after today are ignored.
    """
    ordinals = sorted({d.toordinal() for d in days if d <= today})
    longest = run = 0
    previous = None
    for ordinal in ordinals:
        run = run + 1 if previous is not None and ordinal == previous + 1 else 1
        longest = max(longest, run)
        previous = ordinal
    current = 0
    if ordinals and ordinals[-1] >= today.toordinal() - 1:
        current = run
    return Streaks(current=current, longest=longest)


def drill_accuracy(answers: Iterable[DrillAnswer]) -> tuple[DrillAccuracy, ...]:
    answered: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for a in answers:
        answered[a.kind] += a.count
        if a.correct:
            correct[a.kind] += a.count
    return tuple(DrillAccuracy(k, answered[k], correct[k]) for k in sorted(answered))


def note_stats(
    ratings: Iterable[NoteReview], notes: Iterable[NoteState], today: dt.date
) -> NoteStats:
    """Whole-note review numbers as of today (ratings after today are ignored)."""
    rated = [r for r in ratings if r.response in NOTE_GRADES and r.count > 0 and r.day <= today]
    per_day: Counter[dt.date] = Counter()
    responses = dict.fromkeys(NOTE_GRADES, 0)
    for r in rated:
        per_day[r.day] += r.count
        responses[r.response] += r.count
    notes = list(notes)
    # A scheduled note is due as a card in review is: the cards' forecast counts it.
    forecast = due_forecast(
        (CardGroup("review", n.due, None, None, None, n.count) for n in notes if n.due is not None),
        today,
    )
    heatmap = reviews_per_day((Review(r.day, r.response, False, r.count) for r in rated), today)
    return NoteStats(
        total=sum(n.count for n in notes),
        new=sum(n.count for n in notes if n.due is None),
        reviews_total=sum(per_day.values()),
        reviews_today=per_day.get(today, 0),
        days_reviewed=len(per_day),
        responses=responses,
        forecast=forecast,
        heatmap=heatmap,
    )


def compute(
    reviews: Iterable[Review],
    cards: Iterable[CardGroup],
    drills: Iterable[DrillAnswer],
    today: dt.date,
    *,
    note_reviews: Iterable[NoteReview] = (),
    notes: Iterable[NoteState] = (),
) -> Stats:
    """Every number of the stats screen and `srs-dl stats`, as of today."""
    graded = [r for r in _graded(reviews) if r.day <= today]
    note_reviews = [
        r for r in note_reviews if r.response in NOTE_GRADES and r.count > 0 and r.day <= today
    ]
    cards = list(cards)
    scheduled = list(_scheduled(cards, today))
    months = retention_by_month(graded)
    per_day: Counter[dt.date] = Counter()
    for r in graded:
        per_day[r.day] += r.count
    intervals = _interval_pairs(scheduled, today)
    eases = _ease_pairs(scheduled, today)
    # A day with only note reviews is still a day studied.
    studied = set(per_day) | {r.day for r in note_reviews}
    return Stats(
        today=today,
        cards=card_counts(cards, today),
        reviews_total=sum(per_day.values()),
        reviews_today=per_day.get(today, 0),
        days_reviewed=len(per_day),
        streaks=streaks(studied, today),
        forecast=due_forecast(scheduled, today),
        heatmap=reviews_per_day(graded, today),
        intervals=histogram(intervals, INTERVAL_BUCKETS),
        eases=histogram(eases, EASE_BUCKETS),
        mean_interval=_weighted_mean(intervals),
        mean_ease=_weighted_mean(eases),
        retention=months,
        young=sum((m.young for m in months), Tally()),
        mature=sum((m.mature for m in months), Tally()),
        notes=note_stats(note_reviews, notes, today),
        study_days=len(studied),
        drills=drill_accuracy(drills),
    )
