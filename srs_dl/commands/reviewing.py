"""`srs-dl due | grade | undo | bury | suspend | unsuspend | reset | sync | history`.

Thin: each command calls srs_dl.services.review / .writeback.sync and prints. `grade`
prints (and flushes) one line per card right after that card's review is
committed, so a script, or the crash harness, knows exactly what is done.
`grade`, `bury`, `suspend`, `unsuspend` and `reset` check every id first: an
unknown or deleted id (or, for grade and reset, a suspended card) is reported
on one line, exit 1, and nothing is changed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from srs_dl.commands.registry import Registry, add_json, card_id, response
from srs_dl.context import CliError, Context

if TYPE_CHECKING:  # annotations only: building the parser (`srs-dl --help`) needs neither
    import datetime as dt
    import sqlite3

    from srs_dl.config import Config
    from srs_dl.services.deck import CardRow

    #: A card action of srs_dl.services.review.grading: the card after it.
    CardAction = Callable[[sqlite3.Connection, Config, dt.date, int], CardRow]


def _print(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _json_line(obj: Any) -> None:
    _print(json.dumps(obj, ensure_ascii=False))


def _warn(text: str) -> None:
    print(f"srs-dl: {text}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _session(ctx: Context) -> Iterator[sqlite3.Connection]:
    from srs_dl.services.review.grading import ReviewError

    if not ctx.db_path.exists():
        raise CliError(
            f"{ctx.db_path}: no database yet; import notes with `srs-dl import"
            " PATH`, or run `srs-dl` to start with the bundled deck"
        )
    conn = ctx.connect(create=False)
    try:
        yield conn
    except ReviewError as exc:
        raise CliError(str(exc)) from exc
    finally:
        conn.close()


def _short(text: str, width: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _schedule_text(card: CardRow) -> str:
    from srs_dl.core.scheduling.sm2 import interval_number

    if card.due is None:
        return "new"
    return (
        f"due {card.due.isoformat()}, interval {interval_number(card.interval)}, ease {card.ease}"
    )


def cmd_due(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.commands.importing import card_json
    from srs_dl.services.deck import note_path
    from srs_dl.services.review.session import ReviewSession

    with _session(ctx) as conn:
        cards = ReviewSession(conn, ctx.config, ctx.today, args.deck).queue()
        if args.json:  # the queue in review order (new cards spread among the reviews)
            for card in cards:
                _json_line(card_json(card, note_path(conn, card.note_id), ctx.today))
            return 0
        # For reading: the reviews first, most overdue on top (the order the queue gives
        # them), then the new cards; mixed as the session shows them, a new card read as
        # one more overdue card.
        reviews = [c for c in cards if c.due is not None]
        new = [c for c in cards if c.due is None]
        for card in reviews + new:
            when = card.due.isoformat() if card.due else "new"
            late = (ctx.today - card.due).days if card.due else 0
            overdue = f" ({late}d overdue)" if late > 0 else ""
            _print(f"{card.id}\t{when}{overdue}\t{card.deck}\t{_short(card.front)}")
        print(
            f"{len(cards)} card(s) to review today: {len(reviews)} due, {len(new)} new"
            " (the review mixes the new ones in)",
            file=sys.stderr,
        )
    return 0


def cmd_grade(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.core.scheduling.sm2 import interval_number
    from srs_dl.services.review.grading import GradeResult, grade_cards

    def done(result: GradeResult) -> None:
        card = result.after
        if args.json:
            _json_line(
                {
                    "id": card.id,
                    "due": card.due.isoformat() if card.due else None,
                    "interval": interval_number(card.interval),
                    "ease": card.ease,
                }
            )
        else:
            _print(f"{card.id}: {result.response} -> {_schedule_text(card)}")

    with _session(ctx) as conn:
        results = grade_cards(conn, ctx.config, ctx.today, args.ids, args.response, on_graded=done)
    shown: set[str] = set()
    for result in results:
        problem = result.writeback_problem
        if problem and problem not in shown:  # one line per note, not one per card
            shown.add(problem)
            _warn(
                problem
                if "review is kept" in problem
                else f"{problem} (the review is kept; `srs-dl sync` writes it after a rescan)"
            )
    return 0


def cmd_undo(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.review.undo import undo_last

    with _session(ctx) as conn:
        undone = undo_last(conn, ctx.config, ctx.today)
    entry = undone.entry
    what = entry.action + (f" ({entry.response})" if entry.response else "")
    when = entry.day.isoformat()
    if undone.card is not None:
        card = undone.card
        # "new" once, not "new, new"; a schedule only when the card has one.
        shown = card.state if card.due is None else f"{card.state}, {_schedule_text(card)}"
        _print(f"{card.id}: undid {what} of {when} -> {shown}")
    else:
        from srs_dl.core.scheduling.sm2 import interval_number

        s = undone.note_schedule
        shown = (
            "new (never reviewed)"
            if s is None
            else f"due {s.due.isoformat()}, interval {interval_number(s.interval)}, ease {s.ease}"
        )
        _print(f"{undone.note_path}: undid note rating ({entry.response}) of {when} -> {shown}")
    if undone.writeback_problem:
        _warn(f"{undone.writeback_problem} (the undo is kept; `srs-dl sync` writes it)")
    return 0


def _each(
    ctx: Context,
    ids: list[int],
    act: CardAction,
    describe: Callable[[CardRow], str],
    *,
    allow_suspended: bool,
) -> int:
    """`act` on each card once (all checked first, so a bad id changes nothing), a line each."""
    from srs_dl.services.review.grading import check_cards

    with _session(ctx) as conn:
        check_cards(conn, ids, allow_suspended=allow_suspended)
        for cid in dict.fromkeys(ids):
            card = act(conn, ctx.config, ctx.today, cid)
            _print(f"{card.id}: {describe(card)}")
    return 0


def cmd_bury(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.review.grading import bury

    return _each(
        ctx,
        args.ids,
        bury,
        lambda c: f"buried until {c.buried_until.isoformat() if c.buried_until else '?'}",
        allow_suspended=False,
    )


def cmd_suspend(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.review.grading import suspend

    return _each(ctx, args.ids, suspend, lambda c: "suspended", allow_suspended=True)


def cmd_unsuspend(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.review.grading import unsuspend

    return _each(
        ctx, args.ids, unsuspend, lambda c: f"{c.state}, {_schedule_text(c)}", allow_suspended=True
    )


def cmd_reset(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.review.grading import reset

    problems: list[str] = []

    def act(conn: sqlite3.Connection, config: Config, today: dt.date, cid: int) -> CardRow:
        result = reset(conn, config, today, cid)
        if result.writeback_problem:
            problems.append(result.writeback_problem)
        return result.after

    status = _each(
        ctx, args.ids, act, lambda c: f"reset: {_schedule_text(c)}", allow_suspended=False
    )
    for problem in problems:
        _warn(f"{problem} (the reset is kept; `srs-dl sync` writes it after a rescan)")
    return status


def cmd_sync(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.writeback.sync import sync

    with _session(ctx) as conn:
        report = sync(conn, ctx.config, ctx.today, dry_run=args.dry_run)
    if args.json:
        _json_line(report.to_json())
    else:
        if report.rescan:
            _print(f"rescan: {report.rescan}")
        for path in report.would_write:
            _print(f"would write {path}")
            diff = report.diffs.get(path, "")
            if diff:
                _print(diff if diff.endswith("\n") else diff + "\n\\ No newline at end of file")
        for path in report.written:
            _print(f"wrote {path}")
        for path in report.changed_on_disk:
            _print(f"changed on disk, not written (rescan it, then sync): {path}")
        done = len(report.would_write) if args.dry_run else len(report.written)
        verb = "would be written" if args.dry_run else "written"
        _print(
            f"{done} note(s) {verb}, {len(report.changed_on_disk)} changed on disk,"
            f" {len(report.errors)} error(s)"
        )
    for error in report.errors:
        _warn(error)
    return 1 if report.errors else 0


def cmd_history(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.core.scheduling.sm2 import interval_number
    from srs_dl.services.review.grading import history

    with _session(ctx) as conn:
        entries = history(conn, args.id)
    if args.json and not entries:
        _print("[]")  # something to parse: an empty list, not no output at all
    for entry in entries:
        if args.json:
            _json_line(entry.to_json())
            continue
        after = entry.after or {}
        sched = (
            f"due {after.get('due')}, interval {interval_number(after.get('interval'))},"
            f" ease {after.get('ease')}"
            if after.get("due")
            else "new"
        )
        extra = f" (undoes #{entry.undoes})" if entry.undoes else ""
        resp = f" {entry.response}" if entry.response else ""
        _print(
            f"#{entry.id}\t{entry.day.isoformat()}\t{entry.action}{resp}{extra}\t"
            f"{after.get('state', '?')}, {sched}\t[{entry.source}]"
        )
    if not entries and not args.json:
        print(f"card {args.id}: no history yet", file=sys.stderr)
    return 0


def register(registry: Registry) -> None:
    p = registry.add("due", "today's review queue, daily limits applied, in review order", cmd_due)
    p.add_argument("--deck", help="only this deck and its sub-decks")
    add_json(p, "the queue")
    p = registry.add("grade", "review cards as of --today", cmd_grade)
    p.add_argument("response", type=response, metavar="RESPONSE", help="again|hard|good|easy|reset")
    p.add_argument("ids", nargs="+", type=card_id, metavar="CARD_ID", help="the cards to grade")
    add_json(p, "each card's new schedule")
    registry.add("undo", "undo the last review", cmd_undo)
    for name, text, handler in (
        ("bury", "bury cards until tomorrow", cmd_bury),
        ("suspend", "suspend cards", cmd_suspend),
        ("unsuspend", "unsuspend cards", cmd_unsuspend),
        ("reset", "reset cards to new-card schedule", cmd_reset),
    ):
        p = registry.add(name, text, handler)
        p.add_argument("ids", nargs="+", type=card_id, metavar="ID", help="card ids")
    p = registry.add(
        "sync", "write pending scheduling comments and note frontmatter into the notes", cmd_sync
    )
    p.add_argument(
        "--dry-run", action="store_true", help="say what would be written, write nothing"
    )
    add_json(p, "the outcome")
    p = registry.add("history", "a card's log", cmd_history)
    p.add_argument("id", type=card_id, metavar="CARD_ID", help="the card")
    add_json(p, "the log entries")
