"""`srs-dl drills`: generated numeric drills as JSON lines or a Markdown worksheet."""

from __future__ import annotations

import argparse
import sys

from srs_dl.commands.registry import Registry
from srs_dl.context import CliError, Context


def cmd_drills(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.core.drills import catalog
    from srs_dl.core.drills.output import drills_jsonl, drills_markdown

    if args.count < 0:
        raise CliError(f"--count: {args.count} is negative", status=2)
    kinds = args.kind or None
    if kinds:
        unknown = [k for k in kinds if k not in catalog.KINDS]
        if unknown:
            raise CliError(
                f"--kind: unknown kind {', '.join(unknown)} (kinds: {', '.join(catalog.KINDS)})",
                status=2,
            )
    text = (drills_jsonl if args.json else drills_markdown)(args.count, args.seed, kinds)
    sys.stdout.write(text)
    return 0


def register(registry: Registry) -> None:
    p = registry.add("drills", "generated numeric drills", cmd_drills)
    p.add_argument("--count", type=int, required=True, metavar="N", help="how many drills")
    p.add_argument(
        "--seed",
        type=int,
        required=True,
        metavar="S",
        help="the random seed (same seed, same drills)",
    )
    fmt = p.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--json", action="store_true", help="one JSON object a line")
    fmt.add_argument("--markdown", action="store_true", help="a Markdown worksheet")
    p.add_argument(
        "--kind",
        action="append",
        metavar="K",
        help="only drills of this kind (repeatable; default all)",
    )
