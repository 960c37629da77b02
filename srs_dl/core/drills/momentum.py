"""Drill: gradient descent with momentum, in the course's or PyTorch's convention.

Mistakes kept outside the tolerance:
- "ema": momentum's first step taken as g (V_1 = g_1); PyTorch's convention;
  plain SGD (no momentum); beta and 1 - beta swapped; a bias correction the
  course's momentum does not apply; one step fewer (t off by one); w0.
- "pytorch": the course's dampened convention (its first step is (1 - beta) g);
  plain SGD; one step fewer; w0.
Not separable: "momentum's first step taken as g" is right in PyTorch's
convention, so there it is not a mistake.
"""

from __future__ import annotations

from srs_dl.core.compute.optimizers import momentum
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

BETAS = (0.8, 0.85, 0.9, 0.95, 0.99)


def _rule(
    lr: float, beta: float, first: float, keep: float, old: float, corrected: bool = False
) -> WeightRule:
    """V_1 = first g_1, then V_t = old V + keep g_t; w -= lr V (or V / (1 - beta^t))."""

    def run(w: float, gs: list[float]) -> float:
        v = 0.0
        for t, g in enumerate(gs, 1):
            v = first * g if t == 1 else old * v + keep * g
            w -= lr * (v / (1.0 - beta**t) if corrected else v)
        return w

    return run


def _correct_rule(p: Params) -> WeightRule:
    lr, beta = p["lr"], p["beta"]
    if p["convention"] == "ema":
        return _rule(lr, beta, 1.0 - beta, 1.0 - beta, beta)
    return _rule(lr, beta, 1.0, 1.0, beta)


def candidate(d: Draws) -> Params | None:
    n, steps = draw_shape(d)
    lr = round_sig(d.log_uniform(1e-3, 0.1), 1)
    beta = d.choice(BETAS)
    convention = d.choice(("ema", "pytorch"))
    grads = draw_grads(d, n, steps, lambda: d.log_uniform(0.1, 5.0))
    params: Params = {
        "lr": lr,
        "beta": beta,
        "w0": [0.0] * n,
        "grads": grads,
        "convention": convention,
    }
    update = [-w for w in per_weight(_correct_rule(params), [0.0] * n, grads)]
    w0 = draw_start(d, update)
    if w0 is None:
        return None
    params["w0"] = w0
    return params


def reference(p: Params) -> list[float]:
    return per_weight(_correct_rule(p), p["w0"], p["grads"])


def mistakes(p: Params) -> list[Mistake]:
    lr, beta, w0, grads = p["lr"], p["beta"], p["w0"], p["grads"]
    sgd = _rule(lr, beta, 1.0, 1.0, 0.0)
    out = [
        Mistake("starting_weights", "leaving the weights at w0", list(w0)),
        Mistake("plain_sgd", "plain gradient descent without momentum", per_weight(sgd, w0, grads)),
        Mistake(
            "one_step_fewer",
            "stopping one step early",
            per_weight(_correct_rule(p), w0, grads[:-1]),
        ),
    ]
    if p["convention"] == "ema":
        out += [
            Mistake(
                "first_step_g",
                "taking momentum's first step as g (V_1 = g_1)",
                per_weight(_rule(lr, beta, 1.0, 1.0 - beta, beta), w0, grads),
            ),
            Mistake(
                "other_convention",
                "PyTorch's convention (buffer = beta buffer + g)",
                per_weight(_rule(lr, beta, 1.0, 1.0, beta), w0, grads),
            ),
            Mistake(
                "beta_swapped",
                "swapping beta and 1 - beta",
                per_weight(_rule(lr, beta, beta, beta, 1.0 - beta), w0, grads),
            ),
            Mistake(
                "bias_corrected",
                "dividing V_t by 1 - beta^t (momentum has no bias correction here)",
                per_weight(_rule(lr, beta, 1.0 - beta, 1.0 - beta, beta, True), w0, grads),
            ),
        ]
    else:
        out.append(
            Mistake(
                "other_convention",
                "the course's convention (V = beta V + (1 - beta) g)",
                per_weight(_rule(lr, beta, 1.0 - beta, 1.0 - beta, beta), w0, grads),
            )
        )
    return out


def well_posed(p: Params, answer: object) -> bool:
    return moved_enough(p["w0"], answer)  # type: ignore[arg-type]


def solve(p: Params) -> Solution:
    tr = momentum(p["w0"], p["grads"], p["lr"], p["beta"], p["convention"])
    v_name = "V_t" if p["convention"] == "ema" else "buffer_t"
    w, g, v, step = tr.w.tolist(), tr.grads.tolist(), tr.v.tolist(), tr.step.tolist()
    rows: list[tuple[str | int, ...]] = [(0, "", "", "", cell(w[0]))]
    for t in range(tr.num_steps):
        rows.append((t + 1, cell(g[t]), cell(v[t]), cell(step[t]), cell(w[t + 1])))
    table = StepsTable(("t", "g_t", v_name, f"lr * {v_name}", "w_t"), tuple(rows))
    return Solution(tr.final.tolist(), table)


def prompt(p: Params) -> str:
    if p["convention"] == "ema":
        conv = (
            "Course convention: V_0 = 0, V_t = beta * V_{t-1} + (1 - beta) * g_t, "
            "w_t = w_{t-1} - lr * V_t (no bias correction)."
        )
    else:
        conv = (
            "PyTorch convention, torch.optim.SGD(lr, momentum=beta, dampening=0): "
            "buffer = g_1 on the first step, then buffer = beta * buffer + g_t; w -= lr * buffer."
        )
    return "\n".join(
        [
            f"Gradient descent with momentum. {conv}",
            f"lr = {num(p['lr'])}, beta = {num(p['beta'])}",
            grads_lines(p["w0"], p["grads"]),
            weights_question(len(p["w0"]), len(p["grads"])),
        ]
    )


SPEC = KindSpec(
    kind="momentum",
    topic="Momentum",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    prompt=prompt,
    well_posed=well_posed,
    param_names=("lr", "beta", "w0", "grads", "convention"),
)
