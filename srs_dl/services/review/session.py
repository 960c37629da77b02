"""A review session: today's queue walked card by card, as the TUI does it.

The queue is built once (only the cards the daily limits let through are read)
and then kept in memory through the pure `core.scheduling.queue.Session`:
Again sends a card to the end, undo puts the last answered card back in front.
Each card is re-read by id before it is shown, so a change made by another
process (a re-import, a grade from the CLI) is never reviewed stale. The
histogram of due dates used for load balancing is read once and updated as
the session grades.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from srs_dl.config import Config, resolve_now
from srs_dl.core.scheduling import queue as q
from srs_dl.core.scheduling import sm2
from srs_dl.core.scheduling.card import ReviewContext, preview
from srs_dl.core.scheduling.siblings import bury_siblings
from srs_dl.services.review import fsrs_grading, scheduling_choice
from srs_dl.services.review import grading as rv
from srs_dl.store import log as logstore
from srs_dl.store import reviews as store
from srs_dl.store.cards import CardRow, get_card, note_path


class ReviewSession:
    def __init__(
        self,
        conn: sqlite3.Connection,
        config: Config,
        today: dt.date,
        deck: str | None = None,
        *,
        drill_kind: str | None = None,
    ) -> None:
        self.conn = conn
        self.config = config
        self.today = today
        self.deck = deck
        #: Only the drill cards of this kind (practice of one kind).
        self.drill_kind = drill_kind
        self._histogram: dict[int, int] | None = None
        #: Log ids of this session's reviews, parallel to the pure session's undo stack.
        self._log_ids: list[int] = []
        #: Per review of this session, the siblings its answer took out of the queue.
        self._buried: list[tuple[q.QueueItem, ...]] = []
        self._rule = rv.sibling_rule(config)
        self.reload()

    def note_path(self, note_id: int | None) -> str | None:
        """The path of a card's note (None: a drill card, or a note gone)."""
        return note_path(self.conn, note_id)

    def reload(self) -> None:
        """Rebuild the queue from the database (after an import or a sync)."""
        today = rv.todays_queue(
            self.conn, self.config, self.today, self.deck, drill_kind=self.drill_kind
        )
        self._session = q.start(today.items)
        self._log_ids.clear()
        self._buried.clear()
        self._histogram = None
        # Which question each queued card belongs to, and what was answered today.
        self._keys = today.questions
        self._answered = today.answered if self._keys else {}

    @property
    def histogram(self) -> dict[int, int]:
        if self._histogram is None:
            self._histogram = store.due_histogram(self.conn, self.today)
        return self._histogram

    def _available(self, card: CardRow | None) -> bool:
        if card is None:
            return False
        state = card.effective_state(self.today)
        if state == "new":
            return True
        if state != "review" or card.due is None:
            return False
        return card.due <= self.today

    def next_card(self) -> CardRow | None:
        """The card to show now, or None when the session is done."""
        while True:
            item = self._session.current
            if item is None:
                return None
            card = get_card(self.conn, int(item.id))  # type: ignore[call-overload]
            if self._available(card):
                return card
            # Suspended, deleted or graded elsewhere since the queue was built.
            self._session = q.remove(self._session, item.id)

    def queue(self) -> list[CardRow]:
        """What is left, in review order (a card failed this session appears again at the end)."""
        ids = [int(item.id) for item in self._session.queue]  # type: ignore[call-overload]
        rows = store.get_cards(self.conn, ids)
        out = []
        for item_id in ids:
            card = rows.get(item_id)
            if card is not None and self._available(card):
                out.append(card)
        return out

    def counts(self) -> tuple[int, int]:
        """(cards left, of which new)."""
        return self._session.remaining, self._session.new_remaining

    @property
    def can_undo(self) -> bool:
        return bool(self._log_ids)

    def preview(self, card_id: int) -> dict[str, sm2.Sm2Schedule]:
        """What each button would give this card now ("Good 8d")."""
        card = get_card(self.conn, card_id)
        if card is None:
            raise rv.ReviewError(f"card {card_id}: no such card")
        state = card.scheduling
        # Labels only: a card the queue would not offer still shows what each button gives.
        if state.state in ("deleted", "suspended"):
            state = replace(state, state="review" if state.schedule else "new")
        new_ease = (
            rv._new_card_ease(self.conn, card, self.config) if state.schedule is None else None
        )
        context = ReviewContext(self.config.scheduler, self.histogram, new_ease)
        out = preview(state, rv.review_moment(self.today), context)
        return {rating.label: after.schedule for rating, after in out.items()}  # type: ignore[misc]  # a review always schedules

    def button_labels(self, card_id: int) -> dict[str, str]:
        """Each button's interval label for this card now: SM-2's "8d", or FSRS's
        "10 min" / "8d" for a card FSRS schedules."""
        card = get_card(self.conn, card_id)
        if card is None:
            raise rv.ReviewError(f"card {card_id}: no such card")
        choice = scheduling_choice.for_note(self.conn, self.config, card.note_id)
        if fsrs_grading.uses_fsrs(card, choice):
            now = resolve_now(self.today)
            return fsrs_grading.button_labels(card, choice, self.config, now)
        return {r: sm2.interval_label(s.interval) for r, s in self.preview(card_id).items()}

    def grade(
        self, card_id: int, response: str, *, drill_detail: Mapping[str, Any] | None = None
    ) -> rv.GradeResult:
        """Answer a card (normally the current one): logged, stored, written back as configured."""
        current = self._session.current
        if current is None or current.id != card_id:
            # Answering another card than the one in front: bring it to the front first.
            was_new = any(it.is_new for it in self._session.queue if it.id == card_id)
            rest = tuple(it for it in self._session.queue if it.id != card_id)
            self._session = q.Session(
                queue=(q.QueueItem(card_id, was_new),) + rest, done=self._session.done
            )
        result = rv.grade(
            self.conn,
            self.config,
            self.today,
            card_id,
            response,
            histogram=self.histogram,
            detail=drill_detail,
        )
        self._session = q.answer(
            self._session,
            result.response,
            result.before.scheduling.schedule,
            result.after.scheduling.schedule,
        )
        self._log_ids.append(result.log_id)
        self._buried.append(self._bury_siblings_of(card_id))
        return result

    def _bury_siblings_of(self, card_id: int) -> tuple[q.QueueItem, ...]:
        """The other cards of the answered card's question leave the queue (for the day)."""
        key = self._keys.get(card_id)
        if key is None:
            return ()
        self._answered.setdefault(key, []).append(card_id)
        queue, buried = bury_siblings(self._session.queue, self._keys, self._answered, self._rule)
        if buried:
            self._session = q.Session(queue=queue, done=self._session.done)
        return buried

    def undo(self) -> CardRow | None:
        """Take back this session's last answer; the card is in front again. None: nothing to undo."""
        if not self._log_ids:
            return None
        log_id = self._log_ids[-1]
        card_before_undo = get_card(self.conn, self._current_card_of(log_id))
        card = rv.undo_entry(self.conn, self.config, self.today, log_id)
        self._log_ids.pop()
        buried = self._buried.pop() if self._buried else ()
        try:
            self._session, _ = q.undo(self._session)
        except ValueError:
            # Its requeued copy left the queue (buried, suspended): put the card in front anyway.
            done = self._session.done[:-1]
            rest = tuple(it for it in self._session.queue if it.id != card.id)
            self._session = q.Session(
                queue=(q.QueueItem(card.id, card.due is None),) + rest, done=done
            )
        key = self._keys.get(card.id)
        if key is not None and card.id in self._answered.get(key, []):
            self._answered[key].remove(card.id)
        if buried:
            # The siblings its answer buried come back, right after it.
            front, rest = self._session.queue[:1], self._session.queue[1:]
            self._session = q.Session(queue=front + buried + rest, done=self._session.done)
        if card_before_undo is not None and self._histogram is not None:
            undone = card_before_undo.scheduling.schedule
            sm2.move_in_histogram(self._histogram, undone, card.scheduling.schedule, self.today)
        rv._write_back_now(self.conn, self.config, card.note_id)
        return card

    def _current_card_of(self, log_id: int) -> int:
        card_id = logstore.card_of(self.conn, log_id)
        if card_id is None:
            raise rv.ReviewError(f"log entry {log_id}: missing")
        return card_id

    def bury(self, card_id: int) -> CardRow:
        card = rv.bury(self.conn, self.config, self.today, card_id)
        self._session = q.remove(self._session, card_id)
        return card

    def suspend(self, card_id: int) -> CardRow:
        card = rv.suspend(self.conn, self.config, self.today, card_id)
        self._session = q.remove(self._session, card_id)
        return card
