"""`srs-dl export anki`: the deck as an Anki package (.apkg).

One Anki note per srs-dl question: Basic for `q::a` and multi-line cards, Basic (and
reversed card) for the reversed kinds (sibling 0 is Anki's card 1), Cloze for cloze
questions (sibling k is `c{k+1}`), and a Drill sample note per drill card. With
history, each card gets its schedule (due, interval, ease x10 as Anki's factor,
reps, lapses, suspended or buried) and its reviews become revlog rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
import tempfile
import time
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import genanki

from srs_dl.core.drills import generate
from srs_dl.core.interchange import anki_fields as fields
from srs_dl.core.interchange.anki_cloze import cloze_text
from srs_dl.core.interchange.anki_html import to_html
from srs_dl.core.interchange.anki_schedule import LoggedChange, anki_card, revlog_rows
from srs_dl.core.interchange.rows import CardRecord
from srs_dl.services.interchange import export
from srs_dl.services.interchange.anki_models import BASIC, CLOZE, DRILL, REVERSED
from srs_dl.store import anki_collection as collection
from srs_dl.store import export as store

_REVERSED = ("inline_reversed", "multiline_reversed")


@dataclass(frozen=True, slots=True)
class AnkiSummary:
    notes: int
    cards: int
    decks: int
    reviews: int


@dataclass(slots=True)
class _Built:
    notes: list[object]
    #: srs-dl card id -> (note guid, Anki card ord)
    placement: dict[int, tuple[str, int]]


def _question_key(c: CardRecord) -> tuple[object, ...]:
    if c.kind == "drill" or c.file is None:
        return ("card", c.id)
    return ("question", c.file, c.line, c.kind, c.qhash)


def _note(model: object, values: Sequence[str], guid: str, tags: list[str]) -> object:
    return genanki.Note(model=model, fields=list(values), guid=guid, tags=tags)


def _drill_note(c: CardRecord) -> object:
    # Lazy: NumPy loads only for an export that has drill cards.
    import numpy as np

    kind = c.qhash.removeprefix("drill:")
    seed = fields.drill_seed(c.deck, kind)
    f = fields.drill_fields(generate(kind, np.random.default_rng(seed)), seed)
    return _note(DRILL, (f.front, f.back, f.about), fields.note_guid(c.id), [])


def _question_notes(group: list[CardRecord], built: _Built) -> list[object]:
    """The Anki notes of one question's cards (sibling order), recording where each card went."""
    first = group[0]
    guid = fields.note_guid(first.id)
    tags = fields.tags(first.tags)
    source = fields.source(first.file, first.line)
    if first.kind == "drill":
        built.placement[first.id] = (guid, 0)
        return [_drill_note(first)]
    if first.kind == "cloze":
        text = cloze_text([(c.sibling + 1, c.front, c.back) for c in group])
        if text is not None:
            for c in group:
                built.placement[c.id] = (guid, c.sibling)
            return [_note(CLOZE, (to_html(text), source), guid, tags)]
    elif first.kind in _REVERSED:
        front, back = (first.front, first.back) if first.sibling == 0 else (first.back, first.front)
        for c in group:
            built.placement[c.id] = (guid, min(c.sibling, 1))
        return [_note(REVERSED, (to_html(front), to_html(back), source), guid, tags)]
    # Basic, and the cloze questions Anki's Cloze cannot hold: a note per card.
    notes = []
    for c in group:
        card_guid = guid if c is first else fields.note_guid(c.id)
        built.placement[c.id] = (card_guid, 0)
        notes.append(_note(BASIC, (to_html(c.front), to_html(c.back), source), card_guid, tags))
    return notes


def _build(records: list[CardRecord]) -> tuple[dict[str, object], _Built]:
    groups: dict[tuple[object, ...], list[CardRecord]] = {}
    for c in records:
        groups.setdefault(_question_key(c), []).append(c)
    decks: dict[str, object] = {}
    built = _Built([], {})
    for group in groups.values():
        group.sort(key=lambda c: (c.sibling, c.id))
        name = group[0].deck
        deck = decks.get(name)
        if deck is None:
            deck = decks[name] = genanki.Deck(fields.deck_id(name), fields.deck_name(name))
        for note in _question_notes(group, built):
            deck.add_note(note)  # type: ignore[attr-defined]
            built.notes.append(note)
    return decks, built


