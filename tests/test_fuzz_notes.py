"""Issue 10, fuzzing: the parser and the comment writer on text nobody would write by hand.

tests/test_parser_properties.py (H1) runs the parser on any Unicode text and on
grammar fragments with LF and CRLF; tests/test_writeback_roundtrip.py (H2) checks the
round trip on well-formed notes and on a small ASCII alphabet. This file throws the
rest at them, and at the writer: any Unicode (astral planes, combining marks,
right-to-left marks, the BOM and zero-width characters inside a line), every line
ending Python knows (CRLF, lone CR, CR CR LF, U+2028, U+0085, VT, FF) mixed in one
note, tabs, Markdown (fences ``` and ~~~, open or closed, headings, lists, tables,
callouts, frontmatter), HTML (comments open, closed, nested; tags), scheduling
comments well and badly formed, lines of 20,000 characters, and other parse
settings (custom separators, an end marker, comments on the same line).

Properties:
- parse_note never raises on such notes, and what it returns points inside them;
- reading arbitrary bytes as a note either works or fails with one line (NoteReadError);
- writing schedules then parsing again finds the same questions with the written
  schedules (stable), writing the same schedules again changes nothing, and every
  byte outside the scheduling comments is kept (a BOM included).
"""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from srs_dl.core.notes.grammar import parse_note
from srs_dl.core.notes.model import NEVER_REVIEWED, ParsedNote, SRGroup
from srs_dl.core.notes.settings import CLOZE_STYLES, ParseSettings
from srs_dl.core.notes.writeback import apply_schedules
from srs_dl.vault.read import NoteReadError, decode_note

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Any character a UTF-8 file can hold (no lone surrogates).
ANY_CHAR = st.characters(blacklist_categories=("Cs",))
ODD_CHARS = st.sampled_from(
    [
        "\ufeff",
        "\u200b",
        "\u200d",
        "\u00a0",
        "\u2028",
        "\u2029",
        "\x85",
        "\x0b",
        "\x0c",
        "\r",
        "\t",
        "\u202e",
        "\u0301",
        "𝛽",
        "∇",
        "😀",
        "\\",
        "`",
        "|",
        "<",
        ">",
        "&",
        "*",
        "=",
        "{",
        "}",
        "[",
        "]",
    ]
)
ENDINGS = st.sampled_from(
    ["\n", "\n", "\n", "\r\n", "\r\n", "\r", "\r\r\n", "\u2028", "\x85", "\x0b", "\x0c"]
)

WORD = st.text(
    alphabet=st.one_of(st.sampled_from("abcxyz XYZ"), ODD_CHARS), min_size=1, max_size=12
)
FREE = st.text(alphabet=ANY_CHAR, max_size=30)

GOOD_COMMENTS = [
    "<!--SR:!2024-01-05,4,250-->",
    "<!--SR:!2024-01-05,4,250!2000-01-01,1,250-->",
    "<!--SR:!2025-06-30,36525,130-->",
    "<!--SR:!2024-01-05,3.3,230-->",
]
BAD_COMMENTS = [
    "<!--SR:!2024-02-30,4,250-->",
    "<!--SR:!2024-01-05,-1,250-->",
    "<!--SR:!2024-01-05,4,0-->",
    "<!--SR:!x,y,z-->",
    "<!--SR:",
    "<!--SR:!-->",
    "<!--SR:!2024-01-05,4,250!2024-01-06,5,250!2024-01-07,6,250-->",
    "<!--SR:!fsrs,1,2,3-->",
]


