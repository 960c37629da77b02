"""A `key:: value` line that looks like a Dataview field (the seed note's `n:: How to
optimize a deep net`) is a card for the plugin's defaults: the import summary says so
in a line, and the app's import dialog offers a one-key re-import that reads it as a
field (issue 21, item 16)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from tui_support import TODAY, app_for, make_deck, run_async, wait_for

from srs_dl.config import Config
from srs_dl.services.importing.importer import import_paths
from srs_dl.store.db import connect
from srs_dl.tui.dialogs.import_dialog import ImportDialog
from srs_dl.tui.screens.decks import DecksScreen

NOTE = "n:: How to optimize a deep net\n\n#flashcards/dl\n\nWhat does Adam combine?::Momentum and RMSprop\n"


def _vault(root: Path) -> Path:
    vault = root / "mine"
    vault.mkdir()
    (vault / "deep net.md").write_text(NOTE, encoding="utf-8")
    return vault


def test_the_summary_says_it_in_a_line(tmp_path):
    vault = _vault(tmp_path)
    conn = connect(tmp_path / "d.db")
    summary = import_paths(conn, [vault], flags={}, config=Config(), today=TODAY)
    [hint] = summary.hints()
    assert hint.startswith("1 card looks like a Dataview field")
    assert "--dataview-fields skips it" in hint
    conn.close()


@run_async
async def test_the_import_dialog_offers_to_skip_the_fields(tmp_path):
    deck = make_deck(tmp_path, imported=False)
    vault = _vault(tmp_path)
    app = app_for(deck)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, DecksScreen) and not app.job.running,
            what="the deck list",
        )
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportDialog), what="the dialog")
        dialog = app.screen
        dialog.query_one("#import-path", Input).value = str(vault)
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.result_line is not None, what="the import")
        said = str(dialog.query_one("#import-summary").content)
        assert "1 card looks like a Dataview field" in said and "f" in said
        assert dialog.query_one("#import-skip-fields").display
        fronts = [r[0] for r in deck.rows("SELECT front FROM cards WHERE state != 'deleted'")]
        assert "n" in fronts
        await pilot.press("f")
        await wait_for(
            pilot, lambda: not dialog.running and dialog.dataview_like == 0, what="the re-import"
        )
        assert not dialog.query_one("#import-skip-fields").display
        fronts = [r[0] for r in deck.rows("SELECT front FROM cards WHERE state != 'deleted'")]
        assert "n" not in fronts and "What does Adam combine?" in fronts
        # The folder remembers it: a rescan reads the line as a field too.
        settings = deck.rows("SELECT settings FROM folders WHERE path = ?", (str(vault),))
        assert settings and '"dataview_fields": true' in str(settings[0][0])
