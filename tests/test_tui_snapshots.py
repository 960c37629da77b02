"""Snapshots of every screen at 100 x 30, on the test deck, with a fixed --today
(2025-03-01) and drill seed. Baselines: tests/__snapshots__/test_tui_snapshots/;
regenerate with `pytest tests/test_tui_snapshots.py --snapshot-update` and look
at the report before committing them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey
from tui_support import Deck, app_for, make_deck, typed, wait_for, wrong_answer

SIZE = (100, 30)


@pytest.fixture
def deck(tmp_path) -> Deck:  # noqa: ANN001
    return make_deck(tmp_path)


def _steady(pilot: Pilot) -> None:
    """No animation, no blinking cursor: the same picture on every run."""
    app = pilot.app
    app.animation_level = "none"
    for box in app.screen.query(Input):
        box.cursor_blink = False


def _footer_current(pilot: Pilot) -> bool:
    """The footer shows what the screen's bindings say now (it is rebuilt after a
    change of focus or of the keys, a frame or more later)."""
    screen = pilot.app.screen
    if not screen.query(Footer):
        return True  # a dialog
    wanted = {a.binding.action for a in screen.active_bindings.values() if a.binding.show}
    shown = {key.action for key in screen.query(FooterKey)}
    return bool(shown) and wanted <= shown


def settled(
    ready: Callable[[Pilot], object],
    *keys: str,
    then: Callable[[Pilot], Awaitable[None]] | None = None,
):  # noqa: ANN201
    async def run_before(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: not pilot.app.job.running, what="the startup rescan")
        await wait_for(pilot, lambda: ready(pilot), what="the screen")
        if keys:
            await pilot.press(*keys)
        if then is not None:
            await then(pilot)
        _steady(pilot)
        await wait_for(pilot, lambda: _footer_current(pilot), what="the footer")
        await pilot.pause(0.1)

    return run_before


def _card(pilot: Pilot) -> bool:
    screen = pilot.app.screen
    return getattr(screen, "card", None) is not None and not screen.busy


def _drill(pilot: Pilot) -> bool:
    screen = pilot.app.screen
    return getattr(screen, "drill", None) is not None and not screen.busy


def test_decks(snap_compare, deck):  # noqa: ANN001
    app = app_for(deck)
    assert snap_compare(
        app,
        terminal_size=SIZE,
        run_before=settled(lambda p: bool(getattr(p.app.screen, "counts", None))),
    )


def test_review_question(snap_compare, deck):  # noqa: ANN001
    app = app_for(deck, mode="review", arg="flashcards/dl")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(_card))


def test_review_answer(snap_compare, deck):  # noqa: ANN001
    app = app_for(deck, mode="review", arg="flashcards/dl")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(_card, "space"))


def test_review_multiline_card_with_code(snap_compare, deck):  # noqa: ANN001
    async def to_the_new_card(pilot: Pilot) -> None:
        screen = pilot.app.screen
        while screen.card is not None and screen.card.kind != "multiline":
            current = screen.card.id
            await pilot.press("b")
            await wait_for(pilot, lambda c=current: _card(pilot) and screen.card.id != c)
        await pilot.press("space")

    app = app_for(deck, mode="review", arg="flashcards/dl")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(_card, then=to_the_new_card))


def test_review_summary(snap_compare, deck):  # noqa: ANN001
    async def answer_all(pilot: Pilot) -> None:
        screen = pilot.app.screen
        for key in ("3", "4", "2"):
            current = screen.card.id
            await pilot.press("space", key)
            await wait_for(
                pilot,
                lambda c=current: not screen.busy and (screen.finished or screen.card.id != c),
            )
        assert screen.finished

    app = app_for(deck, mode="review", arg="flashcards/dl")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(_card, then=answer_all))


def test_review_drill_card_checked(snap_compare, deck):  # noqa: ANN001
    async def answer(pilot: Pilot) -> None:
        screen = pilot.app.screen
        screen.query_one("#drill-answer", Input).value = typed(screen.drill.answer)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.drill_ok is True and not screen.busy)

    app = app_for(deck, mode="review", arg="drills")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(_drill, then=answer))


def test_practice_prompt(snap_compare, deck):  # noqa: ANN001
    app = app_for(deck, mode="practice", arg="momentum")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(_drill))


@pytest.mark.parametrize(
    "kind",
    [
        "ema",
        "lr_decay",
        "adam",
        "batchnorm",
        "log_scale",
        "sgd_weight_decay",
        "batchnorm_inference",
    ],
)
def test_practice_wrong_answer_with_steps_and_plot(snap_compare, deck, kind):  # noqa: ANN001
    """A drill card answered wrong: recorded as Again, the worked steps, enter goes on."""

    async def answer(pilot: Pilot) -> None:
        screen = pilot.app.screen
        wrong = typed(wrong_answer(screen.drill.answer))
        screen.query_one("#drill-answer", Input).value = wrong
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.drill_ok is False)

    app = app_for(deck, mode="practice", arg=kind)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(_drill, then=answer))


def test_notes(snap_compare, deck):  # noqa: ANN001
    app = app_for(deck, mode="notes")
    assert snap_compare(
        app,
        terminal_size=SIZE,
        run_before=settled(
            lambda p: getattr(p.app.screen, "current", None) is not None and not p.app.screen.busy
        ),
    )


def test_help(snap_compare, deck):  # noqa: ANN001
    app = app_for(deck, mode="review", arg="flashcards/dl")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(_card, "question_mark"))


def test_import_dialog(snap_compare, deck):  # noqa: ANN001
    app = app_for(deck)
    assert snap_compare(
        app,
        terminal_size=SIZE,
        run_before=settled(lambda p: bool(getattr(p.app.screen, "counts", None)), "i"),
    )


def test_kind_picker(snap_compare, deck):  # noqa: ANN001
    async def check_then_pick(pilot: Pilot) -> None:
        screen = pilot.app.screen
        # practice KIND opens on that kind's due drill card: a wrong answer (graded Again)
        wrong = typed(wrong_answer(screen.drill.answer))
        screen.query_one("#drill-answer", Input).value = wrong
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.drill_ok is not None)
        await pilot.press("k")

    app = app_for(deck, mode="practice", arg="adam")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(_drill, then=check_then_pick))
