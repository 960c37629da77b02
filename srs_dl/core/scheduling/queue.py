"""Today's review queue and the session that walks it: plain data, no clock.

Order: due cards (due on or before today) oldest first, so the most overdue come
first; cards due the same day keep the order they were given in (the store passes
note and line order). New cards keep their given order and are spread evenly
among the reviews, as Anki's "mix new cards and reviews" does: the k-th of N new
cards (k from 1) follows review number ceil(k * R / (N + 1)) of R reviews, so
10 reviews and 1 new card give the new card sixth, and a session with any review
due starts with one.

In a session, Again (and Reset) sends the card to the end of the queue, as the
plugin's `FlashcardReviewSequencer` does (`moveCurrentRepItemToEndOfList`); undo
pops the last review off a stack and puts its card back in front.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from srs_dl.core.scheduling.card import CardState, Schedule
from srs_dl.core.scheduling.sm2 import parse_response

CardId = Hashable


class QueueCard(NamedTuple):
    """A card as the queue is given it: which card, in which deck, and its state
    (the card model's; the store maps its rows onto these)."""

    id: CardId
    deck: str
    card: CardState
    #: The question it belongs to (its siblings share it: siblings.bury_siblings);
    #: None for a card without siblings (a drill card).
    question: Hashable | None = None


@dataclass(frozen=True, slots=True)
class DailyLimits:
    new: int = 20
    reviews: int = 200

    def __post_init__(self) -> None:
        if self.new < 0 or self.reviews < 0:
            raise ValueError(
                f"daily limits cannot be negative: new {self.new}, reviews {self.reviews}"
            )


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: CardId
    is_new: bool


def in_deck(deck: str, wanted: str | None) -> bool:
    """`wanted` itself or one of its sub-decks: "a" matches "a" and "a/b", not "ab"."""
    if not wanted:
        return True
    wanted = wanted.strip("/")
    return deck == wanted or deck.startswith(wanted + "/")


def is_available(card: CardState, today: dt.date) -> bool:
    """Not suspended, deleted, or buried past today."""
    if card.effective_state(today) in ("suspended", "deleted", "buried"):
        return False
    return card.buried_until is None or card.buried_until <= today


def build_queue(
    cards: Iterable[QueueCard],
    today: dt.date,
    *,
    deck: str | None = None,
    limits: DailyLimits = DailyLimits(),
    new_done_today: int = 0,
    reviews_done_today: int = 0,
) -> tuple[QueueItem, ...]:
    """Today's queue in review order, daily limits applied (minus what was done today)."""
    review_room = max(0, limits.reviews - reviews_done_today)
    new_room = max(0, limits.new - new_done_today)
    exact = deck.strip("/") if deck else ""
    prefix = exact + "/" if exact else ""
    due: list[tuple[dt.date, int, CardId]] = []
    new: list[CardId] = []
    for position, (card_id, card_deck, card, _question) in enumerate(cards):
        if prefix and card_deck != exact and not card_deck.startswith(prefix):
            continue
        state = card.state
        # The common states skip the call: this loop runs over every card.
        if (state != "review" and state != "new") or card.buried_until is not None:
            if not is_available(card, today):
                continue
        schedule = card.schedule
        if schedule is None:
            if len(new) < new_room:
                new.append(card_id)
        else:
            when = schedule.due_day
            if when <= today:
                due.append((when, position, card_id))
    # Only the first `review_room` are wanted: a bounded heap beats sorting a million.
    reviews = [cid for _, _, cid in heapq.nsmallest(review_room, due)] if review_room else []
    return interleave(reviews, new)


def interleave(reviews: Sequence[CardId], new: Sequence[CardId]) -> tuple[QueueItem, ...]:
    """New cards spread evenly among the reviews (see the module docstring)."""
    out: list[QueueItem] = []
    r, n = len(reviews), len(new)
    taken = 0
    for k, card_id in enumerate(new, start=1):
        until = -(-k * r // (n + 1))  # ceil
        out.extend(QueueItem(cid, False) for cid in reviews[taken:until])
        taken = until
        out.append(QueueItem(card_id, True))
    out.extend(QueueItem(cid, False) for cid in reviews[taken:])
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Reviewed:
    """One answer of the session: enough to undo it."""

    id: CardId
    response: str
    before: Schedule | None
    after: Schedule | None
    was_new: bool
    #: The card went back into the queue (Again, Reset).
    requeued: bool


@dataclass(frozen=True, slots=True)
class Session:
    queue: tuple[QueueItem, ...] = ()
    done: tuple[Reviewed, ...] = ()

    @property
    def current(self) -> QueueItem | None:
        return self.queue[0] if self.queue else None

    @property
    def remaining(self) -> int:
        return len(self.queue)

    @property
    def new_remaining(self) -> int:
        return sum(1 for item in self.queue if item.is_new)

    @property
    def can_undo(self) -> bool:
        return bool(self.done)


def start(queue: Sequence[QueueItem]) -> Session:
    return Session(queue=tuple(queue))


def answer(
    session: Session,
    response: str,
    before: Schedule | None,
    after: Schedule | None,
) -> Session:
    """The current card answered; `before`/`after` are its schedules (kept for undo)."""
    item = session.current
    if item is None:
        raise ValueError("the session has no card left to answer")
    resp = parse_response(response)
    rest = session.queue[1:]
    requeued = resp in ("again", "reset")
    if requeued:
        rest = rest + (QueueItem(item.id, False),)
    entry = Reviewed(item.id, resp, before, after, item.is_new, requeued)
    return Session(queue=rest, done=session.done + (entry,))


def undo(session: Session) -> tuple[Session, Reviewed]:
    """Takes back the last answer: the card is current again; the caller restores
    `Reviewed.before` in the store."""
    if not session.done:
        raise ValueError("nothing to undo in this session")
    last = session.done[-1]
    queue = session.queue
    if last.requeued:
        # Its requeued copy is the last occurrence of that card in the queue.
        idx = max(i for i, it in enumerate(queue) if it.id == last.id)
        queue = queue[:idx] + queue[idx + 1 :]
    queue = (QueueItem(last.id, last.was_new),) + queue
    return Session(queue=queue, done=session.done[:-1]), last


def remove(session: Session, card_id: CardId) -> Session:
    """A card buried, suspended or deleted mid-session leaves the queue (not undoable here)."""
    return replace(session, queue=tuple(it for it in session.queue if it.id != card_id))
