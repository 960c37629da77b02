"""`srs-dl export anki|csv|log` and `srs-dl import-log`.

Thin: checks OUT and the deck before any work, then a service writes into a
temporary file that is renamed over OUT only when the export is whole.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from srs_dl.commands.registry import Registry, add_common
from srs_dl.context import CliError, Context


def register(registry: Registry) -> None:
    text = "export the deck: an Anki package, the cards as CSV, or the review log"
    p = registry.add("export", text, cmd_export)
    what = p.add_subparsers(
        dest="what", metavar="WHAT", required=True, help="anki, csv or log (see each one's --help)"
    )

    def sub(name: str, text: str) -> argparse.ArgumentParser:
        q = what.add_parser(name, help=text, description=text)
        add_common(q, sub=True)
        q.add_argument("out", metavar="OUT", help="the file to write ('-': standard output)")
        q.add_argument("--deck", metavar="D", help="only this deck and its sub-decks")
        q.add_argument("--force", action="store_true", help="replace OUT if it exists")
        return q

    q = sub("anki", "an Anki package (.apkg): one Anki deck per deck, stable note GUIDs")
    q.add_argument(
        "--with-history",
        action="store_true",
        help="include each card's schedule and its reviews (Anki's revlog)",
    )
    sub("csv", "the cards as CSV (columns in the README)")
    q = sub("log", "every review and schedule change, as CSV or JSONL (by OUT's suffix)")
    q.add_argument("--format", choices=("csv", "jsonl"), help="overrides OUT's suffix")

    p = registry.add(
        "import-log",
        "read a log export (and the cards export) back into a new deck",
        cmd_import_log,
    )
    p.add_argument("log", metavar="LOG", help="a file written by `srs-dl export log`")
    p.add_argument(
        "--cards", metavar="CARDS", help="a file written by `srs-dl export csv` (new cards too)"
    )


def _say(out: str, text: str) -> None:
    # With the export on standard output, the summary must not mix into it.
    if out == "-":
        print(text.replace(" to -", " to standard output"), file=sys.stderr)
    else:
        print(text)


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.interchange import export as service

    if not ctx.db_path.exists():
        raise CliError(f"{ctx.db_path}: no database yet; nothing to export")
    out, force, deck = args.out, args.force, args.deck
    try:
        service.check_out(out, force=force)
    except service.ExportError as exc:
        raise CliError(str(exc)) from exc
    conn = ctx.connect(create=False)
    try:
        if args.what == "anki":
            from srs_dl.services.interchange.anki_package import export_anki

            s = export_anki(
                conn, out, today=ctx.today, force=force, deck=deck, with_history=args.with_history
            )
            history = f", {s.reviews} reviews" if args.with_history else ""
            _say(
                args.out,
                f"exported {s.cards} cards ({s.notes} Anki notes, {s.decks} decks{history})"
                f" to {args.out}",
            )
        elif args.what == "csv":
            n = service.export_cards(conn, out, force=force, deck=deck)
            _say(out, f"exported {n} cards to {out}")
        else:
            n = service.export_log(conn, out, force=force, deck=deck, fmt=args.format)
            _say(out, f"exported {n} log entries to {out}")
    except service.ExportError as exc:
        raise CliError(str(exc)) from exc
    finally:
        conn.close()
    return 0


def cmd_import_log(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.interchange.import_log import ImportLogError, import_log

    log_path = Path(args.log).expanduser()
    cards_path = Path(args.cards).expanduser() if args.cards else None
    for path in (log_path, cards_path):
        if path is not None and not path.is_file():
            raise CliError(f"{path}: no such file")
    conn = ctx.connect()
    try:
        s = import_log(conn, log_path, cards_path)
    except ImportLogError as exc:
        raise CliError(str(exc)) from exc
    finally:
        conn.close()
    print(
        f"imported {s.entries_added} log entries ({s.entries_present} already there),"
        f" {s.cards_added} new cards, {s.notes_added} new notes into {ctx.db_path}"
    )
    return 0
