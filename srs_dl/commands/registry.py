"""How a commands module adds its commands to `srs-dl`: `register(registry)` calls
`registry.add(name, help, handler)` for each and fills in the parser it gets back.

Adding a command is one new module under srs_dl/commands/ with a `register`
function, plus its name in `srs_dl.cli.COMMAND_MODULES`. A module imports at its
top only what building its parser needs; its handlers import the services they
call, so `srs-dl --help` reads no database code.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from srs_dl.context import Context
from srs_dl.core.scheduling import sm2

Handler = Callable[[argparse.Namespace, Context], int]

#: What `grade` and `grade-note` accept: the core's four ratings and Reset (config,
#: which every command loads, has imported sm2 already).
RESPONSES = sm2.RESPONSES


def add_common(p: argparse.ArgumentParser, *, sub: bool = False) -> None:
    """The options every command takes, before or after the command's name."""
    # A subcommand's parser must not set these when they are not given: its
    # default would overwrite the value given before the command (`srs-dl --db X import`).
    default = argparse.SUPPRESS if sub else None
    g = p.add_argument_group("everywhere")
    g.add_argument(
        "--db", metavar="PATH", default=default, help="the database file (env SRS_DL_DB)"
    )
    g.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        default=default,
        help="act as of this date (env SRS_DL_TODAY)",
    )
    g.add_argument(
        "--config", metavar="PATH", default=default, help="the TOML config file (env SRS_DL_CONFIG)"
    )


def response(value: str) -> str:
    """An argparse type: a response word, any case."""
    low = value.lower()
    if low not in RESPONSES:
        raise argparse.ArgumentTypeError(f"{value!r} is not one of {', '.join(RESPONSES)}")
    return low


#: SQLite's largest integer: an id past it names no card (and SQLite would overflow).
MAX_CARD_ID = 2**63 - 1


def card_id(value: str) -> int:
    """An argparse type: a card id, checked before any SQL sees it."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a card id") from None
    if not 1 <= number <= MAX_CARD_ID:
        shown = value if len(value) <= 30 else value[:27] + "..."
        raise argparse.ArgumentTypeError(f"{shown!r} is not a card id (ids run from 1)")
    return number


def add_json(p: argparse.ArgumentParser, what: str = "the same") -> None:
    p.add_argument("--json", action="store_true", help=f"print {what} as JSON, for scripts")


class Registry:
    """The `srs-dl` subcommands being built; see the module's docstring."""

    def __init__(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        self._sub = subparsers
        #: Options whose value may start with "-" (a separator such as `-?-`): argparse
        #: would read `--multiline-sep -?-` as two options, so cli joins each such
        #: option with its value ("--multiline-sep=-?-") before parsing.
        self.dash_value_options: set[str] = set()

    def names(self) -> list[str]:
        """The commands added so far."""
        return list(self._sub.choices)

    def add(self, name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        p = self._sub.add_parser(name, help=help_text, description=help_text)
        add_common(p, sub=True)
        p.set_defaults(handler=handler)
        return p

    def add_dash_value_option(self, p: argparse.ArgumentParser, flag: str, help_text: str) -> None:
        p.add_argument(flag, metavar="TEXT", help=help_text)
        self.dash_value_options.add(flag)
