"""Drill: gradient descent with momentum, in the course's or PyTorch's convention.

Mistakes kept outside the tolerance:
- "ema": momentum's first step taken as g (V_1 = g_1); PyTorch's convention;
  plain SGD (no momentum); beta and 1 - beta swapped; a bias correction the
  course's momentum does not apply; one step fewer (t off by one); w0.
- "pytorch": the course's dampened convention (its first step is (1 - beta) g);
  plain SGD; one step fewer; w0.
- "pytorch_dampened" (SGD(momentum=beta, dampening=beta)): the course's V, the
  trap of this setting: torch skips dampening on the first step, so the buffer
  starts at g_1, not (1 - beta) g_1; dampening left out; plain SGD; one step
  fewer; w0.
Not separable: "momentum's first step taken as g" is right in PyTorch's
conventions, so there it is not a mistake.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from srs_dl.core.compute.optimizers import momentum
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import Mistake, Params, Rounder, exact
from srs_dl.core.drills.formatting import num
from srs_dl.core.drills.weight_draws import draw_grads, draw_shape, start_for
from srs_dl.core.drills.weights import WeightRule, cell, one_step_fewer, per_weight, weights_kind

BETAS = (0.8, 0.85, 0.9, 0.95, 0.99)
CONVENTIONS = ("ema", "pytorch", "pytorch_dampened")


def buffers(gs: list[float], first: float, old: float, keep: float, r: Rounder) -> list[float]:
    """The momentum buffer after each step: V_1 = first g_1, then V_t = old V + keep g_t
    (Nesterov's buffer too)."""
    out = []
    v = 0.0
    for t, g in enumerate(gs, 1):
        v = r(first * g) if t == 1 else r(r(old * v) + r(keep * g))
        out.append(v)
    return out


def _rule(
    lr: float,
    beta: float,
    first: float,
    keep: float,
    old: float,
    corrected: bool = False,
    r: Rounder = exact,
) -> WeightRule:
    """The buffers (see `buffers`); w -= lr V (or V / (1 - beta^t))."""

    def run(w: float, gs: list[float]) -> Iterator[float]:
        for t, v in enumerate(buffers(gs, first, old, keep, r), 1):
            step = r(v / r(1.0 - beta**t)) if corrected else v
            w = r(w - r(lr * step))
            yield w

    return run


def _rule_of(p: Params, r: Rounder) -> WeightRule:
    lr, beta = p["lr"], p["beta"]
    if p["convention"] == "ema":
        return _rule(lr, beta, 1.0 - beta, 1.0 - beta, beta, r=r)
    if p["convention"] == "pytorch_dampened":
        return _rule(lr, beta, 1.0, 1.0 - beta, beta, r=r)
    return _rule(lr, beta, 1.0, 1.0, beta, r=r)


def candidate(d: Draws) -> Params | None:
    n, steps = draw_shape(d)
    params: Params = {
        "lr": round_sig(d.log_uniform(1e-3, 0.1), 1),
        "beta": d.choice(BETAS),
        "w0": [0.0] * n,
        "grads": [],
        "convention": d.choice(CONVENTIONS),
    }
    params["grads"] = draw_grads(d, n, steps, lambda: d.log_uniform(0.1, 5.0))
    return start_for(d, params, _rule_of)


def mistakes(p: Params) -> list[Mistake]:
    lr, beta, w0, grads = p["lr"], p["beta"], p["w0"], p["grads"]

    def run(first: float, keep: float, old: float, corrected: bool = False) -> list[float]:
        return per_weight(_rule(lr, beta, first, keep, old, corrected), w0, grads)

    out = [
        Mistake("plain_sgd", "plain gradient descent without momentum", run(1.0, 1.0, 0.0)),
        one_step_fewer(p, _rule_of),
    ]
    course = run(1.0 - beta, 1.0 - beta, beta)
    convention = p["convention"]
    if convention == "ema":
        out += [
            Mistake(
                "first_step_g",
                "taking momentum's first step as g (V_1 = g_1)",
                run(1.0, 1.0 - beta, beta),
            ),
            Mistake(
                "other_convention",
                "PyTorch's convention (buffer = beta buffer + g)",
                run(1.0, 1.0, beta),
            ),
            Mistake("beta_swapped", "swapping beta and 1 - beta", run(beta, beta, 1.0 - beta)),
            Mistake(
                "bias_corrected",
                "dividing V_t by 1 - beta^t (momentum has no bias correction here)",
                run(1.0 - beta, 1.0 - beta, beta, corrected=True),
            ),
        ]
    elif convention == "pytorch_dampened":
        out += [
            Mistake(
                "dampened_first_step",
                "the course's V (dampening on the first step too: torch skips it there)",
                course,
            ),
            Mistake("no_dampening", "leaving the dampening out (dampening=0)", run(1.0, 1.0, beta)),
        ]
    else:
        out.append(
            Mistake(
                "other_convention", "the course's convention (V = beta V + (1 - beta) g)", course
            )
        )
    return out


def _v_name(p: Params) -> str:
    return "V" if p["convention"] == "ema" else "buffer"


def worked_step(p: Params, a: dict[str, list[Any]], t: int) -> list[str]:
    beta, v, g, name = p["beta"], a["v"], a["grads"], _v_name(p)
    convention = p["convention"]
    if t == 0:
        factor = f"{num(round(1.0 - beta, 12))} * " if convention == "ema" else ""
        first = f"{name}_1 = {factor}{cell(g[0])} = {cell(v[0])}"
    else:
        keep = None if convention == "pytorch" else round(1.0 - beta, 12)
        scaled = f"{num(keep)} * {cell(g[t])}" if keep is not None else cell(g[t])
        first = f"{name}_{t + 1} = {num(beta)} * {cell(v[t - 1])} + {scaled} = {cell(v[t])}"
    return [first]


def technique(p: Params) -> str:
    convention = p["convention"]
    if convention == "ema":
        return "Gradient descent with momentum, in the course's convention (V, beta)."
    if convention == "pytorch_dampened":
        return (
            "Gradient descent with momentum as torch.optim.SGD(lr, momentum=beta, "
            "dampening=beta) computes it."
        )
    return "Gradient descent with momentum as torch.optim.SGD(lr, momentum=beta) computes it (dampening=0)."


def formula(p: Params) -> str:
    convention = p["convention"]
    if convention == "ema":
        return (
            "V_0 = 0, V_t = beta * V_{t-1} + (1 - beta) * g_t, "
            "w_t = w_{t-1} - lr * V_t (no bias correction)."
        )
    if convention == "pytorch_dampened":
        return (
            "buffer = g_1 on the first step (torch skips the dampening there), then "
            "buffer = beta * buffer + (1 - dampening) * g_t; w -= lr * buffer."
        )
    return "buffer = g_1 on the first step, then buffer = beta * buffer + g_t; w -= lr * buffer."


SPEC = weights_kind(
    kind="momentum",
    topic="Momentum",
    hyper=("lr", "beta"),
    options=("convention",),
    kernel=momentum,
    columns=lambda p: ((f"{_v_name(p)}_t", "v"), (f"lr * {_v_name(p)}_t", "step")),
    worked_step=worked_step,
    update_of="v",
    technique=technique,
    formula=formula,
    candidate=candidate,
    rule_of=_rule_of,
    mistakes=mistakes,
)
