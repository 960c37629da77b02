"""Reviewing cards: the session the TUI walks, and the functions the CLI calls.

Every change to a card is one transaction that appends to the log and updates
the card (`store.log`, `store.reviews`), so the card table can always be
rebuilt from the log. The order of the queue and the scheduling formulas come
from the pure core (`core.scheduling.queue`, `core.scheduling.sm2`); this module
only fetches, stores and writes back.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from srs_dl.config import Config, resolve_now
from srs_dl.core.scheduling import queue as q
from srs_dl.core.scheduling import sm2
from srs_dl.core.scheduling.card import Rating, review
from srs_dl.core.scheduling.card import reset as reset_card
from srs_dl.core.scheduling.fsrs import FsrsSchedule
from srs_dl.core.scheduling.note_review import note_ease
from srs_dl.core.scheduling.siblings import SiblingRule, bury_siblings
from srs_dl.services.review import fsrs_grading, scheduling_choice
from srs_dl.services.writeback.sync import write_note_now
from srs_dl.store import card_states, notes, review_notes
from srs_dl.store import log as logstore
from srs_dl.store import reviews as store
from srs_dl.store.cards import CardRow, get_card, sched_text
from srs_dl.store.log import LogEntry
from srs_dl.store.reviews import write_transaction


def review_moment(today: dt.date) -> dt.datetime:
    """The moment a review happens: the review day (--today) at the wall clock's time."""
    return dt.datetime.combine(today, dt.datetime.now().time())


class ReviewError(Exception):
    """A card that cannot be reviewed as asked (unknown, deleted, suspended); one line."""


@dataclass(frozen=True, slots=True)
class GradeResult:
    card_id: int
    response: str
    before: CardRow
    after: CardRow
    log_id: int
    #: The note written at once (immediate write-back), if any.
    written: str | None = None
    #: Why the immediate write-back did not happen (the review is kept; `sync` retries).
    writeback_problem: str | None = None


def note_writable(conn: sqlite3.Connection, note_id: int | None) -> bool:
    """A note srs-dl may write into: a live note in a folder imported with write-back."""
    if note_id is None:
        return False
    return notes.writeback_on(conn, note_id)


def _new_card_ease(conn: sqlite3.Connection, card: CardRow, config: Config) -> int | None:
    """A new card in a note with its own `sr-ease` starts from the note's ease, as the plugin."""
    if card.note_id is None:
        return None
    own = review_notes.own_ease(conn, card.note_id)
    if not own:
        return None
    eases = review_notes.scheduled_card_eases(conn, card.note_id)
    value = note_ease(own, eases, config.scheduler)
    return sm2.js_round(value) if value else None


def _usable(card: CardRow | None, card_id: int) -> CardRow:
    if card is None:
        raise ReviewError(f"card {card_id}: no such card")
    if card.state == "deleted":
        raise ReviewError(f"card {card_id}: deleted (gone from its note)")
    if card.state == "suspended":
        raise ReviewError(f"card {card_id}: suspended; unsuspend it first")
    return card


