"""What the optimizer drills share: drawing gradients and starting weights,
running a per-weight plain-Python variant of an update rule (the reference and
the mistakes; every optimizer here acts on each weight on its own), and the
one builder of a weights kind's spec (its reference, fairness check, steps
table, worked lines and prompt), so that each optimizer module says only what
is its own: the rule, the draws, the mistakes and the words."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import (
    KindSpec,
    Mistake,
    Params,
    Rounder,
    Solution,
    StepsTable,
    exact,
)
from srs_dl.core.drills.fairness import WEIGHT_FLOOR, steady_path
from srs_dl.core.drills.formatting import num, plain, val, vec

#: A weight's update rule in plain Python: (w0_i, [g_1i..g_Ti]) -> [w_0i, ..., w_Ti].
WeightRule = Callable[[float, list[float]], list[float]]
#: A kind's right rule for its params, each written-down intermediate through the Rounder.
RuleOf = Callable[[Params, Rounder], WeightRule]


def paths(
    rule: WeightRule, w0: Sequence[float], grads: Sequence[Sequence[float]]
) -> list[list[float]]:
    """Each weight's path (one list per weight); a rule that divides by zero or
    overflows (some mistakes do) gives NaN, which no tolerance accepts."""
    out = []
    for i, w in enumerate(w0):
        try:
            out.append([float(x) for x in rule(w, [g[i] for g in grads])])
        except (ZeroDivisionError, OverflowError, ValueError):
            out.append([math.nan])
    return out


def per_weight(
    rule: WeightRule, w0: Sequence[float], grads: Sequence[Sequence[float]]
) -> list[float]:
    """The weights after the last step."""
    return [p[-1] for p in paths(rule, w0, grads)]


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
    |w_T| >= |u| / 2; None when some update is too small to make a weight of."""
    w0 = []
    for u in update:
        if not math.isfinite(u) or not abs(u) * 1.5 >= WEIGHT_FLOOR:
            return None
        w0.append(round_sig(d.sign() * abs(u) * d.log_uniform(1.5, 6.0), 2))
    return w0


def start_for(d: Draws, params: Params, rule_of: RuleOf) -> Params | None:
    """`params` with w0 drawn for the update its rule makes from 0 (draw_start)."""
    n = len(params["grads"][0])
    moved = per_weight(rule_of({**params, "w0": [0.0] * n}, exact), [0.0] * n, params["grads"])
    w0 = draw_start(d, [-w for w in moved])
    if w0 is None:
        return None
    return {**params, "w0": w0}


def moved_enough(w0: Sequence[float], answer: Sequence[float]) -> bool:
    """|w_T| is at least half the update |w_T - w0| for every weight."""
    return all(abs(a) >= 0.5 * abs(a - w) for w, a in zip(w0, answer, strict=True))


def cell(x: Sequence[float] | np.ndarray | float) -> str:
    """A vector in the steps table; a lone weight shows as a plain number."""
    if isinstance(x, float | int):
        return val(x)
    xs = plain(x)
    return val(xs[0]) if len(xs) == 1 else vec(xs)


def given_cell(x: Sequence[float]) -> str:
    """An input vector as the prompt shows it (exact digits)."""
    return num(x[0]) if len(x) == 1 else vec(x, num)


def grads_lines(w0: Sequence[float], grads: Sequence[Sequence[float]]) -> str:
    lines = [f"w0 = {given_cell(w0)}"]
    lines += [f"g{t} = {given_cell(g)}" for t, g in enumerate(grads, 1)]
    return "\n".join(lines)


def weights_question(n: int, steps: int) -> str:
    if n == 1:
        return f"What is the weight after {steps} steps?"
    return f"What are the {n} weights after {steps} steps?"


#: One column of the steps table: its header and the trace array it shows.
Column = tuple[str, str]
#: The worked lines of one step: (trace as lists by attribute, t from 0) -> lines.
WorkedStep = Callable[[Params, dict[str, list[Any]], int], list[str]]


def weights_kind(
    *,
    kind: str,
    topic: str,
    param_names: tuple[str, ...],
    candidate: Callable[[Draws], Params | None],
    rule_of: RuleOf,
    mistakes: Callable[[Params], list[Mistake]],
    trace: Callable[[Params], Any],
    columns: Callable[[Params], Sequence[Column]],
    worked_step: WorkedStep,
    technique: Callable[[Params], str],
    formula: Callable[[Params], str],
    settings: Callable[[Params], str],
    large_eps: bool = False,
) -> KindSpec:
    """The spec of a kind whose answer is the weights after T steps of a per-weight
    rule: `trace` runs its NumPy kernel (a trace with w and the arrays that
    `columns(params)` names, shown in that order between t and w_t), `worked_step` writes one step's substituted lines, `settings` the
    hyperparameters' line of the prompt."""

    def reference(p: Params, r: Rounder) -> list[float]:
        return per_weight(rule_of(p, r), p["w0"], p["grads"])

    def well_posed(p: Params, answer: Any) -> bool:
        if not moved_enough(p["w0"], answer):
            return False
        return steady_path(paths(rule_of(p, exact), p["w0"], p["grads"]))

    def solve(p: Params) -> Solution:
        tr = trace(p)
        cols = columns(p)
        arrays = {name: getattr(tr, name).tolist() for _, name in cols}
        w = tr.w.tolist()
        arrays["w"] = w
        rows: list[tuple[str | int, ...]] = [(0, *([""] * len(cols)), cell(w[0]))]
        for t in range(tr.num_steps):
            rows.append((t + 1, *(cell(arrays[name][t]) for _, name in cols), cell(w[t + 1])))
        table = StepsTable(("t", *(h for h, _ in cols), "w_t"), tuple(rows))

        def worked() -> tuple[str, ...]:
            every = {
                f.name: getattr(tr, f.name).tolist()
                for f in fields(tr)
                if isinstance(getattr(tr, f.name), np.ndarray)
            }
            return tuple(line for t in range(tr.num_steps) for line in worked_step(p, every, t))

        return Solution(tr.final.tolist(), table, worked)

    def given(p: Params) -> str:
        return "\n".join(
            [
                settings(p),
                grads_lines(p["w0"], p["grads"]),
                weights_question(len(p["w0"]), len(p["grads"])),
            ]
        )

    return KindSpec(
        kind=kind,
        topic=topic,
        candidate=candidate,
        reference=reference,
        mistakes=mistakes,
        solve=solve,
        technique=technique,
        formula=formula,
        given=given,
        well_posed=well_posed,
        param_names=param_names,
        large_eps=large_eps,
    )


def weight_update_line(arrays: dict[str, list[Any]], t: int, lr: float, step_of: str) -> str:
    """w_t = w_{t-1} - lr * (...) with the numbers in; `step_of` names the array
    that lr multiplies (the trace holds the product as `step`)."""
    w = arrays["w"]
    return f"w_{t + 1} = {cell(w[t])} - {num(lr)} * {cell(arrays[step_of][t])} = {cell(w[t + 1])}"
