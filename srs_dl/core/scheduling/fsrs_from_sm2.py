"""An SM-2 card as the plugin turns it into an FSRS card: at its first review after
a vault switches to FSRS (`sm2ScheduleToFsrsCard` and `easeToDifficulty` in the
plugin's v1.15.4 `src/scheduling/algorithms/fsrs/fsrs-helpers.ts`)."""

from __future__ import annotations

import datetime as dt
import math

from srs_dl.core.scheduling.fsrs import LEGACY_MAX_EASE, LEGACY_MIN_EASE, FsrsSchedule, State
from srs_dl.core.scheduling.sm2 import js_round


def ease_to_difficulty(ease: float | None) -> float:
    """The plugin's `easeToDifficulty`: an SM-2 ease (130-370) onto FSRS's 10-1."""
    if ease is None:
        return 5.5
    clamped = min(max(ease, LEGACY_MIN_EASE), LEGACY_MAX_EASE)
    normalized = (clamped - LEGACY_MIN_EASE) / (LEGACY_MAX_EASE - LEGACY_MIN_EASE)
    return min(max(10 - normalized * 9, 1), 10)


def from_sm2(due: dt.datetime, interval: float, ease: float | None) -> FsrsSchedule:
    """An SM-2 card as the plugin turns it into an FSRS card at its first FSRS review
    (`sm2ScheduleToFsrsCard`).

    `due` is the start of the SM-2 due day in the user's timezone (the plugin reads
    `2025-03-01` as local midnight); the interval is read as the plugin reads it
    (`parseInt`, so truncated). The last review is taken as `interval` calendar
    days before the due day.
    """
    if due.tzinfo is None:
        raise ValueError("the SM-2 due day must carry a timezone")
    days = max(1, math.trunc(interval))
    last = dt.datetime.combine(due.date() - dt.timedelta(days=days), due.timetz())
    return FsrsSchedule(
        due=due,
        interval=days,
        stability=max(0.1, days),
        difficulty=ease_to_difficulty(ease),
        state=State.REVIEW,
        reps=max(1, js_round(math.log2(days + 1))),
        lapses=0,
        learning_steps=0,
        last_review=last,
    )
