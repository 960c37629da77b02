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

from srs_dl.core.compute.optimizers import l2_equivalent, sgd_weight_decay
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Solution, StepsTable
from srs_dl.core.drills.formatting import num, val
from srs_dl.core.drills.weights import (
    WeightRule,
    cell,
    draw_shape,
    grads_lines,
    moved_enough,
    per_weight,
    weights_question,
)

LRS = (0.01, 0.02, 0.05, 0.1)
DECAYS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)


def _rule(lr: float, decay: float) -> WeightRule:
    def run(w: float, gs: list[float]) -> float:
        for g in gs:
            w -= lr * (g + decay * w)
        return w

    return run


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


def reference(p: Params) -> list[float]:
    return per_weight(_rule(p["lr"], p["weight_decay"]), p["w0"], p["grads"])


def mistakes(p: Params) -> list[Mistake]:
    lr, wd, w0, grads = p["lr"], p["weight_decay"], p["w0"], p["grads"]
    return [
        Mistake("starting_weights", "leaving the weights at w0", list(w0)),
        Mistake(
            "weight_decay_doubled",
            "doubling the weight decay (an L2 penalty with lambda = weight_decay)",
            per_weight(_rule(lr, 2.0 * wd), w0, grads),
        ),
        Mistake(
            "no_weight_decay", "leaving the weight decay out", per_weight(_rule(lr, 0.0), w0, grads)
        ),
        Mistake(
            "one_step_fewer", "stopping one step early", per_weight(_rule(lr, wd), w0, grads[:-1])
        ),
    ]


def well_posed(p: Params, answer: object) -> bool:
    return moved_enough(p["w0"], answer)  # type: ignore[arg-type]


def solve(p: Params) -> Solution:
    tr = sgd_weight_decay(p["w0"], p["grads"], p["lr"], p["weight_decay"])
    w, g, decay, eff, step = (
        a.tolist() for a in (tr.w, tr.grads, tr.decay, tr.effective_grad, tr.step)
    )
    rows: list[tuple[str | int, ...]] = [(0, "", "", "", "", cell(w[0]))]
    for t in range(tr.num_steps):
        rows.append(
            (t + 1, cell(g[t]), cell(decay[t]), cell(eff[t]), cell(step[t]), cell(w[t + 1]))
        )
    columns = (
        "t",
        "g_t",
        "weight_decay * w_{t-1}",
        "g_t + weight_decay * w_{t-1}",
        "lr * (...)",
        "w_t",
    )
    return Solution(tr.final.tolist(), StepsTable(columns, tuple(rows)))


def prompt(p: Params) -> str:
    return "\n".join(
        [
            "SGD with weight decay, as torch.optim.SGD(lr, weight_decay) (no momentum): "
            "each step adds weight_decay * w to the gradient before w -= lr * gradient.",
            f"lr = {num(p['lr'])}, weight_decay = {num(p['weight_decay'])}",
            grads_lines(p["w0"], p["grads"]),
            weights_question(len(p["w0"]), len(p["grads"])),
        ]
    )


SGD_WEIGHT_DECAY = KindSpec(
    kind="sgd_weight_decay",
    topic="SGD with weight decay",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    prompt=prompt,
    well_posed=well_posed,
    param_names=("lr", "weight_decay", "w0", "grads"),
)


def l2_candidate(d: Draws) -> Params:
    return {"weight_decay": round_sig(d.log_uniform(1e-4, 0.1), d.choice((1, 2)))}


def l2_reference(p: Params) -> float:
    return p["weight_decay"] / 2.0


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
    return Solution(lam, StepsTable(("quantity", "value"), rows))


def l2_prompt(p: Params) -> str:
    return (
        f"torch.optim.SGD(params, lr, weight_decay={num(p['weight_decay'])}) updates "
        "w -= lr * (g + weight_decay * w). For which lambda does plain SGD (same lr) on "
        "loss + lambda * sum(w^2) make exactly the same updates?"
    )


L2_EQUIVALENT = KindSpec(
    kind="l2_equivalent",
    topic="Weight decay",
    candidate=l2_candidate,
    reference=l2_reference,
    mistakes=l2_mistakes,
    solve=l2_solve,
    prompt=l2_prompt,
    param_names=("weight_decay",),
)