@st.composite
def fragment(draw: st.DrawFn) -> list[str]:
    """A few lines of Markdown, HTML or cards, with odd words in them."""
    w = [draw(WORD) for _ in range(4)]
    kind = draw(
        st.sampled_from(
            [
                "inline",
                "reversed",
                "multiline",
                "multiline-reversed",
                "custom-sep",
                "cloze",
                "fence",
                "tilde-fence",
                "open-fence",
                "html-comment",
                "open-html-comment",
                "nested-html-comment",
                "html-tag",
                "heading",
                "list",
                "table",
                "callout",
                "frontmatter",
                "tag-line",
                "comment",
                "bad-comment",
                "long-line",
                "free",
                "blank",
                "end-marker",
                "dataview",
            ]
        )
    )
    if kind == "inline":
        return [f"{w[0]}::{w[1]}"]
    if kind == "reversed":
        return [f"{w[0]}:::{w[1]}"]
    if kind == "multiline":
        return [w[0], "?", w[1], w[2]]
    if kind == "multiline-reversed":
        return [w[0], "??", w[1]]
    if kind == "custom-sep":
        return [w[0], "-?-", w[1]]
    if kind == "cloze":
        style = draw(st.sampled_from(["=={}==", "**{}**", "{{{{{}}}}}", "=={}::hint=="]))
        return [f"{w[0]} {style.format(w[1])} {w[2]}"]
    if kind == "fence":
        return ["```python", w[0] + "::" + w[1], "", "?", "```"]
    if kind == "tilde-fence":
        return ["~~~", w[0], "~~~"]
    if kind == "open-fence":
        return ["```", w[0] + "::" + w[1]]
    if kind == "html-comment":
        return [f"<!-- {w[0]} -->"]
    if kind == "open-html-comment":
        return [f"<!-- {w[0]}", w[1] + "::" + w[2]]
    if kind == "nested-html-comment":
        return [f"<!-- <!-- {w[0]} --> {w[1]} -->"]
    if kind == "html-tag":
        return [f'<div class="{w[0]}">{w[1]}::{w[2]}</div>', "<br>"]
    if kind == "heading":
        return [f"{'#' * draw(st.integers(1, 6))} {w[0]}"]
    if kind == "list":
        return [f"- {w[0]}::{w[1]}", f"  - {w[2]}", f"1. {w[3]}"]
    if kind == "table":
        return [f"| {w[0]} | {w[1]} |", "| --- | --- |", f"| {w[2]}::{w[3]} | x |"]
    if kind == "callout":
        return [f"> [!note] {w[0]}", f"> {w[1]}::{w[2]}"]
    if kind == "frontmatter":
        return ["---", f"tags: [flashcards, {w[0]}]", f"sr-due: {w[1]}", "---"]
    if kind == "tag-line":
        return [
            draw(
                st.sampled_from(
                    ["#flashcards", "#flashcards/deck/sub", "#review", "#flashcards #other"]
                )
            )
        ]
    if kind == "comment":
        return [draw(st.sampled_from(GOOD_COMMENTS))]
    if kind == "bad-comment":
        return [draw(st.sampled_from(BAD_COMMENTS))]
    if kind == "long-line":
        return [w[0] * 2 + "x" * draw(st.sampled_from([5000, 20000])) + "::" + w[1]]
    if kind == "end-marker":
        return [w[0], "?", w[1], "", w[2], "+++"]
    if kind == "dataview":
        return [f"up:: [[{w[0]}]]", f"n:: {w[1]}"]
    if kind == "blank":
        return [""]
    return [draw(FREE)]


@st.composite
def note_text(draw: st.DrawFn) -> str:
    lines = ["#flashcards", ""] if draw(st.booleans()) else []
    for frag in draw(st.lists(fragment(), min_size=1, max_size=10)):
        lines += frag
        if draw(st.booleans()):
            lines.append("")
        if draw(st.integers(0, 4)) == 0:  # a comment right after, or trailing on the line
            c = draw(st.sampled_from(GOOD_COMMENTS + BAD_COMMENTS[:2]))
            if draw(st.booleans()):
                lines.append(c)
            else:
                lines[-1] += draw(st.sampled_from([" ", "\t", "  "])) + c
        if draw(st.integers(0, 3)) == 0:
            lines[-1] += draw(st.sampled_from([" ", "\t", "  ", " \t"]))
    out = []
    for line in lines:
        out.append(line + draw(ENDINGS))
    text = "".join(out)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    if draw(st.integers(0, 5)) == 0:
        text = "\ufeff" + text  # a BOM the reader did not take off (one inside the text)
    return text


