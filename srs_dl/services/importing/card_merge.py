"""What an import does with a note's cards: which stored card each parsed card is,
and who wins its schedule. No SQL here: rows in, rows and log entries out.

Identity (interfaces.md): a parsed card is the stored card of the same note with
the same (kind, sibling, question hash); else the same sibling with the same
front (an edited answer); else the same back (an edited question); else a card
of a moved, renamed or deleted note with the same (kind, sibling, question hash).
A stored card left over is deleted: its row and its log stay.

The schedule, per card, with G the note's group (None for a new card):
G equal to the stored schedule -> they agree (note_sched = G, not dirty);
else G differs from note_sched (what srs-dl last read or wrote there) and the
card is not dirty -> reviewed in Obsidian: the note wins, logged (source 'note');
else (reviewed here, not written yet) -> srs-dl's schedule stays.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from srs_dl.services.importing.worker import FoundCard, FoundNote
from srs_dl.store.cards import StoredCard, sched_text
from srs_dl.store.notes import NoteState

LogRow = tuple[Any, ...]


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def snapshot(e: StoredCard, **changes: Any) -> dict[str, Any]:
    snap = {
        "due": e.due,
        "interval": e.interval,
        "ease": e.ease,
        "state": e.state,
        "buried_until": e.buried_until,
        "reps": e.reps,
        "lapses": e.lapses,
    }
    snap.update(changes)
    return snap


def _sort_key(e: StoredCard) -> tuple[bool, int, int]:
    return (e.state == "deleted", e.line or 0, e.id)


def match_own(
    parsed: Sequence[FoundCard], existing: Sequence[StoredCard], taken: set[int]
) -> list[StoredCard | None]:
    """For each parsed card, the stored card of the same note it is (or None)."""
    pairs: list[StoredCard | None] = [None] * len(parsed)
    if not existing:
        return pairs
    pool = sorted(existing, key=_sort_key)

    def run(
        key_p: Callable[[FoundCard], Hashable | None],
        key_e: Callable[[StoredCard], Hashable | None],
    ) -> None:
        index: dict[Hashable, list[StoredCard]] = {}
        for e in pool:
            if e.id not in taken:
                k = key_e(e)
                if k is not None:
                    index.setdefault(k, []).append(e)
        for lst in index.values():
            lst.reverse()
        for i, p in enumerate(parsed):
            if pairs[i] is None:
                k = key_p(p)
                found = index.get(k) if k is not None else None
                while found:
                    e = found.pop()
                    if e.id not in taken:
                        taken.add(e.id)
                        pairs[i] = e
                        break

    run(lambda p: (p.kind, p.sibling, p.qhash), lambda e: (e.kind, e.sibling, e.qhash))
    if None in pairs and any(e.id not in taken for e in pool):
        run(
            lambda p: (p.sibling, p.front) if p.front else None,
            lambda e: (e.sibling, e.front) if e.front else None,
        )
        run(
            lambda p: (p.sibling, p.back) if p.back else None,
            lambda e: (e.sibling, e.back) if e.back else None,
        )
    return pairs


class OrphanPool:
    """Cards a note's new questions may have come from, by (kind, sibling, qhash)."""

    def __init__(self) -> None:
        self._index: dict[tuple[str, int, str], list[StoredCard]] = {}

    def add(self, cards: Sequence[StoredCard]) -> None:
        for e in cards:
            self._index.setdefault((e.kind, e.sibling, e.qhash), []).append(e)

    def take(self, p: FoundCard, taken: set[int]) -> StoredCard | None:
        lst = self._index.get((p.kind, p.sibling, p.qhash))
        while lst:
            e = lst.pop(0)
            if e.id not in taken:
                taken.add(e.id)
                return e
        return None


