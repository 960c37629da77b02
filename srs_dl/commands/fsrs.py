"""`srs-dl fsrs optimize | show | reset`: the deck's FSRS weights.

`optimize` needs the optional extra `srs-dl[optimizer]` (torch); without it, one
line says how to install it. No Textual, and no torch until `optimize` runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from srs_dl.commands.registry import Handler, Registry, add_common, add_json
from srs_dl.context import CliError, Context

if TYPE_CHECKING:  # annotations only: `srs-dl --help` loads no database code
    import sqlite3


def _deck(ctx: Context) -> sqlite3.Connection:
    if not ctx.db_path.exists():
        raise CliError(f"{ctx.db_path}: no database here (import notes first)")
    return ctx.connect(create=False)


def cmd_optimize(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.review.fsrs_optimizer import OptimizerError, optimize

    if not 0 < args.held_out < 1:
        raise CliError(f"--held-out: {args.held_out} is not between 0 and 1", status=2)
    conn = _deck(ctx)
    try:
        report = optimize(conn, held_out=args.held_out, seed=args.seed, dry_run=args.dry_run)
    except OptimizerError as exc:
        raise CliError(f"fsrs optimize: {exc}") from None
    finally:
        conn.close()
    b, a = report.before, report.after
    if args.json:
        out = {
            "reviews": report.reviews,
            "fit_reviews": report.fit_reviews,
            "held_out_reviews": report.held_out_reviews,
            "predicted_reviews": a.reviews,
            "log_loss_before": b.log_loss,
            "log_loss_after": a.log_loss,
            "rmse_before": b.rmse,
            "rmse_after": a.rmse,
            "weights": list(report.weights),
            "stored": report.stored,
        }
        sys.stdout.write(json.dumps(out) + "\n")
        return 0
    lines = [
        f"{report.reviews} reviews: fitted on {report.fit_reviews}, judged on"
        f" {report.held_out_reviews} held out ({a.reviews} predicted)",
        f"log loss on held-out reviews: {b.log_loss:.4f} before, {a.log_loss:.4f} after",
        f"RMSE on held-out reviews:     {b.rmse:.4f} before, {a.rmse:.4f} after",
        "weights: " + ", ".join(f"{w:.4f}" for w in report.weights),
    ]
    if report.stored:
        lines.append("stored in the deck: FSRS reviews use these weights from now on")
    elif args.dry_run:
        lines.append("not stored (--dry-run)")
    else:
        lines.append("not stored: they predict the held-out reviews worse than the weights in use")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.core.scheduling.fsrs import DEFAULT_WEIGHTS
    from srs_dl.services.review.fsrs_optimizer import current_weights

    conn = _deck(ctx)
    try:
        weights, info = current_weights(conn)
    finally:
        conn.close()
    source = "fitted" if weights is not None else "default"
    shown = weights or DEFAULT_WEIGHTS
    if args.json:
        sys.stdout.write(json.dumps({"source": source, "weights": list(shown), "fit": info}) + "\n")
        return 0
    if weights is None:
        sys.stdout.write("weights: ts-fsrs 5.4.1's defaults (the plugin's; none fitted)\n")
    else:
        fit = info or {}
        sys.stdout.write(
            f"weights: fitted {fit.get('fitted_at', '?')} on {fit.get('reviews', '?')} reviews;"
            f" held-out log loss {fit.get('log_loss_before', float('nan')):.4f} ->"
            f" {fit.get('log_loss_after', float('nan')):.4f}\n"
        )
    for i, w in enumerate(shown):
        sys.stdout.write(f"  w{i:<2} {w:.4f}\n")
    return 0


def cmd_reset(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.review.fsrs_optimizer import reset_weights

    conn = _deck(ctx)
    try:
        reset_weights(conn)
    finally:
        conn.close()
    sys.stdout.write("FSRS weights: back to the defaults\n")
    return 0


def register(registry: Registry) -> None:
    p = registry.add(
        "fsrs", "the deck's FSRS weights: fit them to your review log, show them", _no_action
    )
    sub = p.add_subparsers(
        dest="fsrs_command", metavar="ACTION", required=True, help="optimize, show or reset"
    )

    def add(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        q = sub.add_parser(name, help=help_text, description=help_text)
        add_common(q, sub=True)
        q.set_defaults(handler=handler)
        return q

    q = add(
        "optimize",
        "fit FSRS weights to the review log (needs srs-dl[optimizer]) and store them if they"
        " predict held-out reviews at least as well",
        cmd_optimize,
    )
    q.add_argument("--held-out", type=float, default=0.2, help="share of cards held out (0.2)")
    q.add_argument("--seed", type=int, default=0, help="which cards are held out")
    q.add_argument("--dry-run", action="store_true", help="fit and report, store nothing")
    add_json(q)
    q = add("show", "print the FSRS weights in use", cmd_show)
    add_json(q)
    add("reset", "forget fitted weights: back to the defaults", cmd_reset)


def _no_action(
    args: argparse.Namespace, ctx: Context
) -> int:  # pragma: no cover - argparse requires one
    raise CliError("fsrs: give an action (optimize, show or reset)", status=2)
