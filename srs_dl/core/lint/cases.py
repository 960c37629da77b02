"""Inputs to compare a note's formula with the kernels on, taken from real runs.

Each case runs a kernel (srs_dl.core.compute) for a few steps on random,
well-conditioned inputs and reads every quantity of its last step: the weights
before and after it, the gradient, the moments before and after, the
bias-corrected moments, the hyperparameters and t. A formula is then right
when, given the quantities it reads, it gives the one it defines, case after
case. Besides the random cases come the edge cases that tell mistakes apart:
t = 1, every gradient 0 (so S = 0: a misplaced eps gives 0/0), beta = 0, and
for the schedules epoch 0 and 1.

Every array is (cases, n) for n = 2 weights (hyperparameters (cases, 1)), so
the formula is evaluated once for all cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from srs_dl.core.compute import decay as decay_kernels
from srs_dl.core.compute.ema import ema
from srs_dl.core.compute.optimizers import adam, momentum, rmsprop, sgd_weight_decay

N_WEIGHTS = 2
N_RANDOM = 32

#: The hyperparameters each technique draws (and a note or a block may fix).
HYPER: Mapping[str, tuple[str, ...]] = {
    "ema": ("beta",),
    "momentum": ("lr", "beta"),
    "rmsprop": ("lr", "beta", "eps"),
    "adam": ("lr", "beta1", "beta2", "eps"),
    "weight_decay": ("lr", "wd"),
    "decay": ("alpha0", "decay_rate", "base", "k", "drop", "epochs_per_drop"),
}
VARIANTS: Mapping[str, tuple[str, ...]] = {
    # velocity: CS231n's v = mu * v - lr * g, x = x + v (PyTorch's buffer times -lr).
    "momentum": ("ema", "pytorch", "velocity"),
    "decay": decay_kernels.SCHEDULES,
}


@dataclass(frozen=True, slots=True)
class Cases:
    technique: str
    variant: str
    #: Quantity -> (cases, n) or (cases, 1) array.
    values: Mapping[str, np.ndarray]
    #: Per case: the quantities an edge case sets, with the value it sets
    #: (empty for a random case), to say where a difference shows.
    edges: tuple[Mapping[str, float], ...]

    @property
    def count(self) -> int:
        return len(self.edges)


#: How each hyperparameter is drawn: uniform on [low, high], "log" uniform in
#: the exponent (eps large enough for its placement to show), "int" on [low, high].
_DRAWS: Mapping[str, tuple[str, float, float]] = {
    "lr": ("uniform", 0.01, 0.5),
    "beta": ("uniform", 0.05, 0.95),
    "beta1": ("uniform", 0.5, 0.95),
    "beta2": ("uniform", 0.8, 0.999),
    "eps": ("log", -3.0, -0.5),
    "wd": ("uniform", 0.001, 0.2),
    "alpha0": ("uniform", 0.01, 1.0),
    "decay_rate": ("uniform", 0.1, 2.0),
    "base": ("uniform", 0.5, 0.99),
    "k": ("uniform", 0.5, 2.0),
    "drop": ("uniform", 0.1, 0.9),
    "epochs_per_drop": ("int", 2, 10),
}


def _draw(rng: np.random.Generator, name: str) -> float:
    how, low, high = _DRAWS[name]
    if how == "int":
        return float(rng.integers(int(low), int(high) + 1))
    if how == "log":
        return float(10 ** rng.uniform(low, high))
    return float(rng.uniform(low, high))


@dataclass
class _Case:
    hyper: dict[str, float]
    steps: int
    w0: np.ndarray
    grads: np.ndarray
    edge: dict[str, float]
    epoch: float = 0.0


def _plan(
    technique: str, variant: str, fixed: Mapping[str, float], rng: np.random.Generator
) -> list[_Case]:
    names = HYPER[technique]

    def hyper() -> dict[str, float]:
        return {n: fixed[n] if n in fixed else _draw(rng, n) for n in names}

    cases: list[_Case] = []
    for _ in range(N_RANDOM):
        steps = int(rng.integers(1, 7))
        cases.append(
            _Case(
                hyper(),
                steps,
                rng.normal(0.0, 1.0, N_WEIGHTS),
                rng.normal(0.0, 1.0, (steps, N_WEIGHTS)),
                {},
                float(rng.integers(1 if variant == "inverse_sqrt" else 0, 41)),
            )
        )
    if technique == "decay":
        for epoch in (0.0, 1.0) if variant != "inverse_sqrt" else (1.0,):
            cases.append(_Case(hyper(), 1, np.zeros(1), np.zeros((1, 1)), {"epoch": epoch}, epoch))
        return cases
    # t = 1: the first step, where a bias correction with t from 0 divides by 0.
    cases.append(
        _Case(hyper(), 1, rng.normal(0, 1, N_WEIGHTS), rng.normal(0, 1, (1, N_WEIGHTS)), {"t": 1.0})
    )
    # Every gradient 0 from a zero start: S = 0, so eps decides between 0 and 0/0.
    zero_start = 1.0 if technique == "weight_decay" else 0.0
    zero_edge = {"W_prev": zero_start, "g": 0.0}
    if technique in ("rmsprop", "adam"):
        zero_edge.update({"S": 0.0, "S_hat": 0.0})
    if technique in ("momentum", "adam"):
        zero_edge.update({"V": 0.0, "V_hat": 0.0})
    if technique == "ema":
        zero_edge = {"theta": 0.0, "V": 0.0}
    zero_steps = 1 if technique == "weight_decay" else 3
    cases.append(
        _Case(
            hyper(),
            zero_steps,
            np.full(N_WEIGHTS, zero_start),
            np.zeros((zero_steps, N_WEIGHTS)),
            zero_edge,
        )
    )
    for beta in ("beta", "beta1", "beta2"):
        if beta in names and beta not in fixed:
            h = hyper()
            h[beta] = 0.0
            cases.append(
                _Case(
                    h,
                    3,
                    rng.normal(0, 1, N_WEIGHTS),
                    rng.normal(0, 1, (3, N_WEIGHTS)),
                    {beta: 0.0},
                )
            )
    return cases


def _run(technique: str, variant: str, case: _Case) -> dict[str, np.ndarray | float]:
    h = case.hyper
    T = case.steps
    out: dict[str, np.ndarray | float] = dict(h)
    if technique == "decay":
        params = {p: h[p] for p in decay_kernels.SCHEDULE_PARAMS[variant]}
        out["epoch"] = case.epoch
        out["alpha"] = float(
            decay_kernels.learning_rate(variant, h["alpha0"], case.epoch, **params)
        )
        return out
    zero = np.zeros(N_WEIGHTS)

    def before(a: np.ndarray) -> np.ndarray:
        return a[T - 2] if T >= 2 else zero

    out["t"] = float(T)
    if technique == "ema":
        # The series are the "gradients" of the plan, moved off 0 like data.
        thetas = 5.0 + 3.0 * case.grads
        if not case.grads.any():
            thetas = case.grads
        e = ema(thetas, h["beta"])
        out.update(theta=thetas[-1], V=e.v[-1], V_prev=before(e.v), V_hat=e.v_corrected[-1])
        return out
    if technique == "momentum":
        convention = "pytorch" if variant == "velocity" else variant
        m = momentum(case.w0, case.grads, h["lr"], h["beta"], convention)  # type: ignore[arg-type]
        v = -h["lr"] * m.v if variant == "velocity" else m.v
        out.update(V=v[-1], V_prev=before(v))
        trace: object = m
    elif technique == "rmsprop":
        r = rmsprop(case.w0, case.grads, h["lr"], h["beta"], h["eps"])
        out.update(S=r.s[-1], S_prev=before(r.s))
        trace = r
    elif technique == "adam":
        a = adam(case.w0, case.grads, h["lr"], h["beta1"], h["beta2"], h["eps"])
        out.update(
            V=a.v[-1],
            V_prev=before(a.v),
            S=a.s[-1],
            S_prev=before(a.s),
            V_hat=a.v_hat[-1],
            S_hat=a.s_hat[-1],
        )
        trace = a
    elif technique == "weight_decay":
        trace = sgd_weight_decay(case.w0, case.grads, h["lr"], h["wd"])
    else:
        raise ValueError(f"unknown technique {technique!r}")
    w = trace.w  # type: ignore[attr-defined]
    out.update(W=w[T], W_prev=w[T - 1], g=case.grads[T - 1])
    return out


def build_cases(
    technique: str,
    variant: str = "",
    fixed: Mapping[str, float] | None = None,
    *,
    seed: int = 0,
) -> Cases:
    """The cases for a technique (and variant: a momentum convention or a decay
    schedule), with some hyperparameters `fixed` (values a note gives)."""
    fixed = dict(fixed or {})
    rng = np.random.default_rng(seed)
    plan = _plan(technique, variant, fixed, rng)
    rows = [_run(technique, variant, case) for case in plan]
    values: dict[str, np.ndarray] = {}
    for key in rows[0]:
        column = [np.asarray(r[key], dtype=np.float64) for r in rows]
        width = max(c.size for c in column)
        values[key] = np.stack([np.broadcast_to(c.reshape(-1), (width,)) for c in column])
    return Cases(technique, variant, values, tuple(c.edge for c in plan))
