"""Drill: AdamW (torch.optim.AdamW): decoupled weight decay.

Each step first shrinks the weights by lr * weight_decay * w, then takes Adam's
bias-corrected step on the gradient alone. Mistakes kept outside the
tolerance: weight decay as an L2 term through the moments (what
torch.optim.Adam(weight_decay=...) does: g + weight_decay * w enters V and S);
the decay without lr (w -= weight_decay * w); no weight decay (plain Adam); no
bias correction; one step fewer; w0. Inputs as Adam's (eps large, gradients
near it), with lr in [0.01, 0.1] and weight_decay in [0.05, 0.5] so that the
decay's share of the update shows in 3 figures.
"""

from __future__ import annotations

from typing import Any

from srs_dl.core.compute.optimizers import adamw
from srs_dl.core.drills.adam import ADAM_HYPER, adam_rule, draw_adam, moment_lines
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import Mistake, Params, Rounder
from srs_dl.core.drills.formatting import num
from srs_dl.core.drills.weight_draws import start_for
from srs_dl.core.drills.weights import WeightRule, cell, one_step_fewer, per_weight, weights_kind

DECAYS = (0.05, 0.1, 0.2, 0.3, 0.5)


def _rule_of(p: Params, r: Rounder) -> WeightRule:
    return adam_rule(
        p["lr"], p["beta1"], p["beta2"], p["eps"], decay=p["lr"] * p["weight_decay"], r=r
    )


def candidate(d: Draws) -> Params | None:
    params = draw_adam(d)
    params["lr"] = round_sig(d.log_uniform(0.01, 0.1), 1)
    params["weight_decay"] = d.choice(DECAYS)
    # The decay takes lr * weight_decay of w at each step: below 2% over the run, 3 figures
    # could not tell AdamW from plain Adam (cheaper to redraw here than after the mistakes).
    if params["lr"] * params["weight_decay"] * len(params["grads"]) < 0.02:
        return None
    return start_for(d, params, _rule_of)


def mistakes(p: Params) -> list[Mistake]:
    lr, b1, b2, eps, wd = p["lr"], p["beta1"], p["beta2"], p["eps"], p["weight_decay"]
    w0, grads = p["w0"], p["grads"]

    def wrong(**how: Any) -> list[float]:
        return per_weight(adam_rule(lr, b1, b2, eps, **how), w0, grads)

    return [
        Mistake(
            "l2_through_moments",
            "weight decay through the moments (Adam with weight_decay: g + weight_decay * w)",
            wrong(l2=wd),
        ),
        Mistake("decay_without_lr", "shrinking by weight_decay * w (without lr)", wrong(decay=wd)),
        Mistake("no_weight_decay", "plain Adam (no weight decay)", wrong()),
        Mistake(
            "no_bias_correction",
            "skipping the bias correction",
            wrong(decay=lr * wd, corrected=False),
        ),
        one_step_fewer(p, _rule_of),
    ]


def worked_step(p: Params, a: dict[str, list[Any]], t: int) -> list[str]:
    w, vh, sh, decay = a["w"], a["v_hat"], a["s_hat"], a["decay"]
    lr, wd = num(p["lr"]), num(p["weight_decay"])
    return [
        f"decay_{t + 1} = {lr} * {wd} * {cell(w[t])} = {cell(decay[t])}",
        *moment_lines(p, a, t),
        f"w_{t + 1} = {cell(w[t])} - {cell(decay[t])} - {lr} * {cell(vh[t])} / "
        f"(sqrt({cell(sh[t])}) + {num(p['eps'])}) = {cell(w[t + 1])}",
    ]


SPEC = weights_kind(
    kind="adamw",
    topic="Adam",
    hyper=(*ADAM_HYPER, "weight_decay"),
    kernel=adamw,
    columns=(
        ("lr * weight_decay * w_{t-1}", "decay"),
        ("V_hat_t", "v_hat"),
        ("S_hat_t", "s_hat"),
        ("lr * V_hat / (sqrt(S_hat) + eps)", "step"),
    ),
    worked_step=worked_step,
    technique=lambda p: (
        "AdamW, as torch.optim.AdamW(lr, betas=(beta1, beta2), eps, weight_decay) computes it."
    ),
    formula=lambda p: (
        "First w -= lr * weight_decay * w (decoupled: the decay never enters the moments), "
        "then Adam's step on g: V and S start at 0, both bias-corrected (1 - beta^t, t from 1), "
        "w -= lr * V_hat / (sqrt(S_hat) + eps)."
    ),
    candidate=candidate,
    rule_of=_rule_of,
    mistakes=mistakes,
    large_eps=True,
)
