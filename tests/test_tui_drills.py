"""Pilot tests of drills: a drill card answered right and wrong in a review (the
right answer computed from the very Drill object the screen holds), a typed
non-number, and free practice."""

from __future__ import annotations

import json

from textual.widgets import Input
from tui_support import app_for, make_deck, run_async, wait_for, wrong_answer

from srs_dl.core.drills.formatting import full_precision
from srs_dl.tui.screens.practice import PracticeScreen
from srs_dl.tui.screens.review import ReviewScreen
from srs_dl.tui.widgets.drill_panel import DrillPanel


async def _drill_shown(pilot, app, cls=ReviewScreen):  # noqa: ANN001, ANN202
    await wait_for(pilot, lambda: isinstance(app.screen, cls) and app.screen.drill is not None
                   and not app.screen.busy, what="a drill")
    return app.screen


async def _type(pilot, screen, text: str) -> None:  # noqa: ANN001
    box = screen.query_one("#drill-answer", Input)
    assert box.has_focus
    box.value = text
    await pilot.press("enter")


@run_async
async def test_drill_card_answered_right_then_graded(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="review", arg="drills")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _drill_shown(pilot, app)
        card, drill = screen.card, screen.drill
        assert card.kind == "drill" and drill.kind == card.drill_kind
        assert screen.query_one(DrillPanel).display and not screen.query_one("#card-scroll").display
        await pilot.press("3")  # typed into the answer box: no grade before the check
        await _type(pilot, screen, full_precision(drill.answer))
        await wait_for(pilot, lambda: screen.drill_ok is True and not screen.busy, what="check")
        assert "✓" in str(screen.query_one("#drill-verdict").content)
        # The worked steps, one line per weight: the last line holds the answer's last weight.
        table = screen.query_one("#drill-steps")
        weights = len(drill.answer) if isinstance(drill.answer, list) else 1
        assert table.row_count == len(drill.steps.rows) * weights
        assert table.get_row_at(table.row_count - 1)[-1] == f"{drill.answer[-1]:.6g}"
        assert screen.available("grade", ("again",)) is False
        assert screen.available("grade", ("good",)) is True
        await pilot.press("3")
        await wait_for(pilot, lambda: not screen.busy and screen.card is not None
                       and screen.card.id != card.id, what="the next card")
    rows = deck.rows("SELECT response, detail FROM log WHERE card_id = ? AND action = 'review'",
                     (card.id,))
    assert len(rows) == 1 and rows[0][0] == "good"
    detail = json.loads(rows[0][1])
    assert detail["correct"] is True and detail["params"] == drill.params


@run_async
async def test_drill_card_answered_wrong_is_again(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="review", arg="drills")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _drill_shown(pilot, app)
        card, drill = screen.card, screen.drill
        await _type(pilot, screen, "twelve")  # not a number: a message, no grade
        await wait_for(pilot, lambda: not screen.busy and str(
            screen.query_one("#drill-verdict").content) != "", what="the message")
        assert screen.drill_ok is None
        assert deck.rows("SELECT count(*) FROM log WHERE card_id = ?", (card.id,)) == [(0,)]
        await _type(pilot, screen, full_precision(wrong_answer(drill.answer)))
        await wait_for(pilot, lambda: screen.drill_ok is False and not screen.busy, what="check")
        assert "✗" in str(screen.query_one("#drill-verdict").content)
        # Wrong is Again, stored at once; only Again is offered.
        assert screen.available("grade", ("good",)) is False
        assert deck.rows("SELECT response FROM log WHERE card_id = ? AND action = 'review'",
                         (card.id,)) == [("again",)]
        await pilot.press("1")
        await wait_for(pilot, lambda: not screen.busy and screen.drill_ok is None,
                       what="the next card")
    rows = deck.rows("SELECT response, detail FROM log WHERE card_id = ? AND action = 'review'",
                     (card.id,))
    assert [r[0] for r in rows] == ["again"]
    assert json.loads(rows[0][1])["correct"] is False


@run_async
async def test_free_practice_of_one_kind(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="practice", arg="ema")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _drill_shown(pilot, app, PracticeScreen)
        assert screen.card is None and screen.drill.kind == "ema"
        first = screen.drill
        await _type(pilot, screen, full_precision(first.answer))
        await wait_for(pilot, lambda: screen.drill_ok is True, what="check")
        assert screen.available("grade", ("good",)) is False  # free practice: no grade
        await pilot.press("n")
        await wait_for(pilot, lambda: screen.drill is not first and not screen.busy,
                       what="the next drill")
        assert screen.drill.kind == "ema" and screen.drill.params != first.params
    assert deck.rows("SELECT count(*) FROM log WHERE action = 'review'") == [(0,)]
