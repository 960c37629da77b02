"""The user's own note (../shared/corpus/seed/), read with --all-notes --multiline-sep -?-."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from srs_dl.core.notes.grammar import parse_note
from srs_dl.core.notes.model import ParsedNote, Question
from srs_dl.core.notes.settings import ParseSettings

SEED_SETTINGS = ParseSettings(all_notes=True, multiline_sep="-?-")


@pytest.fixture(scope="module")
def seed_text(shared_dir: Path) -> str:
    (path,) = sorted((shared_dir / "corpus" / "seed").glob("*.md"))
    return path.read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def seed(seed_text: str) -> ParsedNote:
    return parse_note(seed_text, SEED_SETTINGS)


def _sgd(parsed: ParsedNote) -> Question:
    (q,) = [q for q in parsed.questions if q.cards[0].front == "Stocastic Gradient Descent"]
    return q


def test_sgd_card_deck_schedule_and_answer(seed: ParsedNote, seed_text: str) -> None:
    q = _sgd(seed)
    (card,) = q.cards
    assert q.kind == "multiline"
    assert q.deck == "dl"
    assert card.schedule is not None
    assert (card.schedule.due, card.schedule.interval, card.schedule.ease) == (
        dt.date(2025, 2, 22),
        3,
        250,
    )
    lines = seed_text.split("\n")
    nine = [line.rstrip() for line in lines[111:120]]
    assert card.back.split("\n") == nine
    assert nine[0] == "nn optimization, mini-batch-size == 1"
    assert nine[-1].startswith("loss = criterion(outputs, targets)")
    assert "blank line" not in card.back


def test_sgd_card_span_and_adopted_comment(seed: ParsedNote, seed_text: str) -> None:
    q = _sgd(seed)
    assert (q.first_line, q.last_line) == (110, 120)
    line122 = seed_text.split("\n")[121]
    assert line122 == "blank line <!--SR:!2025-02-22,3,250-->"
    c = q.comment
    assert c is not None
    assert (c.line, c.adopted, c.own_line) == (122, True, False)
    assert line122[c.start : c.end] == "<!--SR:!2025-02-22,3,250-->"
    assert line122[: c.start] == "blank line "
    assert any(w.line == 122 and "adopted" in w.message for w in seed.warnings)


def test_first_line_field_is_a_card_unless_dataview_fields(
    seed: ParsedNote, seed_text: str
) -> None:
    assert seed_text.split("\n")[0] == "n:: How to optimize a deep net"
    first = [q for q in seed.questions if q.first_line == 1]
    assert [(q.kind, q.cards[0].front, q.cards[0].back) for q in first] == [
        ("inline", "n", "How to optimize a deep net")
    ]
    assert seed.dataview_like_cards == 1

    with_fields = parse_note(
        seed_text, ParseSettings(all_notes=True, multiline_sep="-?-", dataview_fields=True)
    )
    assert [q for q in with_fields.questions if q.first_line == 1] == []
    assert with_fields.dataview_like_cards == 0
    assert _sgd(with_fields).cards == _sgd(seed).cards


def test_note_level_facts(seed: ParsedNote) -> None:
    assert seed.tags == ("#review", "#dl")
    assert seed.is_review_note
    assert not seed.is_flashcard_note
    assert seed.links == ("DL Optim", "DL Optim", "RR/DL/DL strategy", "RR/DL/DL strategy")
    assert seed.headings[0].line == 14 and seed.headings[0].level == 2
    assert seed.headings[0].text == "MINI-BATCH - Batch vs. Mini-Batch Gradient Descent"
    assert [q.deck for q in seed.questions] == ["dl"] * len(seed.questions)
    assert len(seed.questions) == 2


def test_without_all_notes_the_note_gives_no_cards(seed_text: str) -> None:
    parsed = parse_note(seed_text, ParseSettings(multiline_sep="-?-"))
    assert parsed.questions == ()
    assert parsed.is_review_note


def test_with_the_default_separator_the_comment_is_an_orphan(seed_text: str) -> None:
    parsed = parse_note(seed_text, ParseSettings(all_notes=True))
    assert all(q.cards[0].front != "Stocastic Gradient Descent" for q in parsed.questions)
    assert any(w.line == 122 and "no card" in w.message for w in parsed.warnings)
