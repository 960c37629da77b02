"""Pilot tests of drills: a drill card answered right and wrong in a review (the
right answer computed from the very Drill object the screen holds), a typed
non-number, and free practice; and the worked steps of every kind fitting 100
columns (scrolling sideways inside their panel on a narrower terminal)."""

from __future__ import annotations

import json
import re

import pytest
from textual.widgets import Button, Input
from tui_support import TODAY, app_for, make_deck, run_async, wait_for, wrong_answer

from srs_dl.core.drills import KINDS, generate, rng_for
from srs_dl.core.drills.formatting import full_precision
from srs_dl.tui.dialogs.help import describe_bindings
from srs_dl.tui.screens.practice import PracticeScreen
from srs_dl.tui.screens.review import ReviewScreen
from srs_dl.tui.widgets.drill_panel import (
    STEP_DIGITS,
    DrillPanel,
    column_number,
    steps_table,
    table_width,
)


async def _drill_shown(pilot, app, cls=ReviewScreen):  # noqa: ANN001, ANN202
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, cls) and app.screen.drill is not None and not app.screen.busy
        ),
        what="a drill",
    )
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
        last = float(table.get_row_at(table.row_count - 1)[-1])
        assert last == pytest.approx(drill.answer[-1], rel=1e-4)
        assert screen.available("grade", ("again",)) is False
        assert screen.available("grade", ("good",)) is True
        # Right: the learner still chooses; the verdict says so, the footer offers 2-4 only,
        # and enter (nothing to go on to before the grade) records nothing.
        assert "Not graded yet: 2 Hard, 3 Good or 4 Easy" in _verdict(screen)
        keys = _keys(screen)
        assert {"2", "3", "4"} <= keys.keys() and "1" not in keys
        assert keys.get("enter") != "next"
        await pilot.press("enter", "1")
        await pilot.pause()
        assert screen.card.id == card.id and screen.drill_ok is True
        assert deck.rows("SELECT count(*) FROM log WHERE card_id = ?", (card.id,)) == [(0,)]
        await pilot.press("3")
        await wait_for(
            pilot,
            lambda: not screen.busy and screen.card is not None and screen.card.id != card.id,
            what="the next card",
        )
    rows = deck.rows(
        "SELECT response, detail FROM log WHERE card_id = ? AND action = 'review'", (card.id,)
    )
    assert len(rows) == 1 and rows[0][0] == "good"
    detail = json.loads(rows[0][1])
    assert detail["correct"] is True and detail["params"] == drill.params


def _verdict(screen) -> str:  # noqa: ANN001
    return str(screen.query_one("#drill-verdict").render())


def _keys(screen) -> dict[str, str]:  # noqa: ANN001
    """The keys the footer shows now: key -> action name."""
    return {
        key: active.binding.action.split("(")[0] for key, active in screen.active_bindings.items()
    }


def _buttons(screen) -> list[str]:  # noqa: ANN001
    return [str(b.label) for b in screen.query("#grades Button") if b.display]


