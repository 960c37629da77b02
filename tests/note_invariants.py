"""What every ParsedNote must satisfy, whatever the note: used by the corpus and
property tests."""

from __future__ import annotations

import re

from srs_dl.core.notes.model import ParsedNote
from srs_dl.core.notes.sr_comment import unclosed_comment

_COMMENT = re.compile(r"[ \t]*<!--SR:.*?-->")
_SIBLINGS = {"inline": 1, "inline_reversed": 2, "multiline": 1, "multiline_reversed": 2}


def note_lines(text: str) -> list[str]:
    """The note's lines as the parser numbers them (a CR before LF is no character)."""
    return text.replace("\r\n", "\n").split("\n")


def _clean(line: str) -> str:
    return _COMMENT.sub("", line).rstrip()


def _is_subsequence(items: list[str], pool: list[tuple[str, str]]) -> bool:
    it = iter(pool)
    return all(any(item in candidates for candidates in it) for item in items)


def check_invariants(text: str, parsed: ParsedNote) -> None:
    lines = note_lines(text)
    n = len(lines)
    assert not [w for w in parsed.warnings if "internal parser error" in w.message]
    for w in parsed.warnings:
        assert 1 <= w.line <= n, w
    for h in parsed.headings:
        assert 1 <= h.line <= n and lines[h.line - 1].startswith("#" * h.level)
    previous_end = 0
    for q in parsed.questions:
        before = previous_end
        assert previous_end < q.first_line <= q.last_line <= n, q
        # A card's text is found at its lines: its first and last lines are the
        # span's ends and every line of it is one of the span's lines, in order.
        # (A comment inside a code block is code: the line then stays whole.)
        source = [(_clean(line), line.rstrip()) for line in lines[q.first_line - 1 : q.last_line]]
        text_lines = q.text.split("\n")
        assert text_lines[0] in source[0], (q.text, source)
        assert text_lines[-1] in source[-1], (q.text, source)
        assert _is_subsequence(text_lines, source), (q.text, source)
        assert q.cards, q
        assert [c.sibling for c in q.cards] == list(range(len(q.cards)))
        if q.kind in _SIBLINGS:
            assert len(q.cards) == _SIBLINGS[q.kind]
        assert q.deck and q.decks and q.deck == q.decks[0]
        previous_end = q.last_line
        c = q.comment
        if c is None:
            assert all(card.schedule is None for card in q.cards)
            continue
        assert 1 <= c.line <= n
        line = lines[c.line - 1]
        assert 0 <= c.start < c.end <= len(line)
        span = line[c.start : c.end]
        # A comment never closed (sr_comment.unclosed_comment) runs to the end of its line.
        closed = span.endswith("-->") or ("-->" not in span and span == line[c.start :].rstrip())
        assert span.startswith("<!--SR:") and closed
        assert c.own_line == (not line[: c.start].strip() and not line[c.end :].strip())
        if not c.adopted:
            # Inside the card's span, or (as the plugin reads it) on comment-only
            # lines opening its paragraph.
            assert before < c.line
            assert c.line >= q.first_line or all(
                _COMMENT.fullmatch(lines[k].rstrip())
                or lines[k].startswith(">")
                or (lines[k].lstrip().startswith("<!--SR:") and unclosed_comment(lines[k]))
                for k in range(c.line - 1, q.first_line - 1)
            )
            previous_end = max(previous_end, c.line)
        else:
            # Past blank lines (and the card's own unreadable next-line comment).
            assert c.line > q.last_line + 1
            assert all(
                not lines[k].strip() or lines[k].startswith("<!--SR:")
                for k in range(q.last_line, c.line - 1)
            )
            previous_end = c.line
        for k, card in enumerate(q.cards):
            group = c.groups[k] if k < len(c.groups) else None
            if group is None or group.is_new or (group.raw is not None and group.due is None):
                assert card.schedule is None
            else:
                assert card.schedule == group
