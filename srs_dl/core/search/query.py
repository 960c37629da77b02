"""The card browser's query language, parsed into terms (pure; the index matches them).

Query syntax: words must all appear (in front, back, deck or tags), in any
case; "quoted words" match as a phrase; `-word` excludes; `deck:x`, `tag:x`
(also `#x`: the card's deck, #tags in its text and its note's tags), `state:x`
and `kind:x` look in that field only; `is:due` keeps
cards due as of today (`is:new`, `is:suspended`, `is:buried` as the states).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

FIELDS = frozenset({"deck", "tag", "state", "kind", "is"})


@dataclass(frozen=True, slots=True)
class Term:
    field: str | None  # None: anywhere
    text: str  # casefolded
    negate: bool = False


def parse_query(query: str) -> tuple[Term, ...]:
    terms: list[Term] = []
    for match in re.finditer(r'(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S*))', query):
        negate, field, phrase, word = match.groups()
        text = phrase if phrase is not None else word or ""
        if field is not None and field.casefold() not in FIELDS:
            text, field = f"{field}:{text}", None
        if field is None and text.startswith("#") and len(text) > 1:
            field, text = "tag", text[1:]
        if field == "tag":
            text = text.lstrip("#")
        text = text.casefold()
        if not text:
            continue
        terms.append(Term(field.casefold() if field else None, text, bool(negate)))
    return tuple(terms)


def narrows(new: Sequence[Term], old: Sequence[Term]) -> bool:
    """Every card matching `new` matches `old`: each old word is inside a new one."""
    for term in old:
        if term.negate or term.field == "is":
            if term not in new:
                return False
        elif not any(
            t.field == term.field and not t.negate and _contains(t.text, term) for t in new
        ):
            return False
    return True


def _contains(new: str, old: Term) -> bool:
    # Fields matched by prefix narrow only when the old text is a prefix of the new one.
    return new.startswith(old.text) if old.field in ("state", "kind", "tag") else old.text in new
