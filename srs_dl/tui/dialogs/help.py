"""`?`: every key of the screen underneath, and the keys that work everywhere."""

from __future__ import annotations

import textwrap

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label

from srs_dl.core.screen_text import screen_text
from srs_dl.tui.commands import screen_bindings

#: A DataTable cell's padding, left and right (its default cell_padding of 1).
CELL_PADDING = 2


def describe_bindings(screen: Screen) -> list[tuple[str, str, str, str]]:
    """(section, keys, description, tooltip) for each described binding of `screen`
    that fits the moment, whatever has the focus (Textual's own bindings, scrolling,
    focus, copy, carry no id and stay out of the list)."""
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[str, str, str, str]] = []
    for entry in screen_bindings(screen):
        binding = entry.binding
        section = "Everywhere" if isinstance(entry.node, App) else "This screen"
        display = ", ".join(entry.keys)
        if (display, binding.description) in seen:
            continue
        seen.add((display, binding.description))
        rows.append((section, display, binding.description, binding.tooltip))
    rows.sort(key=lambda r: r[0] != "This screen")
    return rows


class HelpDialog(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    #: #help-box's width in help.tcss (border and padding included).
    BOX_WIDTH = 92
    BINDINGS = [
        Binding(
            "escape,question_mark,enter",
            "close",
            "Close",
            id="help-close",
            tooltip="Close the list of keys.",
        ),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.rows = describe_bindings(under)
        self.under_title = under.title or type(under).__name__

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label(f"Keys: {self.under_title}", classes="panel-title")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="help-table")
            yield Label("esc closes", classes="muted", id="help-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "What it does")
        rows = [*self.rows, ("", "ctrl+p", "Palette", "Every action of this screen, by name.")]
        # The last column wraps in what the first two leave (never cut off mid-word).
        key_width = max(len(r[1]) for r in rows)
        action_width = max(len(r[2]) for r in rows + [("", "", "Everywhere", "")])
        room = max(20, self.BOX_WIDTH - 4 - key_width - action_width - 3 * CELL_PADDING - 2)
        section = ""
        for where, key, description, tooltip in rows:
            if where and where != section:
                section = where
                table.add_row("", f"[b $accent]{where}[/]", "")
            lines = textwrap.wrap(tooltip, room) or [""]
            table.add_row(
                f"[b]{screen_text(key, markup=True)}[/]",
                screen_text(description, markup=True),
                screen_text("\n".join(lines), markup=True),
                height=len(lines),
            )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
