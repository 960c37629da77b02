"""Drill: Nesterov momentum, as torch.optim.SGD(lr, momentum=beta, nesterov=True).

torch keeps the buffer of plain momentum (g_1, then beta * buffer + g_t) and
steps along g_t + beta * buffer_t, the look-ahead. (It refuses dampening with
Nesterov; dampening's own trap, skipped on the first step, is the momentum
kind's "pytorch_dampened" convention.)
Mistakes kept outside the tolerance: plain momentum (stepping along the buffer);
the look-ahead without the gradient (beta * buffer_t); the course's dampened V in
the buffer; plain SGD; one step fewer; w0.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from srs_dl.core.compute.optimizers import nesterov
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import Mistake, Params, Rounder, exact
from srs_dl.core.drills.formatting import num
from srs_dl.core.drills.momentum import buffers
from srs_dl.core.drills.weight_draws import draw_grads, draw_shape, start_for
from srs_dl.core.drills.weights import WeightRule, cell, one_step_fewer, per_weight, weights_kind

BETAS = (0.8, 0.85, 0.9, 0.95)


def _rule(
    lr: float,
    beta: float,
    *,
    look_ahead: float = 1.0,
    with_grad: bool = True,
    keep: float = 1.0,
    r: Rounder = exact,
) -> WeightRule:
    """buffer_1 = keep g_1, buffer_t = beta buffer + keep g_t; w -= lr (g + look_ahead beta buffer)."""

    def run(w: float, gs: list[float]) -> Iterator[float]:
        for g, buf in zip(gs, buffers(gs, keep, beta, keep, r), strict=True):
            direction = r(look_ahead * beta * buf)
            if with_grad:
                direction = r(g + direction)
            w = r(w - r(lr * direction))
            yield w

    return run


def _rule_of(p: Params, r: Rounder) -> WeightRule:
    return _rule(p["lr"], p["beta"], r=r)


def candidate(d: Draws) -> Params | None:
    n, steps = draw_shape(d)
    params: Params = {
        "lr": round_sig(d.log_uniform(1e-3, 0.05), 1),
        "beta": d.choice(BETAS),
        "w0": [],
        "grads": draw_grads(d, n, steps, lambda: d.log_uniform(0.1, 5.0)),
    }
    return start_for(d, params, _rule_of)


def mistakes(p: Params) -> list[Mistake]:
    lr, beta, w0, grads = p["lr"], p["beta"], p["w0"], p["grads"]

    def wrong(**how: Any) -> list[float]:
        return per_weight(_rule(lr, beta, **how), w0, grads)

    # Plain momentum: the step is the buffer itself, g + beta buffer_{t-1} = buffer_t.
    plain: WeightRule = _rule(lr, beta, look_ahead=1.0 / beta, with_grad=False)
    return [
        Mistake(
            "plain_momentum",
            "plain momentum (stepping along the buffer, no look-ahead)",
            per_weight(plain, w0, grads),
        ),
        Mistake(
            "look_ahead_only",
            "stepping along beta * buffer_t without the gradient",
            wrong(with_grad=False),
        ),
        Mistake(
            "course_buffer",
            "the course's V (beta V + (1 - beta) g) as the buffer",
            wrong(keep=1.0 - beta),
        ),
        Mistake("plain_sgd", "plain gradient descent without momentum", wrong(look_ahead=0.0)),
        one_step_fewer(p, _rule_of),
    ]


def worked_step(p: Params, a: dict[str, list[Any]], t: int) -> list[str]:
    beta, g, v, d = p["beta"], a["grads"], a["v"], a["direction"]
    first = (
        f"buffer_1 = g_1 = {cell(v[0])}"
        if t == 0
        else f"buffer_{t + 1} = {num(beta)} * {cell(v[t - 1])} + {cell(g[t])} = {cell(v[t])}"
    )
    return [
        first,
        f"g_{t + 1} + beta * buffer_{t + 1} = {cell(g[t])} + {num(beta)} * {cell(v[t])}"
        f" = {cell(d[t])}",
    ]


SPEC = weights_kind(
    kind="nesterov",
    topic="Momentum",
    hyper=("lr", "beta"),
    kernel=nesterov,
    columns=(
        ("buffer_t", "v"),
        ("g_t + beta * buffer_t", "direction"),
        ("lr * (...)", "step"),
    ),
    worked_step=worked_step,
    update_of="direction",
    technique=lambda p: (
        "Nesterov momentum as torch.optim.SGD(lr, momentum=beta, nesterov=True) computes it."
    ),
    formula=lambda p: (
        "buffer = g_1 on the first step, then buffer = beta * buffer + g_t; "
        "w -= lr * (g_t + beta * buffer)."
    ),
    candidate=candidate,
    rule_of=_rule_of,
    mistakes=mistakes,
)
