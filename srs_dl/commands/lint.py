"""`srs-dl lint [PATH...] [--json] [--info]`: the formulas in notes checked against the kernels.

Prints `NOTE:LINE: technique role: what differs (where it shows). Suggested: ...`
per error (and per info line with --info), or with --json one object per
finding. Exit status 0 without errors, 1 with errors, so it can run in a git
hook. Without PATH, the folders imported into the database are linted.
Nothing is written into any note.
"""

from __future__ import annotations

import argparse
import json
import sys

from srs_dl.commands.registry import Registry
from srs_dl.context import CliError, Context


def cmd_lint(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.lint import LintPathError, lint_paths, remembered_folders

    paths = list(args.paths)
    if not paths:
        if not ctx.db_path.exists():
            raise CliError(
                f"{ctx.db_path}: no database yet; give a PATH, or import notes with `srs-dl import PATH`"
            )
        conn = ctx.connect(create=False)
        try:
            paths = remembered_folders(conn)
        finally:
            conn.close()
        if not paths:
            raise CliError("no folders imported yet; give a PATH to lint")
    try:
        report = lint_paths(paths, ctx.config)
    except LintPathError as exc:
        raise CliError(str(exc)) from exc
    if report.problems:
        sys.stderr.write("".join(f"srs-dl: {p}\n" for p in report.problems))
        sys.stderr.flush()
    out = []
    for path, finding in report.findings(info=args.info):
        if args.json:
            out.append(json.dumps(finding.to_json(path), ensure_ascii=False) + "\n")
        else:
            out.append(
                f"{finding.severity}: {finding.text(path)}\n"
                if finding.severity == "info"
                else finding.text(path) + "\n"
            )
    sys.stdout.write("".join(out))
    sys.stdout.flush()
    return 1 if report.error_count else 0


def register(registry: Registry) -> None:
    p = registry.add("lint", "check the formulas in notes against the kernels", cmd_lint)
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="notes or folders; none: every imported folder"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per finding")
    p.add_argument(
        "--info", action="store_true", help="also report conventions worth knowing (info lines)"
    )
