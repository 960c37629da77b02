"""The card browser's search: an in-memory index of every card, built once (in a
worker, by services.browse), searched on every keystroke.

Why not SQL per keystroke: a LIKE over front, back and deck reads every card
(50 ms of CPU for a page of 100,000 cards, as much again to count the matches),
and FTS5 matches tokens (a prefix query finds "ada" in "adam", not "dam"; the
trigram tokenizer needs three letters). A casefolded text per card and a
pre-sorted order per column keep a search to a few milliseconds; typing on
(a query that narrows the last one) only filters the last matches.

The query language is core.search.query's.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from srs_dl.core.scheduling.card import queue_state
from srs_dl.core.search.query import Term, narrows, parse_query

#: The table's columns, in order; each can be sorted on.
COLUMNS: tuple[str, ...] = ("deck", "due", "interval", "ease", "lapses", "state", "front")
_TAG = re.compile(r"(?<![\w#])#[^\s#,;:!?()\[\]{}\"']+")


@dataclass(frozen=True, slots=True)
class BrowseRow:
    id: int
    deck: str
    due: dt.date | None
    interval: float | None
    ease: int | None
    lapses: int
    state: str
    front: str
    back: str
    kind: str
    line: int | None
    path: str | None
    buried_until: dt.date | None = None
    #: The tags of the card's note (frontmatter and body), as the import stored them.
    note_tags: tuple[str, ...] = ()


def card_tags(row: BrowseRow) -> tuple[str, ...]:
    """The flashcard tag (the deck), any #tags in the card's text and its note's
    tags, casefolded."""
    found = {t.casefold() for t in _TAG.findall(row.front + "\n" + row.back)}
    if row.note_tags:
        found.update(_folded(row.note_tags))
    deck = "#" + row.deck.casefold()
    return (deck, *sorted(found - {deck, "#"}))


def _sort_key(column: str, today: dt.date) -> Callable[[BrowseRow], Any]:
    # Empty values (a new card's due, interval, ease) sort last; ties by id keep it stable.
    if column == "state":
        return lambda r: (effective_state(r, today), r.id)
    if column in ("deck", "front"):
        return lambda r: (getattr(r, column).casefold(), r.id)
    return lambda r: (getattr(r, column) is None, getattr(r, column) or 0, r.id)


class Matches(Sequence[BrowseRow]):
    """A search's result, in order; rows are looked up only when read (the table
    shows a page at a time of what may be 100,000 matches)."""

    def __init__(self, rows: list[BrowseRow], positions: np.ndarray) -> None:
        self._rows = rows
        self._positions = positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> BrowseRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[BrowseRow]: ...

    def __getitem__(self, index: int | slice) -> BrowseRow | list[BrowseRow]:
        if isinstance(index, slice):
            return [self._rows[i] for i in self._positions[index].tolist()]
        return self._rows[int(self._positions[index])]

    def index_of(self, card_id: int) -> int | None:
        """Where a card is in the result (None: not in it)."""
        for i, pos in enumerate(self._positions.tolist()):
            if self._rows[pos].id == card_id:
                return i
        return None


class CardIndex:
    """Every card of the deck (deleted ones too, found with `state:deleted`)."""

    def __init__(self, rows: Iterable[BrowseRow], today: dt.date) -> None:
        self.today = today
        self.rows: list[BrowseRow] = list(rows)
        self._pos = {row.id: i for i, row in enumerate(self.rows)}
        self._tags = [card_tags(row) for row in self.rows]
        self._hay = [
            self._haystack(row, tags) for row, tags in zip(self.rows, self._tags, strict=True)
        ]
        self._decks = [row.deck.casefold() for row in self.rows]
        self._taglines = [_tagline(tags) for tags in self._tags]
        self._orders: dict[str, np.ndarray] = {}
        self._ranks: dict[str, np.ndarray] = {}
        #: Per column, the rank from which rows have no value (they sort last).
        self._empty_from: dict[str, int] = {}
        self._last: tuple[tuple[Term, ...], list[int]] | None = None
        #: The log's newest id when the rows were read (see changed_since).
        self.log_mark = 0

    @staticmethod
    def _haystack(row: BrowseRow, tags: tuple[str, ...]) -> str:
        return "\x00".join((row.front, row.back, row.deck, " ".join(tags))).casefold()

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, card_id: int) -> BrowseRow | None:
        pos = self._pos.get(card_id)
        return None if pos is None else self.rows[pos]

    def order(self, column: str) -> np.ndarray:
        """Row positions sorted by `column` ascending (computed once per column)."""
        if column not in COLUMNS:
            raise ValueError(f"unknown column {column!r} (one of {', '.join(COLUMNS)})")
        order = self._orders.get(column)
        if order is None:
            key = _sort_key(column, self.today)
            rows = self.rows
            order = np.array(sorted(range(len(rows)), key=lambda i: key(rows[i])), dtype=np.intp)
            rank = np.empty(len(order), dtype=np.intp)
            rank[order] = np.arange(len(order), dtype=np.intp)
            self._orders[column], self._ranks[column] = order, rank
            empty = len(order)
            while empty and getattr(rows[order[empty - 1]], column) is None:
                empty -= 1
            self._empty_from[column] = empty
        return order

    def search(self, query: str, *, sort: str = "due", descending: bool = False) -> Matches:
        """The cards matching `query`, sorted by `sort`."""
        terms = parse_query(query)
        matched = self._match(terms)
        order = self.order(sort)
        rank = self._ranks[sort]
        positions: np.ndarray
        if matched is None:
            positions = order
        else:
            found = np.fromiter(matched, dtype=np.intp, count=len(matched))
            if len(found) * 8 < len(order):  # few: sort them
                positions = found[np.argsort(rank[found], kind="stable")]
            else:  # many: walk the column's order, keeping the ones found
                mask = np.zeros(len(self.rows), dtype=bool)
                mask[found] = True
                positions = order[mask[order]]
        if descending:
            # Reversed, but cards without a value (a new card's due) stay last.
            split = int(np.searchsorted(rank[positions], self._empty_from[sort]))
            positions = np.concatenate((positions[:split][::-1], positions[split:]))
        return Matches(self.rows, positions)

    def _match(self, terms: tuple[Term, ...]) -> list[int] | None:
        if not terms:
            self._last = None
            return None
        candidates: Iterable[int] = range(len(self.rows))
        if self._last is not None and narrows(terms, self._last[0]):
            candidates = self._last[1]
        out = list(candidates)
        # Plain words first: the cheapest test, and usually the most selective.
        for term in sorted(terms, key=lambda t: (t.field is not None, t.negate)):
            out = self._filter(out, term)
            if not out:
                break
        self._last = (terms, out)
        return out

    def _filter(self, positions: list[int], term: Term) -> list[int]:
        text, rows, hay, decks = term.text, self.rows, self._hay, self._decks
        test: Callable[[int], bool]
        if term.field is None:
            if term.negate:
                return [i for i in positions if text not in hay[i]]
            return [i for i in positions if text in hay[i]]
        if term.field == "deck":
            if term.negate:
                return [i for i in positions if text not in decks[i]]
            return [i for i in positions if text in decks[i]]
        if term.field == "tag":
            needle, lines = " " + text, self._taglines
            if term.negate:
                return [i for i in positions if needle not in lines[i]]
            return [i for i in positions if needle in lines[i]]
        if term.field == "state":  # as the table shows it: a burial that ended is over

            def test(i: int) -> bool:
                return effective_state(rows[i], self.today).startswith(text)
        elif term.field == "kind":

            def test(i: int) -> bool:
                return rows[i].kind.startswith(text)
        else:  # is:

            def test(i: int) -> bool:
                return self._is(rows[i], text)

        return [i for i in positions if test(i) != term.negate]

    def _is(self, row: BrowseRow, what: str) -> bool:
        state = effective_state(row, self.today)
        if what == "due":
            return state == "review" and row.due is not None and row.due <= self.today
        return state.startswith(what)

    def update(self, rows: Iterable[BrowseRow]) -> None:
        """Take in cards re-read after they changed (suspend, bury, reset, a review)."""
        changed = False
        for row in rows:
            changed = True
            tags = card_tags(row)
            pos = self._pos.get(row.id)
            if pos is None:
                self._pos[row.id] = len(self.rows)
                self.rows.append(row)
                self._tags.append(tags)
                self._hay.append(self._haystack(row, tags))
                self._decks.append(row.deck.casefold())
                self._taglines.append(_tagline(tags))
            else:
                self.rows[pos] = row
                self._tags[pos] = tags
                self._hay[pos] = self._haystack(row, tags)
                self._decks[pos] = row.deck.casefold()
                self._taglines[pos] = _tagline(tags)
        if changed:
            # Sort orders depend on the changed fields: rebuilt on the next search.
            self._orders.clear()
            self._ranks.clear()
            self._empty_from.clear()
            self._last = None


@functools.lru_cache(maxsize=4096)
def _tagline(tags: tuple[str, ...]) -> str:
    """Each tag and each of its sub-paths after a "/", space-led, so that `tag:x` (a tag,
    or a part of a nested tag, starting with x) is one substring test: " x" in it."""
    out: list[str] = []
    for tag in tags:
        parts = tag.lstrip("#").split("/")
        out.extend("/".join(parts[k:]) for k in range(len(parts)))
    return " " + " ".join(out)


def effective_state(row: BrowseRow, today: dt.date) -> str:
    return queue_state(row.state, row.buried_until, row.due is not None, today)


@functools.lru_cache(maxsize=4096)
def _folded(tags: tuple[str, ...]) -> frozenset[str]:
    # The cards of a note share its tags: folded once per note, not once per card.
    return frozenset("#" + t.lstrip("#").casefold() for t in tags)
