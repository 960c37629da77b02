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
from collections.abc import Sequence

_BRACKET_RE = re.compile(r"\[[^\[\]\n]*\]")
_ASKED = "[...]"


def _deletions(front: str, back: str) -> list[tuple[int, int, str | None]] | None:
    """(start, end, hint) in `back` of each place `front` asks; None if they do not fit."""
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
    found: list[tuple[int, int, str | None]] = []
    for k, bracket in enumerate(brackets, start=1):
        if match.group(k) == bracket:  # a literal bracket, in both texts
            continue
        hint = None if bracket == _ASKED else bracket[1:-1]
        found.append((match.start(k), match.end(k), hint))
    return found or None


def cloze_text(cards: Sequence[tuple[int, str, str]]) -> str | None:
    """The Anki Cloze text of a question's cards: (number, front, back) each, the
    number of the card's deletion (`c1` for sibling 0)."""
    if not cards:
        return None
    back = cards[0][2]
    if any(b != back for _, _, b in cards):
        return None
    spans: list[tuple[int, int, int, str | None]] = []
    for number, front, _ in cards:
        found = _deletions(front, back)
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
