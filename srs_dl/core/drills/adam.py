"""Drill: Adam (torch.optim.Adam).

Mistakes kept outside the tolerance: no bias correction; t off by one in the
correction (1 - beta^(t+1)); epsilon inside the root; eps left out; one step
fewer; w0. Adam's first bias-corrected step is lr * g / (|g| + eps) whatever
the betas, so eps is drawn in [1e-3, 0.1] and the gradients near eps: with
eps = 1e-8 and gradients near 1 the eps mistakes would give the same digits.
Not applicable: momentum's first step, weight decay (not part of Adam here).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from srs_dl.core.compute.optimizers import adam
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import Mistake, Params, Rounder, exact
from srs_dl.core.drills.formatting import num
from srs_dl.core.drills.weight_draws import draw_grads, draw_shape, start_for
from srs_dl.core.drills.weights import WeightRule, cell, one_step_fewer, per_weight, weights_kind

BETA1S = (0.8, 0.85, 0.9, 0.95)
BETA2S = (0.99, 0.995, 0.999)
#: Adam's numeric hyperparameters (AdamW's, before its weight_decay).
ADAM_HYPER = ("lr", "beta1", "beta2", "eps")


def adam_rule(
    lr: float,
    b1: float,
    b2: float,
    eps: float,
    *,
    corrected: bool = True,
    t_shift: int = 0,
    eps_at: str = "after_root",
    decay: float = 0.0,
    l2: float = 0.0,
    r: Rounder = exact,
) -> WeightRule:
    """Adam on one weight; `decay` is AdamW's decoupled lr * weight_decay share taken
    off w before the step, `l2` a weight decay added to the gradient (torch.optim.Adam's
    weight_decay, which goes through the moments)."""

    def run(w: float, gs: list[float]) -> Iterator[float]:
        v = s = 0.0
        for t, g in enumerate(gs, 1):
            if l2:
                g = r(g + r(l2 * w))
            v = r(r(b1 * v) + r((1.0 - b1) * g))
            s = r(r(b2 * s) + r((1.0 - b2) * r(g * g)))
            if corrected:
                vh = r(v / r(1.0 - b1 ** (t + t_shift)))
                sh = r(s / r(1.0 - b2 ** (t + t_shift)))
            else:
                vh, sh = v, s
            if eps_at == "inside_root":
                denom = r(math.sqrt(sh + eps))
            else:
                denom = r(r(math.sqrt(sh)) + (eps if eps_at == "after_root" else 0.0))
            shrink = r(decay * w) if decay else 0.0
            w = r(w - shrink - r(lr * vh / denom))
            yield w

    return run


def _rule_of(p: Params, r: Rounder) -> WeightRule:
    return adam_rule(p["lr"], p["beta1"], p["beta2"], p["eps"], r=r)


def draw_adam(d: Draws) -> Params:
    """lr, betas, eps and gradients near eps (see the module's docstring)."""
    n, steps = draw_shape(d)
    eps = round_sig(d.log_uniform(1e-3, 0.1), 1)
    return {
        "lr": round_sig(d.log_uniform(1e-4, 0.1), 1),
        "beta1": d.choice(BETA1S),
        "beta2": d.choice(BETA2S),
        "eps": eps,
        "w0": [],
        "grads": draw_grads(d, n, steps, lambda: eps * d.log_uniform(0.5, 10.0)),
    }


def candidate(d: Draws) -> Params | None:
    return start_for(d, draw_adam(d), _rule_of)


def mistakes(p: Params) -> list[Mistake]:
    lr, b1, b2, eps, w0, grads = p["lr"], p["beta1"], p["beta2"], p["eps"], p["w0"], p["grads"]

    def wrong(**how: Any) -> list[float]:
        return per_weight(adam_rule(lr, b1, b2, eps, **how), w0, grads)

    return [
        Mistake("no_bias_correction", "skipping the bias correction", wrong(corrected=False)),
        Mistake("t_off_by_one", "correcting with t + 1 (1 - beta^(t+1))", wrong(t_shift=1)),
        Mistake(
            "eps_inside_root", "putting eps inside the square root", wrong(eps_at="inside_root")
        ),
        Mistake("eps_ignored", "leaving eps out", wrong(eps_at="none")),
        one_step_fewer(p, _rule_of),
    ]


def moment_lines(p: Params, a: dict[str, list[Any]], t: int) -> list[str]:
    """V_t, S_t and their bias-corrected values with the numbers in (Adam and AdamW)."""
    b1, b2 = p["beta1"], p["beta2"]
    g, v, sq, vh, sh = a["grads"], a["v"], a["s"], a["v_hat"], a["s_hat"]
    pv, ps = (cell(v[t - 1]), cell(sq[t - 1])) if t else ("0", "0")
    k = t + 1
    return [
        f"V_{k} = {num(b1)} * {pv} + {num(round(1.0 - b1, 12))} * {cell(g[t])} = {cell(v[t])}",
        f"S_{k} = {num(b2)} * {ps} + {num(round(1.0 - b2, 12))} * {cell(g[t])}^2 = {cell(sq[t])}",
        f"V_hat_{k} = {cell(v[t])} / (1 - {num(b1)}^{k}) = {cell(vh[t])}",
        f"S_hat_{k} = {cell(sq[t])} / (1 - {num(b2)}^{k}) = {cell(sh[t])}",
    ]


def worked_step(p: Params, a: dict[str, list[Any]], t: int) -> list[str]:
    w, vh, sh = a["w"], a["v_hat"], a["s_hat"]
    return [
        *moment_lines(p, a, t),
        f"w_{t + 1} = {cell(w[t])} - {num(p['lr'])} * {cell(vh[t])} / "
        f"(sqrt({cell(sh[t])}) + {num(p['eps'])}) = {cell(w[t + 1])}",
    ]


SPEC = weights_kind(
    kind="adam",
    topic="Adam",
    hyper=ADAM_HYPER,
    kernel=adam,
    columns=(
        ("V_t", "v"),
        ("S_t", "s"),
        ("V_hat_t", "v_hat"),
        ("S_hat_t", "s_hat"),
        ("lr * V_hat / (sqrt(S_hat) + eps)", "step"),
    ),
    worked_step=worked_step,
    technique=lambda p: "Adam, as torch.optim.Adam(lr, betas=(beta1, beta2), eps) computes it.",
    formula=lambda p: (
        "V and S start at 0, V_t = beta1 * V_{t-1} + (1 - beta1) * g_t, "
        "S_t = beta2 * S_{t-1} + (1 - beta2) * g_t^2; both moments are bias-corrected "
        "(divided by 1 - beta^t, t counting from 1), and eps is added after the square root: "
        "w_t = w_{t-1} - lr * V_hat_t / (sqrt(S_hat_t) + eps)."
    ),
    candidate=candidate,
    rule_of=_rule_of,
    mistakes=mistakes,
    large_eps=True,
)
