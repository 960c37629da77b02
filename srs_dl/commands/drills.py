"""`srs-dl drills`: generated numeric drills as plain text (the default), JSON
lines or a Markdown worksheet; `--answer` checks answers against them."""

from __future__ import annotations

import argparse
import secrets
import sys

from srs_dl.commands.registry import Registry
from srs_dl.context import CliError, Context

#: Questions printed when --count is not given: a short session's worth.
DEFAULT_COUNT = 5


def cmd_drills(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.core.drills import catalog, check
    from srs_dl.core.drills.output import drill_json, drills_text, title, worksheet

    if args.count < 0:
        raise CliError(f"--count: {args.count} is negative", status=2)
    if args.seed is not None and args.seed < 0:
        raise CliError(f"--seed: {args.seed} is negative", status=2)
    kinds = args.kind or None
    if kinds:
        unknown = [k for k in kinds if k not in catalog.KINDS]
        if unknown:
            raise CliError(
                f"--kind: unknown kind {', '.join(unknown)} (kinds: {', '.join(catalog.KINDS)})",
                status=2,
            )
    answers = args.answer or []
    if len(answers) > args.count:
        raise CliError(
            f"--answer: {len(answers)} answers for {args.count} drills (one per drill, in order)",
            status=2,
        )
    # No seed: a fresh one, printed in the title so that the same drills can be had again.
    seed = args.seed if args.seed is not None else secrets.randbelow(1_000_000)
    drills = catalog.drill_series(args.count, seed, kinds, args.mode)
    if args.json:
        checked = [check(d, a) for d, a in zip(drills, answers, strict=False)]
        lines = [
            drill_json(d, checked[i] if i < len(checked) else None) for i, d in enumerate(drills)
        ]
        sys.stdout.write("".join(line + "\n" for line in lines))
        return 0
    if answers:
        raise CliError("--answer: use it with --json", status=2)
    heading = title(args.count, seed)
    if args.markdown:
        sys.stdout.write(worksheet(drills, heading))
    else:
        again = "" if args.seed is not None else f" (again: --seed {seed})"
        sys.stdout.write(drills_text(drills, heading + again))
    return 0


def register(registry: Registry) -> None:
    p = registry.add("drills", "generated numeric drills", cmd_drills)
    p.add_argument(
        "--count",
        type=int,
        default=DEFAULT_COUNT,
        metavar="N",
        help=f"how many drills (default {DEFAULT_COUNT})",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="S",
        help="the random seed (same seed, same drills; default a fresh one, printed)",
    )
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object a line")
    fmt.add_argument("--markdown", action="store_true", help="a Markdown worksheet")
    p.add_argument(
        "--kind",
        action="append",
        metavar="K",
        help="only drills of this kind (repeatable; default all)",
    )
    p.add_argument(
        "--mode",
        choices=("formula", "recall"),
        default="formula",
        help="formula: the prompt states the update rule; recall: only its name and "
        "convention (default formula)",
    )
    p.add_argument(
        "--answer",
        action="append",
        metavar="TEXT",
        help="with --json: check TEXT as the answer to the next drill (repeatable, in "
        "order); the line gets a `check` object naming the mistake it matches",
    )
