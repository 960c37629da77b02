"""Keys a new user meets (issue 21): the areas reachable from a text box, escape out of
the answer box, the palette listing every action whatever has the focus and no
action twice, the help's descriptions never cut off."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Label
from tui_support import app_for, make_deck, review_ready, run_async, wait_for

from srs_dl.tui.commands import ScreenActions
from srs_dl.tui.dialogs.help import HelpDialog
from srs_dl.tui.dialogs.kind_picker import KindPicker
from srs_dl.tui.screens.browse import BrowseScreen
from srs_dl.tui.screens.practice import PracticeScreen
from srs_dl.tui.screens.stats import StatsScreen


async def _practice(pilot, app) -> PracticeScreen:  # noqa: ANN001
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, PracticeScreen)
            and app.screen.drill is not None
            and not app.screen.busy
            # the answer box takes the focus a moment after the drill shows
            and app.screen.query_one("#drill-answer", Input).has_focus
        ),
        what="a drill",
    )
    return app.screen


def _areas(screen) -> str:  # noqa: ANN001
    return screen.query_one("#areas", Label).render().plain


async def _names(screen) -> list[str]:  # noqa: ANN001
    return [hit.text async for hit in ScreenActions(screen).discover()]  # type: ignore[misc]


@run_async
async def test_areas_from_the_answer_box(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="practice")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _practice(pilot, app)
        box = screen.query_one("#drill-answer", Input)
        assert box.has_focus
        # The mode bar shows the keys that work while typing (an alt+ each once the
        # startup rescan's progress has left the room for it).
        await wait_for(pilot, lambda: not app.job.running, what="the startup rescan")
        bar = _areas(screen)
        assert "alt+S Stats" in bar and "alt+B Browse" in bar
        await pilot.press("S")
        assert box.value == "S"  # a letter is text here
        await pilot.press("alt+shift+s")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen), what="stats")
        assert "alt+" not in _areas(app.screen)  # nothing typed there: the letters
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen), what="practice")


@run_async
async def test_escape_leaves_the_answer_box_and_a_digit_comes_back(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="practice")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _practice(pilot, app)
        box = screen.query_one("#drill-answer", Input)
        await pilot.press("escape")
        assert not box.has_focus and isinstance(app.screen, PracticeScreen)
        assert "alt+" not in _areas(screen) and "S Stats" in _areas(screen)
        await pilot.press("0", ".", "5")
        assert box.has_focus and box.value == "0.5"
        await pilot.press("escape", "k")
        await wait_for(pilot, lambda: isinstance(app.screen, KindPicker), what="the kind picker")


@run_async
async def test_palette_lists_every_action_whatever_has_the_focus(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="practice")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _practice(pilot, app)
        assert screen.query_one("#drill-answer", Input).has_focus
        names = await _names(screen)
        # `k` is typed in the box, yet choosing the kind is in the palette.
        assert "Practice: Kind" in names
        assert "Stats" in names and "Browse" in names
        # The app's own actions first, Textual's after; none twice.
        assert len(names) == len(set(names)), names
        assert names.count("Quit") == 1 and "Keys" in names
        assert names.index("Practice: Kind") < names.index("Theme")
        hits = [h async for h in ScreenActions(screen).search("kind")]  # type: ignore[misc]
        await hits[0].command()
        await wait_for(pilot, lambda: isinstance(app.screen, KindPicker), what="the kind picker")


@run_async
async def test_browse_search_box_and_the_areas(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="browse")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen), what="browse")
        screen = app.screen
        search = screen.query_one(Input)
        await wait_for(pilot, lambda: search.has_focus, what="the search box")
        await wait_for(pilot, lambda: not app.job.running, what="the startup rescan")
        assert "alt+R Review" in _areas(screen)
        names = await _names(screen)
        assert "Browse: Suspend" in names  # `s` is typed in the box; the palette has it
        await pilot.press("alt+shift+d")
        await wait_for(pilot, lambda: app.current_mode == "decks", what="decks")


@run_async
async def test_help_wraps_long_descriptions(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck, mode="browse")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen), what="browse")
        screen = app.screen
        await wait_for(pilot, lambda: screen.matches is not None, what="the card index")
        await pilot.press("escape", "question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpDialog), what="the help")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        texts = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        whole = " ".join(" ".join(t.split()) for t in texts)
        assert "lapses, state, front" in whole  # the sort key's list, to its end
        # Every line of every cell fits the column the table shows.
        shown = table.columns[table.ordered_columns[2].key].get_render_width(table) - 2
        assert all(len(line) <= shown for t in texts for line in t.splitlines())


@run_async
async def test_a_toast_never_covers_the_answer_buttons(tmp_path):
    from textual.widgets._toast import Toast

    from srs_dl.tui.widgets.grade_bar import GradeBar

    deck = make_deck(tmp_path)
    app = app_for(deck, mode="review", arg="flashcards/dl")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:

        def ready() -> bool:
            return review_ready(app)

        await wait_for(pilot, ready, what="a card")
        first = app.screen.card.id
        await pilot.press("space", "3")
        await wait_for(pilot, lambda: ready() and app.screen.card.id != first, what="the next")
        await pilot.press("u")
        await wait_for(pilot, lambda: bool(app.screen.query(Toast)), what="the toast")
        await pilot.pause(0.1)
        bar = app.screen.query_one(GradeBar).region
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(bar), (toast.region, bar)


@run_async
async def test_the_revealed_cloze_is_highlighted(tmp_path):
    from rich.console import Console
    from textual.widgets import Static

    deck = make_deck(tmp_path)
    note = deck.vault / "cloze.md"
    note.write_text("#flashcards/c\n\nAdam's beta1 is ==0.9== by default\n", encoding="utf-8")
    from tui_support import TODAY

    from srs_dl.services.importing.importer import import_paths
    from srs_dl.store.db import connect

    conn = connect(deck.db)
    import_paths(conn, [deck.vault], flags={}, config=deck.config, today=TODAY)
    conn.close()
    app = app_for(deck, mode="review", arg="flashcards/c")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: review_ready(app), what="the cloze")
        await pilot.press("space")
        back = app.screen.query_one("#card-back", Static)
        console = Console(width=80, record=True)
        console.print(back.content)  # type: ignore[arg-type]
        segments = [s for line in console._record_buffer for s in [line]]  # noqa: SLF001
        bold = "".join(s.text for s in segments if s.style is not None and s.style.bold)
        assert "0.9" in bold and "beta1" not in bold
