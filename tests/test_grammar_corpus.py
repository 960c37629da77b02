"""Every note of ../shared/corpus/grammar/ gives exactly the cards its expected.json lists
(the plugin's default settings)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from srs_dl.core.notes.grammar import parse_note
from srs_dl.core.notes.model import ParsedNote
from srs_dl.core.notes.settings import ParseSettings

_GRAMMAR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "grammar"
# Collected at import so each note is its own test; without the corpus the
# placeholder still asks for shared_dir, which skips (or fails under CI).
_NAMES = sorted(p.name for p in _GRAMMAR.glob("*.md")) or ["<corpus missing>"]


def _cards(parsed: ParsedNote) -> list[dict[str, Any]]:
    out = []
    for q in parsed.questions:
        for card in q.cards:
            s = card.schedule
            out.append(
                {
                    "front": card.front,
                    "back": card.back,
                    "deck": q.deck,
                    "line": q.first_line,
                    "schedule": None
                    if s is None or s.due is None
                    else {"due": s.due.isoformat(), "interval": s.interval, "ease": s.ease},
                }
            )
    return out


def _read(path: Path) -> str:
    text = path.read_bytes().decode("utf-8")
    return text[1:] if text.startswith("\ufeff") else text


@pytest.fixture(scope="module")
def expected(shared_dir: Path) -> dict[str, Any]:
    return json.loads((shared_dir / "corpus" / "grammar" / "expected.json").read_text("utf-8"))


def test_expected_json_lists_every_note(shared_dir: Path, expected: dict[str, Any]) -> None:
    notes = {p.name for p in (shared_dir / "corpus" / "grammar").glob("*.md")}
    assert notes == set(expected["files"])


@pytest.mark.parametrize("name", _NAMES)
def test_grammar_note(shared_dir: Path, expected: dict[str, Any], name: str) -> None:
    entry = expected["files"][name]
    parsed = parse_note(_read(shared_dir / "corpus" / "grammar" / name), ParseSettings())
    assert _cards(parsed) == entry["cards"]
    if "plugin" in entry:
        # Where srs-dl does better than the plugin it says so, naming the line.
        assert _cards(parsed) != entry["plugin"]["cards"]
        assert parsed.warnings, "a deviation from the plugin must come with a warning"
    else:
        assert parsed.warnings == ()


def test_crlf_note_columns_ignore_the_carriage_return(shared_dir: Path) -> None:
    text = _read(shared_dir / "corpus" / "grammar" / "18_crlf.md")
    assert "\r\n" in text
    parsed = parse_note(text, ParseSettings())
    (q,) = parsed.questions
    assert q.text == "CRLF question::CRLF answer"
    assert q.comment is not None
    assert (q.comment.line, q.comment.start, q.comment.end) == (4, 0, 27)
    assert q.comment.own_line


def test_orphaned_comment_is_adopted_with_its_position(shared_dir: Path) -> None:
    parsed = parse_note(
        _read(shared_dir / "corpus" / "grammar" / "16_orphaned_comment.md"), ParseSettings()
    )
    (q,) = parsed.questions
    assert (q.first_line, q.last_line) == (3, 5)
    assert q.comment is not None and q.comment.adopted and q.comment.own_line
    assert (q.comment.line, q.comment.start, q.comment.end) == (7, 0, 27)
    assert [w.line for w in parsed.warnings] == [7]


def test_same_line_comment_position(shared_dir: Path) -> None:
    parsed = parse_note(
        _read(shared_dir / "corpus" / "grammar" / "11_comment_same_line.md"), ParseSettings()
    )
    (q,) = parsed.questions
    line = "What is momentum::An average of gradients <!--SR:!2025-03-01,12,270-->"
    assert q.comment is not None and not q.comment.own_line and not q.comment.adopted
    assert line[q.comment.start : q.comment.end] == "<!--SR:!2025-03-01,12,270-->"
    assert (q.first_line, q.last_line, q.text) == (
        3,
        3,
        "What is momentum::An average of gradients",
    )


def test_cloze_comment_keeps_every_group(shared_dir: Path) -> None:
    parsed = parse_note(
        _read(shared_dir / "corpus" / "grammar" / "12_cloze_two_schedules.md"), ParseSettings()
    )
    (q,) = parsed.questions
    assert q.kind == "cloze"
    assert q.comment is not None and len(q.comment.groups) == 2
    assert q.comment.groups[1].is_new
    assert [c.sibling for c in q.cards] == [0, 1]


def test_code_block_card_ends_in_fence(shared_dir: Path) -> None:
    parsed = parse_note(
        _read(shared_dir / "corpus" / "grammar" / "06_code_block_keeps_blank_lines.md"),
        ParseSettings(),
    )
    (q,) = parsed.questions
    assert q.ends_in_fence
    assert (q.first_line, q.last_line) == (3, 9)
