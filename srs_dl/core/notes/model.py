"""What the parser finds in a note: plain, immutable data shared by the whole app.

Lines are 1-based; columns are 0-based character offsets into a line *without*
its line terminator. A "question" is one block of note text (one `q::a` line,
one multi-line card, one cloze paragraph); it yields one card per sibling
(two for reversed cards, one per deletion or group for clozes) and owns at most
one scheduling comment holding one `!...` group per sibling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

CardKind = Literal["inline", "inline_reversed", "multiline", "multiline_reversed", "cloze"]

#: The plugin writes this date for a sibling that was never reviewed.
NEVER_REVIEWED = dt.date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class SRGroup:
    """One `!date,interval,ease` group of a scheduling comment.

    `raw` holds the text (without the leading `!`) of a group srs-dl does not
    interpret, such as the plugin's FSRS format: it is written back verbatim.
    """

    due: dt.date | None
    interval: float
    ease: int
    raw: str | None = None

    @property
    def is_new(self) -> bool:
        return self.raw is None and self.due == NEVER_REVIEWED


@dataclass(frozen=True, slots=True)
class Comment:
    """Where a `<!--SR:...-->` comment sits and what it holds."""

    line: int
    start: int
    end: int
    own_line: bool
    adopted: bool
    groups: tuple[SRGroup, ...]


@dataclass(frozen=True, slots=True)
class Card:
    sibling: int
    front: str
    back: str
    #: None for a new card (no group for this sibling, or the 2000-01-01 marker).
    schedule: SRGroup | None


@dataclass(frozen=True, slots=True)
class Question:
    kind: CardKind
    deck: str
    first_line: int
    #: Last line of the card's own text (a same-line comment sits on it).
    last_line: int
    #: The card's source text without its comment, lines joined by "\n": its identity.
    text: str
    cards: tuple[Card, ...]
    comment: Comment | None
    #: A comment must go on the next line: a same-line one would not be read back
    #: (the last line closes a code fence, is an HTML comment or the separator).
    ends_in_fence: bool = False
    #: Every deck the plugin files this question under (several flashcard tags on
    #: one tag line); `deck` is the first. Empty when built by hand: use `deck`.
    decks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Heading:
    line: int
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class NoteSchedule:
    """A whole note's schedule, from its `sr-due`/`sr-interval`/`sr-ease` frontmatter."""

    due: dt.date
    interval: float
    ease: int


@dataclass(frozen=True, slots=True)
class ParseWarning:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class ParsedNote:
    questions: tuple[Question, ...] = ()
    #: Every tag of the note (frontmatter and body), with its leading `#`.
    tags: tuple[str, ...] = ()
    headings: tuple[Heading, ...] = ()
    #: Targets of `[[wikilinks]]` (without alias or heading), in order of appearance.
    links: tuple[str, ...] = ()
    is_flashcard_note: bool = False
    is_review_note: bool = False
    note_schedule: NoteSchedule | None = None
    warnings: tuple[ParseWarning, ...] = ()
    #: `key:: value` lines read as cards that look like Dataview fields
    #: (counted only while the `dataview_fields` setting is off).
    dataview_like_cards: int = 0
    frontmatter_keys: tuple[str, ...] = field(default=())
