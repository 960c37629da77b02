"""An srs-dl cloze question as the text of one Anki Cloze note (`{{c1::answer::hint}}`).

srs-dl stores a cloze question as its cards' fronts and backs (core.notes.cloze):
every back shows all answers, each front shows its own deletions as `[...]` (or
`[hint]`). The deletions of card k are the places where its front has a bracket
and the back has other text; matching the front against the back, each bracket
a wildcard, finds them without the note or its cloze settings. Overlapping
deletions (backs that differ, or one place asked by two cards) have no Anki
Cloze equivalent: None, and the caller exports those cards as Basic notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_BRACKET_RE = re.compile(r"\[[^\[\]\n]*\]")
_ASKED = "[...]"


Found = list[tuple[int, int, str | None]]


def _found(spans: list[tuple[int, int, str]]) -> Found | None:
    """The asked places among (start, end, bracket) spans: literal brackets left out."""
    out = [(a, b, None if br == _ASKED else br[1:-1]) for a, b, br in spans]
    return out or None


def _deletions_by_search(front: str, back: str) -> Found | None:
    """(start, end, hint) in `back` of each place `front` asks, taking the first place
    each following piece of text occurs: right for nearly every card, and checked."""
    pieces = _BRACKET_RE.split(front)
    brackets = _BRACKET_RE.findall(front)
    if not brackets or not back.startswith(pieces[0]):
        return None
    pos = len(pieces[0])
    spans = []
    for k, (bracket, piece) in enumerate(zip(brackets, pieces[1:], strict=True)):
        last = k == len(brackets) - 1
        if last:
            end = len(back) - len(piece)
            if end <= pos or not back.endswith(piece):
                return None
        elif not piece:
            return None  # two brackets side by side: only the full match can split them
        else:
            end = back.find(piece, pos + 1)
            if end < 0:
                return None
        if back[pos:end] != bracket:
            spans.append((pos, end, bracket))
        pos = end + len(piece)
    return _found(spans)


def _deletions_by_match(front: str, back: str) -> Found | None:
    """The same, trying every way the front's brackets can cover the back's text."""
    pieces = _BRACKET_RE.split(front)
    brackets = _BRACKET_RE.findall(front)
    if not brackets:
        return None
    # A bracket that is literal text (a Markdown link's) matches itself first.
    pattern = re.escape(pieces[0]) + "".join(
        f"({re.escape(b)}|.+?){re.escape(p)}" for b, p in zip(brackets, pieces[1:], strict=True)
    )
    match = re.fullmatch(pattern, back, flags=re.DOTALL)
    if match is None:
        return None
    spans = [
        (match.start(k), match.end(k), b)
        for k, b in enumerate(brackets, start=1)
        if match.group(k) != b
    ]
    return _found(spans)


def cloze_text(cards: Sequence[tuple[int, str, str]]) -> str | None:
    """The Anki Cloze text of a question's cards: (number, front, back) each, the
    number of the card's deletion (`c1` for sibling 0)."""
    # The search is some 30 times faster than compiling a pattern per card.
    return _cloze(cards, _deletions_by_search) or _cloze(cards, _deletions_by_match)


def _cloze(
    cards: Sequence[tuple[int, str, str]], deletions: Callable[[str, str], Found | None]
) -> str | None:
    if not cards:
        return None
    back = cards[0][2]
    if any(b != back for _, _, b in cards):
        return None
    spans: list[tuple[int, int, int, str | None]] = []
    for number, front, _ in cards:
        found = deletions(front, back)
        if found is None:
            return None
        spans.extend((start, end, number, hint) for start, end, hint in found)
    spans.sort()
    for (_, end, _, _), (start, _, _, _) in zip(spans, spans[1:], strict=False):
        if start < end:
            return None
    out: list[str] = []
    pos = 0
    for start, end, number, hint in spans:
        answer = back[start:end]
        if "}}" in answer or "::" in answer:  # would end Anki's deletion early
            return None
        out.append(back[pos:start])
        out.append(f"{{{{c{number}::{answer}" + (f"::{hint}" if hint else "") + "}}")
        pos = end
    out.append(back[pos:])
    text = "".join(out)
    # Brackets in the text itself can make the match ambiguous: keep only a text that
    # gives back exactly these cards.
    if _DELETION_RE.sub(lambda m: m.group(2), text) != back:
        return None
    for number, front, _ in cards:
        if _front_of(text, number) != front:
            return None
    return text


_DELETION_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def _front_of(text: str, number: int) -> str:
    def shown(m: re.Match[str]) -> str:
        if int(m.group(1)) != number:
            return m.group(2)
        return f"[{m.group(3)}]" if m.group(3) else _ASKED

    return _DELETION_RE.sub(shown, text)