SETTINGS = st.sampled_from(
    [
        ParseSettings(),
        ParseSettings(comment_on_same_line=True),
        ParseSettings(multiline_sep="-?-", multiline_reversed_sep="-??-"),
        ParseSettings(end_marker="+++"),
        ParseSettings(inline_sep=";;", inline_reversed_sep=";;;"),
        ParseSettings(cloze_patterns=tuple(CLOZE_STYLES.values()), dataview_fields=True),
        ParseSettings(all_notes=True, folders_as_decks=True),
    ]
)

GROUP = st.builds(
    SRGroup,
    due=st.one_of(st.just(NEVER_REVIEWED), st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31))),
    interval=st.sampled_from([0.0, 1.0, 2.5, 3.3, 7.0, 180.0, 36525.0]),
    ease=st.integers(130, 500),
)


def line_count(text: str) -> int:
    return text.count("\n") + 1


def check_shape(parsed: ParsedNote, text: str) -> None:
    """What the parser returns points inside the note."""
    n = line_count(text)
    for q in parsed.questions:
        assert 1 <= q.first_line <= q.last_line <= n, (q.first_line, q.last_line, n)
        assert q.cards, q
        if q.comment is not None:
            assert 1 <= q.comment.line <= n
            assert 0 <= q.comment.start < q.comment.end
    for w in parsed.warnings:
        assert 0 <= w.line <= n and "\n" not in w.message


@FUZZ
@given(note_text(), SETTINGS)
def test_parser_survives_markdown_html_and_odd_line_endings(text: str, ps: ParseSettings) -> None:
    check_shape(parse_note(text, ps, folder_deck="deck"), text)


@FUZZ
@given(
    st.binary(max_size=300), st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"#flashcards\n"])
)
def test_any_bytes_read_as_a_note_or_fail_in_one_line(data: bytes, head: bytes) -> None:
    raw = head + data
    try:
        note = decode_note(raw)
    except NoteReadError as exc:
        assert exc.message and "\n" not in exc.message
        assert "\n" not in exc.where("/v/x.md")
        assert 0 <= exc.line <= raw.count(b"\n") + 1
        return
    assert note.encode(note.text) == raw, "decoding then encoding changed the bytes"
    check_shape(parse_note(note.text, ParseSettings()), note.text)


# --- the writer ------------------------------------------------------------------------------

_SR = r"<!--SR:[^>]*-->"


def outside_comments(text: str) -> str:
    """The text without scheduling comments, as the writer may add, change or move them:
    a line that holds only comments goes with its line ending (or, for a last line
    without one, the ending before it); elsewhere a comment goes with the spaces and
    space before it (the writer appends " " + comment). Lines end at "\\n", as the
    parser and writer split them."""
    pieces = text.split("\n")
    # A comment written after a last line without a line ending gives that line the
    # note's first line ending (the writer's rule); a lone "\r" ending the line before
    # is the user's text only when that ending is "\n".
    first_ending_crlf = len(pieces) > 1 and pieces[0].endswith("\r")
    kept: list[str] = []
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        body = piece[:-1] if piece.endswith("\r") and not last else piece
        if re.fullmatch(rf"[ \t]*(?:{_SR}[ \t]*)+", body):
            if last and kept:
                if first_ending_crlf:
                    kept[-1] = kept[-1].removesuffix("\r")
                kept.append("\x00drop-ending")
            continue
        kept.append(re.sub(rf" ?{_SR}", "", piece))
    out = ""
    for i, piece in enumerate(kept):
        if piece == "\x00drop-ending":
            out = out[:-1] if out.endswith("\n") else out
            continue
        out += piece + ("\n" if i < len(kept) - 1 else "")
    return out


def _writable(text: str) -> bool:
    # A user's own `<!--SR:` text that is no comment of a card (inside a fence, after a
    # `>` in `-->`) is compared as it is; strings that end one comment inside another
    # make "outside the comments" ambiguous, so they are left out.
    return "-->-->" not in text and "<!--SR:<!--SR:" not in text


