"""Writing schedules back into the notes: scheduling comments and `sr-*` frontmatter.

A note is written only from the exact bytes srs-dl last read (`notes.hash`);
a note changed on disk since is never overwritten: its reviews stay in the
database (dirty) and it is reported, for a rescan to read it and the next sync
to write it. Each note goes through:

1. read, check the hash (or `pending_hash`: our own write whose commit a crash
   lost), parse with the settings the folder was imported with;
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
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from srs_dl.config import Config
from srs_dl.core.notes.model import NEVER_REVIEWED, Question, SRGroup
from srs_dl.core.notes.settings import ParseSettings
from srs_dl.core.notes.sr_comment import format_group, note_schedule_text, parse_group
from srs_dl.store import reviews as store
from srs_dl.store import writeback as writes
from srs_dl.store.cards import CardRow
from srs_dl.store.folders import follows_symlinks
from srs_dl.store.reviews import write_transaction
from srs_dl.store.writeback import NoteForWriting
from srs_dl.vault.read import NoteReadError, decode_note, read_bytes, sha1_hex
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


@dataclass(frozen=True, slots=True)
class NoteOutcome:
    path: str | None = None
    written: str | None = None
    changed_on_disk: bool = False
    problem: str | None = None


@dataclass
class _Plan:
    note_id: int
    path: str
    old_hash: str
    new_bytes: bytes
    #: card id -> the group text now in the note for it (None: the never-reviewed marker)
    cards: dict[int, str | None]
    #: The note-review schedule written into the frontmatter, as "due,interval,ease".
    review: str | None
    #: Dirty cards no question of the note matches (the note or settings changed).
    unmatched: int = 0
    #: (line, end_line, card id) of the cards the new comments moved down.
    lines: list[tuple[int, int, int]] = field(default_factory=list)
    #: Its folder was imported following symlinks: a link on its path is written through.
    follow_symlinks: bool = False

    @property
    def real_folder(self) -> str:
        """The folder the write renames in (a followed link's target's)."""
        return os.path.dirname(os.path.realpath(self.path))

    @property
    def new_hash(self) -> str:
        return sha1_hex(self.new_bytes)

    @property
    def new_bytes_differ(self) -> bool:
        return self.new_hash != self.old_hash


def _group_for(card: CardRow | None, parsed: SRGroup | None, base_ease: int) -> SRGroup:
    """The group a sibling's comment gets: its DB schedule; the plugin's marker when new."""
    if card is None:
        return parsed if parsed is not None else SRGroup(NEVER_REVIEWED, 1, base_ease)
    if card.raw_group is not None:
        try:
            return parse_group(card.raw_group)
        except ValueError:
            pass
    if card.due is None or card.interval is None or card.ease is None:
        return SRGroup(NEVER_REVIEWED, 1, base_ease)
    return SRGroup(card.due, card.interval, card.ease)


def _plan(
    conn: sqlite3.Connection, config: Config, note: NoteForWriting, cache: dict[_CacheKey, _Context]
) -> _Plan | NoteOutcome:
    """What writing this note would change, from its bytes on disk; no writing here."""
    from srs_dl.core.notes.frontmatter_edit import FrontmatterEditError, set_review_keys
    from srs_dl.core.notes.grammar import parse_note
    from srs_dl.core.notes.writeback import apply_schedules
    from srs_dl.services.importing.worker import qhash

    path = note.path
    if not os.path.lexists(path):
        return NoteOutcome(
            path,
            changed_on_disk=True,
            problem=f"{path}: deleted or renamed since it was read; rescan it",
        )
    try:
        data = read_bytes(path).data
    except NoteReadError as exc:
        return NoteOutcome(path, problem=exc.where(path))
    digest = sha1_hex(data)
    if digest not in (note.hash, note.pending_hash):
        return NoteOutcome(
            path,
            changed_on_disk=True,
            problem=f"{path}: changed on disk since it was read; rescan it",
        )
    try:
        text = decode_note(data, digest=digest)
    except NoteReadError as exc:
        return NoteOutcome(path, problem=exc.where(path))
    settings, skey, folder_deck = note_settings(conn, config, note, cache)
    if note.settings_hash is not None and skey != note.settings_hash:
        # Read with other settings, the note may hold other questions than the cards say.
        return NoteOutcome(
            path,
            changed_on_disk=True,
            problem=f"{path}: its import settings changed since it was read; rescan it",
        )
    parsed = parse_note(text.text, settings, folder_deck=folder_deck)
    cards = [c for c in store.cards_of_note(conn, note.id) if c.state != "deleted"]
    # The note is the version imported, so each card sits at its question's first line;
    # the line also tells apart two questions with the same text.
    at_line: dict[tuple[str, int, int | None], CardRow] = {
        (c.qhash, c.sibling, c.line): c for c in cards
    }
    by_key: dict[tuple[str, int], CardRow] = {}
    for c in cards:
        by_key.setdefault((c.qhash, c.sibling), c)
    dirty = {c.id for c in cards if c.dirty}
    base = config.scheduler.base_ease
    updates = []
    written: dict[int, str | None] = {}
    placed: list[list[CardRow | None]] = []
    for question in parsed.questions:
        qh = qhash(question.text)
        siblings = [
            (at_line.get((qh, c.sibling, question.first_line)) or by_key.get((qh, c.sibling)), c)
            for c in question.cards
        ]
        placed.append([card for card, _ in siblings])
        if not any(card is not None and card.id in dirty for card, _ in siblings):
            continue
        groups = tuple(_group_for(card, pc.schedule, base) for card, pc in siblings)
        for (card, _), group in zip(siblings, groups, strict=True):
            if card is not None:
                written[card.id] = None if group.is_new else format_group(group)
        comment = question.comment
        if comment is None or comment.adopted or comment.groups != groups:
            updates.append((question, groups))
    new_text = text.text
    try:
        if updates:
            new_text = apply_schedules(
                new_text,
                updates,
                same_line=settings.comment_on_same_line,
                callouts=settings.callout_comments,
            )
        review_text = None
        if note.review_dirty and note.review is not None:
            new_text = set_review_keys(new_text, note.review)
            review_text = note_schedule_text(note.review)
    except FrontmatterEditError as exc:
        return NoteOutcome(path, problem=f"{path}:{exc.line}: {exc.reason}")
    except ValueError as exc:
        return NoteOutcome(path, problem=f"{path}: {exc}")
    final = parsed.questions
    if new_text.count("\n") != text.text.count("\n"):
        final = parse_note(new_text, settings, folder_deck=folder_deck).questions
    lines = _moved_lines(parsed.questions, final, placed)
    return _Plan(
        note.id,
        path,
        digest,
        text.encode(new_text),
        written,
        review_text,
        unmatched=len(dirty - written.keys()),
        lines=lines,
        follow_symlinks=follows_symlinks(note.folder_settings),
    )


def _moved_lines(
    old: Sequence[Question], new: Sequence[Question], placed: Sequence[Sequence[CardRow | None]]
) -> list[tuple[int, int, int]]:
    """(first line, last line, card id) of each card whose lines in the written note are
    not those stored: an inserted comment line pushes every later card down (and a
    write whose commit a crash lost left them stale)."""
    if len(old) != len(new):
        return []
    out: list[tuple[int, int, int]] = []
    for before, after, cards in zip(old, new, placed, strict=True):
        if before.text != after.text:
            return []  # not the same questions: leave the lines to the next import
        for card in cards:
            if card is not None and (card.line, card.end_line) != (
                after.first_line,
                after.last_line,
            ):
                out.append((after.first_line, after.last_line, card.id))
    return out


_Context = tuple[ParseSettings, str, str]
_CacheKey = tuple[int | None, str]


def note_settings(
    conn: sqlite3.Connection,
    config: Config,
    note: NoteForWriting,
    cache: dict[_CacheKey, _Context] | None = None,
) -> _Context:
    """How a note is read (settings, their key as notes.settings_hash holds it, the
    note's folder deck): exactly as the importer reads it, nested vaults included."""
    from srs_dl.services.importing.importer import note_settings as importer_note_settings

    key = (note.folder_id, os.path.dirname(note.path))
    if cache is not None and key in cache:
        return cache[key]
    try:
        data = json.loads(note.folder_settings or "{}")
    except ValueError:
        data = {}
    flags = data.get("flags", {}) if isinstance(data, dict) else {}
    result = importer_note_settings(
        config,
        note.folder_path or os.path.dirname(note.path),
        flags if isinstance(flags, dict) else {},
        note.path,
    )
    if cache is not None:
        cache[key] = result
    return result


def _finish(conn: sqlite3.Connection, plan: _Plan) -> int:
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


def _attempt(fn: Callable[[_Plan], None]) -> Callable[[_Plan], Exception | None]:
    def run(plan: _Plan) -> Exception | None:
        try:
            fn(plan)
        except (NoteChangedError, NoteWriteError) as exc:
            return exc
        return None

    return run


def _write_batch(conn: sqlite3.Connection, plans: Sequence[_Plan], report: SyncReport) -> None:
    changing = [p for p in plans if p.new_bytes_differ]
    if changing:
        with write_transaction(conn):
            writes.set_pending(conn, [(p.new_hash, p.note_id) for p in changing])
    done: list[_Plan] = [p for p in plans if not p.new_bytes_differ]
    folders: set[str] = set()
    gone: list[int] = []

    def write(plan: _Plan) -> None:
        atomic_write(
            plan.path,
            plan.new_bytes,
            plan.old_hash,
            sync_dir=False,
            follow_symlinks=plan.follow_symlinks,
        )

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


def _diff(plan: _Plan) -> str:
    """What writing `plan` would change in its note, as a unified diff ("" if the note
    cannot be read again: the dry run lists it all the same)."""
    import difflib

    try:
        old = read_bytes(plan.path).data.decode("utf-8", errors="replace")
    except NoteReadError:
        return ""
    new = plan.new_bytes.decode("utf-8", errors="replace")
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=plan.path,
            tofile=f"{plan.path} (after sync)",
        )
    )


def _plan_batch(
    conn: sqlite3.Connection,
    config: Config,
    note_ids: Sequence[int],
    cache: dict[_CacheKey, _Context],
    report: SyncReport,
) -> list[_Plan]:
    plans: list[_Plan] = []
    changed: list[int] = []
    for note_id in note_ids:
        row = writes.note_for_writing(conn, note_id)
        if row is None or not row.writeback:
            continue  # the bundled deck and forgotten folders keep schedules in the DB
        outcome = _plan(conn, config, row, cache)
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
    cache: dict[_CacheKey, _Context] = {}
    for start in range(0, len(note_ids), BATCH):
        batch = note_ids[start : start + BATCH]
        if dry_run:
            plans = _plan_batch(conn, config, batch, cache, report)
            for plan in plans:
                if plan.new_bytes_differ:
                    report.would_write.append(plan.path)
                    report.diffs[plan.path] = _diff(plan)
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
