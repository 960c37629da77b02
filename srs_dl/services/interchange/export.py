"""`srs-dl export csv|log`: the cards and the log as files other tools read.

The rows' shape is core.interchange.rows; the queries are store.export; the file
is written whole or not at all (vault.export_file). `export_cards` and
`export_log` are the use cases; `write_cards_csv` and `write_log` write into an
open stream.
"""

from __future__ import annotations

import contextlib
import csv
import json
import sqlite3
from collections.abc import Iterator
from typing import IO, Any, Literal

from srs_dl.core.interchange.rows import (
    CARD_FIELDS,
    LOG_FIELDS,
    CardRecord,
    LogRecord,
    card_identity,
    card_row,
    log_json,
    log_row,
)
from srs_dl.store import export as store
from srs_dl.store.cards import sched_text
from srs_dl.vault.export_file import ExportFileError, check_target, output

LogFormat = Literal["csv", "jsonl"]


class ExportError(Exception):
    """An export that cannot be made as asked (a deck that does not exist); one line."""


def check_out(out: str, *, force: bool) -> None:
    """OUT can be written (or replaced, with force): checked before any work."""
    try:
        check_target(out, force=force)
    except ExportFileError as exc:
        raise ExportError(str(exc)) from exc


@contextlib.contextmanager
def written(out: str, *, force: bool, binary: bool = False) -> Iterator[IO[Any]]:
    """A stream renamed over OUT when the block ends without error; errors as ExportError."""
    try:
        with output(out, force=force, binary=binary) as fh:
            yield fh
    except ExportFileError as exc:
        raise ExportError(str(exc)) from exc


def check_deck(conn: sqlite3.Connection, deck: str | None) -> None:
    if deck and not store.deck_exists(conn, deck):
        raise ExportError(f"deck {deck!r}: no such deck (srs-dl cards lists the decks' cards)")


def _tags(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return ()
    return tuple(str(t) for t in value) if isinstance(value, list) else ()


def card_record(row: store.ExportCard) -> CardRecord:
    return CardRecord(
        id=row.id,
        deck=row.deck,
        kind=row.kind,
        sibling=row.sibling,
        front=row.front,
        back=row.back,
        file=row.path,
        line=row.line,
        due=row.due,
        interval=None if row.interval is None else float(row.interval),
        ease=row.ease,
        state=row.state,
        buried_until=row.buried_until,
        reps=row.reps,
        lapses=row.lapses,
        group=sched_text(row.due, row.interval, row.ease, row.raw_group),
        note_group=row.note_sched,
        tags=_tags(row.tags),
        qhash=row.qhash,
    )


def json_object(text: str | None) -> dict[str, object] | None:
    """A stored JSON snapshot as a dict (None when absent or not an object)."""
    value = json.loads(text) if text else None
    return value if isinstance(value, dict) else None


def log_record(row: store.ExportLog) -> LogRecord:
    card = None
    if row.card_id is not None:
        card = card_identity(
            row.card_id,
            deck=row.deck or "",
            kind=row.kind or "",
            sibling=row.sibling or 0,
            front=row.front or "",
            back=row.back or "",
            file=row.path,
            line=row.line,
            qhash=row.qhash or "",
        )
    return LogRecord(
        id=row.id,
        at=row.at,
        day=row.day,
        action=row.action,
        response=row.response,
        source=row.source,
        undoes=row.undoes,
        card=card,
        file=row.path,
        before=json_object(row.before),
        after=json_object(row.after),
        detail=json_object(row.detail),
    )


def cards(conn: sqlite3.Connection, *, deck: str | None = None) -> Iterator[CardRecord]:
    for row in store.iter_cards(conn, deck=deck):
        yield card_record(row)


def log_entries(conn: sqlite3.Connection, *, deck: str | None = None) -> Iterator[LogRecord]:
    for row in store.iter_log(conn, deck=deck):
        yield log_record(row)


def write_cards_csv(conn: sqlite3.Connection, out: IO[str], *, deck: str | None = None) -> int:
    """The cards as CSV (CARD_FIELDS); the number of cards written."""
    writer = csv.writer(out)
    writer.writerow(CARD_FIELDS)
    n = 0
    for record in cards(conn, deck=deck):
        writer.writerow(card_row(record))
        n += 1
    return n


def export_cards(
    conn: sqlite3.Connection, out: str, *, force: bool = False, deck: str | None = None
) -> int:
    """`srs-dl export csv`: the number of cards written."""
    check_deck(conn, deck)
    with written(out, force=force) as fh:
        return write_cards_csv(conn, fh, deck=deck)


def export_log(
    conn: sqlite3.Connection,
    out: str,
    *,
    force: bool = False,
    deck: str | None = None,
    fmt: str | None = None,
) -> int:
    """`srs-dl export log`: the number of entries written (the format by OUT's suffix
    unless `fmt` names it)."""
    check_deck(conn, deck)
    with written(out, force=force) as fh:
        return write_log(conn, fh, log_format(out, fmt), deck=deck)


def log_format(out: str, given: str | None) -> LogFormat:
    """--format if given, else by OUT's suffix (.jsonl), else CSV."""
    if given:
        return "jsonl" if given == "jsonl" else "csv"
    return "jsonl" if out.lower().endswith((".jsonl", ".ndjson")) else "csv"


def write_log(
    conn: sqlite3.Connection, out: IO[str], fmt: LogFormat, *, deck: str | None = None
) -> int:
    """Every review and schedule change (LOG_FIELDS); the number of entries written."""
    n = 0
    if fmt == "jsonl":
        for record in log_entries(conn, deck=deck):
            out.write(json.dumps(log_json(record), ensure_ascii=False) + "\n")
            n += 1
        return n
    writer = csv.writer(out)
    writer.writerow(LOG_FIELDS)
    for record in log_entries(conn, deck=deck):
        writer.writerow(log_row(record))
        n += 1
    return n
