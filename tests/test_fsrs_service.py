"""FSRS through the services and the card model: button labels, the algorithm
choice, dispatch, reset and undo (real SQLite decks in tmp_path)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from review_support import add_card, config, open_db

from srs_dl.config import Config
from srs_dl.core.notes.fsrs_group import format_fsrs_group, parse_fsrs_group
from srs_dl.core.scheduling import card as cm
from srs_dl.core.scheduling import fsrs
from srs_dl.core.scheduling.sm2 import Sm2Schedule
from srs_dl.services import review as rv
from srs_dl.services.review.scheduling_choice import choose
from srs_dl.store.db import transaction

NOW = "2025-02-19T08:00:00+00:00"
ISSUE = "fsrs,2025-02-22T08:00:00.000Z,3,3.2,5.1,2,3,0,0,2025-02-19T08:00:00.000Z"
T0 = dt.datetime.fromisoformat(NOW)


def _fsrs_config() -> Config:
    return dataclasses.replace(config(), algorithm="fsrs")


def test_button_labels_show_fsrs_steps_and_days(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SRS_DL_NOW", NOW)
    conn = open_db(tmp_path)
    new = add_card(conn, front="new")
    session = rv.ReviewSession(conn, _fsrs_config(), T0.date())
    # ts-fsrs 5.4.1 on a new card: Again 1m, Hard 6m (mean of the steps), Good 10m, Easy 8 days.
    assert session.button_labels(new) == {
        "again": "1 min",
        "hard": "6 min",
        "good": "10 min",
        "easy": "8d",
    }
    sm2_session = rv.ReviewSession(conn, config(), T0.date())
    assert sm2_session.button_labels(new)["good"] == "3d"


def test_grade_reset_and_undo_keep_the_fsrs_group(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SRS_DL_NOW", "2025-02-20T09:00:00+00:00")
    conn = open_db(tmp_path)
    cid = add_card(conn, due=dt.date(2025, 2, 22), interval=3, ease=263, front="q")
    with transaction(conn):
        conn.execute("UPDATE cards SET raw_group = ? WHERE id = ?", (ISSUE, cid))
    cfg = config()  # SM-2 vault: an FSRS card stays FSRS all the same
    result = rv.grade(conn, cfg, dt.date(2025, 2, 20), cid, "good")
    assert result.after.raw_group == (
        "fsrs,2025-02-27T09:00:00.000Z,7,6.50303856,5.09012837,2,4,0,0,2025-02-20T09:00:00.000Z"
    )
    assert (result.after.due, result.after.interval) == (dt.date(2025, 2, 27), 7)
    reset = rv.reset(conn, cfg, dt.date(2025, 2, 20), cid)
    assert reset.after.raw_group == "fsrs,2025-02-20T09:00:00.000Z,0,0,0,0,0,0,0,-"
    rv.undo_last(conn, cfg, dt.date(2025, 2, 20))
    rv.undo_last(conn, cfg, dt.date(2025, 2, 20))
    row = conn.execute("SELECT raw_group, due, interval FROM cards WHERE id = ?", (cid,)).fetchone()
    assert row == (ISSUE, "2025-02-22", 3)


def test_choice_layers_first_wins() -> None:
    cfg = Config()
    w = fsrs.DEFAULT_WEIGHTS
    assert choose({}, cfg, {}, w).algorithm == "sm2"
    assert (
        choose({}, cfg, {"algorithm": "fsrs", "desired_retention": 0.8}, w).fsrs.desired_retention
        == 0.8
    )
    over = dataclasses.replace(cfg, algorithm="sm2", desired_retention=0.85)
    got = choose({}, over, {"algorithm": "fsrs", "desired_retention": 0.8}, w)
    assert (got.algorithm, got.fsrs.desired_retention) == ("sm2", 0.85)
    got = choose({"algorithm": "fsrs", "desired_retention": 0.95}, over, {}, w)
    assert (got.algorithm, got.fsrs.desired_retention) == ("fsrs", 0.95)


def test_card_model_dispatches_on_the_schedule_and_the_vault() -> None:
    sm2_ctx, fsrs_ctx = cm.ReviewContext(), cm.ReviewContext(new_card_algorithm="fsrs")
    issue = cm.CardState("review", parse_fsrs_group(ISSUE))
    later = T0 + dt.timedelta(days=1, hours=1)
    after, log = cm.review(issue, cm.Rating.GOOD, later, sm2_ctx)
    assert isinstance(after.schedule, fsrs.FsrsSchedule) and log.after is after
    old = cm.CardState("review", Sm2Schedule(dt.date(2025, 3, 1), 4, 270))
    noon = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
    assert isinstance(cm.review(old, cm.Rating.GOOD, noon, sm2_ctx)[0].schedule, Sm2Schedule)
    converted = cm.review(old, cm.Rating.GOOD, noon, fsrs_ctx)[0].schedule
    assert isinstance(converted, fsrs.FsrsSchedule)
    assert format_fsrs_group(converted) == (
        "fsrs,2025-03-16T12:00:00.000Z,15,14.69142471,4.74047837,2,3,0,0,2025-03-01T12:00:00.000Z"
    )
    new = cm.CardState()
    assert isinstance(cm.review(new, cm.Rating.EASY, noon, fsrs_ctx)[0].schedule, fsrs.FsrsSchedule)
    with pytest.raises(ValueError, match="timezone"):
        cm.review(new, cm.Rating.EASY, noon.replace(tzinfo=None), fsrs_ctx)
