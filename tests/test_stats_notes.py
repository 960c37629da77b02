"""Whole-note reviews in the statistics: the pure core on hand-made ratings, then a
real vault imported, a #review note rated with the note review service, and
`srs-dl stats --json` read back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from review_support import config
from test_stats_core import CARDS, TODAY, reviews
from test_stats_service import _run

from srs_dl.core import stats as core
from srs_dl.core.stats import NoteReview, NoteState, Tally
from srs_dl.services import stats as service
from srs_dl.services.importing.importer import import_paths
from srs_dl.services.review.note_review import grade_note
from srs_dl.store import stats as queries
from srs_dl.store.db import connect

D = dt.date

# Card review days (test_stats_core.LOG): 2024-06-01..04 (the longest run, 4) and
# 2025-03-08..10 (the current one, 3).
NOTE_LOG = [
    NoteReview(D(2024, 6, 5), "good"),  # the June run becomes 5 days long
    NoteReview(D(2025, 2, 15), "good", 2),  # a day of note reviews only (folded: 2)
    NoteReview(D(2025, 3, 7), "hard"),  # the current run becomes 4 days long
    NoteReview(D(2025, 3, 10), "easy"),  # today, a card day too
    NoteReview(D(2025, 3, 10), "again"),  # not a note rating: ignored
    NoteReview(D(2025, 3, 11), "good"),  # after today: ignored
]

NOTES = [
    NoteState(None, 2),  # never reviewed
    NoteState(D(2025, 3, 1)),  # overdue
    NoteState(D(2025, 3, 10)),  # due today
    NoteState(D(2025, 3, 15)),  # day 5
    NoteState(D(2025, 5, 1)),  # beyond the 30 days
]


def _with_notes() -> core.Stats:
    return core.compute(reviews(), CARDS, [], TODAY, note_reviews=NOTE_LOG, notes=NOTES)


def test_note_numbers() -> None:
    n = core.note_stats(NOTE_LOG, NOTES, TODAY)
    assert (n.total, n.new) == (6, 2)
    assert (n.reviews_total, n.reviews_today, n.days_reviewed) == (5, 1, 4)
    assert n.responses == {"hard": 1, "good": 3, "easy": 1}
    assert n.forecast.counts[0] == 2 and n.forecast.overdue == 1
    assert n.forecast.counts[5] == 1 and sum(n.forecast.counts) == 3
    heat = {n.heatmap.start + dt.timedelta(days=i): c for i, c in enumerate(n.heatmap.counts) if c}
    assert heat == {D(2024, 6, 5): 1, D(2025, 2, 15): 2, D(2025, 3, 7): 1, D(2025, 3, 10): 1}


def test_note_reviews_count_as_study_days() -> None:
    s = _with_notes()
    assert s.streaks == core.Streaks(current=4, longest=5)
    assert s.study_days == 14  # 11 card days + 3 with note reviews only
    study = s.study_heatmap
    assert study.start == s.heatmap.start and sum(study.counts) == 14 + 5
    # Only a note reviewed yesterday and today: still a streak.
    only_notes = core.compute(
        [],
        [],
        [],
        TODAY,
        note_reviews=[NoteReview(D(2025, 3, 9), "good"), NoteReview(TODAY, "hard")],
    )
    assert only_notes.streaks == core.Streaks(2, 2) and only_notes.study_days == 2
    assert only_notes.reviews_total == 0 and only_notes.young == Tally()


def test_card_statistics_stay_the_cards() -> None:
    with_notes = _with_notes()
    without = core.compute(reviews(), CARDS, [], TODAY)
    for name in (
        "cards",
        "reviews_total",
        "reviews_today",
        "days_reviewed",
        "forecast",
        "heatmap",
        "intervals",
        "eases",
        "mean_interval",
        "mean_ease",
        "retention",
        "young",
        "mature",
    ):
        assert getattr(with_notes, name) == getattr(without, name), name
    assert without.notes.total == 0 and without.study_days == without.days_reviewed


def test_json_only_adds() -> None:
    without = core.compute(reviews(), CARDS, [], TODAY).to_json()
    data = _with_notes().to_json()
    assert set(data) == set(without) and {"notes", "study_days"} <= set(data)
    for key in set(data) - {"notes", "study_days", "streak"}:
        assert data[key] == without[key], key
    assert data["streak"] == {"current": 4, "longest": 5}
    assert data["study_days"] == 14
    notes = data["notes"]
    assert {k: notes[k] for k in ("total", "new", "reviews", "responses")} == {
        "total": 6,
        "new": 2,
        "reviews": {"total": 5, "today": 1, "days": 4},
        "responses": {"hard": 1, "good": 3, "easy": 1},
    }
    assert notes["forecast"]["overdue"] == 1 and len(notes["forecast"]["days"]) == 30
    assert notes["forecast"]["days"][5] == {"date": "2025-03-15", "due": 1}
    per_day = notes["reviews_per_day"]
    assert (per_day["start"], per_day["end"]) == (data["reviews_per_day"]["start"], "2025-03-10")
    assert sum(per_day["counts"]) == 5 and per_day["counts"][-1] == 1


def test_folded_note_ratings_give_the_same_numbers() -> None:
    unfolded = [r._replace(count=1) for r in NOTE_LOG for _ in range(r.count)]
    notes = [n._replace(count=1) for n in NOTES for _ in range(n.count)]
    assert core.compute([], [], [], TODAY, note_reviews=unfolded, notes=notes) == core.compute(
        [], [], [], TODAY, note_reviews=NOTE_LOG, notes=NOTES
    )


# --- through the database ----------------------------------------------------

NOTE_TEXT = """---
tags: [review]
---
# Adam