@run_async
async def test_drill_card_answered_wrong_is_again(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="review", arg="drills")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _drill_shown(pilot, app)
        card, drill = screen.card, screen.drill
        await _type(pilot, screen, "twelve")  # not a number: a message, no grade
        await wait_for(
            pilot,
            lambda: not screen.busy and str(screen.query_one("#drill-verdict").content) != "",
            what="the message",
        )
        assert screen.drill_ok is None
        assert deck.rows("SELECT count(*) FROM log WHERE card_id = ?", (card.id,)) == [(0,)]
        await _type(pilot, screen, full_precision(wrong_answer(drill.answer)))
        await wait_for(pilot, lambda: screen.drill_ok is False and not screen.busy, what="check")
        # Wrong is Again, stored at once, and the screen says so: no grade is left to pick.
        assert (
            deck.rows(
                "SELECT response, after FROM log WHERE card_id = ? AND action = 'review'",
                (card.id,),
            )[0][0]
            == "again"
        )
        verdict = _verdict(screen)
        assert "✗" in verdict
        assert "Recorded as Again: due again today, back at the end of this session." in verdict
        assert "enter: next card" in verdict
        assert _buttons(screen) == ["Next card (enter)"]
        assert screen.answers == ["again"]
        for response in ("again", "hard", "good", "easy"):
            assert screen.available("grade", (response,)) is False
        # The footer and the help show enter as "Next", and no grade key.
        keys = _keys(screen)
        assert keys["enter"] == "next" and not {"1", "2", "3", "4"} & keys.keys()
        assert ("This screen", "enter", "Next") in [r[:3] for r in describe_bindings(screen)]
        await pilot.press("1", "3")  # grade keys do nothing now: no second review
        await pilot.pause()
        assert screen.card.id == card.id and screen.drill_ok is False
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: not screen.busy and screen.drill_ok is None, what="the next card"
        )
        # The card failed comes back at the end of the session; another one is in front.
        assert screen.card.id != card.id and screen.drill is not None
        assert screen.query_one("#drill-answer", Input).has_focus
        assert screen.answers == ["again"]
    rows = deck.rows(
        "SELECT response, detail FROM log WHERE card_id = ? AND action = 'review'", (card.id,)
    )
    assert [r[0] for r in rows] == ["again"]
    assert json.loads(rows[0][1])["correct"] is False
    assert deck.rows("SELECT due FROM cards WHERE id = ?", (card.id,)) == [(TODAY.isoformat(),)]


@run_async
async def test_wrong_drill_next_button_and_undo(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="review", arg="drills")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _drill_shown(pilot, app)
        first = screen.card
        await _type(pilot, screen, full_precision(wrong_answer(screen.drill.answer)))
        await wait_for(pilot, lambda: screen.drill_ok is False and not screen.busy, what="check")
        # Undo right after a wrong answer takes back its Again: the same card, unanswered.
        await pilot.press("u")
        await wait_for(pilot, lambda: not screen.busy and screen.drill_ok is None, what="the undo")
        assert screen.card.id == first.id and screen.answers == []
        await _type(pilot, screen, full_precision(wrong_answer(screen.drill.answer)))
        await wait_for(pilot, lambda: screen.drill_ok is False and not screen.busy, what="check")
        await pilot.click("#next")  # the button does what enter does
        await wait_for(
            pilot, lambda: not screen.busy and screen.drill_ok is None, what="the next card"
        )
        assert screen.card.id != first.id and screen.answers == ["again"]
        assert not screen.query_one("#next", Button).display
    log = deck.rows(
        "SELECT id, action, response, undoes FROM log WHERE card_id = ? ORDER BY id", (first.id,)
    )
    assert [r[1:3] for r in log] == [("review", "again"), ("undo", "again"), ("review", "again")]
    assert log[1][3] == log[0][0]


