"""`srs-dl notes [--due] [--json]` and `srs-dl grade-note RESPONSE PATH...`: whole-note review.

grade-note takes hard, good or easy (a note has no Again or Reset: exit 2 with
a usage message). Every path is checked before any note is rated; each note's
frontmatter is written as the review write-back setting says.
"""

from __future__ import annotations

import argparse
import json
import sys

from srs_dl.commands.registry import Registry, add_json, response
from srs_dl.context import CliError, Context


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def cmd_notes(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.review.note_review import list_notes

    if not ctx.db_path.exists():
        raise CliError(f"{ctx.db_path}: no database yet; import notes with `srs-dl import PATH`")
    conn = ctx.connect(create=False)
    try:
        notes = list_notes(conn, ctx.today, due_only=args.due)
    finally:
        conn.close()
    for note in notes:
        if args.json:
            sys.stdout.write(json.dumps(note.to_json(), ensure_ascii=False) + "\n")
            continue
        s = note.schedule
        when = "new" if s is None else f"{s.due.isoformat()}\t{_num(s.interval)}\t{s.ease}"
        sys.stdout.write(f"{when}\t{note.path}\n")
    sys.stdout.flush()
    return 0


def cmd_grade_note(args: argparse.Namespace, ctx: Context) -> int:
    from srs_dl.services.review.note_review import NoteReviewError, find_note, grade_note

    response = args.response.lower()
    if response not in ("hard", "good", "easy"):
        raise CliError(
            f"grade-note: {args.response!r}: a note is rated hard, good or easy"
            " (again and reset are for cards)",
            status=2,
        )
    if not ctx.db_path.exists():
        raise CliError(f"{ctx.db_path}: no database yet; import notes with `srs-dl import PATH`")
    conn = ctx.connect(create=False)
    try:
        try:
            for path in args.paths:
                find_note(conn, path)
            for path in dict.fromkeys(args.paths):
                result = grade_note(conn, ctx.config, path, response, ctx.today)
                a = result.after
                sys.stdout.write(
                    f"{result.path}: {response} -> due {a.due.isoformat()},"
                    f" interval {_num(a.interval)}, ease {a.ease}\n"
                )
                sys.stdout.flush()
                if result.problem:
                    print(
                        f"srs-dl: {result.problem} (the rating is kept; `srs-dl sync` writes it"
                        " after a rescan)",
                        file=sys.stderr,
                        flush=True,
                    )
        except NoteReviewError as exc:
            raise CliError(str(exc), status=exc.status) from exc
    finally:
        conn.close()
    return 0


def register(registry: Registry) -> None:
    p = registry.add("notes", "whole-note review: notes tagged #review", cmd_notes)
    p.add_argument("--due", action="store_true", help="only notes due as of --today")
    add_json(p, "the notes")
    p = registry.add("grade-note", "rate whole notes (hard, good or easy)", cmd_grade_note)
    p.add_argument("response", type=response, metavar="RESPONSE", help="hard|good|easy")
    p.add_argument("paths", nargs="+", metavar="PATH", help="the notes, as `notes` lists them")
