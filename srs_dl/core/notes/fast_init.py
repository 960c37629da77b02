"""Constructors for the hot frozen model classes that skip the generated `__init__`.

A frozen dataclass sets every field through `object.__setattr__`, about three
times slower than setting its slots directly; a large vault makes a few hundred
thousand of these objects, which was a tenth of the whole parse. Each builder
sets exactly the fields the class declares, in order, so the object is the same
as the one `cls(...)` makes (tests/test_parser_properties.py checks it). If the
model gains a field or loses its slots, the builder falls back to the class
itself, so a model change can never produce a half-built object.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from srs_dl.core.notes.model import Card, CardKind, Comment, Question, SRGroup

_new = object.__new__


def _setters(cls: type, expected: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...] | None:
    names = tuple(f.name for f in dataclasses.fields(cls))
    if names != expected or "__slots__" not in cls.__dict__ or hasattr(cls, "__post_init__"):
        return None
    return tuple(cls.__dict__[n].__set__ for n in names)


CARD_FIELDS = ("sibling", "front", "back", "schedule")
GROUP_FIELDS = ("due", "interval", "ease", "raw")
COMMENT_FIELDS = ("line", "start", "end", "own_line", "adopted", "groups")
QUESTION_FIELDS = (
    "kind",
    "deck",
    "first_line",
    "last_line",
    "text",
    "cards",
    "comment",
    "ends_in_fence",
    "decks",
)

_card = _setters(Card, CARD_FIELDS)
_group = _setters(SRGroup, GROUP_FIELDS)
_comment = _setters(Comment, COMMENT_FIELDS)
_question = _setters(Question, QUESTION_FIELDS)
FAST = all(s is not None for s in (_card, _group, _comment, _question))


def new_card(sibling: int, front: str, back: str, schedule: SRGroup | None) -> Card:
    if _card is None:
        return Card(sibling, front, back, schedule)
    obj = _new(Card)
    s0, s1, s2, s3 = _card
    s0(obj, sibling)
    s1(obj, front)
    s2(obj, back)
    s3(obj, schedule)
    return obj


def new_group(due: dt.date | None, interval: float, ease: int, raw: str | None = None) -> SRGroup:
    if _group is None:
        return SRGroup(due, interval, ease, raw)
    obj = _new(SRGroup)
    s0, s1, s2, s3 = _group
    s0(obj, due)
    s1(obj, interval)
    s2(obj, ease)
    s3(obj, raw)
    return obj


def new_comment(
    line: int, start: int, end: int, own_line: bool, adopted: bool, groups: tuple[SRGroup, ...]
) -> Comment:
    if _comment is None:
        return Comment(line, start, end, own_line, adopted, groups)
    obj = _new(Comment)
    s0, s1, s2, s3, s4, s5 = _comment
    s0(obj, line)
    s1(obj, start)
    s2(obj, end)
    s3(obj, own_line)
    s4(obj, adopted)
    s5(obj, groups)
    return obj


def new_question(
    kind: CardKind,
    deck: str,
    first_line: int,
    last_line: int,
    text: str,
    cards: tuple[Card, ...],
    comment: Comment | None,
    ends_in_fence: bool,
    decks: tuple[str, ...],
) -> Question:
    if _question is None:
        return Question(
            kind, deck, first_line, last_line, text, cards, comment, ends_in_fence, decks
        )
    obj = _new(Question)
    s0, s1, s2, s3, s4, s5, s6, s7, s8 = _question
    s0(obj, kind)
    s1(obj, deck)
    s2(obj, first_line)
    s3(obj, last_line)
    s4(obj, text)
    s5(obj, cards)
    s6(obj, comment)
    s7(obj, ends_in_fence)
    s8(obj, decks)
    return obj
