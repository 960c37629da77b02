"""Drill: RMSprop (torch.optim.RMSprop with alpha = beta).

Mistakes kept outside the tolerance: epsilon inside the root; eps left out;
eps added outside the division (the user's note: w - lr g / sqrt(S) + eps);
averaging the squared weights instead of the squared gradients (the note's
slip); no square root; a bias correction RMSprop does not apply; beta and
1 - beta swapped; one step fewer (t off by one); w0.
Not applicable: momentum's first step and weight decay (RMSprop has neither).
Inputs: eps is drawn in [1e-3, 0.1] and the gradients near eps / sqrt(1 - beta),
so sqrt(S_t) and eps are of a size: with eps = 1e-8 and gradients near 1 the
eps mistakes would give the same digits as the right method (the prompt says
eps is large for that reason).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from srs_dl.core.compute.optimizers import rmsprop
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import Mistake, Params, Rounder, exact
from srs_dl.core.drills.formatting import num
from srs_dl.core.drills.weight_draws import draw_grads, draw_shape, start_for
from srs_dl.core.drills.weights import WeightRule, cell, one_step_fewer, per_weight, weights_kind

BETAS = (0.8, 0.9, 0.95, 0.99, 0.999)


def _rule(
    lr: float,
    beta: float,
    eps: float,
    *,
    eps_at: str = "after_root",
    square_weights: bool = False,
    root: bool = True,
    corrected: bool = False,
    swapped: bool = False,
    r: Rounder = exact,
) -> WeightRule:
    keep, old = (beta, 1.0 - beta) if swapped else (1.0 - beta, beta)

    def run(w: float, gs: list[float]) -> Iterator[float]:
        s = 0.0
        for t, g in enumerate(gs, 1):
            x = w if square_weights else g
            s = r(r(old * s) + r(keep * r(x * x)))
            sc = s / (1.0 - beta**t) if corrected else s
            if eps_at == "inside_root":
                denom = r(math.sqrt(sc + eps))
            else:
                denom = r(math.sqrt(sc)) if root else sc
                if eps_at == "after_root":
                    denom = r(denom + eps)
            w = r(w - r(lr * g / denom))
            if eps_at == "outside_division":
                w += eps
            yield w

    return run


def _rule_of(p: Params, r: Rounder) -> WeightRule:
    return _rule(p["lr"], p["beta"], p["eps"], r=r)


def candidate(d: Draws) -> Params | None:
    n, steps = draw_shape(d)
    beta = d.choice(BETAS)
    eps = round_sig(d.log_uniform(1e-3, 0.1), 1)
    centre = eps / math.sqrt(1.0 - beta)
    params: Params = {
        "lr": round_sig(d.log_uniform(1e-4, 0.1), 1),
        "beta": beta,
        "eps": eps,
        "w0": [],
        "grads": draw_grads(d, n, steps, lambda: centre * d.log_uniform(0.3, 5.0)),
    }
    return start_for(d, params, _rule_of)


def mistakes(p: Params) -> list[Mistake]:
    lr, beta, eps, w0, grads = p["lr"], p["beta"], p["eps"], p["w0"], p["grads"]

    def wrong(**how: Any) -> list[float]:
        return per_weight(_rule(lr, beta, eps, **how), w0, grads)

    return [
        Mistake(
            "eps_inside_root", "putting eps inside the square root", wrong(eps_at="inside_root")
        ),
        Mistake("eps_ignored", "leaving eps out", wrong(eps_at="none")),
        Mistake(
            "eps_outside_division",
            "adding eps outside the division (w - lr g / sqrt(S) + eps)",
            wrong(eps_at="outside_division"),
        ),
        Mistake(
            "squared_weights",
            "averaging the squared weights instead of the squared gradients",
            wrong(square_weights=True),
        ),
        Mistake("no_root", "dividing by S instead of sqrt(S)", wrong(root=False)),
        Mistake(
            "bias_corrected",
            "dividing S by 1 - beta^t (RMSprop has no bias correction)",
            wrong(corrected=True),
        ),
        Mistake("beta_swapped", "swapping beta and 1 - beta", wrong(swapped=True)),
        one_step_fewer(p, _rule_of),
    ]


def worked_step(p: Params, a: dict[str, list[Any]], t: int) -> list[str]:
    beta, eps, lr = p["beta"], p["eps"], p["lr"]
    g, sq, denom, w = a["grads"], a["s"], a["denom"], a["w"]
    prev = cell(sq[t - 1]) if t else "0"
    return [
        f"S_{t + 1} = {num(beta)} * {prev} + {num(round(1.0 - beta, 12))} * {cell(g[t])}^2"
        f" = {cell(sq[t])}",
        f"sqrt(S_{t + 1}) + eps = sqrt({cell(sq[t])}) + {num(eps)} = {cell(denom[t])}",
        f"w_{t + 1} = {cell(w[t])} - {num(lr)} * {cell(g[t])} / {cell(denom[t])}"
        f" = {cell(w[t + 1])}",
    ]


SPEC = weights_kind(
    kind="rmsprop",
    topic="RMSprop",
    hyper=("lr", "beta", "eps"),
    kernel=rmsprop,
    columns=(
        ("S_t", "s"),
        ("sqrt(S_t) + eps", "denom"),
        ("lr * g_t / (sqrt(S_t) + eps)", "step"),
    ),
    worked_step=worked_step,
    technique=lambda p: "RMSprop, as torch.optim.RMSprop(lr, alpha=beta, eps) computes it.",
    formula=lambda p: (
        "S_0 = 0, S_t = beta * S_{t-1} + (1 - beta) * g_t^2 (elementwise), "
        "w_t = w_{t-1} - lr * g_t / (sqrt(S_t) + eps): no bias correction, eps after the square root."
    ),
    candidate=candidate,
    rule_of=_rule_of,
    mistakes=mistakes,
    large_eps=True,
)
