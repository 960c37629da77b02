"""FSRS as the Obsidian Spaced Repetition plugin schedules with it, number for number.

The plugin (v1.15.4, `src/scheduling/algorithms/fsrs/`) drives ts-fsrs 5.4.1 with
`fsrs({request_retention: fsrsDesiredRetention, maximum_interval: maximumInterval,
enable_short_term: true})`: ts-fsrs's default FSRS-6 weights, learning steps 1m and
10m, one 10m relearning step, fuzz off (ts-fsrs's default). The due time is the
review time plus the learning step (minutes) or the interval (whole days); the
written interval is ts-fsrs's `scheduled_days`, 0 while a card is in a step.

Written here rather than through py-fsrs (the `fsrs` package), whose numbers
differ from ts-fsrs's in ways that show in the note's comment:
- ts-fsrs rounds stability, difficulty, retrievability and the intermediate
  difficulty terms to 8 decimals at each step; py-fsrs keeps full precision, so
  no written stability or difficulty would be byte-equal;
- ts-fsrs counts elapsed days as UTC calendar days between the last review and
  now (23:00 to 01:00 the next day is 1 day), py-fsrs as whole 24-hour periods;
  same-day reviews (0 days) take the short-term stability formula in both;
- ts-fsrs keeps a review card's Hard < Good < Easy intervals apart by a day each
  (py-fsrs computes each alone), rounds halves up (py-fsrs rounds to even) and
  rounds the interval factor to 8 decimals;
- ts-fsrs's Hard in a learning step is always the mean of the first two steps,
  rounded to whole minutes (6m; py-fsrs: 5.5m, or the current step after step 0);
- ts-fsrs has a New state and counts reps and lapses, which the plugin writes.
py-fsrs remains the reference for the model itself: the test suite checks these
formulas against it where the two agree, and its optimizer fits the weights.

Pure: the review time is an input; nothing is random (fuzz off, as in the plugin).
JavaScript numbers are IEEE doubles like Python floats; the operations are done in
ts-fsrs's order, so the results are the same bits after its 8-decimal rounding.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from srs_dl.core.scheduling.sm2 import interval_label, js_round

#: ts-fsrs 5.4.1's `default_w` (FSRS-6).
DEFAULT_WEIGHTS: tuple[float, ...] = (
    0.212,
    1.2931,
    2.3065,
    8.2956,
    6.4133,
    0.8334,
    3.0194,
    0.001,
    1.8722,
    0.1666,
    0.796,
    1.4835,
    0.0614,
    0.2629,
    1.6483,
    0.6014,
    1.8729,
    0.5425,
    0.0912,
    0.0658,
    0.1542,
)
S_MIN = 0.001
S_MAX = 36500.0
_INIT_S_MAX = 100.0
_W17_W18_CEILING = 2.0
_MINUTE = dt.timedelta(minutes=1)
#: The plugin maps FSRS difficulty 10..1 onto its SM-2 ease range 130..370 and back.
LEGACY_MIN_EASE = 130
LEGACY_MAX_EASE = 370
_DAY_MINUTES = 1440


class State(enum.IntEnum):
    """ts-fsrs's card states, as the plugin writes them (a digit)."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


