"""The answer buttons: "Show answer", then Again / Hard / Good / Easy, each with
the interval it would give ("Good 8d", from the scheduler's preview); or, once
there is nothing left to choose (a drill answered wrong is already recorded as
Again), a single "Next" button that runs the screen's `next` action."""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Label
from textual.widgets.button import ButtonVariant

from srs_dl.tui.messages import GradeChosen, RevealPressed

BUTTONS = ("again", "hard", "good", "easy")
_VARIANT: dict[str, ButtonVariant] = {
    "again": "error",
    "hard": "warning",
    "good": "success",
    "easy": "primary",
}


def grade_bindings(prefix: str, tips: Mapping[str, str], group: Binding.Group) -> list[Binding]:
    """A digit key for each grade in `tips` (with its tooltip): the number its button
    shows, 1 Again to 4 Easy, on every screen that grades (cards, whole notes)."""
    return [
        Binding(
            str(BUTTONS.index(r) + 1),
            f"grade('{r}')",
            r.title(),
            id=f"{prefix}-{r}",
            group=group,
            tooltip=tip,
        )
        for r, tip in tips.items()
    ]


class GradeBar(Horizontal):
    DEFAULT_CSS = """
    GradeBar { height: 1; align-horizontal: center; margin: 0 0 1 0; }
    GradeBar Button { margin: 0 1; min-width: 14; }
    GradeBar #hint { padding: 0 2; color: $text-muted; width: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Button("Show answer (space)", id="reveal", variant="primary", compact=True)
        for number, response in enumerate(BUTTONS, 1):
            yield Button(
                f"{number} {response.title()}",
                id=f"grade-{response}",
                variant=_VARIANT[response],
                compact=True,
            )
        # The same action as the screen's enter key, so the button and the key never differ.
        yield Button(
            "Next (enter)", id="next", variant="primary", compact=True, action="screen.next"
        )
        yield Label("", id="hint")

    def show(
        self,
        state: str,
        intervals: Mapping[str, str] | None = None,
        allowed: tuple[str, ...] = BUTTONS,
        hint: str = "",
        next_label: str = "Next (enter)",
    ) -> None:
        """state: "question" (Show answer), "grades" (the buttons in `allowed`),
        "next" (one button labelled `next_label`), "hint" (only a line of text), or
        "none"."""
        self.query_one("#reveal").display = state == "question"
        for number, response in enumerate(BUTTONS, 1):
            button = self.query_one(f"#grade-{response}", Button)
            button.display = state == "grades" and response in allowed
            label = intervals.get(response) if intervals else None
            button.label = f"{number} {response.title()}" + (f"  {label}" if label else "")
        next_button = self.query_one("#next", Button)
        next_button.display = state == "next"
        next_button.label = next_label
        hint_label = self.query_one("#hint", Label)
        hint_label.update(hint)
        hint_label.display = bool(hint)

    def focus_first(self) -> None:
        for button in self.query(Button):
            if button.display and not button.disabled:
                button.focus()
                return

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "reveal":
            self.post_message(RevealPressed())
        elif event.button.id and event.button.id.startswith("grade-"):
            self.post_message(GradeChosen(event.button.id.removeprefix("grade-")))
