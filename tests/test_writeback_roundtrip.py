"""Property tests: writing comments then parsing again finds the same cards with the
written schedules, and the bytes outside the comments never change."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srs_dl.core.notes.model import NEVER_REVIEWED, ParsedNote, SRGroup
from srs_dl.core.notes.settings import ParseSettings, from_plugin_data, resolve
from srs_dl.core.notes.sr_comment import COMMENT_RE, format_comment
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
    where = draw(st.sampled_from(["none", "same", "next", "adopted"]))
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
    elif where == "adopted":
        # cut off from its card by a blank line: the parser adopts it
        lines += ["", old]
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
    endings = draw(
        st.lists(st.sampled_from(["\n", "\r\n"]), min_size=len(lines), max_size=len(lines))
    )
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
    lines = split_lines(text)
    first_crlf = lines[0][1] == "\r\n"
    for content, ending in lines:
        if COMMENT_RE.fullmatch(content.strip(" \t")):
            if not ending and out:
                # Only the ending the writer puts before a comment on a new last line
                # (the note's first one) goes; a "\r" the note does not use is the user's.
                prev, prev_ending = out[-1]
                keep = "\r" if prev_ending == "\r\n" and not first_crlf else ""
                out[-1] = (prev + keep, "")
            continue
        out.append((re.sub(r" ?" + COMMENT_RE.pattern, "", content), ending))
    return "".join(c + e for c, e in out)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(note(), st.booleans(), st.data())
def test_write_then_parse_finds_the_written_schedules(
    text: str, same_line: bool, data: st.DataObject
) -> None:
    before = parse(text)
    # (a note of plain paragraphs has no question: then nothing may change)
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
    for q, got in zip(before.questions, after.questions, strict=True):
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
    after_by_line = dict(
        zip((q.first_line for q in before.questions), after.questions, strict=True)
    )
    again = [(after_by_line[q.first_line], groups) for q, groups in updates]
    assert apply_schedules(new_text, again, same_line=same_line) == new_text


@settings(max_examples=200)
@given(
    st.text(alphabet=st.sampled_from(list("ab:?=#<!->\r\n\t `{}*SR")), max_size=200), st.booleans()
)
def test_any_text_writes_and_parses_back(text: str, same_line: bool) -> None:
    before = parse(text)
    group = SRGroup(dt.date(2025, 3, 1), 4.0, 250)
    updates = [(q, tuple(group for _ in q.cards)) for q in before.questions if q.cards]
    new_text = apply_schedules(text, updates, same_line=same_line)
    after = parse(new_text)
    assert strip_comments(new_text) == strip_comments(text)
    assert len(after.questions) == len(before.questions)
    for q in after.questions:
        if q.cards:
            assert all(c.schedule == group for c in q.cards)


def test_the_users_note_adopted_comment(shared_dir: Path) -> None:
    """The seed note: line 122 "blank line <!--SR:...-->" holds the schedule of the
    card at lines 110-120; after a review the comment follows the card and line
    122 keeps its text."""
    path = shared_dir / "corpus" / "seed" / "How to optimize a deep net.md"
    text = path.read_bytes().decode("utf-8")
    opts = ParseSettings(all_notes=True, multiline_sep="-?-")
    parsed = grammar.parse_note(text, opts, folder_deck="")
    (card,) = [q for q in parsed.questions if q.text.startswith("Stocastic Gradient Descent")]
    assert card.comment is not None and card.comment.adopted and card.comment.line == 122
    group = SRGroup(dt.date(2025, 3, 1), 8.0, 250)
    new_text = apply_schedules(text, [(card, (group,))])
    old_lines = text.split("\n")
    new_lines = new_text.split("\n")
    assert new_lines[:120] == old_lines[:120]
    assert new_lines[120] == "<!--SR:!2025-03-01,8,250-->"
    assert new_lines[121] == old_lines[120] == ""
    assert new_lines[122] == "blank line"
    assert new_lines[123:] == old_lines[122:]
    again = grammar.parse_note(new_text, opts, folder_deck="")
    (card2,) = [q for q in again.questions if q.text == card.text]
    assert card2.comment is not None and not card2.comment.adopted
    assert card2.cards[0].schedule == group


def _realworld_settings(folder: Path) -> dict[str, dict[str, object]]:
    """File name -> the plugin settings of its repository (SOURCES.md, plugin-settings.json)."""
    repos: dict[str, str] = {}
    for line in (folder / "SOURCES.md").read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 4 and cells[2].endswith(".md"):
            repos[cells[2]] = cells[3]
    data = json.loads((folder / "plugin-settings.json").read_text("utf-8"))
    return {name: data.get(repo, {}) for name, repo in repos.items()}


def test_realworld_notes_change_only_in_comments(shared_dir: Path) -> None:
    folder = shared_dir / "corpus" / "realworld"
    per_file = _realworld_settings(folder)
    files = sorted(folder.glob("*.md"))
    checked = 0
    for path in files:
        if path.name not in per_file:
            continue
        text = path.read_bytes().decode("utf-8")
        plugin = per_file[path.name]
        opts = resolve({"all_notes": True}, from_plugin_data(plugin))
        before = grammar.parse_note(text, opts, folder_deck="")
        groups_for = {
            q.first_line: tuple(
                SRGroup(dt.date(2025, 3, 1) + dt.timedelta(days=i), float(i + 1), 250 + i)
                for i in range(len(q.cards))
            )
            for q in before.questions
            if q.cards
        }
        updates = [(q, groups_for[q.first_line]) for q in before.questions if q.cards]
        new_text = apply_schedules(text, updates, same_line=opts.comment_on_same_line)
        assert strip_comments(new_text) == strip_comments(text), path.name
        after = grammar.parse_note(new_text, opts, folder_deck="")
        assert [q.text for q in after.questions] == [q.text for q in before.questions], path.name
        for q, got in zip(before.questions, after.questions, strict=True):
            if q.cards:
                assert tuple(c.schedule for c in got.cards) == groups_for[q.first_line], (
                    path.name,
                    q.first_line,
                )
        checked += bool(updates)
    assert checked >= 30


# --- what the fuzzer (tests/test_fuzz_notes.py) found, as plain regression tests -----------

G = SRGroup(dt.date(2026, 3, 4), 3.0, 250)


def _write_all(text: str, opts: ParseSettings | None = None) -> tuple[ParsedNote, ParsedNote, str]:
    opts = opts or ParseSettings()
    before = grammar.parse_note(text, opts, folder_deck="")
    updates = [(q, tuple(G for _ in q.cards)) for q in before.questions]
    new_text = apply_schedules(text, updates, same_line=opts.comment_on_same_line)
    after = grammar.parse_note(new_text, opts, folder_deck="")
    assert [q.text for q in after.questions] == [q.text for q in before.questions], new_text
    for q in after.questions:
        assert [c.schedule for c in q.cards] == [G for _ in q.cards], new_text
    assert strip_comments(new_text) == strip_comments(text)
    assert (
        apply_schedules(
            new_text,
            [(q, tuple(G for _ in q.cards)) for q in after.questions],
            same_line=opts.comment_on_same_line,
        )
        == new_text
    )
    return before, after, new_text


@pytest.mark.parametrize("same_line", [False, True])
def test_a_scheduling_comment_never_closes_an_open_html_comment(same_line: bool) -> None:
    # `<!-- draft` is never closed: it hides its own line only, before and after the write
    opts = ParseSettings(comment_on_same_line=same_line)
    before, _, _ = _write_all("#flashcards\n\n<!-- draft\nq::a\nr::b\n", opts)
    assert [q.text for q in before.questions] == ["q::a", "r::b"]
    # a real `-->` further down still closes it, next to a scheduling comment or not
    text = "#flashcards\n\n<!-- draft\nq::a <!--SR:!2024-01-05,4,250-->\nend -->\nr::b\n"
    assert [q.text for q in grammar.parse_note(text, opts).questions] == ["r::b"]
    text = "#flashcards\n\n<!-- draft\nend --> <!--SR:!2024-01-05,4,250-->\nr::b\n"
    assert [q.text for q in grammar.parse_note(text, opts).questions] == ["r::b"]


@pytest.mark.parametrize("same_line", [False, True])
@pytest.mark.parametrize("tail", ["", "\n", "\n\n", " ^block-1\n"])
def test_a_comment_ending_a_card_in_an_unclosed_fence_is_its_schedule(
    same_line: bool, tail: str
) -> None:
    opts = ParseSettings(comment_on_same_line=same_line)
    text = f"#flashcards\n\nAdam in code\n?\n```python\nopt = Adam(){tail}"
    before, after, new_text = _write_all(text, opts)
    assert len(before.questions) == 1
    assert after.questions[0].comment is not None
    # the user's own `<!--SR:` text inside the fence, not at its end, stays code
    text = "#flashcards\n\nq\n?\n```\nx = '<!--SR:!2024-01-05,4,250-->'\ny = 1\n"
    (q,) = grammar.parse_note(text, opts).questions
    assert q.comment is None and "x = '<!--SR:!2024-01-05,4,250-->'" in q.text


def test_a_comment_in_a_closed_fence_stays_in_the_card_text() -> None:
    text = (
        "#flashcards\n\nq\n?\n```\n<!--SR:!2024-01-05,4,250-->\n``` <!--SR:!2024-01-05,4,250-->\n"
    )
    before, _, _ = _write_all(text)
    assert before.questions[0].comment is None
    assert before.questions[0].text.endswith(
        "<!--SR:!2024-01-05,4,250-->\n``` <!--SR:!2024-01-05,4,250-->"
    )


def test_a_broken_comment_after_an_inline_card_is_not_taken_by_it() -> None:
    # "<!--SR:" without "-->" below a card: the written comment would push it off the card
    before, after, _ = _write_all("#flashcards\n\nq::a\n<!--SR:\nr\n?\ns\n")
    assert [q.text for q in before.questions] == ["q::a", "<!--SR:\nr\n?\ns"]
    assert any("without '-->'" in w.message for w in after.warnings)


def test_same_line_comments_go_below_a_separator_or_html_last_line() -> None:
    opts = ParseSettings(comment_on_same_line=True)
    for text in (
        "#flashcards\n\nfront\n??\n\nnext\n",
        "#flashcards\n\nq\n?\na\n<!-- note -->\n",
        "#flashcards\n\nq\n?\na <!--SR:x\n",
    ):
        before, _, new_text = _write_all(text, opts)
        assert before.questions[0].ends_in_fence or "<!--SR:x" in text
        assert (
            f"\n{format_comment((G, G))}\n" in new_text or f"\n{format_comment((G,))}\n" in new_text
        )


def test_html_comments_opening_a_paragraph_stay_out_of_its_card() -> None:
    # an adopted comment opens the paragraph: once moved to its card, the paragraph
    # starts at the HTML comment, which was never part of the card below
    text = "#flashcards\n\nq::a\n\n<!--SR:!2024-01-05,4,250-->\n<!-- x -->\nr\n?\ns\n"
    before, _, _ = _write_all(text)
    assert [q.text for q in before.questions] == ["q::a", "r\n?\ns"]


def test_an_adopted_comment_takes_one_space_with_it() -> None:
    text = "#flashcards\n\nq::a\n\nsee \t<!--SR:!2024-01-05,4,250-->\n"
    _, _, new_text = _write_all(text)
    assert new_text.endswith("\n\nsee \t\n")


def test_removing_a_last_line_comment_keeps_a_cr_the_note_does_not_use() -> None:
    _, _, new_text = _write_all("#flashcards\n\nq::a\n\r\n<!--SR:!2024-01-05,4,250-->")
    assert new_text == f"#flashcards\n\nq::a\n{format_comment((G,))}\n\r"
    _, _, new_text = _write_all("#flashcards\r\n\r\nq::a\r\n\r\n<!--SR:!2024-01-05,4,250-->")
    assert new_text == f"#flashcards\r\n\r\nq::a\r\n{format_comment((G,))}\r\n"
    # a note of one line ending in a lone "\r": that "\r" stays the line's own
    _, _, new_text = _write_all("#flashcards q::a\r")
    assert new_text == f"#flashcards q::a\r\r\n{format_comment((G,))}"
