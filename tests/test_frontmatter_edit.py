"""Setting sr-due / sr-interval / sr-ease in a note's frontmatter (issue 6)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs_dl.core.notes.frontmatter import note_schedule, read_frontmatter
from srs_dl.core.notes.frontmatter_edit import set_review_keys
from srs_dl.core.notes.model import NoteSchedule

S = NoteSchedule(dt.date(2025, 7, 4), 38.0, 270)


def read_back(text: str) -> NoteSchedule | None:
    lines = text.replace("\r\n", "\n").split("\n")
    return note_schedule(read_frontmatter(lines))[0]


def test_existing_keys_change_in_place() -> None:
    text = "---\nsr-due: 2025-05-30\nsr-interval: 1\nsr-ease: 230\n---\nbody\n"
    assert (
        set_review_keys(text, S)
        == "---\nsr-due: 2025-07-04\nsr-interval: 38\nsr-ease: 270\n---\nbody\n"
    )


def test_quoting_order_other_keys_and_crlf_are_kept() -> None:
    text = (
        "---\r\n"
        "id: Flow-Models\r\n"
        "aliases: []\r\n"
        "tags:\r\n"
        "  - AI\r\n"
        'sr-due: "2025-06-13"\r\n'
        "sr-ease:   220   # mine\r\n"
        "sr-interval: '1'\r\n"
        "created: 2021-12-01 \r\n"
        "---\r\n"
        "# Title\r\n"
        "text"
    )
    assert set_review_keys(text, S) == (
        "---\r\n"
        "id: Flow-Models\r\n"
        "aliases: []\r\n"
        "tags:\r\n"
        "  - AI\r\n"
        'sr-due: "2025-07-04"\r\n'
        "sr-ease:   270   # mine\r\n"
        "sr-interval: '38'\r\n"
        "created: 2021-12-01 \r\n"
        "---\r\n"
        "# Title\r\n"
        "text"
    )


def test_missing_keys_are_added_at_the_end_of_the_block() -> None:
    text = "---\ntags:\n  - review\nsr-ease: 250\n---\n\nbody"
    assert set_review_keys(text, NoteSchedule(dt.date(2025, 1, 2), 3.5, 250)) == (
        "---\ntags:\n  - review\nsr-ease: 250\nsr-due: 2025-01-02\nsr-interval: 3.5\n---\n\nbody"
    )
    assert set_review_keys("---\n---\nx", S) == (
        "---\nsr-due: 2025-07-04\nsr-interval: 38\nsr-ease: 270\n---\nx"
    )
    # an indented key belongs to something else
    text = "---\nother:\n  sr-due: 2020-01-01\n---\n"
    assert set_review_keys(text, S) == (
        "---\nother:\n  sr-due: 2020-01-01\nsr-due: 2025-07-04\nsr-interval: 38\nsr-ease: 270\n---\n"
    )


def test_a_note_without_frontmatter_gets_one_in_its_line_ending() -> None:
    assert set_review_keys("#review\r\nbody\r\n", S) == (
        "---\r\nsr-due: 2025-07-04\r\nsr-interval: 38\r\nsr-ease: 270\r\n---\r\n#review\r\nbody\r\n"
    )
    assert set_review_keys("", S) == "---\nsr-due: 2025-07-04\nsr-interval: 38\nsr-ease: 270\n---\n"
    assert set_review_keys("one line", S).endswith("---\none line")
    assert set_review_keys("\ufeffbody", S).startswith("\ufeff---\nsr-due: 2025-07-04\n")
    assert set_review_keys("\ufeff---\nsr-ease: 1\n---\n", S) == (
        "\ufeff---\nsr-ease: 270\nsr-due: 2025-07-04\nsr-interval: 38\n---\n"
    )
    # an unclosed block is no frontmatter (as Obsidian reads it)
    assert set_review_keys("---\nnot: closed\n", S).startswith("---\nsr-due: 2025-07-04\n")


def test_empty_and_block_values() -> None:
    assert set_review_keys("---\nsr-due:\nsr-interval: 2\nsr-ease: 250\n---\n", S) == (
        "---\nsr-due: 2025-07-04\nsr-interval: 38\nsr-ease: 270\n---\n"
    )
    with pytest.raises(ValueError, match="line 2: frontmatter key sr-due holds a block value"):
        set_review_keys("---\nsr-due:\n  - 2025-01-01\n---\n", S)
    with pytest.raises(ValueError, match="sr-ease holds '\\[1\\]'"):
        set_review_keys("---\nsr-ease: [1]\n---\n", S)


def test_json_frontmatter_is_edited_in_place() -> None:
    text = (
        '---\n{\n  "tags": ["review"],\n  "sr-due": "2025-01-01",\n  "sr-ease": 250\n}\n---\nbody\n'
    )
    got = set_review_keys(text, S)
    assert got == (
        '---\n{\n  "tags": ["review"],\n  "sr-due": "2025-07-04",\n  "sr-ease": 270, '
        '"sr-interval": 38\n}\n---\nbody\n'
    )
    body = got.split("---\n")[1]
    assert json.loads(body) == {
        "tags": ["review"],
        "sr-due": "2025-07-04",
        "sr-ease": 270,
        "sr-interval": 38,
    }
    assert set_review_keys("---\n{}\n---\n", S) == (
        '---\n{"sr-due": "2025-07-04", "sr-interval": 38, "sr-ease": 270}\n---\n'
    )
    with pytest.raises(ValueError, match="JSON frontmatter is not valid JSON"):
        set_review_keys('---\n{"a": 1,,}\n---\n', S)
    with pytest.raises(ValueError, match="could not set sr-due"):
        # the key only appears nested: the top level must not be faked
        set_review_keys('---\n{"x": {"sr-due": "2020-01-01"}, "sr-due": [1]}\n---\n', S)


def test_realworld_notes_change_only_their_review_keys(shared_dir: Path) -> None:
    folder = shared_dir / "corpus" / "realworld"
    files = [
        p for p in sorted(folder.glob("*.md")) if re.search(r"(?m)^sr-due:", p.read_text("utf-8"))
    ]
    assert len(files) >= 17
    for path in files:
        text = path.read_bytes().decode("utf-8")
        got = set_review_keys(text, S)
        old_lines = text.splitlines(keepends=True)
        new_lines = got.splitlines(keepends=True)
        assert len(old_lines) == len(new_lines), path.name
        changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
        assert {b.split(":")[0] for _, b in changed} <= {"sr-due", "sr-interval", "sr-ease"}
        for a, b in changed:
            assert a.split(":")[0] == b.split(":")[0]
            assert a[-1:] == b[-1:] and a.endswith("\r\n") == b.endswith("\r\n")
        assert re.search(r'(?m)^sr-due: "?2025-07-04"?\r?$', got), path.name
        assert re.search(r"(?m)^sr-interval: 38\r?$", got), path.name
        assert re.search(r"(?m)^sr-ease: 270\r?$", got), path.name
        assert read_back(got) == S, path.name


def test_written_schedules_read_back() -> None:
    for text in (
        "",
        "body",
        "#review\r\nbody\r\n",
        "---\ntags: [review]\n---\nx",
        '---\n{"tags": ["review"]}\n---\n',
        "---\nsr-due: '2020-01-01'\n---\n",
    ):
        assert read_back(set_review_keys(text, S)) == S, text


KEY = st.sampled_from(
    ["tags", "id", "aliases", "created", "title", "sr-due", "sr-ease", "sr-interval"]
)
VALUE = st.sampled_from(["", "x", "2021-12-01 ", '"quoted"', "'single'", "[a, b]", "12", "1.5"])


@given(
    st.lists(st.tuples(KEY, VALUE, st.sampled_from(["\n", "\r\n"])), max_size=8),
    st.dates(dt.date(2000, 1, 2), dt.date(2100, 1, 1)),
    st.sampled_from([0.0, 1.0, 2.5, 38.0, 36525.0]),
    st.integers(130, 500),
    st.sampled_from(["", "body\n", "# T\r\n\r\ntext"]),
)
def test_only_review_keys_change(
    keys: list[tuple[str, str, str]], due: dt.date, interval: float, ease: int, body: str
) -> None:
    # block values after an empty sr-* key are refused, so keep sr-* values plain
    fm = "".join(
        f"{k}: 1{e}" if k.startswith("sr-") and v in ("", "[a, b]") else f"{k}: {v}{e}"
        for k, v, e in keys
    )
    text = f"---\n{fm}---\n{body}"
    sched = NoteSchedule(due, interval, ease)
    got = set_review_keys(text, sched)
    assert read_back(got) == sched
    old = text.splitlines(keepends=True)
    new = got.splitlines(keepends=True)
    kept = [line for line in old if not line.startswith("sr-")]
    assert [line for line in new if not line.startswith("sr-")] == kept
    assert len(new) == len(old) + len(
        {"sr-due", "sr-interval", "sr-ease"} - {k for k, _, _ in keys}
    )
