"""What the optimizer drills share: drawing gradients and starting weights,
running a per-weight plain-Python variant of an update rule (the reference and
the mistakes; every optimizer here acts on each weight on its own), and the
prompt and steps-table pieces for weight vectors."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.formatting import num, plain, val, vec

#: A weight's update rule in plain Python: (w0_i, [g_1i..g_Ti]) -> w_Ti.
WeightRule = Callable[[float, list[float]], float]


def per_weight(
    rule: WeightRule, w0: Sequence[float], grads: Sequence[Sequence[float]]
) -> list[float]:
    """Apply a per-weight rule to every weight; a rule that divides by zero or
    overflows (some mistakes do) gives NaN, which no tolerance accepts."""
    out = []
    for i, w in enumerate(w0):
        try:
            out.append(float(rule(w, [g[i] for g in grads])))
        except (ZeroDivisionError, OverflowError, ValueError):
            out.append(math.nan)
    return out


def draw_shape(d: Draws) -> tuple[int, int]:
    """(n weights, T steps): 1-3 weights, 2-4 steps."""
    return d.integer(1, 3), d.integer(2, 4)


def draw_grads(d: Draws, n: int, steps: int, scale: Callable[[], float]) -> list[list[float]]:
    """T gradient vectors; weight i's magnitudes come from scale() (one draw per
    weight, then +-50% per step), two significant figures, random signs."""
    sizes = [scale() for _ in range(n)]
    return [
        [round_sig(d.sign() * sizes[i] * d.uniform(0.5, 1.5), 2) for i in range(n)]
        for _ in range(steps)
    ]


def draw_start(d: Draws, update: Sequence[float]) -> list[float] | None:
    """Starting weights sized to the total update u of each weight: w0 = +-r |u|
    with r in [1.5, 6], so the weights visibly move (typing w0 fails) and
    |w_T| >= |u| / 2 (no cancellation that would make 3 figures hard to reach)."""
    w0 = []
    for u in update:
        if not math.isfinite(u) or u == 0.0:
            return None
        w0.append(round_sig(d.sign() * abs(u) * d.log_uniform(1.5, 6.0), 2))
    return w0


def moved_enough(w0: Sequence[float], answer: Sequence[float]) -> bool:
    """|w_T| is at least half the update |w_T - w0| for every weight."""
    return all(abs(a) >= 0.5 * abs(a - w) for w, a in zip(w0, answer, strict=True))


def cell(x: Sequence[float] | np.ndarray) -> str:
    """A vector in the steps table; a lone weight shows as a plain number."""
    xs = plain(x)
    return val(xs[0]) if len(xs) == 1 else vec(xs)


def grads_lines(w0: Sequence[float], grads: Sequence[Sequence[float]]) -> str:
    one = len(w0) == 1
    show = (lambda v: num(v[0])) if one else (lambda v: vec(v, num))
    lines = [f"w0 = {show(w0)}"]
    lines += [f"g{t} = {show(g)}" for t, g in enumerate(grads, 1)]
    return "\n".join(lines)


def weights_question(n: int, steps: int) -> str:
    if n == 1:
        return f"What is the weight after {steps} steps?"
    return f"What are the {n} weights after {steps} steps?"
