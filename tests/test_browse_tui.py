"""The Browse screen through the real database: a search as one types, sorting,
suspend / unsuspend, bury and reset through the review service, the history
panel; and a snapshot at 100 x 30 with a fixed today."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_stats_service import TODAY, build_db
from tui_support import run_async, wait_for

from srs_dl.config import Config
from srs_dl.store.db import connect
from srs_dl.tui.app import make_app
from srs_dl.tui.screens.browse import BrowseScreen, BrowseTable


@pytest.fixture(autouse=True)
def _no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


def browse_app(db: Path):  # noqa: ANN201
    return make_app(db, TODAY, Config(), mode="browse", rescan=False)


def card(db: Path, card_id: int) -> tuple[object, ...]:
    conn = connect(db)
    try:
        return conn.execute(
            "SELECT state, due, interval, buried_until FROM cards WHERE id = ?", (card_id,)
        ).fetchone()
    finally:
        conn.close()


def actions(db: Path, card_id: int) -> list[str]:
    conn = connect(db)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT action FROM log WHERE card_id = ? AND day = ? ORDER BY id",
                (card_id, TODAY.isoformat()),
            )
        ]
    finally:
        conn.close()


async def _loaded(pilot, app) -> BrowseScreen:  # noqa: ANN001
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, BrowseScreen) and app.screen.matches is not None,
        what="the card index",
    )
    return app.screen


def shown_ids(screen: BrowseScreen) -> list[int]:
    table = screen.query_one(BrowseTable)
    assert screen.matches is not None
    return [screen.matches[i].id for i in range(table.row_count)]


@run_async
async def test_search_as_one_types(tmp_path):
    db = build_db(tmp_path / "deck.db")
    app = browse_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _loaded(pilot, app)
        assert screen.query_one("#browse-query").has_focus
        assert len(shown_ids(screen)) == 13  # every card, the deleted one too
        await pilot.press(*"bias")
        await wait_for(pilot, lambda: len(screen.matches) == 2, what="the search")
        # Due first: card 1 (03-08) then card 4 (03-12); "bias" is in card 4's front and
        # card 1's front ("bias correction").
        assert shown_ids(screen) == [1, 4]
        assert "2 of 13 cards" in str(screen.query_one("#browse-status").content)
        await pilot.press(*" adam")
        await wait_for(pilot, lambda: len(screen.matches) == 1, what="the narrower search")
        assert shown_ids(screen) == [1]
        for _ in range(len("bias adam")):
            await pilot.press("backspace")
        await pilot.press(*"#exam")
        await wait_for(pilot, lambda: shown_ids(screen) == [6], what="the tag search")
        await pilot.press("ctrl+a", "ctrl+k", *"state:susp")
        await wait_for(pilot, lambda: shown_ids(screen) == [9], what="the state search")


@run_async
async def test_sort_by_keys_and_header_click(tmp_path):
    db = build_db(tmp_path / "deck.db")
    app = browse_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _loaded(pilot, app)
        await pilot.press(*"deck:dl/")
        await wait_for(pilot, lambda: len(screen.matches) == 11, what="the search")
        await pilot.press("enter")  # to the table
        assert screen.query_one(BrowseTable).has_focus
        await pilot.press("3")  # interval, ascending; new cards (no interval) last
        ids = shown_ids(screen)
        assert ids[:3] == [1, 7, 2] and ids[-1] == 10
        await pilot.press("3")  # again: descending
        assert shown_ids(screen)[:2] == [6, 5]
        await pilot.press("5")  # lapses
        assert shown_ids(screen)[-1] == 6 and screen.sort == "lapses"
        # A click on the "Ease" header sorts by ease.
        table = screen.query_one(BrowseTable)
        x = sum(c.get_render_width(table) for c in list(table.columns.values())[:3]) + 2
        await pilot.click(BrowseTable, offset=(x, 0))
        assert screen.sort == "ease"
        assert shown_ids(screen)[0] == 6  # ease 130


@run_async
async def test_suspend_unsuspend_bury_reset_and_history(tmp_path):
    db = build_db(tmp_path / "deck.db")
    app = browse_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _loaded(pilot, app)
        await pilot.press(*"beta1", "enter")
        await wait_for(pilot, lambda: shown_ids(screen) == [2], what="the search")
        await wait_for(
            pilot, lambda: "History" in _text(screen, "#browse-history"), what="the card's history"
        )
        assert "again" in _text(screen, "#browse-history")  # its 2024-06-02 review
        assert "Adam's default beta1" in _text(screen, "#browse-card")

        await pilot.press("s")
        await wait_for(pilot, lambda: card(db, 2)[0] == "suspended", what="the suspension")
        await wait_for(
            pilot, lambda: screen.matches[0].state == "suspended", what="the row to change"
        )
        assert actions(db, 2)[-1] == "suspend"
        await wait_for(
            pilot,
            lambda: "suspend" in _text(screen, "#browse-history"),
            what="the history to show the suspension",
        )

        await pilot.press("s")  # unsuspend
        await wait_for(pilot, lambda: card(db, 2)[0] == "review", what="the unsuspension")
        assert actions(db, 2)[-1] == "unsuspend"

        await pilot.press("b")
        await wait_for(pilot, lambda: card(db, 2)[0] == "buried", what="the burial")
        assert card(db, 2)[3] == "2025-03-11"

        await pilot.press("r")  # armed only
        await pilot.pause(0.2)
        assert actions(db, 2)[-1] == "bury"
        await pilot.press("r")
        await wait_for(pilot, lambda: actions(db, 2)[-1] == "reset", what="the reset")
        await wait_for(pilot, lambda: screen.matches[0].interval == 1.0, what="the row")


@run_async
async def test_cards_reviewed_elsewhere_show_on_return(tmp_path):
    """Coming back to Browse re-reads the cards logged since (a review in another area)."""
    from srs_dl.services.review import suspend

    db = build_db(tmp_path / "deck.db")
    app = browse_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _loaded(pilot, app)
        await pilot.press("escape")
        app.switch_mode("stats")
        await pilot.pause()
        conn = connect(db)
        suspend(conn, Config(), TODAY, 5)
        conn.close()
        app.switch_mode("browse")
        await wait_for(pilot, lambda: screen.index.get(5).state == "suspended", what="the catch-up")


@run_async
async def test_edit_opens_the_note_at_the_card_line(tmp_path):
    db = build_db(tmp_path / "deck.db")
    app = browse_app(db)
    opened: list[tuple[str, int | None]] = []
    # The editor itself cannot run under the headless test driver: record the request.
    app.open_in_editor = lambda path, line: opened.append((path, line)) or True  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _loaded(pilot, app)
        await pilot.press(*"#exam", "enter", "e")
        assert opened == [("/vault/dl.md", 14)]
        await pilot.press("escape", "ctrl+a", "ctrl+k", *"kind:drill", "enter", "e")
        await pilot.pause()
        assert opened == [("/vault/dl.md", 14)]  # a drill card has no note
        assert shown_ids(screen) == [13, 12]


@run_async
async def test_the_card_panel_lists_the_note_tags(tmp_path):
    db = build_db(tmp_path / "deck.db")
    conn = connect(db)
    with conn:
        # As the import stores them: frontmatter and body tags, "#" or not.
        conn.execute("""UPDATE notes SET tags = '["#dl/adam", "review", "#exam"]' WHERE id = 1""")
    conn.close()
    app = browse_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _loaded(pilot, app)
        await pilot.press(*"beta1", "enter")
        await wait_for(
            pilot, lambda: "beta1" in _text(screen, "#browse-card"), what="the card panel"
        )
        assert "tags: #dl/adam #review #exam" in _text(screen, "#browse-card")
        # A drill card has no note, so no tags line.
        await pilot.press("escape", "ctrl+a", "ctrl+k", *"kind:drill", "enter")
        await wait_for(
            pilot, lambda: "Drill:" in _text(screen, "#browse-card"), what="the drill card"
        )
        assert "tags:" not in _text(screen, "#browse-card")


def _text(screen: BrowseScreen, selector: str) -> str:
    from rich.console import Console

    console = Console(width=60, color_system=None)
    with console.capture() as captured:
        console.print(screen.query_one(selector).content)
    return captured.get()


def test_browse_snapshot(tmp_path: Path, snap_compare) -> None:  # noqa: ANN001
    db = build_db(tmp_path / "deck.db")

    async def ready(pilot) -> None:  # noqa: ANN001
        screen = pilot.app.screen
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, BrowseScreen) and pilot.app.screen.matches is not None
            ),
            what="the card index",
        )
        screen = pilot.app.screen
        screen.query_one("#browse-query").cursor_blink = False
        await pilot.press(*"dl/")
        await wait_for(pilot, lambda: len(screen.matches) == 11, what="the search")
        await pilot.press("down", "down")
        await wait_for(
            pilot, lambda: "History" in _text(screen, "#browse-history"), what="the history"
        )
        await pilot.pause()

    assert snap_compare(browse_app(db), terminal_size=(100, 30), run_before=ready)


@run_async
async def test_escape_leaves_the_search_box_for_the_table(tmp_path):
    db = build_db(tmp_path / "deck.db")
    app = browse_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _loaded(pilot, app)
        search = screen.query_one("#browse-query")
        assert search.has_focus
        await pilot.press("escape")
        assert screen.query_one(BrowseTable).has_focus
        await pilot.press("slash")
        assert search.has_focus
        await pilot.press("down")
        assert screen.query_one(BrowseTable).has_focus
        assert str(search.value) == ""
