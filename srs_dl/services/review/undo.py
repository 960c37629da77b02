"""`srs-dl undo`: one undo stack for the cards' actions and the whole-note ratings.

The newest srs-dl action not yet undone is taken back, whichever it is: a card's
review, reset, bury, suspend or unsuspend (services.review.undo_entry), or a
note's rating (here). Never one dated after `today`: with `--today` set in the
past, the newest action is in that day's future and undoing it would rewrite a
history the day has not seen yet.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

from srs_dl.config import Config
from srs_dl.core.notes.model import NoteSchedule
from srs_dl.core.notes.sr_comment import note_schedule_text
from srs_dl.services.review.grading import ReviewError, _write_back_now, undo_entry
from srs_dl.services.writeback.sync import write_note_now
from srs_dl.store import log as logstore
from srs_dl.store import notes as notestore
from srs_dl.store.cards import CardRow, note_path
from srs_dl.store.log import LogEntry
from srs_dl.store.reviews import write_transaction


@dataclass(frozen=True, slots=True)
class Undone:
    """What an undo took back and what it restored (a card, or a note's schedule)."""

    entry: LogEntry
    card: CardRow | None = None
    note_path: str | None = None
    #: The note's schedule after the undo (None: never reviewed).
    note_schedule: NoteSchedule | None = None
    #: Why the note was not written at once (the undo is kept; `sync` retries).
    writeback_problem: str | None = None


def undo_last(conn: sqlite3.Connection, config: Config, today: dt.date) -> Undone:
    """Undo the newest action, a card's or a note's, unless it is dated after `today`."""
    entry = logstore.last_undoable_any(conn)
    if entry is None:
        raise ReviewError("nothing to undo")
    if entry.day > today:
        raise ReviewError(
            f"the last {_what(entry)} is of {entry.day.isoformat()}, after"
            f" {today.isoformat()}; not undone (undo works back from the newest action)"
        )
    if entry.card_id is not None:
        card = undo_entry(conn, config, today, entry.id)
        _written, problem = _write_back_now(conn, config, card.note_id)
        return Undone(entry, card=card, writeback_problem=problem)
    return _undo_note_rating(conn, config, today, entry)


def _what(entry: LogEntry) -> str:
    name = "note rating" if entry.action == logstore.NOTE_UNDOABLE else entry.action
    return name + (f" ({entry.response})" if entry.response else "")


def _undo_note_rating(
    conn: sqlite3.Connection, config: Config, today: dt.date, entry: LogEntry
) -> Undone:
    """Restore the note's schedule from before the rating, through a new 'undo' log row.

    Refused when the note's schedule changed since (rated again elsewhere, read anew
    from its frontmatter), and for a first rating already written into the note:
    srs-dl never removes frontmatter keys, and a rescan would read them back."""
    assert entry.note_id is not None
    before = entry.before or {}
    after = entry.after or {}
    with write_transaction(conn):
        state = notestore.note_states(conn, [entry.note_id]).get(entry.note_id)
        path = note_path(conn, entry.note_id)
        if state is None or path is None:
            raise ReviewError(f"note {entry.note_id}: no such note; not undone")
        now = {
            "due": state.review_due,
            "interval": state.review_interval,
            "ease": state.review_ease,
        }
        if any(now[k] != after.get(k) for k in now):
            raise ReviewError(f"{path}: its schedule changed since that rating; not undone")
        schedule = _schedule(before)
        written = state.review_sched_note
        rated = _schedule(after)
        if schedule is None and rated is not None and written == note_schedule_text(rated):
            raise ReviewError(
                f"{path}: its first rating is already in its frontmatter (sr-due,"
                " sr-interval, sr-ease) and srs-dl does not remove those keys; not undone"
            )
        restored = {
            "due": before.get("due") if schedule else None,
            "interval": before.get("interval") if schedule else None,
            "ease": before.get("ease") if schedule else None,
            "state": "new" if schedule is None else "review",
        }
        logged = ({**now, "state": "new" if now["due"] is None else "review"}, restored)
        # Whole-note review and its frontmatter reader load only for a note's undo: at
        # the top they cost every command that loads the review service 5-8 ms at start.
        from srs_dl.services.review.note_review import change_schedule

        dirty = change_schedule(
            conn, entry.note_id, schedule, written, today, "undo", entry.response, logged, entry.id
        )
    problem = None
    if dirty and config.review.writeback == "immediate":
        problem = write_note_now(conn, config, entry.note_id).problem
    return Undone(entry, note_path=path, note_schedule=schedule, writeback_problem=problem)


def _schedule(values: dict[str, Any]) -> NoteSchedule | None:
    """A logged note schedule ({"due", "interval", "ease"}), None for a never-reviewed one."""
    due, interval, ease = values.get("due"), values.get("interval"), values.get("ease")
    if due is None or interval is None or ease is None:
        return None
    return NoteSchedule(dt.date.fromisoformat(str(due)), float(interval), int(ease))
