"""The Stats screen: Pilot (numbers computed in the worker, a refresh after a
review elsewhere, whole-note reviews) and a snapshot at 100 x 30 with a fixed today."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_stats_service import TODAY, build_db
from tui_support import run_async, wait_for

from srs_dl.config import Config
from srs_dl.store import log as logstore
from srs_dl.store.db import connect, transaction
from srs_dl.tui.app import make_app
from srs_dl.tui.screens.stats import StatsScreen
from srs_dl.tui.widgets.heatmap import ReviewHeatmap, level


@pytest.fixture(autouse=True)
def _no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


def text_of(widget) -> str:  # noqa: ANN001
    """What a Static shows, as plain text."""
    from rich.console import Console

    console = Console(width=80, color_system=None)
    with console.capture() as captured:
        console.print(widget.content)
    return captured.get()


def add_note_reviews(db: Path) -> Path:
    """Two #review notes (one scheduled, one new) and two note ratings: one on
    2025-03-07, a day without card reviews, one today."""
    conn = connect(db)
    with transaction(conn):
        conn.execute(
            "INSERT INTO notes (id, folder_id, path, is_review, review_due,"
            " review_interval, review_ease) VALUES"
            " (2, 1, '/vault/adam.md', 1, '2025-03-10', 3, 250),"
            " (3, 1, '/vault/later.md', 1, NULL, NULL, NULL)"
        )
        for day, response in ((dt.date(2025, 3, 7), "good"), (TODAY, "easy")):
            logstore.append(
                conn,
                card_id=None,
                note_id=2,
                day=day,
                action="note_review",
                response=response,
                before={"due": None, "interval": None},
                after={"due": "2025-03-10", "interval": 3},
            )
    conn.close()
    return db


def stats_app(db: Path):  # noqa: ANN201
    return make_app(db, TODAY, Config(), mode="stats", rescan=False)


async def _shown(pilot, app) -> StatsScreen:  # noqa: ANN001
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, StatsScreen) and app.screen.stats is not None,
        what="the statistics",
    )
    return app.screen


@run_async
async def test_stats_screen_shows_the_service_numbers(tmp_path):
    db = build_db(tmp_path / "deck.db")
    app = stats_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _shown(pilot, app)
        s = screen.stats
        assert (s.streaks.current, s.streaks.longest) == (3, 4)
        summary = text_of(screen.query_one("#stats-summary"))
        assert "3 days (longest 4)" in summary
        assert "76.9% of 13" in summary and "83.3% of 6" in summary
        heatmap = screen.query_one(ReviewHeatmap)
        assert heatmap.start == dt.date(2024, 3, 11) and sum(heatmap.counts) == 18
        drills = text_of(screen.query_one("#stats-drills"))
        assert "ema" in drills and "50%" in drills
        assert not screen.query_one("#stats-status").has_class("busy")

        # A review logged elsewhere (another process): `r` recomputes.
        conn = connect(db)
        with transaction(conn):
            logstore.append(
                conn,
                card_id=2,
                day=TODAY,
                action="review",
                response="good",
                before={"interval": 30},
                after={"interval": 70},
            )
        conn.close()
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: screen.stats is not None and screen.stats.reviews_today == 5,
            what="the refresh",
        )
        assert screen.stats.mature.reviews == 7


@run_async
async def test_note_reviews_on_the_stats_screen(tmp_path):
    db = add_note_reviews(build_db(tmp_path / "deck.db"))
    app = stats_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _shown(pilot, app)
        # 2025-03-07 had only a note review: the run of 03-08..10 grows to 4 days.
        assert (screen.stats.streaks.current, screen.stats.streaks.longest) == (4, 4)
        summary = text_of(screen.query_one("#stats-summary"))
        assert "4 days (longest 4)" in summary
        assert "1 due, 1 new, of 2" in summary and "1 today, 2 reviews" in summary
        # Card numbers stay the cards': 4 card reviews today, the same retention.
        assert "4 reviews" in summary and "76.9% of 13" in summary
        heatmap = screen.query_one(ReviewHeatmap)
        assert sum(heatmap.counts) == 18 + 2
        assert heatmap.counts[-4] == 1  # 2025-03-07
        assert "cards and notes" in str(screen.query_one("#stats-calendar").border_title)


@run_async
async def test_stats_screen_on_an_empty_database(tmp_path):
    app = stats_app(tmp_path / "empty.db")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _shown(pilot, app)
        assert screen.stats.reviews_total == 0
        assert "0 days (longest 0)" in text_of(screen.query_one("#stats-summary"))
        assert "No drill answered yet" in text_of(screen.query_one("#stats-drills"))
        assert "0 due, 0 new, of 0" in text_of(screen.query_one("#stats-summary"))
        assert "cards and notes" not in str(screen.query_one("#stats-calendar").border_title)


def test_heatmap_levels() -> None:
    assert [level(n, 8) for n in (0, 1, 2, 3, 4, 5, 8, 9)] == [0, 1, 1, 2, 2, 3, 4, 4]
    assert level(3, 0) == 0


def test_stats_snapshot(tmp_path: Path, snap_compare) -> None:  # noqa: ANN001
    db = add_note_reviews(build_db(tmp_path / "deck.db"))

    async def ready(pilot) -> None:  # noqa: ANN001
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, StatsScreen) and pilot.app.screen.stats is not None
            ),
            what="the statistics",
        )
        await pilot.pause()

    assert snap_compare(stats_app(db), terminal_size=(100, 30), run_before=ready)
