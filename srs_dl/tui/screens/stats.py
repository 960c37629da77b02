"""Stats: streaks, the due forecast, reviews per day over the last year,
interval and ease distributions, retention by month, drill accuracy, and the
whole-note reviews (#review notes): a summary row, and their ratings in the
calendar and the streaks; the plots stay the cards'.

The numbers come from srs_dl.services.stats (the same as `srs-dl stats`),
computed in a thread worker on its own connection, with a progress bar;
they are recomputed each time the screen is shown and when the cards change.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from srs_dl.core.scheduling.fsrs_stats import FsrsStats
from srs_dl.core.screen_text import screen_text
from srs_dl.core.stats import Stats, Tally
from srs_dl.services.stats import Cancelled
from srs_dl.tui.messages import Progress
from srs_dl.tui.screens.base import AreaScreen
from srs_dl.tui.widgets.heatmap import ReviewHeatmap
from srs_dl.tui.widgets.stats_plots import BucketPlot, ForecastPlot, RetentionPlot

JOB = "stats"


def _rate(t: Tally) -> str:
    return "—" if t.rate is None else f"{100 * t.rate:.1f}% of {t.reviews:,}"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def summary_table(s: Stats) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Streak", f"{_days(s.streaks.current)} (longest {s.streaks.longest})")
    table.add_row("Today", f"{s.reviews_today:,} reviews")
    due = f"{s.forecast.counts[0]:,}"
    if s.forecast.overdue:
        due += f" ({s.forecast.overdue:,} overdue)"
    table.add_row("Due today", due)
    table.add_row("Next 7 days", f"{sum(s.forecast.counts[:7]):,} due")
    table.add_row("All time", f"{s.reviews_total:,} reviews on {_days(s.days_reviewed)}")
    table.add_row("Young", _rate(s.young))
    table.add_row("Mature", _rate(s.mature))
    cards = s.cards
    table.add_row("Cards", f"{cards.get('new', 0):,} new, {cards.get('review', 0):,} in review")
    table.add_row("", f"{cards.get('suspended', 0):,} suspended, {cards.get('buried', 0):,} buried")
    interval = "—" if s.mean_interval is None else f"{s.mean_interval:.1f} d"
    ease = "—" if s.mean_ease is None else f"{s.mean_ease:.0f}"
    table.add_row("Mean", f"ivl {interval}, ease {ease}")
    n = s.notes
    table.add_row("Notes", f"{n.forecast.counts[0]:,} due, {n.new:,} new, of {n.total:,}")
    table.add_row("", f"{n.reviews_today:,} today, {n.reviews_total:,} reviews")
    return table


def drills_table(s: Stats) -> Table | Text:
    if not s.drills:
        return Text("No drill answered yet: practise with P.", style="dim")
    table = Table(box=None, padding=(0, 1), header_style="bold")
    table.add_column("Drill")
    table.add_column("Right", justify="right")
    table.add_column("Answered", justify="right")
    table.add_column("Accuracy", justify="right")
    for d in s.drills:
        acc = "—" if d.accuracy is None else f"{100 * d.accuracy:.0f}%"
        table.add_row(d.kind, f"{d.correct:,}", f"{d.answered:,}", acc)
    return table


def fsrs_table(f: FsrsStats) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column()
    table.add_column(justify="right")
    true = "-" if f.true_retention is None else f"{100 * f.true_retention:.1f}%"
    mean = "-" if f.mean_retrievability is None else f"{100 * f.mean_retrievability:.1f}%"
    table.add_row("FSRS cards", f"{f.cards:,}")
    table.add_row("reviewed", f"{f.reviewed:,}")
    table.add_row("mean retrievability", mean)
    table.add_row("true retention", f"{true} of {f.reviews:,}")
    table.add_row("desired retention", f"{100 * f.desired_retention:.0f}%")
    return table


class StatsScreen(AreaScreen):
    AREA = "stats"
    TITLE = "Stats"
    CSS_PATH = "stats.tcss"
    BINDINGS = [
        Binding(
            "r", "refresh", "Refresh", id="stats-refresh", tooltip="Compute the statistics again."
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stats: Stats | None = None
        self._cancel: threading.Event | None = None
        self._fsrs: FsrsStats | None = None

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="stats-status"):
            yield Label("", id="stats-caption")
            yield ProgressBar(show_eta=False, id="stats-progress")
        yield Label("Computing statistics…", id="stats-waiting")
        with VerticalScroll(id="stats-body"):
            with Horizontal(id="stats-top"):
                yield Static("", id="stats-summary", classes="stats-panel")
                with Vertical(id="stats-calendar", classes="stats-panel"):
                    yield ReviewHeatmap(id="stats-heatmap")
            yield ForecastPlot(id="stats-forecast", classes="stats-panel")
            with Horizontal(id="stats-distributions"):
                yield BucketPlot(id="stats-intervals", classes="stats-panel")
                yield BucketPlot(id="stats-eases", classes="stats-panel")
            with Horizontal(id="stats-bottom"):
                yield RetentionPlot(id="stats-retention", classes="stats-panel")
                yield Static("", id="stats-drills", classes="stats-panel")
            with Horizontal(id="stats-fsrs"):
                yield BucketPlot(id="stats-fsrs-r", classes="stats-panel")
                yield BucketPlot(id="stats-fsrs-s", classes="stats-panel")
                yield Static("", id="stats-fsrs-summary", classes="stats-panel")

    def on_mount(self) -> None:
        self.query_one("#stats-body").display = False
        self.query_one("#stats-summary").border_title = "Summary"
        self.query_one("#stats-calendar").border_title = "Reviews per day, last 12 months"
        self.query_one("#stats-drills").border_title = "Drills: accuracy by kind"
        self.query_one("#stats-fsrs-summary").border_title = "FSRS"
        # Only a deck with FSRS cards shows their panel.
        self.query_one("#stats-fsrs").display = False
        # Cards changed by a rescan or an import: recompute now if shown (else on resume).
        self.srs.data_signal.subscribe(
            self, lambda _what: self.action_refresh() if self.is_current else None
        )

    def on_screen_resume(self) -> None:
        # Reviews done in another area since: show numbers as of now.
        self.action_refresh()

    def on_unmount(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def action_refresh(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
        self._cancel = threading.Event()
        self.query_one("#stats-progress", ProgressBar).update(total=100, progress=0)
        self.query_one("#stats-status").add_class("busy")
        self.compute(self._cancel)

    @work(thread=True, exclusive=True, group=JOB, exit_on_error=False)
    def compute(self, cancel: threading.Event) -> Stats:
        from srs_dl.services.stats import compute

        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                cancel.set()
            self.post_message(Progress(JOB, done, total))

        from srs_dl.config import resolve_now
        from srs_dl.services.fsrs_stats import compute_fsrs

        conn = self.connect()
        try:
            stats = compute(conn, self.env.today, progress=progress, cancel=cancel)
            self._fsrs = compute_fsrs(conn, self.env.config, resolve_now(self.env.today))
            return stats
        finally:
            conn.close()

    @on(Progress)
    def _progress(self, event: Progress) -> None:
        if event.job != JOB:
            return
        event.stop()  # the app's handler would show it as a background job
        self.query_one("#stats-progress", ProgressBar).update(
            total=event.total, progress=event.done
        )

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != JOB:
            return
        if event.state == WorkerState.SUCCESS:
            self.query_one("#stats-status").remove_class("busy")
            if isinstance(event.worker.result, Stats):
                self.show(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.query_one("#stats-status").remove_class("busy")
            error = event.worker.error
            if isinstance(error, Cancelled):
                return
            text = str(error).splitlines()[0] if str(error) else type(error).__name__
            self.query_one("#stats-waiting", Label).update(
                screen_text(f"Statistics failed: {text}", markup=True)
            )
            self.notify(text, title="Stats", severity="error", timeout=10)

    def show(self, s: Stats) -> None:
        self.stats = s
        self.query_one("#stats-waiting").display = False
        self.query_one("#stats-body").display = True
        notes = f", {s.notes.total:,} review notes" if s.notes.total else ""
        self.query_one("#stats-caption", Label).update(
            f"As of {s.today.isoformat()}: {s.reviews_total:,} reviews,"
            f" {sum(s.cards.values()) - s.cards.get('deleted', 0):,} cards{notes}"
        )
        self.query_one("#stats-summary", Static).update(summary_table(s))
        # The calendar is of study: a day with only note reviews counts, as in the streaks.
        self.query_one(ReviewHeatmap).show(s.heatmap.start, s.study_heatmap.counts)
        self.query_one("#stats-calendar").border_title = (
            "Reviews per day (cards and notes), last 12 months"
            if s.notes.reviews_total
            else "Reviews per day, last 12 months"
        )
        self.query_one(ForecastPlot).draw(s.forecast)
        self.query_one("#stats-intervals", BucketPlot).draw("Intervals (cards)", s.intervals)
        self.query_one("#stats-eases", BucketPlot).draw("Ease (cards)", s.eases)
        self.query_one(RetentionPlot).draw(s.retention)
        self.query_one("#stats-drills", Static).update(drills_table(s))
        self.show_fsrs(self._fsrs)

    def show_fsrs(self, f: FsrsStats | None) -> None:
        panel = self.query_one("#stats-fsrs")
        panel.display = f is not None
        if f is None:
            return
        self.query_one("#stats-fsrs-r", BucketPlot).draw(
            "Retrievability now (FSRS)", f.retrievability
        )
        self.query_one("#stats-fsrs-s", BucketPlot).draw("Stability (FSRS)", f.stability)
        self.query_one("#stats-fsrs-summary", Static).update(fsrs_table(f))
