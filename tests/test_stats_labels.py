"""What the stats say and how (issue 21, item 13): Hard counts as a pass (the CLI says
so), months read "Dec 2026", "1 day" not "1 days", the heatmap's rows line up from
their first cell and a year fills a wide panel."""

from __future__ import annotations

import datetime as dt

from textual.app import App, ComposeResult
from tui_support import run_async

from srs_dl.commands.stats import format_text
from srs_dl.core import stats as core
from srs_dl.core.stats import Review
from srs_dl.tui.widgets.heatmap import LABEL_WIDTH, ReviewHeatmap
from srs_dl.tui.widgets.stats_plots import month_labels

TODAY = dt.date(2026, 12, 2)  # a Wednesday: the year shown starts on a Wednesday too


class _HeatmapApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ReviewHeatmap()


async def _rows(width: int) -> list[str]:
    app = _HeatmapApp()
    async with app.run_test(size=(width, 12)) as pilot:
        start = TODAY - dt.timedelta(days=364)
        counts = [(i % 5) for i in range(365)]
        heat = app.query_one(ReviewHeatmap)
        heat.show(start, counts)
        await pilot.pause()
        return heat.render().plain.splitlines()  # type: ignore[union-attr]


@run_async
async def test_heatmap_rows_line_up_and_fill_a_wide_panel():
    for width in (60, 120):
        rows = (await _rows(width))[1:8]  # Mon..Sun
        # every row's first cell sits right after the label
        assert all(row[LABEL_WIDTH] == "■" for row in rows), rows
        # the last week holds Monday..Wednesday only
        assert len({len(r.rstrip()) for r in rows[:3]}) == 1
    wide = (await _rows(120))[1:8]
    assert len(wide[0].rstrip()) > 0.85 * 120  # a year fills the panel, not two thirds
    assert wide[0][LABEL_WIDTH : LABEL_WIDTH + 4] == "■ ■ "


def test_month_labels_name_the_month_and_the_year():
    assert month_labels(["2026-11", "2026-12"], 60) == ["Nov 2026", "Dec 2026"]
    narrow = month_labels([f"2026-{m:02d}" for m in range(3, 13)] + ["2027-01"], 60)
    assert narrow[0] == "Mar 2026" and narrow[1] == "Apr" and narrow[-1] == "Jan 2027"


def test_cli_text_plural_months_and_hard():
    reviews = [Review.of(TODAY, "hard", 3), Review.of(TODAY - dt.timedelta(days=40), "good", 3)]
    s = core.compute(reviews, [], [], TODAY)
    text = format_text(s)
    assert "streak: 1 day (longest 1)" in text and "1 days" not in text
    assert "  Dec 2026: young 100.0% of 1" in text and "Oct 2026" in text
    assert "Hard, Good and Easy pass" in text
