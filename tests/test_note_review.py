"""Whole-note review (issue 6) against numbers worked out from the plugin's rules."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from srs_dl.core.notes.model import NoteSchedule
from srs_dl.core.scheduling.note_review import (
    LinkedNote,
    flashcard_avg_ease,
    new_card_ease,
    new_note_ease,
    note_ease,
    note_queue,
    notes_needing_ranks,
    order_notes,
    review_note,
)
from srs_dl.core.scheduling.pagerank import pagerank
from srs_dl.core.scheduling.sm2 import SchedulerSettings, review

TODAY = dt.date(2025, 6, 1)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def test_new_note_without_links_starts_from_the_base_ease() -> None:
    assert new_note_ease([]) == 250
    assert review_note(None, "good", TODAY, {}) == NoteSchedule(days(3), 3.0, 250)  # 2.5
    assert review_note(None, "hard", TODAY, {}) == NoteSchedule(days(1), 1.0, 230)
    assert review_note(None, "easy", TODAY, {}) == NoteSchedule(days(4), 4.0, 270)  # 3.51


def test_new_note_ease_from_links() -> None:
    # 3 links to notes of ease 300: weight ln(3.5)/ln(64) = 0.3012; 250 + 50 * 0.3012 = 265.06
    links = [LinkedNote(300, 3)]
    assert new_note_ease(links) == 265
    # (1 + 1 links) to eases 300 and 200 weighted by PageRank 3 and 1: average 275,
    # weight ln(2.5)/ln(64) = 0.2203: 250 + 25 * 0.2203 = 255.5 -> 256
    assert new_note_ease([LinkedNote(300, 1, 3.0), LinkedNote(200, 1, 1.0)]) == 256
    # 64 links or more: the links' ease alone
    assert new_note_ease([LinkedNote(200, 64)]) == 200
    # linked notes without an ease do not count
    assert new_note_ease([LinkedNote(None, 5), LinkedNote(300, 3)]) == 265
    assert new_note_ease([LinkedNote(None, 5)]) == 250
    # max_link_factor 0 ignores links
    assert new_note_ease(links, SchedulerSettings(max_link_factor=0)) == 250
    # the note's own ease, when the plugin knows one, is averaged in
    assert new_note_ease([], own_ease=270) == 260
    # Good from ease 265: 2.65 -> 3; Easy: 2.85 * 1.3 = 3.705 -> 4 with ease 285
    assert review_note(None, "good", TODAY, {}, links=links) == NoteSchedule(days(3), 3.0, 265)
    assert review_note(None, "easy", TODAY, {}, links=links) == NoteSchedule(days(4), 4.0, 285)


def test_new_note_ease_weighs_links_by_the_graphs_pagerank() -> None:
    # new -> hub (ease 290), new -> leaf (ease 170), four more notes -> hub: the hub's
    # PageRank is 4.825 / 1.425 times the leaf's, so its ease counts that much more.
    ranks = pagerank({"new": {"hub": 1, "leaf": 1}, **{f"p{i}": {"hub": 1} for i in range(4)}})
    assert ranks["hub"] / ranks["leaf"] == pytest.approx(4.825 / 1.425)
    by_rank = [LinkedNote(290, 1, ranks["hub"]), LinkedNote(170, 1, ranks["leaf"])]
    # weight ln(2.5)/ln(64) = 0.2203 of 262.64 (PageRank) or 230 (links only)
    assert new_note_ease(by_rank) == 253
    assert new_note_ease([LinkedNote(290, 1), LinkedNote(170, 1)]) == 246


def test_scheduled_note_honours_overdue_days() -> None:
    state = NoteSchedule(days(-10), 10, 250)
    # (10 + 10/2) * 2.5 = 37.5 -> 38
    assert review_note(state, "good", TODAY, {}) == NoteSchedule(days(38), 38.0, 250)
    # (10 + 10) * 2.7 * 1.3 = 70.2 -> 70
    assert review_note(state, "easy", TODAY, {}) == NoteSchedule(days(70), 70.0, 270)
    # (10 + 10/4) * 0.5 = 6.25 -> 6
    assert review_note(state, "hard", TODAY, {}) == NoteSchedule(days(6), 6.0, 230)
    # reviewed before it was due: no delay
    early = NoteSchedule(days(5), 10, 250)
    assert review_note(early, "good", TODAY, {}) == NoteSchedule(days(25), 25.0, 250)
    no_balance = SchedulerSettings(load_balance=False)
    assert review_note(state, "Good", TODAY, {}, no_balance) == NoteSchedule(days(38), 37.5, 250)


def test_note_histogram_balances() -> None:
    state = NoteSchedule(TODAY, 10, 250)  # Good: 25
    assert review_note(state, "good", TODAY, {25: 4, 24: 1, 26: 2}).interval == 24.0
    assert review_note(state, "good", TODAY, {25: 4}).interval == 24.0


def test_notes_are_rated_hard_good_or_easy() -> None:
    with pytest.raises(ValueError, match="hard, good or easy, not 'again'"):
        review_note(None, "again", TODAY, {})
    with pytest.raises(ValueError, match="not 'reset'"):
        review_note(NoteSchedule(TODAY, 3, 250), "reset", TODAY, {})


def test_note_ease_blends_sr_ease_and_cards() -> None:
    weight = math.log(2.5) / math.log(64)
    avg = 260 * weight + 250 * (1 - weight)
    assert flashcard_avg_ease([250, 270]) == pytest.approx(avg)
    assert flashcard_avg_ease([]) == 0.0
    assert note_ease(230, [250, 270]) == pytest.approx((avg + 230) / 2)  # 241.10
    assert note_ease(230, []) == 230.0
    assert note_ease(None, [250, 270]) is None
    # a new card in that note starts from its rounded ease
    ease = new_card_ease(230, [250, 270])
    assert ease == 241
    assert new_card_ease(None, [250, 270]) is None
    assert new_card_ease(262.5) == 263  # halves up, as JavaScript rounds
    assert review(None, "good", TODAY, {}, new_ease=ease).ease == 241


def test_note_queue() -> None:
    notes = [
        ("b.md", NoteSchedule(days(-1), 3, 250)),
        ("a.md", NoteSchedule(days(-1), 3, 250)),
        ("c.md", NoteSchedule(days(-5), 3, 250)),
        ("d.md", NoteSchedule(days(1), 3, 250)),
        ("z.md", None),
        ("e.md", None),
        ("f.md", NoteSchedule(TODAY, 3, 250)),
    ]
    due, new = note_queue(notes, TODAY)
    assert due == ("c.md", "a.md", "b.md", "f.md")
    assert new == ("e.md", "z.md")
    # With ranks (sortNotesByDateAndImportance): the day first, then the higher rank.
    due, new = note_queue(notes, TODAY, {"b.md": 5.0, "a.md": 1.0, "f.md": 99.0, "z.md": 0.5})
    assert due == ("c.md", "b.md", "a.md", "f.md")
    assert new == ("z.md", "e.md")


def _sched(day: int) -> NoteSchedule:
    return NoteSchedule(days(day), 3, 250)


def test_order_notes_as_the_plugin_sorts_them() -> None:
    notes = [
        ("new/low.md", None),
        ("new/high.md", None),
        ("new/unlinked-b.md", None),
        ("new/twin-b.md", None),
        ("new/unlinked-a.md", None),
        ("new/twin-a.md", None),
        ("old.md", _sched(-3)),
        ("today-low.md", _sched(0)),
        ("today-high.md", _sched(0)),
        ("today-zero.md", _sched(0)),
        ("later-a.md", _sched(4)),
        ("later-b.md", _sched(4)),
    ]
    ranks = {
        "new/low.md": 120.0,
        "new/high.md": 3000.0,
        "new/twin-a.md": 400.0,
        "new/twin-b.md": 400.0,
        "old.md": 1.0,
        "today-low.md": 150.0,
        "today-high.md": 2000.0,
        "later-a.md": 10.0,
        "later-b.md": 900.0,
    }
    scheduled, new = order_notes(notes, ranks)
    # New notes by rank, highest first; equal ranks (and the unranked, rank 0) by path.
    assert new == (
        "new/high.md",
        "new/twin-a.md",
        "new/twin-b.md",
        "new/low.md",
        "new/unlinked-a.md",
        "new/unlinked-b.md",
    )
    # Scheduled: the earlier day wins whatever the ranks (overdue before due today),
    # then the higher rank within a day; a note outside the graph ranks 0.
    assert scheduled == (
        "old.md",
        "today-high.md",
        "today-low.md",
        "today-zero.md",
        "later-b.md",
        "later-a.md",
    )
    # The review today: due notes in that order, then the new ones.
    assert note_queue(notes, TODAY, ranks) == (scheduled[:4], new)
    # Without ranks every note ranks 0: the order falls back to day, then path.
    assert order_notes(notes)[0] == (
        "old.md",
        "today-high.md",
        "today-low.md",
        "today-zero.md",
        "later-a.md",
        "later-b.md",
    )


def test_notes_needing_ranks_are_the_tied_ones() -> None:
    assert notes_needing_ranks([]) == frozenset()
    # One new note, scheduled notes on different days: no order depends on ranks.
    alone = [("n.md", None), ("a.md", _sched(-1)), ("b.md", _sched(0)), ("c.md", _sched(2))]
    assert notes_needing_ranks(alone) == frozenset()
    tied = [*alone, ("m.md", None), ("d.md", _sched(0))]
    assert notes_needing_ranks(tied) == {"n.md", "m.md", "b.md", "d.md"}
    # Ranks given for the tied notes alone decide the same order as ranks for all.
    ranks = {"n.md": 1.0, "m.md": 7.0, "b.md": 2.0, "d.md": 3.0, "a.md": 9.0, "c.md": 0.5}
    needed = notes_needing_ranks(tied)
    assert order_notes(tied, {p: r for p, r in ranks.items() if p in needed}) == order_notes(
        tied, ranks
    )