@run_async
async def test_practice_of_one_kind_reviews_its_drill_cards_then_free_practice(tmp_path):
    deck = make_deck(tmp_path)
    ema_cards = {
        r[0] for r in deck.rows("SELECT id FROM cards WHERE kind = 'drill' AND drill_kind = 'ema'")
    }
    assert (
        ema_cards
        and deck.rows("SELECT count(*) FROM cards WHERE kind = 'drill' AND drill_kind != 'ema'")[0][
            0
        ]
        > 0
    )
    app = app_for(deck, mode="practice", arg="ema")
    async with app.run_test(size=(100, 30)) as pilot:
        graded: list[int] = []
        screen = await _drill_shown(pilot, app, PracticeScreen)
        while screen.card is not None:  # the due (new) ema drill cards first, graded
            card = screen.card
            assert card.drill_kind == "ema" and screen.drill.kind == "ema"
            await _type(pilot, screen, full_precision(screen.drill.answer))
            await wait_for(pilot, lambda: screen.drill_ok is True and not screen.busy, what="check")
            assert screen.available("grade", ("good",)) is True
            await pilot.press("3")
            await wait_for(
                pilot,
                lambda c=card: (
                    not screen.busy
                    and screen.drill is not None
                    and (screen.card is None or screen.card.id != c.id)
                ),
                what="the next drill",
            )
            graded.append(card.id)
        assert set(graded) == ema_cards
        # Then free practice of that kind: checked, not graded.
        assert screen.card is None and screen.drill.kind == "ema"
        first = screen.drill
        await _type(pilot, screen, full_precision(first.answer))
        await wait_for(pilot, lambda: screen.drill_ok is True, what="check")
        assert screen.available("grade", ("good",)) is False  # free practice: no grade
        assert "Free practice: not graded" in _verdict(screen)
        assert _buttons(screen) == ["Next drill (enter)"]
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: screen.drill is not first and not screen.busy, what="the next drill"
        )
        second = screen.drill
        assert second.kind == "ema" and second.params != first.params
        await _type(pilot, screen, full_precision(wrong_answer(second.answer)))
        await wait_for(pilot, lambda: screen.drill_ok is False, what="check")
        await pilot.press("n")  # n does it too
        await wait_for(
            pilot, lambda: screen.drill is not second and not screen.busy, what="the drill after"
        )
    rows = deck.rows("SELECT card_id, response FROM log WHERE action = 'review'")
    assert sorted(rows) == sorted((cid, "good") for cid in ema_cards)


@pytest.mark.parametrize(
    ("kind", "intermediates"),
    [
        ("adam", ["g_t", "V_t", "S_t", "V_hat_t", "S_hat_t", "Δw", "w_t"]),
        ("rmsprop", ["g_t", "S_t", "√S_t + eps", "Δw", "w_t"]),
    ],
)
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


def test_a_column_has_one_number_format():
    # Issue 21 item 12: 0.000567, -9e-6 and 6.3266e-5 in one column become one format,
    # each at STEP_DIGITS significant figures; a column within the fixed range has none.
    small = column_number([0.000567, -9e-6, 6.3266e-5])
    assert [small(x) for x in (0.000567, -9e-6, 6.3266e-5)] == [
        "5.6700e-4",
        "-9.0000e-6",
        "6.3266e-5",
    ]
    plain = column_number([0.5, 12.25, -0.0045])
    assert [plain(x) for x in (0.5, 12.25, -0.0045)] == ["0.50000", "12.250", "-0.0045000"]
    assert plain(0.0) == "0"


_SIGNIFICANT = re.compile(r"-?(\d+)\.?(\d*)(e[+-]\d+)?")


def _figures(token: str) -> int:
    whole, frac, _ = _SIGNIFICANT.fullmatch(token).groups()
    return len((whole + frac).lstrip("0"))


@pytest.mark.parametrize("kind", KINDS)
def test_every_steps_column_has_one_format_and_the_same_figures(kind):
    for seed in range(60):
        drill = generate(kind, rng_for(2, seed))
        columns, rows, _ = steps_table(drill.steps.columns, drill.steps.rows)
        for j in range(1, len(columns)):
            tokens = [
                t for t in _tokens([r[j] for r in rows]) if _SIGNIFICANT.fullmatch(t) and "." in t
            ]
            assert len({"e" in t for t in tokens}) <= 1, (kind, seed, columns[j], tokens)
            assert all(_figures(t) == STEP_DIGITS for t in tokens if float(t) != 0), tokens


@run_async
async def test_adam_steps_table_does_not_scroll_sideways_at_100_columns(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="practice", arg="adam")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _drill_shown(pilot, app, PracticeScreen)
        while screen.card is not None:  # the adam drill cards first
            await _type(pilot, screen, full_precision(screen.drill.answer))
            await wait_for(pilot, lambda: screen.drill_ok is True and not screen.busy, what="check")
            card = screen.card
            await pilot.press("3")
            await wait_for(
                pilot,
                lambda c=card: not screen.busy and screen.card is not c,
                what="the next drill",
            )
        await _type(pilot, screen, full_precision(wrong_answer(screen.drill.answer)))
        await wait_for(pilot, lambda: screen.drill_ok is False and not screen.busy, what="check")
        await pilot.press("t")
        await pilot.pause()
        table = screen.query_one("#drill-steps")
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert "Δw = lr * V_hat" in str(screen.query_one("#drill-verdict").content)


