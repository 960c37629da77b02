"""The line at the top of every screen: the areas and their keys, a background
job's progress (rescan, import), and the date the app acts as of.

The keys shown are the ones that work now: the letters, or while a text box has
the focus (where a letter is typed) alt and the letter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label, ProgressBar

from srs_dl.core.screen_text import screen_text
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
    ModeBar.busy #today, ModeBar.typing #today { display: none; }
    """

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        yield Label(self.areas_markup(typing=False), id="areas")
        yield Label("", id="job-label")
        yield ProgressBar(show_eta=False, show_percentage=True, id="job")
        app: SrsApp = self.app  # type: ignore[assignment]
        yield Label(f"today {app.env.today.isoformat()}", id="today")

    def areas_markup(self, *, typing: bool) -> str:
        parts = ["[reverse b] srs-dl [/]"]
        for mode, _module, _cls, key, title in AREAS:
            shown = f"alt+{key}" if typing else key
            if mode == self.current:
                parts.append(f"[b $accent]{shown}[/][b reverse] {title} [/]")
            elif typing:  # one space less each, so the line fits 100 columns
                parts.append(f"[b $accent]{shown}[/] [$text-muted]{title}[/]")
            else:
                parts.append(f"[b $accent]{shown}[/] [$text-muted]{title}[/] ")
        return " ".join(parts)

    def on_mount(self) -> None:
        app: SrsApp = self.app  # type: ignore[assignment]
        app.job_signal.subscribe(self, self._show_job)
        self._show_job(app.job)
        self.watch(self.screen, "focused", self._show_keys)

    def _show_keys(self, focused: Widget | None) -> None:
        # A widget that takes a letter as text (Input, TextArea) would take the area's key.
        typing = focused is not None and focused.check_consume_key("d", "d")
        if typing != self.has_class("typing"):
            self.set_class(typing, "typing")
            self.query_one("#areas", Label).update(self.areas_markup(typing=typing))

    def _show_job(self, job: JobState) -> None:
        self.set_class(job.running, "busy")
        if not job.running:
            return
        self.query_one("#job-label", Label).update(screen_text(job.label, markup=True))
        bar = self.query_one(ProgressBar)
        if job.total:
            bar.update(total=job.total, progress=job.done)
        else:
            bar.update(total=None)
