"""Pilot tests of the app shell and the deck list: counts, import dialog, sync,
note review, keys (quit, help, areas) and the command palette's actions."""

from __future__ import annotations

from textual.widgets import Button, Input
from tui_support import app_for, make_deck, run_async, wait_for

from srs_dl.core.scheduling.sm2 import interval_label
from srs_dl.services.review.note_review import preview_note
from srs_dl.store.db import connect
from srs_dl.tui.commands import ScreenActions
from srs_dl.tui.dialogs.help import HelpDialog
from srs_dl.tui.dialogs.import_dialog import ImportDialog
from srs_dl.tui.screens.decks import DecksScreen, DeckTree
from srs_dl.tui.screens.notes import NotesScreen
from srs_dl.tui.screens.practice import PracticeScreen
from srs_dl.tui.screens.review import ReviewScreen


async def _decks_loaded(pilot, app) -> DecksScreen:  # noqa: ANN001
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, DecksScreen) and app.screen.counts and not app.job.running,
        what="the deck counts",
    )
    return app.screen


@run_async
async def test_deck_tree_counts_and_enter_reviews(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _decks_loaded(pilot, app)
        # Two due, one new multi-line card in flashcards/dl; the drills deck's cards are new.
        dl = screen.counts["flashcards/dl"]
        assert (dl.new, dl.due) == (1, 2)
        assert screen.counts["flashcards"].due == 2
        drills = deck.rows("SELECT count(*) FROM cards WHERE deck = 'drills'")[0][0]
        assert screen.counts["drills"].new == drills > 0
        tree = screen.query_one(DeckTree)
        assert tree.has_focus
        node = next(n for n in _walk(tree.root) if n.data == "flashcards/dl")
        tree.move_cursor(node)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ReviewScreen) and app.screen.card is not None,
            what="the review",
        )
        assert app.screen.deck == "flashcards/dl"
        assert app.screen.card.front == "What does Adam combine?"


def _walk(node):  # noqa: ANN001, ANN202
    yield node
    for child in node.children:
        yield from _walk(child)


@run_async
async def test_import_through_the_dialog(tmp_path):
    deck = make_deck(tmp_path, imported=False)
    app = app_for(deck)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _decks_loaded(pilot, app)
        assert "No cards yet" in str(screen.query_one(DeckTree).root.label)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportDialog), what="the dialog")
        dialog = app.screen
        box = dialog.query_one("#import-path", Input)
        assert box.has_focus
        box.value = str(deck.vault)
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.result_line is not None, what="the import")
        summary = str(dialog.query_one("#import-summary").content)
        stored = deck.rows("SELECT count(*) FROM cards")[0][0]
        assert "2 files scanned" in summary and f"cards: {stored} new" in summary
        await pilot.press("escape")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, DecksScreen) and "flashcards/dl" in app.screen.counts,
            what="the new counts",
        )
        assert "2 files scanned" in str(app.screen.query_one("#job-result").content)
    # Remembered folder: later rescans read it with the same settings.
    assert deck.rows("SELECT count(*) FROM folders") == [(1,)]
    assert deck.rows("SELECT count(*) FROM cards WHERE deck = 'flashcards/dl'") == [(4,)]


@run_async
async def test_import_dialog_rejects_a_missing_path(tmp_path):
    deck = make_deck(tmp_path, imported=False)
    app = app_for(deck)
    async with app.run_test(size=(100, 30)) as pilot:
        await _decks_loaded(pilot, app)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportDialog), what="the dialog")
        app.screen.query_one("#import-path", Input).value = str(tmp_path / "nowhere")
        await pilot.press("enter")
        assert "no such file or folder" in str(app.screen.query_one("#import-summary").content)
        assert not app.screen.running


