"""`k` in practice: choose the kind of drill (or every kind in turn)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class KindPicker(ModalScreen[str | None]):
    """Returns the kind chosen, "" for every kind in turn, or None (cancelled)."""

    CSS_PATH = "kind_picker.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="kind-cancel", tooltip="Keep the current kind."),
    ]

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        from srs_dl.core.drills import KINDS

        options = [Option("Every kind, in turn", id="")]
        options += [Option(kind.replace("_", " "), id=kind) for kind in KINDS]
        with Vertical(id="kind-box"):
            yield Label("Practise which drills?", classes="panel-title")
            yield OptionList(*options, id="kind-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        try:
            options.highlighted = options.get_option_index(self.current or "")
        except Exception:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id or "")

    def action_cancel(self) -> None:
        self.dismiss(None)
