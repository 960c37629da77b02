"""Grading, undo, bury, suspend, reset and the log (issue 5 sections 2-3), on real SQLite."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from review_support import TODAY, add_card, card_state, config, day, open_db

from srs_dl.core.scheduling import sm2
from srs_dl.services import review as rv
from srs_dl.services.review.undo import undo_last
from srs_dl.store import log as logstore
from srs_dl.store.cards import get_card
from srs_dl.store.reviews import due_histogram


@pytest.fixture
def conn(tmp_path):
    c = open_db(tmp_path)
    yield c
    c.close()


def test_grade_good_on_a_review_card_follows_sm2_and_logs(conn):
    cid = add_card(conn, due=day(0), interval=10, ease=250)
    hist = due_histogram(conn, TODAY)
    expected = sm2.review(sm2.Sm2Schedule(day(0), 10, 250), "good", TODAY, hist)
    result = rv.grade(conn, config(), TODAY, cid, "good")
    assert expected is not None
    assert (result.after.due, result.after.interval, result.after.ease) == (
        expected.due,
        expected.interval,
        expected.ease,
    )
    assert result.after.reps == 1 and result.after.state == "review"
    [entry] = logstore.card_history(conn, cid)
    assert entry.action == "review" and entry.response == "good" and entry.day == TODAY
    assert entry.before["due"] == day(0).isoformat() and entry.before["interval"] == 10
    assert entry.after["due"] == expected.due.isoformat()


def test_new_card_again_stays_due_today_and_counts_a_rep_not_a_lapse(conn):
    cid = add_card(conn)
    result = rv.grade(conn, config(), TODAY, cid, "again")
    assert result.after.due == TODAY and result.after.interval == 0
    assert result.after.ease == 230 and result.after.lapses == 0 and result.after.reps == 1
    again = rv.grade(conn, config(), TODAY, cid, "again")
    assert again.after.lapses == 1 and again.after.ease == 210


def test_undo_restores_the_card_and_appends_a_cancelling_row(conn):
    cid = add_card(conn, due=day(-2), interval=4, ease=230)
    before = card_state(conn, cid)
    rv.grade(conn, config(), TODAY, cid, "easy")
    assert card_state(conn, cid) != before
    undone = undo_last(conn, config(), TODAY)
    entry = undone.entry
    assert card_state(conn, cid) == before
    rows = logstore.card_history(conn, cid)
    assert [r.action for r in rows] == ["review", "undo"]
    assert rows[1].undoes == rows[0].id == entry.id
    with pytest.raises(rv.ReviewError, match="nothing to undo"):
        undo_last(conn, config(), TODAY)


def test_undo_goes_back_one_review_at_a_time(conn):
    a = add_card(conn, due=day(0), front="a")
    b = add_card(conn, due=day(0), front="b")
    s0a, s0b = card_state(conn, a), card_state(conn, b)
    rv.grade(conn, config(), TODAY, a, "good")
    s1a = card_state(conn, a)
    rv.grade(conn, config(), TODAY, b, "hard")
    rv.grade(conn, config(), TODAY, a, "again")
    undo_last(conn, config(), TODAY)
    assert card_state(conn, a) == s1a
    undo_last(conn, config(), TODAY)
    assert card_state(conn, b) == s0b
    undo_last(conn, config(), TODAY)
    assert card_state(conn, a) == s0a


def test_undo_refuses_when_the_card_changed_since(conn):
    cid = add_card(conn, due=day(0))
    rv.grade(conn, config(), TODAY, cid, "good")
    # A schedule read from the note by a re-import, logged as the importer does.
    with conn:
        conn.execute(
            "UPDATE cards SET due = ?, interval = 40 WHERE id = ?", (day(30).isoformat(), cid)
        )
    with pytest.raises(rv.ReviewError, match="changed since"):
        undo_last(conn, config(), TODAY)


def test_bury_hides_until_tomorrow_then_the_card_is_due_again(conn):
    cid = add_card(conn, due=day(-1))
    card = rv.bury(conn, config(), TODAY, cid)
    assert card.state == "buried" and card.buried_until == day(1)
    items = rv.build_queue(conn, config(), TODAY)
    assert [i.id for i in items] == []
    items = rv.build_queue(conn, config(), day(1))
    assert [i.id for i in items] == [cid]
    # Grading the unburied card clears the burial.
    result = rv.grade(conn, config(), day(1), cid, "good")
    assert result.after.state == "review" and result.after.buried_until is None


def test_suspend_and_unsuspend(conn):
    cid = add_card(conn, due=day(0))
    new = add_card(conn, front="new one")
    assert rv.suspend(conn, config(), TODAY, cid).state == "suspended"
    assert rv.suspend(conn, config(), TODAY, new).state == "suspended"
    assert [i.id for i in rv.build_queue(conn, config(), TODAY)] == []
    with pytest.raises(rv.ReviewError, match="suspended"):
        rv.grade(conn, config(), TODAY, cid, "good")
    with pytest.raises(rv.ReviewError, match="suspended"):
        rv.check_cards(conn, [cid])
    assert rv.unsuspend(conn, config(), TODAY, cid).state == "review"
    assert rv.unsuspend(conn, config(), TODAY, new).state == "new"
    # Suspending twice logs once.
    rv.suspend(conn, config(), TODAY, cid)
    rv.suspend(conn, config(), TODAY, cid)
    assert [e.action for e in logstore.card_history(conn, cid)] == [
        "suspend",
        "unsuspend",
        "suspend",
    ]


def test_reset_gives_interval_1_base_ease_due_today(conn):
    cid = add_card(conn, due=day(20), interval=60, ease=170)
    result = rv.reset(conn, config(), TODAY, cid)
    assert (result.after.due, result.after.interval, result.after.ease) == (TODAY, 1, 250)
    assert logstore.card_history(conn, cid)[-1].action == "reset"
    fresh = add_card(conn, front="never seen")
    assert rv.reset(conn, config(), TODAY, fresh).after.state == "new"


def test_unknown_deleted_and_suspended_ids_stop_the_whole_command(conn):
    good = add_card(conn, due=day(0))
    gone = add_card(conn, due=day(0), state="deleted", front="gone")
    with pytest.raises(rv.ReviewError) as info:
        rv.grade_cards(conn, config(), TODAY, [good, gone, 999], "good")
    assert f"{gone} (deleted)" in str(info.value) and "999 (no such card)" in str(info.value)
    assert get_card(conn, good).reps == 0  # nothing graded


def test_grade_cards_calls_back_after_each_commit(conn):
    ids = [add_card(conn, due=day(0), front=str(i)) for i in range(3)]
    seen: list[int] = []

    def on_graded(result: rv.GradeResult) -> None:
        # Committed: another connection already sees it.
        other = open_db_same(conn)
        assert (
            other.execute("SELECT reps FROM cards WHERE id = ?", (result.card_id,)).fetchone()[0]
            == 1
        )
        other.close()
        seen.append(result.card_id)

    rv.grade_cards(conn, config(), TODAY, ids + ids[:1], "good", on_graded=on_graded)
    assert seen == ids


def open_db_same(conn):
    import sqlite3

    path = conn.execute("PRAGMA database_list").fetchone()[2]
    return sqlite3.connect(path)


def test_history_lists_every_action(conn):
    cid = add_card(conn, due=day(0))
    rv.grade(conn, config(), TODAY, cid, "good")
    rv.bury(conn, config(), TODAY, cid)
    undo_last(conn, config(), TODAY)
    assert [e.action for e in rv.history(conn, cid)] == ["review", "bury", "undo"]
    with pytest.raises(rv.ReviewError, match="no such card"):
        rv.history(conn, 12345)


def test_drill_detail_is_logged(conn):
    cid = add_card(conn, kind="drill", drill_kind="adam", deck="drills")
    rv.grade(conn, config(), TODAY, cid, "good", detail={"typed": "1.5", "correct": True})
    entry = logstore.card_history(conn, cid)[0]
    assert entry.detail == {"typed": "1.5", "correct": True}


def test_replay_of_the_log_rebuilds_the_card_table(conn):
    """The log invariant: random actions over many days, then the log alone gives
    every card's scheduling state."""
    rng = random.Random(7)
    ids = [
        add_card(conn, due=day(rng.randint(-5, 3)) if rng.random() < 0.6 else None, front=str(i))
        for i in range(25)
    ]
    cfg = config()
    for step in range(400):
        today = TODAY + dt.timedelta(days=step // 40)
        cid = rng.choice(ids)
        action = rng.choice(
            [
                "again",
                "hard",
                "good",
                "easy",
                "reset",
                "bury",
                "suspend",
                "unsuspend",
                "undo",
                "undo",
            ]
        )
        try:
            if action == "bury":
                rv.bury(conn, cfg, today, cid)
            elif action == "suspend":
                rv.suspend(conn, cfg, today, cid)
            elif action == "unsuspend":
                rv.unsuspend(conn, cfg, today, cid)
            elif action == "undo":
                undo_last(conn, cfg, today)
            elif action == "reset":
                rv.reset(conn, cfg, today, cid)
            else:
                rv.grade(conn, cfg, today, cid, action)
        except rv.ReviewError:
            pass
    replayed = logstore.replay(conn)
    assert len(replayed) > 20
    for cid, state in replayed.items():
        row = card_state(conn, cid)
        assert row == tuple(state[k] for k in logstore.SNAPSHOT_KEYS), cid
    # Each row starts from where the previous one left the card: nothing changed unlogged.
    last: dict[int, dict] = {}
    for entry in logstore.iter_card_rows(conn):
        if entry.card_id in last:
            assert entry.before == last[entry.card_id]
        last[entry.card_id] = entry.after


def test_log_json_is_plain(conn):
    cid = add_card(conn, due=day(0))
    rv.grade(conn, config(), TODAY, cid, "good")
    raw = conn.execute("SELECT before, after FROM log").fetchone()
    assert set(json.loads(raw[0])) >= {"due", "interval", "ease", "state"}
    assert set(json.loads(raw[1])) >= {"due", "interval", "ease", "state"}
