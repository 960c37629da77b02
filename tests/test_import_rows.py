"""The importer's card rows come from the parser's question sink, not from Question
objects: they must say exactly what the parsed questions say."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_notes import SETTINGS, note_text

from srs_dl.core.notes.grammar import parse_note
from srs_dl.core.notes.settings import ParseSettings
from srs_dl.core.notes.sr_comment import format_group
from srs_dl.services.importing import worker as import_worker

TID = 7


def rows_from_questions(text: str, parse_settings: ParseSettings) -> list[tuple[Any, ...]]:
    """The row of every card, written out from the Question objects."""
    rows = []
    for q in parse_note(text, parse_settings, folder_deck="dl").questions:
        bad = int(q.comment is not None and not q.comment.groups)
        qh = import_worker.qhash(q.text)
        for c in q.cards:
            g = c.schedule
            head = (TID, q.deck, q.kind, c.sibling, qh, c.front, c.back, q.first_line, q.last_line)
            if g is None:
                rows.append((*head, None, None, None, None, None, bad))
            else:
                rows.append(
                    (
                        *head,
                        g.due.isoformat() if g.due else None,
                        float(g.interval),
                        int(g.ease),
                        format_group(g),
                        g.raw,
                        0,
                    )
                )
    return rows


def rows_from_sink(text: str, parse_settings: ParseSettings) -> tuple[list[tuple[Any, ...]], str]:
    rows = import_worker.ChunkRows()
    sink = import_worker._Rows(TID, rows)
    parse_note(text, parse_settings, folder_deck="dl", sink=sink.add)
    return rows.card_tuples(), sink.note_deck("folder")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=note_text(), parse_settings=SETTINGS)
def test_sink_rows_are_the_questions_rows(text: str, parse_settings: ParseSettings) -> None:
    rows, _ = rows_from_sink(text, parse_settings)
    assert rows == rows_from_questions(text, parse_settings)


@given(st.sampled_from([ParseSettings()]))
def test_sink_rows_of_a_known_note(parse_settings: ParseSettings) -> None:
    text = (
        "#flashcards/dl\n\nQ1::A1\n<!--SR:!2025-03-01,3,250-->\n\n"
        "Front:::Back\n<!--SR:!2025-03-02,4,260!2000-01-01,1,250-->\n\n"
        "A ==cloze== and ==two==\n<!--SR:bad-->\n"
    )
    rows, deck = rows_from_sink(text, parse_settings)
    assert rows == rows_from_questions(text, parse_settings)
    assert [(r[2], r[3], r[5], r[9], r[14]) for r in rows] == [
        ("inline", 0, "Q1", "2025-03-01", 0),
        ("inline_reversed", 0, "Front", "2025-03-02", 0),
        ("inline_reversed", 1, "Back", None, 0),  # 2000-01-01: never reviewed
        ("cloze", 0, "A [...] and two", None, 1),  # the comment is malformed
        ("cloze", 1, "A cloze and [...]", None, 1),
    ]
    assert deck == "flashcards/dl"
    assert rows_from_sink("no cards here", parse_settings) == ([], "folder")


@given(st.lists(st.text(alphabet='ab"\\\x01\x1fé \t', max_size=6), max_size=4))
def test_json_strings_is_json_dumps(items: list[str]) -> None:
    assert import_worker.json_strings(items) == json.dumps(items, ensure_ascii=False)
    assert json.loads(import_worker.json_strings(items)) == items
