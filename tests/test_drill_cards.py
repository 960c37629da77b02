"""Drill cards (issue 7 section 4): seeded draws, wrong = Again, right = the learner's choice."""

from __future__ import annotations

import json

import pytest
from review_support import TODAY, add_card, config, open_db

from srs_dl.core.drills import KINDS, check
from srs_dl.core.drills.formatting import answer_text
from srs_dl.services.review import ReviewSession
from srs_dl.services.review import drill_cards as dc
from srs_dl.store import log as logstore
from srs_dl.store.cards import get_card


@pytest.fixture
def conn(tmp_path):
    c = open_db(tmp_path)
    yield c
    c.close()


def _drill_card(conn, kind: str = "adam") -> int:
    return add_card(conn, deck="drills", kind="drill", drill_kind=kind, front=f"Drill: {kind}")


def test_the_drill_is_fixed_by_card_and_reps_and_changes_after_a_review(conn):
    a, b = _drill_card(conn), _drill_card(conn)
    card_a = get_card(conn, a)
    assert dc.drill_for(card_a).params == dc.drill_for(get_card(conn, a)).params
    assert dc.drill_for(card_a).params != dc.drill_for(get_card(conn, b)).params
    drill = dc.drill_for(card_a)
    checked = dc.answer(conn, config(), TODAY, card_a, answer_text(drill.answer))
    dc.grade_right(conn, config(), TODAY, card_a, checked, "good")
    assert dc.drill_for(get_card(conn, a)).params != drill.params


@pytest.mark.parametrize("kind", KINDS)
def test_a_right_answer_waits_for_the_learners_grade(conn, kind):
    cid = _drill_card(conn, kind)
    card = get_card(conn, cid)
    drill = dc.drill_for(card)
    typed = answer_text(drill.answer)
    assert check(drill, typed).ok is True
    checked = dc.answer(conn, config(), TODAY, card, typed)
    assert checked.needs_grade and checked.graded is None
    assert get_card(conn, cid).reps == 0
    with pytest.raises(dc.DrillCardError):
        dc.grade_right(conn, config(), TODAY, card, checked, "again")
    result = dc.grade_right(conn, config(), TODAY, card, checked, "easy")
    assert result.after.ease == 270
    detail = logstore.card_history(conn, cid)[0].detail
    assert detail["correct"] is True and detail["typed"] == typed and detail["kind"] == kind
    assert detail["params"] == json.loads(json.dumps(drill.params))
    assert detail["answer"] == json.loads(json.dumps(drill.answer))


def test_a_wrong_answer_is_graded_again_at_once(conn):
    cid = _drill_card(conn, "ema")
    card = get_card(conn, cid)
    drill = dc.drill_for(card)
    assert drill.mistakes
    wrong = answer_text(drill.mistakes[0].answer)
    checked = dc.answer(conn, config(), TODAY, card, wrong)
    assert checked.result.ok is False and checked.graded is not None
    assert checked.graded.response == "again" and checked.graded.after.due == TODAY
    entry = logstore.card_history(conn, cid)[0]
    assert entry.response == "again" and entry.detail["correct"] is False
    assert entry.detail["typed"] == wrong
    with pytest.raises(dc.DrillCardError):
        dc.grade_right(conn, config(), TODAY, card, checked, "good")


@pytest.mark.parametrize("typed", ["", "nan", "inf", "abc", "1" * 10_000])
def test_not_an_answer_grades_nothing(conn, typed):
    cid = _drill_card(conn, "rmsprop")
    checked = dc.answer(conn, config(), TODAY, get_card(conn, cid), typed)
    assert checked.result.ok is None
    assert checked.result.message and checked.graded is None
    assert logstore.card_history(conn, cid) == []


def test_drill_answers_through_a_session_keep_the_queue_right(conn):
    cid = _drill_card(conn, "momentum")
    session = ReviewSession(conn, config(), TODAY, "drills")
    card = session.next_card()
    assert card is not None and card.id == cid
    checked = dc.answer(
        conn, config(), TODAY, card, _far_off(dc.drill_for(card).answer), grade=session.grade
    )
    assert checked.result.ok is False
    assert [c.id for c in session.queue()] == [cid]  # Again: back in this session
    assert session.undo() is not None and get_card(conn, cid).reps == 0


def _far_off(answer) -> str:
    def shift(x):
        return [shift(v) for v in x] if isinstance(x, list) else type(x)(x * 3 + 7)

    return answer_text(shift(answer))


def test_not_a_drill_card(conn):
    cid = add_card(conn, front="plain")
    with pytest.raises(dc.DrillCardError, match="not a drill card"):
        dc.drill_for(get_card(conn, cid))


def test_stats_count_drill_accuracy_by_the_kind_the_log_detail_names(conn):
    from srs_dl.services.stats import compute

    session = ReviewSession(conn, config(), TODAY, deck="drills")
    ema, adam = _drill_card(conn, "ema"), _drill_card(conn, "adam")
    wrong_drill = dc.drill_for(get_card(conn, ema))
    wrong = dc.answer(
        conn,
        config(),
        TODAY,
        get_card(conn, ema),
        answer_text(wrong_drill.mistakes[0].answer),
        grade=session.grade,
    )
    assert wrong.graded is not None and wrong.detail["kind"] == "ema"
    card = get_card(conn, adam)
    right = dc.answer(
        conn, config(), TODAY, card, answer_text(dc.drill_for(card).answer), grade=session.grade
    )
    dc.grade_right(conn, config(), TODAY, card, right, "good", grade=session.grade)
    kinds = [e.detail["kind"] for c in (ema, adam) for e in logstore.card_history(conn, c)]
    assert kinds == ["ema", "adam"]
    # The log's kind is what counts, not the card's current one (a card re-pointed later
    # keeps its past answers under the kind that was asked).
    conn.execute("UPDATE cards SET drill_kind = 'rmsprop' WHERE id IN (?, ?)", (ema, adam))
    drills = {d.kind: (d.answered, d.correct) for d in compute(conn, TODAY).drills}
    assert drills == {"ema": (1, 0), "adam": (1, 1)}


def test_a_session_of_one_drill_kind_queues_only_that_kinds_drill_cards(conn):
    ema = _drill_card(conn, "ema")
    in_note_deck = add_card(
        conn, deck="dl/optim", kind="drill", drill_kind="ema", front="Drill: ema"
    )
    _drill_card(conn, "adam")
    add_card(conn, deck="dl/optim", front="What is EMA?")
    assert {c.id for c in ReviewSession(conn, config(), TODAY, drill_kind="ema").queue()} == {
        ema,
        in_note_deck,
    }
    assert [
        c.id for c in ReviewSession(conn, config(), TODAY, deck="drills", drill_kind="ema").queue()
    ] == [ema]
    assert ReviewSession(conn, config(), TODAY, drill_kind="batchnorm").queue() == []
    assert len(ReviewSession(conn, config(), TODAY).queue()) == 4