# -- the worked steps fit the terminal --------------------------------------------------------

#: The review body at 100 columns is 96 wide (padding 2 each side); a vertical scrollbar takes 2.
ROOM_AT_100 = 94


def _tokens(cells: list[str]) -> list[str]:
    """The values of some cells: a vector or matrix cell gives one token per number."""
    out = []
    for cell in cells:
        if cell.startswith("["):
            out += [x for x in re.split(r"[\[\],\s]+", cell) if x]
        elif cell:
            out.append(cell)
    return out


def _numbers(cells: list[str]) -> list[float]:
    out = []
    for token in _tokens(cells):
        try:
            out.append(float(token))
        except ValueError:
            continue
    return out


def _widest(kind: str, seeds: range) -> tuple[object, int]:
    """The drill of `kind` whose steps table is the widest over `seeds` (and its width)."""
    best = None, -1
    for seed in seeds:
        drill = generate(kind, rng_for(seed % 3, seed))
        width = table_width(*steps_table(drill.steps.columns, drill.steps.rows)[:2])
        if width > best[1]:
            best = drill, width
    return best


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_steps_fit_100_columns_complete(kind):
    # Seeded as drill cards are ([card id, reps]) and as `srs-dl drills` is ([seed, i]).
    for seed in range(400):
        drill = generate(kind, rng_for(seed % 3, seed))
        columns, rows, legend = steps_table(drill.steps.columns, drill.steps.rows)
        assert table_width(columns, rows) <= ROOM_AT_100, (kind, seed)
        # Complete: every value of the worked steps is shown (at STEP_DIGITS), none more.
        source = [str(c) for row in drill.steps.rows for c in row[1:]]
        shown_cols = [i for i, c in enumerate(columns) if i > 0 and c != "i"]
        shown = [row[i] for row in rows for i in shown_cols]
        got, want = sorted(_numbers(shown)), sorted(_numbers(source))
        assert got == pytest.approx(want, rel=1e-4, abs=1e-12), seed
        # Every step's label is there, and a shortened one is explained in the legend.
        labels = [str(row[0]) for row in drill.steps.rows]
        for label, short in zip(labels, [r[0] for r in rows if r[0]], strict=True):
            assert short == label or f"{short.split()[-1]} = " in legend, (label, short, legend)


def test_batchnorm_inference_steps_once_too_wide_now_fit():
    drill = generate("batchnorm_inference", rng_for(5, 192))  # 101 columns before
    columns, rows, legend = steps_table(drill.steps.columns, drill.steps.rows)
    assert table_width(columns, rows) <= ROOM_AT_100
    assert [r[0] for r in rows if r[0].startswith("test")] == [
        "test: σ",
        "test: ẑ",
        "test: out",
    ]
    assert "σ = √(run var + eps)" in legend and "out = gamma * z_norm + beta" in legend
    # The answer is on the last lines, one per unit.
    units = rows[-len(drill.answer) :]
    assert units[0][0] == "test: out"
    assert [float(x) for r in units for x in r[-1].strip("[]").split(",")] == pytest.approx(
        [x for unit in drill.answer for x in unit], rel=1e-4
    )


@run_async
async def test_widest_steps_of_every_kind_render_without_scrolling_at_100_columns(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="practice", arg="ema")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _drill_shown(pilot, app, PracticeScreen)
        panel = screen.query_one(DrillPanel)
        table = screen.query_one("#drill-steps")
        for kind in KINDS:
            drill, width = _widest(kind, range(150))
            await panel.load(drill)
            panel.show_verdict(False, "checked")
            panel.show_view("steps")
            # The table lays itself out as table_width measures (else: timed out).
            await wait_for(
                pilot,
                lambda w=width: table.virtual_size.width == w,
                what=f"{kind}'s steps laid out {width} wide",
            )
            assert width <= table.scrollable_content_region.width, kind
            assert "scroll the table" not in _verdict(screen), kind


