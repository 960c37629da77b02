"""What every command runs with: the database path, today's date, the config."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from srs_dl.config import (
    Config,
    ConfigError,
    UsageError,
    load_config,
    resolve_db,
    resolve_today,
)

if TYPE_CHECKING:  # `srs-dl --help` loads no database code
    import sqlite3


class CliError(Exception):
    """A one-line message for the user; exit status 1 (2 for usage errors)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Context:
    db_path: Path
    today: dt.date
    config: Config

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        try:
            ctx = cls(
                db_path=resolve_db(getattr(args, "db", None)),
                today=resolve_today(getattr(args, "today", None)),
                config=load_config(getattr(args, "config", None)),
            )
        except ConfigError as exc:
            raise CliError(str(exc), status=2 if isinstance(exc, UsageError) else 1) from exc
        for warning in ctx.config.warnings:
            print(f"srs-dl: {warning}", file=sys.stderr)
        return ctx

    def connect(self, *, create: bool = True) -> sqlite3.Connection:
        # The deck's code loads with the first command that opens the deck, not for --help.
        from srs_dl.services.deck import StoreError, open_deck

        try:
            return open_deck(self.db_path, create=create)
        except StoreError as exc:
            raise CliError(str(exc)) from exc
