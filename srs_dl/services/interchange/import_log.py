"""`srs-dl import-log`: a log export (and optionally the cards export) read back into a
new deck, for moving to another machine.

Cards, notes (by path) and log entries keep the ids and text the export gave them,
so exporting the new deck gives the same files. Each card's schedule is the cards
export's when given, else the one its log leaves (every entry holds the state
after it). Running it again adds nothing; an id the deck already holds for
something else is an error and nothing is stored (one transaction).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from srs_dl.core.interchange.rows import (
    CARD_FIELDS,
    LOG_FIELDS,
    CardRecord,
    LogRecord,
    RowError,
    card_from_row,
    header_problem,
    json_text,
    log_from_row,
)
from srs_dl.store import log_import as store
from srs_dl.store.cards import sched_text
from srs_dl.store.db import transaction
from srs_dl.vault.export_read import ExportReadError, read_rows

T = TypeVar("T")


class ImportLogError(Exception):
    """A row that is not an srs-dl export's, or a deck that holds other cards; one line."""


@dataclass
class ImportLogSummary:
    cards_added: int = 0
    entries_added: int = 0
    entries_present: int = 0
    notes_added: int = 0
    cards_seen: set[int] = field(default_factory=set)


def _rows(path: Path, wanted: tuple[str, ...]) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        header, rows = read_rows(path)
        if header is not None:
            problem = header_problem(header, wanted)
            if problem:
                raise ImportLogError(f"{path}:1: {problem}")
        yield from rows
    except ExportReadError as exc:
        raise ImportLogError(str(exc)) from exc


def _read(
    path: Path, fields: tuple[str, ...], parse: Callable[[dict[str, Any]], T]
) -> list[tuple[int, T]]:
    out = []
    for line, row in _rows(path, fields):
        try:
            out.append((line, parse(row)))
        except RowError as exc:
            raise ImportLogError(f"{path}:{line}: {exc}") from None
    return out


def read_log(path: Path) -> list[tuple[int, LogRecord]]:
    return _read(path, LOG_FIELDS, log_from_row)


def read_cards(path: Path) -> list[tuple[int, CardRecord]]:
    return _read(path, CARD_FIELDS, card_from_row)


def _identity(c: CardRecord) -> tuple[Any, ...]:
    return (c.deck, c.kind, c.sibling, c.qhash, c.front, c.back, c.line, c.file)


def _log_key(r: LogRecord) -> tuple[Any, ...]:
    """The log columns an entry fills but its id and note: what a repeated or an
    already stored entry must equal, and the rest of the row inserted for it."""
    return (
        r.card.id if r.card else None,
        r.at,
        r.day,
        r.action,
        r.response,
        r.source,
        r.undoes,
        json_text(r.before) or None,
        json_text(r.after) or None,
        json_text(r.detail) or None,
    )


def _stored_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    def canon(text: str | None) -> str | None:
        return (json_text(json.loads(text)) or None) if text else None

    card_id, at, day, action, response, source, undoes, before, after, detail = row
    return (card_id, at, day, action, response, source, undoes) + tuple(
        canon(t) for t in (before, after, detail)
    )


def _replay(entries: Iterable[LogRecord]) -> dict[int, dict[str, Any]]:
    """Each card's state after its entries (the store's log.replay, over the file)."""
    states: dict[int, dict[str, Any]] = {}
    for r in entries:
        if r.card is None:
            continue
        state = states.setdefault(r.card.id, dict(r.before or {}))
        if r.after is not None:
            state.update(r.after)
    return states


def _note_replay(entries: Iterable[LogRecord]) -> dict[str, dict[str, Any]]:
    states: dict[str, dict[str, Any]] = {}
    for r in entries:
        if r.card is None and r.file and r.after is not None:
            states.setdefault(r.file, {}).update(r.after)
    return states


