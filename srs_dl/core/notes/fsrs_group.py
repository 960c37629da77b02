"""The plugin's FSRS scheduling group, read and written exactly.

`fsrs,DUE,INTERVAL,STABILITY,DIFFICULTY,STATE,REPS,LAPSES,LEARNING_STEPS,LAST_REVIEW`
as the plugin (v1.15.4) writes it in `RepItemScheduleInfoFsrs.formatScheduleAsSRHtmlComment`:
times by JavaScript's `Date.toISOString()` (`2025-02-22T08:00:00.000Z`, `-` for
no last review), numbers by JavaScript's number-to-string (`3`, `3.2`, `0.00001`,
`1e-7`), the state as ts-fsrs's digit (0 new, 1 learning, 2 review, 3 relearning).

The plugin reads a group with `split(",")`, `moment()` and `parseFloat`/`parseInt`,
so it takes almost anything (a missing field becomes NaN). Read here strictly: ten
fields, ISO 8601 times, plain finite numbers; anything else is a ValueError naming
the field, so the caller can warn and keep the schedule it already holds rather
than schedule from NaN. A time without a UTC offset (the plugin never writes one)
is read as UTC; the plugin would read it as local time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

from srs_dl.core.scheduling.fsrs import FsrsSchedule, State

PREFIX = "fsrs"
FIELDS = (
    "due",
    "interval",
    "stability",
    "difficulty",
    "state",
    "reps",
    "lapses",
    "learning steps",
    "last review",
)
_ISO_RE = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)"
    r"(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d\d(?::?\d\d)?)?"
)
_FLOAT_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INT_RE = re.compile(r"\d+")


def js_number(x: float) -> str:
    """JavaScript's `String(x)` for a number (ECMAScript Number::toString, radix 10).

    Python's `repr` gives the same shortest round-tripping digits; only the layout
    differs (`5` not `5.0`, `0.00001` not `1e-05`, `1e+21`, `1e-7`).
    """
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + js_number(-x)
    sign, digit_tuple, exponent = Decimal(repr(float(x))).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # the decimal point sits after n digits
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def format_time(t: dt.datetime | None) -> str:
    """`Date.toISOString()`: UTC, milliseconds, `Z`; `-` for none."""
    if t is None:
        return "-"
    u = t.astimezone(dt.UTC)
    return u.strftime("%Y-%m-%dT%H:%M:%S.") + f"{u.microsecond // 1000:03d}Z"


def parse_time(text: str, what: str = "time") -> dt.datetime:
    """An ISO 8601 time as moment reads one, to the millisecond; ValueError otherwise."""
    m = _ISO_RE.fullmatch(text.strip())
    if m is None:
        raise ValueError(
            f"bad {what} {text.strip()!r} (expected an ISO time such as 2025-02-22T08:00:00.000Z)"
        )
    y, mo, d, hh, mm, ss, frac, zone = m.groups()
    ms = int((frac or "0")[:3].ljust(3, "0"))
    tz = dt.UTC
    if zone and zone not in ("Z", "z"):
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        tz = dt.timezone(-offset if zone[0] == "-" else offset)
    try:
        t = dt.datetime(
            int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0), ms * 1000, tz
        )
    except ValueError:
        raise ValueError(f"bad {what} {text.strip()!r} (no such time)") from None
    return t.astimezone(dt.UTC)


def _float(text: str, what: str) -> float:
    s = text.strip()
    if not _FLOAT_RE.fullmatch(s):
        raise ValueError(f"bad {what} {s!r} (not a number)")
    value = float(s)
    if not math.isfinite(value):
        raise ValueError(f"bad {what} {s!r} (not a finite number)")
    if value < 0:
        raise ValueError(f"bad {what} {s!r} (negative)")
    return value


def _int(text: str, what: str) -> int:
    s = text.strip()
    if not _INT_RE.fullmatch(s):
        raise ValueError(f"bad {what} {s!r} (not a whole number)")
    return int(s)


def is_fsrs(segment: str) -> bool:
    """The group (without its `!`) is in the plugin's FSRS format."""
    return segment.lstrip().startswith(PREFIX + ",")


def parse_fsrs_group(segment: str) -> FsrsSchedule:
    """One FSRS group (without its `!`); ValueError naming what is wrong."""
    fields = segment.strip().split(",")
    if fields[0].strip() != PREFIX:
        raise ValueError(f"not an FSRS group: {segment.strip()!r}")
    values = fields[1:]
    if len(values) != len(FIELDS):
        raise ValueError(
            f"FSRS group {segment.strip()!r} has {len(values)} fields after 'fsrs', "
            f"expected {len(FIELDS)} ({', '.join(FIELDS)})"
        )
    due_s, ivl_s, stab_s, diff_s, state_s, reps_s, lapses_s, steps_s, last_s = values
    try:
        due = parse_time(due_s, "due time")
        interval = _float(ivl_s, "interval")
        stability = _float(stab_s, "stability")
        difficulty = _float(diff_s, "difficulty")
        state_n = _int(state_s, "state")
        if state_n > 3:
            raise ValueError(
                f"bad state {state_s.strip()!r} (0 new, 1 learning, 2 review, 3 relearning)"
            )
        reps = _int(reps_s, "reps")
        lapses = _int(lapses_s, "lapses")
        steps = _int(steps_s, "learning steps")
        last = None if last_s.strip() == "-" else parse_time(last_s, "last review time")
    except ValueError as e:
        raise ValueError(f"{e} in FSRS group {segment.strip()!r}") from None
    return FsrsSchedule(
        due=due,
        interval=interval,
        stability=stability,
        difficulty=difficulty,
        state=State(state_n),
        reps=reps,
        lapses=lapses,
        learning_steps=steps,
        last_review=last,
    )


def format_fsrs_group(s: FsrsSchedule) -> str:
    """The group (without its `!`) exactly as the plugin writes it."""
    return ",".join(
        (
            PREFIX,
            format_time(s.due),
            js_number(s.interval),
            js_number(s.stability),
            js_number(s.difficulty),
            str(int(s.state)),
            str(s.reps),
            str(s.lapses),
            str(s.learning_steps),
            format_time(s.last_review),
        )
    )
