"""The part of an import that runs in worker processes: read, hash, decode, parse.

Workers get chunks of files and return a FileResult per file (NamedTuples: cheap
to pickle, read by field name): nothing here touches the database. A file whose
bytes hash to what the database already holds is not decoded or parsed. Every
problem becomes one line naming the file (and the line, when there is one).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from srs_dl.core.notes.fsrs_group import parse_fsrs_group
from srs_dl.core.notes.model import Comment, ParsedNote, SRGroup
from srs_dl.core.notes.settings import ParseSettings
from srs_dl.core.notes.sr_comment import card_schedule, format_group, note_schedule_text
from srs_dl.store.import_chunks import serialize_chunk
from srs_dl.vault.read import NoteReadError, decode_note, read_bytes, sha1_hex

#: (task id, path, folder deck, hash the database holds or None to force a parse, settings key)
Task = tuple[int, str, str, str | None, str]


class FoundNote(NamedTuple):
    """A note as its text has it (its cards aside): the notes row's columns an import
    fills from what the note says."""

    is_review: int
    #: The whole-note review schedule of its sr-* frontmatter keys (None: none).
    review_due: str | None
    review_interval: float | None
    review_ease: int | None
    #: That schedule as format_group writes it, compared with what srs-dl last read there.
    review_sched_note: str | None
    deck: str
    #: JSON lists: the note's links, its [deck, drill kind] pairs (None: none) and its
    #: tags as the parser gives them (for the browser's #tag search).
    links: str
    drill_kinds: str | None
    tags: str
    #: 1 when the note has sr-* frontmatter keys that do not read as a schedule.
    review_unreadable: int


class FileFailed(NamedTuple):
    """A file that could not be read, decoded or parsed."""

    tid: int
    path: str
    #: One line naming the file (and the line, when there is one).
    message: str


class FileSame(NamedTuple):
    """A file whose bytes hash to what the database holds: neither decoded nor parsed."""

    tid: int
    path: str
    size: int
    mtime_ns: int
    digest: str


class FileParsed(NamedTuple):
    """A file read and parsed: its note, and its cards' count (the cards are in the chunk's
    database)."""

    tid: int
    path: str
    size: int
    mtime_ns: int
    digest: str
    note: FoundNote
    card_count: int
    #: One line each, naming the file and the line.
    warnings: list[str]
    dataview_like_cards: int


#: One file's result: three types, not one with a status, so that a reader cannot
#: take the size of a file that failed (mypy narrows the union by isinstance).
FileResult = FileFailed | FileSame | FileParsed
#: Per file its result, and the serialized database of the chunk's cards (table `c`,
#: see store.import_chunks.CARDS_TABLE; None: no card).
Chunk = tuple[list[FileResult], bytes | None]


class FoundCard(NamedTuple):
    """One card as a note's text has it, as the workers find it and the merge reads it.

    Its fields but `unreadable` are, in order, the columns store.cards.insert_cards
    writes after (id, note_id), `group` going into note_sched: a new card's row is
    built from them by position (and the chunk's SELECT reads them back in order)."""

    deck: str
    kind: str
    sibling: int
    qhash: str
    front: str
    back: str
    line: int
    end_line: int
    #: ISO date (None: new).
    due: str | None
    interval: float | None
    ease: int | None
    state: str
    #: The group text as format_group writes it (None: new).
    group: str | None
    #: A group kept verbatim (FSRS).
    raw_group: str | None
    #: 1 when its comment is malformed, so what the deck holds must stay.
    unreadable: int


_REVIEW_KEYS = frozenset(("sr-due", "sr-interval", "sr-ease"))

HeadingKinds = Callable[[str, Mapping[str, tuple[str, ...]]], Sequence[str]]


@dataclass(frozen=True)
class WorkerSetup:
    settings: dict[str, ParseSettings]
    drill_table: dict[str, tuple[str, ...]]
    heading_kinds: HeadingKinds | None


_SETUP: WorkerSetup | None = None


#: Heading text -> drill kinds: headings repeat across a vault's notes.
_HEADINGS: dict[str, tuple[str, ...]] = {}


def init_worker(setup: WorkerSetup) -> None:
    global _SETUP
    _SETUP = setup
    _HEADINGS.clear()


def run_chunk(tasks: list[Task]) -> Chunk:
    """Read and parse a chunk of files. The cards go into a small in-memory SQLite
    database, returned serialized: the importer copies them into the deck with one
    INSERT .. SELECT, not row by row from Python."""
    assert _SETUP is not None, "init_worker was not called"
    # Parsing makes many small objects and no cycles: the collector would only
    # walk them again and again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        rows = ChunkRows()
        metas = [process(task, _SETUP, rows) for task in tasks]
        return metas, rows.serialize() if rows.n else None
    finally:
        if enabled:
            gc.enable()


class ChunkRows:
    """A chunk's card rows, kept in two lists: a card without a schedule (most of
    them) binds 11 values, not 15, which makes inserting a chunk's rows a third
    cheaper. They stay plain tuples: they are built only for executemany into the
    chunk's database (the merge reads them back from there as FoundCard). Each row starts with its number in file order, its rowid in `c`:
    (rowid, task, deck, kind, sibling, qhash, front, back, line, end_line,
    unreadable) or (rowid, ..., end_line, due, interval, ease, note_sched, raw_group)."""

    __slots__ = ("new", "scheduled", "n")

    def __init__(self) -> None:
        self.new: list[tuple[Any, ...]] = []
        self.scheduled: list[tuple[Any, ...]] = []
        self.n = 0

    def mark(self) -> tuple[int, int, int]:
        return self.n, len(self.new), len(self.scheduled)

    def drop_since(self, mark: tuple[int, int, int]) -> None:
        self.n = mark[0]
        del self.new[mark[1] :], self.scheduled[mark[2] :]

    def card_tuples(self) -> list[tuple[Any, ...]]:
        """Every row as `c` holds it (store.import_chunks.CARDS_TABLE's columns), in file order."""
        rows = [r[1:10] + (None, None, None, None, None, r[10]) for r in self.new]
        rows += [r[1:] + (0,) for r in self.scheduled]
        order = [r[0] for r in self.new] + [r[0] for r in self.scheduled]
        return [row for _, row in sorted(zip(order, rows, strict=True))]

    def serialize(self) -> bytes:
        return serialize_chunk(self.new, self.scheduled)


def qhash(text: str) -> str:
    """A question's identity: its source text, hashed."""
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def process(task: Task, setup: WorkerSetup, rows: ChunkRows) -> FileResult:
    """One file: its result, its cards added to `rows`."""
    tid, path, folder_deck, known_hash, skey = task
    try:
        raw = read_bytes(path)
    except NoteReadError as exc:
        return FileFailed(tid, path, exc.where(path))
    digest = sha1_hex(raw.data)
    if digest == known_hash:
        return FileSame(tid, path, raw.size, raw.mtime_ns, digest)
    try:
        note = decode_note(raw.data, digest=digest)
    except NoteReadError as exc:
        return FileFailed(tid, path, exc.where(path))
    settings = setup.settings[skey]
    mark = rows.mark()
    try:
        # Loaded by the first file that changed: an unchanged re-import parses nothing,
        # and the parser's import (about 24 ms) would be a third of its time.
        from srs_dl.core.notes.grammar import parse_note

        rower = _Rows(tid, rows)
        parsed = parse_note(note.text, settings, folder_deck=folder_deck, sink=rower.add)
        count = rows.n - mark[0]
        found = _found_note(parsed, setup, rower.note_deck(folder_deck), count > 0)
    except Exception as exc:  # a parser bug must cost one note, not the import
        rows.drop_since(mark)
        return FileFailed(
            tid, path, f"{path}: the parser failed ({type(exc).__name__}: {exc}); skipped"
        )
    warnings = [f"{path}:{w.line}: {w.message}" for w in parsed.warnings]
    return FileParsed(
        tid=tid,
        path=path,
        size=raw.size,
        mtime_ns=raw.mtime_ns,
        digest=digest,
        note=found,
        card_count=count,
        warnings=warnings,
        dataview_like_cards=parsed.dataview_like_cards,
    )


class _Rows:
    """The parser's question sink for one note: a row per card (see ChunkRows),
    straight from the parser's values, with no Question or Card objects between."""

    __slots__ = ("tid", "rows", "decks")

    def __init__(self, tid: int, rows: ChunkRows) -> None:
        self.tid = tid
        self.rows = rows
        #: cards per deck, for the note's deck
        self.decks: dict[str, int] = {}

    def add(
        self,
        kind: str,
        decks: tuple[str, ...],
        first: int,
        last: int,
        text: str,
        sides: list[tuple[str, str]],
        comment: Comment | None,
    ) -> None:
        rows = self.rows
        new = rows.new.append
        n = rows.n
        rows.n = n + len(sides)
        tid = self.tid
        deck = decks[0]
        qh = qhash(text)
        counts = self.decks
        counts[deck] = counts.get(deck, 0) + len(sides)
        if comment is None:
            for k, (front, back) in enumerate(sides):
                new((n + k, tid, deck, kind, k, qh, front, back, first, last, 0))
            return
        groups = comment.groups
        n_groups = len(groups)
        # A malformed comment (the parser warned) says nothing about the schedule.
        bad = 0 if n_groups else 1
        scheduled = rows.scheduled.append
        for k, (front, back) in enumerate(sides):
            g = card_schedule(groups[k]) if k < n_groups else None
            if g is None:
                new((n + k, tid, deck, kind, k, qh, front, back, first, last, bad))
            else:
                scheduled(
                    (
                        n + k,
                        tid,
                        deck,
                        kind,
                        k,
                        qh,
                        front,
                        back,
                        first,
                        last,
                        _due_day(g),
                        float(g.interval),
                        int(g.ease),
                        format_group(g),
                        g.raw,
                    )
                )

    def note_deck(self, folder_deck: str) -> str:
        """The deck most of the note's cards are in (its folder's without cards)."""
        if self.decks:
            return max(self.decks, key=self.decks.__getitem__)
        return folder_deck


_JSON_ESCAPED = re.compile(r'[\x00-\x1f"\\]')


def json_strings(items: Sequence[str]) -> str:
    """A list of strings as JSON, as json.dumps(..., ensure_ascii=False) writes it,
    without its cost (a JSONEncoder made per call) when nothing needs escaping."""
    if not items:
        return "[]"
    joined = '", "'.join(items)
    if _JSON_ESCAPED.search(joined) is None:
        return '["' + joined + '"]'
    return json.dumps(list(items), ensure_ascii=False)


def _found_note(parsed: ParsedNote, setup: WorkerSetup, deck: str, has_cards: bool) -> FoundNote:
    drills: list[list[str]] = []
    if setup.heading_kinds is not None and deck and (parsed.is_flashcard_note or has_cards):
        pairs: dict[str, None] = {}
        for h in parsed.headings:
            kinds = _HEADINGS.get(h.text)
            if kinds is None:
                kinds = tuple(setup.heading_kinds(h.text, setup.drill_table))
                if len(_HEADINGS) < 50_000:
                    _HEADINGS[h.text] = kinds
            for kind in kinds:
                pairs[kind] = None
        drills = [[deck, kind] for kind in sorted(pairs)]
    due: str | None = None
    interval: float | None = None
    ease: int | None = None
    sched: str | None = None
    ns = parsed.note_schedule
    if ns is not None:
        due, interval, ease = ns.due.isoformat(), float(ns.interval), int(ns.ease)
        sched = note_schedule_text(ns)
    return FoundNote(
        is_review=int(parsed.is_review_note),
        review_due=due,
        review_interval=interval,
        review_ease=ease,
        review_sched_note=sched,
        deck=deck,
        links=json_strings(parsed.links),
        drill_kinds=json.dumps(drills) if drills else None,
        tags=json_strings(parsed.tags),
        # sr-* keys that do not read as a schedule: the note's review stays as stored.
        review_unreadable=int(ns is None and not _REVIEW_KEYS.isdisjoint(parsed.frontmatter_keys)),
    )


#: Below this much changed text, parsing in this process beats starting workers.
POOL_MIN_BYTES = 1_500_000
CHUNK_BYTES = 256 * 1024
#: The smallest chunk the last ones shrink to.
MIN_CHUNK_BYTES = 32 * 1024


def _chunked(tasks: list[Task], sizes: list[int], workers: int) -> list[list[Task]]:
    """Tasks cut into chunks of about CHUNK_BYTES. For several workers the last
    ones are smaller, so that they run out of work together instead of one
    finishing a big chunk alone (guided scheduling)."""
    chunks: list[list[Task]] = []
    current: list[Task] = []
    remaining = sum(sizes)
    target = CHUNK_BYTES
    acc = 0
    for task, size in zip(tasks, sizes, strict=True):
        current.append(task)
        acc += size
        if acc >= target:
            chunks.append(current)
            remaining -= acc
            current, acc = [], 0
            if workers > 1:
                target = min(CHUNK_BYTES, max(MIN_CHUNK_BYTES, remaining // (4 * workers)))
    if current:
        chunks.append(current)
    return chunks


def parse_chunks(tasks: list[Task], sizes: list[int], setup: WorkerSetup) -> Iterator[Chunk]:
    """Every task's result, chunk by chunk in task order; a process pool for big imports."""
    cpus = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    ) or 1
    pooled = sum(sizes) >= POOL_MIN_BYTES and cpus > 1
    chunks = _chunked(tasks, sizes, cpus if pooled else 1)
    workers = min(cpus, len(chunks))
    if not pooled or workers < 2:
        init_worker(setup)
        for chunk in chunks:
            yield run_chunk(chunk)
        return
    # Only an import big enough for a pool pays for multiprocessing and the pool.
    import multiprocessing
    import threading

    from srs_dl.services.importing.worker_pool import ordered_map

    # fork is cheap and inherits the imported parser; with other threads
    # running (the TUI) a fork could copy a held lock, so start clean workers.
    method = (
        "fork"
        if (threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods())
        else "forkserver"
    )
    yield from ordered_map(
        run_chunk,
        chunks,
        workers=workers,
        initializer=init_worker,
        initargs=(setup,),
        method=method,
    )


def _due_day(g: SRGroup) -> str | None:
    """The day a card falls due as the deck keeps it: an FSRS group's due time on the
    local calendar (the core reads it in UTC), as a review here stores it."""
    if g.due is None:
        return None
    if g.raw is None:
        return g.due.isoformat()
    try:
        return parse_fsrs_group(g.raw).due.astimezone().date().isoformat()
    except ValueError:
        return g.due.isoformat()
