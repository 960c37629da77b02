"""The part of an import that runs in worker processes: read, hash, decode, parse.

Workers get chunks of files and return plain tuples (cheap to pickle): nothing
here touches the database. A file whose bytes hash to what the database already
holds is not decoded or parsed. Every problem becomes one line naming the file
(and the line, when there is one).
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from srs_dl.core.notes.model import ParsedNote
from srs_dl.core.notes.settings import ParseSettings
from srs_dl.core.notes.sr_comment import format_group
from srs_dl.vault.read import NoteReadError, decode_note, read_bytes, sha1_hex

SAME, PARSED, FAILED = 0, 1, 2

#: (path, folder deck, hash the database holds or None to force a parse, settings key)
Task = tuple[str, str, str | None, str]

#: One card as found, in the order of cards.INSERT_COLUMNS after (id, note_id):
#: (deck, kind, sibling, qhash, front, back, line, end_line, due ISO, interval, ease,
#:  state, group text as format_group writes it (None: new), raw group)
CardTuple = tuple[str, str, int, str, str, str, int, int, str | None, float | None,
                  int | None, str, str | None, str | None]
DECK, KIND, SIBLING, QHASH, FRONT, BACK, LINE, END_LINE, DUE, INTERVAL, EASE, STATE, GROUP, RAW = (
    range(14))

#: (is_review, review due ISO, interval, ease, schedule text, deck, links JSON, drills JSON)
NoteTuple = tuple[int, str | None, float | None, int | None, str | None, str, str, str | None]

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


def run_chunk(tasks: list[Task]) -> list[tuple[Any, ...]]:
    assert _SETUP is not None, "init_worker was not called"
    # Parsing makes many small objects and no cycles: the collector would only
    # walk them again and again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [process(task, _SETUP) for task in tasks]
    finally:
        if enabled:
            gc.enable()


def qhash(text: str) -> str:
    """A question's identity: its source text, hashed."""
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def process(task: Task, setup: WorkerSetup) -> tuple[Any, ...]:
    path, folder_deck, known_hash, skey = task
    try:
        raw = read_bytes(path)
    except NoteReadError as exc:
        return (FAILED, path, exc.where(path))
    digest = sha1_hex(raw.data)
    if digest == known_hash:
        return (SAME, path, raw.size, raw.mtime_ns, digest)
    try:
        note = decode_note(raw.data, digest=digest)
    except NoteReadError as exc:
        return (FAILED, path, exc.where(path))
    settings = setup.settings[skey]
    try:
        from srs_dl.core.notes.grammar import parse_note

        parsed = parse_note(note.text, settings, folder_deck=folder_deck)
        note_row, cards = _flatten(parsed, setup, folder_deck)
    except Exception as exc:  # a parser bug must cost one note, not the import
        return (FAILED, path,
                f"{path}: the parser failed ({type(exc).__name__}: {exc}); skipped")
    warnings = [f"{path}:{w.line}: {w.message}" for w in parsed.warnings]
    return (PARSED, path, raw.size, raw.mtime_ns, digest, note_row, cards, warnings,
            parsed.dataview_like_cards)


def _note_deck(parsed: ParsedNote, folder_deck: str) -> str:
    counts: dict[str, int] = {}
    for q in parsed.questions:
        counts[q.deck] = counts.get(q.deck, 0) + len(q.cards)
    if counts:
        return max(counts, key=counts.__getitem__)
    return folder_deck


def _flatten(parsed: ParsedNote, setup: WorkerSetup,
             folder_deck: str) -> tuple[NoteTuple, list[CardTuple]]:
    cards: list[CardTuple] = []
    append = cards.append
    for q in parsed.questions:
        qh = qhash(q.text)
        kind, deck, first, last = q.kind, q.deck, q.first_line, q.last_line
        for c in q.cards:
            g = c.schedule
            if g is None:
                append((deck, kind, c.sibling, qh, c.front, c.back, first, last,
                        None, None, None, "new", None, None))
            else:
                due = g.due.isoformat() if g.due else None
                append((deck, kind, c.sibling, qh, c.front, c.back, first, last,
                        due, float(g.interval), int(g.ease), "review" if due else "new",
                        format_group(g), g.raw))
    deck = _note_deck(parsed, folder_deck)
    drills: list[list[str]] = []
    if setup.heading_kinds is not None and parsed.is_flashcard_note and deck:
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
    ns = parsed.note_schedule
    if ns is not None:
        from srs_dl.core.notes.sr_comment import format_interval

        sched_text = f"{ns.due.isoformat()},{format_interval(ns.interval)},{int(ns.ease)}"
        note_row: NoteTuple = (int(parsed.is_review_note), ns.due.isoformat(),
                               float(ns.interval), int(ns.ease), sched_text, deck,
                               json.dumps(list(parsed.links), ensure_ascii=False),
                               json.dumps(drills) if drills else None)
    else:
        note_row = (int(parsed.is_review_note), None, None, None, None, deck,
                    json.dumps(list(parsed.links), ensure_ascii=False),
                    json.dumps(drills) if drills else None)
    return note_row, cards
