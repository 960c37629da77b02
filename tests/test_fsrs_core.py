"""FSRS core: the group's exact text, strict reading, and the model against py-fsrs."""

from __future__ import annotations

import datetime as dt
import math

import fsrs as pyfsrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs_dl.core.notes.fsrs_group import (
    format_fsrs_group,
    format_time,
    js_number,
    parse_fsrs_group,
    parse_time,
)
from srs_dl.core.scheduling import fsrs

T0 = dt.datetime(2025, 2, 19, 8, 0, tzinfo=dt.UTC)
ISSUE_GROUP = "fsrs,2025-02-22T08:00:00.000Z,3,3.2,5.1,2,3,0,0,2025-02-19T08:00:00.000Z"


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (5.0, "5"),
        (3.2, "3.2"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-5, "0.00001"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e21, "1e+21"),
        (2.5e22, "2.5e+22"),
        (-0.0, "0"),
        (-2.5, "-2.5"),
        (36500.0, "36500"),
        (float("nan"), "NaN"),
    ],
)
def test_js_number_is_javascripts_layout(x: float, text: str) -> None:
    assert js_number(x) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_js_number_reads_back_exactly(x: float) -> None:
    assert float(js_number(x)) == x


def test_time_written_as_to_iso_string() -> None:
    t = dt.datetime(2025, 2, 22, 9, 30, 5, 123999, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert format_time(t) == "2025-02-22T08:30:05.123Z"
    assert format_time(None) == "-"
    assert parse_time("2025-02-22T08:30:05.123Z") == t.replace(microsecond=123000)
    assert parse_time("2025-02-22T09:30:05.1234+01:00") == t.replace(microsecond=123000)
    assert parse_time("2025-02-22") == dt.datetime(2025, 2, 22, tzinfo=dt.UTC)


def test_issue_group_reads_every_field() -> None:
    s = parse_fsrs_group(ISSUE_GROUP)
    assert s == fsrs.FsrsSchedule(
        due=dt.datetime(2025, 2, 22, 8, tzinfo=dt.UTC),
        interval=3,
        stability=3.2,
        difficulty=5.1,
        state=fsrs.State.REVIEW,
        reps=3,
        lapses=0,
        learning_steps=0,
        last_review=T0,
    )
    assert format_fsrs_group(s) == ISSUE_GROUP


@pytest.mark.parametrize(
    ("group", "message"),
    [
        (
            "fsrs,2025-02-22T08:00:00.000Z,3,3.2,5.1,2,3,0,0",
            "has 8 fields after 'fsrs', expected 9",
        ),
        (ISSUE_GROUP + ",x", "has 10 fields"),
        (
            "fsrs,2025-02-30T08:00:00.000Z,3,3.2,5.1,2,3,0,0,-",
            "bad due time '2025-02-30T08:00:00.000Z' (no such time)",
        ),
        ("fsrs,yesterday,3,3.2,5.1,2,3,0,0,-", "bad due time 'yesterday'"),
        ("fsrs,2025-02-22T08:00:00.000Z,3,NaN,5.1,2,3,0,0,-", "bad stability 'NaN' (not a number)"),
        (
            "fsrs,2025-02-22T08:00:00.000Z,3,1e999,5.1,2,3,0,0,-",
            "bad stability '1e999' (not a finite number)",
        ),
        ("fsrs,2025-02-22T08:00:00.000Z,-3,3.2,5.1,2,3,0,0,-", "bad interval '-3' (negative)"),
        ("fsrs,2025-02-22T08:00:00.000Z,3,3.2,5.1,7,3,0,0,-", "bad state '7'"),
        (
            "fsrs,2025-02-22T08:00:00.000Z,3,3.2,5.1,2,3.5,0,0,-",
            "bad reps '3.5' (not a whole number)",
        ),
        ("fsrs,2025-02-22T08:00:00.000Z,3,3.2,5.1,2,3,0,0,never", "bad last review time 'never'"),
    ],
)
def test_malformed_groups_name_the_field(group: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_fsrs_group(group)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


_times = st.datetimes(
    min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=st.just(dt.UTC)
).map(fsrs.to_millisecond)
_schedules = st.builds(
    fsrs.FsrsSchedule,
    due=_times,
    interval=st.integers(0, 36525) | st.floats(0, 1e6),
    stability=st.floats(0, 1e9),
    difficulty=st.floats(0, 10),
    state=st.sampled_from(fsrs.State),
    reps=st.integers(0, 10**6),
    lapses=st.integers(0, 10**6),
    learning_steps=st.integers(0, 9),
    last_review=st.none() | _times,
)


@given(_schedules)
def test_group_round_trips(s: fsrs.FsrsSchedule) -> None:
    text = format_fsrs_group(s)
    assert parse_fsrs_group(text) == s
    assert format_fsrs_group(parse_fsrs_group(text)) == text


@given(_schedules, st.sampled_from([1, 2, 3, 4]), st.integers(0, 400 * 86_400_000))
def test_review_keeps_a_well_formed_card(s: fsrs.FsrsSchedule, grade: int, later_ms: int) -> None:
    s = fsrs.review(None, 3, s.due)  # any state the scheduler itself produces
    now = s.due + dt.timedelta(milliseconds=later_ms)
    after = fsrs.review(s, grade, now)
    assert after.reps == s.reps + 1 and after.last_review == fsrs.to_millisecond(now)
    assert 1 <= after.difficulty <= 10 and after.stability >= fsrs.S_MIN
    assert after.due > now
    assert parse_fsrs_group(format_fsrs_group(after)) == after


# --- The model against py-fsrs, where the two implementations agree ---------------


def _py(s: float, d: float, last: dt.datetime) -> pyfsrs.Card:
    return pyfsrs.Card(
        state=pyfsrs.State.Review, stability=s, difficulty=d, due=last, last_review=last
    )


@pytest.mark.parametrize("grade", [1, 2, 3, 4])
@pytest.mark.parametrize(
    ("s", "d", "days"), [(3.2, 5.1, 3), (0.5, 9.0, 1), (40.0, 2.0, 55), (200.0, 7.3, 10)]
)
def test_memory_update_agrees_with_py_fsrs(s: float, d: float, days: int, grade: int) -> None:
    """Same time of day, so whole days and calendar days agree; py-fsrs keeps full
    precision where ts-fsrs rounds to 8 decimals, hence the tolerance (so the
    written numbers differ in their last digits: the reason for our own code)."""
    scheduler = pyfsrs.Scheduler(enable_fuzzing=False, maximum_interval=36525)
    py_card, _ = scheduler.review_card(
        _py(s, d, T0), pyfsrs.Rating(grade), T0 + dt.timedelta(days=days)
    )
    ours = fsrs.review(
        fsrs.FsrsSchedule(T0, days, s, d, fsrs.State.REVIEW, 3, 0, 0, T0),
        grade,
        T0 + dt.timedelta(days=days),
    )
    # Retrievability rounded to 8 decimals moves a large stability by a few 1e-8 relative.
    assert ours.stability == pytest.approx(py_card.stability, rel=1e-7, abs=1e-7)
    assert ours.difficulty == pytest.approx(py_card.difficulty, abs=1e-7)
    assert pyfsrs.Scheduler().parameters == pytest.approx(fsrs.DEFAULT_WEIGHTS)


def test_where_py_fsrs_differs_elapsed_days_are_calendar_days() -> None:
    """23:00 to 01:00 the next day: ts-fsrs (and the plugin) count 1 day and use the
    long-term formula; py-fsrs counts 0 days and uses the short-term one."""
    last = dt.datetime(2025, 3, 1, 23, 0, tzinfo=dt.UTC)
    now = last + dt.timedelta(hours=2)
    ours = fsrs.review(
        fsrs.FsrsSchedule(last, 1, 3.2, 5.1, fsrs.State.REVIEW, 3, 0, 0, last), 3, now
    )
    py_card, _ = pyfsrs.Scheduler(enable_fuzzing=False).review_card(
        _py(3.2, 5.1, last), pyfsrs.Rating.Good, now
    )
    assert fsrs.elapsed_days(last, now) == 1
    assert ours.stability != pytest.approx(py_card.stability, abs=1e-3)


def test_where_py_fsrs_differs_hard_learning_step_is_whole_minutes() -> None:
    ours = fsrs.review(None, 2, T0)
    py_card, _ = pyfsrs.Scheduler(enable_fuzzing=False).review_card(
        pyfsrs.Card(), pyfsrs.Rating.Hard, T0
    )
    assert ours.due - T0 == dt.timedelta(minutes=6)
    assert py_card.due - T0 == dt.timedelta(minutes=5, seconds=30)


def test_plugin_reset_and_new_card() -> None:
    assert format_fsrs_group(fsrs.new_card(T0)) == "fsrs,2025-02-19T08:00:00.000Z,0,0,0,0,0,0,0,-"


def test_invalid_memory_state_is_refused_clearly() -> None:
    bad = fsrs.FsrsSchedule(T0, 3, 3.2, 0.5, fsrs.State.REVIEW, 3, 0, 0, T0)
    with pytest.raises(ValueError, match="difficulty 0.5"):
        fsrs.review(bad, 3, T0 + dt.timedelta(days=3))


def test_review_before_last_review_counts_as_same_day() -> None:
    card = fsrs.review(None, 3, T0)
    earlier = fsrs.review(card, 3, T0 - dt.timedelta(days=2))
    same = fsrs.review(card, 3, T0)
    assert (earlier.stability, earlier.difficulty) == (same.stability, same.difficulty)


def test_parameters_validate() -> None:
    with pytest.raises(ValueError, match="desired retention"):
        fsrs.FsrsParameters(desired_retention=1.5)
    with pytest.raises(ValueError, match="21 weights"):
        fsrs.FsrsParameters(weights=(1.0,) * 19)
    clipped = fsrs.FsrsParameters(weights=(500.0,) + fsrs.DEFAULT_WEIGHTS[1:])
    assert clipped.weights[0] == 100.0
    assert math.isclose(fsrs.DEFAULT_PARAMETERS.interval_modifier, 1.0, abs_tol=1e-6)
