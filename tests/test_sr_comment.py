"""Reading and writing `<!--SR:...-->` as the plugin (v1.15) does."""

from __future__ import annotations

import datetime as dt

import pytest

from srs_dl.core.notes.model import SRGroup
from srs_dl.core.notes.sr_comment import (
    format_comment,
    format_interval,
    parse_date,
    parse_group,
    parse_groups,
)


def test_plain_groups() -> None:
    assert parse_groups("!2025-03-01,4,230!2000-01-01,1,250") == (
        SRGroup(dt.date(2025, 3, 1), 4, 230),
        SRGroup(dt.date(2000, 1, 1), 1, 250),
    )
    assert parse_groups("!2000-01-01,1,250")[0].is_new
    # Older comments have no leading "!"; spaces are tolerated as the plugin trims.
    assert parse_groups("2021-08-11, 4, 270") == (SRGroup(dt.date(2021, 8, 11), 4, 270),)


@pytest.mark.parametrize(
    "text, date",
    [
        ("2025-03-01", dt.date(2025, 3, 1)),
        ("01-03-2025", dt.date(2025, 3, 1)),
        ("Sat Mar 01 2025", dt.date(2025, 3, 1)),
        ("2025-3-1", dt.date(2025, 3, 1)),
    ],
)
def test_dates_the_plugin_reads(text: str, date: dt.date) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize(
    "body, words",
    [
        ("!2025-13-01,4,230", "no such day"),
        ("!2025/03/01,4,230", "bad date"),
        ("!2025-03-01,-4,230", "negative interval"),
        ("!2025-03-01,4,0", "above 0"),
        ("!2025-03-01,4,-5", "above 0"),
        ("!2025-03-01,4x,230", "bad interval"),
        ("!2025-03-01,4,abc", "bad ease"),
        ("!2025-03-01,4", "fields"),
        ("!", "no group"),
        ("", "no group"),
    ],
)
def test_malformed_comments_raise_a_clear_error(body: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_groups(body)


def test_fsrs_group_is_kept_verbatim() -> None:
    raw = "fsrs,2025-03-01T10:00:00.000Z,3,2.5,5,2,1,0,0,-"
    (group,) = parse_groups("!" + raw)
    assert group.raw == raw and not group.is_new
    assert group.due == dt.date(2025, 3, 1) and group.interval == 3
    assert group.ease == 263  # the plugin's difficultyToEase(5)
    mixed = f"<!--SR:!2025-03-01,4,230!{raw}-->"
    assert format_comment(parse_groups(mixed[7:-3])) == mixed
    (never,) = parse_groups("!fsrs,-,0,0,5,0,0,0,0,-")
    assert never.due is None and never.raw == "fsrs,-,0,0,5,0,0,0,0,-"


def test_format_as_the_plugin_writes() -> None:
    groups = [SRGroup(dt.date(2025, 3, 1), 4.0, 230), SRGroup(dt.date(2000, 1, 1), 1.0, 250)]
    assert format_comment(groups) == "<!--SR:!2025-03-01,4,230!2000-01-01,1,250-->"
    assert (
        format_comment([SRGroup(dt.date(2025, 3, 1), 7.5, 250)]) == "<!--SR:!2025-03-01,7.5,250-->"
    )
    assert format_comment([SRGroup(None, 1.0, 250)]) == "<!--SR:!2000-01-01,1,250-->"
    assert [format_interval(x) for x in (0.0, 4.0, 7.5, 36525.0, 0.1)] == [
        "0",
        "4",
        "7.5",
        "36525",
        "0.1",
    ]
    with pytest.raises(ValueError):
        format_interval(float("nan"))


def test_fraction_and_ease_read_like_the_plugin() -> None:
    # A written fraction round-trips; an ease fraction is dropped as parseInt does.
    assert parse_group("2025-03-01,7.5,250.9") == SRGroup(dt.date(2025, 3, 1), 7.5, 250)
