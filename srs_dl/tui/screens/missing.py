"""Stands in for an area whose screen module is not installed yet (stats, browse)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Static

from srs_dl.tui.screens.base import AreaScreen


class MissingScreen(AreaScreen):
    CSS_PATH = "missing.tcss"

    def __init__(self, area: str) -> None:
        super().__init__()
        self.AREA = area  # type: ignore[misc]
        self.title = area.title()

    def compose_body(self) -> Iterable[Widget]:
        yield Static(f"The {self.AREA} screen is not part of this build yet.", id="missing")
