"""The review queue and the session (issue 5 section 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs_dl.core.scheduling.card import CardState
from srs_dl.core.scheduling.queue import (
    DailyLimits,
    QueueCard,
    QueueItem,
    answer,
    build_queue,
    in_deck,
    interleave,
    remove,
    start,
    undo,
)
from srs_dl.core.scheduling.sm2 import Sm2Schedule, review

TODAY = dt.date(2025, 3, 1)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def card(cid: str, deck: str, due: dt.date | None, state: str, **kw: object) -> QueueCard:
    schedule = None if due is None else Sm2Schedule(due, 3, 250)
    return QueueCard(cid, deck, CardState(state, schedule, **kw))  # type: ignore[arg-type]


def due_card(cid: str, n: int, deck: str = "a", **kw: object) -> QueueCard:
    return card(cid, deck, days(n), "review", **kw)


def new_card(cid: str, deck: str = "a") -> QueueCard:
    return card(cid, deck, None, "new")


def ids(queue: tuple[QueueItem, ...]) -> list[object]:
    return [item.id for item in queue]


def test_due_cards_oldest_first_then_given_order() -> None:
    cards = [
        due_card("t1", 0),
        due_card("late", -5),
        due_card("future", 1),
        due_card("t2", 0),
        due_card("y", -1),
    ]
    assert ids(build_queue(cards, TODAY)) == ["late", "y", "t1", "t2"]


def test_deck_and_sub_decks() -> None:
    cards = [
        due_card("a", 0, "a"),
        due_card("ab", 0, "ab"),
        due_card("a/b", 0, "a/b"),
        due_card("a/b/c", 0, "a/b/c"),
        due_card("b/a", 0, "b/a"),
    ]
    assert ids(build_queue(cards, TODAY, deck="a")) == ["a", "a/b", "a/b/c"]
    assert ids(build_queue(cards, TODAY, deck="a/b")) == ["a/b", "a/b/c"]
    assert ids(build_queue(cards, TODAY, deck="a/")) == ["a", "a/b", "a/b/c"]
    assert len(build_queue(cards, TODAY)) == 5
    assert len(build_queue(cards, TODAY, deck="/")) == 5
    assert build_queue(cards, TODAY, deck="zzz") == ()
    assert in_deck("a/b", "a") and not in_deck("ab", "a") and in_deck("x", None)


def test_excluded_states() -> None:
    cards = [
        due_card("ok", 0),
        card("susp", "a", days(-1), "suspended"),
        card("del", "a", days(-1), "deleted"),
        card("bur", "a", days(-1), "buried"),
        card("bur-until-today", "a", days(-1), "buried", buried_until=TODAY),
        card("bur-until-tomorrow", "a", days(-1), "buried", buried_until=days(1)),
        card("new-bur", "a", None, "new", buried_until=days(1)),
        card("new-del", "a", None, "deleted"),
    ]
    assert ids(build_queue(cards, TODAY)) == ["bur-until-today", "ok"]


def test_daily_limits_minus_done_today() -> None:
    cards = [due_card(f"r{i}", -i) for i in range(10)] + [new_card(f"n{i}") for i in range(5)]
    q = build_queue(cards, TODAY, limits=DailyLimits(new=2, reviews=3))
    assert [it.id for it in q if not it.is_new] == ["r9", "r8", "r7"]
    assert [it.id for it in q if it.is_new] == ["n0", "n1"]
    q = build_queue(
        cards, TODAY, limits=DailyLimits(new=2, reviews=3), new_done_today=1, reviews_done_today=2
    )
    assert ids(q) == ["r9", "n0"]
    q = build_queue(
        cards, TODAY, limits=DailyLimits(new=2, reviews=3), new_done_today=5, reviews_done_today=5
    )
    assert q == ()
    assert len(build_queue(cards, TODAY)) == 15  # 20 new and 200 reviews by default
    with pytest.raises(ValueError, match="cannot be negative"):
        DailyLimits(new=-1)


def test_new_cards_spread_among_reviews() -> None:
    assert ids(interleave(list("abcdefghij"), ["N"])) == list("abcde") + ["N"] + list("fghij")
    assert ids(interleave(list("abcdef"), ["X", "Y"])) == ["a", "b", "X", "c", "d", "Y", "e", "f"]
    assert ids(interleave([], ["X", "Y"])) == ["X", "Y"]
    assert ids(interleave(["a"], [])) == ["a"]
    assert ids(interleave(["a"], ["X", "Y", "Z"])) == ["a", "X", "Y", "Z"]
    q = interleave(["a", "b"], ["X"])
    assert [it.is_new for it in q] == [False, True, False]


@given(st.integers(0, 60), st.integers(0, 30))
def test_interleave_keeps_everything_in_order(r: int, n: int) -> None:
    reviews = [f"r{i}" for i in range(r)]
    new = [f"n{i}" for i in range(n)]
    q = ids(interleave(reviews, new))
    assert sorted(q) == sorted(reviews + new)
    assert [x for x in q if x in set(reviews)] == reviews
    assert [x for x in q if x in set(new)] == new
    if r:
        assert q[0] == "r0"  # a session with reviews starts with one
    if r > n > 0:
        # new cards are not bunched at the end: the last one comes before the last review
        assert q.index(new[-1]) < q.index(reviews[-1])


def test_session_again_comes_back_and_undo() -> None:
    s = start(interleave(["a", "b", "c"], []))
    assert s.current == QueueItem("a", False) and s.remaining == 3
    before = Sm2Schedule(TODAY, 3, 250)
    after_again = review(before, "again", TODAY, {})
    s = answer(s, "Again", before, after_again)
    assert ids(s.queue) == ["b", "c", "a"]
    s = answer(s, "good", before, review(before, "good", TODAY, {}))
    assert ids(s.queue) == ["c", "a"]
    s = answer(s, "good", before, review(before, "good", TODAY, {}))
    assert ids(s.queue) == ["a"]
    s = answer(s, "good", after_again, review(after_again, "good", TODAY, {}))
    assert s.queue == () and s.current is None and len(s.done) == 4
    # undo, one at a time, newest first
    s, last = undo(s)
    assert last.id == "a" and last.before == after_again and ids(s.queue) == ["a"]
    s, last = undo(s)
    assert last.id == "c" and ids(s.queue) == ["c", "a"]
    s, _ = undo(s)
    s, last = undo(s)
    assert last.id == "a" and last.requeued and last.response == "again"
    assert ids(s.queue) == ["a", "b", "c"]  # the requeued copy is gone
    assert not s.can_undo
    with pytest.raises(ValueError, match="nothing to undo"):
        undo(s)


def test_session_new_counts_and_reset() -> None:
    s = start(interleave(["a"], ["N"]))
    assert s.new_remaining == 1
    s = answer(s, "good", None, None)  # a
    s = answer(s, "again", None, review(None, "again", TODAY, {}))  # N, now a learning card
    assert ids(s.queue) == ["N"] and s.new_remaining == 0
    s, last = undo(s)
    assert last.was_new and s.new_remaining == 1 and ids(s.queue) == ["N"]
    s = answer(s, "reset", None, None)
    assert ids(s.queue) == ["N"]
    with pytest.raises(ValueError, match="unknown response"):
        answer(s, "nope", None, None)


def test_session_remove_and_empty() -> None:
    s = start(interleave(["a", "b"], []))
    s = remove(s, "a")
    assert ids(s.queue) == ["b"]
    s = remove(s, "b")
    with pytest.raises(ValueError, match="no card left"):
        answer(s, "good", None, None)