def import_log(
    conn: sqlite3.Connection, log_path: Path, cards_path: Path | None = None
) -> ImportLogSummary:
    entries = read_log(log_path)
    card_rows = read_cards(cards_path) if cards_path else []
    cards: dict[int, CardRecord] = {}
    where: dict[int, str] = {}
    for source_path, line, card in [(cards_path, n, c) for n, c in card_rows] + [
        (log_path, n, r.card) for n, r in entries if r.card is not None
    ]:
        known = cards.get(card.id)
        if known is None:
            cards[card.id] = card
            where[card.id] = f"{source_path}:{line}"
        elif _identity(known) != _identity(card):
            raise ImportLogError(
                f"{source_path}:{line}: card {card.id} differs from the card {card.id}"
                f" of {where[card.id]}"
            )
    full = {c.id: c for _, c in card_rows}
    summary = ImportLogSummary(cards_seen=set(cards))
    with transaction(conn):
        notes = store.note_ids(conn)
        tags = {c.file: c.tags for c in full.values() if c.file}
        for path in sorted(
            {c.file for c in cards.values() if c.file} | {r.file for _, r in entries if r.file}
        ):
            if path not in notes:
                note_tags = (
                    json.dumps(list(tags[path]), ensure_ascii=False) if path in tags else None
                )
                notes[path] = store.insert_note(conn, path, note_tags)
                summary.notes_added += 1
        stored = store.card_identities(conn, cards)
        new_cards = []
        for cid, card in sorted(cards.items()):
            if cid in stored:
                if stored[cid] != _identity(card):
                    raise ImportLogError(
                        f"{where[cid]}: the deck already holds another card {cid}; import-log"
                        " fills a new deck (--db NEW.db)"
                    )
                continue
            drill_kind = card.qhash.removeprefix("drill:") if card.kind == "drill" else None
            note_id = notes[card.file] if card.file else None
            new_cards.append(
                (
                    cid,
                    note_id,
                    card.deck,
                    card.kind,
                    card.sibling,
                    card.qhash,
                    card.front,
                    card.back,
                    card.line,
                    drill_kind,
                )
            )
        store.insert_cards(conn, new_cards)
        summary.cards_added = len(new_cards)
        _store_entries(conn, log_path, entries, notes, summary)
        _set_schedules(conn, cards, full, [r for _, r in entries], notes)
    return summary


def _store_entries(
    conn: sqlite3.Connection,
    log_path: Path,
    entries: list[tuple[int, LogRecord]],
    notes: dict[str, int],
    summary: ImportLogSummary,
) -> None:
    stored = store.log_rows(conn, (r.id for _, r in entries))
    seen: dict[int, tuple[Any, ...]] = {}
    rows = []
    for line, r in entries:
        key = _log_key(r)
        if r.id in seen:
            if seen[r.id] != key:
                raise ImportLogError(
                    f"{log_path}:{line}: log entry {r.id} appears twice, differently"
                )
            continue
        seen[r.id] = key
        if r.id in stored:
            if _stored_key(stored[r.id]) != key:
                raise ImportLogError(
                    f"{log_path}:{line}: the deck already holds another log entry {r.id};"
                    " import-log fills a new deck (--db NEW.db)"
                )
            summary.entries_present += 1
            continue
        rows.append((r.id, notes[r.file] if r.file else None, *key))
    rows.sort()
    store.insert_log(conn, rows)
    summary.entries_added = len(rows)


def _set_schedules(
    conn: sqlite3.Connection,
    cards: dict[int, CardRecord],
    full: dict[int, CardRecord],
    entries: list[LogRecord],
    notes: dict[str, int],
) -> None:
    replayed = _replay(entries)
    rows = []
    for cid in sorted(cards):
        state = replayed.get(cid, {})
        given = full.get(cid)
        if given is not None:
            state = dict(
                state,
                due=given.due,
                interval=given.interval,
                ease=given.ease,
                state=given.state,
                buried_until=given.buried_until,
                reps=given.reps,
                lapses=given.lapses,
            )
        due, interval, ease = state.get("due"), state.get("interval"), state.get("ease")
        raw = state.get("raw_group")
        if given is not None:
            # A group that is not the SM-2 numbers is one srs-dl keeps verbatim (FSRS).
            raw = given.group if given.group != sched_text(due, interval, ease) else None
            # The note's group as srs-dl last saw it: a review not yet written back
            # stays pending (the next import of the note keeps srs-dl's schedule).
            note_sched = given.note_group
            dirty = int(given.file is not None and given.note_group != given.group)
        else:
            # From the log alone the note's group is unknown: taken to be the card's.
            note_sched, dirty = sched_text(due, interval, ease, raw), 0
        rows.append(
            (
                due,
                interval,
                ease,
                state.get("state") or "new",
                state.get("buried_until"),
                int(state.get("reps") or 0),
                int(state.get("lapses") or 0),
                raw,
                note_sched,
                dirty,
                cid,
            )
        )
    store.set_schedules(conn, rows)
    store.set_note_reviews(
        conn,
        [
            (s.get("due"), s.get("interval"), s.get("ease"), notes[path])
            for path, s in sorted(_note_replay(entries).items())
        ],
    )
