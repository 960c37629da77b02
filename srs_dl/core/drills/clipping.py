"""Drill: gradient clipping by the global norm (torch.nn.utils.clip_grad_norm_).

The gradients of 2-3 parameter tensors (rows) are clipped together: their
total norm is over every element, and all rows scale by the same
max_norm / (total_norm + 1e-6) when that is below 1. Inputs keep the total
norm above max_norm (so clipping happens) and some tensor's own norm below
it, so that the common mistake, clipping each tensor by its own norm, differs.
Mistakes kept outside the tolerance: per-tensor clipping; clipping by value
(each element clamped to +-max_norm); scaling to unit norm (dividing by the
total norm alone); the squared norm used for the norm; no clipping.
"""

from __future__ import annotations

import math

from srs_dl.core.compute.clipping import NORM_EPS, clip_grad_norm
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Rounder, Solution, StepsTable
from srs_dl.core.drills.formatting import num, val, vec

Matrix = list[list[float]]


def _norm(row: list[float], r: Rounder = lambda x: x) -> float:
    return r(math.sqrt(r(sum(r(x * x) for x in row))))


def _scaled(g: Matrix, coef: float, r: Rounder = lambda x: x) -> Matrix:
    return [[r(coef * x) for x in row] for row in g]


def candidate(d: Draws) -> Params | None:
    k, m = d.integer(2, 3), d.integer(2, 3)
    sizes = [d.log_uniform(0.2, 5.0) for _ in range(k)]
    grads = [[round_sig(d.sign() * s * d.uniform(0.3, 1.0), 2) for _ in range(m)] for s in sizes]
    norms = [_norm(row) for row in grads]
    total = math.sqrt(sum(n * n for n in norms))
    max_norm = round_sig(d.uniform(max(min(norms) * 1.1, total * 0.2), total * 0.8), 1)
    # max_norm = 1 would make "dividing by the total norm" the right answer.
    if not (min(norms) < max_norm < total) or 0.9 <= max_norm <= 1.1:
        return None
    return {"grads": grads, "max_norm": max_norm}


def reference(p: Params, r: Rounder) -> Matrix:
    g = p["grads"]
    total = r(math.sqrt(r(sum(r(x * x) for row in g for x in row))))
    coef = min(1.0, r(p["max_norm"] / (total + NORM_EPS)))
    return _scaled(g, coef, r)


def mistakes(p: Params) -> list[Mistake]:
    g, mx = p["grads"], p["max_norm"]
    total = math.sqrt(sum(x * x for row in g for x in row))
    per_tensor = [[x * min(1.0, mx / (_norm(row) + NORM_EPS)) for x in row] for row in g]
    return [
        Mistake(
            "no_clipping", "leaving the gradients as they are", [list(map(float, r)) for r in g]
        ),
        Mistake("per_tensor", "clipping each tensor by its own norm", per_tensor),
        Mistake(
            "by_value",
            "clipping each element to +-max_norm",
            [[max(-mx, min(mx, x)) for x in row] for row in g],
        ),
        Mistake(
            "unit_norm", "dividing by the total norm without max_norm", _scaled(g, 1.0 / total)
        ),
        Mistake(
            "squared_norm",
            "the sum of squares (no square root) as the norm",
            _scaled(g, min(1.0, mx / (total * total))),
        ),
    ]


def solve(p: Params) -> Solution:
    tr = clip_grad_norm(p["grads"], p["max_norm"])
    norms, clipped = tr.norms.tolist(), tr.clipped.tolist()
    rows: list[tuple[str | int, ...]] = [
        (f"tensor {i + 1}", vec(row, num), val(norms[i]), vec(clipped[i]))
        for i, row in enumerate(p["grads"])
    ]
    rows += [
        ("total_norm = sqrt(sum of all g^2)", "", val(tr.total_norm), ""),
        ("coef = max_norm / (total_norm + 1e-6)", "", val(tr.coef), ""),
    ]
    squares = " + ".join(f"{val(n)}^2" for n in norms)

    def worked() -> tuple[str, ...]:
        return (
            f"total_norm = sqrt({squares}) = {val(tr.total_norm)}",
            f"coef = {num(p['max_norm'])} / ({val(tr.total_norm)} + 1e-6) = {val(tr.coef)}",
            *(
                f"g{i + 1} clipped = {val(tr.coef)} * {vec(row, num)} = {vec(clipped[i])}"
                for i, row in enumerate(p["grads"])
            ),
        )

    table = StepsTable(("tensor", "g", "norm", "clipped"), tuple(rows))
    return Solution(clipped, table, worked)


def given(p: Params) -> str:
    k, m = len(p["grads"]), len(p["grads"][0])
    lines = [f"g{i} = {vec(row, num)}" for i, row in enumerate(p["grads"], 1)]
    lines += [
        f"max_norm = {num(p['max_norm'])}",
        f"What are the {k} gradients after clipping ({k} x {m}, a row per tensor)?",
    ]
    return "\n".join(lines)


SPEC = KindSpec(
    kind="grad_clip",
    topic="Gradient clipping",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    technique=lambda p: (
        f"Gradient clipping of {len(p['grads'])} parameter tensors' gradients, as "
        "torch.nn.utils.clip_grad_norm_(params, max_norm) computes it."
    ),
    formula=lambda p: (
        "total_norm = sqrt(sum of every squared element of every tensor); when "
        "max_norm / (total_norm + 1e-6) < 1, every gradient is multiplied by it."
    ),
    given=given,
    param_names=("grads", "max_norm"),
)
