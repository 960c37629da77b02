"""Issue 15 item 6: where srs-dl reads a note differently from the plugin's own unit
tests (tests/unit/parser.test.ts, tests/unit/data/deck.test.ts, v1.15.4), and why."""

from __future__ import annotations

import datetime as dt

from srs_dl.core.notes.grammar import parse_note
from srs_dl.core.notes.model import SRGroup
from srs_dl.core.notes.settings import ParseSettings
from srs_dl.core.notes.writeback import apply_schedules

END_MARKER = ParseSettings(all_notes=True, end_marker="---")
NEXT = (SRGroup(dt.date(2025, 3, 9), 8.0, 250),)


def test_end_marker_range_stops_at_the_text_and_the_comment_goes_where_the_plugin_puts_it() -> None:
    """The plugin's range for this card is lines 0-4 (the blank line before `---`
    included: its parser ends the card at the marker). srs-dl's is 0-3, the card's
    own text: the plugin writes the comment right after that text (it replaces the
    question's trimmed text with text + comment), so the comment lands in the same
    place either way, and srs-dl's range is what a write needs."""
    text = "Question\n?\nAnswer line 1\nAnswer line 2\n\n---\n"
    (q,) = parse_note(text, END_MARKER).questions
    assert (q.first_line, q.last_line) == (1, 4)  # 1-based: the plugin's 0-3 text, not 0-4
    assert q.text == "Question\n?\nAnswer line 1\nAnswer line 2"
    written = apply_schedules(text, [(q, NEXT)])
    assert (
        written == "Question\n?\nAnswer line 1\nAnswer line 2\n<!--SR:!2025-03-09,8,250-->\n\n---\n"
    )
    (again,) = parse_note(written, END_MARKER).questions
    assert again.cards[0].schedule == NEXT[0] and again.text == q.text


UNCLOSED = (
    "#flashcards/folder1\nQ13::A13\nQ14::A14 <!--SR:!2023-09-02,4,270\n"
    "Q15::A15 <!--SR:!2023-09-02,4,270\n\n\n"
)


def test_an_unclosed_comment_still_gives_its_schedule_and_is_closed_on_write() -> None:
    """The plugin's deck test counts Q14 and Q15 as due: its legacy `!date,interval,ease`
    extractor reads a schedule from a `<!--SR:` never closed. Making the card new would
    lose that schedule; srs-dl reads it, warns, and writes the comment closed (the
    plugin would append a second comment after the fragment and read the stale one)."""
    parsed = parse_note(UNCLOSED, ParseSettings())
    q13, q14, q15 = parsed.questions
    due = SRGroup(dt.date(2023, 9, 2), 4.0, 270)
    assert [q.cards[0].schedule for q in (q13, q14, q15)] == [None, due, due]
    assert (q14.text, q14.cards[0].back) == ("Q14::A14", "A14")
    assert [w.line for w in parsed.warnings] == [3, 4]
    assert all("without '-->': its schedule is read" in w.message for w in parsed.warnings)
    written = apply_schedules(UNCLOSED, [(q14, NEXT), (q15, NEXT)])
    assert written == (
        "#flashcards/folder1\nQ13::A13\nQ14::A14 <!--SR:!2025-03-09,8,250-->\n"
        "Q15::A15 <!--SR:!2025-03-09,8,250-->\n\n\n"
    )
    again = parse_note(written, ParseSettings())
    assert [q.text for q in again.questions] == ["Q13::A13", "Q14::A14", "Q15::A15"]
    assert again.warnings == ()


def test_an_unclosed_comment_that_does_not_read_stays_text() -> None:
    text = "#flashcards\nQ::A <!--SR:!soon\n<!--SR:!2023-09-02,4,270\n"
    parsed = parse_note(text, ParseSettings())
    (q,) = parsed.questions
    assert q.text == "Q::A <!--SR:!soon" and q.cards[0].schedule == SRGroup(
        dt.date(2023, 9, 2), 4.0, 270
    )
