"""SM-2-OSR: the Obsidian Spaced Repetition plugin's scheduler, number for number.

Checked against the plugin's v1.15.4 source:
- `osrSchedule` (src/scheduling/algorithms/osr/note-scheduling.ts): the formulas,
  their order, load balancing, the cap and the one-decimal rounding;
- `DueDateHistogram.findLeastUsedIntervalOverRange` (src/scheduling/due-date-histogram.ts);
- `SRAlgorithmOsr.cardGetNewSchedule` / `cardCalcUpdatedSchedule` / `cardGetResetSchedule`
  (src/scheduling/algorithms/osr/srs-algorithm-osr.ts): due = today + interval days,
  where moment's `add` rounds a fractional day half up;
- `CommentParser.parseSM2Schedule` (src/utils/comment-parser.ts): a card's delay is
  `due - today`, clamped at 0 by `osrSchedule`, so a due or overdue card always has
  delay 0 (the plugin only reviews new or due cards, `DeckTreeFilter`); it also reads
  the interval with `parseInt`, so a fractional interval written into a comment comes
  back truncated on the next review.

Pure: today and the histogram of due dates are inputs. JavaScript numbers are IEEE
doubles, as Python floats are, so doing the same operations in the same order gives
the same bits; only rounding differs and is done here as JavaScript does it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Response = Literal["again", "hard", "good", "easy", "reset"]
RESPONSES: tuple[Response, ...] = ("again", "hard", "good", "easy", "reset")
#: The four review buttons, in the order the TUI shows them (keys 1-4).
BUTTONS: tuple[Response, ...] = ("again", "hard", "good", "easy")

#: The plugin's `SRAlgorithmOsr.initialInterval`.
INITIAL_INTERVAL = 1.0


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    """The plugin's scheduling settings (`SRSettings`), with its defaults."""

    base_ease: int = 250
    easy_bonus: float = 1.3
    #: The plugin's `lapsesIntervalChange`: the factor Hard applies to the interval.
    lapse_multiplier: float = 0.5
    max_interval: float = 36525
    load_balance: bool = True
    #: Flashcards: add the days a card is overdue (the plugin never does since v1.10.2).
    honour_overdue: bool = False
    #: Hard-coded in the plugin (`Math.max(130, ease - 20)`).
    ease_floor: int = 130
    #: The plugin's `maxLinkFactor`: how much linked notes' eases weigh on a new note.
    max_link_factor: float = 1.0

    def __post_init__(self) -> None:
        # The plugin's settings page enforces the same bounds.
        if self.base_ease < 130:
            raise ValueError(f"base ease must be at least 130, not {self.base_ease}")
        if self.easy_bonus < 1.0:
            raise ValueError(f"easy bonus must be at least 1.0, not {self.easy_bonus}")
        if not 0.01 <= self.lapse_multiplier <= 0.99:
            raise ValueError(
                f"lapse multiplier must be between 0.01 and 0.99, not {self.lapse_multiplier}"
            )
        if self.max_interval < 1:
            raise ValueError(f"maximum interval must be at least 1 day, not {self.max_interval}")
        if not 0.0 <= self.max_link_factor <= 1.0:
            raise ValueError(f"max link factor must be between 0 and 1, not {self.max_link_factor}")

    @classmethod
    def from_plugin_data(cls, data: Mapping[str, Any], **overrides: Any) -> SchedulerSettings:
        """Settings from a vault's plugin `data.json` (already loaded), then `overrides`."""
        names = {
            "baseEase": "base_ease",
            "easyBonus": "easy_bonus",
            "lapsesIntervalChange": "lapse_multiplier",
            "maximumInterval": "max_interval",
            "loadBalance": "load_balance",
            "maxLinkFactor": "max_link_factor",
        }
        values: dict[str, Any] = {
            name: data[key] for key, name in names.items() if data.get(key) is not None
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Sm2Schedule:
    """An SM-2-OSR schedule: what one `!due,interval,ease` comment group holds."""

    due: dt.date
    interval: float
    ease: int

    @property
    def due_day(self) -> dt.date:
        """The day the card falls due (every schedule type has one; see card.py)."""
        return self.due


_DEFAULT = SchedulerSettings()


def parse_response(response: str) -> Response:
    key = response.strip().lower()
    for known in RESPONSES:
        if key == known:
            return known
    raise ValueError(f"unknown response {response!r}: expected again, hard, good, easy or reset")


def js_round(x: float) -> int:
    """JavaScript's `Math.round`: the nearest integer, halves toward +infinity.

    Exact for every double (unlike `floor(x + 0.5)`, which turns
    0.49999999999999994 into 1), and unlike Python's `round`, which rounds
    halves to even.
    """
    whole = math.floor(x)
    # x - floor(x) is exact in binary floating point, so the comparison is too.
    return whole + 1 if x - whole >= 0.5 else whole


def round_one_decimal(x: float) -> float:
    """The plugin's `Math.round(interval * 10) / 10`."""
    return js_round(x * 10) / 10


def add_days(today: dt.date, interval: float) -> dt.date:
    """moment's `add(interval, "d")`: a fractional day count is rounded half up. A due
    date past 9999-12-31 (a card whose comment says 9999-12-01) is that day: the
    calendar ends there, and a schedule must still be a date."""
    days = js_round(interval)
    return today + dt.timedelta(days=min(days, (dt.date.max - today).days))


def fuzz_range(interval: int) -> int:
    """How far load balancing may move a whole-day interval, either way."""
    if interval <= 7:
        return 0
    if interval <= 21:
        return 1
    if interval <= 180:
        return min(3, math.floor(interval * 0.05))
    return min(7, math.floor(interval * 0.025))


def least_used_interval(interval: int, fuzz: int, histogram: Mapping[int, int]) -> int:
    """The plugin's `findLeastUsedIntervalOverRange`, tie-breaking and all.

    A day absent from the histogram is taken at once; a day present with a count
    of 0 (a count the plugin decremented) is only compared, as in the plugin.
    """
    if interval not in histogram:
        return interval
    best = interval
    for i in range(1, fuzz + 1):
        for candidate in (interval - i, interval + i):
            if candidate not in histogram:
                return candidate
            if histogram[candidate] < histogram[best]:
                best = candidate
    return best


def osr_schedule(
    response: Response,
    interval: float,
    ease: int,
    delay_days: int,
    settings: SchedulerSettings,
    histogram: Mapping[int, int] | None,
) -> tuple[float, int]:
    """The plugin's `osrSchedule`; `histogram=None` turns load balancing off.

    `response` must already be normalised and not "reset" (Reset bypasses the
    formula in the plugin).
    """
    delay = max(0, delay_days)
    # Again leaves 0, which would make every later interval 0.
    ivl = max(1.0, float(interval))
    if response == "easy":
        ease += 20
        ivl = ((ivl + delay) * ease) / 100
        ivl *= settings.easy_bonus
    elif response == "good":
        ivl = ((ivl + delay / 2) * ease) / 100
    elif response == "hard":
        ease = max(settings.ease_floor, ease - 20)
        ivl = max(1.0, (ivl + delay / 4) * settings.lapse_multiplier)
    elif response == "again":
        ease = max(settings.ease_floor, ease - 20)
        ivl = 0.0
    else:
        raise ValueError(f"osr_schedule does not handle {response!r}")

    if settings.load_balance and histogram is not None:
        whole = js_round(ivl)
        if whole > 7:
            whole = least_used_interval(whole, fuzz_range(whole), histogram)
        ivl = float(whole)

    ivl = min(ivl, float(settings.max_interval))
    return round_one_decimal(ivl), ease


def schedule(
    response: str,
    interval: float,
    ease: int,
    delay_days: int = 0,
    *,
    load_balance: bool = False,
    settings: SchedulerSettings | None = None,
) -> tuple[float, int]:
    """The bare formula, for checking from outside: returns (interval, ease).

    `delay_days` is applied as given; `load_balance=True` applies the whole-number
    rounding over an empty histogram (nothing else to balance against). Reset gives
    (1, base ease).
    """
    s = settings or _DEFAULT
    resp = parse_response(response)
    if resp == "reset":
        return INITIAL_INTERVAL, s.base_ease
    return osr_schedule(resp, interval, ease, delay_days, s, {} if load_balance else None)


def review(
    state: Sm2Schedule | None,
    response: str,
    today: dt.date,
    due_histogram: Mapping[int, int],
    settings: SchedulerSettings = _DEFAULT,
    *,
    new_ease: int | None = None,
) -> Sm2Schedule | None:
    """One review as the app records it. `state` None is a new card.

    `due_histogram` maps days from today to the number of cards due that day.
    `new_ease` is the ease a new card starts from when its note has its own
    (the plugin's `noteEaseList`, see note_review.note_ease); else the base ease.
    Returns None only for Reset on a new card: the plugin changes nothing then.
    """
    resp = parse_response(response)
    if resp == "reset":
        if state is None:
            return None
        return Sm2Schedule(today, INITIAL_INTERVAL, settings.base_ease)
    if state is None:
        interval, ease, delay = INITIAL_INTERVAL, settings.base_ease, 0
        if new_ease is not None:
            ease = new_ease
    else:
        # The plugin reads a comment's interval with parseInt: 3.3 comes back as 3.
        interval, ease = float(math.trunc(state.interval)), state.ease
        delay = (today - state.due).days if settings.honour_overdue else 0
    hist = due_histogram if settings.load_balance else None
    new_interval, new_ease_value = osr_schedule(resp, interval, ease, delay, settings, hist)
    return Sm2Schedule(add_days(today, new_interval), new_interval, new_ease_value)


def preview(
    state: Sm2Schedule | None,
    today: dt.date,
    histogram: Mapping[int, int],
    settings: SchedulerSettings = _DEFAULT,
    *,
    new_ease: int | None = None,
) -> dict[str, Sm2Schedule]:
    """What each button (again, hard, good, easy) would give, for labels like "Good 8d"."""
    out: dict[str, Sm2Schedule] = {}
    for button in BUTTONS:
        result = review(state, button, today, histogram, settings, new_ease=new_ease)
        assert result is not None  # only Reset of a new card gives None
        out[button] = result
    return out


def histogram_of(dues: Iterable[dt.date], today: dt.date) -> dict[int, int]:
    """Days from today -> number of cards due that day (overdue days are negative)."""
    out: dict[int, int] = {}
    for due in dues:
        key = (due - today).days
        out[key] = out.get(key, 0) + 1
    return out


class _Dated(Protocol):
    @property
    def due_day(self) -> dt.date: ...


def move_in_histogram(
    histogram: MutableMapping[int, int],
    before: _Dated | None,
    after: _Dated | None,
    today: dt.date,
) -> None:
    """One review's move, in place, as the plugin keeps the histogram during a session.

    The old due day is decremented (never below 0, and the key stays, which
    matters to `least_used_interval`); the new due day is incremented. Any
    schedule with a `due_day` (SM-2's, FSRS's) moves the same way.
    """
    # Only days from today on are load: a day already past is left alone (undo can
    # bring back an overdue date).
    if before is not None:
        key = (before.due_day - today).days
        if key >= 0 and histogram.get(key, 0) > 0:
            histogram[key] -= 1
    if after is not None:
        key = (after.due_day - today).days
        if key >= 0:
            histogram[key] = histogram.get(key, 0) + 1


def update_histogram(
    histogram: Mapping[int, int],
    before: _Dated | None,
    after: _Dated | None,
    today: dt.date,
) -> dict[int, int]:
    """The histogram after one review (a new dict; see move_in_histogram)."""
    out = dict(histogram)
    move_in_histogram(out, before, after, today)
    return out


def interval_label(interval: float) -> str:
    """Short label for a button: "0d", "8d", "3.3d", "1.5mo", "2.1y": the plugin's
    `textInterval` rounding, with Anki's units ("1.5m" reads as minutes to an Anki user)."""
    months = js_round(interval / 3.04375) / 10
    years = js_round(interval / 36.525) / 10
    if months < 1.0:
        return f"{_js_number(interval)}d"
    if years < 1.0:
        return f"{_js_number(months)}mo"
    return f"{_js_number(years)}y"


def interval_number(interval: float | None) -> int | float | None:
    """An interval as the CLI and the JSON show it: a whole number of days as an int
    (8, not 8.0), a fractional one as it is, none as None."""
    if interval is None:
        return None
    return int(interval) if float(interval).is_integer() else float(interval)


def _js_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))
