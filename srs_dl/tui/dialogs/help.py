"""`?`: every key of the screen underneath, and the keys that work everywhere."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label

from srs_dl.core.screen_text import screen_text


def describe_bindings(screen: Screen) -> list[tuple[str, str, str, str]]:
    """(section, key, description, tooltip) for each active, described binding of `screen`."""
    app = screen.app
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[str, str, str, str]] = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        # Ours all carry an id; Textual's own (scrolling, focus, copy) stay out of the list.
        if not binding.description or binding.system or not binding.id:
            continue
        section = "Everywhere" if isinstance(active.node, App) else "This screen"
        display = app.get_key_display(binding)
        if (display, binding.description) in seen:
            continue
        seen.add((display, binding.description))
        rows.append((section, display or key, binding.description, binding.tooltip))
    rows.sort(key=lambda r: r[0] != "This screen")
    return rows


class HelpDialog(ModalScreen[None]):
    CSS_PATH = "help.tcss"
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
        section = ""
        for where, key, description, tooltip in self.rows:
            if where != section:
                section = where
                table.add_row("", f"[b $accent]{where}[/]", "")
            table.add_row(f"[b]{screen_text(key, markup=True)}[/]", description, tooltip)
        table.add_row("[b]ctrl+p[/]", "Palette", "Every action of this screen, by name.")
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