@FUZZ
@given(note_text(), SETTINGS, st.data())
def test_write_then_parse_is_stable_and_keeps_every_other_byte(
    text: str, ps: ParseSettings, data: st.DataObject
) -> None:
    assume(_writable(text))
    before = parse_note(text, ps)
    updates = []
    for q in before.questions:
        if data.draw(st.booleans(), label=f"write line {q.first_line}"):
            updates.append((q, tuple(data.draw(GROUP) for _ in q.cards)))
    new = apply_schedules(text, updates, same_line=ps.comment_on_same_line)
    after = parse_note(new, ps)
    assert [(q.kind, q.text, len(q.cards), q.deck) for q in after.questions] == [
        (q.kind, q.text, len(q.cards), q.deck) for q in before.questions
    ]
    written = {q.first_line: groups for q, groups in updates}
    for old_q, new_q in zip(before.questions, after.questions, strict=True):
        if old_q.first_line in written:
            groups = written[old_q.first_line]
            assert new_q.comment is not None and new_q.comment.groups == groups
            assert [c.schedule for c in new_q.cards] == [None if g.is_new else g for g in groups]
        else:
            assert [c.schedule for c in new_q.cards] == [c.schedule for c in old_q.cards]
    assert outside_comments(new) == outside_comments(text)
    # Writing what the note now says changes nothing.
    again = [
        (q2, written[q1.first_line])
        for q1, q2 in zip(before.questions, after.questions, strict=True)
        if q1.first_line in written
    ]
    assert apply_schedules(new, again, same_line=ps.comment_on_same_line) == new


@FUZZ
@given(note_text(), st.data())
def test_bom_and_line_endings_survive_a_write_through_the_reader(
    text: str, data: st.DataObject
) -> None:
    assume(_writable(text))
    assume("\x00" not in text)  # the reader refuses a NUL byte (binary), by design
    raw = b"\xef\xbb\xbf" + text.encode("utf-8")
    note = decode_note(raw)
    parsed = parse_note(note.text, ParseSettings())
    updates = [(q, tuple(data.draw(GROUP) for _ in q.cards)) for q in parsed.questions]
    new = apply_schedules(note.text, updates)
    out = note.encode(new)
    assert out == b"\xef\xbb\xbf" + new.encode("utf-8")  # the BOM put back, once
    assert outside_comments(new) == outside_comments(text)
    # A comment line the writer adds ends as the line it follows: no CRLF is lost
    # (but an adopted comment's own line goes, with its ending, CRLF or not).
    if not any(q.comment is not None and q.comment.adopted for q in parsed.questions):
        assert out.count(b"\r\n") >= raw.count(b"\r\n")


# --- what the fuzzer found, kept as plain regression tests ----------------------------------


def _round_trip(text: str) -> tuple[ParsedNote, ParsedNote, str]:
    before = parse_note(text, ParseSettings())
    group = SRGroup(dt.date(2026, 3, 4), 3.0, 250)
    updates = [(q, tuple(group for _ in q.cards)) for q in before.questions]
    new = apply_schedules(text, updates)
    return before, parse_note(new, ParseSettings()), new


def test_a_written_comment_never_closes_an_open_html_comment() -> None:
    """`<!--` left open hides only its own line (grammar.py); the `-->` of a scheduling
    comment written below must not turn the lines between into one HTML comment."""
    before, after, new = _round_trip(
        "#flashcards\n\n<!-- draft\nWhat is Adam?::momentum + RMSprop\n"
    )
    assert [q.text for q in before.questions] == ["What is Adam?::momentum + RMSprop"]
    assert [q.text for q in after.questions] == [q.text for q in before.questions], new
    assert after.questions[0].cards[0].schedule is not None


def test_a_comment_written_after_an_unclosed_fence_is_read_back() -> None:
    """A multi-line answer ending in a fence never closed: the comment written after the
    card must be read as its schedule, not become part of the answer."""
    before, after, new = _round_trip("#flashcards\n\nAdam in code\n?\n```python\nopt = Adam()\n")
    assert len(before.questions) == 1
    assert [q.text for q in after.questions] == [q.text for q in before.questions], new
    assert after.questions[0].cards[0].schedule is not None