class Merger:
    """Collects the rows and log entries of a batch of notes."""

    def __init__(self, *, day: str, at: str, next_card_id: int) -> None:
        self.day = day
        self.at = at
        self.next_card_id = next_card_id
        #: store.cards.insert_cards rows
        self.inserts: list[tuple[Any, ...]] = []
        #: (id, deck, kind, front) of new drill cards
        self.drill_inserts: list[tuple[int, str, str, str]] = []
        #: Stored cards as they are to be (store.cards.update_cards)
        self.updates: list[StoredCard] = []
        self.logs: list[LogRow] = []
        self.new = self.changed = self.unchanged = self.deleted = self.from_notes = 0

    def _log(
        self,
        card_id: int | None,
        note_id: int | None,
        action: str,
        source: str,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> None:
        self.logs.append(
            (
                card_id,
                note_id,
                self.at,
                self.day,
                action,
                None,
                source,
                _dumps(before),
                _dumps(after),
                None,
                None,
            )
        )

    def card(self, note_id: int, p: FoundCard, e: StoredCard | None) -> None:
        if e is None:
            # insert_cards' columns: the note and every FoundCard field but unreadable, in order
            self.inserts.append((self.next_card_id, note_id, *p[:-1]))
            self.next_card_id += 1
            self.new += 1
            # A new card's schedule read from its comment (adopted ones too) came from the note.
            if p.due is not None and not p.unreadable:
                self.from_notes += 1
            return
        due, interval, ease, state = e.due, e.interval, e.ease, e.state
        note_sched, dirty, raw = e.note_sched, e.dirty, e.raw_group
        revived = state == "deleted"
        if revived:
            state = "review" if due else "new"
            self._log(e.id, note_id, "restore", "import", snapshot(e), snapshot(e, state=state))
        from_note = False
        g = p.group
        if p.unreadable:
            pass  # a malformed comment: keep what the deck holds (the parser warned)
        elif g == sched_text(due, interval, ease, raw):
            note_sched, dirty = g, 0
        elif g != note_sched and not dirty:
            before = snapshot(e, state=state)
            due, interval, ease, raw, note_sched = p.due, p.interval, p.ease, p.raw_group, g
            if state in ("new", "review"):
                state = "review" if due else "new"
            from_note = True
            self._log(
                e.id,
                note_id,
                "schedule",
                "note",
                before,
                snapshot(e, due=due, interval=interval, ease=ease, state=state),
            )
        # Where the card is and what it says come from the note; its schedule as decided.
        kept = e._replace(
            note_id=note_id,
            deck=p.deck,
            kind=p.kind,
            sibling=p.sibling,
            qhash=p.qhash,
            front=p.front,
            back=p.back,
            line=p.line,
            end_line=p.end_line,
            due=due,
            interval=interval,
            ease=ease,
            state=state,
            note_sched=note_sched,
            dirty=dirty,
            raw_group=raw,
        )
        if kept != e:
            self.updates.append(kept)
        if from_note:
            self.from_notes += 1
        if (
            revived
            or from_note
            or (p.deck, p.kind, p.front, p.back) != (e.deck, e.kind, e.front, e.back)
        ):
            self.changed += 1
        else:
            self.unchanged += 1

    def restore(self, e: StoredCard) -> None:
        """A deleted card asked for again (a drill heading back in a note)."""
        state = "review" if e.due else "new"
        self.updates.append(e._replace(state=state))
        self._log(e.id, e.note_id, "restore", "import", snapshot(e), snapshot(e, state=state))
        self.changed += 1

    def delete(self, e: StoredCard) -> None:
        if e.state == "deleted":
            return
        self.updates.append(e._replace(state="deleted"))
        self._log(e.id, e.note_id, "delete", "import", snapshot(e), snapshot(e, state="deleted"))
        self.deleted += 1

    def review(
        self, note_id: int, old: NoteState | None, note: FoundNote
    ) -> tuple[int, str | None, float | None, int | None, int, str | None]:
        """The whole-note review columns of the notes row (is_review, review_due,
        review_interval, review_ease, review_dirty, review_sched_note)."""
        is_review, g = note.is_review, note.review_sched_note
        ndue, nint, nease = note.review_due, note.review_interval, note.review_ease
        if old is None:
            return (is_review, ndue, nint, nease, 0, g)
        db = sched_text(old.review_due, old.review_interval, old.review_ease)
        if note.review_unreadable:
            pass  # sr-* keys that do not read as a schedule (the parser warned): keep ours
        elif g == db:
            return (is_review, old.review_due, old.review_interval, old.review_ease, 0, g)
        elif g != old.review_sched_note and not old.review_dirty:
            self._log(
                None,
                note_id,
                "schedule",
                "note",
                {"due": old.review_due, "interval": old.review_interval, "ease": old.review_ease},
                {"due": ndue, "interval": nint, "ease": nease},
            )
            self.from_notes += 1
            return (is_review, ndue, nint, nease, 0, g)
        return (
            is_review,
            old.review_due,
            old.review_interval,
            old.review_ease,
            old.review_dirty,
            old.review_sched_note,
        )