def review_card(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    card_id: int,
    response: str,
    *,
    histogram: dict[int, int] | None = None,
    detail: Mapping[str, Any] | None = None,
    action: str = "review",
    now: dt.datetime | None = None,
) -> tuple[CardRow, CardRow, int]:
    """One review in one transaction: (card before, card after, log id).

    `histogram` (days from today -> cards due) is read for load balancing and
    updated in place; None reads it from the database. `now` (with its timezone)
    times an FSRS review; None: `config.resolve_now(today)`.
    """
    resp = sm2.parse_response(response)
    with write_transaction(conn):
        before = _usable(get_card(conn, card_id), card_id)
        # The algorithm: the card's own schedule, else its vault's (scheduling_choice).
        choice = scheduling_choice.for_note(conn, config, before.note_id)
        by_fsrs = fsrs_grading.uses_fsrs(before, choice)
        hist = histogram if histogram is not None else store.due_histogram(conn, today)
        # FSRS schedules to the minute (its learning steps), from a time with its zone.
        when = now if now is not None else resolve_now(today) if by_fsrs else review_moment(today)
        card = card_states.card_state(before, when.tzinfo or dt.UTC)
        new_ease = _new_card_ease(conn, before, config) if card.schedule is None else None
        context = scheduling_choice.review_context(
            choice, config, histogram=hist, new_ease=new_ease
        )
        if resp == "reset":
            after_card, _ = reset_card(card, when, context)
        else:
            after_card, _ = review(card, Rating.parse(resp), when, context)
        # Reset of a new card: the plugin changes nothing, neither do we (no schedule);
        # reviewed here with SM-2, an FSRS group it came with is replaced.
        after_snap = card_states.snapshot(after_card, before.raw_group)
        text = sched_text(
            after_snap["due"], after_snap["interval"], after_snap["ease"], after_snap["raw_group"]
        )
        # The time an FSRS review was scheduled from: the optimizer reads it.
        at = (
            when.astimezone(dt.UTC).isoformat(timespec="milliseconds")
            if isinstance(after_card.schedule, FsrsSchedule)
            else None
        )
        dirty = note_writable(conn, before.note_id) and text != before.note_sched
        store.set_schedule(conn, card_id, after_snap, dirty=dirty)
        log_id = logstore.append(
            conn,
            card_id=card_id,
            note_id=before.note_id,
            day=today,
            action=action,
            response=resp,
            before=logstore.snapshot(before),
            after=after_snap,
            detail=detail,
            at=at,
        )
        after = get_card(conn, card_id)
        assert after is not None
    if histogram is not None:
        old = card.schedule if before.state != "new" else None
        sm2.move_in_histogram(histogram, old, after_card.schedule, today)
    return before, after, log_id


def _write_back_now(
    conn: sqlite3.Connection, config: Config, note_id: int | None
) -> tuple[str | None, str | None]:
    """Immediate write-back after a review: (path written, problem). Never raises."""
    if config.review.writeback != "immediate" or not note_writable(conn, note_id):
        return None, None
    assert note_id is not None
    outcome = write_note_now(conn, config, note_id)
    return outcome.written, outcome.problem


