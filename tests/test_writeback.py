"""Writing scheduling comments back: only the comment changes (issue 5 section 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from srs_dl.core.notes.model import NEVER_REVIEWED, Card, Comment, Question, SRGroup
from srs_dl.core.notes.writeback import apply_schedules, split_lines

G1 = (SRGroup(dt.date(2025, 3, 9), 8.0, 250),)
C1 = "<!--SR:!2025-03-09,8,250-->"
OLD = "<!--SR:!2025-03-01,5,250-->"
OLD_GROUPS = (SRGroup(dt.date(2025, 3, 1), 5.0, 250),)


def question(
    first: int,
    last: int,
    comment: Comment | None = None,
    *,
    fence: bool = False,
    siblings: int = 1,
) -> Question:
    cards = tuple(Card(i, "q", "a", None) for i in range(siblings))
    return Question(
        kind="inline",
        deck="flashcards",
        first_line=first,
        last_line=last,
        text="q::a",
        cards=cards,
        comment=comment,
        ends_in_fence=fence,
    )


def comment_at(text: str, line: int, *, adopted: bool = False) -> Comment:
    content = split_lines(text)[line - 1][0]
    start = content.index("<!--SR:")
    end = content.index("-->", start) + 3
    own = content[:start].strip() == ""
    return Comment(line, start, end, own, adopted, OLD_GROUPS)


def test_split_lines_keeps_every_ending() -> None:
    text = "a\r\nb\n\tc \r\n\nd"
    assert split_lines(text) == [
        ("a", "\r\n"),
        ("b", "\n"),
        ("\tc ", "\r\n"),
        ("", "\n"),
        ("d", ""),
    ]
    assert split_lines("a\n") == [("a", "\n"), ("", "")]
    assert split_lines("") == [("", "")]
    # a lone \r is text, not a line ending
    assert split_lines("a\rb\n") == [("a\rb", "\n"), ("", "")]
    for t in (text, "a\n", "", "x\r\n\r\n"):
        assert "".join(c + e for c, e in split_lines(t)) == t


def test_replace_in_place_keeps_crlf_tabs_and_trailing_spaces() -> None:
    text = f"#flashcards\r\n\r\nq::a \t{OLD}  \r\nnext\t \r\n"
    q = question(3, 3, comment_at(text, 3))
    assert apply_schedules(text, [(q, G1)]) == f"#flashcards\r\n\r\nq::a \t{C1}  \r\nnext\t \r\n"
    # the same without a final newline
    text2 = text.rstrip("\r\n")
    assert apply_schedules(text2, [(q, G1)]) == f"#flashcards\r\n\r\nq::a \t{C1}  \r\nnext\t "


def test_replace_on_its_own_line_keeps_position_whatever_the_setting() -> None:
    text = f"q::a\n  {OLD}\t\nrest"
    q = question(1, 1, comment_at(text, 2))
    want = f"q::a\n  {C1}\t\nrest"
    assert apply_schedules(text, [(q, G1)]) == want
    assert apply_schedules(text, [(q, G1)], same_line=True) == want


def test_insert_on_the_next_line_with_that_lines_ending() -> None:
    assert (
        apply_schedules("q::a\r\nmore\r\n", [(question(1, 1), G1)]) == f"q::a\r\n{C1}\r\nmore\r\n"
    )
    # mixed endings: the card's own line decides
    text = "#flashcards\r\nq::a \nmore\r\n"
    assert apply_schedules(text, [(question(2, 2), G1)]) == f"#flashcards\r\nq::a \n{C1}\nmore\r\n"


def test_insert_after_the_last_line_without_final_newline() -> None:
    text = "#flashcards\r\n\r\nq::a"
    assert apply_schedules(text, [(question(3, 3), G1)]) == f"#flashcards\r\n\r\nq::a\r\n{C1}"
    assert apply_schedules("q::a", [(question(1, 1), G1)]) == f"q::a\n{C1}"
    # with a final newline the comment line gets one too
    assert apply_schedules("q::a\n", [(question(1, 1), G1)]) == f"q::a\n{C1}\n"


def test_same_line() -> None:
    assert apply_schedules("q::a\nx\n", [(question(1, 1), G1)], same_line=True) == f"q::a {C1}\nx\n"
    # trailing whitespace stays where it was, before the comment
    assert apply_schedules("q::a \t\r\n", [(question(1, 1), G1)], same_line=True) == (
        f"q::a \t {C1}\r\n"
    )
    assert apply_schedules("q::a", [(question(1, 1), G1)], same_line=True) == f"q::a {C1}"
    # a block id stays at the end of its line, as the plugin writes it
    assert apply_schedules("q::a ^abc-1\n", [(question(1, 1), G1)], same_line=True) == (
        f"q::a {C1} ^abc-1\n"
    )


def test_after_a_closing_fence_always_the_next_line() -> None:
    text = "Code\n?\n```py\nx = 1\n```\n\nafter\n"
    q = question(1, 5, fence=True)
    want = f"Code\n?\n```py\nx = 1\n```\n{C1}\n\nafter\n"
    assert apply_schedules(text, [(q, G1)], same_line=True) == want
    assert apply_schedules(text, [(q, G1)]) == want


def test_adopted_comment_moves_next_to_its_card() -> None:
    # the user's note: the comment sits after "blank line", cut off by a blank line
    text = f"Stocastic Gradient Descent\n-?-\nanswer one\nanswer two\n\nblank line {OLD}\n\n#dl \n"
    q = question(1, 4, comment_at(text, 6, adopted=True))
    assert apply_schedules(text, [(q, G1)]) == (
        f"Stocastic Gradient Descent\n-?-\nanswer one\nanswer two\n{C1}\n\nblank line\n\n#dl \n"
    )
    # with the same-line setting it goes on the card's last line
    assert apply_schedules(text, [(q, G1)], same_line=True) == (
        f"Stocastic Gradient Descent\n-?-\nanswer one\nanswer two {C1}\n\nblank line\n\n#dl \n"
    )


def test_adopted_comment_alone_on_its_line_takes_the_line_with_it() -> None:
    text = f"Q\r\n?\r\nA\r\n\r\n{OLD}\r\n\r\nnext\r\n"
    q = question(1, 3, comment_at(text, 5, adopted=True))
    assert apply_schedules(text, [(q, G1)]) == f"Q\r\n?\r\nA\r\n{C1}\r\n\r\n\r\nnext\r\n"
    # the one space before it goes too (the writer's own separator); any other
    # whitespace, and the text after it, is the user's and stays
    text = f"Q\n?\nA\n\nsee {OLD} tail\n"
    q = question(1, 3, comment_at(text, 5, adopted=True))
    assert apply_schedules(text, [(q, G1)]) == f"Q\n?\nA\n{C1}\n\nsee tail\n"
    text = f"Q\n?\nA\n\nsee \t {OLD}\n"
    q = question(1, 3, comment_at(text, 5, adopted=True))
    assert apply_schedules(text, [(q, G1)]) == f"Q\n?\nA\n{C1}\n\nsee \t\n"
    text = f"Q\n?\nA\n\n \t {OLD}\n\nnext\n"
    q = question(1, 3, comment_at(text, 5, adopted=True))
    assert apply_schedules(text, [(q, G1)]) == f"Q\n?\nA\n{C1}\n\n\nnext\n"
    # the last line, without a final newline: the text still ends without one
    text = f"Q\n?\nA\n\n{OLD}"
    q = question(1, 3, comment_at(text, 5, adopted=True))
    assert apply_schedules(text, [(q, G1)]) == f"Q\n?\nA\n{C1}\n"


def test_several_updates_do_not_shift_each_other() -> None:
    text = (
        "#flashcards\r\n"
        "\r\n"
        "one::1\r\n"  # 3: no comment
        "two::2 " + OLD + "\r\n"  # 4: same-line comment
        "three::3\r\n"  # 5: no comment
        "\r\n"
        "Q\r\n?\r\nA\r\n"  # 7-9: adopted comment at 11
        "\r\n"
        "x " + OLD + "\r\n"
        "last::L"  # 12, no final newline
    )
    g2 = (SRGroup(dt.date(2025, 4, 1), 31.0, 270),)
    g3 = (SRGroup(dt.date(2025, 3, 2), 1.0, 230),)
    g4 = (SRGroup(dt.date(2025, 3, 4), 3.3, 250),)
    g5 = (SRGroup(dt.date(2025, 3, 1), 0.0, 210),)
    updates = [
        (question(12, 12), g5),
        (question(3, 3), G1),
        (question(7, 9, comment_at(text, 11, adopted=True)), g4),
        (question(4, 4, comment_at(text, 4)), g2),
        (question(5, 5), g3),
    ]
    got = apply_schedules(text, updates)
    assert got == (
        "#flashcards\r\n"
        "\r\n"
        "one::1\r\n"
        f"{C1}\r\n"
        "two::2 <!--SR:!2025-04-01,31,270-->\r\n"
        "three::3\r\n"
        "<!--SR:!2025-03-02,1,230-->\r\n"
        "\r\n"
        "Q\r\n?\r\nA\r\n"
        "<!--SR:!2025-03-04,3.3,250-->\r\n"
        "\r\n"
        "x\r\n"
        "last::L\r\n"
        "<!--SR:!2025-03-01,0,210-->"
    )
    # the order of the updates does not matter
    assert apply_schedules(text, list(reversed(updates))) == got


def test_all_siblings_in_one_comment() -> None:
    groups = (
        SRGroup(dt.date(2025, 3, 9), 8.0, 250),
        SRGroup(NEVER_REVIEWED, 1.0, 250),
        SRGroup(None, 0.0, 250, raw="fsrs,2025-03-10T09:00:00.000Z,3,2.5,5.1,2,3,0,0,-"),
    )
    got = apply_schedules("a ==x== ==y== ==z==\n", [(question(1, 1, siblings=3), groups)])
    assert got == (
        "a ==x== ==y== ==z==\n<!--SR:!2025-03-09,8,250!2000-01-01,1,250"
        "!fsrs,2025-03-10T09:00:00.000Z,3,2.5,5.1,2,3,0,0,--->\n"
    )


def test_stale_or_bad_updates_are_refused() -> None:
    text = f"q::a {OLD}\n"
    moved = Comment(1, 0, 10, False, False, OLD_GROUPS)
    with pytest.raises(ValueError, match="line 1: no scheduling comment at columns 0-10"):
        apply_schedules(text, [(question(1, 1, moved), G1)])
    with pytest.raises(ValueError, match="line 5: beyond the end"):
        apply_schedules(text, [(question(5, 5), G1)])
    with pytest.raises(ValueError, match="no schedule groups"):
        apply_schedules(text, [(question(1, 1), ())])
    with pytest.raises(ValueError, match="two updates for one question"):
        apply_schedules(text, [(question(1, 1), G1), (question(1, 1), G1)])
    gone = Comment(9, 0, 5, True, False, OLD_GROUPS)
    with pytest.raises(ValueError, match="line 9: scheduling comment beyond the end"):
        apply_schedules(text, [(question(1, 1, gone), G1)])
    assert apply_schedules(text, []) == text
