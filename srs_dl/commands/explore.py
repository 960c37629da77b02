"""`srs-dl explore [KIND]`: open the TUI at the explorer (a loss surface with the
optimizers' paths, the EMA panel or the schedules panel), on KIND when given."""

from __future__ import annotations

import argparse

from srs_dl.commands.registry import Registry
from srs_dl.context import CliError, Context


def cmd_explore(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.core.explore.settings import for_kind

    if args.kind:
        try:
            for_kind(args.kind)
        except ValueError as exc:
            raise CliError(f"explore: {exc}", status=2) from exc
    from srs_dl.commands.tui import _open

    return _open(ctx, "explore", args.kind or None)


def register(registry: Registry) -> None:
    # Named here, not imported: the explorer's modules load NumPy, and building
    # the parser must not (srs-dl --help starts fast).
    p = registry.add(
        "explore",
        "open the explorer: optimizers on a loss surface, EMA, learning-rate schedules",
        cmd_explore,
    )
    p.add_argument(
        "kind",
        nargs="?",
        metavar="KIND",
        help="a surface (quadratic, rosenbrock), a panel (ema, schedules) or an optimizer"
        " (sgd, momentum, rmsprop, adam, lr_decay)",
    )
