"""A drill in place: the prompt, an input for the answer, then the verdict with
the worked steps (a table) and a plot of the computation. The screen that holds
it checks the answer (through the core) and calls `show_verdict`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from srs_dl.tui.widgets.drill_plot import DrillPlot


class DrillPanel(Vertical):
    DEFAULT_CSS = """
    DrillPanel { height: 1fr; }
    DrillPanel #drill-scroll { height: auto; max-height: 10; }
    DrillPanel #drill-prompt { padding: 0 1; }
    DrillPanel #drill-answer { margin: 0 1; }
    DrillPanel #drill-verdict { height: auto; padding: 0 2; }
    DrillPanel #drill-work { height: 1fr; min-height: 8; display: none; }
    DrillPanel.checked #drill-work { display: block; }
    DrillPanel.checked #drill-scroll { max-height: 4; }
    DrillPanel #drill-steps { width: 3fr; height: 1fr; }
    DrillPanel DrillPlot { width: 2fr; height: 1fr; min-width: 36; }
    DrillPanel DrillPlot.no-plot { display: none; }
    """

    @dataclass
    class Answered(Message):
        """The learner pressed Enter in the answer box."""

        text: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.drill: Any = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="drill-scroll"):
            yield Static("", id="drill-prompt")
        yield Input(placeholder="your answer: 0.0123, 1.2e-2, [0.1, 0.2] or rows split by ;",
                    id="drill-answer")
        yield Static("", id="drill-verdict")
        with Horizontal(id="drill-work"):
            yield DataTable(id="drill-steps", zebra_stripes=True, cursor_type="row")
            yield DrillPlot(id="drill-plot")

    async def load(self, drill: Any) -> None:
        """Show a fresh drill, the input empty and focused."""
        self.drill = drill
        self.remove_class("checked")
        self.query_one("#drill-prompt", Static).update(prompt_markup(drill.prompt))
        self.query_one("#drill-scroll").scroll_home(animate=False)
        answer = self.query_one("#drill-answer", Input)
        answer.value = ""
        answer.disabled = False
        self.query_one("#drill-verdict", Static).update(
            "[dim]Type your answer and press [b]enter[/b] to check it.[/]")
        answer.focus()

    @on(Input.Submitted, "#drill-answer")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Answered(event.value))

    def show_verdict(self, ok: bool | None, message: str) -> None:
        """ok None: not an answer (the checker's message, try again); else the worked steps."""
        verdict = self.query_one("#drill-verdict", Static)
        if ok is None:
            verdict.update(f"[$warning]{escape(message)}[/]")
            self.query_one("#drill-answer", Input).focus()
            return
        mark = "[b $success]✓ Right.[/]" if ok else "[b $error]✗ Not right.[/]"
        verdict.update(f"{mark} {escape(message)}")
        self.query_one("#drill-answer", Input).disabled = True
        self._fill_steps()
        plot = self.query_one(DrillPlot)
        plot.set_class(not plot.draw(self.drill), "no-plot")
        self.add_class("checked")

    def _fill_steps(self) -> None:
        table = self.query_one("#drill-steps", DataTable)
        table.clear(columns=True)
        steps = self.drill.steps
        table.add_columns(*steps.columns)
        for row in steps.rows:
            table.add_row(*(str(cell) for cell in row))


def prompt_markup(prompt: str) -> str:
    """The prompt's lines kept as they are, `code` spans highlighted."""
    import re

    return re.sub(r"`([^`]+)`", r"[b $accent]\1[/]", escape(prompt))
