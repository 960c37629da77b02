"""Issue 19, hostile configs and numbers: every config value checked at load (one line
naming the file, the line, the key and what is allowed; an unknown key a warning), and
dates or numbers out of range refused or clamped with one line, never an
"unexpected error". The catalogue's deck and helpers, real SQLite files."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from test_bad_input_catalog import Deck, assert_nothing_lost, make_deck

from srs_dl.core.config_schema import check_config


@pytest.fixture
def deck(tmp_path):  # noqa: ANN001, ANN201
    return make_deck(tmp_path)


BAD_VALUES = [
    ("scheduling", "base_ease = 0", "base_ease = 0: must be an integer from 130 to 1,000"),
    ("scheduling", 'base_ease = "abc"', 'base_ease = "abc": must be an integer from 130'),
    ("scheduling", "base_ease = true", "base_ease = true: must be an integer"),
    ("scheduling", "easy_bonus = nan", "easy_bonus = NaN: must be a number from 1 to 10"),
    ("scheduling", "max_interval = 1e9", "max_interval = 1000000000.0: must be a number from 1"),
    ("scheduling", 'load_balance = "yes"', 'load_balance = "yes": must be true or false'),
    ("review", 'writeback = "bogus"', 'writeback = "bogus": must be one of "immediate", "sync"'),
    ("review", "new_per_day = -5", "new_per_day = -5: must be an integer from 0 to 1,000,000"),
    ("review", "reviews_per_day = 1.5", "reviews_per_day = 1.5: must be an integer"),
    ("import", 'cloze = ["nope"]', 'cloze = ["nope"]: must be a list of "highlight", "bold"'),
    ("import", 'inline_sep = ""', 'inline_sep = "": must be a separator'),
    ("import", 'inline_sep = "  "', 'inline_sep = "  ": must be a separator'),
    ("import", 'multiline_sep = "a\\nb"', 'multiline_sep = "a\\nb": must be a separator'),
    ("import", 'inline_sep = ":::"', "inline_sep and inline_reversed_sep are both"),
    ("import", "all_notes = 1", "all_notes = 1: must be true or false"),
    ("import", 'flashcard_tags = [""]', 'flashcard_tags = [""]: must be a list of non-empty'),
]


@pytest.mark.parametrize(("section", "line", "message"), BAD_VALUES, ids=[b[1] for b in BAD_VALUES])
@pytest.mark.parametrize("command", [("due",), ("import", "VAULT")])
def test_a_bad_config_value_is_one_line_naming_file_line_and_key(
    deck: Deck, section: str, line: str, message: str, command: tuple[str, ...]
) -> None:
    before = deck.cards()
    good = deck.config.read_text()
    deck.config.write_text(f"# mine\n[{section}]\n{line}\n", encoding="utf-8")
    args = [str(deck.vault) if a == "VAULT" else a for a in command]
    result = deck.cli(*args)
    assert result.code == 1
    assert "Traceback" not in result.err and "unexpected error" not in result.err
    (shown,) = result.lines()
    assert shown.startswith(f"srs-dl: {deck.config}:3: [{section}] "), shown
    assert message in shown, shown
    deck.config.write_text(good, encoding="utf-8")
    assert_nothing_lost(before, deck.cards())


def test_every_bad_value_gets_its_own_line(deck: Deck) -> None:
    deck.config.write_text(
        '[scheduling]\nbase_ease = 0\n[review]\nwriteback = "bogus"\nnew_per_day = -5\n',
        encoding="utf-8",
    )
    result = deck.cli("due")
    assert result.code == 1
    assert [line.split(": [")[0] for line in result.lines()] == [
        f"srs-dl: {deck.config}:2",
        f"srs-dl: {deck.config}:4",
        f"srs-dl: {deck.config}:5",
    ]


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("colour = 1\n", ":1:", "unknown key 'colour'; ignored"),
        ("[review]\nnew_per_dya = 5\n", ":2:", "[review] has an unknown key 'new_per_dya'"),
        ("[import]\ncloze_pattern = []\n", ":2:", "[import] has an unknown key 'cloze_pattern'"),
        ("[looks]\ntheme = 1\n", ":1:", "unknown key 'looks'; ignored"),
    ],
)
def test_an_unknown_key_is_a_warning_naming_the_file(
    deck: Deck, text: str, where: str, what: str
) -> None:
    before = deck.cards()
    deck.config.write_text(text, encoding="utf-8")
    result = deck.cli("due")
    assert result.code == 0, result.err
    (shown,) = result.lines()[:1]
    assert shown.startswith(f"srs-dl: {deck.config}{where} "), shown
    assert what in shown, shown
    assert_nothing_lost(before, deck.cards())


def test_a_section_that_is_not_a_table(deck: Deck) -> None:
    deck.config.write_text('review = "fast"\n', encoding="utf-8")
    result = deck.cli("due")
    assert result.code == 1
    assert result.lines() == [f"srs-dl: {deck.config}:1: [review] must be a table"]


def test_an_empty_separator_on_the_command_line_is_refused(deck: Deck) -> None:
    before = deck.cards()
    result = deck.cli("import", str(deck.vault), "--inline-sep", "")
    assert result.code == 2
    assert result.lines() == [
        "srs-dl: --inline-sep '': must be a separator: text without line breaks, not empty or blank"
    ]
    assert_nothing_lost(before, deck.cards())
    assert all(c["state"] != "deleted" for c in deck.cards().values())


def test_the_schema_accepts_the_readme_example() -> None:
    import tomllib
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    assert check_config(tomllib.loads(example)) == []


# --- dates and numbers out of range -------------------------------------------------------


def test_a_due_date_past_the_calendar_is_clamped_to_its_last_day() -> None:
    import datetime as dt

    from srs_dl.core.scheduling.sm2 import add_days

    assert add_days(dt.date(9999, 12, 1), 100) == dt.date.max
    assert add_days(dt.date(9998, 12, 31), 1e300) == dt.date.max
    assert add_days(dt.date(2025, 1, 1), 2.5) == dt.date(2025, 1, 4)


@pytest.mark.parametrize("where", ["--today", "SRS_DL_TODAY"])
def test_a_today_past_the_last_reviewing_day_is_refused(deck: Deck, where: str) -> None:
    before = deck.cards()
    cid = str(deck.note_card_ids()[0])
    args = deck.args("grade", "good", cid)
    at = args.index("--today")
    del args[at : at + 2]
    if where == "--today":
        args += ["--today", "9999-12-05"]
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "srs_dl", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SRS_DL_TODAY": "9999-12-05"},
    )
    assert proc.returncode == (2 if where == "--today" else 1)
    assert proc.stderr.splitlines() == [
        f"srs-dl: {where}: 9999-12-05 is past 9998-12-31, the last day srs-dl reviews on"
        " (its forecasts and burials need the days after it to be dates)"
    ]
    assert_nothing_lost(before, deck.cards())


def test_a_card_due_at_the_end_of_the_calendar_can_be_graded(deck: Deck) -> None:
    note = deck.vault / "late.md"
    note.write_text("#flashcards\n\nLate::card\n<!--SR:!9998-12-30,3000,250-->\n", encoding="utf-8")
    assert deck.import_().err == ""
    (cid,) = [c["id"] for c in deck.cards().values() if c["file"] == str(note)]
    args = deck.args("grade", "good", str(cid))
    args[args.index("--today") + 1] = "9998-12-31"
    import contextlib
    import io

    from srs_dl.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    assert code == 0 and err.getvalue() == "", err.getvalue()
    assert "due 9999-12-31" in out.getvalue()
    assert "<!--SR:!9999-12-31," in note.read_text()


def test_the_issues_card_due_9999_12_01_imports_and_grades(deck: Deck) -> None:
    note = deck.vault / "far.md"
    note.write_text("#flashcards\n\nFar::future\n<!--SR:!9999-12-01,4,250-->\n", encoding="utf-8")
    result = deck.import_()
    assert result.code == 0 and result.err == "", result.err
    (card,) = [c for c in deck.cards().values() if c["file"] == str(note)]
    assert card["due"] == "9999-12-01"
    graded = deck.cli("grade", "good", str(card["id"]))
    assert graded.code == 0 and graded.err == "", graded.err
    assert "unexpected error" not in graded.err


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ("2025-01-01,99999999999999999999,250", "interval '99999999999999999999' is out of range"),
        ("2025-01-01,4,99999999999999999999", "ease '99999999999999999999' is out of range"),
        ("2025-01-01,4,1000001", "ease '1000001' is out of range (at most 100,000)"),
    ],
)
def test_a_number_too_large_in_a_comment_is_a_malformed_comment(
    deck: Deck, group: str, message: str
) -> None:
    before = deck.cards()
    note = deck.vault / "huge-numbers.md"
    note.write_text(f"#flashcards\n\nBig::numbers\n<!--SR:!{group}-->\n", encoding="utf-8")
    result = deck.import_()
    assert result.code == 0
    (line,) = [line for line in result.lines() if str(note) in line]
    assert line.startswith(f"{note}:4: malformed scheduling comment: {message}"), line
    after = deck.cards()
    assert_nothing_lost(before, after)
    (card,) = [c for c in after.values() if c["file"] == str(note)]
    assert card["state"] == "new"


@pytest.mark.parametrize("value", ["99999999999999999999999", "0", "-3", "9223372036854775808"])
def test_a_card_id_out_of_range_is_a_usage_error(deck: Deck, value: str) -> None:
    before = deck.cards()
    for command in (("grade", "good", value), ("history", value), ("suspend", value)):
        result = deck.cli(*command)
        assert result.code == 2, (command, result.err)
        assert "Traceback" not in result.err and "unexpected error" not in result.err
        assert "is not a card id (ids run from 1)" in result.lines()[-1]
    assert_nothing_lost(before, deck.cards())


def test_an_empty_separator_in_the_plugin_settings_is_not_used(deck: Deck) -> None:
    import json

    vault = deck.root / "obsidian"
    data = vault / ".obsidian" / "plugins" / "obsidian-spaced-repetition" / "data.json"
    data.parent.mkdir(parents=True)
    data.write_text(json.dumps({"settings": {"singleLineCardSeparator": ""}}))
    (vault / "n.md").write_text("#flashcards\n\nStill::a card\n", encoding="utf-8")
    result = deck.cli("import", str(vault))
    assert result.code == 0
    (line,) = [line for line in result.lines() if str(data) in line]
    assert line == f"{data}: singleLineCardSeparator '' is not a separator (empty or blank);" + (
        " srs-dl uses the default"
    )
    assert [c["front"] for c in deck.cards().values() if c["file"] == str(vault / "n.md")] == [
        "Still"
    ]
