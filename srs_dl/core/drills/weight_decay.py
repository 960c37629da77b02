"""Drills: SGD with weight decay, and the L2 penalty it equals.

torch.optim.SGD(lr, weight_decay) steps w -= lr (g + weight_decay w), the
gradient of loss + (weight_decay / 2) sum(w^2): the penalty's lambda is half
the weight decay (the user's note says they are equal: the factor 2 is the
mistake these drills are about).

sgd_weight_decay mistakes kept outside the tolerance: weight decay doubled
(an L2 penalty with lambda = weight_decay), no weight decay, one step fewer
(t off by one), w0. The decay's share of a step is lr * weight_decay, so the
inputs use lr in [0.01, 0.1] and weight_decay in [0.01, 0.5] with
lr * weight_decay * T >= 0.01: with lr = 0.01 and weight_decay = 5e-4 no
hand computation to 3 figures could tell decay from none.
l2_equivalent mistakes: lambda = weight_decay, lambda = 2 weight_decay.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from srs_dl.core.compute.optimizers import l2_equivalent, sgd_weight_decay
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Rounder, Solution, StepsTable, exact
from srs_dl.core.drills.formatting import num, val
from srs_dl.core.drills.weight_draws import draw_shape
from srs_dl.core.drills.weights import WeightRule, cell, one_step_fewer, per_weight, weights_kind

LRS = (0.01, 0.02, 0.05, 0.1)
DECAYS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)


def _rule(lr: float, decay: float, r: Rounder = exact) -> WeightRule:
    def run(w: float, gs: list[float]) -> Iterator[float]:
        for g in gs:
            w = r(w - r(lr * r(g + r(decay * w))))
            yield w

    return run


def _rule_of(p: Params, r: Rounder) -> WeightRule:
    return _rule(p["lr"], p["weight_decay"], r)


def candidate(d: Draws) -> Params | None:
    n, steps = draw_shape(d)
    lr, wd = d.choice(LRS), d.choice(DECAYS)
    if lr * wd * steps < 0.01:
        return None
    w0 = [round_sig(d.sign() * d.uniform(0.2, 3.0), 2) for _ in range(n)]
    grads = [
        [round_sig(d.sign() * d.log_uniform(0.1, 3.0), 2) for _ in range(n)] for _ in range(steps)
    ]
    return {"lr": lr, "weight_decay": wd, "w0": w0, "grads": grads}


def mistakes(p: Params) -> list[Mistake]:
    lr, wd, w0, grads = p["lr"], p["weight_decay"], p["w0"], p["grads"]
    return [
        Mistake(
            "weight_decay_doubled",
            "doubling the weight decay (an L2 penalty with lambda = weight_decay)",
            per_weight(_rule(lr, 2.0 * wd), w0, grads),
        ),
        Mistake(
            "no_weight_decay", "leaving the weight decay out", per_weight(_rule(lr, 0.0), w0, grads)
        ),
        one_step_fewer(p, _rule_of),
    ]


def worked_step(p: Params, a: dict[str, list[Any]], t: int) -> list[str]:
    w, g, eff = a["w"], a["grads"], a["effective_grad"]
    return [
        f"g_{t + 1} + weight_decay * w_{t} = {cell(g[t])} + {num(p['weight_decay'])} * "
        f"{cell(w[t])} = {cell(eff[t])}",
    ]


SGD_WEIGHT_DECAY = weights_kind(
    kind="sgd_weight_decay",
    topic="SGD with weight decay",
    hyper=("lr", "weight_decay"),
    kernel=sgd_weight_decay,
    columns=(
        ("weight_decay * w_{t-1}", "decay"),
        ("g_t + weight_decay * w_{t-1}", "effective_grad"),
        ("lr * (...)", "step"),
    ),
    worked_step=worked_step,
    update_of="effective_grad",
    technique=lambda p: (
        "SGD with weight decay, as torch.optim.SGD(lr, weight_decay) computes it (no momentum)."
    ),
    formula=lambda p: "Each step adds weight_decay * w to the gradient before w -= lr * gradient.",
    candidate=candidate,
    rule_of=_rule_of,
    mistakes=mistakes,
)


def l2_candidate(d: Draws) -> Params:
    return {"weight_decay": round_sig(d.log_uniform(1e-4, 0.1), d.choice((1, 2)))}


def l2_reference(p: Params, r: Rounder) -> float:
    return r(p["weight_decay"] / 2.0)


def l2_mistakes(p: Params) -> list[Mistake]:
    wd = p["weight_decay"]
    return [
        Mistake("same_as_weight_decay", "taking lambda = weight_decay", wd),
        Mistake("weight_decay_doubled", "taking lambda = 2 * weight_decay", 2.0 * wd),
    ]


def l2_solve(p: Params) -> Solution:
    wd = p["weight_decay"]
    lam = l2_equivalent(wd)
    rows: tuple[tuple[str | int, ...], ...] = (
        ("SGD(weight_decay) adds to the gradient", f"weight_decay * w = {val(wd)} * w"),
        ("d/dw of lambda * w^2", "2 * lambda * w"),
        ("equal when", f"2 * lambda = {val(wd)}"),
        ("lambda", val(lam)),
    )
    worked = (f"2 * lambda = {num(wd)}, so lambda = {num(wd)} / 2 = {val(lam)}",)
    return Solution(lam, StepsTable(("quantity", "value"), rows), lambda: worked)


L2_EQUIVALENT = KindSpec(
    kind="l2_equivalent",
    topic="Weight decay",
    candidate=l2_candidate,
    reference=l2_reference,
    mistakes=l2_mistakes,
    solve=l2_solve,
    technique=lambda p: (
        f"torch.optim.SGD(params, lr, weight_decay={num(p['weight_decay'])}) updates "
        "w -= lr * (g + weight_decay * w)."
    ),
    formula=lambda p: "d/dw (lambda * w^2) = 2 * lambda * w.",
    given=lambda p: (
        "For which lambda does plain SGD (same lr) on loss + lambda * sum(w^2) "
        "make exactly the same updates?"
    ),
    param_names=("weight_decay",),
)
