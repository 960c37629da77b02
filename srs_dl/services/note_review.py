"""Whole-note review: notes tagged for review (`#review`), rated Hard, Good or Easy.

The schedule lives in the note's frontmatter (`sr-due`, `sr-interval`,
`sr-ease`) and in the notes table (review_due, review_interval, review_ease).
A rating is one transaction (the notes row and a log row, action
'note_review'); the frontmatter is then written through the same path as the
cards' comments (`services.sync`), so a note changed on disk since it was read
is never overwritten.

A note counts as a review note when it carries a review tag or already has a
schedule in its frontmatter (the plugin scheduled it once; its tag may since
have been renamed). The formula is the plugin's (`core.scheduling.note_review`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from srs_dl.config import Config
from srs_dl.core.notes.model import NoteSchedule
from srs_dl.core.scheduling import note_review as nr
from srs_dl.services.review import note_writable
from srs_dl.store import log as logstore
from srs_dl.store.reviews import write_transaction


class NoteReviewError(Exception):
    """A note that cannot be rated as asked; one line naming it."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class NoteRow:
    id: int
    path: str
    deck: str | None
    is_review: bool
    #: None: never reviewed.
    schedule: NoteSchedule | None
    dirty: bool

    def to_json(self) -> dict[str, Any]:
        s = self.schedule
        return {"id": self.id, "path": self.path, "deck": self.deck,
                "due": s.due.isoformat() if s else None,
                "interval": _num(s.interval) if s else None,
                "ease": s.ease if s else None,
                "state": "new" if s is None else "review", "pending_write": self.dirty}


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


@dataclass(frozen=True, slots=True)
class NoteGradeResult:
    path: str
    response: str
    before: NoteSchedule | None
    after: NoteSchedule
    written: str | None
    problem: str | None


_COLUMNS = ("id, path, deck, is_review, review_due, review_interval, review_ease, review_dirty")


def _row(r: tuple[Any, ...]) -> NoteRow:
    due, interval, ease = r[4], r[5], r[6]
    sched = (NoteSchedule(dt.date.fromisoformat(due), float(interval), int(ease))
             if due and interval is not None and ease is not None else None)
    return NoteRow(int(r[0]), str(r[1]), r[2], bool(r[3]), sched, bool(r[7]))


def list_notes(conn: sqlite3.Connection, today: dt.date, due_only: bool = False) -> list[NoteRow]:
    """Review notes in review order: due (oldest first), then new, then the rest by date.

    `due_only`: only what a review today would show (due and new notes).
    """
    rows = [_row(r) for r in conn.execute(
        f"SELECT {_COLUMNS} FROM notes WHERE deleted = 0"  # noqa: S608
        " AND (is_review = 1 OR review_due IS NOT NULL)")]
    by_path = {n.path: n for n in rows}
    due, new = nr.note_queue(((n.path, n.schedule) for n in rows), today)
    ordered = [by_path[p] for p in (*due, *new)]
    if not due_only:
        later = sorted((n for n in rows if n.schedule is not None and n.schedule.due > today),
                       key=lambda n: (n.schedule.due, n.path))  # type: ignore[union-attr]
        ordered.extend(later)
    return ordered


def find_note(conn: sqlite3.Connection, path: str | os.PathLike[str]) -> NoteRow:
    absolute = os.path.abspath(os.path.expanduser(os.fspath(path)))
    candidates = [absolute, str(Path(absolute).resolve())]
    for candidate in candidates:
        r = conn.execute(f"SELECT {_COLUMNS} FROM notes WHERE path = ? AND deleted = 0",  # noqa: S608
                         (candidate,)).fetchone()
        if r is not None:
            note = _row(r)
            if not note.is_review and note.schedule is None:
                raise NoteReviewError(f"{path}: not a review note (tag it #review and import it)")
            return note
    raise NoteReviewError(f"{path}: not an imported note (import its folder first)")


def _note_histogram(conn: sqlite3.Connection, today: dt.date) -> dict[int, int]:
    rows = conn.execute(
        "SELECT review_due, count(*) FROM notes WHERE deleted = 0 AND review_due >= ?"
        " GROUP BY review_due", (today.isoformat(),)).fetchall()
    return {(dt.date.fromisoformat(d) - today).days: int(n) for d, n in rows}


def _link_name(target: str) -> str:
    """A wikilink target or a note path as Obsidian matches them: the file name, no `.md`."""
    name = PurePath(target.replace("\\", "/")).name
    return name[:-3].casefold() if name.lower().endswith(".md") else name.casefold()


