"""Writing schedules back into the notes: scheduling comments and `sr-*` frontmatter.

A note is written only from the exact bytes srs-dl last read (`notes.hash`);
a note changed on disk since is never overwritten: its reviews stay in the
database (dirty) and it is reported, for a rescan to read it and the next sync
to write it. Each note goes through:

1. read, check the hash (or `pending_hash`: our own write whose commit a crash
   lost), parse with the settings the folder was imported with (steps 1 and 2:
   `plan.plan_note`);
2. map the dirty cards to questions by (qhash, sibling) and rebuild each such
   question's comment from all its siblings (`core.notes.writeback`), and the
   frontmatter of a reviewed `#review` note (`core.notes.frontmatter_edit`);
3. record `pending_hash` = sha1(new bytes) and commit, then replace the file
   atomically (`vault.write`), then in one transaction record the new hash and
   clear the cards' dirty flags.

Notes go in batches: every pending hash of a batch in one transaction, the
files, one fsync per folder, then one transaction finishing the batch.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from srs_dl.config import Config
from srs_dl.core.notes.sr_comment import note_schedule_text
from srs_dl.services.writeback.plan import (
    CacheKey,
    NoteOutcome,
    NotePlan,
    ReadContext,
    diff,
    plan_note,
)
from srs_dl.store import reviews as store
from srs_dl.store import writeback as writes
from srs_dl.store.reviews import write_transaction
from srs_dl.vault.read import NoteReadError, read_bytes, sha1_hex
from srs_dl.vault.write import (
    NoteChangedError,
    NoteWriteError,
    atomic_write,
    fsync_dir,
    remove_stale_temps,
    writers_lock,
)

BATCH = 250
#: Notes written at once (threads: each mostly waits in fsync).
WRITERS = 16


@dataclass
class SyncReport:
    written: list[str] = field(default_factory=list)
    #: Notes changed on disk since srs-dl read them: they need a rescan, then a sync.
    changed_on_disk: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: With dry_run: the notes a sync would write.
    would_write: list[str] = field(default_factory=list)
    #: With dry_run: each of those notes' unified diff, what the sync would change.
    diffs: dict[str, str] = field(default_factory=dict)
    cards_written: int = 0
    #: The rescan's one-line summary (None when no rescan ran).
    rescan: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "would_write": self.would_write,
            "diffs": self.diffs,
            "changed_on_disk": self.changed_on_disk,
            "errors": self.errors,
            "cards_written": self.cards_written,
            "rescan": self.rescan,
        }


def _finish(conn: sqlite3.Connection, plan: NotePlan) -> int:
    """Record a written note (inside a transaction); returns how many cards it settled."""
    try:
        st = os.stat(plan.path)
        size, mtime = st.st_size, st.st_mtime_ns
    except OSError:
        size, mtime = len(plan.new_bytes), None
    writes.record_written(conn, plan.note_id, plan.new_hash, size, mtime)
    writes.set_card_lines(conn, plan.lines)
    current = store.get_cards(conn, plan.cards)
    settled = 0
    for cid, text in plan.cards.items():
        card = current.get(cid)
        if card is None:
            continue
        # A card graded again while we wrote stays dirty: the note holds the older schedule.
        still = card.group_text() != text
        writes.settle_card(conn, cid, text, dirty=still)
        settled += not still
    if plan.review is not None:
        row = writes.note_for_writing(conn, plan.note_id)
        still = row is None or row.review is None or note_schedule_text(row.review) != plan.review
        writes.settle_note_review(conn, plan.note_id, plan.review, dirty=still)
    return settled


def _attempt(fn: Callable[[NotePlan], None]) -> Callable[[NotePlan], Exception | None]:
    def run(plan: NotePlan) -> Exception | None:
        try:
            fn(plan)
        except (NoteChangedError, NoteWriteError) as exc:
            return exc
        return None

    return run


def _write_batch(conn: sqlite3.Connection, plans: Sequence[NotePlan], report: SyncReport) -> None:
    changing = [p for p in plans if p.new_bytes_differ]
    if changing:
        with write_transaction(conn):
            writes.set_pending(conn, [(p.new_hash, p.note_id) for p in changing])
    done: list[NotePlan] = [p for p in plans if not p.new_bytes_differ]
    folders: set[str] = set()
    gone: list[int] = []

    def write(plan: NotePlan) -> None:
        atomic_write(
            plan.path,
            plan.new_bytes,
            plan.old_hash,
            sync_dir=False,
            follow_symlinks=plan.follow_symlinks,
        )

    # Here, not at the top: concurrent.futures loads logging and traceback, 10-13 ms
    # at the start of every CLI command that loads the review service, which imports
    # this (the TUI has them already: asyncio imports concurrent.futures).
    from concurrent.futures import ThreadPoolExecutor

    # fsync waits on the disk, not the CPU: files written side by side share the
    # file system's journal commits (1,000 notes: 6 s one by one, well under 1 s so).
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        outcomes = list(pool.map(_attempt(write), changing))
    for plan, error in zip(changing, outcomes, strict=True):
        if isinstance(error, NoteChangedError):
            report.changed_on_disk.append(plan.path)
            gone.append(plan.note_id)
        elif error is not None:
            report.errors.append(str(error))
        else:
            folders.add(plan.real_folder)
            done.append(plan)
    for folder in sorted(folders):
        fsync_dir(folder)
    failed = [p for p in changing if p not in done]
    if gone:
        _forget_stat(conn, gone)
    with write_transaction(conn):
        for plan in done:
            report.cards_written += _finish(conn, plan)
        writes.clear_pending(conn, [p.note_id for p in failed])
    report.written.extend(p.path for p in done if p.new_bytes_differ)


def pending_note_ids(conn: sqlite3.Connection) -> list[int]:
    """Notes with a review not yet written: dirty cards or a dirty whole-note schedule."""
    return writes.pending_note_ids(conn)


def _lock_path(conn: sqlite3.Connection) -> str:
    """The lock file beside the database (one deck, one writer of its notes at a time)."""
    file = writes.database_file(conn)
    if file:
        return f"{file}.notes-lock"
    return os.path.join(tempfile.gettempdir(), f"srs-dl-{os.getuid()}.notes-lock")


def _plan_batch(
    conn: sqlite3.Connection,
    config: Config,
    note_ids: Sequence[int],
    cache: dict[CacheKey, ReadContext],
    report: SyncReport,
) -> list[NotePlan]:
    plans: list[NotePlan] = []
    changed: list[int] = []
    for note_id in note_ids:
        row = writes.note_for_writing(conn, note_id)
        if row is None or not row.writeback:
            continue  # the bundled deck and forgotten folders keep schedules in the DB
        outcome = plan_note(conn, config, row, cache)
        if isinstance(outcome, NoteOutcome):
            if outcome.changed_on_disk:
                report.changed_on_disk.append(outcome.path or "")
                changed.append(note_id)
            elif outcome.problem:
                report.errors.append(outcome.problem)
            continue
        if outcome.unmatched:
            report.errors.append(
                f"{outcome.path}: {outcome.unmatched} reviewed card(s) not found in the note"
                " as imported; rescan it (srs-dl import)"
            )
        plans.append(outcome)
    if changed:
        _forget_stat(conn, changed)
    return plans


def _forget_stat(conn: sqlite3.Connection, note_ids: Sequence[int]) -> None:
    """Make the next (incremental) import read these notes again, even if an edit kept
    their size and modification time: its "rescan it" must not be a no-op."""
    with write_transaction(conn):
        writes.forget_stat(conn, note_ids)


def _run(
    conn: sqlite3.Connection,
    config: Config,
    note_ids: Sequence[int],
    *,
    dry_run: bool,
    report: SyncReport,
) -> None:
    cache: dict[CacheKey, ReadContext] = {}
    for start in range(0, len(note_ids), BATCH):
        batch = note_ids[start : start + BATCH]
        if dry_run:
            plans = _plan_batch(conn, config, batch, cache, report)
            for plan in plans:
                if plan.new_bytes_differ:
                    report.would_write.append(plan.path)
                    report.diffs[plan.path] = diff(plan)
            continue
        # Read, check and write under the lock: another srs-dl writer (a grade's
        # immediate write-back, another sync) then always starts from our result.
        with writers_lock(_lock_path(conn)):
            plans = _plan_batch(conn, config, batch, cache, report)
            remove_stale_temps({p.real_folder for p in plans})
            _write_batch(conn, plans, report)


def sync(
    conn: sqlite3.Connection,
    config: Config,
    today: dt.date,
    *,
    dry_run: bool = False,
    rescan: bool = True,
) -> SyncReport:
    """Rescan the imported folders (incrementally), then write every pending note."""
    report = SyncReport()
    if rescan and not dry_run:
        # The import pipeline (about 20 ms to import) loads only for a sync's rescan.
        from srs_dl.services.importing.importer import rescan as run_rescan

        summary = run_rescan(conn, config, today)
        report.rescan = summary.line()
    _run(conn, config, pending_note_ids(conn), dry_run=dry_run, report=report)
    return report


def write_note_now(conn: sqlite3.Connection, config: Config, note_id: int) -> NoteOutcome:
    """Write one note at once (after a review); never raises for a note problem."""
    report = SyncReport()
    row = writes.note_for_writing(conn, note_id)
    try:
        _run(conn, config, [note_id], dry_run=False, report=report)
    except Exception as exc:  # the review is committed: a failed write must not undo that
        where = row.path if row else f"note {note_id}"
        return NoteOutcome(
            row.path if row else None, problem=f"{where}: not written ({type(exc).__name__}: {exc})"
        )
    path = row.path if row else None
    if report.written:
        return NoteOutcome(path, written=report.written[0])
    if report.changed_on_disk:
        return NoteOutcome(
            path,
            changed_on_disk=True,
            problem=f"{path}: changed on disk since it was read; the review is"
            " kept and written after a rescan",
        )
    if report.errors:
        return NoteOutcome(path, problem=report.errors[0])
    return NoteOutcome(path)


def changed_notes(conn: sqlite3.Connection) -> list[str]:
    """Notes with reviews waiting to be written whose file is no longer the version srs-dl
    read (edited, deleted or renamed): a rescan must read them before a sync writes them."""
    out: list[str] = []
    for note_id in pending_note_ids(conn):
        row = writes.note_for_writing(conn, note_id)
        if row is None or not row.writeback:
            continue
        try:
            digest = sha1_hex(read_bytes(row.path).data)
        except NoteReadError:
            out.append(row.path)
            continue
        if digest not in (row.hash, row.pending_hash):
            out.append(row.path)
    return out