@run_async
async def test_note_review(tmp_path):
    deck = make_deck(tmp_path)
    note = deck.vault / "reading.md"
    app = app_for(deck, mode="notes")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, NotesScreen)
                and app.screen.current is not None
                and not app.screen.busy
            ),
            what="the due note",
        )
        screen = app.screen
        assert screen.current == str(note)
        assert screen.check_action("grade", ("good",))
        # Each button shows what it would give, as the service previews it (no write).
        conn = connect(deck.db)
        try:
            preview = preview_note(conn, app.env.config, note, app.env.today)
        finally:
            conn.close()
        for response in ("hard", "good", "easy"):
            label = str(screen.query_one(f"#grade-{response}", Button).label)
            assert label.endswith(
                f"{response.title()}  {interval_label(preview[response].interval)}"
            )
        assert deck.rows("SELECT count(*) FROM log WHERE action = 'note_review'") == [(0,)]
        await pilot.press("3")
        await wait_for(
            pilot, lambda: not screen.busy and screen.current is None, what="the note graded"
        )
        assert "No note is due" in str(screen.query_one("#notes-empty").content)
    rows = deck.rows("SELECT action, response FROM log WHERE action = 'note_review'")
    assert rows == [("note_review", "good")]
    text = note.read_text(encoding="utf-8")
    assert "sr-due: 2025-02-25" not in text and "sr-due: 2025-03-" in text
    assert text.endswith("Both start at zero, so both are bias-corrected early on.\n")


@run_async
async def test_sync_lists_nothing_when_all_is_written(tmp_path):
    deck = make_deck(tmp_path, writeback="sync")
    app = app_for(deck, mode="review", arg="flashcards/dl")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ReviewScreen)
                and app.screen.card is not None
                and not app.screen.busy
            ),
            what="a card",
        )
        await pilot.press("space", "3")
        await wait_for(pilot, lambda: not app.screen.busy and app.screen.can_undo, what="grade")
        assert "<!--SR:!2025-02-27,3,250-->" in (deck.vault / "dl.md").read_text()
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, DecksScreen), what="decks")
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: "Sync:" in str(app.screen.query_one("#job-result").content),
            what="the sync",
        )
        assert "1 note(s) written" in str(app.screen.query_one("#job-result").content)
        assert app.screen.query_one("#changed").display is False
    assert "<!--SR:!2025-02-27,3,250-->" not in (deck.vault / "dl.md").read_text()


@run_async
async def test_sync_after_an_outside_edit_keeps_it(tmp_path):
    deck = make_deck(tmp_path, writeback="sync")
    app = app_for(deck, mode="review", arg="flashcards/dl")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ReviewScreen)
                and app.screen.card is not None
                and not app.screen.busy
            ),
            what="a card",
        )
        card_id = app.screen.card.id
        await pilot.press("space", "3")
        await wait_for(pilot, lambda: not app.screen.busy and app.screen.can_undo, what="grade")
        # Edited elsewhere after srs-dl read it: sync rescans it first, then writes.
        note = deck.vault / "dl.md"
        note.write_text(note.read_text() + "\nA line written in Obsidian.\n")
        await pilot.press("D", "y")
        await wait_for(
            pilot,
            lambda: "Sync:" in str(app.screen.query_one("#job-result").content),
            what="the sync",
        )
        assert "1 note(s) written" in str(app.screen.query_one("#job-result").content)
    due, interval, ease = deck.rows(
        "SELECT due, interval, ease FROM cards WHERE id = ?", (card_id,)
    )[0]
    text = note.read_text()
    assert text.endswith("\nA line written in Obsidian.\n")
    assert f"<!--SR:!{due},{interval:g},{ease}-->" in text


