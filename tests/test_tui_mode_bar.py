"""The mode bar names every area with its key at 100 and at 80 columns: with the
letters, while typing (alt and the letter), and beside a job's progress."""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_support import app_for, make_deck, run_async, wait_for

from srs_dl.tui.app import JobState
from srs_dl.tui.areas import AREAS
from srs_dl.tui.screens.browse import BrowseScreen
from srs_dl.tui.widgets.mode_bar import JOB_BAR_WIDTH, areas_markup, fit

KEYS = [(mode, key, title) for mode, _module, _cls, key, title in AREAS]
TODAY_WIDTH = len("today 2025-03-01") + 2


def _top_line(app) -> str:  # noqa: ANN001
    """The screen's first line as the terminal shows it (cut where the width ends)."""
    return app.screen._compositor.render_strips()[0].text


def _underlined(app) -> str:  # noqa: ANN001
    strip = app.screen._compositor.render_strips()[0]
    return "".join(s.text for s in strip if s.style is not None and s.style.underline)


def _plain(markup: str) -> str:
    from textual.content import Content

    return Content.from_markup(markup).plain


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("current", [mode for mode, _key, _title in KEYS])
def test_every_key_and_title_fits_with_the_letters(width: int, current: str) -> None:
    form, markup = fit(current, width, typing=False, today_width=TODAY_WIDTH)
    shown = _plain(markup)
    assert len(shown) + (TODAY_WIDTH if form.today else 0) <= width
    assert all(f"{key} {title}" in shown for _mode, key, title in KEYS), shown
    assert form.today == (width == 100)  # the date goes before any key or title


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("current", [mode for mode, _key, _title in KEYS])
def test_every_key_and_title_fits_while_typing(width: int, current: str) -> None:
    _form, markup = fit(current, width, typing=True)
    shown = _plain(markup)
    assert len(shown) <= width
    for mode, key, title in KEYS:
        if width == 80:  # alt written once, before the letters
            assert shown.startswith("alt+ ") and f"{key} {title}" in shown, shown
        elif mode == current:  # highlighted: its own key goes nowhere
            assert f" {title} " in shown, shown
        else:
            assert f"alt+{key} {title}" in shown, shown


@pytest.mark.parametrize("typing", [False, True])
@pytest.mark.parametrize("width", [80, 100])
def test_beside_a_job_every_area_stays(width: int, typing: bool) -> None:
    job = len("rescan") + 2
    form, markup = fit(
        "lint", width, typing=typing, job_width=job, bar_width=JOB_BAR_WIDTH, today_width=0
    )
    shown = _plain(markup)
    assert len(shown) + JOB_BAR_WIDTH + (job if form.job_label else 0) <= width
    assert all(title in shown for _mode, _key, title in KEYS), shown
    if form.mnemonic:  # each key an underlined letter of its title
        assert "[b $accent u]x[/]" in markup and "[u]L[/u]" in markup
    else:
        assert all(f"{key} {title}" in shown for _mode, key, title in KEYS), shown


def test_a_wide_terminal_shows_the_brand_and_a_key_per_area() -> None:
    form, markup = fit("decks", 120, typing=False, today_width=TODAY_WIDTH)
    assert form.brand and _plain(markup).startswith(" srs-dl  D Decks  R Review  N Notes")
    _form, markup = fit("decks", 120, typing=True)
    assert _plain(markup).startswith(" srs-dl  alt+D Decks  alt+R Review alt+N")
    assert _plain(areas_markup("decks", form, typing=False)).endswith("X Explore")


@run_async
async def test_the_bar_as_shown_at_100_and_80_columns(tmp_path):
    deck = make_deck(tmp_path)
    app = app_for(deck)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: not app.job.running, what="the startup rescan")
        await pilot.pause()
        line = _top_line(app)
        assert line.rstrip().endswith("today 2025-03-01"), line
        assert all(f"{key} {title}" in line for _mode, key, title in KEYS), line

        await pilot.resize_terminal(80, 30)
        await wait_for(pilot, lambda: len(_top_line(app)) == 80, what="the resize")
        await pilot.pause()
        line = _top_line(app)
        assert all(f"{key} {title}" in line for _mode, key, title in KEYS), line
        assert "today" not in line

        app.job_signal.publish(JobState("rescan", 3, 10, True))  # a job beside the areas
        await pilot.pause()
        line = _top_line(app)
        assert all(title in line for _mode, _key, title in KEYS) and "30%" in line, line
        assert _underlined(app) == "DRNPSBLx"  # each key in its title
        app.job_signal.publish(JobState())
        await pilot.pause()
        assert "D Decks" in _top_line(app)

        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen), what="browse")
        await wait_for(pilot, lambda: app.screen.query_one(Input).has_focus, what="the box")
        await pilot.pause()
        line = _top_line(app)  # typing at 80: alt once, then the letters
        assert "alt+ D Decks" in line and all(f"{k} {t}" in line for _m, k, t in KEYS), line

        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: len(_top_line(app)) == 100, what="the resize")
        await pilot.pause()
        line = _top_line(app)
        others = [(k, t) for m, k, t in KEYS if m != "browse"]
        assert all(f"alt+{k} {t}" in line for k, t in others) and " Browse " in line, line
