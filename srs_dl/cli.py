"""The command line (shared/specs/cli.md): argparse, so `srs-dl --help` and the
scripting commands start fast; each command's body lives in srs_dl/commands/
and is imported only when that command runs. Textual is imported only by the
commands that open the TUI.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from srs_dl import __version__
from srs_dl.context import CliError, Context

# command -> "module:function" under srs_dl.commands
COMMANDS: dict[str, str] = {
    "tui": "tui:cmd_tui",
    "review": "tui:cmd_review",
    "practice": "tui:cmd_practice",
    "import": "importing:cmd_import",
    "cards": "importing:cmd_cards",
    "due": "reviewing:cmd_due",
    "grade": "reviewing:cmd_grade",
    "undo": "reviewing:cmd_undo",
    "bury": "reviewing:cmd_bury",
    "suspend": "reviewing:cmd_suspend",
    "unsuspend": "reviewing:cmd_unsuspend",
    "reset": "reviewing:cmd_reset",
    "sync": "reviewing:cmd_sync",
    "history": "reviewing:cmd_history",
    "notes": "notes:cmd_notes",
    "grade-note": "notes:cmd_grade_note",
    "drills": "drills:cmd_drills",
    "stats": "stats:cmd_stats",
    "lint": "lint:cmd_lint",
    "explore": "explore:cmd_explore",
}

RESPONSES = ("again", "hard", "good", "easy", "reset")


def _common(p: argparse.ArgumentParser, *, sub: bool = False) -> None:
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


def _response(value: str) -> str:
    low = value.lower()
    if low not in RESPONSES:
        raise argparse.ArgumentTypeError(f"{value!r} is not one of {', '.join(RESPONSES)}")
    return low


def _card_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a card id") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="srs-dl",
        description="Spaced repetition and live numeric drills for deep learning, "
        "from your Obsidian notes. Without a command: opens the TUI on the deck list.",
    )
    parser.add_argument("--version", action="version", version=f"srs-dl {__version__}")
    _common(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p, sub=True)
        return p

    p = add("review", "open the TUI at a review of DECK (all decks without one)")
    p.add_argument("deck", nargs="?")
    p = add("practice", "open the TUI at drills of KIND (all kinds without one)")
    p.add_argument("kind", nargs="?")

    p = add("import", "import notes from files or folders (remembers each folder's settings)")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders; none: re-import every remembered folder",
    )
    p.add_argument("--inline-sep")
    p.add_argument("--inline-reversed-sep")
    p.add_argument("--multiline-sep")
    p.add_argument("--multiline-reversed-sep")
    p.add_argument("--end-marker")
    p.add_argument("--cloze", action="append", choices=("highlight", "bold", "curly"))
    p.add_argument("--tag", action="append", help="a flashcard tag (repeatable)")
    p.add_argument(
        "--all-notes",
        action="store_true",
        default=None,
        help="take every note, not only those with a flashcard tag",
    )
    p.add_argument("--folders-as-decks", action="store_true", default=None)
    p.add_argument(
        "--dataview-fields",
        action="store_true",
        default=None,
        help="read `key:: value` lines with a lowercase key as Dataview fields",
    )
    p.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="follow symlinks that lead out of the imported folder",
    )
    p.add_argument("--dry-run", action="store_true", help="parse and report, store nothing")

    p = add("cards", "list cards")
    p.add_argument("--deck")
    p.add_argument("--due", action="store_true", help="only cards due as of --today")
    p.add_argument("--all", action="store_true", help="include deleted cards")
    p.add_argument("--json", action="store_true")

    p = add("due", "today's review queue, daily limits applied, in review order")
    p.add_argument("--deck")
    p.add_argument("--json", action="store_true")

    p = add("grade", "review cards as of --today")
    p.add_argument(
        "response", type=_response, metavar="RESPONSE", help="again|hard|good|easy|reset"
    )
    p.add_argument("ids", nargs="+", type=_card_id, metavar="CARD_ID")
    p.add_argument("--json", action="store_true")

    add("undo", "undo the last review")
    for name, text in (
        ("bury", "bury cards until tomorrow"),
        ("suspend", "suspend cards"),
        ("unsuspend", "unsuspend cards"),
        ("reset", "reset cards to new-card schedule"),
    ):
        p = add(name, text)
        p.add_argument("ids", nargs="+", type=_card_id, metavar="ID")

    p = add("sync", "write pending scheduling comments and note frontmatter into the notes")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--json", action="store_true")

    p = add("history", "a card's log")
    p.add_argument("id", type=_card_id, metavar="CARD_ID")
    p.add_argument("--json", action="store_true")

    p = add("notes", "whole-note review: notes tagged #review")
    p.add_argument("--due", action="store_true")
    p.add_argument("--json", action="store_true")
    p = add("grade-note", "rate whole notes (hard, good or easy)")
    p.add_argument("response", type=_response, metavar="RESPONSE")
    p.add_argument("paths", nargs="+", metavar="PATH")

    p = add("drills", "generated numeric drills")
    p.add_argument("--count", type=int, required=True, metavar="N")
    p.add_argument("--seed", type=int, required=True, metavar="S")
    fmt = p.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--markdown", action="store_true")
    p.add_argument("--kind", action="append", metavar="K")

    p = add("stats", "review statistics")
    p.add_argument("--json", action="store_true")

    from srs_dl.commands.explore import add_parser as add_explore
    from srs_dl.commands.lint import add_parser as add_lint

    add_lint(sub, _common)
    add_explore(sub, _common)
    return parser


#: Options whose value may start with "-" (the user's separator is `-?-`): argparse
#: would take `--multiline-sep -?-` for two options, so the pair is joined with "=".
_DASH_VALUE_OPTIONS = frozenset(
    {
        "--inline-sep",
        "--inline-reversed-sep",
        "--multiline-sep",
        "--multiline-reversed-sep",
        "--end-marker",
    }
)


def _dash_values(argv: list[str]) -> list[str]:
    out: list[str] = []
    it = iter(argv)
    for arg in it:
        if arg in _DASH_VALUE_OPTIONS:
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
    if _command(args) in ("tui", "explore"):
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
    return build_parser().parse_args(_dash_values(sys.argv[1:] if argv is None else list(argv)))


def _command(args: argparse.Namespace) -> str:
    return str(args.command or "tui")


def _execute(args: argparse.Namespace) -> int:
    module_name, func_name = COMMANDS[_command(args)].split(":")
    try:
        ctx = Context.from_args(args)
        module = importlib.import_module(f"srs_dl.commands.{module_name}")
        result = getattr(module, func_name)(args, ctx)
        return int(result or 0)
    except CliError as exc:
        print(f"srs-dl: {exc}", file=sys.stderr)
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
            f"srs-dl: {_describe_unexpected(exc)} (set SRS_DL_DEBUG=1 for details)", file=sys.stderr
        )
        return 1


def _describe_unexpected(exc: Exception) -> str:
    from srs_dl.config import ConfigError
    from srs_dl.store.db import StoreError

    if isinstance(exc, (StoreError, ConfigError)):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return f"unexpected error: {type(exc).__name__}: {exc}"


if __name__ == "__main__":
    run()
