"""The tolerant frontmatter reader: tags, keys, the whole-note schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from srs_dl.core.notes.frontmatter import note_schedule, read_frontmatter
from srs_dl.core.notes.grammar import parse_note
from srs_dl.core.notes.model import NoteSchedule
from srs_dl.core.notes.settings import ParseSettings


def _fm(text: str):  # noqa: ANN202 - a test shortcut
    return read_frontmatter(text.split("\n"))


@pytest.mark.parametrize(
    "block, tags",
    [
        ("tags: [flashcards/dl/optim, notes]", ("#flashcards/dl/optim", "#notes")),
        ("tags:\n  - flashcards/a\n  - \"#card\"\n  - 'b'", ("#flashcards/a", "#card", "#b")),
        ("tags: flashcards, dl", ("#flashcards", "#dl")),
        ("tags: created/2021/10/19, node/topic/term", ("#created/2021/10/19", "#node/topic/term")),
        ("tags: flashcards dl  # a comment", ("#flashcards", "#dl")),
        ("tag: single", ("#single",)),
        ("tags:", ()),
        ("tags: []", ()),
    ],
)
def test_yaml_tags(block: str, tags: tuple[str, ...]) -> None:
    fm = _fm(f"---\n{block}\n---\nbody")
    assert fm.tags == tags
    assert fm.line_count == block.count("\n") + 3


def test_hash_tag_unquoted_is_read_with_a_warning() -> None:
    fm = _fm("---\ntags: #flashcards\n---")
    assert fm.tags == ("#flashcards",)
    assert [w.line for w in fm.warnings] == [2]


def test_json_frontmatter() -> None:
    fm = _fm(
        '---\n{"aliases":null,"tags":["Uni/LFS103","flashcards/LFS112"],"dg-publish":true}\n---'
    )
    assert fm.is_json and fm.tags == ("#Uni/LFS103", "#flashcards/LFS112")
    assert fm.keys == ("aliases", "tags", "dg-publish")
    assert fm.values["dg-publish"] == "true"
    broken = _fm('---\n{"tags": [\n---')
    assert broken.tags == () and broken.warnings


def test_keys_and_values() -> None:
    fm = _fm(
        '---\ndate created: 2022-07-22\n"quoted key": \'v\'\nsr-due: "2025-06-13"\n'
        "aliases:\n  - null\n---"
    )
    assert fm.keys == ("date created", "quoted key", "sr-due", "aliases")
    assert fm.values["sr-due"] == "2025-06-13" and fm.values["quoted key"] == "v"
    assert fm.key_lines["sr-due"] == 4


@pytest.mark.parametrize(
    "text",
    [
        "---\nunclosed: yes\n",
        "--- \nx: 1\n---",
        "text\n---\nx: 1\n---",
        "---\n: odd\n@@@\n  - stray\n---",
        "---\n---",
        "",
    ],
)
def test_never_raises(text: str) -> None:
    fm = _fm(text)
    assert fm.line_count in (0, 2, 3, 5)


def test_note_schedule() -> None:
    fm = _fm("---\nsr-due: 2025-06-13\nsr-interval: 4.5\nsr-ease: '250'\n---")
    assert note_schedule(fm) == (NoteSchedule(dt.date(2025, 6, 13), 4.5, 250), ())
    assert note_schedule(_fm("---\ntitle: x\n---")) == (None, ())
    missing, warnings = note_schedule(_fm("---\nsr-due: 2025-06-13\nsr-ease: 250\n---"))
    assert missing is None and "sr-interval" in warnings[0].message
    bad, warnings = note_schedule(_fm("---\nsr-due: soon\nsr-interval: x\nsr-ease: 0\n---"))
    assert bad is None and [w.line for w in warnings] == [2, 3, 4]


def test_frontmatter_lines_are_not_cards_and_count_as_lines() -> None:
    text = "---\ntags: [flashcards]\nq::not a card\n---\nreal::card\n"
    parsed = parse_note(text, ParseSettings())
    assert [(q.first_line, q.cards[0].front) for q in parsed.questions] == [(5, "real")]
    # Not YAML (a colon must be followed by a space): no key, a warning.
    assert parsed.frontmatter_keys == ("tags",)
    assert [w.line for w in parsed.warnings] == [3]
