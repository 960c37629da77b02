"""The TUI's small pure helpers: card text for display, the editor command, the
worked steps one line per weight, the plot series, and the deck counts query."""

from __future__ import annotations

import pytest
from tui_support import TODAY, make_deck

from srs_dl.core.drills import KINDS, generate, rng_for
from srs_dl.store.decks import deck_counts
from srs_dl.tui.card_markdown import for_display
from srs_dl.tui.drill_series import plot_for
from srs_dl.tui.editor import EditorError, editor_command
from srs_dl.tui.widgets.drill_panel import per_element


def test_latex_is_shown_as_source_not_markdown():
    text = r"Adam: $m_t = \beta_1 m_{t-1}$ and **bold** cost $5 and $6"
    assert for_display(text) == r"Adam: `m_t = \beta_1 m_{t-1}` and **bold** cost $5 and $6"


def test_display_math_becomes_a_latex_block_and_code_is_untouched():
    text = "$$\nS = \\beta S + (1-\\beta) g^2\n$$\n```py\nx = $a$\n```"
    assert for_display(text) == "```latex\nS = \\beta S + (1-\\beta) g^2\n```\n```py\nx = $a$\n```"


def test_a_code_span_wins_over_a_dollar():
    assert for_display("`a$b` and $c$") == "`a$b` and `c`"


def test_lines_of_a_paragraph_keep_their_breaks():
    assert (
        for_display("V = b V + (1 - b) g\nw = w - lr V\n\nnext")
        == "V = b V + (1 - b) g  \nw = w - lr V\n\nnext"
    )


@pytest.mark.parametrize(
    ("editor", "expected"),
    [
        ("vim", ["vim", "+12", "/n.md"]),
        ("nvim -p", ["nvim", "-p", "+12", "/n.md"]),
        ("code --wait", ["code", "--wait", "-g", "/n.md:12"]),
        ("/usr/bin/subl", ["/usr/bin/subl", "/n.md:12"]),
    ],
)
def test_editor_command_opens_the_line(editor, expected):
    assert editor_command(editor, "/n.md", 12) == expected


def test_editor_command_without_an_editor(monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    with pytest.raises(EditorError, match="set \\$EDITOR"):
        editor_command(None, "/n.md", 3)
    monkeypatch.setenv("EDITOR", "nano")
    assert editor_command(None, "/n.md", None) == ["nano", "/n.md"]


def test_steps_one_line_per_weight():
    columns, rows = per_element(
        ("t", "g_t", "w_t"), ((0, "", "[1, 2]"), (1, "[0.5, -0.5]", "[0.9, 2.1]"))
    )
    assert columns == ["t", "i", "g_t", "w_t"]
    assert rows == [
        ["0", "1", "", "1"],
        ["", "2", "", "2"],
        ["1", "1", "0.5", "0.9"],
        ["", "2", "-0.5", "2.1"],
    ]


def test_steps_without_vectors_are_kept():
    columns, rows = per_element(("quantity", "value"), (("alpha0", "0.06"), ("epoch", 8)))
    assert columns == ["quantity", "value"] and rows == [["alpha0", "0.06"], ["epoch", "8"]]


def test_plots_come_from_the_drill_inputs():
    for kind in KINDS:
        drill = generate(kind, rng_for(3, 0))
        figure = plot_for(drill)
        if kind in ("ema", "lr_decay", "momentum", "rmsprop", "adam"):
            assert figure is not None and figure.series, kind
    # The plotted averages end at the drill's own answer, corrected or not.
    emas = [generate("ema", rng_for(3, index)) for index in range(12)]
    for corrected, label in ((True, "V / (1 - beta^t)"), (False, "V (no correction)")):
        ema = next(e for e in emas if e.params["bias_correction"] is corrected)
        line = next(s for s in plot_for(ema).series if s.label == label)
        assert line.y[-1] == pytest.approx(ema.answer)
    lr = generate("lr_decay", rng_for(3, 1))
    marked = plot_for(lr).series[-1]
    assert marked.x == [float(lr.params["epoch"])] and marked.y[0] == pytest.approx(lr.answer)


def test_deck_counts_match_the_cards(tmp_path):
    deck = make_deck(tmp_path)
    conn = deck.conn()
    try:
        counts = {d: (n, due) for d, n, due in deck_counts(conn, TODAY)}
    finally:
        conn.close()
    assert counts["flashcards/dl"] == (1, 2)
    drills = deck.rows("SELECT count(*) FROM cards WHERE deck = 'drills' AND state = 'new'")
    assert counts["drills"] == (drills[0][0], 0)


def test_status_line_shortens_the_note_name_not_the_line() -> None:
    from srs_dl.tui.screens.review import _where

    short = _where("dl", "x.md", 10)
    assert short == "dl  ·  x.md:10"
    long = _where(
        "flashcards/dl/optim/weight-decay",
        "Stochastic gradient descent in PyTorch.md",
        110,
        width=60,
    )
    assert len(long) == 60 and long.endswith("….md:110")
    assert long.startswith("flashcards/dl/optim/weight-decay  ·  Stochastic")


def test_a_revealed_cloze_shows_its_deletions_in_bold() -> None:
    from srs_dl.tui.card_markdown import revealed_cloze

    front = "Adam's defaults: beta1 = [...] and beta2 = [...] (rarely tuned)"
    back = "Adam's defaults: beta1 = 0.9 and beta2 = 0.999 (rarely tuned)"
    assert revealed_cloze(front, back) == (
        "Adam's defaults: beta1 = **0.9** and beta2 = **0.999** (rarely tuned)"
    )
    assert revealed_cloze("[...] starts", "Adam starts") == "**Adam** starts"
    # code or math in a deletion, or a back that is not the front filled in: unchanged
    assert revealed_cloze("x = [...]", "x = `1`") == "x = `1`"
    assert revealed_cloze("x = [...] y", "something else") == "something else"


def test_each_grade_key_is_the_number_its_button_shows() -> None:
    from srs_dl.tui.screens.notes import NotesScreen
    from srs_dl.tui.screens.review import ReviewScreen

    def grade_keys(screen: type) -> dict[str, str]:
        return {
            b.action.removeprefix("grade('").removesuffix("')"): b.key
            for b in screen.BINDINGS
            if b.action.startswith("grade(")  # type: ignore[union-attr]
        }

    assert grade_keys(ReviewScreen) == {"again": "1", "hard": "2", "good": "3", "easy": "4"}
    assert grade_keys(NotesScreen) == {"hard": "2", "good": "3", "easy": "4"}  # as the buttons
    ids = {b.id for screen in (ReviewScreen, NotesScreen) for b in screen.BINDINGS}  # type: ignore[union-attr]
    assert {"review-again", "review-easy", "notes-hard", "notes-easy"} <= ids
