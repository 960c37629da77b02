"""Writing parsed notes into the deck, a chunk at a time (the caller owns the transaction).

A worker's chunk comes as a FileResult per file plus a serialized SQLite database of
its cards, attached here as `import_w`. Notes new to the deck, when no stored card
can be theirs, have their cards copied with one INSERT .. SELECT. The others
(notes read before, or any note when a moved or deleted card may be its own)
are merged in Python: every stored card of the chunk's notes in one query,
matching (card_merge), orphans by question hash in one more, then executemany.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from srs_dl.services.importing import drill_deck
from srs_dl.services.importing.card_merge import Merger, OrphanPool, match_own
from srs_dl.services.importing.summary import ImportSummary
from srs_dl.services.importing.worker import FileFailed, FileParsed, FileResult, FileSame, FoundCard
from srs_dl.store import import_chunks as chunks
from srs_dl.store.cards import (
    StoredCard,
    cards_of_notes,
    insert_cards,
    insert_drill_cards,
    next_id,
    orphans_by_qhash,
    update_cards,
)
from srs_dl.store.db import transaction
from srs_dl.store.notes import (
    KnownNote,
    append_log_rows,
    insert_notes,
    mark_deleted,
    note_states,
    notes_by_path,
    touch_notes,
    update_notes,
)


@dataclass
class Batch:
    """What stays true across the chunks of one import."""

    summary: ImportSummary
    day: str
    at: str
    #: task id -> (folder id, settings key, the note's row if it has one)
    context: dict[int, tuple[int, str, KnownNote | None]] = field(default_factory=dict)
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
            self._deleted_cards = chunks.has_deleted_cards(conn)
        return self._deleted_cards


@dataclass
class _Parsed:
    tid: int
    note_id: int
    has_row: bool
    folder_id: int
    skey: str
    result: FileParsed
    cards: list[FoundCard] = field(default_factory=list)
    pairs: list[StoredCard | None] = field(default_factory=list)


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def apply_chunk(
    conn: sqlite3.Connection,
    batch: Batch,
    results: list[FileResult],
    blob: bytes | None,
    *,
    recheck_files: bool = True,
) -> None:
    """Store a chunk. The workers read the files before this transaction began, so
    each note is checked again here: a file changed since it was read, or a note
    srs-dl is writing right now, is left for the next import (nothing stale stored);
    the note's row is taken as it is now, not as the walk saw it.

    Without `recheck_files` (a bulk load: the deck had no card and this import holds
    the write lock throughout, so no srs-dl process can have written these notes since
    they were read) a file is not stat()ed again: one an editor changed meanwhile
    is stored as it was read, with the size and mtime of that read, so the next
    import reads it again."""
    s = batch.summary
    touched: list[tuple[int, int, int | None, int]] = []
    parsed: list[_Parsed] = []
    fresh: list[_Parsed] = []
    by_hash = {k.hash: k for k in batch.vanished.values()} if batch.vanished else {}
    rows = notes_by_path(conn, [r.path for r in results if not isinstance(r, FileFailed)])
    for r in results:
        if isinstance(r, FileFailed):
            s.files_failed += 1
            s.warnings.append(r.message)
            continue
        path = r.path
        folder_id, skey, _ = batch.context[r.tid]
        row = rows.get(path)
        if (recheck_files and _stat(path) != (r.size, r.mtime_ns)) or (
            row is not None and row.pending_hash
        ):
            s.warnings.append(
                f"{path}: changed while it was being imported; read again at the next import"
            )
            continue
        if (
            row is not None
            and not row.deleted
            and row.hash == r.digest
            and (isinstance(r, FileSame) or row.settings_hash == skey)
        ):
            # Unchanged bytes (or stored meanwhile by another import): nothing to parse.
            s.files_skipped += 1
            s.cards_unchanged += row.card_count
            if (row.size, row.mtime_ns, row.folder_id) != (r.size, r.mtime_ns, folder_id):
                touched.append((r.size, r.mtime_ns, folder_id, row.id))
            if row.folder_id != folder_id:
                batch.folder_ids.add(folder_id)
            continue
        if isinstance(r, FileSame):
            # The row changed since the walk (another process wrote it): read it again.
            s.warnings.append(
                f"{path}: changed while it was being imported; read again at the next import"
            )
            continue
        s.warnings.extend(r.warnings)
        if skey in batch.dataview_counted:
            s.dataview_like_cards += r.dataview_like_cards
        if row is not None:
            parsed.append(_Parsed(r.tid, row.id, True, folder_id, skey, r))
        elif r.digest in by_hash:
            moved = by_hash.pop(r.digest)  # the same bytes under a new path: renamed or moved
            del batch.vanished[moved.id]
            parsed.append(_Parsed(r.tid, moved.id, True, folder_id, skey, r))
        else:
            fresh.append(_Parsed(r.tid, 0, False, folder_id, skey, r))
    if touched:
        touch_notes(conn, touched)
    if not parsed and not fresh:
        return
    if fresh:
        # New notes get ids task id + offset: unique, and above every id in use.
        offset = next_id(conn, "notes") - fresh[0].tid
        for p in fresh:
            p.note_id = p.tid + offset
    orphans = bool(parsed) or batch.may_have_orphans(conn)
    merged = parsed + fresh if orphans else parsed
    copied = [] if orphans else fresh
    if blob is not None:
        chunks.load_chunk(conn, blob)
        if merged:
            _load_cards(conn, merged)

    merger = Merger(day=batch.day, at=batch.at, next_card_id=0)
    ids = [p.note_id for p in parsed]
    states = note_states(conn, ids)
    note_inserts: list[tuple[Any, ...]] = []
    note_updates: list[tuple[Any, ...]] = []
    for p in parsed + fresh:
        r = p.result
        note = r.note
        old = states.get(p.note_id)
        review = merger.review(p.note_id, old, note)
        if (old.drill_kinds if old else None) != note.drill_kinds:
            batch.drills_dirty = True
        # store.notes.NOTE_COLUMNS in their order (the review: is_review .. review_sched_note)
        values = (
            *(p.folder_id, r.path, r.size, r.mtime_ns, r.digest, p.skey, *review),
            *(note.deck, note.links, r.card_count, note.drill_kinds, note.tags),
        )
        if p.has_row:
            note_updates.append(values + (p.note_id,))
        else:
            note_inserts.append((p.note_id,) + values)
        batch.folder_ids.add(p.folder_id)
        s.notes_changed += 1
    insert_notes(conn, note_inserts)
    update_notes(conn, note_updates)
    if copied and blob is not None:
        tasks = None if len(copied) == len(results) else [p.tid for p in copied]
        scheduled = chunks.copy_new_cards(conn, offset, tasks)
        s.cards_new += sum(p.result.card_count for p in copied)
        # New cards whose comment (adopted ones too) gave them a schedule.
        s.schedules_from_notes += int(scheduled)
    if merged:
        merger.next_card_id = next_id(conn, "cards")
        _merge(conn, batch, merger, parsed, merged)
    _write(conn, merger)
    _count(batch, merger)


def _load_cards(conn: sqlite3.Connection, notes: list[_Parsed]) -> None:
    by_tid = {p.tid: p for p in notes}
    for row in chunks.chunk_cards(conn, by_tid):
        by_tid[row[0]].cards.append(FoundCard._make(row[1:]))


def _merge(
    conn: sqlite3.Connection,
    batch: Batch,
    merger: Merger,
    parsed: list[_Parsed],
    merged: list[_Parsed],
) -> None:
    stored = cards_of_notes(conn, [p.note_id for p in parsed])
    taken: set[int] = set()
    unmatched: list[tuple[_Parsed, int]] = []
    for p in merged:
        p.pairs = match_own(p.cards, stored.get(p.note_id, ()), taken)
        unmatched.extend((p, i) for i, e in enumerate(p.pairs) if e is None)
    leftovers = [e for p in parsed for e in stored.get(p.note_id, ()) if e.id not in taken]
    if unmatched:
        pool = OrphanPool()
        pool.add([e for e in leftovers if e.state != "deleted"])
        if batch.may_have_orphans(conn):
            pool.add(
                orphans_by_qhash(
                    conn, [p.cards[i].qhash for p, i in unmatched], list(batch.vanished)
                )
            )
        for p, i in unmatched:
            p.pairs[i] = pool.take(p.cards[i], taken)
    for p in merged:
        for card, e in zip(p.cards, p.pairs, strict=True):
            merger.card(p.note_id, card, e)
    for e in leftovers:
        if e.id not in taken:
            merger.delete(e)


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
    """After the last chunk: notes gone for good, drill cards, folder times."""
    s = batch.summary
    merger = Merger(day=batch.day, at=batch.at, next_card_id=next_id(conn, "cards"))
    if batch.vanished:
        # Gone when walked; still gone, and its row as the walk saw it (not handled
        # meanwhile by another import)?
        now = notes_by_path(conn, [k.path for k in batch.vanished.values()])
        for k in list(batch.vanished.values()):
            row = now.get(k.path)
            if (
                os.path.lexists(k.path)
                or row is None
                or row.id != k.id
                or row.deleted
                or row.hash != k.hash
            ):
                del batch.vanished[k.id]
    if batch.vanished:
        ids = list(batch.vanished)
        for cards in cards_of_notes(conn, ids).values():
            for e in cards:
                merger.delete(e)
        mark_deleted(conn, ids)
        s.notes_deleted += len(ids)
        batch.drills_dirty = batch.drills_dirty or any(
            k.card_count for k in batch.vanished.values()
        )
        batch.folder_ids.update(
            k.folder_id for k in batch.vanished.values() if k.folder_id is not None
        )
    if batch.drills_dirty or not drill_deck.has_drill_deck(conn):
        drill_deck.sync(conn, merger)
    _write(conn, merger)
    _count(batch, merger)
    if s.changed or batch.folder_ids:
        chunks.set_imported_at(conn, batch.at, batch.folder_ids)


class Writer:
    """Transactions around apply_chunk: one per chunk, so no write lock is held while
    the workers parse (a review in another process goes on meanwhile) and a crash or
    a cancel loses no chunk halfway; a dry run's transaction is the caller's.

    Bulk mode (a first import into an empty deck): store.import_chunks.BulkLoad."""

    def __init__(self, conn: sqlite3.Connection, *, dry_run: bool, bulk: bool) -> None:
        self.conn = conn
        self.dry_run = dry_run
        self.bulk = bulk and not dry_run
        self.load = chunks.BulkLoad(conn)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if self.bulk and self.conn.in_transaction:
            self.load.rollback()  # failed or cancelled: the indexes come back too

    def _start_bulk(self) -> None:
        if not self.load.start():
            self.bulk = False  # another process imported meanwhile

    def _run(self, fn: Callable[[], None]) -> None:
        if self.bulk and not self.conn.in_transaction:
            self._start_bulk()
        if self.dry_run or self.bulk:
            fn()
            return
        with transaction(self.conn):
            fn()

    def apply(self, batch: Batch, results: list[FileResult], blob: bytes | None) -> None:
        self._run(lambda: apply_chunk(self.conn, batch, results, blob, recheck_files=not self.bulk))

    def finish(self, batch: Batch) -> None:
        if self.bulk and not self.conn.in_transaction:
            self._start_bulk()
        if self.bulk:
            # Indexes first: the few drill cards finish() adds go into them row by row.
            self.load.build_indexes()
        self._run(lambda: finish(self.conn, batch))
        if self.bulk:
            self.load.commit()
