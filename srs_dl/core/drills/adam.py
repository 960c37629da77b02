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

from srs_dl.core.compute.optimizers import adam
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Solution, StepsTable
from srs_dl.core.drills.formatting import num
from srs_dl.core.drills.weights import (
    WeightRule,
    cell,
    draw_grads,
    draw_shape,
    draw_start,
    grads_lines,
    moved_enough,
    per_weight,
    weights_question,
)

BETA1S = (0.8, 0.85, 0.9, 0.95)
BETA2S = (0.99, 0.995, 0.999)


def _rule(
    lr: float,
    b1: float,
    b2: float,
    eps: float,
    *,
    corrected: bool = True,
    t_shift: int = 0,
    eps_at: str = "after_root",
) -> WeightRule:
    def run(w: float, gs: list[float]) -> float:
        v = s = 0.0
        for t, g in enumerate(gs, 1):
            v = b1 * v + (1.0 - b1) * g
            s = b2 * s + (1.0 - b2) * g * g
            if corrected:
                vh, sh = v / (1.0 - b1 ** (t + t_shift)), s / (1.0 - b2 ** (t + t_shift))
            else:
                vh, sh = v, s
            if eps_at == "inside_root":
                denom = math.sqrt(sh + eps)
            else:
                denom = math.sqrt(sh) + (eps if eps_at == "after_root" else 0.0)
            w -= lr * vh / denom
        return w

    return run


def _correct(p: Params) -> WeightRule:
    return _rule(p["lr"], p["beta1"], p["beta2"], p["eps"])


def candidate(d: Draws) -> Params | None:
    n, steps = draw_shape(d)
    lr = round_sig(d.log_uniform(1e-4, 0.1), 1)
    beta1, beta2 = d.choice(BETA1S), d.choice(BETA2S)
    eps = round_sig(d.log_uniform(1e-3, 0.1), 1)
    grads = draw_grads(d, n, steps, lambda: eps * d.log_uniform(0.5, 10.0))
    params: Params = {
        "lr": lr,
        "beta1": beta1,
        "beta2": beta2,
        "eps": eps,
        "w0": [0.0] * n,
        "grads": grads,
    }
    w0 = draw_start(d, [-w for w in per_weight(_correct(params), [0.0] * n, grads)])
    if w0 is None:
        return None
    params["w0"] = w0
    return params


def reference(p: Params) -> list[float]:
    return per_weight(_correct(p), p["w0"], p["grads"])


def mistakes(p: Params) -> list[Mistake]:
    lr, b1, b2, eps, w0, grads = p["lr"], p["beta1"], p["beta2"], p["eps"], p["w0"], p["grads"]

    def wrong(**how: object) -> list[float]:
        return per_weight(_rule(lr, b1, b2, eps, **how), w0, grads)  # type: ignore[arg-type]

    return [
        Mistake("starting_weights", "leaving the weights at w0", list(w0)),
        Mistake("no_bias_correction", "skipping the bias correction", wrong(corrected=False)),
        Mistake("t_off_by_one", "correcting with t + 1 (1 - beta^(t+1))", wrong(t_shift=1)),
        Mistake(
            "eps_inside_root", "putting eps inside the square root", wrong(eps_at="inside_root")
        ),
        Mistake("eps_ignored", "leaving eps out", wrong(eps_at="none")),
        Mistake(
            "one_step_fewer", "stopping one step early", per_weight(_correct(p), w0, grads[:-1])
        ),
    ]


def well_posed(p: Params, answer: object) -> bool:
    return moved_enough(p["w0"], answer)  # type: ignore[arg-type]


def solve(p: Params) -> Solution:
    tr = adam(p["w0"], p["grads"], p["lr"], p["beta1"], p["beta2"], p["eps"])
    w, g, v, sq, vh, sh, step = (
        a.tolist() for a in (tr.w, tr.grads, tr.v, tr.s, tr.v_hat, tr.s_hat, tr.step)
    )
    rows: list[tuple[str | int, ...]] = [(0, "", "", "", "", "", "", cell(w[0]))]
    for t in range(tr.num_steps):
        rows.append(
            (
                t + 1,
                cell(g[t]),
                cell(v[t]),
                cell(sq[t]),
                cell(vh[t]),
                cell(sh[t]),
                cell(step[t]),
                cell(w[t + 1]),
            )
        )
    columns = (
        "t",
        "g_t",
        "V_t",
        "S_t",
        "V_hat_t",
        "S_hat_t",
        "lr * V_hat / (sqrt(S_hat) + eps)",
        "w_t",
    )
    return Solution(tr.final.tolist(), StepsTable(columns, tuple(rows)))


def prompt(p: Params) -> str:
    return "\n".join(
        [
            "Adam, as torch.optim.Adam: V and S start at 0, both moments are bias-corrected "
            "(divided by 1 - beta^t, t counting from 1), and eps is added after the square root: "
            "w_t = w_{t-1} - lr * V_hat_t / (sqrt(S_hat_t) + eps).",
            f"lr = {num(p['lr'])}, beta1 = {num(p['beta1'])}, beta2 = {num(p['beta2'])}, eps = {num(p['eps'])}",
            grads_lines(p["w0"], p["grads"]),
            weights_question(len(p["w0"]), len(p["grads"])),
        ]
    )


SPEC = KindSpec(
    kind="adam",
    topic="Adam",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    prompt=prompt,
    well_posed=well_posed,
    param_names=("lr", "beta1", "beta2", "eps", "w0", "grads"),
)