Adam keeps an EWA of the gradient and of its square.

What does Adam's bias correction fix::the zero start of m and v
"""


def _vault(root: Path) -> Path:
    vault = root / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "adam.md").write_text(NOTE_TEXT, encoding="utf-8")
    (vault / "later.md").write_text("#review\n\nRead again later.\n", encoding="utf-8")
    (vault / "cards.md").write_text("Momentum's beta::0.9\n", encoding="utf-8")
    return vault


def test_a_rated_note_in_stats_json(tmp_path: Path) -> None:
    vault = _vault(tmp_path)
    db = tmp_path / "deck.db"
    day1, day2 = D(2025, 3, 9), D(2025, 3, 10)
    conn = connect(db)
    import_paths(conn, [vault], flags={}, config=config(), today=day1)
    result = grade_note(conn, config(writeback="immediate"), vault / "adam.md", "good", day1)
    assert result.written == str(vault / "adam.md"), result.problem
    after = result.after
    conn.close()

    out = _run(
        "stats",
        "--json",
        "--db",
        str(db),
        "--today",
        day2.isoformat(),
        env_extra={"XDG_CONFIG_HOME": str(tmp_path)},
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    notes = data["notes"]
    assert (notes["total"], notes["new"]) == (2, 1)
    assert notes["reviews"] == {"total": 1, "today": 0, "days": 1}
    assert notes["responses"] == {"hard": 0, "good": 1, "easy": 0}
    due = {d["date"]: d["due"] for d in notes["forecast"]["days"] if d["due"]}
    assert due == {after.due.isoformat(): 1}
    assert notes["reviews_per_day"]["counts"][-2:] == [1, 0]
    # No card was reviewed: a note rated yesterday alone keeps the streak.
    assert data["reviews"]["total"] == 0 and data["retention"]["young"]["reviews"] == 0
    assert data["streak"] == {"current": 1, "longest": 1} and data["study_days"] == 1
    assert data["cards"]["review"] == 0  # the note's card was not reviewed

    # Rated once more today (from the service's read too, same numbers as the CLI).
    conn = connect(db)
    grade_note(conn, config(), vault / "adam.md", "hard", after.due)
    s = service.compute(conn, after.due)
    assert s.notes.reviews_total == 2 and s.notes.reviews_today == 1
    assert s.notes.responses == {"hard": 1, "good": 1, "easy": 0}
    conn.close()


def test_note_queries_use_the_log_index(tmp_path: Path) -> None:
    conn = connect(tmp_path / "deck.db")
    plan = " ".join(
        r[3]
        for r in conn.execute(
            "EXPLAIN QUERY PLAN " + queries._NOTE_REVIEWS, {"today": "2025-03-10"}
        )
    )
    assert "COVERING INDEX log_stats" in plan and "TEMP B-TREE" not in plan
