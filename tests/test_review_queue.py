"""Today's queue from the database and the review session (issue 5 section 2)."""

from __future__ import annotations

import pytest
from review_support import TODAY, add_card, card_state, config, day, open_db

from srs_dl.services import review as rv
from srs_dl.services.review import ReviewSession
from srs_dl.services.review.undo import undo_last
from srs_dl.store.reviews import due_histogram


@pytest.fixture
def conn(tmp_path):
    c = open_db(tmp_path)
    yield c
    c.close()


def ids(cards) -> list[int]:
    return [c.id for c in cards]


def test_overdue_first_then_due_today_new_cards_mixed_in(conn):
    today_card = add_card(conn, due=day(0), front="today")
    old = add_card(conn, due=day(-9), front="old")
    mid = add_card(conn, due=day(-3), front="mid")
    add_card(conn, due=day(1), front="tomorrow")
    new = add_card(conn, front="new")
    queue = ReviewSession(conn, config(), TODAY).queue()
    assert ids(queue) == [old, mid, new, today_card]


def test_deck_includes_sub_decks_only(conn):
    a = add_card(conn, due=day(0), deck="ml")
    b = add_card(conn, due=day(0), deck="ml/adam")
    add_card(conn, due=day(0), deck="mlops")
    assert ids(ReviewSession(conn, config(), TODAY, "ml").queue()) == [a, b]
    assert ids(ReviewSession(conn, config(), TODAY, "ml/adam").queue()) == [b]


def test_daily_limits_count_what_the_log_shows_done_today(conn):
    reviews = [add_card(conn, due=day(-1), front=f"r{i}") for i in range(6)]
    news = [add_card(conn, front=f"n{i}") for i in range(5)]
    cfg = config(new=2, reviews=4)
    queue = ReviewSession(conn, cfg, TODAY).queue()
    assert sum(c.due is None for c in queue) == 2 and sum(c.due is not None for c in queue) == 4
    rv.grade(conn, cfg, TODAY, reviews[0], "good")
    rv.grade(conn, cfg, TODAY, news[0], "good")
    queue = ReviewSession(conn, cfg, TODAY).queue()
    assert sum(c.due is None for c in queue) == 1 and sum(c.due is not None for c in queue) == 3
    # An undone review gives its place back.
    undo_last(conn, cfg, TODAY)
    queue = ReviewSession(conn, cfg, TODAY).queue()
    assert sum(c.due is None for c in queue) == 2
    # The next day the limits start afresh.
    queue = ReviewSession(conn, cfg, day(1)).queue()
    assert sum(c.due is None for c in queue) == 2 and sum(c.due is not None for c in queue) == 4


def test_a_card_failed_earlier_today_comes_back_outside_the_limit(conn):
    cards = [add_card(conn, due=day(-1), front=f"r{i}") for i in range(3)]
    cfg = config(reviews=2)
    rv.grade(conn, cfg, TODAY, cards[0], "again")
    rv.grade(conn, cfg, TODAY, cards[1], "good")
    # Both reviews of the day are used; the failed card still comes back.
    assert ids(ReviewSession(conn, cfg, TODAY).queue()) == [cards[0]]


def test_session_again_requeues_and_undo_brings_back(conn):
    a = add_card(conn, due=day(-2), front="a")
    b = add_card(conn, due=day(-1), front="b")
    s = ReviewSession(conn, config(), TODAY)
    assert s.counts() == (2, 0)
    first = s.next_card()
    assert first is not None and first.id == a
    s.grade(a, "again")
    assert ids(s.queue()) == [b, a]
    s.grade(b, "good")
    assert ids(s.queue()) == [a]
    before_b = s.undo()
    assert before_b is not None and before_b.id == b and before_b.due == day(-1)
    assert ids(s.queue()) == [b, a]
    s.undo()
    assert ids(s.queue()) == [a, b]
    assert card_state(conn, a)[0] == day(-2).isoformat()
    assert s.undo() is None


def test_session_skips_cards_changed_by_another_process(conn):
    a = add_card(conn, due=day(0), front="a")
    b = add_card(conn, due=day(0), front="b")
    s = ReviewSession(conn, config(), TODAY)
    rv.suspend(conn, config(), TODAY, a)  # e.g. from the CLI meanwhile
    card = s.next_card()
    assert card is not None and card.id == b


def test_session_bury_and_suspend_leave_the_queue(conn):
    a = add_card(conn, due=day(0), front="a")
    b = add_card(conn, due=day(0), front="b")
    c = add_card(conn, due=day(0), front="c")
    s = ReviewSession(conn, config(), TODAY)
    s.bury(a)
    s.suspend(b)
    assert ids(s.queue()) == [c] and s.counts() == (1, 0)


def test_preview_and_histogram_follow_the_session(conn):
    for i in range(5):
        add_card(conn, due=day(10), interval=10, ease=250, front=f"busy{i}")
    cid = add_card(conn, due=day(0), interval=4, ease=250, front="x")
    s = ReviewSession(conn, config(), TODAY)
    preview = s.preview(cid)
    assert set(preview) == {"again", "hard", "good", "easy"}
    result = s.grade(cid, "good")
    assert result.after.due == preview["good"].due
    # Load balancing moved it off the busy day; the session's histogram counts it
    # there (a day emptied keeps its key with 0, as in the plugin).
    assert result.after.due == day(9)
    assert {k: v for k, v in s.histogram.items() if v} == due_histogram(conn, TODAY)


def test_drill_cards_are_queued_like_the_others(conn):
    d = add_card(conn, deck="drills", kind="drill", drill_kind="adam", front="Drill: Adam")
    assert ids(ReviewSession(conn, config(), TODAY, "drills").queue()) == [d]
