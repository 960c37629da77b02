"""`srs-dl import` and `srs-dl cards` (shared/specs/cli.md). No Textual here."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from srs_dl.commands.registry import Registry, add_json
from srs_dl.context import CliError, Context

if TYPE_CHECKING:  # building the parser (`srs-dl --help`) needs neither
    import sqlite3

#: Below this many files to read, an import is quick enough to need no bar.
PROGRESS_MIN_FILES = 300


def flags_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The ParseSettings fields the user gave on the command line (and only those)."""
    from srs_dl.core.config_schema import SCHEMA
    from srs_dl.core.notes.settings import CLOZE_STYLES

    flags: dict[str, Any] = {}
    for name in (
        "inline_sep",
        "inline_reversed_sep",
        "multiline_sep",
        "multiline_reversed_sep",
        "end_marker",
    ):
        value = getattr(args, name, None)
        if value is not None:
            # The config's own rule: an empty separator would make every card vanish.
            allowed = SCHEMA["import"][name](value)
            if allowed is not None:
                flag = "--" + name.replace("_", "-")
                raise CliError(f"{flag} {value!r}: must be {allowed}", status=2)
            flags[name] = value
    if getattr(args, "cloze", None):
        flags["cloze_patterns"] = [CLOZE_STYLES[c] for c in dict.fromkeys(args.cloze)]
    if getattr(args, "tag", None):
        tags = ["#" + t.strip().lstrip("#") for t in args.tag if t.strip().lstrip("#")]
        if not tags:
            raise CliError("--tag: give a tag name, such as --tag flashcards", status=2)
        flags["flashcard_tags"] = list(dict.fromkeys(tags))
    for name in ("all_notes", "folders_as_decks", "dataview_fields"):
        if getattr(args, name, None):
            flags[name] = True
    # Scheduling flags ride with the folder's parse flags (ParseSettings ignores them);
    # services/review/scheduling_choice.py reads them.
    if getattr(args, "algorithm", None):
        flags["algorithm"] = args.algorithm
    retention = getattr(args, "desired_retention", None)
    if retention is not None:
        if not 0 < retention <= 1:
            raise CliError(
                f"--desired-retention: {retention} is not above 0 and at most 1", status=2
            )
        flags["desired_retention"] = retention
    return flags


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A rich bar on stderr for long imports, when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            if total < PROGRESS_MIN_FILES:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            from srs_dl.commands.safe_output import unfiltered

            bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                # The bar's own escape codes must reach the terminal: it shows no note text.
                console=Console(file=unfiltered(sys.stderr)),
                transient=True,
            )
            bar.start()
            state["bar"] = bar
            state["task"] = bar.add_task("importing", total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    import sqlite3

    flags = flags_from_args(args)
    conn = ctx.connect()
    try:
        return _import(args, ctx, conn, flags)
    except sqlite3.DatabaseError as exc:
        raise CliError(f"{ctx.db_path}: {_db_problem(exc)}") from exc
    finally:
        conn.close()


def _db_problem(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return "the database is read-only (check the file's permissions)"
    if "full" in text:
        return "the disk is full; nothing was imported from the notes not yet stored"
    if "locked" in text or "busy" in text:
        return "the database is busy in another srs-dl process; try again"
    return text


def _import(
    args: argparse.Namespace, ctx: Context, conn: sqlite3.Connection, flags: dict[str, Any]
) -> int:
    from srs_dl.services.deck import check_writable, remembered_folders
    from srs_dl.services.importing.importer import import_paths

    paths = list(args.paths)
    if not paths:
        if flags:
            raise CliError(
                "import flags need the PATH they are for (srs-dl import PATH"
                " --multiline-sep ...); without a PATH every remembered folder"
                " is imported with its own flags",
                status=2,
            )
        paths = remembered_folders(conn)
        if not paths:
            raise CliError(
                "nothing imported yet: give the notes to import (srs-dl import PATH...)", status=2
            )
    if not args.dry_run:
        # Say so now if nothing could be stored (a read-only file), even when nothing
        # has changed since the last import.
        check_writable(conn)
    with _progress_bar() as progress:
        summary = import_paths(
            conn,
            paths,
            flags=flags,
            config=ctx.config,
            today=ctx.today,
            dry_run=bool(args.dry_run),
            follow_symlinks=bool(getattr(args, "follow_symlinks", False)),
            progress=progress,
        )
    if summary.warnings:
        # One write, not one per line (stderr is line-buffered): thousands of warnings
        # on a large vault took a measurable part of the import.
        sys.stderr.write("".join(line + "\n" for line in summary.warnings))
    print(summary.line())
    for hint in summary.hints():
        print(hint)
    return 1 if summary.missing else 0


def _number(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else float(x)


def card_json(card: Any, path: str | None, today: Any) -> dict[str, Any]:
    """One card as `cards --json` prints it (cli.md's field table)."""
    return {
        "id": card.id,
        "deck": card.deck,
        "kind": card.kind,
        "front": card.front,
        "back": card.back,
        "file": path,
        "line": card.line,
        "due": card.due.isoformat() if card.due else None,
        "interval": _number(card.interval),
        "ease": card.ease,
        "state": card.effective_state(today),
    }


def _cell(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _existing_deck(ctx: Context) -> sqlite3.Connection:
    """The deck at --db, which must exist already (listing never creates one)."""
    if not ctx.db_path.exists():
        raise CliError(
            f"{ctx.db_path}: no database yet; import notes with `srs-dl import"
            " PATH`, or run `srs-dl` to start with the bundled deck"
        )
    return ctx.connect(create=False)


def cmd_cards(args: argparse.Namespace, ctx: Context) -> int:
    conn = _existing_deck(ctx)
    try:
        _list_cards(args, ctx, conn)
    finally:
        conn.close()
    return 0


def cmd_decks(args: argparse.Namespace, ctx: Context) -> int:
    """Every deck holding live cards, with its own new and due counts as of --today
    (a deck's sub-decks are listed under it; `srs-dl review DECK` takes them too)."""
    from srs_dl.services.deck import deck_counts

    conn = _existing_deck(ctx)
    try:
        rows = sorted(deck_counts(conn, ctx.today))
    finally:
        conn.close()
    if args.json:
        for deck, new, due in rows:
            sys.stdout.write(json.dumps({"deck": deck, "new": new, "due": due}) + "\n")
        return 0
    width = max((len(deck) for deck, _, _ in rows), default=4)
    sys.stdout.write(f"{'deck':<{width}}  {'new':>5}  {'due':>5}\n")
    for deck, new, due in rows:
        sys.stdout.write(f"{deck:<{width}}  {new:>5}  {due:>5}\n")
    return 0


def _list_cards(args: argparse.Namespace, ctx: Context, conn: sqlite3.Connection) -> None:
    from srs_dl.services.deck import iter_cards, note_paths

    paths = note_paths(conn)
    cards = iter_cards(
        conn,
        deck=args.deck,
        include_deleted=bool(args.all),
        due_on_or_before=ctx.today if args.due else None,
    )
    out = sys.stdout
    if args.json:
        for card in cards:
            path = paths.get(card.note_id) if card.note_id is not None else None
            out.write(json.dumps(card_json(card, path, ctx.today), ensure_ascii=False) + "\n")
        return
    import shutil

    width = shutil.get_terminal_size((100, 24)).columns
    rows = [
        (
            str(c.id),
            c.deck,
            c.kind,
            c.due.isoformat() if c.due else "-",
            "-" if c.interval is None else f"{_number(c.interval)}",
            "-" if c.ease is None else str(c.ease),
            c.effective_state(ctx.today),
            c.front,
        )
        for c in cards
    ]
    if not rows:
        print("no cards" + (f" in deck {args.deck}" if args.deck else ""))
        return
    head = ("id", "deck", "kind", "due", "ivl", "ease", "state", "front")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head[:-1])]
    widths[1] = min(widths[1], 30)
    used = sum(widths) + 2 * len(widths)
    front_width = max(20, width - used)

    def fmt(row: tuple[str, ...]) -> str:
        cells = [
            _cell(v, w).ljust(w) if i != 0 else v.rjust(w)
            for i, (v, w) in enumerate(zip(row[:-1], widths, strict=True))
        ]
        return "  ".join(cells) + "  " + _cell(row[-1], front_width)

    out.write(fmt(head) + "\n")
    for row in rows:
        out.write(fmt(row) + "\n")
    out.write(f"{len(rows)} card{'s' if len(rows) != 1 else ''}\n")


def register(registry: Registry) -> None:
    p = registry.add(
        "import",
        "import notes from files or folders (remembers each folder's settings)",
        cmd_import,
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders; none: re-import every remembered folder",
    )
    for flag, what in (
        ("--inline-sep", "the separator of a one-line card (default ::)"),
        ("--inline-reversed-sep", "the separator of a reversed one-line card (default :::)"),
        ("--multiline-sep", "the line between a multi-line card's sides (default ?)"),
        ("--multiline-reversed-sep", "the same for a reversed multi-line card (default ??)"),
        ("--end-marker", "a line that ends a multi-line card (default: none)"),
    ):
        registry.add_dash_value_option(p, flag, what)
    p.add_argument(
        "--cloze",
        action="append",
        choices=("highlight", "bold", "curly"),
        help="a cloze style: ==highlight==, **bold**, {{curly}} (repeatable)",
    )
    p.add_argument("--tag", action="append", help="a flashcard tag (repeatable)")
    p.add_argument(
        "--all-notes",
        action="store_true",
        default=None,
        help="take every note, not only those with a flashcard tag",
    )
    p.add_argument(
        "--folders-as-decks",
        action="store_true",
        default=None,
        help="a card's deck is its note's folder",
    )
    p.add_argument(
        "--dataview-fields",
        action="store_true",
        default=None,
        help="read `key:: value` lines with a lowercase key as Dataview fields",
    )
    p.add_argument(
        "--algorithm",
        choices=("sm2", "fsrs"),
        help="schedule these cards with SM-2 or FSRS (default: the vault's plugin setting)",
    )
    p.add_argument(
        "--desired-retention",
        type=float,
        metavar="R",
        help="FSRS's target chance of recall, above 0 and at most 1 (default: the vault's, 0.9)",
    )
    p.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="follow symlinks that lead out of the imported folder",
    )
    p.add_argument("--dry-run", action="store_true", help="parse and report, store nothing")

    p = registry.add("decks", "list the decks with their new and due cards", cmd_decks)
    add_json(p, "one line per deck")

    p = registry.add("cards", "list cards", cmd_cards)
    p.add_argument("--deck", help="only this deck and its sub-decks")
    p.add_argument("--due", action="store_true", help="only cards due as of --today")
    p.add_argument("--all", action="store_true", help="include deleted cards")
    add_json(p, "the cards")
