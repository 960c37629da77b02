"""Drill cards as an import keeps them: the deck `drills` with one card per kind, and
one card per (deck, kind) for every note section whose heading names a technique.

Only the database holds drill cards (kind 'drill', note_id NULL). A (deck, kind)
pair stays alive while some note's headings still ask for it (notes.drill_kinds);
when none does, its card is deleted like any card gone from its notes, and it comes
back with its history if a heading asks again.

The drill catalog loads NumPy: its names are imported in the functions that use
them, so a parse worker never loads it and the main process loads it while the
workers parse (prepare()).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from srs_dl.store.cards import StoredCard, has_drill_cards, stored_drill_cards
from srs_dl.store.notes import live_drill_pairs

if TYPE_CHECKING:
    from srs_dl.services.importing.card_merge import Merger

DRILL_DECK = "drills"


def heading_table(extra: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """The config's `[drills] headings` entries (the defaults are the drills package's own)."""
    return {str(name): tuple(kinds) for name, kinds in extra.items()}


def kinds_for(text: str, extra: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The drill kinds a heading names: the config's names first, then the defaults."""
    from srs_dl.core.drills.headings import kinds_for_heading

    if extra:
        found = kinds_for_heading(text, extra)
        if found:
            return tuple(found)
    return tuple(kinds_for_heading(text))


def heading_kinds() -> object:
    """The function workers call for each heading. The headings table (plain Python,
    no NumPy: the drills package resolves its names lazily) is imported here, before
    the workers start, so they inherit it."""
    import srs_dl.core.drills.headings  # noqa: F401

    return kinds_for


def prepare() -> None:
    """Import the drill catalog (NumPy) now, while the workers parse: sync() needs it."""
    import srs_dl.core.drills.catalog  # noqa: F401


def _front(kind: str) -> str:
    from srs_dl.core.drills import topic_for

    return f"Drill: {topic_for(kind)}"


def has_drill_deck(conn: sqlite3.Connection) -> bool:
    return has_drill_cards(conn, DRILL_DECK)


def sync(conn: sqlite3.Connection, merger: Merger) -> None:
    """Bring the drill cards in line with the kinds and the notes' headings."""
    from srs_dl.core.drills import KINDS

    known = set(KINDS)
    wanted = {(DRILL_DECK, k) for k in KINDS}
    wanted |= {(deck, kind) for deck, kind in live_drill_pairs(conn) if kind in known}
    existing: dict[tuple[str, str], StoredCard] = {}
    for stored in stored_drill_cards(conn):
        kind = stored.qhash.removeprefix("drill:")
        existing.setdefault((stored.deck, kind), stored)
    for deck, kind in sorted(wanted):
        card = existing.get((deck, kind))
        if card is None:
            merger.drill_inserts.append((merger.next_card_id, deck, kind, _front(kind)))
            merger.next_card_id += 1
            merger.new += 1
        elif card.state == "deleted":
            merger.restore(card)
    for pair, card in existing.items():
        if pair not in wanted:
            merger.delete(card)