@run_async
async def test_steps_scroll_sideways_inside_the_panel_at_80_columns(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="practice", arg="ema")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _drill_shown(pilot, app, PracticeScreen)
        panel = screen.query_one(DrillPanel)
        table = screen.query_one("#drill-steps")
        drill, width = _widest("adam", range(50))
        await panel.load(drill)
        panel.show_verdict(False, "checked")
        assert panel.view == "worked"
        await pilot.press("t")  # the worked solution first, then the steps table
        await wait_for(
            pilot,
            lambda: table.virtual_size.width == width and table.has_focus,
            what="the steps laid out",
        )
        assert width > table.scrollable_content_region.width
        assert table.region.right <= 80 and "←/→ scroll the table" in _verdict(screen)
        assert table.scroll_x == 0
        await pilot.press("right", "right")
        await wait_for(pilot, lambda: table.scroll_x > 0, what="the table scrolled right")


@run_async
async def test_recall_mode_and_the_mistake_diagnosis_in_the_review(tmp_path):
    import datetime as dt

    from srs_dl.services.review import drill_cards as dc
    from srs_dl.store.cards import get_card
    from srs_dl.tui.app import make_app

    deck = make_deck(tmp_path)
    conn = deck.conn()
    try:
        ids = [r[0] for r in conn.execute("SELECT id FROM cards WHERE kind = 'drill'")]
        for cid in ids:  # every drill card answered right twice
            for _ in range(2):
                card = get_card(conn, cid)
                drill = dc.shown_drill(conn, card)
                checked = dc.answer(conn, deck.config, TODAY, card, full_precision(drill.answer))
                dc.grade_right(conn, deck.config, TODAY, card, checked, "good")
        conn.commit()
    finally:
        conn.close()
    later = TODAY + dt.timedelta(days=2000)  # all of them due again
    app = make_app(deck.db, later, deck.config, mode="review", arg="drills", seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _drill_shown(pilot, app)
        drill = screen.drill
        assert drill.mode == "recall" and drill.formula not in drill.prompt
        assert drill.formula not in str(screen.query_one("#drill-prompt").render())
        mistake = next(m for m in drill.mistakes if m.name != "starting_weights")
        await _type(pilot, screen, full_precision(mistake.answer))
        await wait_for(pilot, lambda: screen.drill_ok is False and not screen.busy, what="check")
        verdict = _verdict(screen)
        assert f"gives with this mistake: {mistake.description}" in " ".join(verdict.split())
        panel = screen.query_one(DrillPanel)
        assert panel.view == "worked"
        solution = str(screen.query_one("#drill-solution").render())
        assert "Formula" in solution and drill.worked[-1].split(" = ")[-1] in solution
        # The question stays in view above the solution (issue 21 item 2).
        prompt_box = screen.query_one("#drill-scroll")
        assert prompt_box.region.height >= min(len(drill.prompt.splitlines()), 6)


@run_async
async def test_free_practice_switches_to_recall_mode(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="practice", arg="adam")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _drill_shown(pilot, app, PracticeScreen)
        while screen.card is not None:  # the adam drill cards first (graded)
            await _type(pilot, screen, full_precision(screen.drill.answer))
            await wait_for(pilot, lambda: screen.drill_ok is True and not screen.busy, what="ok")
            card = screen.card
            await pilot.press("3")
            await wait_for(pilot, lambda c=card: not screen.busy and screen.card is not c)
        first = screen.drill
        assert first.mode == "formula" and first.formula in first.prompt
        screen.query_one(DrillPanel).focus()
        await pilot.press("m")
        await wait_for(pilot, lambda: screen.drill.mode == "recall", what="recall mode")
        assert screen.drill.params == first.params and first.formula not in screen.drill.prompt
