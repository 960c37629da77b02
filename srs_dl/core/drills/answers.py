"""Reading a learner's typed answer and checking it against a drill.

Accepted forms (contract): `0.0123`, `1.23e-2`, `-4`; a vector as `[0.1, 0.2]`,
`0.1, 0.2` or `0.1 0.2`; a matrix row by row with `;` between rows (nested
brackets `[[1, 2], [3, 4]]` work too). A single number is accepted for a
one-element vector. Text that is not an answer (not a number, NaN, infinite,
overflowing, the wrong shape) gets a message and no grade: `ok` is None.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from srs_dl.core.drills.drill import Answer, Drill
from srs_dl.core.drills.formatting import answer_text

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# 1,234 or 12,345.5: commas that group thousands, read only where one number is expected.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_BETWEEN_ROWS = re.compile(r"\]\s*[,;]?\s*\[")
_SPLIT = re.compile(r"[,\s]+")
_NAN = frozenset({"nan", "+nan", "-nan"})
_INF = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "∞", "+∞", "-∞"})
# No one types more; a longer token is a paste or an attack, not an answer.
_MAX_TOKEN = 100
_MAX_TEXT = 1_000_000


@dataclass(frozen=True, slots=True)
class CheckResult:
    #: True right, False wrong, None not an answer (no grade).
    ok: bool | None
    message: str
    #: What was read, shaped like the drill's answer (None when not an answer).
    value: Answer | None = None
    #: The name of the common mistake the wrong answer matches, if any.
    mistake: str | None = None


class AnswerError(ValueError):
    """Typed text that is not an answer of the expected shape; str() is the message."""


def _short(token: str) -> str:
    return token if len(token) <= 24 else token[:20] + "..."


def _number(token: str) -> float:
    low = token.lower()
    if low in _NAN:
        raise AnswerError("NaN is not an answer: type a finite number.")
    if low in _INF:
        raise AnswerError("Infinity is not an answer: type a finite number.")
    if not _NUMBER.fullmatch(token):
        raise AnswerError(f"'{_short(token)}' is not a number.")
    if len(token) > _MAX_TOKEN:
        raise AnswerError(
            f"'{_short(token)}' has {len(token)} characters: too many digits to be an answer."
        )
    x = float(token)
    if not math.isfinite(x):
        raise AnswerError(f"'{_short(token)}' overflows: it is too large to be an answer.")
    return x


def _rows(text: str, scalar: bool) -> list[list[str]]:
    t = text.strip().replace("\u2212", "-")
    if scalar and _GROUPED.fullmatch(t):
        t = t.replace(",", "")
    t = _BETWEEN_ROWS.sub(";", t)
    for bracket in "[]()":
        t = t.replace(bracket, " ")
    rows = []
    for part in re.split(r"[;\n]", t):
        tokens = [tok for tok in _SPLIT.split(part.strip()) if tok]
        if tokens:
            rows.append(tokens)
    return rows


def _plural(k: int, word: str) -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}s"


def _describe(rows: list[list[str]]) -> str:
    if len(rows) == 1:
        return _plural(len(rows[0]), "number")
    sizes = ", ".join(str(len(r)) for r in rows)
    return f"{len(rows)} rows of {sizes} numbers"


def parse_answer(text: str, like: Answer) -> Answer:
    """`text` read as an answer shaped like `like`; raises AnswerError with a
    one-line message when it is not one. Integers stay exact where typed so."""
    if len(text) > _MAX_TEXT:
        raise AnswerError("That is far too long to be an answer.")
    scalar = isinstance(like, int | float)
    rows = _rows(text, scalar)
    if not rows:
        raise AnswerError(
            "Type the answer: a number"
            + ("." if scalar else ", or numbers separated by commas or spaces.")
        )
    values = [[_number(tok) for tok in row] for row in rows]
    count = sum(len(r) for r in values)
    if scalar:
        if count != 1:
            hint = " (write decimals with '.')" if _DECIMAL_COMMA.fullmatch(text.strip()) else ""
            raise AnswerError(f"Expected one number, got {_describe(rows)}{hint}.")
        if isinstance(like, int):
            exact = Decimal(rows[0][0])
            return int(exact) if exact == exact.to_integral_value() else values[0][0]
        return values[0][0]
    assert isinstance(like, list)
    if like and isinstance(like[0], list):
        n, m = len(like), len(like[0])
        if len(values) != n or any(len(r) != m for r in values):
            raise AnswerError(
                f"Expected a {n} x {m} matrix ({_plural(n, 'row')} of {_plural(m, 'number')}, "
                f"rows separated by ';'), got {_describe(rows)}."
            )
        return values
    n = len(like)
    if len(values) == 1 or all(len(r) == 1 for r in values):
        flat = [x for r in values for x in r]
        if len(flat) == n:
            return flat
        raise AnswerError(f"Expected {_plural(n, 'number')} (one per weight), got {len(flat)}.")
    raise AnswerError(f"Expected {_plural(n, 'number')} on one line, got {_describe(rows)}.")


def _flat(a: Answer) -> list[float]:
    if isinstance(a, int | float):
        return [a]
    if a and isinstance(a[0], list):
        return [x for row in a for x in row]
    return list(a)  # type: ignore[arg-type]


def _off(x: float, a: float, rel_tol: float, abs_tol: float) -> float:
    """How far x is from a, in units of the allowed error (<= 1 passes)."""
    return abs(x - a) / max(rel_tol * abs(a), abs_tol)


def within_tolerance(value: Answer, answer: Answer, rel_tol: float, abs_tol: float) -> bool:
    """Every element within rel_tol (relative) or abs_tol (absolute); integers exact."""
    if isinstance(answer, int):
        # parse_answer gives an int only for an exactly whole number.
        return isinstance(value, int) and value == answer
    vs, ans = _flat(value), _flat(answer)
    return len(vs) == len(ans) and all(
        _off(x, a, rel_tol, abs_tol) <= 1.0 for x, a in zip(vs, ans, strict=True)
    )


def clearly_wrong(
    value: Answer, answer: Answer, rel_tol: float, abs_tol: float, margin: float
) -> bool:
    """Some element off by more than `margin` times the tolerance: a mistake the
    checker rejects even when the learner rounds it to 3 significant figures."""
    if isinstance(answer, int):
        return value != answer
    vs, ans = _flat(value), _flat(answer)
    if len(vs) != len(ans):
        return True
    return any(not _off(x, a, rel_tol, abs_tol) <= margin for x, a in zip(vs, ans, strict=True))


def check(drill: Drill, text: str) -> CheckResult:
    try:
        value = parse_answer(text, drill.answer)
    except AnswerError as e:
        return CheckResult(None, str(e))
    shown = answer_text(drill.answer)
    if within_tolerance(value, drill.answer, drill.rel_tol, drill.abs_tol):
        return CheckResult(True, f"Correct: {shown}.", value)
    message = f"Not right: the answer is {shown}."
    vs, ans = _flat(value), _flat(drill.answer)
    if len(ans) > 1 and not drill.integer:
        wrong = sum(
            _off(x, a, drill.rel_tol, drill.abs_tol) > 1.0 for x, a in zip(vs, ans, strict=True)
        )
        message += f" {wrong} of {len(ans)} numbers are off."
    for mistake in drill.mistakes:
        if within_tolerance(value, mistake.answer, drill.rel_tol, drill.abs_tol):
            return CheckResult(
                False, f"{message} Yours is what {mistake.description} gives.", value, mistake.name
            )
    return CheckResult(False, message, value)
