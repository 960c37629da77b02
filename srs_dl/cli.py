"""The command line (shared/specs/cli.md). Each module under srs_dl/commands/
registers its commands, their options and handlers (`register`, see
commands/registry.py); this module builds the parser from them, parses, then runs
the handler the parsed arguments name.

argparse, not click or typer: `srs-dl --help` must start in under 0.2 s; it takes
0.07 s of CPU here (December 2026, parser built from every module), of which
importing click alone would add 0.03 s (typer, built on click, more). Handlers
import the services they call, so building the parser loads no database code;
Textual is imported only by the commands that open the TUI.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from srs_dl import __version__
from srs_dl.commands.registry import Registry, add_common
from srs_dl.context import CliError, Context
from srs_dl.core.screen_text import screen_text

#: The modules under srs_dl.commands, in `--help` order. Each registers its own
#: commands (see commands/registry.py): a new command is a module plus a line here.
COMMAND_MODULES = (
    "tui",
    "importing",
    "reviewing",
    "notes",
    "drills",
    "stats",
    "export",
    "fsrs",
    "lint",
    "explore",
)


def build_parser() -> argparse.ArgumentParser:
    return _build()[0]


def _build() -> tuple[argparse.ArgumentParser, Registry]:
    # Here, not at the top: `srs-dl --version` builds no parser and loads no command.
    from srs_dl.commands.tui import cmd_tui

    parser = argparse.ArgumentParser(
        prog="srs-dl",
        description="Spaced repetition and live numeric drills for deep learning, "
        "from your Obsidian notes. Without a command: opens the TUI on the deck list.",
    )
    parser.add_argument("--version", action="version", version=f"srs-dl {__version__}")
    add_common(parser)
    parser.set_defaults(handler=cmd_tui)
    registry = Registry(parser.add_subparsers(dest="command", metavar="COMMAND"))
    for name in COMMAND_MODULES:
        importlib.import_module(f"srs_dl.commands.{name}").register(registry)
    return parser, registry


def _dash_values(argv: list[str], options: set[str]) -> list[str]:
    out: list[str] = []
    it = iter(argv)
    for arg in it:
        if arg in options:
            value = next(it, None)
            out.append(arg if value is None else f"{arg}={value}")
        else:
            out.append(arg)
    return out


def run() -> None:
    """The `srs-dl` program: main(), then out.

    A command other than the TUI leaves through os._exit once its output is
    flushed: tearing the interpreter down (every module, NumPy's among them, and
    the parser's caches) took 20-30 ms after the work was done, 1.5% of a large
    import. Commands close their database connections themselves; the TUI, which
    restores the terminal, exits the ordinary way."""
    args = _parse(None)
    code = _execute(args)
    if args.command is None:  # the TUI
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader left (`srs-dl cards | head`)
        pass
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    return _execute(_parse(argv))


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser, registry = _build()
    given = sys.argv[1:] if argv is None else list(argv)
    _suggest_command(parser, given, registry.names())
    return parser.parse_args(_dash_values(given, registry.dash_value_options))


#: The options before a command that take a value (`srs-dl --db x.db cards`).
_VALUE_OPTIONS = frozenset({"--db", "--today", "--config"})


def _suggest_command(parser: argparse.ArgumentParser, argv: list[str], names: list[str]) -> None:
    """A mistyped command gets a "did you mean" (argparse only lists every choice)."""
    import difflib  # only a mistyped command pays for it

    it = iter(argv)
    for arg in it:
        if arg in _VALUE_OPTIONS:
            next(it, None)
            continue
        if arg.startswith("-"):
            continue
        if arg in names:
            return
        close = difflib.get_close_matches(arg, names, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        parser.exit(2, f"srs-dl: unknown command {arg!r}{hint} (srs-dl --help lists them)\n")
    return


def _execute(args: argparse.Namespace) -> int:
    # Not needed to build the parser: `srs-dl --help` stays under its start-up budget.
    from srs_dl.commands.safe_output import safe_streams

    # The TUI owns its terminal (and shows text safely itself); every other command's
    # output, its error line included, goes through core.screen_text.
    tui = args.command is None
    json_output = bool(getattr(args, "json", False))
    with contextlib.nullcontext() if tui else safe_streams(json_output=json_output):
        return _execute_guarded(args)


def _execute_guarded(args: argparse.Namespace) -> int:
    try:
        ctx = Context.from_args(args)
        return int(args.handler(args, ctx) or 0)
    except CliError as exc:
        # A config with several bad values: one line each.
        for line in str(exc).splitlines() or [""]:
            print(screen_text(f"srs-dl: {line}"), file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("srs-dl: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the contract: one line, never a traceback
        if os.environ.get("SRS_DL_DEBUG"):
            raise
        print(
            screen_text(f"srs-dl: {_describe_unexpected(exc)} (set SRS_DL_DEBUG=1 for details)"),
            file=sys.stderr,
        )
        return 1


def _describe_unexpected(exc: Exception) -> str:
    # The deck's code is loaded by the command that failed, not by the parser.
    from srs_dl.config import ConfigError
    from srs_dl.services.deck import StoreError

    if isinstance(exc, (StoreError, ConfigError)):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return f"unexpected error: {type(exc).__name__}: {exc}"


if __name__ == "__main__":
    run()