class Grade(enum.IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


def round_to(x: float, decimals: int = 8) -> float:
    """ts-fsrs's `roundTo`: `Math.round(x * 10**d) / 10**d`."""
    factor = 10.0**decimals
    return js_round(x * factor) / factor


def _clamp(x: float, lo: float, hi: float) -> float:
    # ts-fsrs's clamp: Math.min(Math.max(x, lo), hi) (lo wins over hi when they cross).
    return min(max(x, lo), hi)


def _weight_bounds(short_term: bool) -> list[tuple[float, float]]:
    return [
        (S_MIN, _INIT_S_MAX),
        (S_MIN, _INIT_S_MAX),
        (S_MIN, _INIT_S_MAX),
        (S_MIN, _INIT_S_MAX),
        (1.0, 10.0),
        (0.001, 4.0),
        (0.001, 4.0),
        (0.001, 0.75),
        (0.0, 4.5),
        (0.0, 0.8),
        (0.001, 3.5),
        (0.001, 5.0),
        (0.001, 0.25),
        (0.001, 0.9),
        (0.0, 4.0),
        (0.0, 1.0),
        (1.0, 6.0),
        (0.0, _W17_W18_CEILING),
        (0.0, _W17_W18_CEILING),
        (0.01 if short_term else 0.0, 0.8),
        (0.1, 0.8),
    ]


def clip_weights(
    weights: Sequence[float], relearning_steps: int, short_term: bool = True
) -> tuple[float, ...]:
    """FSRS-6 weights within the bounds ts-fsrs enforces (`clipParameters`)."""
    if len(weights) != 21:
        raise ValueError(f"FSRS-6 needs 21 weights, not {len(weights)}")
    if not all(math.isfinite(w) for w in weights):
        raise ValueError("FSRS weights must be finite numbers")
    bounds = _weight_bounds(short_term)
    if relearning_steps > 1:
        # ts-fsrs keeps several relearning steps from compounding past the lapse formula.
        w11 = _clamp(weights[11], *bounds[11])
        w13 = _clamp(weights[13], *bounds[13])
        w14 = _clamp(weights[14], *bounds[14])
        value = -(math.log(w11) + math.log(2.0**w13 - 1) + w14 * 0.3) / relearning_steps
        ceiling = _clamp(round_to(math.sqrt(max(value, 0.0)), 8), 0.01, _W17_W18_CEILING)
        bounds[17] = (bounds[17][0], ceiling)
        bounds[18] = (bounds[18][0], ceiling)
    return tuple(_clamp(w, lo, hi) for w, (lo, hi) in zip(weights, bounds, strict=True))


@dataclass(frozen=True, slots=True)
class FsrsParameters:
    """What the plugin passes ts-fsrs, with its defaults; steps in minutes."""

    desired_retention: float = 0.9
    maximum_interval: float = 36525
    weights: tuple[float, ...] = DEFAULT_WEIGHTS
    learning_steps: tuple[float, ...] = (1, 10)
    relearning_steps: tuple[float, ...] = (10,)
    short_term: bool = True
    # Derived once: ts-fsrs's decay, factor and interval modifier.
    decay: float = field(init=False, repr=False, compare=False)
    factor: float = field(init=False, repr=False, compare=False)
    interval_modifier: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not (0 < self.desired_retention <= 1):
            raise ValueError(
                f"desired retention must be above 0 and at most 1, not {self.desired_retention}"
            )
        if not self.maximum_interval >= 1:
            raise ValueError(
                f"maximum interval must be at least 1 day, not {self.maximum_interval}"
            )
        if any(
            not (s >= 0 and math.isfinite(s)) for s in self.learning_steps + self.relearning_steps
        ):
            raise ValueError("learning steps must be minutes, 0 or more")
        w = clip_weights(self.weights, len(self.relearning_steps), self.short_term)
        object.__setattr__(self, "weights", w)
        decay = -w[20]
        factor = round_to(math.exp(decay**-1 * math.log(0.9)) - 1, 8)
        object.__setattr__(self, "decay", decay)
        object.__setattr__(self, "factor", factor)
        modifier = round_to((self.desired_retention ** (1 / decay) - 1) / factor, 8)
        object.__setattr__(self, "interval_modifier", modifier)


DEFAULT_PARAMETERS = FsrsParameters()


@dataclass(frozen=True, slots=True)
class FsrsSchedule:
    """One card's FSRS state: every field of the plugin's `!fsrs,...` group.

    Times are timezone-aware (UTC when read from a note), to the millisecond as
    the plugin writes them. `interval` is ts-fsrs's `scheduled_days`.
    """

    due: dt.datetime
    interval: float
    stability: float
    difficulty: float
    state: State
    reps: int
    lapses: int
    learning_steps: int
    last_review: dt.datetime | None

    @property
    def due_day(self) -> dt.date:
        """The day the card falls due, in the timezone its due time carries (the
        shell gives local times; a group read from a note is in UTC until then)."""
        return self.due.date()

    @property
    def ease(self) -> int:
        """The plugin's SM-2 reading of the difficulty (`difficultyToEase`), for
        displays that show an ease."""
        normalized = (10.0 - _clamp(self.difficulty, 1, 10)) / 9.0
        return js_round(LEGACY_MIN_EASE + normalized * (LEGACY_MAX_EASE - LEGACY_MIN_EASE))

    def __post_init__(self) -> None:
        if self.due.tzinfo is None or (
            self.last_review is not None and self.last_review.tzinfo is None
        ):
            raise ValueError("FSRS times must carry a timezone")


def to_millisecond(t: dt.datetime) -> dt.datetime:
    """A time as JavaScript holds it (whole milliseconds)."""
    return t.replace(microsecond=t.microsecond - t.microsecond % 1000)


def elapsed_days(last_review: dt.datetime, now: dt.datetime) -> int:
    """ts-fsrs's `dateDiffInDays`: UTC calendar days from the last review to now."""
    a = last_review.astimezone(dt.UTC).date()
    b = now.astimezone(dt.UTC).date()
    return (b - a).days


def forgetting_curve(params: FsrsParameters, days: float, stability: float) -> float:
    """Retrievability after `days` at `stability` (ts-fsrs's `forgetting_curve`)."""
    return round_to((1 + params.factor * days / stability) ** params.decay, 8)


def retrievability(schedule: FsrsSchedule, now: dt.datetime, params: FsrsParameters) -> float:
    """The chance of recall now (ts-fsrs's `get_retrievability`); 0 for a new card."""
    if schedule.state == State.NEW or schedule.last_review is None or schedule.stability <= 0:
        return 0.0
    t = max(math.floor((now - schedule.last_review) / dt.timedelta(days=1)), 0)
    return forgetting_curve(params, t, round_to(schedule.stability, 8))


def _init_difficulty(w: Sequence[float], g: int) -> float:
    return round_to(w[4] - math.exp((g - 1) * w[5]) + 1, 8)


def _next_difficulty(w: Sequence[float], d: float, g: int) -> float:
    delta_d = -w[6] * (g - 3)
    next_d = d + round_to(delta_d * (10 - d) / 9, 8)
    init = _init_difficulty(w, Grade.EASY)
    return _clamp(round_to(w[7] * init + (1 - w[7]) * next_d, 8), 1, 10)


def _recall_stability(w: Sequence[float], d: float, s: float, r: float, g: int) -> float:
    hard_penalty = w[15] if g == Grade.HARD else 1
    easy_bonus = w[16] if g == Grade.EASY else 1
    grown = s * (
        1
        + math.exp(w[8])
        * (11 - d)
        * s ** -w[9]
        * (math.exp((1 - r) * w[10]) - 1)
        * hard_penalty
        * easy_bonus
    )
    return round_to(_clamp(grown, S_MIN, S_MAX), 8)


def _forget_stability(w: Sequence[float], d: float, s: float, r: float) -> float:
    after = w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - r) * w[14])
    return round_to(_clamp(after, S_MIN, S_MAX), 8)


