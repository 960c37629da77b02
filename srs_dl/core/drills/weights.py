"""What the optimizer drills share: running a per-weight plain-Python variant
of an update rule (the reference and the mistakes; every optimizer here acts
on each weight on its own), and the one builder of a weights kind's spec (its
params, kernel call, reference, fairness check, the mistakes every kind has,
steps table, worked lines and prompt), so that each optimizer module says only
what is its own: the rule, the draws (with weight_draws), the mistakes and the
words."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from srs_dl.core.drills.draws import Draws
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Rounder, Solution, StepsTable, exact
from srs_dl.core.drills.fairness import steady_path
from srs_dl.core.drills.formatting import num, plain, val, vec

#: A weight's update rule in plain Python: (w0_i, [g_1i..g_Ti]) -> w_1i, ..., w_Ti
#: (the weight after each step; `paths` puts w0_i in front).
WeightRule = Callable[[float, list[float]], Iterable[float]]
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
            path = [float(w)]
            path.extend(map(float, rule(w, [g[i] for g in grads])))
            out.append(path)
        except (ZeroDivisionError, OverflowError, ValueError):
            out.append([math.nan])
    return out


def per_weight(
    rule: WeightRule, w0: Sequence[float], grads: Sequence[Sequence[float]]
) -> list[float]:
    """The weights after the last step."""
    return [p[-1] for p in paths(rule, w0, grads)]


def starting_weights(p: Params) -> Mistake:
    """Every weights kind's first mistake: typing w0 back."""
    return Mistake("starting_weights", "leaving the weights at w0", list(p["w0"]))


def one_step_fewer(p: Params, rule_of: RuleOf) -> Mistake:
    """The right rule stopped a step early (t off by one)."""
    return Mistake(
        "one_step_fewer",
        "stopping one step early",
        per_weight(rule_of(p, exact), p["w0"], p["grads"][:-1]),
    )


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
#: The columns between t, g_t and w_t: fixed, or named after the params (a convention's V).
Columns = Sequence[Column] | Callable[[Params], Sequence[Column]]
#: The worked lines of one step: (trace as lists by attribute, t from 0) -> lines.
WorkedStep = Callable[[Params, dict[str, list[Any]], int], list[str]]


def settings_line(p: Params, names: Sequence[str]) -> str:
    """The prompt's hyperparameters line: `lr = 0.01, beta = 0.9`."""
    return ", ".join(f"{name} = {num(p[name])}" for name in names)


def weights_kind(
    *,
    kind: str,
    topic: str,
    hyper: tuple[str, ...],
    kernel: Callable[..., Any],
    candidate: Callable[[Draws], Params | None],
    rule_of: RuleOf,
    mistakes: Callable[[Params], list[Mistake]],
    columns: Columns,
    worked_step: WorkedStep,
    technique: Callable[[Params], str],
    formula: Callable[[Params], str],
    options: tuple[str, ...] = (),
    update_of: str | None = None,
    large_eps: bool = False,
) -> KindSpec:
    """The spec of a kind whose answer is the weights after T steps of a per-weight
    rule. Its params are the numeric hyperparameters `hyper` (the prompt's settings line),
    w0, grads, then the `options` that pick a variant (named in the technique), in
    the contract's order; `kernel(w0, grads, *hyper, *options)` runs the NumPy
    kernel, giving a trace with w and the arrays that `columns` names (shown in
    that order between t, g_t and w_t); `worked_step` writes one step's
    substituted lines, ended by w_t = w_{t-1} - lr * (the `update_of` array) when
    the kind names one. `mistakes` are the kind's own: typing w0 back comes first."""
    param_names = (*hyper, "w0", "grads", *options)
    named = (*hyper, *options)

    def step_lines(p: Params, arrays: dict[str, list[Any]], t: int) -> list[str]:
        lines = worked_step(p, arrays, t)
        if update_of is not None:
            lines.append(weight_update_line(arrays, t, p["lr"], update_of))
        return lines

    def columns_of(p: Params) -> tuple[Column, ...]:
        return (("g_t", "grads"), *(columns(p) if callable(columns) else columns))

    def reference(p: Params, r: Rounder) -> list[float]:
        return per_weight(rule_of(p, r), p["w0"], p["grads"])

    def well_posed(p: Params, answer: Any) -> bool:
        if not moved_enough(p["w0"], answer):
            return False
        return steady_path(paths(rule_of(p, exact), p["w0"], p["grads"]))

    def solve(p: Params) -> Solution:
        tr = kernel(p["w0"], p["grads"], *(p[name] for name in named))
        cols = columns_of(p)
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
            return tuple(line for t in range(tr.num_steps) for line in step_lines(p, every, t))

        return Solution(tr.final.tolist(), table, worked)

    def given(p: Params) -> str:
        return "\n".join(
            [
                settings_line(p, hyper),
                grads_lines(p["w0"], p["grads"]),
                weights_question(len(p["w0"]), len(p["grads"])),
            ]
        )

    return KindSpec(
        kind=kind,
        topic=topic,
        param_names=param_names,
        candidate=candidate,
        reference=reference,
        mistakes=lambda p: [starting_weights(p), *mistakes(p)],
        solve=solve,
        technique=technique,
        formula=formula,
        given=given,
        well_posed=well_posed,
        large_eps=large_eps,
    )


def weight_update_line(arrays: dict[str, list[Any]], t: int, lr: float, step_of: str) -> str:
    """w_t = w_{t-1} - lr * (...) with the numbers in; `step_of` names the array
    that lr multiplies (the trace holds the product as `step`)."""
    w = arrays["w"]
    return f"w_{t + 1} = {cell(w[t])} - {num(lr)} * {cell(arrays[step_of][t])} = {cell(w[t + 1])}"
