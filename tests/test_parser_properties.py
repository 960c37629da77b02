"""Properties of the parser on any text: it never raises, its line spans stay in the
file, a card's text is found at its lines, comments sit where it says."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from note_invariants import check_invariants, note_lines

from srs_dl.core.notes import fast_init
from srs_dl.core.notes import tags as tags_mod
from srs_dl.core.notes.grammar import parse_note
from srs_dl.core.notes.model import Card, Comment, Question, SRGroup
from srs_dl.core.notes.settings import CLOZE_STYLES, ParseSettings
from srs_dl.core.notes.sr_comment import format_comment, parse_groups

# Lines that exercise the grammar, mixed with arbitrary text.
FRAGMENTS = [
    "",
    " ",
    "\t",
    "?",
    "??",
    "-?-",
    " ? ",
    "+++",
    "::",
    ":::",
    "q::a",
    "a:::b",
    "`x::y` z",
    "`a` q::a `b`",
    "key:: value",
    "> up:: [[Note\\|Alias]]",
    "> jump::",
    "n:: How to",
    "Question",
    "Answer line",
    "## Heading",
    "# Title #flashcards/x",
    "#flashcards",
    "#flashcards/a/b q::a",
    "#review",
    "#🧠 q->->->a",
    "- list ==cloze== item",
    "==a== and ==b==",
    "==1;;x== ==2;;y;;hint==",
    "==as;;x== ==sa;;y==",
    "**bold** text",
    "{{curly}} and {{1::x::h}}",
    "```",
    "```python",
    "~~~",
    "````",
    "    code",
    "<!--SR:!2025-03-01,4,230-->",
    "<!--SR:!2025-03-01,4,230!2000-01-01,1,250-->",
    "q::a <!--SR:!2025-03-01,12,270-->",
    "<!--SR:!01-03-2025,5,250-->",
    "<!--SR:!Sat Mar 01 2025,5,250-->",
    "<!--SR:!fsrs,2025-03-01T10:00:00.000Z,3,2.5,5,2,1,0,0,--->",
    "<!--SR:!fsrs,2025-03-01T10:00:00.000Z,3,2.5,5,2,1,0,0,-",
    "<!--SR:!2025-13-01,4,230-->",
    "<!--SR:!2025-03-01,-4,230-->",
    "<!--SR:!2025-03-01,4,0-->",
    "<!--SR:bad-->",
    "<!--SR:",
    "blank line <!--SR:!2025-02-22,3,250-->",
    "<!-- remark -->",
    "<!--",
    "-->",
    "<!-- open",
    "> [!sr|card-metadata]",
    "> <!--SR:!2025-03-01,4,230-->",
    "---",
    "tags: [flashcards/x]",
    "tags:",
    "  - flashcards/y",
    "sr-due: 2025-01-01",
    "sr-interval: 3",
    "sr-ease: 250",
    '{"tags": ["flashcards/j"]}',
    "[[Link]] and [[Other#h|a]]",
    "q::a ^block-1",
    "Ünïcödé 中文 ::答案",
    "$$x^2$$",
    "| a | b |",
    "<span>x</span>::y",
]
LINE = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=25))
NEWLINE = st.sampled_from(["\n", "\n", "\r\n"])


@st.composite
def notes(draw: st.DrawFn) -> str:
    lines = draw(st.lists(LINE, max_size=40))
    out = []
    for line in lines:
        out.append(line)
        out.append(draw(NEWLINE))
    return "".join(out[:-1]) if draw(st.booleans()) else "".join(out)


SETTINGS = st.sampled_from(
    [
        ParseSettings(),
        ParseSettings(all_notes=True),
        ParseSettings(all_notes=True, multiline_sep="-?-", dataview_fields=True),
        ParseSettings(all_notes=True, end_marker="+++", multiline_reversed_sep=""),
        ParseSettings(
            all_notes=True, inline_sep="->->->", inline_reversed_sep="", folders_as_decks=True
        ),
        ParseSettings(
            all_notes=True,
            cloze_patterns=tuple(CLOZE_STYLES.values()),
            flashcard_tags=("#🧠", "flashcards"),
        ),
        ParseSettings(all_notes=True, multiline_sep="::", inline_sep=";;", cloze_patterns=()),
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=notes(), parse_settings=SETTINGS, folder=st.sampled_from(["", "DL/Optim"]))
def test_never_raises_and_spans_hold(text: str, parse_settings: ParseSettings, folder: str) -> None:
    parsed = parse_note(text, parse_settings, folder_deck=folder)
    check_invariants(text, parsed)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300), parse_settings=SETTINGS)
def test_any_unicode_text(text: str, parse_settings: ParseSettings) -> None:
    check_invariants(text, parse_note(text, parse_settings))


@settings(max_examples=200, deadline=None)
@given(text=notes())
def test_crlf_and_lf_give_the_same_cards(text: str) -> None:
    lf = text.replace("\r\n", "\n")
    assume("\r" not in lf)
    a = parse_note(lf, ParseSettings(all_notes=True))
    b = parse_note(lf.replace("\n", "\r\n"), ParseSettings(all_notes=True))
    assert a == b


@settings(max_examples=200, deadline=None)
@given(text=notes())
def test_inline_card_text_splits_at_its_separator(text: str) -> None:
    parsed = parse_note(text, ParseSettings(all_notes=True))
    lines = note_lines(text)
    for q in parsed.questions:
        if q.kind == "inline":
            (card,) = q.cards
            assert "::" in lines[q.first_line - 1]
            assert card.back in q.text and card.front in lines[q.first_line - 1]


GROUPS = st.builds(
    SRGroup,
    due=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2200, 12, 31)),
    interval=st.one_of(
        st.integers(0, 40000).map(float), st.integers(0, 400000).map(lambda n: n / 10)
    ),
    ease=st.integers(1, 1000),
)


@given(st.lists(GROUPS, min_size=1, max_size=6))
def test_comment_round_trip(groups: list[SRGroup]) -> None:
    text = format_comment(groups)
    assert text.startswith("<!--SR:!") and text.endswith("-->")
    assert ".0," not in text
    assert parse_groups(text[len("<!--SR:") : -len("-->")]) == tuple(groups)


@given(st.lists(GROUPS, min_size=1, max_size=3))
def test_comment_in_a_note_is_read_back(groups: list[SRGroup]) -> None:
    n = len(groups)
    body = " ".join(f"==d{k}==" for k in range(n))
    text = f"#flashcards\n\nCloze {body} end\n{format_comment(groups)}\n"
    (q,) = parse_note(text, ParseSettings()).questions
    assert q.comment is not None and q.comment.groups == tuple(groups)
    assert [c.schedule for c in q.cards] == [None if g.is_new else g for g in groups]


@given(
    sibling=st.integers(0, 5),
    front=st.text(max_size=5),
    back=st.text(max_size=5),
    line=st.integers(1, 99),
    own=st.booleans(),
    adopted=st.booleans(),
)
def test_fast_constructors_match_the_dataclasses(
    sibling: int, front: str, back: str, line: int, own: bool, adopted: bool
) -> None:
    assert fast_init.FAST
    group = fast_init.new_group(dt.date(2025, 1, 2), 3.5, 250)
    assert group == SRGroup(dt.date(2025, 1, 2), 3.5, 250) and hash(group) == hash(
        SRGroup(dt.date(2025, 1, 2), 3.5, 250)
    )
    card = fast_init.new_card(sibling, front, back, group)
    assert card == Card(sibling, front, back, group)
    comment = fast_init.new_comment(line, 0, 5, own, adopted, (group,))
    assert comment == Comment(line, 0, 5, own, adopted, (group,))
    question = fast_init.new_question(
        "inline", "d", line, line, front, (card,), comment, own, ("d",)
    )
    assert question == Question("inline", "d", line, line, front, (card,), comment, own, ("d",))
    assert repr(question) == repr(
        Question("inline", "d", line, line, front, (card,), comment, own, ("d",))
    )


@given(st.text(alphabet="# \tab\r\xa0é", max_size=14))
def test_heading_fast_path_reads_as_the_heading_regex(line: str) -> None:
    m = tags_mod._HEADING_RE.match(line)
    expected = None if m is None else (len(m.group(1)), (m.group(2) or "").strip())
    assert tags_mod.heading_in_line(line) == expected
