"""Drill: a hyperparameter sampled on a log scale (a value, or a beta through 1 - beta).

Mistakes kept outside the tolerance: sampled linearly (for a beta: beta
sampled linearly, from either end); u run from the other end; for a beta
also the log scale put on beta itself instead of 1 - beta, and 1 - beta
typed for beta.
Not separable near u = 0.5 for "u from the other end": the generator keeps u
where the two ends disagree, so this one is always separated on the drills
it makes.
"""

from __future__ import annotations

import math

from srs_dl.core.compute.sampling import log_scale, one_minus_log_scale
from srs_dl.core.drills.draws import Draws
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Rounder, Solution, StepsTable
from srs_dl.core.drills.formatting import minus, num, val

VALUE_LOWS = (1e-5, 1e-4, 1e-3, 1e-2)
BETA_LOWS = (0.8, 0.9, 0.95)
BETA_HIGHS = (0.99, 0.995, 0.999)


def _log(low: float, high: float, u: float) -> float:
    a, b = math.log10(low), math.log10(high)
    return 10.0 ** (a + u * (b - a))


def candidate(d: Draws) -> Params | None:
    u = round(d.uniform(0.05, 0.95), 2)
    if d.chance(0.5):
        # Clean 1-figure bounds (5e-05, not 5.000000000000001e-05), at most 1, two decades apart at least.
        low = float(f"{d.choice(VALUE_LOWS) * d.choice((1, 2, 5)):.1g}")
        high = min(1.0, float(f"{low * 10 ** d.integer(2, 4):.1g}"))
        if high < 50 * low:
            return None
        return {"low": low, "high": high, "u": u, "target": "value"}
    return {"low": d.choice(BETA_LOWS), "high": d.choice(BETA_HIGHS), "u": u, "target": "one_minus"}


def reference(p: Params, r: Rounder) -> float:
    low, high, u = p["low"], p["high"], p["u"]
    if p["target"] == "value":
        a, b = r(math.log10(low)), r(math.log10(high))
        return r(10.0 ** r(a + r(u * r(b - a))))
    a, b = r(math.log10(r(1.0 - high))), r(math.log10(r(1.0 - low)))
    return r(1.0 - r(10.0 ** r(a + r(u * r(b - a)))))


def mistakes(p: Params) -> list[Mistake]:
    low, high, u = p["low"], p["high"], p["u"]
    if p["target"] == "value":
        return [
            Mistake(
                "sampled_linearly",
                "sampling linearly (low + u (high - low))",
                low + u * (high - low),
            ),
            Mistake("reversed", "running u from the high end", _log(high, low, u)),
        ]
    one_minus = _log(1.0 - high, 1.0 - low, u)
    return [
        Mistake(
            "beta_sampled_linearly",
            "sampling beta linearly (low + u (high - low))",
            low + u * (high - low),
        ),
        Mistake(
            "beta_sampled_linearly_from_high",
            "sampling beta linearly from the high end",
            high - u * (high - low),
        ),
        Mistake(
            "log_scale_on_beta",
            "putting the log scale on beta instead of 1 - beta",
            _log(low, high, u),
        ),
        Mistake("forgot_one_minus", "answering 1 - beta instead of beta", one_minus),
        Mistake(
            "reversed",
            "running u from the other end (u = 0 giving low)",
            1.0 - _log(1.0 - low, 1.0 - high, u),
        ),
    ]


def solve(p: Params) -> Solution:
    low, high, u = p["low"], p["high"], p["u"]
    if p["target"] == "value":
        value = float(log_scale(low, high, u))
        a, b = math.log10(low), math.log10(high)
        rows: tuple[tuple[str | int, ...], ...] = (
            ("log10 low", val(a)),
            ("log10 high", val(b)),
            ("r = log10 low + u * (log10 high - log10 low)", val(a + u * (b - a))),
            ("value = 10^r", val(value)),
        )
        worked: tuple[str, ...] = (
            f"r = {val(a)} + {num(u)} * ({val(b)} {minus(a, val)}) = {val(a + u * (b - a))}",
            f"value = 10^{val(a + u * (b - a))} = {val(value)}",
        )
    else:
        value = float(one_minus_log_scale(low, high, u))
        a, b = math.log10(1.0 - high), math.log10(1.0 - low)
        rows = (
            ("log10(1 - high)", val(a)),
            ("log10(1 - low)", val(b)),
            ("r = log10(1 - high) + u * (log10(1 - low) - log10(1 - high))", val(a + u * (b - a))),
            ("1 - beta = 10^r", val(10.0 ** (a + u * (b - a)))),
            ("beta", val(value)),
        )
        worked = (
            f"r = {val(a)} + {num(u)} * ({val(b)} {minus(a, val)}) = {val(a + u * (b - a))}",
            f"1 - beta = 10^{val(a + u * (b - a))} = {val(10.0 ** (a + u * (b - a)))}",
            f"beta = 1 - {val(10.0 ** (a + u * (b - a)))} = {val(value)}",
        )
    return Solution(value, StepsTable(("quantity", "value"), rows), lambda: worked)


def technique(p: Params) -> str:
    low, high = num(p["low"]), num(p["high"])
    if p["target"] == "value":
        return (
            f"Random search for a hyperparameter between low = {low} and high = {high} "
            "on a log scale: u = 0 gives low and u = 1 gives high."
        )
    return (
        f"Random search for a beta between low = {low} and high = {high}, with 1 - beta "
        "on a log scale: u = 0 gives beta = high, u = 1 gives beta = low."
    )


def formula(p: Params) -> str:
    if p["target"] == "value":
        return "value = 10^(log10 low + u * (log10 high - log10 low))."
    return "1 - beta = 10^(log10(1 - high) + u * (log10(1 - low) - log10(1 - high)))."


def given(p: Params) -> str:
    what = "value" if p["target"] == "value" else "beta"
    return f"The uniform draw is u = {num(p['u'])}. What {what} is sampled?"


SPEC = KindSpec(
    kind="log_scale",
    topic="Hyperparameter search",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    technique=technique,
    formula=formula,
    given=given,
    param_names=("low", "high", "u", "target"),
)
