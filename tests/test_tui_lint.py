"""Pilot tests of the Lint view and of the review's warning line for a card whose
note has a lint error."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static
from tui_support import TODAY, Deck, run_async, wait_for

from srs_dl.config import Config
from srs_dl.store.db import connect

BAD_NOTE = """\
#flashcards/dl

## RMSprop

Write the RMSprop update
?
S_dW = beta * S_dW + (1 - beta) * dW^2
W = W - alpha * dW / sqrt(S_dW) + eps
<!--SR:!2025-02-27,3,250-->

## Momentum

V_dW = beta * V_dW + (1 - beta) * dW
"""


def _deck(tmp_path: Path) -> Deck:
    from srs_dl.services.importing.importer import import_paths

    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "rms.md").write_text(BAD_NOTE, encoding="utf-8")
    db = tmp_path / "deck.db"
    config = Config()
    conn = connect(db)
    try:
        import_paths(conn, [vault], flags={}, config=config, today=TODAY)
    finally:
        conn.close()
    return Deck(db, vault, config)


def _app(deck: Deck, mode: str):  # noqa: ANN202
    from srs_dl.tui.app import make_app

    return make_app(deck.db, TODAY, deck.config, mode=mode, rescan=False)


@run_async
async def test_lint_view_lists_findings_and_opens_the_line(tmp_path):
    deck = _deck(tmp_path)
    before = (deck.vault / "rms.md").read_bytes()
    app = _app(deck, "lint")
    opened: list[tuple[str, int | None]] = []

    def fake_editor(path: str, line: int | None) -> bool:
        opened.append((path, line))
        return False

    app.open_in_editor = fake_editor
    async with app.run_test(size=(110, 30)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "report", None) is not None, what="lint")
        screen = app.screen
        assert [(Path(p).name, f.line) for p, _a, f in screen.rows] == [("rms.md", 8)]
        detail = str(screen.query_one("#lint-text", Static).content)
        assert "eps is added after the division" in detail
        assert "W = W - alpha * dW / (sqrt(S_dW) + eps)" in detail
        await pilot.press("e")
        assert opened == [(str(deck.vault / "rms.md"), 8)]
        # i shows the info line (momentum's convention) too.
        await pilot.press("i")
        assert [f.severity for _p, _a, f in screen.rows] == ["error", "info"]
        assert screen.query_one("#lint-list", OptionList).option_count == 2
        await pilot.press("i")
        assert len(screen.rows) == 1
    assert (deck.vault / "rms.md").read_bytes() == before


@run_async
async def test_l_opens_the_lint_view_from_anywhere(tmp_path):
    deck = _deck(tmp_path)
    app = _app(deck, "decks")
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.press("L")
        await wait_for(pilot, lambda: app.current_mode == "lint", what="the lint mode")


@run_async
async def test_review_warns_under_the_answer(tmp_path):
    deck = _deck(tmp_path)
    app = _app(deck, "review")
    async with app.run_test(size=(110, 30)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "card", None) is not None, what="a card")
        warning = app.screen.query_one("#card-lint", Static)
        # The warning comes after the card (the note is linted once the card is shown),
        # and shows with the answer only.
        await wait_for(pilot, lambda: app.screen.lint_warning is not None, what="the lint")
        assert not warning.display
        await pilot.press("space")
        assert warning.display
        text = str(warning.content)
        assert text.startswith("⚠ This note's RMSprop update (line 8) disagrees with the kernels")