def _history(
    src: sqlite3.Connection,
    col: sqlite3.Connection,
    records: list[CardRecord],
    built: _Built,
    *,
    deck: str | None,
    today: dt.date,
    now: float,
) -> int:
    collection.use_v2_scheduler(col)
    anki_ids = collection.card_ids(col)
    anki_today = int((now - collection.day0(col)) // 86400)
    schedules = []
    for position, c in enumerate(records, start=1):
        card = anki_card(
            state=c.state,
            due=dt.date.fromisoformat(c.due) if c.due else None,
            interval=c.interval,
            ease=c.ease,
            reps=c.reps,
            lapses=c.lapses,
            buried_until=dt.date.fromisoformat(c.buried_until) if c.buried_until else None,
            today=today,
            anki_today=anki_today,
            new_position=position,
        )
        anki_id = anki_ids.get(built.placement[c.id])
        if anki_id is None:  # a side Anki makes no card of (an empty front)
            continue
        schedules.append(
            (
                card.type,
                card.queue,
                card.due,
                card.ivl,
                card.factor,
                card.reps,
                card.lapses,
                anki_id,
            )
        )
    collection.set_schedules(col, schedules)
    changes = [
        LoggedChange(
            log_id=lid,
            card_id=cid,
            at=at,
            action=action,
            response=response,
            before=export.json_object(before),
            after=export.json_object(after),
            undoes=undoes,
        )
        for lid, cid, at, action, response, before, after, undoes in store.iter_card_changes(
            src, deck=deck
        )
    ]
    rows = [
        (r.id, anki_ids[built.placement[r.card_id]], r.ease, r.ivl, r.last_ivl, r.factor, r.type)
        for r in revlog_rows(changes)
        if built.placement.get(r.card_id) in anki_ids
    ]
    collection.insert_revlog(col, rows)
    return len(rows)


def export_anki(
    conn: sqlite3.Connection,
    out: str,
    *,
    today: dt.date,
    force: bool = False,
    deck: str | None = None,
    with_history: bool = False,
) -> AnkiSummary:
    """`srs-dl export anki`: the package written whole to OUT."""
    export.check_deck(conn, deck)
    with export.written(out, force=force, binary=True) as fh:
        return write_package(conn, fh, today=today, deck=deck, with_history=with_history)


def write_package(
    conn: sqlite3.Connection,
    out: IO[bytes],
    *,
    today: dt.date,
    deck: str | None = None,
    with_history: bool = False,
    now: float | None = None,
) -> AnkiSummary:
    """Build the package into `out` (a zip: collection.anki2 and an empty media map).

    `now` stamps the notes' modification time: Anki updates a note it already has
    only from a newer one, so a re-export must carry the time it was made."""
    stamp = time.time() if now is None else now
    records = list(export.cards(conn, deck=deck))
    decks, built = _build(records)
    with tempfile.TemporaryDirectory(prefix="srs-dl-anki-") as tmp:
        db = str(Path(tmp) / "collection.anki2")
        col = collection.open_collection(db)
        try:
            with warnings.catch_warnings():
                # genanki warns on HTML it does not know; the fields are ours, rendered.
                warnings.simplefilter("ignore")
                genanki.Package(list(decks.values())).write_to_db(
                    col.cursor(), stamp, itertools.count(int(stamp * 1000))
                )
            reviews = 0
            if with_history:
                reviews = _history(conn, col, records, built, deck=deck, today=today, now=stamp)
            col.commit()
        finally:
            col.close()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
            package.write(db, "collection.anki2")
            package.writestr("media", "{}")
    return AnkiSummary(len(built.notes), len(records), len(decks), reviews)