def _short_term_stability(w: Sequence[float], s: float, g: int) -> float:
    sinc = s ** -w[19] * math.exp(w[17] * (g - 3 + w[18]))
    if g >= Grade.HARD:
        sinc = max(sinc, 1)
    return round_to(_clamp(s * sinc, S_MIN, S_MAX), 8)


def next_memory(
    params: FsrsParameters, d: float, s: float, t: int, g: int, r: float | None = None
) -> tuple[float, float]:
    """(difficulty, stability) after grade `g` at `t` days (ts-fsrs's `next_state`)."""
    w = params.weights
    if d == 0 and s == 0:
        return _clamp(_init_difficulty(w, g), 1, 10), max(w[g - 1], 0.1)
    if not (d >= 1 and s >= S_MIN):
        # ts-fsrs refuses such a card too ("Invalid memory state").
        raise ValueError(
            f"FSRS memory state out of range: difficulty {d} (1 to 10), stability {s} "
            f"(at least {S_MIN})"
        )
    if r is None:
        r = forgetting_curve(params, t, s)
    if t == 0 and params.short_term:
        new_s = _short_term_stability(w, s, g)
    elif g == Grade.AGAIN:
        after_fail = _forget_stability(w, d, s, r)
        w17, w18 = (w[17], w[18]) if params.short_term else (0.0, 0.0)
        new_s = _clamp(round_to(s / math.exp(w17 * w18), 8), S_MIN, after_fail)
    else:
        new_s = _recall_stability(w, d, s, r, g)
    return _next_difficulty(w, d, g), new_s


def next_interval(params: FsrsParameters, stability: float) -> int:
    """Whole days until the next review at `stability` (fuzz off, as the plugin has it)."""
    days = min(max(1, js_round(stability * params.interval_modifier)), params.maximum_interval)
    return js_round(days)


def _step_minutes(params: FsrsParameters, state: State, step: int, g: int) -> tuple[float, int]:
    """ts-fsrs's `BasicLearningStepsStrategy`: (minutes, next step) for grade `g`;
    0 minutes when the card leaves its steps."""
    steps = (
        params.relearning_steps
        if state in (State.RELEARNING, State.REVIEW)
        else params.learning_steps
    )
    n = len(steps)
    if n == 0 or step >= n:
        return 0, 0
    if state == State.REVIEW:
        return (steps[max(0, step)], 0) if g == Grade.AGAIN else (0, 0)
    if g == Grade.AGAIN:
        return steps[0], 0
    if g == Grade.HARD:
        hard = js_round(steps[0] * 1.5) if n == 1 else js_round((steps[0] + steps[1]) / 2)
        return hard, step
    if g == Grade.GOOD and step + 1 < n and steps[step + 1]:
        return js_round(steps[step + 1]), step + 1
    return 0, 0


