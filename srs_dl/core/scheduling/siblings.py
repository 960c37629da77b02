"""Sibling burying: once a card is answered, the other cards of its question wait
until tomorrow (Anki's "bury new siblings" and "bury review siblings"; the plugin's
"bury sibling cards"). Siblings are the cards one question makes: a reversed
card's two sides, a cloze's deletions.

Plain data: the store says which question each card belongs to and which cards
were answered today; this decides what leaves the queue. A card answered today
itself stays (a failed card comes back, as Anki keeps a learning card).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from srs_dl.core.scheduling.queue import QueueItem

#: The question a card belongs to (the store uses the note and the question's hash).
SiblingKey = Hashable


@dataclass(frozen=True, slots=True)
class SiblingRule:
    bury_new: bool = True
    bury_review: bool = True

    @property
    def active(self) -> bool:
        return self.bury_new or self.bury_review


def bury_siblings(
    queue: Sequence[QueueItem],
    keys: Mapping[Any, SiblingKey],
    answered: Mapping[Any, Sequence[Any]],
    rule: SiblingRule,
) -> tuple[tuple[QueueItem, ...], tuple[QueueItem, ...]]:
    """(the queue without the cards a sibling's answer today buries, the cards taken out).

    `keys`: each card's question by card id (cards without one, drill cards, have no
    siblings); `answered`: per question, the ids of the cards answered today. (Mappings
    of Any: their key types are the store's, invariant under Mapping.)"""
    if not rule.active:
        return tuple(queue), ()
    kept: list[QueueItem] = []
    out: list[QueueItem] = []
    for item in queue:
        key = keys.get(item.id)
        by = answered.get(key, ()) if key is not None else ()
        if by and item.id not in by and (rule.bury_new if item.is_new else rule.bury_review):
            out.append(item)
        else:
            kept.append(item)
    return tuple(kept), tuple(out)
