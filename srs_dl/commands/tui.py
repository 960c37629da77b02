"""`srs-dl`, `srs-dl review [DECK]`, `srs-dl practice [KIND]`: open the TUI.

The only commands that import Textual (lazily, here). On a database file that
does not exist yet, the bundled deck (decks/) is imported first, silently, so
a new user sees real cards on the first run.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from srs_dl.commands.registry import Registry
from srs_dl.context import CliError, Context

if TYPE_CHECKING:
    import sqlite3


def _open(ctx: Context, mode: str, arg: str | None) -> int:
    first_run = not ctx.db_path.exists()
    conn = ctx.connect()
    try:
        if first_run:
            from srs_dl.services.importing.importer import ensure_bundled

            ensure_bundled(conn, ctx.config, ctx.today)
        if mode == "review" and arg:
            _check_deck(conn, arg)
    finally:
        conn.close()

    from srs_dl.tui.app import make_app

    app = make_app(ctx.db_path, ctx.today, ctx.config, mode=mode, arg=arg)
    app.run()
    return int(app.return_code or 0)


def _check_deck(conn: sqlite3.Connection, deck: str) -> None:
    from srs_dl.services.deck import has_deck

    if not has_deck(conn, deck):
        raise CliError(f"review: no deck {deck!r} (srs-dl decks lists them)", status=1)


def cmd_tui(args: argparse.Namespace, ctx: Context) -> int:
    return _open(ctx, "decks", None)


def cmd_review(args: argparse.Namespace, ctx: Context) -> int:
    deck = args.deck.strip().strip("/").lstrip("#") if args.deck else None
    return _open(ctx, "review", deck or None)


def cmd_practice(args: argparse.Namespace, ctx: Context) -> int:
    kind = args.kind
    if kind:
        from srs_dl.core.drills import KINDS

        if kind not in KINDS:
            raise CliError(f"practice: unknown kind {kind!r} (kinds: {', '.join(KINDS)})", status=2)
    return _open(ctx, "practice", kind or None)


def register(registry: Registry) -> None:
    p = registry.add(
        "review", "open the TUI at a review of DECK (all decks without one)", cmd_review
    )
    p.add_argument(
        "deck", nargs="?", metavar="DECK", help="a deck and its sub-decks, as `cards` lists them"
    )
    p = registry.add(
        "practice", "open the TUI at drills of KIND (all kinds without one)", cmd_practice
    )
    p.add_argument(
        "kind", nargs="?", metavar="KIND", help="a drill kind, as `drills --kind` takes it"
    )