def _after_steps(
    params: FsrsParameters,
    card: FsrsSchedule,
    d: float,
    s: float,
    g: int,
    to_state: State,
    now: dt.datetime,
    days: int,
) -> FsrsSchedule:
    """ts-fsrs's `applyLearningSteps`: into a step, or graduated to Review."""
    minutes, next_step = _step_minutes(params, card.state, card.learning_steps, g)
    minutes, next_step = max(0, minutes), max(0, next_step)
    if 0 < minutes < _DAY_MINUTES:
        return replace(
            card,
            difficulty=d,
            stability=s,
            state=to_state,
            learning_steps=next_step,
            interval=0,
            due=now + js_round(minutes) * _MINUTE,
        )
    if minutes >= _DAY_MINUTES:
        return replace(
            card,
            difficulty=d,
            stability=s,
            state=State.REVIEW,
            learning_steps=next_step,
            interval=math.floor(minutes / _DAY_MINUTES),
            due=now + js_round(minutes) * _MINUTE,
        )
    return _in_review(card, d, s, next_interval(params, s), now)


def _in_review(card: FsrsSchedule, d: float, s: float, ivl: int, now: dt.datetime) -> FsrsSchedule:
    """The card in Review, due `ivl` whole days from now."""
    return replace(
        card,
        difficulty=d,
        stability=s,
        state=State.REVIEW,
        learning_steps=0,
        interval=ivl,
        due=now + dt.timedelta(days=ivl),
    )


def interval_text(schedule: FsrsSchedule, now: dt.datetime) -> str:
    """A button's label as the plugin's `formatScheduleInterval` gives it: whole days
    as SM-2's labels ("8d", "1.5m", "2.1y"), a learning step as the minutes or
    hours until it is due, rounded up ("10 min", "2 hr")."""

    if schedule.interval >= 1:
        return interval_label(schedule.interval)
    minutes = max(1, math.ceil(max(dt.timedelta(0), schedule.due - now) / _MINUTE))
    if minutes < 60:
        return f"{minutes} min"
    return f"{max(1, math.ceil(minutes / 60))} hr"


def new_card(now: dt.datetime) -> FsrsSchedule:
    """A card never reviewed (ts-fsrs's `createEmptyCard`); also the plugin's Reset."""
    now = to_millisecond(now)
    return FsrsSchedule(now, 0, 0.0, 0.0, State.NEW, 0, 0, 0, None)


def preview(
    card: FsrsSchedule | None, now: dt.datetime, params: FsrsParameters = DEFAULT_PARAMETERS
) -> dict[Grade, FsrsSchedule]:
    """The card after each of the four grades (ts-fsrs's `repeat`), for the buttons."""
    return {g: review(card, g, now, params) for g in Grade}


def review(
    card: FsrsSchedule | None,
    grade: int,
    now: dt.datetime,
    params: FsrsParameters = DEFAULT_PARAMETERS,
) -> FsrsSchedule:
    """The card after one review graded `grade` (1-4) at `now` (ts-fsrs's `next`).

    `None` is a card never reviewed. A review timed before the last one counts
    as the same day (ts-fsrs would refuse it; a clock set back should not lose
    the review).
    """
    if grade not in (1, 2, 3, 4):
        raise ValueError(f"FSRS grade must be 1 to 4, not {grade}")
    g = Grade(grade)
    if now.tzinfo is None:
        raise ValueError("the review time must carry a timezone")
    now = to_millisecond(now)
    if card is None:
        card = new_card(now)
    days = 0
    if card.state != State.NEW and card.last_review is not None:
        days = max(0, elapsed_days(card.last_review, now))
    current = replace(card, reps=card.reps + 1, last_review=now)
    if card.state == State.REVIEW:
        return _review_state(params, current, g, now, days)
    d, s = next_memory(params, current.difficulty, current.stability, days, g)
    to_state = State.LEARNING if card.state == State.NEW else card.state
    return _after_steps(params, current, d, s, g, to_state, now, days)


def _review_state(
    params: FsrsParameters, card: FsrsSchedule, g: Grade, now: dt.datetime, days: int
) -> FsrsSchedule:
    r = forgetting_curve(params, days, card.stability)
    memory = {
        grade: next_memory(params, card.difficulty, card.stability, days, grade, r)
        for grade in ((Grade.AGAIN,) if g == Grade.AGAIN else (Grade.HARD, Grade.GOOD, Grade.EASY))
    }
    if g == Grade.AGAIN:
        d, s = memory[Grade.AGAIN]
        after = _after_steps(params, card, d, s, g, State.RELEARNING, now, days)
        return replace(after, lapses=after.lapses + 1)
    # Hard < Good < Easy by at least a day each, as ts-fsrs keeps them.
    hard = next_interval(params, memory[Grade.HARD][1])
    good = next_interval(params, memory[Grade.GOOD][1])
    hard = min(hard, good)
    good = max(good, hard + 1)
    easy = max(next_interval(params, memory[Grade.EASY][1]), good + 1)
    ivl = {Grade.HARD: hard, Grade.GOOD: good, Grade.EASY: easy}[g]
    d, s = memory[g]
    return _in_review(card, d, s, ivl, now)
