"""`srs-dl stats [--json]`: the numbers of the stats screen, for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from srs_dl.commands.registry import Registry, add_json
from srs_dl.context import CliError, Context

if TYPE_CHECKING:  # annotations only: `srs-dl --help` does not load the statistics
    from srs_dl.core.scheduling.fsrs_stats import FsrsStats
    from srs_dl.core.stats import Bucket, Stats, Tally


def cmd_stats(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.config import resolve_now
    from srs_dl.services.fsrs_stats import compute_fsrs
    from srs_dl.services.stats import compute

    if not ctx.db_path.exists():
        raise CliError(f"{ctx.db_path}: no database here (import notes first)")
    conn = ctx.connect(create=False)
    try:
        stats = compute(conn, ctx.today)
        fsrs = compute_fsrs(conn, ctx.config, resolve_now(ctx.today))
    finally:
        conn.close()
    if args.json:
        out = stats.to_json()
        if fsrs is not None:  # only for a deck with FSRS cards
            out["fsrs"] = fsrs.to_json()
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_text(stats))
        if fsrs is not None:
            sys.stdout.write(fsrs_text(fsrs))
    return 0


def fsrs_text(f: FsrsStats) -> str:
    """The FSRS lines of the text summary."""
    true = "-" if f.true_retention is None else f"{100 * f.true_retention:.1f}%"
    mean = "-" if f.mean_retrievability is None else f"{100 * f.mean_retrievability:.1f}%"
    return (
        f"fsrs: {f.cards} cards ({f.reviewed} reviewed), mean retrievability {mean};"
        f" true retention {true} of {f.reviews} reviews, desired {100 * f.desired_retention:.0f}%\n"
        f"fsrs retrievability: {_buckets(f.retrievability)}\n"
        f"fsrs stability: {_buckets(f.stability)}\n"
    )


def _pct(t: Tally) -> str:
    return "-" if t.rate is None else f"{100 * t.rate:.1f}% of {t.reviews}"


def _buckets(buckets: tuple[Bucket, ...]) -> str:
    return "  ".join(f"{b.label}:{b.count}" for b in buckets)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _notes_line(s: Stats) -> str:
    n = s.notes
    ratings = ", ".join(f"{count} {grade}" for grade, count in n.responses.items())
    return (
        f"notes: {n.total} review notes ({n.new} new), {n.reviews_total} reviews"
        f" on {_days(n.days_reviewed)} ({ratings}), {n.reviews_today} today;"
        f" due {n.forecast.counts[0]} today ({n.forecast.overdue} overdue),"
        f" {sum(n.forecast.counts[:7])} in the next 7 days"
    )


def format_text(s: Stats) -> str:
    """A plain-text summary; scripts should read --json instead."""
    from srs_dl.core.stats import month_name

    cards = ", ".join(f"{n} {state}" for state, n in s.cards.items())
    next_week = sum(s.forecast.counts[:7])
    lines = [
        f"as of {s.today.isoformat()}",
        f"cards: {cards}",
        f"reviews: {s.reviews_total} on {_days(s.days_reviewed)}, {s.reviews_today} today",
        f"streak: {_days(s.streaks.current)} (longest {s.streaks.longest}),"
        f" {_days(s.study_days)} studied (cards or notes)",
        f"due: {s.forecast.counts[0]} today ({s.forecast.overdue} overdue),"
        f" {next_week} in the next 7 days, {sum(s.forecast.counts)} in 30",
        f"retention (Hard, Good and Easy pass, as in Anki): young {_pct(s.young)},"
        f" mature {_pct(s.mature)}",
        f"intervals: {_buckets(s.intervals)}",
        f"eases: {_buckets(s.eases)}",
        _notes_line(s),
    ]
    for month in s.retention[-12:]:
        lines.append(
            f"  {month_name(month.month)}: young {_pct(month.young)}, mature {_pct(month.mature)}"
        )
    for d in s.drills:
        rate = "-" if d.accuracy is None else f"{100 * d.accuracy:.0f}%"
        lines.append(f"drill {d.kind}: {d.correct}/{d.answered} right ({rate})")
    return "\n".join(lines) + "\n"


def register(registry: Registry) -> None:
    p = registry.add("stats", "review statistics", cmd_stats)
    add_json(p, "the statistics")