def grade(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    card_id: int,
    response: str,
    *,
    histogram: dict[int, int] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> GradeResult:
    """Review one card, then write its note at once when the config says so."""
    resp = sm2.parse_response(response)
    before, after, log_id = review_card(
        conn, config, today, card_id, resp, histogram=histogram, detail=detail
    )
    written, problem = _write_back_now(conn, config, after.note_id)
    return GradeResult(card_id, resp, before, after, log_id, written, problem)


def check_cards(
    conn: sqlite3.Connection, ids: Iterable[int], *, allow_suspended: bool = False
) -> dict[int, CardRow]:
    """The cards named, or ReviewError naming every id that cannot be used."""
    wanted = list(dict.fromkeys(ids))
    found = store.get_cards(conn, wanted)
    problems: list[str] = []
    for cid in wanted:
        card = found.get(cid)
        if card is None:
            problems.append(f"{cid} (no such card)")
        elif card.state == "deleted":
            problems.append(f"{cid} (deleted)")
        elif card.state == "suspended" and not allow_suspended:
            problems.append(f"{cid} (suspended)")
    if problems:
        noun = "card" if len(problems) == 1 else "cards"
        raise ReviewError(f"{noun} {', '.join(problems)}: nothing done")
    return found


def grade_cards(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    ids: Sequence[int],
    response: str,
    *,
    on_graded: Callable[[GradeResult], None] | None = None,
) -> list[GradeResult]:
    """Grade each card in turn, one transaction each; `on_graded` runs right after each commit.

    Every id is checked first: an unknown, deleted or suspended card stops the
    whole command before anything is graded (ReviewError naming them), so a
    typo never leaves the user guessing which cards were done. An id given
    twice is graded once.
    """
    resp = sm2.parse_response(response)
    check_cards(conn, ids)
    histogram = store.due_histogram(conn, today)
    results: list[GradeResult] = []
    for cid in dict.fromkeys(ids):
        before, after, log_id = review_card(conn, config, today, cid, resp, histogram=histogram)
        result = GradeResult(cid, resp, before, after, log_id)
        if on_graded is not None:
            on_graded(result)
        written, problem = _write_back_now(conn, config, after.note_id)
        if written or problem:
            result = GradeResult(cid, resp, before, after, log_id, written, problem)
        results.append(result)
    return results


def _set_state(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    card_id: int,
    action: str,
    change: Callable[[CardRow], dict[str, Any] | None],
) -> CardRow:
    """A logged state change (bury, suspend, unsuspend) in one transaction."""
    with write_transaction(conn):
        card = get_card(conn, card_id)
        if card is None:
            raise ReviewError(f"card {card_id}: no such card")
        if card.state == "deleted":
            raise ReviewError(f"card {card_id}: deleted (gone from its note)")
        after = change(card)
        if after is None:
            return card
        store.set_schedule(conn, card_id, after)
        snap = logstore.snapshot(card)
        logstore.append(
            conn,
            card_id=card_id,
            note_id=card.note_id,
            day=today,
            action=action,
            before=snap,
            after={**snap, **after},
        )
        new = get_card(conn, card_id)
        assert new is not None
        return new


def bury(conn: sqlite3.Connection, config: Config, today: dt.date, card_id: int) -> CardRow:
    """Hide a card until tomorrow (a suspended card stays suspended)."""
    tomorrow = (today + dt.timedelta(days=1)).isoformat()

    def change(card: CardRow) -> dict[str, Any] | None:
        if card.state == "suspended":
            raise ReviewError(f"card {card_id}: suspended; unsuspend it first")
        if (
            card.state == "buried"
            and card.buried_until is not None
            and card.buried_until.isoformat() >= tomorrow
        ):
            return None
        return {"state": "buried", "buried_until": tomorrow}

    return _set_state(conn, config, today, card_id, "bury", change)


def suspend(conn: sqlite3.Connection, config: Config, today: dt.date, card_id: int) -> CardRow:
    def change(card: CardRow) -> dict[str, Any] | None:
        if card.state == "suspended":
            return None
        return {"state": "suspended", "buried_until": None}

    return _set_state(conn, config, today, card_id, "suspend", change)


def unsuspend(conn: sqlite3.Connection, config: Config, today: dt.date, card_id: int) -> CardRow:
    def change(card: CardRow) -> dict[str, Any] | None:
        if card.state != "suspended":
            return None
        return {"state": "new" if card.due is None else "review"}

    return _set_state(conn, config, today, card_id, "unsuspend", change)


def reset(conn: sqlite3.Connection, config: Config, today: dt.date, card_id: int) -> GradeResult:
    """The plugin's Reset: interval 1, the base ease, due today (a new card stays new)."""
    before, after, log_id = review_card(conn, config, today, card_id, "reset", action="reset")
    written, problem = _write_back_now(conn, config, after.note_id)
    return GradeResult(card_id, "reset", before, after, log_id, written, problem)


def undo_entry(conn: sqlite3.Connection, config: Config, today: dt.date, log_id: int) -> CardRow:
    """Cancel one logged action: a new log row (`undoes`) restoring the card's before-state.

    Refused when the card changed since (a later review, a schedule read from its
    note): restoring would throw that change away.
    """
    with write_transaction(conn):
        entry = logstore.get_entry(conn, log_id)
        if entry is None or entry.card_id is None or entry.before is None:
            raise ReviewError(f"log entry {log_id}: nothing to undo")
        if logstore.is_undone(conn, entry.card_id, log_id):
            raise ReviewError(f"log entry {log_id}: already undone")
        card = get_card(conn, entry.card_id)
        if card is None:
            raise ReviewError(f"card {entry.card_id}: no such card")
        now = logstore.snapshot(card)
        after = entry.after or {}
        if any(now.get(k) != after.get(k) for k in ("due", "interval", "ease", "state")):
            raise ReviewError(
                f"card {card.id}: changed since that {entry.action} (re-imported or reviewed"
                " elsewhere); not undone"
            )
        restored = {k: entry.before.get(k, now.get(k)) for k in logstore.SNAPSHOT_KEYS}
        text = sched_text(
            restored["due"], restored["interval"], restored["ease"], restored["raw_group"]
        )
        dirty = note_writable(conn, card.note_id) and text != card.note_sched
        store.set_schedule(conn, card.id, restored, dirty=dirty)
        logstore.append(
            conn,
            card_id=card.id,
            note_id=card.note_id,
            day=today,
            action="undo",
            response=entry.response,
            before=now,
            after=restored,
            undoes=entry.id,
        )
        new = get_card(conn, card.id)
        assert new is not None
    return new


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def history(conn: sqlite3.Connection, card_id: int) -> list[LogEntry]:
    if get_card(conn, card_id) is None:
        raise ReviewError(f"card {card_id}: no such card")
    return logstore.card_history(conn, card_id)


@dataclass(frozen=True, slots=True)
class TodaysQueue:
    items: tuple[q.QueueItem, ...]
    #: Each queued card's question, (note id, question hash), by card id (drill cards
    #: have none): the key its siblings share.
    questions: dict[int, tuple[int, str]]
    #: Per question, the cards answered today (read when siblings are buried).
    answered: dict[tuple[int, str], list[int]]


def build_queue(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    deck: str | None = None,
    *,
    drill_kind: str | None = None,
) -> tuple[q.QueueItem, ...]:
    """Today's queue in review order (card ids; the session reads each card as it comes)."""
    return todays_queue(conn, config, today, deck, drill_kind=drill_kind).items


def todays_queue(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    deck: str | None = None,
    *,
    drill_kind: str | None = None,
) -> TodaysQueue:
    """Today's queue, with what the session needs to bury siblings as it goes.

    Only what the limits let through is read (LIMIT on the cards_stats index).
    Cards failed earlier today and due again come last, outside the limits (they
    were counted when first answered), as Anki's relearning cards. `drill_kind`:
    only the drill cards of that kind (the limits still count every review today).
    The rows carry their question, so siblings cost no query of their own.
    """
    new_done, reviews_done = logstore.counts_today(conn, today)
    limits = q.DailyLimits(config.review.new_per_day, config.review.reviews_per_day)
    review_room = max(0, limits.reviews - reviews_done)
    new_room = max(0, limits.new - new_done)
    # FSRS cards fall due on a day of the user's timezone.
    tz = resolve_now(today).tzinfo or dt.UTC
    again = store.failed_today(conn, today, tz=tz, deck=deck, drill_kind=drill_kind)
    skip = {c.id for c in again}
    cards = [
        c
        for c in store.due_reviews(
            conn, today, tz=tz, deck=deck, limit=review_room + len(skip), drill_kind=drill_kind
        )
        if c.id not in skip
    ][:review_room]
    cards += store.new_cards(conn, today, tz=tz, deck=deck, limit=new_room, drill_kind=drill_kind)
    items = q.build_queue(
        cards,
        today,
        deck=deck,
        limits=limits,
        new_done_today=new_done,
        reviews_done_today=reviews_done,
    )
    items += tuple(q.QueueItem(c.id, False) for c in again)
    rule = sibling_rule(config)
    if not rule.active:
        return TodaysQueue(items, {}, {})
    questions: dict[Any, Any] = {c.id: c.question for c in (*cards, *again) if c.question}
    answered = store.answered_today(conn, today)
    kept, _buried = bury_siblings(items, questions, answered, rule)
    queued = {item.id for item in kept}
    return TodaysQueue(kept, {k: v for k, v in questions.items() if k in queued}, answered)


def sibling_rule(config: Config) -> SiblingRule:
    return SiblingRule(config.review.bury_new_siblings, config.review.bury_review_siblings)