def _linked_notes(conn: sqlite3.Connection, note: NoteRow, config: Config
                  ) -> list[nr.LinkedNote]:
    """Scheduled notes linked from or to this one, one entry per direction (as the plugin)."""
    row = conn.execute("SELECT links FROM notes WHERE id = ?", (note.id,)).fetchone()
    mine = _links(row[0] if row else None)
    me = _link_name(note.path)
    out: list[nr.LinkedNote] = []
    for nid, path, links, ease in conn.execute(
            "SELECT id, path, links, review_ease FROM notes WHERE deleted = 0 AND id != ?"
            " AND review_ease IS NOT NULL", (note.id,)):
        name = _link_name(path)
        outgoing = sum(1 for t in mine if _link_name(t) == name)
        incoming = sum(1 for t in _links(links) if _link_name(t) == me)
        if not outgoing and not incoming:
            continue
        card_eases = [r[0] for r in conn.execute(
            "SELECT ease FROM cards WHERE note_id = ? AND ease IS NOT NULL AND due IS NOT NULL"
            " AND state != 'deleted'", (nid,))]
        value = nr.note_ease(ease, card_eases, config.scheduler)
        for count in (outgoing, incoming):
            if count:
                out.append(nr.LinkedNote(value, count))
    return out


def _links(text: str | None) -> list[str]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def grade_note(conn: sqlite3.Connection, config: Config, path: str | os.PathLike[str],
               response: str, today: dt.date) -> NoteGradeResult:
    """Rate a whole note; its frontmatter is written at once (write-back "immediate") or on sync."""
    resp = response.strip().lower()
    if resp not in nr.NOTE_BUTTONS:
        raise NoteReviewError(f"{response!r}: a note is rated hard, good or easy", status=2)
    note = find_note(conn, path)
    histogram = _note_histogram(conn, today)
    links = _linked_notes(conn, note, config) if note.schedule is None else []
    with write_transaction(conn):
        fresh = find_note(conn, note.path)  # as of the lock: another process may have rated it
        after = _outcome(conn, config, fresh, resp, today, histogram, links)
        text = f"{after.due.isoformat()},{_fmt(after.interval)},{after.ease}"
        sched_note = conn.execute("SELECT review_sched_note FROM notes WHERE id = ?",
                                  (note.id,)).fetchone()[0]
        # The bundled deck is never written into: its schedule lives in the database only.
        dirty = note_writable(conn, note.id) and text != sched_note
        conn.execute(
            "UPDATE notes SET review_due = ?, review_interval = ?, review_ease = ?,"
            " review_dirty = ? WHERE id = ?",
            (after.due.isoformat(), after.interval, after.ease, int(dirty), note.id))
        logstore.append(conn, card_id=None, note_id=note.id, day=today, action="note_review",
                        response=resp, before=_snap(fresh.schedule), after=_snap(after))
    written = problem = None
    if config.review.writeback == "immediate" and dirty:
        from srs_dl.services.sync import write_note_now

        outcome = write_note_now(conn, config, note.id)
        written, problem = outcome.written, outcome.problem
    return NoteGradeResult(note.path, resp, note.schedule, after, written, problem)


def preview_note(conn: sqlite3.Connection, config: Config, path: str | os.PathLike[str],
                 today: dt.date) -> dict[str, NoteSchedule]:
    """What each button would give the note now ("Good 8d"); nothing is written.

    The same computation as grade_note, so the labels are the schedules a rating makes.
    """
    note = find_note(conn, path)
    histogram = _note_histogram(conn, today)
    links = _linked_notes(conn, note, config) if note.schedule is None else []
    return {resp: _outcome(conn, config, note, resp, today, histogram, links)
            for resp in nr.NOTE_BUTTONS}


def _outcome(conn: sqlite3.Connection, config: Config, note: NoteRow, response: str,
             today: dt.date, histogram: dict[int, int], links: list[nr.LinkedNote]
             ) -> NoteSchedule:
    """The schedule `response` gives `note` (its row as read): the plugin's note formula."""
    own = None
    if note.schedule is None:
        # A note never reviewed may still carry an ease of its own (sr-ease without a due).
        own = conn.execute("SELECT review_ease FROM notes WHERE id = ?", (note.id,)).fetchone()[0]
    return nr.review_note(note.schedule, response, today, histogram, config.scheduler,
                          links=links, own_ease=own)


def _fmt(x: float) -> str:
    from srs_dl.core.notes.sr_comment import format_interval

    return format_interval(x)


def _snap(s: NoteSchedule | None) -> dict[str, Any]:
    if s is None:
        return {"due": None, "interval": None, "ease": None, "state": "new"}
    return {"due": s.due.isoformat(), "interval": s.interval, "ease": s.ease, "state": "review"}


__all__ = ["NoteGradeResult", "NoteReviewError", "NoteRow", "find_note", "grade_note",
           "list_notes", "preview_note"]
