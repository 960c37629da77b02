"""Property tests: writing comments then parsing again finds the same cards with the
written schedules, and the bytes outside the comments never change."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srs_dl.core.notes.model import NEVER_REVIEWED, ParsedNote, SRGroup
from srs_dl.core.notes.settings import ParseSettings
from srs_dl.core.notes.sr_comment import COMMENT_RE
from srs_dl.core.notes.writeback import apply_schedules, split_lines

grammar = pytest.importorskip("srs_dl.core.notes.grammar")


def parse(text: str) -> ParsedNote:
    return grammar.parse_note(text, ParseSettings(), folder_deck="")


# Plain words: no separator, cloze marker, tag, comment or fence can come out of them.
WORD = st.text(alphabet="abcdefghij XYZ", min_size=1, max_size=8).map(str.strip).filter(bool)
TRAIL = st.sampled_from(["", "", " ", "\t", "  \t"])
OLD_COMMENT = "<!--SR:!2024-01-05,4,250-->"
OLD_PAIR = "<!--SR:!2024-01-05,4,250!2000-01-01,1,250-->"


@st.composite
def block(draw: st.DrawFn) -> list[str]:
    """One paragraph: a card (maybe with a comment) or plain text."""
    kind = draw(st.sampled_from(["inline", "reversed", "multiline", "cloze", "fence", "text"]))
    q, a = draw(WORD), draw(WORD)
    where = draw(st.sampled_from(["none", "same", "next"]))
    if kind == "text":
        return [draw(WORD) + draw(TRAIL) for _ in range(draw(st.integers(1, 3)))]
    if kind == "inline":
        lines = [f"{q}::{a}"]
        old = OLD_COMMENT
    elif kind == "reversed":
        lines = [f"{q}:::{a}"]
        old = OLD_PAIR
    elif kind == "cloze":
        lines = [f"{q} =={a}== and =={q}x=="]
        old = OLD_PAIR
    elif kind == "multiline":
        lines = [q, "?", a]
        old = OLD_COMMENT
    else:
        lines = [q, "?", "```", a, "```"]
        old = OLD_COMMENT
        if where == "same":
            where = "next"
    if where == "same":
        lines[-1] += " " + old
    elif where == "next":
        lines.append(old)
    lines[0] += draw(TRAIL) if where != "same" or len(lines) > 1 else ""
    return lines


@st.composite
def note(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(block(), min_size=1, max_size=6))
    lines = ["#flashcards", ""]
    for b in blocks:
        lines.extend(b)
        lines.append("")
    if not draw(st.booleans()):
        lines.pop()  # sometimes no blank line at the end
    endings = draw(st.lists(st.sampled_from(["\n", "\r\n"]), min_size=len(lines), max_size=len(lines)))
    text = "".join(line + end for line, end in zip(lines, endings, strict=True))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


GROUP = st.builds(
    SRGroup,
    due=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    interval=st.sampled_from([0.0, 1.0, 3.0, 3.3, 7.5, 25.0, 36525.0]),
    ease=st.integers(130, 400),
)


def strip_comments(text: str) -> str:
    """The text without scheduling comments: a line holding only one goes whole
    (with its ending, or the previous line's when it is the last); elsewhere the
    comment goes with one space before it."""
    out: list[tuple[str, str]] = []
    for content, ending in split_lines(text):
        if COMMENT_RE.fullmatch(content.strip(" \t")):
            if not ending and out:
                out[-1] = (out[-1][0], "")
            continue
        out.append((re.sub(r" ?" + COMMENT_RE.pattern, "", content), ending))
    return "".join(c + e for c, e in out)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(note(), st.booleans(), st.data())
def test_write_then_parse_finds_the_written_schedules(
    text: str, same_line: bool, data: st.DataObject
) -> None:
    before = parse(text)
    assert before.questions, text
    updates = []
    for q in before.questions:
        if data.draw(st.booleans()):
            groups = tuple(data.draw(GROUP) for _ in q.cards)
            updates.append((q, groups))
    new_text = apply_schedules(text, updates, same_line=same_line)
    after = parse(new_text)

    # the same cards, in the same order
    assert [(q.kind, q.text, len(q.cards)) for q in after.questions] == [
        (q.kind, q.text, len(q.cards)) for q in before.questions
    ]
    written = {q.first_line: groups for q, groups in updates}
    by_text = {q.text: q for q in after.questions}
    for q in before.questions:
        got = by_text[q.text]
        if q.first_line in written:
            assert got.comment is not None and got.comment.groups == written[q.first_line]
            for card, group in zip(got.cards, written[q.first_line], strict=True):
                want = None if group.due == NEVER_REVIEWED else group
                assert card.schedule == want
        else:
            assert [c.schedule for c in got.cards] == [c.schedule for c in q.cards]

    # nothing but comments changed
    assert strip_comments(new_text) == strip_comments(text)
    # and writing the same schedules again changes nothing
    again = [(by_text[q.text], groups) for q, groups in updates]
    assert apply_schedules(new_text, again, same_line=same_line) == new_text


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("ab:?=#<!->\r\n\t `{}*SR")), max_size=200), st.booleans())
def test_any_text_writes_and_parses_back(text: str, same_line: bool) -> None:
    before = parse(text)
    group = SRGroup(dt.date(2025, 3, 1), 4.0, 250)
    updates = [(q, tuple(group for _ in q.cards)) for q in before.questions if q.cards]
    new_text = apply_schedules(text, updates, same_line=same_line)
    after = parse(new_text)
    assert len(after.questions) == len(before.questions)
    for q in after.questions:
        if q.cards:
            assert all(c.schedule == group for c in q.cards)
