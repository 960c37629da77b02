"""Pilot tests of the review screen on a real deck: grade, undo, bury, suspend."""

from __future__ import annotations

import json

from tui_support import TODAY, app_for, make_deck, run_async, wait_for

from srs_dl.tui.screens.review import ReviewScreen


async def _first_card(pilot, app) -> ReviewScreen:  # noqa: ANN001
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, ReviewScreen)
            and app.screen.card is not None
            and not app.screen.busy
        ),
        what="a card",
    )
    return app.screen


@run_async
async def test_review_a_due_card_end_to_end(tmp_path):
    deck = make_deck(tmp_path)
    note = deck.vault / "dl.md"
    before_text = note.read_text(encoding="utf-8")
    app = app_for(deck, mode="review", arg="flashcards/dl")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _first_card(pilot, app)
        card = screen.card
        # Most overdue first: the card due 2025-02-27.
        assert card.front == "What does Adam combine?"
        assert screen.query_one("#card-back").display is False
        await pilot.press("3")  # grading before the answer is shown does nothing
        assert screen.card.id == card.id and not screen.answers
        await pilot.press("space")
        assert screen.revealed and screen.query_one("#card-back").display is True
        good_label = str(screen.query_one("#grade-good").label)
        assert good_label.startswith("3 Good ") and good_label.endswith("d")
        await pilot.press("3")
        await wait_for(
            pilot,
            lambda: screen.card is not None and screen.card.id != card.id and not screen.busy,
            what="the next card",
        )

    rows = deck.rows(
        "SELECT action, response, source, day, before, after FROM log"
        " WHERE card_id = ? AND action = 'review'",
        (card.id,),
    )
    assert len(rows) == 1
    action, response, source, day, before, after = rows[0]
    assert (action, response, source, day) == ("review", "good", "srs-dl", TODAY.isoformat())
    assert json.loads(before)["due"] == "2025-02-27"
    due, interval, ease = deck.rows(
        "SELECT due, interval, ease FROM cards WHERE id = ?", (card.id,)
    )[0]
    assert json.loads(after)["due"] == due and due > TODAY.isoformat()
    # Write-back "immediate": the note's comment now holds the new schedule, nothing else moved.
    after_text = note.read_text(encoding="utf-8")
    assert "<!--SR:!2025-02-27,3,250-->" not in after_text
    assert f"<!--SR:!{due},{interval:g},{ease}-->" in after_text
    assert after_text.replace(f"!{due},{interval:g},{ease}", "!2025-02-27,3,250") == before_text


@run_async
async def test_undo_brings_the_card_back(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="review", arg="flashcards/dl")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _first_card(pilot, app)
        card = screen.card
        assert screen.available("undo", ()) is False  # nothing answered yet
        await pilot.press("space", "1")
        await wait_for(pilot, lambda: not screen.busy and screen.can_undo, what="the grade")
        await pilot.press("u")
        await wait_for(
            pilot,
            lambda: not screen.busy and screen.card.id == card.id and not screen.can_undo,
            what="the undo",
        )
        assert screen.answers == []
    log = deck.rows("SELECT id, action, undoes FROM log WHERE card_id = ? ORDER BY id", (card.id,))
    assert [r[1] for r in log] == ["review", "undo"]
    assert log[1][2] == log[0][0]
    assert deck.rows("SELECT due, interval, ease, state FROM cards WHERE id = ?", (card.id,)) == [
        ("2025-02-27", 3.0, 250, "review")
    ]


@run_async
async def test_bury_and_suspend_move_on(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="review", arg="flashcards/dl")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _first_card(pilot, app)
        first = screen.card
        await pilot.press("b")
        await wait_for(
            pilot,
            lambda: not screen.busy and screen.card is not None and screen.card.id != first.id,
            what="the card after a bury",
        )
        second = screen.card
        await pilot.press("s")
        await wait_for(
            pilot,
            lambda: (
                not screen.busy
                and screen.card is not None
                and screen.card.id not in (first.id, second.id)
            ),
            what="after a suspend",
        )
    assert deck.rows("SELECT state, buried_until FROM cards WHERE id = ?", (first.id,)) == [
        ("buried", "2025-03-02")
    ]
    assert deck.rows("SELECT state FROM cards WHERE id = ?", (second.id,)) == [("suspended",)]
    actions = deck.rows(
        "SELECT card_id, action FROM log WHERE action IN ('bury', 'suspend') ORDER BY id"
    )
    assert actions == [(first.id, "bury"), (second.id, "suspend")]


@run_async
async def test_session_summary_counts_answers(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="review", arg="flashcards/dl")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _first_card(pilot, app)
        seen = 0
        while screen.card is not None and seen < 10:
            current = screen.card.id
            await pilot.press("space", "4")
            await wait_for(
                pilot,
                lambda c=current: (
                    not screen.busy
                    and (screen.finished or (screen.card is not None and screen.card.id != c))
                ),
                what="the next card",
            )
            seen += 1
        assert screen.finished
        summary = str(screen.query_one("#summary").content)
        assert f"{seen} cards" in summary and "Easy" in summary
        assert screen.answers == ["easy"] * seen
    # Two due cards and the new one (the card due 2025-03-20 is not due).
    assert seen == 3
