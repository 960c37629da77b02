"""Writing parsed notes into the deck, a batch at a time (the caller owns the transaction).

Each batch: note ids first (a new path whose bytes equal a note gone from its
old path is that note, renamed), then every stored card of the batch's notes in
one query, matching (card_merge), orphans for what is left (by question hash,
one query), then executemany for the notes, the cards and the log.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from srs_dl.services import drill_deck
from srs_dl.services.card_merge import Merger, OrphanPool, match_own
from srs_dl.services.import_worker import FAILED, QHASH, SAME, CardTuple, NoteTuple
from srs_dl.store.cards import (
    StoredCard,
    cards_of_notes,
    insert_cards,
    insert_drill_cards,
    next_id,
    orphans_by_qhash,
    update_cards,
)
from srs_dl.store.notes import (
    KnownNote,
    append_log_rows,
    insert_notes,
    mark_deleted,
    note_states,
    touch_notes,
    update_notes,
)

if TYPE_CHECKING:
    from srs_dl.services.importer import ImportSummary


@dataclass
class Batch:
    """What stays true across the batches of one import."""

    summary: ImportSummary
    day: str
    at: str
    #: path -> (folder id, settings key, the note's row if it has one)
    context: dict[str, tuple[int, str, KnownNote | None]] = field(default_factory=dict)
    #: Notes gone from their path (not yet found elsewhere), by id.
    vanished: dict[int, KnownNote] = field(default_factory=dict)
    #: Settings keys whose folders count Dataview-like cards (dataview_fields off).
    dataview_counted: set[str] = field(default_factory=set)
    folder_ids: set[int] = field(default_factory=set)
    drills_dirty: bool = False
    _deleted_cards: bool | None = None

    def may_have_orphans(self, conn: sqlite3.Connection) -> bool:
        if self.vanished:
            return True
        if self._deleted_cards is None:
            self._deleted_cards = conn.execute(
                "SELECT 1 FROM cards WHERE state = 'deleted' LIMIT 1").fetchone() is not None
        return self._deleted_cards


@dataclass
class _Parsed:
    note_id: int
    has_row: bool
    folder_id: int
    skey: str
    result: tuple[Any, ...]
    cards: list[CardTuple]
    pairs: list[StoredCard | None]


def apply_batch(conn: sqlite3.Connection, batch: Batch, results: list[tuple[Any, ...]]) -> None:
    s = batch.summary
    next_note = next_id(conn, "notes")
    merger = Merger(day=batch.day, at=batch.at, next_card_id=next_id(conn, "cards"))
    touched: list[tuple[int, int, int | None, int]] = []
    parsed: list[_Parsed] = []
    by_hash = {k.hash: k for k in batch.vanished.values()} if batch.vanished else {}
    for r in results:
        if r[0] == FAILED:
            s.files_failed += 1
            s.warnings.append(r[2])
            continue
        folder_id, skey, known = batch.context[r[1]]
        if r[0] == SAME:
            assert known is not None
            s.files_skipped += 1
            s.cards_unchanged += known.card_count
            touched.append((r[2], r[3], folder_id, known.id))
            if known.folder_id != folder_id:
                batch.folder_ids.add(folder_id)
            continue
        s.warnings.extend(r[7])
        if skey in batch.dataview_counted:
            s.dataview_like_cards += r[8]
        if known is not None:
            note_id, has_row = known.id, True
        elif r[4] in by_hash:
            moved = by_hash.pop(r[4])  # the same bytes under a new path: renamed or moved
            del batch.vanished[moved.id]
            note_id, has_row = moved.id, True
        else:
            note_id, has_row = next_note, False
            next_note += 1
        parsed.append(_Parsed(note_id, has_row, folder_id, skey, r, r[6], []))
    if touched:
        touch_notes(conn, touched)
    if not parsed:
        return
    ids = [p.note_id for p in parsed if p.has_row]
    stored = cards_of_notes(conn, ids)
    states = note_states(conn, ids)

    taken: set[int] = set()
    unmatched: list[tuple[_Parsed, int]] = []
    for p in parsed:
        if p.has_row:
            p.pairs = match_own(p.cards, stored.get(p.note_id, ()), taken)
            unmatched.extend((p, i) for i, e in enumerate(p.pairs) if e is None)
    leftovers = [e for p in parsed for e in stored.get(p.note_id, ()) if e.id not in taken]
    orphans = bool(leftovers) or batch.may_have_orphans(conn)
    if orphans:
        for p in parsed:
            if not p.has_row:
                p.pairs = [None] * len(p.cards)
                unmatched.extend((p, i) for i in range(len(p.cards)))
    if unmatched and orphans:
        pool = OrphanPool()
        pool.add([e for e in leftovers if e.state != "deleted"])
        if batch.may_have_orphans(conn):
            pool.add(orphans_by_qhash(conn, [p.cards[i][QHASH] for p, i in unmatched],
                                      list(batch.vanished)))
        for p, i in unmatched:
            p.pairs[i] = pool.take(p.cards[i], taken)

    note_inserts: list[tuple[Any, ...]] = []
    note_updates: list[tuple[Any, ...]] = []
    for p in parsed:
        if p.pairs:
            for card, e in zip(p.cards, p.pairs, strict=True):
                merger.card(p.note_id, card, e)
        else:
            merger.new_cards(p.note_id, p.cards)
        note: NoteTuple = p.result[5]
        old = states.get(p.note_id)
        review = merger.review(p.note_id, old, note)
        if (old.drill_kinds if old else None) != note[7]:
            batch.drills_dirty = True
        r = p.result
        values = (p.folder_id, r[1], r[2], r[3], r[4], p.skey, *review, note[5], note[6],
                  len(p.cards), note[7])
        if p.has_row:
            note_updates.append(values + (p.note_id,))
        else:
            note_inserts.append((p.note_id,) + values)
        batch.folder_ids.add(p.folder_id)
        s.notes_changed += 1
    for e in leftovers:
        if e.id not in taken:
            merger.delete(e)
    insert_notes(conn, note_inserts)
    update_notes(conn, note_updates)
    _write(conn, merger)
    _count(batch, merger)


def _write(conn: sqlite3.Connection, merger: Merger) -> None:
    insert_cards(conn, merger.inserts)
    if merger.drill_inserts:
        insert_drill_cards(conn, merger.drill_inserts)
    update_cards(conn, merger.updates)
    append_log_rows(conn, merger.logs)


def _count(batch: Batch, merger: Merger) -> None:
    s = batch.summary
    s.cards_new += merger.new
    s.cards_changed += merger.changed
    s.cards_unchanged += merger.unchanged
    s.cards_deleted += merger.deleted
    s.schedules_from_notes += merger.from_notes


def finish(conn: sqlite3.Connection, batch: Batch) -> None:
    """After the last batch: notes gone for good, drill cards, folder times."""
    s = batch.summary
    merger = Merger(day=batch.day, at=batch.at, next_card_id=next_id(conn, "cards"))
    if batch.vanished:
        ids = list(batch.vanished)
        for cards in cards_of_notes(conn, ids).values():
            for e in cards:
                merger.delete(e)
        mark_deleted(conn, ids)
        s.notes_deleted += len(ids)
        batch.drills_dirty = batch.drills_dirty or any(
            k.card_count for k in batch.vanished.values())
        batch.folder_ids.update(k.folder_id for k in batch.vanished.values()
                                if k.folder_id is not None)
    if batch.drills_dirty or s.notes_changed:
        drill_deck.sync(conn, merger)
    _write(conn, merger)
    _count(batch, merger)
    if s.changed or batch.folder_ids:
        conn.executemany("UPDATE folders SET imported_at = ? WHERE id = ?",
                         [(batch.at, fid) for fid in sorted(batch.folder_ids)])
