"""Drill: RMSprop (torch.optim.RMSprop with alpha = beta).

Mistakes kept outside the tolerance: epsilon inside the root; eps left out;
eps added outside the division (the user's note: w - lr g / sqrt(S) + eps);
averaging the squared weights instead of the squared gradients (the note's
slip); no square root; a bias correction RMSprop does not apply; beta and
1 - beta swapped; one step fewer (t off by one); w0.
Not applicable: momentum's first step and weight decay (RMSprop has neither).
Inputs: eps is drawn in [1e-3, 0.1] and the gradients near eps / sqrt(1 - beta),
so sqrt(S_t) and eps are of a size: with eps = 1e-8 and gradients near 1 the
eps mistakes would give the same digits as the right method.
"""

from __future__ import annotations

import math

from srs_dl.core.compute.optimizers import rmsprop
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
) -> WeightRule:
    keep, old = (beta, 1.0 - beta) if swapped else (1.0 - beta, beta)

    def run(w: float, gs: list[float]) -> float:
        s = 0.0
        for t, g in enumerate(gs, 1):
            x = w if square_weights else g
            s = old * s + keep * x * x
            sc = s / (1.0 - beta**t) if corrected else s
            if eps_at == "inside_root":
                denom = math.sqrt(sc + eps)
            else:
                denom = math.sqrt(sc) if root else sc
                if eps_at == "after_root":
                    denom += eps
            w -= lr * g / denom
            if eps_at == "outside_division":
                w += eps
        return w

    return run


def candidate(d: Draws) -> Params | None:
    n, steps = draw_shape(d)
    lr = round_sig(d.log_uniform(1e-4, 0.1), 1)
    beta = d.choice(BETAS)
    eps = round_sig(d.log_uniform(1e-3, 0.1), 1)
    centre = eps / math.sqrt(1.0 - beta)
    grads = draw_grads(d, n, steps, lambda: centre * d.log_uniform(0.3, 5.0))
    rule = _rule(lr, beta, eps)
    w0 = draw_start(d, [-w for w in per_weight(rule, [0.0] * n, grads)])
    if w0 is None:
        return None
    return {"lr": lr, "beta": beta, "eps": eps, "w0": w0, "grads": grads}


def reference(p: Params) -> list[float]:
    return per_weight(_rule(p["lr"], p["beta"], p["eps"]), p["w0"], p["grads"])


def mistakes(p: Params) -> list[Mistake]:
    lr, beta, eps, w0, grads = p["lr"], p["beta"], p["eps"], p["w0"], p["grads"]

    def wrong(**how: object) -> list[float]:
        return per_weight(_rule(lr, beta, eps, **how), w0, grads)  # type: ignore[arg-type]

    return [
        Mistake("starting_weights", "leaving the weights at w0", list(w0)),
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
        Mistake(
            "one_step_fewer",
            "stopping one step early",
            per_weight(_rule(lr, beta, eps), w0, grads[:-1]),
        ),
    ]


def well_posed(p: Params, answer: object) -> bool:
    return moved_enough(p["w0"], answer)  # type: ignore[arg-type]


def solve(p: Params) -> Solution:
    tr = rmsprop(p["w0"], p["grads"], p["lr"], p["beta"], p["eps"])
    w, g, sq, denom, step = (a.tolist() for a in (tr.w, tr.grads, tr.s, tr.denom, tr.step))
    rows: list[tuple[str | int, ...]] = [(0, "", "", "", "", cell(w[0]))]
    for t in range(tr.num_steps):
        rows.append((t + 1, cell(g[t]), cell(sq[t]), cell(denom[t]), cell(step[t]), cell(w[t + 1])))
    columns = ("t", "g_t", "S_t", "sqrt(S_t) + eps", "lr * g_t / (sqrt(S_t) + eps)", "w_t")
    return Solution(tr.final.tolist(), StepsTable(columns, tuple(rows)))


def prompt(p: Params) -> str:
    return "\n".join(
        [
            "RMSprop, as torch.optim.RMSprop(lr, alpha=beta, eps): S_0 = 0, "
            "S_t = beta * S_{t-1} + (1 - beta) * g_t^2 (elementwise), "
            "w_t = w_{t-1} - lr * g_t / (sqrt(S_t) + eps): no bias correction, eps after the square root.",
            f"lr = {num(p['lr'])}, beta = {num(p['beta'])}, eps = {num(p['eps'])}",
            grads_lines(p["w0"], p["grads"]),
            weights_question(len(p["w0"]), len(p["grads"])),
        ]
    )


SPEC = KindSpec(
    kind="rmsprop",
    topic="RMSprop",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    prompt=prompt,
    well_posed=well_posed,
    param_names=("lr", "beta", "eps", "w0", "grads"),
)
