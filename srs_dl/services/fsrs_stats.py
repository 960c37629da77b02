"""The stats screen's FSRS panel (and `srs-dl stats --json`'s "fsrs"): None when the
deck has no FSRS card. The desired retention is the one the first FSRS card's note
is scheduled with (its folder's flags, the config, its vault's plugin settings)."""

from __future__ import annotations

import datetime as dt
import sqlite3

from srs_dl.config import Config
from srs_dl.core.notes.fsrs_group import parse_fsrs_group
from srs_dl.core.scheduling.fsrs import FsrsSchedule, State
from srs_dl.core.scheduling.fsrs_stats import FsrsStats, fsrs_stats
from srs_dl.services.review.scheduling_choice import for_note
from srs_dl.store import review_history

_RATINGS = {"again": 1, "hard": 2, "good": 3, "easy": 4}


def compute_fsrs(conn: sqlite3.Connection, config: Config, now: dt.datetime) -> FsrsStats | None:
    schedules: list[FsrsSchedule] = []
    first_note: int | None = None
    for note_id, group in review_history.fsrs_groups(conn):
        try:
            schedules.append(parse_fsrs_group(group))
        except ValueError:
            continue  # an FSRS group without a due time: a card never reviewed
        if first_note is None:
            first_note = note_id
    if not schedules:
        return None
    reviews: list[tuple[State, int]] = []
    for group, response in review_history.fsrs_reviews(conn):
        fields = group.split(",")
        if len(fields) > 5 and fields[5].strip() in ("0", "1", "2", "3"):
            reviews.append((State(int(fields[5])), _RATINGS[response]))
    params = for_note(conn, config, first_note).fsrs
    return fsrs_stats(schedules, reviews, now, params)
