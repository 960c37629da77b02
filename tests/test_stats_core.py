"""srs_dl.core.stats on a hand-made log: every expected number worked out by hand."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from srs_dl.core import stats as core
from srs_dl.core.stats import CardGroup, DrillAnswer, Review, Tally

D = dt.date
TODAY = D(2025, 3, 10)

# (day, response, interval before the review); the comments give young/mature.
LOG = [
    (D(2024, 3, 10), "good", None),  # before the heatmap's year; young, passed
    (D(2024, 6, 1), "good", 3),  # young, passed  } a 4-day streak
    (D(2024, 6, 2), "again", 5),  # young          }
    (D(2024, 6, 3), "hard", 21),  # mature (21 is mature), passed (Hard is a pass, as in Anki)
    (D(2024, 6, 4), "easy", 30),  # mature, passed
    (D(2025, 1, 5), "good", None),
    (D(2025, 1, 5), "again", 3),
    (D(2025, 1, 20), "easy", 30),
    (D(2025, 1, 20), "hard", 25),
    (D(2025, 2, 1), "good", 20.9),  # young: under 21
    (D(2025, 2, 1), "good", 21),  # mature
    (D(2025, 3, 8), "good", 5),
    (D(2025, 3, 8), "good", 5),
    (D(2025, 3, 9), "again", 40),
    (D(2025, 3, 10), "easy", 10),
    (D(2025, 3, 10), "reset", 10),  # not an answer: ignored
    (D(2025, 3, 11), "good", 3),  # after today: ignored
]

CARDS = [
    CardGroup("review", D(2025, 3, 8), 1, 250),  # overdue
    CardGroup("review", D(2025, 3, 10), 3, 230),
    CardGroup("review", D(2025, 3, 12), 8, 250),
    CardGroup("review", D(2025, 3, 12), 25, 270),
    CardGroup("review", D(2025, 4, 8), 60, 290),  # day 29: the last of the forecast
    CardGroup("review", D(2025, 4, 9), 400, 130),  # day 30: beyond it
    CardGroup("buried", D(2025, 3, 10), 2, 250, D(2025, 3, 11)),  # back tomorrow
    CardGroup("buried", D(2025, 3, 5), 14, 210, D(2025, 3, 10)),  # burial over: overdue
    CardGroup("suspended", D(2025, 3, 10), 5, 250),
    CardGroup("new", None, None, None),
    CardGroup("deleted", D(2025, 3, 10), 5, 250),
    CardGroup("new", None, None, None),
    CardGroup("review", D(2025, 3, 20), 10, 250),
]


def reviews() -> list[Review]:
    return [Review.of(day, response, interval) for day, response, interval in LOG]


def test_is_mature_boundary() -> None:
    assert not core.is_mature(None)
    assert not core.is_mature(20.9)
    assert core.is_mature(21)
    assert Review.of(TODAY, "good", 21).mature and not Review.of(TODAY, "good", None).mature


def test_forecast() -> None:
    f = core.due_forecast(CARDS, TODAY)
    assert f.start == TODAY
    assert len(f.counts) == 30
    expected = [0] * 30
    expected[0] = 3  # due today + the overdue one + the one whose burial ended
    expected[1] = 1  # buried until tomorrow
    expected[2] = 2
    expected[10] = 1
    expected[29] = 1
    assert list(f.counts) == expected
    assert f.overdue == 2


def test_card_counts_and_distributions() -> None:
    assert core.card_counts(CARDS, TODAY) == {
        "new": 2,
        "review": 8,
        "suspended": 1,
        "buried": 1,
        "deleted": 1,
    }
    intervals = {b.label: b.count for b in core.interval_distribution(CARDS, TODAY)}
    assert intervals == {
        "1d": 1,
        "2d": 1,
        "3-6d": 1,
        "1-2w": 2,
        "2-3w": 1,
        "3w-1m": 1,
        "1-3m": 1,
        "3-6m": 0,
        "6m-1y": 0,
        "1y+": 1,
    }
    eases = {b.label: b.count for b in core.ease_distribution(CARDS, TODAY)}
    assert eases == {
        "<150": 1,
        "150": 0,
        "170": 0,
        "190": 0,
        "210": 1,
        "230": 1,
        "250": 4,
        "270": 1,
        "290": 1,
        "310+": 0,
    }


def test_histogram_edges_and_weights() -> None:
    buckets = core.histogram(
        [(0.5, 1), (2, 3), (2.99, 1), (3, 1), (366, 2), (365.9, 1)], core.INTERVAL_BUCKETS
    )
    got = {b.label: b.count for b in buckets}
    assert got["1d"] == 1 and got["2d"] == 4 and got["3-6d"] == 1
    assert got["6m-1y"] == 1 and got["1y+"] == 2


def test_reviews_per_day() -> None:
    heat = core.reviews_per_day(reviews(), TODAY)
    assert heat.start == D(2024, 3, 11) and heat.end == TODAY
    assert len(heat.counts) == 365
    by_day = {heat.start + dt.timedelta(days=i): n for i, n in enumerate(heat.counts) if n}
    assert by_day == {
        D(2024, 6, 1): 1,
        D(2024, 6, 2): 1,
        D(2024, 6, 3): 1,
        D(2024, 6, 4): 1,
        D(2025, 1, 5): 2,
        D(2025, 1, 20): 2,
        D(2025, 2, 1): 2,
        D(2025, 3, 8): 2,
        D(2025, 3, 9): 1,
        D(2025, 3, 10): 1,
    }


def test_retention_by_month() -> None:
    months = {m.month: (m.young, m.mature) for m in core.retention_by_month(reviews())}
    assert months == {
        "2024-03": (Tally(1, 1), Tally(0, 0)),
        "2024-06": (Tally(2, 1), Tally(2, 2)),  # Hard passed
        "2025-01": (Tally(2, 1), Tally(2, 2)),
        "2025-02": (Tally(1, 1), Tally(1, 1)),
        # L, M, O and the 03-11 review (this function takes any day; compute() stops at today)
        "2025-03": (Tally(4, 4), Tally(1, 0)),
    }
    assert Tally(4, 3).rate == 0.75 and Tally().rate is None


def test_hard_is_a_pass_again_is_not() -> None:
    day = D(2025, 3, 1)
    [month] = core.retention_by_month(
        [Review.of(day, "hard", 3), Review.of(day, "again", 3), Review.of(day, "good", 3)]
    )
    assert month.young == Tally(3, 2)


def test_month_names() -> None:
    assert core.month_name("2026-12") == "Dec 2026" and core.month_name("2025-01") == "Jan 2025"


def test_streaks() -> None:
    days = [r.day for r in reviews()]
    assert core.streaks(days, TODAY) == core.Streaks(current=3, longest=4)
    # Today not reviewed yet: the streak still ends yesterday.
    assert core.streaks(days, D(2025, 3, 11)).current == 4  # 03-11 is in the log
    assert core.streaks([D(2025, 3, 8), D(2025, 3, 9)], TODAY).current == 2
    # A day missed: the streak is broken.
    assert core.streaks([D(2025, 3, 8)], TODAY).current == 0
    assert core.streaks([], TODAY) == core.Streaks(0, 0)
    # Days after today never count.
    assert core.streaks([D(2025, 3, 11), D(2025, 3, 12)], TODAY) == core.Streaks(0, 0)


def test_drill_accuracy() -> None:
    acc = core.drill_accuracy(
        [
            DrillAnswer("ema", True),
            DrillAnswer("ema", False),
            DrillAnswer("adam", True, 3),
            DrillAnswer("adam", False, 1),
        ]
    )
    assert [(d.kind, d.answered, d.correct) for d in acc] == [("adam", 4, 3), ("ema", 2, 1)]
    assert acc[0].accuracy == 0.75 and acc[1].accuracy == 0.5


def test_compute_everything_together() -> None:
    drills = [DrillAnswer("ema", True), DrillAnswer("ema", False), DrillAnswer("adam", True)]
    s = core.compute(reviews(), CARDS, drills, TODAY)
    assert s.reviews_total == 15
    assert s.reviews_today == 1
    assert s.days_reviewed == 11
    assert s.streaks == core.Streaks(3, 4)
    assert s.young == Tally(9, 7) and s.mature == Tally(6, 5)  # both Hards mature, passed
    assert s.forecast.counts[0] == 3 and s.forecast.overdue == 2
    assert s.mean_interval == pytest.approx(523 / 9)
    assert s.mean_ease == pytest.approx(2130 / 9)
    assert sum(s.heatmap.counts) == 14
    data = s.to_json()
    assert data["streak"] == {"current": 3, "longest": 4}
    assert data["retention"]["young"] == {"reviews": 9, "passed": 7, "rate": 0.7778}
    assert data["forecast"]["days"][2] == {"date": "2025-03-12", "due": 2}
    assert data["drills"][0] == {"kind": "adam", "answered": 1, "correct": 1, "accuracy": 1.0}


def test_folded_records_give_the_same_numbers() -> None:
    """A record with count n is n identical records (the service folds rows)."""
    folded = [Review(D(2025, 3, 8), "good", False, 2), Review(D(2025, 3, 9), "again", True, 3)]
    unfolded = [Review(D(2025, 3, 8), "good", False)] * 2 + [
        Review(D(2025, 3, 9), "again", True)
    ] * 3
    assert core.compute(folded, CARDS, [], TODAY) == core.compute(unfolded, CARDS, [], TODAY)


def test_core_imports_neither_textual_nor_sqlite() -> None:
    code = (
        "import sys, srs_dl.core.stats; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'sqlite3', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
