"""The line at the top of every screen: the areas and their keys, a background
job's progress (rescan, import), and the date the app acts as of."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from srs_dl.tui.areas import AREAS

if TYPE_CHECKING:
    from srs_dl.tui.app import JobState, SrsApp


class ModeBar(Horizontal):
    DEFAULT_CSS = """
    ModeBar { height: 1; dock: top; background: $panel; }
    ModeBar #areas { width: 1fr; }
    ModeBar #job-label { width: auto; color: $text-muted; padding: 0 1; display: none; }
    ModeBar ProgressBar { width: 17; display: none; }
    ModeBar ProgressBar Bar { width: 12; }
    ModeBar #today { width: auto; color: $text-muted; padding: 0 1; }
    ModeBar.busy #job-label, ModeBar.busy ProgressBar { display: block; }
    ModeBar.busy #today { display: none; }
    """

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        parts = ["[reverse b] srs-dl [/]"]
        for mode, _module, _cls, key, title in AREAS:
            if mode == self.current:
                parts.append(f"[b $accent]{key}[/][b reverse] {title} [/]")
            else:
                parts.append(f"[b $accent]{key}[/] [$text-muted]{title}[/] ")
        text = " ".join(parts)
        yield Label(text, id="areas")
        yield Label("", id="job-label")
        yield ProgressBar(show_eta=False, show_percentage=True, id="job")
        app: SrsApp = self.app  # type: ignore[assignment]
        yield Label(f"today {app.env.today.isoformat()}", id="today")

    def on_mount(self) -> None:
        app: SrsApp = self.app  # type: ignore[assignment]
        app.job_signal.subscribe(self, self._show_job)
        self._show_job(app.job)

    def _show_job(self, job: JobState) -> None:
        self.set_class(job.running, "busy")
        if not job.running:
            return
        self.query_one("#job-label", Label).update(job.label)
        bar = self.query_one(ProgressBar)
        if job.total:
            bar.update(total=job.total, progress=job.done)
        else:
            bar.update(total=None)
