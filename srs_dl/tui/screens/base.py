"""What every area screen shares: the mode bar on top, the footer below, and
access to the app's environment (db path, today, config)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from srs_dl.tui.widgets.mode_bar import ModeBar

if TYPE_CHECKING:
    from srs_dl.tui.app import SrsApp, TuiEnv


class AreaScreen(Screen[None]):
    #: The mode this screen is the base of (highlighted in the mode bar).
    AREA: ClassVar[str] = ""

    @property
    def srs(self) -> SrsApp:
        return self.app  # type: ignore[return-value]

    @property
    def env(self) -> TuiEnv:
        return self.srs.env

    def connect(self) -> sqlite3.Connection:
        """A connection of the app's pool for the calling worker (its close() gives it back)."""
        return self.srs.deck.connect()

    def refresh_keys(self) -> None:
        """refresh_bindings, at most once per refresh: each call rebuilds the footer,
        which costs more than a whole card."""
        if getattr(self, "_keys_pending", False):
            return
        self._keys_pending = True

        def refresh() -> None:
            self._keys_pending = False
            self.refresh_bindings()

        self.call_after_refresh(refresh)

    def compose(self) -> ComposeResult:
        yield ModeBar(self.AREA)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> Iterable[Widget]:
        return ()
