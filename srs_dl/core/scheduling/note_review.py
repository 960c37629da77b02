"""Whole-note review (notes tagged `#review`), as the plugin schedules it.

Checked against the plugin's v1.15.4 source:
- `SRAlgorithmOsr.noteCalcUpdatedSchedule` (src/scheduling/algorithms/osr/srs-algorithm-osr.ts):
  `osrSchedule` with the note's interval and ease and its overdue days honoured
  (`RepItemScheduleInfoOsr` built from frontmatter without a delay takes
  `today - due`, which `osrSchedule` clamps at 0);
- `SRAlgorithmOsr.noteCalcNewSchedule`: a new note starts from interval 1 and an
  ease blended from its linked notes' eases (`OsrNoteGraph.calcNoteLinkStat` in
  osr-note-graph.ts, weighted by link count times PageRank), rounded;
- `SRAlgorithmOsr.noteOnLoadedNote` / `calculateFlashcardAvgEase` and `NoteEaseList`
  (src/note/note-ease-list.ts): a scheduled note's ease as the graph sees it blends
  its `sr-ease` with the average ease of its reviewed cards.
- `NoteReviewDeck.sortNotesByDateAndImportance` and `determineNextNote`
  (src/note/note-review-deck.ts): the order notes come up for review.

Pure: the note's schedule, its links' eases, today, the note histogram and the
notes' PageRanks (for the review order) are inputs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from srs_dl.core.notes.model import NoteSchedule
from srs_dl.core.scheduling.sm2 import (
    INITIAL_INTERVAL,
    SchedulerSettings,
    add_days,
    js_round,
    osr_schedule,
    parse_response,
)

NOTE_BUTTONS: tuple[str, ...] = ("hard", "good", "easy")

_DEFAULT = SchedulerSettings()


@dataclass(frozen=True, slots=True)
class LinkedNote:
    """One note linked to or from the reviewed note, as `calcNoteLinkStat` counts it.

    Pass one entry per direction: a note that links here and is linked from here
    counts twice, as in the plugin. `ease` is that note's `note_ease` (None when it
    has no schedule: it is then ignored). `pagerank` is that note's PageRank in the
    vault's link graph (`core.scheduling.pagerank`, scaled by 10,000 as the plugin
    does; only ratios matter here); the default 1.0 weighs by link counts alone.
    """

    ease: float | None
    link_count: int = 1
    pagerank: float = 1.0


def flashcard_avg_ease(
    card_eases: Sequence[float], settings: SchedulerSettings = _DEFAULT
) -> float:
    """`calculateFlashcardAvgEase`: the mean ease of a note's reviewed cards, pulled
    toward the base ease when there are few of them; 0 when there are none."""
    if not card_eases:
        return 0.0
    mean = sum(card_eases) / len(card_eases)
    weight = min(1.0, math.log(len(card_eases) + 0.5) / math.log(64))
    return mean * weight + settings.base_ease * (1.0 - weight)


def note_ease(
    sr_ease: float | None,
    card_eases: Sequence[float] = (),
    settings: SchedulerSettings = _DEFAULT,
) -> float | None:
    """The ease the plugin keeps for a note (`noteOnLoadedNote`), or None.

    The plugin records one only for a note with its own schedule (`sr-ease`). It is
    the ease its new cards start from (rounded) and the ease linked notes see.
    """
    if not sr_ease:
        return None
    cards = flashcard_avg_ease(card_eases, settings)
    return (cards + sr_ease) / 2 if cards else float(sr_ease)


def new_card_ease(
    sr_ease: float | None,
    card_eases: Sequence[float] = (),
    settings: SchedulerSettings = _DEFAULT,
) -> int | None:
    """The ease a new card of this note starts from (`cardGetNewSchedule`): the note's
    ease rounded, or None for the base ease. Pass it to sm2.review as `new_ease`.

    `card_eases`: the eases of the note's cards that have a schedule.
    """
    ease = note_ease(sr_ease, card_eases, settings)
    return js_round(ease) if ease else None


def new_note_ease(
    links: Iterable[LinkedNote],
    settings: SchedulerSettings = _DEFAULT,
    *,
    own_ease: float | None = None,
) -> int:
    """The ease a note reviewed for the first time starts from (`noteCalcNewSchedule`)."""
    link_total = 0.0
    weight_total = 0.0
    count = 0
    for link in links:
        ease = js_round(link.ease) if link.ease else 0  # `getEaseByPath` rounds
        if ease:
            link_total += link.link_count * link.pagerank * ease
            weight_total += link.pagerank * link.link_count
            count += link.link_count
    contribution = settings.max_link_factor * min(1.0, math.log(count + 0.5) / math.log(64))
    ease_f = (1.0 - contribution) * settings.base_ease + (
        contribution * link_total / weight_total if count > 0 else contribution * settings.base_ease
    )
    own = js_round(own_ease) if own_ease else 0
    if own:
        ease_f = (ease_f + own) / 2
    return js_round(ease_f)


def review_note(
    state: NoteSchedule | None,
    response: str,
    today: dt.date,
    due_histogram: Mapping[int, int],
    settings: SchedulerSettings = _DEFAULT,
    *,
    links: Iterable[LinkedNote] = (),
    own_ease: float | None = None,
) -> NoteSchedule:
    """A note rated Hard, Good or Easy. `state` None is a note never reviewed.

    `due_histogram` maps days from today to the number of review notes due then.
    `links` and `own_ease` only matter for a new note.
    """
    resp = parse_response(response)
    if resp not in NOTE_BUTTONS:
        raise ValueError(f"a note is rated hard, good or easy, not {response!r}")
    hist = due_histogram if settings.load_balance else None
    if state is None:
        ease = new_note_ease(links, settings, own_ease=own_ease)
        interval, ease = osr_schedule(resp, INITIAL_INTERVAL, ease, 0, settings, hist)
    else:
        delay = (today - state.due).days
        interval, ease = osr_schedule(resp, state.interval, state.ease, delay, settings, hist)
    return NoteSchedule(add_days(today, interval), interval, ease)


def order_notes(
    notes: Iterable[tuple[str, NoteSchedule | None]],
    ranks: Mapping[str, float] | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(scheduled notes, new notes) in the plugin's review order.

    `NoteReviewDeck.sortNotesByDateAndImportance` (src/note/note-review-deck.ts):
    scheduled notes by due date, earliest first (an overdue note before one due
    today), then by PageRank, highest first; new notes by PageRank, highest first.
    `ranks` maps a path to its note's PageRank (`core.scheduling.pagerank`); a
    note missing from it ranks 0, as a note outside the link graph does in the
    plugin (`pageranks[path] || 0`). The plugin's sort is stable, so equal ranks
    keep the order it found the files in; here they go by path.
    """
    rank = ranks or {}
    scheduled: list[tuple[dt.date, float, str]] = []
    new: list[tuple[float, str]] = []
    for path, sched in notes:
        if sched is None:
            new.append((-rank.get(path, 0.0), path))
        else:
            scheduled.append((sched.due, -rank.get(path, 0.0), path))
    scheduled.sort()
    new.sort()
    return tuple(p for *_, p in scheduled), tuple(p for _, p in new)


def notes_needing_ranks(notes: Iterable[tuple[str, NoteSchedule | None]]) -> frozenset[str]:
    """The paths whose place in `order_notes` depends on PageRank: new notes when
    there are two or more, and scheduled notes sharing their due date with another.
    Empty: the order is the same whatever the ranks, and the link graph is not needed."""
    new: list[str] = []
    by_day: dict[dt.date, list[str]] = {}
    for path, sched in notes:
        if sched is None:
            new.append(path)
        else:
            by_day.setdefault(sched.due, []).append(path)
    tied = [group for group in (new, *by_day.values()) if len(group) > 1]
    return frozenset(p for group in tied for p in group)


def note_queue(
    notes: Iterable[tuple[str, NoteSchedule | None]],
    today: dt.date,
    ranks: Mapping[str, float] | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(due notes, new notes) to review today, each in `order_notes`' order.

    `notes` are (path, schedule) of the notes tagged for review. A review shows
    every due note before any new one (`NoteReviewDeck.determineNextNote`).
    """
    listed = list(notes)
    due_on = {path: sched.due for path, sched in listed if sched is not None}
    scheduled, new = order_notes(listed, ranks)
    return tuple(p for p in scheduled if due_on[p] <= today), new
