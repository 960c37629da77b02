"""SM-2-OSR against numbers worked out by hand from the plugin's rules (issue 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs_dl.core.scheduling.sm2 import (
    SchedulerSettings,
    Sm2Schedule,
    add_days,
    histogram_of,
    interval_label,
    js_round,
    least_used_interval,
    parse_response,
    preview,
    review,
    round_one_decimal,
    schedule,
    update_histogram,
)

TODAY = dt.date(2025, 3, 1)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


# (response, interval, ease, delay, load_balance) -> (interval, ease)
FORMULA_CASES = [
    # a new card starts from I = 1, E = 250
    ("good", 1, 250, 0, False, 2.5, 250),
    ("easy", 1, 250, 0, False, 3.5, 270),  # 1 * 2.7 * 1.3 = 3.51
    ("hard", 1, 250, 0, False, 1.0, 230),  # 0.5 raised to 1
    ("again", 1, 250, 0, False, 0.0, 230),
    ("reset", 5, 200, 0, False, 1.0, 250),
    # JavaScript rounding: 2.5 * 1.3 = 3.25 -> 3.3 (Python's round gives 3.2)
    ("easy", 1, 230, 0, False, 3.3, 250),
    ("good", 3, 250, 0, False, 7.5, 250),
    ("good", 10, 250, 0, False, 25.0, 250),
    ("good", 4, 130, 0, False, 5.2, 130),
    ("good", 1, 253, 0, False, 2.5, 253),  # 2.53 -> 2.5
    ("easy", 2, 300, 0, False, 8.3, 320),  # 2 * 3.2 * 1.3 = 8.32
    ("good", 2.6, 250, 0, False, 6.5, 250),
    ("hard", 10, 250, 0, False, 5.0, 230),
    # the ease floor
    ("hard", 10, 140, 0, False, 5.0, 130),
    ("hard", 10, 130, 0, False, 5.0, 130),
    ("again", 10, 145, 0, False, 0.0, 130),
    ("again", 10, 130, 0, False, 0.0, 130),
    ("good", 10, 120, 0, False, 12.0, 120),  # Good never touches the ease
    # I is first raised to at least 1 (after Again it is 0)
    ("again", 0, 250, 0, False, 0.0, 230),
    ("good", 0, 250, 0, False, 2.5, 250),
    ("easy", 0, 250, 0, False, 3.5, 270),
    ("good", 0.5, 250, 0, False, 2.5, 250),
    # overdue days, applied as given: Easy d, Good d/2, Hard d/4
    ("good", 10, 250, 4, False, 30.0, 250),
    ("easy", 10, 250, 4, False, 49.1, 270),  # 14 * 2.7 * 1.3 = 49.14
    ("hard", 10, 250, 4, False, 5.5, 230),
    ("hard", 10, 250, 2, False, 5.3, 230),  # 10.5 * 0.5 = 5.25 -> 5.3, half up
    ("good", 10, 250, 1, False, 26.3, 250),  # 10.5 * 2.5 = 26.25 -> 26.3
    ("again", 10, 250, 30, False, 0.0, 230),
    ("good", 10, 250, -5, False, 25.0, 250),  # negative delay counts as 0
    # the maximum interval
    ("good", 20000, 250, 0, False, 36525.0, 250),
    ("easy", 36525, 250, 0, False, 36525.0, 270),
    ("hard", 80000, 250, 0, False, 36525.0, 230),
    # load balancing over an empty histogram: whole days, halves up
    ("good", 1, 250, 0, True, 3.0, 250),
    ("good", 3, 250, 0, True, 8.0, 250),
    ("good", 1, 230, 0, True, 2.0, 230),
    ("easy", 1, 230, 0, True, 3.0, 250),
    ("good", 7, 250, 0, True, 18.0, 250),  # 17.5
    ("hard", 1, 250, 0, True, 1.0, 230),
    ("again", 5, 250, 0, True, 0.0, 230),
    ("hard", 10, 250, 2, True, 5.0, 230),  # 5.25
    ("good", 20000, 250, 0, True, 36525.0, 250),
    # responses in any case
    ("GOOD", 10, 250, 0, False, 25.0, 250),
    (" Easy ", 1, 250, 0, False, 3.5, 270),
    ("Reset", 40, 300, 0, False, 1.0, 250),
]


@pytest.mark.parametrize(
    ("response", "interval", "ease", "delay", "balance", "want_interval", "want_ease"),
    FORMULA_CASES,
)
def test_schedule_formula(
    response: str,
    interval: float,
    ease: int,
    delay: int,
    balance: bool,
    want_interval: float,
    want_ease: int,
) -> None:
    got = schedule(response, interval, ease, delay, load_balance=balance)
    assert got == (want_interval, want_ease)


def test_schedule_table_is_large_enough() -> None:
    assert len(FORMULA_CASES) >= 40


def test_schedule_rejects_unknown_response() -> None:
    with pytest.raises(ValueError, match="unknown response 'meh'"):
        schedule("meh", 1, 250)


def test_schedule_with_other_settings() -> None:
    settings = SchedulerSettings(easy_bonus=1.5, lapse_multiplier=0.25, base_ease=200)
    assert schedule("easy", 2, 250, settings=settings) == (8.1, 270)  # 2 * 2.7 * 1.5
    assert schedule("hard", 10, 250, settings=settings) == (2.5, 230)
    assert schedule("reset", 10, 250, settings=settings) == (1.0, 200)


# review(state, response, today, histogram, settings) -> due, interval, ease
NEW = None
REVIEW_CASES = [
    # new cards: I = 1, E = base ease; load balancing rounds to whole days
    (NEW, "good", {}, SchedulerSettings(), Sm2Schedule(days(3), 3.0, 250)),
    (NEW, "easy", {}, SchedulerSettings(), Sm2Schedule(days(4), 4.0, 270)),
    (NEW, "hard", {}, SchedulerSettings(), Sm2Schedule(days(1), 1.0, 230)),
    (NEW, "again", {}, SchedulerSettings(), Sm2Schedule(TODAY, 0.0, 230)),
    # short intervals are never moved, however busy the day
    (NEW, "good", {3: 100, 2: 0, 4: 0}, SchedulerSettings(), Sm2Schedule(days(3), 3.0, 250)),
    # without load balancing the interval keeps its decimal and the due day rounds half up
    (NEW, "good", {}, SchedulerSettings(load_balance=False), Sm2Schedule(days(3), 2.5, 250)),
    (NEW, "easy", {}, SchedulerSettings(load_balance=False), Sm2Schedule(days(4), 3.5, 270)),
]


@pytest.mark.parametrize(("state", "response", "hist", "settings", "want"), REVIEW_CASES)
def test_review_new_cards(
    state: Sm2Schedule | None,
    response: str,
    hist: dict[int, int],
    settings: SchedulerSettings,
    want: Sm2Schedule,
) -> None:
    assert review(state, response, TODAY, hist, settings) == want


def test_new_card_in_a_note_with_its_own_ease() -> None:
    assert review(None, "good", TODAY, {}, new_ease=270) == Sm2Schedule(days(3), 3.0, 270)
    assert review(None, "easy", TODAY, {}, new_ease=200) == Sm2Schedule(days(3), 3.0, 220)


def test_reset() -> None:
    state = Sm2Schedule(days(-3), 40, 290)
    assert review(state, "reset", TODAY, {}) == Sm2Schedule(TODAY, 1.0, 250)
    settings = SchedulerSettings(base_ease=210)
    assert review(state, "reset", TODAY, {}, settings) == Sm2Schedule(TODAY, 1.0, 210)
    # the plugin changes nothing when a new card is reset
    assert review(None, "reset", TODAY, {}) is None


def test_overdue_ignored_by_default_honoured_on_request() -> None:
    state = Sm2Schedule(days(-10), 10, 250)
    assert review(state, "good", TODAY, {}) == Sm2Schedule(days(25), 25.0, 250)
    honour = SchedulerSettings(honour_overdue=True)
    # (10 + 10/2) * 2.5 = 37.5 -> 38
    assert review(state, "good", TODAY, {}, honour) == Sm2Schedule(days(38), 38.0, 250)
    # (10 + 10/4) * 0.5 = 6.25 -> 6
    assert review(state, "hard", TODAY, {}, honour) == Sm2Schedule(days(6), 6.0, 230)
    # reviewed early: no negative delay
    early = Sm2Schedule(days(5), 10, 250)
    assert review(early, "good", TODAY, {}, honour) == Sm2Schedule(days(25), 25.0, 250)


def test_fractional_interval_is_read_back_as_the_plugin_does() -> None:
    # The plugin parses a comment's interval with parseInt: "3.9" is 3.
    state = Sm2Schedule(TODAY, 3.9, 250)
    settings = SchedulerSettings(load_balance=False)
    assert review(state, "good", TODAY, {}, settings) == Sm2Schedule(days(8), 7.5, 250)


def test_again_and_cap() -> None:
    state = Sm2Schedule(TODAY, 25, 250)
    assert review(state, "again", TODAY, {}) == Sm2Schedule(TODAY, 0.0, 230)
    low = Sm2Schedule(TODAY, 10, 140)
    assert review(low, "hard", TODAY, {}) == Sm2Schedule(days(5), 5.0, 130)
    capped = SchedulerSettings(max_interval=30)
    big = Sm2Schedule(TODAY, 20, 250)
    assert review(big, "good", TODAY, {}, capped) == Sm2Schedule(days(30), 30.0, 250)


BALANCE_CASES = [
    # target 25 (fuzz 1): 24 is less busy than 25, 26 is not less busy than 24
    ({24: 1, 25: 9, 26: 4}, 24),
    # a neighbour with no entry at all is taken at once
    ({25: 9, 26: 4}, 24),
    # ... even when an earlier candidate was already better: 24 beats 25, then 26 is empty
    ({24: 1, 25: 9}, 26),
    # the target itself has no entry: kept, however the neighbours look
    ({24: 0, 26: 0}, 25),
    # a day with a count of 0 is an entry: compared, not taken at once
    ({25: 3, 24: 0, 26: 0}, 24),
    # a tie keeps the earlier candidate
    ({25: 3, 24: 2, 26: 2}, 24),
    ({25: 3, 24: 3, 26: 2}, 26),
    # quiet target
    ({25: 0, 24: 5, 26: 5}, 25),
]


@pytest.mark.parametrize(("hist", "want"), BALANCE_CASES)
def test_load_balancing_with_a_busy_histogram(hist: dict[int, int], want: int) -> None:
    state = Sm2Schedule(TODAY, 10, 250)  # Good gives 25
    assert review(state, "good", TODAY, hist) == Sm2Schedule(days(want), float(want), 250)


def test_load_balancing_windows() -> None:
    # I = 100 (fuzz min(3, 5) = 3): candidates 99, 101, 98, 102, 97, 103
    hist = {d: 5 for d in range(95, 106)}
    hist[103] = 2
    assert review(Sm2Schedule(TODAY, 40, 250), "good", TODAY, hist).interval == 103.0
    # I = 250 (fuzz min(7, 6) = 6): 247 and 253 are both quietest; 247 is met first
    hist = {d: 3 for d in range(240, 261)}
    hist[247] = hist[253] = 1
    assert review(Sm2Schedule(TODAY, 100, 250), "good", TODAY, hist).interval == 247.0
    # 256 is the edge of the window of 6; 257 is beyond it
    hist[247] = hist[253] = 3
    hist[257] = 0
    assert review(Sm2Schedule(TODAY, 100, 250), "good", TODAY, hist).interval == 250.0
    hist[256] = 0
    assert review(Sm2Schedule(TODAY, 100, 250), "good", TODAY, hist).interval == 256.0
    hist[256] = 3
    assert review(Sm2Schedule(TODAY, 100, 250), "good", TODAY, hist).interval == 250.0
    # I = 8 (fuzz 1): 7 is less busy
    assert review(Sm2Schedule(TODAY, 3, 250), "good", TODAY, {8: 5, 7: 1, 9: 1}).interval == 7.0
    # I = 7 is never moved
    # (2 * 3.3 = 6.6 -> 7)
    assert review(Sm2Schedule(TODAY, 2, 330), "good", TODAY, {7: 9, 6: 0, 8: 0}).interval == 7.0


def test_least_used_interval_edges() -> None:
    assert least_used_interval(30, 0, {30: 4}) == 30
    assert least_used_interval(30, 2, {30: 4, 29: 4, 31: 4, 28: 4, 32: 3}) == 32


def test_preview_matches_review() -> None:
    state = Sm2Schedule(days(-1), 10, 250)
    hist = {24: 3, 25: 5, 26: 1}
    got = preview(state, TODAY, hist)
    assert list(got) == ["again", "hard", "good", "easy"]
    assert got["again"] == Sm2Schedule(TODAY, 0.0, 230)
    assert got["hard"] == Sm2Schedule(days(5), 5.0, 230)
    assert got["good"] == Sm2Schedule(days(26), 26.0, 250)
    assert got["easy"] == Sm2Schedule(days(35), 35.0, 270)  # 10 * 2.7 * 1.3 = 35.1
    assert preview(None, TODAY, {})["good"] == Sm2Schedule(days(3), 3.0, 250)


def test_js_round() -> None:
    assert js_round(2.5) == 3
    assert js_round(3.5) == 4  # Python's round gives 4 here but 2 for 2.5
    assert js_round(-2.5) == -2
    assert js_round(0.49999999999999994) == 0  # floor(x + 0.5) would say 1
    assert js_round(1.4999) == 1
    assert round_one_decimal(3.25) == 3.3
    assert round_one_decimal(3.2500000000000004) == 3.3
    assert round_one_decimal(0.05) == 0.1


def test_due_day_rounds_half_up() -> None:
    assert add_days(TODAY, 2.5) == days(3)
    assert add_days(TODAY, 2.4) == days(2)
    assert add_days(TODAY, 0) == TODAY


def test_parse_response() -> None:
    assert parse_response(" AGAIN") == "again"
    with pytest.raises(ValueError, match="expected again, hard, good, easy or reset"):
        parse_response("")


def test_settings_validation_and_plugin_data() -> None:
    with pytest.raises(ValueError, match="base ease must be at least 130"):
        SchedulerSettings(base_ease=100)
    with pytest.raises(ValueError, match="easy bonus"):
        SchedulerSettings(easy_bonus=0.9)
    with pytest.raises(ValueError, match="lapse multiplier"):
        SchedulerSettings(lapse_multiplier=1.5)
    with pytest.raises(ValueError, match="maximum interval"):
        SchedulerSettings(max_interval=0)
    data = {
        "baseEase": 230,
        "easyBonus": 1.5,
        "lapsesIntervalChange": 0.4,
        "maximumInterval": 365,
        "loadBalance": False,
        "maxLinkFactor": 0.5,
        "other": 1,
    }
    s = SchedulerSettings.from_plugin_data(data, honour_overdue=True)
    assert s == SchedulerSettings(230, 1.5, 0.4, 365, False, True, 130, 0.5)


def test_histograms() -> None:
    hist = histogram_of([days(-2), TODAY, TODAY, days(5)], TODAY)
    assert hist == {-2: 1, 0: 2, 5: 1}
    before = Sm2Schedule(TODAY, 3, 250)
    after = Sm2Schedule(days(8), 8.0, 250)
    assert update_histogram(hist, before, after, TODAY) == {-2: 1, 0: 1, 5: 1, 8: 1}
    # a count never goes below 0 and the key stays (the plugin's decrement)
    assert update_histogram({0: 0}, before, None, TODAY) == {0: 0}
    assert update_histogram({}, None, after, TODAY) == {8: 1}


def test_interval_labels() -> None:
    assert interval_label(0) == "0d"
    assert interval_label(8) == "8d"
    assert interval_label(3.3) == "3.3d"
    assert interval_label(45) == "1.5mo"  # months as Anki writes them, never "m"
    assert interval_label(31) == "1mo"
    assert interval_label(400) == "1.1y"


@given(
    st.sampled_from(["again", "hard", "good", "easy"]),
    st.floats(min_value=0, max_value=50000, allow_nan=False),
    st.integers(min_value=130, max_value=1000),
    st.integers(min_value=-100, max_value=1000),
    st.booleans(),
)
def test_schedule_invariants(
    response: str, interval: float, ease: int, delay: int, balance: bool
) -> None:
    ivl, new_ease = schedule(response, interval, ease, delay, load_balance=balance)
    assert 0 <= ivl <= 36525
    assert ivl == round_one_decimal(ivl)
    assert new_ease >= 130
    if balance:
        assert ivl == int(ivl)
    if response == "again":
        assert ivl == 0
    else:
        assert ivl >= 1
    if response == "easy":
        assert new_ease == ease + 20
    if response == "good":
        assert new_ease == ease
