"""Pilot tests of drills: a drill card answered right and wrong in a review (the
right answer computed from the very Drill object the screen holds), a typed
non-number, and free practice."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input
from tui_support import app_for, make_deck, run_async, wait_for, wrong_answer

from srs_dl.core.drills import generate, rng_for
from srs_dl.core.drills.formatting import full_precision
from srs_dl.tui.screens.practice import PracticeScreen
from srs_dl.tui.screens.review import ReviewScreen
from srs_dl.tui.widgets.drill_panel import DrillPanel, short_number, steps_table


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
        assert table.get_row_at(table.row_count - 1)[-1] == short_number(f"{drill.answer[-1]!r}")
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
async def test_practice_of_one_kind_reviews_its_drill_cards_then_free_practice(tmp_path):
    deck = make_deck(tmp_path)
    ema_cards = {r[0] for r in deck.rows(
        "SELECT id FROM cards WHERE kind = 'drill' AND drill_kind = 'ema'")}
    assert ema_cards and deck.rows(
        "SELECT count(*) FROM cards WHERE kind = 'drill' AND drill_kind != 'ema'")[0][0] > 0
    app = app_for(deck, mode="practice", arg="ema")
    async with app.run_test(size=(100, 30)) as pilot:
        graded: list[int] = []
        screen = await _drill_shown(pilot, app, PracticeScreen)
        while screen.card is not None:  # the due (new) ema drill cards first, graded
            card = screen.card
            assert card.drill_kind == "ema" and screen.drill.kind == "ema"
            await _type(pilot, screen, full_precision(screen.drill.answer))
            await wait_for(pilot, lambda: screen.drill_ok is True and not screen.busy,
                           what="check")
            assert screen.available("grade", ("good",)) is True
            await pilot.press("3")
            await wait_for(pilot, lambda c=card: not screen.busy and screen.drill is not None
                           and (screen.card is None or screen.card.id != c.id),
                           what="the next drill")
            graded.append(card.id)
        assert set(graded) == ema_cards
        # Then free practice of that kind: checked, not graded.
        assert screen.card is None and screen.drill.kind == "ema"
        first = screen.drill
        await _type(pilot, screen, full_precision(first.answer))
        await wait_for(pilot, lambda: screen.drill_ok is True, what="check")
        assert screen.available("grade", ("good",)) is False  # free practice: no grade
        await pilot.press("n")
        await wait_for(pilot, lambda: screen.drill is not first and not screen.busy,
                       what="the next drill")
        assert screen.drill.kind == "ema" and screen.drill.params != first.params
    rows = deck.rows("SELECT card_id, response FROM log WHERE action = 'review'")
    assert sorted(rows) == sorted((cid, "good") for cid in ema_cards)


@pytest.mark.parametrize(("kind", "intermediates"), [
    ("adam", ["g_t", "V_t", "S_t", "V_hat_t", "S_hat_t", "Δw", "w_t"]),
    ("rmsprop", ["g_t", "S_t", "√S_t + eps", "Δw", "w_t"]),
])
def test_optimizer_steps_fit_100_columns_with_every_intermediate(kind, intermediates):
    for seed in range(300):
        drill = generate(kind, rng_for(5, seed))
        columns, rows, legend = steps_table(drill.steps.columns, drill.steps.rows)
        assert [c for c in columns if c not in ("t", "i")] == intermediates
        assert "Δw = lr * " in legend and "w_t = w_{t-1} - Δw" in legend
        # The review body is 96 wide; a vertical scrollbar takes 2; each cell pads 2.
        assert sum(max(map(len, col)) + 2 for col in zip(columns, *rows, strict=True)) <= 94, seed
        # Five significant digits, and the last weight is the answer's.
        last = float(rows[-1][-1])
        answer = drill.answer[-1] if isinstance(drill.answer, list) else drill.answer
        assert last == pytest.approx(answer, rel=1e-4, abs=1e-12)


def test_short_number():
    assert short_number("0.000128193") == "0.00012819"
    assert short_number("6.17918e-05") == "6.1792e-5"
    assert short_number("-3") == "-3" and short_number("batch 1") == "batch 1"
    assert short_number("") == ""


@run_async
async def test_adam_steps_table_does_not_scroll_sideways_at_100_columns(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="practice", arg="adam")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _drill_shown(pilot, app, PracticeScreen)
        while screen.card is not None:  # the adam drill cards first
            await _type(pilot, screen, full_precision(screen.drill.answer))
            await wait_for(pilot, lambda: screen.drill_ok is True and not screen.busy,
                           what="check")
            card = screen.card
            await pilot.press("3")
            await wait_for(pilot, lambda c=card: not screen.busy and screen.card is not c,
                           what="the next drill")
        await _type(pilot, screen, full_precision(wrong_answer(screen.drill.answer)))
        await wait_for(pilot, lambda: screen.drill_ok is False and not screen.busy,
                       what="check")
        await pilot.pause()
        table = screen.query_one("#drill-steps")
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert "Δw = lr * V_hat" in str(screen.query_one("#drill-verdict").content)