@run_async
async def test_keys_areas_help_and_quit(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck)
    async with app.run_test(size=(100, 30)) as pilot:
        await _decks_loaded(pilot, app)
        for key, mode in (("R", "review"), ("N", "notes"), ("D", "decks"), ("P", "practice")):
            await pilot.press(key)
            assert app.current_mode == mode
        # The answer box has the focus in practice: letters are typed, escape leaves the
        # box, a second one goes back.
        await wait_for(pilot, lambda: app.screen.drill is not None, what="a drill")
        await pilot.press("D", "escape")
        assert app.current_mode == "practice"
        await pilot.press("escape")
        assert app.current_mode == "decks"
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpDialog)
        keys = {(row[1], row[2]) for row in app.screen.rows}
        assert ("i", "Import") in keys and ("?", "Keys") in keys
        await pilot.press("escape")
        assert isinstance(app.screen, DecksScreen)
        # Back in practice, a digit goes into the answer box (left by escape), and there
        # q is typed; ctrl+q still quits.
        await pilot.press("P")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, PracticeScreen) and app.screen.drill is not None,
            what="a drill",
        )
        await pilot.press("1", "q")
        assert app.is_running and app.screen.query_one("#drill-answer", Input).value == "D1q"
        await pilot.press("ctrl+q")
    assert not app.is_running


@run_async
async def test_q_quits_where_no_input_has_focus(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck)
    async with app.run_test(size=(100, 30)) as pilot:
        await _decks_loaded(pilot, app)
        await pilot.press("q")
    assert not app.is_running


@run_async
async def test_palette_offers_the_screens_actions(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="review", arg="flashcards/dl")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ReviewScreen)
                and app.screen.card is not None
                and not app.screen.busy
            ),
            what="a card",
        )
        names = [hit.text for hit in [h async for h in ScreenActions(app.screen).discover()]]
        assert "Review: Answer" in names and "Review: Bury" in names
        assert not any(n.endswith("Good") for n in names)  # not before the answer is shown
        assert "Quit" in names
        await pilot.press("space")
        names = [hit.text for hit in [h async for h in ScreenActions(app.screen).discover()]]
        assert any(n.endswith("Good") for n in names)
        hits = [h async for h in ScreenActions(app.screen).search("bury")]
        assert hits
        first = app.screen.card.id
        await hits[0].command()
        await wait_for(
            pilot, lambda: not app.screen.busy and app.screen.card.id != first, what="the bury"
        )
    assert deck.rows("SELECT state FROM cards WHERE id = ?", (first,)) == [("buried",)]


def test_cli_entry_points(tmp_path, monkeypatch, capsys):
    """`srs-dl review|practice|` : bad arguments fail with one line; a new database gets
    the bundled deck before the app opens (the app's run is recorded, not started)."""
    from srs_dl.cli import main
    from srs_dl.tui.app import SrsApp

    opened: list[tuple[str, str | None, str | None]] = []

    def fake_run(self: SrsApp) -> None:
        opened.append((self.start_mode, self.review_deck, self.practice_kind))

    monkeypatch.setattr(SrsApp, "run", fake_run)
    db = tmp_path / "new.db"
    assert main(["practice", "nosuch", "--db", str(db)]) == 2
    assert "unknown kind 'nosuch'" in capsys.readouterr().err
    assert not db.exists()
    assert main(["review", "--db", str(db), "--today", "2025-03-01"]) == 0
    assert opened == [("review", None, None)]
    conn = connect(db)
    try:
        bundled = conn.execute("SELECT count(*) FROM cards WHERE note_id IS NOT NULL").fetchone()
        writeback = conn.execute("SELECT writeback FROM folders").fetchall()
    finally:
        conn.close()
    assert bundled[0] > 50 and writeback == [(0,)]
    assert main(["review", "nosuch", "--db", str(db)]) == 1
    assert "no deck 'nosuch'" in capsys.readouterr().err
    assert main(["practice", "adam", "--db", str(db)]) == 0
    assert main(["--db", str(db)]) == 0
    assert opened[1:] == [("practice", None, "adam"), ("decks", None, None)]


@run_async
async def test_rescan_key_reads_a_note_edited_outside(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _decks_loaded(pilot, app)
        assert screen.counts["flashcards/dl"].new == 1
        note = deck.vault / "dl.md"
        note.write_text(note.read_text() + "\nA card added in Obsidian::its answer\n")
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: screen.counts["flashcards/dl"].new == 2,
            what="the rescan and the new counts",
        )
        assert not app.job.running
