"""The review's state value (services.review.view): what fits at each moment, no Textual."""

from __future__ import annotations

from types import SimpleNamespace

from srs_dl.services.review.view import GRADES, RIGHT_GRADES, ReviewView

CARD = SimpleNamespace(id=1)
DRILL = SimpleNamespace(kind="adam")


def shown(drill: object = None, card: object = CARD, **kw: object) -> ReviewView:
    view = ReviewView().showing(card, {"good": "3d"}, "/v/n.md", drill, can_undo=False)
    return view.idle()


def test_nothing_fits_while_the_session_works() -> None:
    view = shown().working()
    assert not any(view.available(a, ("good",)) for a in ("reveal", "grade", "bury", "undo"))
    assert ReviewView().busy  # loading


def test_a_card_is_revealed_then_graded() -> None:
    view = shown()
    assert view.available("reveal") and not view.available("grade", ("good",))
    assert view.available("edit") and view.available("bury")
    view = view.reveal()
    assert not view.available("reveal")
    assert view.allowed_grades() == GRADES and view.available("grade", ("again",))
    assert view.in_footer("grade", ("again",)) and view.in_footer("reveal", ())


def test_a_drill_card_is_graded_only_after_a_right_answer() -> None:
    view = shown(DRILL)
    assert not view.available("reveal") and view.allowed_grades() == ()
    assert not view.in_footer("grade", ("good",)) and not view.in_footer("edit", ())
    right = view.working().answer_checked(SimpleNamespace(), True, graded=False)
    assert right.allowed_grades() == RIGHT_GRADES and not right.busy
    assert right.available("grade", ("good",)) and not right.available("grade", ("again",))
    assert not right.can_go_on()
    wrong = view.answer_checked(SimpleNamespace(), False, graded=True)
    assert wrong.allowed_grades() == () and wrong.can_go_on() and wrong.can_undo
    unreadable = view.answer_checked(None, None, graded=False)
    assert unreadable.drill_ok is None and not unreadable.can_go_on()


def test_free_practice_goes_on_after_any_check() -> None:
    view = shown(DRILL, card=None).answer_checked(None, True, graded=False)
    assert view.can_go_on() and view.available("next")
    assert not view.available("bury") and not view.in_footer("bury", ())


def test_the_summary_shows_no_card_keys_and_keeps_undo() -> None:
    view = shown().reveal().done(can_undo=True)
    assert view.finished and view.card is None and not view.busy
    assert not view.in_footer("grade", ("good",)) and not view.in_footer("reveal", ())
    assert view.available("undo") and not view.available("bury")
    again = view.showing(CARD, {}, None, None, can_undo=True)
    assert not again.finished and not again.revealed and not again.available("edit")
