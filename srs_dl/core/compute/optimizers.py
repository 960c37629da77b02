"""Gradient-descent optimizers, one step at a time, keeping every intermediate.

Each kernel takes the starting weights w0 (n) and either the T gradients
(T x n, one row per step, t = 1..T) or a function giving the gradient at the
current weights together with `steps` (used for the paths on a loss surface).
Each returns a trace whose `w` is (T+1) x n with w[0] = w0, so trace.final is
the weights after T steps. Conventions are PyTorch's where PyTorch has the
optimizer, and the course's (V, S, beta) for momentum's "ema" form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from srs_dl.core.compute.arrays import as_steps, as_vector, readonly

GradientFn = Callable[[np.ndarray], ArrayLike]
Gradients = ArrayLike | GradientFn
MomentumConvention = Literal["ema", "pytorch", "pytorch_dampened"]
MOMENTUM_CONVENTIONS: tuple[str, ...] = ("ema", "pytorch", "pytorch_dampened")


class _Trajectory:
    __slots__ = ()
    w: np.ndarray

    @property
    def final(self) -> np.ndarray:
        """The weights after the last step."""
        return self.w[-1]

    @property
    def num_steps(self) -> int:
        return self.w.shape[0] - 1


@dataclass(frozen=True, slots=True)
class SgdTrace(_Trajectory):
    w: np.ndarray
    grads: np.ndarray
    #: lr * g_t, subtracted from w_{t-1}.
    step: np.ndarray
    lr: float


@dataclass(frozen=True, slots=True)
class SgdWeightDecayTrace(_Trajectory):
    w: np.ndarray
    grads: np.ndarray
    #: weight_decay * w_{t-1}: what weight decay adds to the gradient.
    decay: np.ndarray
    #: g_t + weight_decay * w_{t-1}.
    effective_grad: np.ndarray
    step: np.ndarray
    lr: float
    weight_decay: float


@dataclass(frozen=True, slots=True)
class MomentumTrace(_Trajectory):
    w: np.ndarray
    grads: np.ndarray
    #: V_t ("ema") or PyTorch's momentum buffer ("pytorch").
    v: np.ndarray
    step: np.ndarray
    lr: float
    beta: float
    convention: str


@dataclass(frozen=True, slots=True)
class RmspropTrace(_Trajectory):
    w: np.ndarray
    grads: np.ndarray
    #: S_t, the average of the squared gradients.
    s: np.ndarray
    #: sqrt(S_t) + eps.
    denom: np.ndarray
    step: np.ndarray
    lr: float
    beta: float
    eps: float


@dataclass(frozen=True, slots=True)
class AdamTrace(_Trajectory):
    w: np.ndarray
    grads: np.ndarray
    #: First moment V_t (PyTorch's exp_avg).
    v: np.ndarray
    #: Second moment S_t (PyTorch's exp_avg_sq).
    s: np.ndarray
    #: V_t / (1 - beta1^t).
    v_hat: np.ndarray
    #: S_t / (1 - beta2^t).
    s_hat: np.ndarray
    #: sqrt(S_hat_t) + eps.
    denom: np.ndarray
    step: np.ndarray
    lr: float
    beta1: float
    beta2: float
    eps: float


class _Run:
    """The weights and gradients of one run, filled in step by step."""

    __slots__ = ("w", "grads", "_fn", "steps")

    def __init__(self, w0: ArrayLike, grads: Gradients, steps: int | None) -> None:
        start = as_vector(w0, "w0")
        n = start.shape[0]
        if callable(grads):
            if steps is None or steps < 0:
                raise ValueError("a gradient function needs steps >= 0")
            self._fn: GradientFn | None = grads
            self.grads = np.empty((steps, n))
        else:
            self._fn = None
            self.grads = as_steps(grads, n, "grads")
            if steps is not None and steps != self.grads.shape[0]:
                raise ValueError(f"steps={steps} but {self.grads.shape[0]} gradients were given")
        self.steps = self.grads.shape[0]
        self.w = np.empty((self.steps + 1, n))
        self.w[0] = start

    def grad(self, t: int) -> np.ndarray:
        """The gradient of step t + 1, at w[t]."""
        if self._fn is not None:
            g = np.asarray(self._fn(self.w[t].copy()), dtype=np.float64)
            if g.shape != self.w[t].shape:
                raise ValueError(
                    f"gradient function returned shape {g.shape}, want {self.w[t].shape}"
                )
            self.grads[t] = g
        return self.grads[t]


def _beta(name: str, x: float) -> float:
    x = float(x)
    if not 0.0 <= x < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {x}")
    return x


def sgd(w0: ArrayLike, grads: Gradients, lr: float, *, steps: int | None = None) -> SgdTrace:
    """Plain gradient descent: w_t = w_{t-1} - lr g_t."""
    lr = float(lr)
    run = _Run(w0, grads, steps)
    step = np.empty_like(run.grads)
    w = run.w
    for t in range(run.steps):
        step[t] = lr * run.grad(t)
        w[t + 1] = w[t] - step[t]
    return SgdTrace(readonly(w), readonly(run.grads), readonly(step), lr)


def sgd_weight_decay(
    w0: ArrayLike, grads: Gradients, lr: float, weight_decay: float, *, steps: int | None = None
) -> SgdWeightDecayTrace:
    """torch.optim.SGD(lr, weight_decay): w_t = w_{t-1} - lr (g_t + weight_decay w_{t-1}).

    That is the gradient of loss + (weight_decay / 2) sum(w^2): see l2_equivalent."""
    lr, weight_decay = float(lr), float(weight_decay)
    run = _Run(w0, grads, steps)
    decay = np.empty_like(run.grads)
    effective = np.empty_like(run.grads)
    step = np.empty_like(run.grads)
    w = run.w
    for t in range(run.steps):
        g = run.grad(t)
        decay[t] = weight_decay * w[t]
        effective[t] = g + decay[t]
        step[t] = lr * effective[t]
        w[t + 1] = w[t] - step[t]
    return SgdWeightDecayTrace(
        readonly(w),
        readonly(run.grads),
        readonly(decay),
        readonly(effective),
        readonly(step),
        lr,
        weight_decay,
    )


def l2_equivalent(weight_decay: float) -> float:
    """The lambda for which loss + lambda * sum(w^2) gives the update of
    SGD(weight_decay=weight_decay): d/dw lambda w^2 = 2 lambda w, so lambda = weight_decay / 2."""
    return float(weight_decay) / 2.0


def momentum(
    w0: ArrayLike,
    grads: Gradients,
    lr: float,
    beta: float,
    convention: MomentumConvention = "ema",
    *,
    steps: int | None = None,
) -> MomentumTrace:
    """Gradient descent with momentum, w_t = w_{t-1} - lr V_t, where

    - "ema" (the course): V_0 = 0, V_t = beta V_{t-1} + (1 - beta) g_t;
    - "pytorch" (torch.optim.SGD(momentum=beta, dampening=0)): the buffer is
      g_1 on the first step, then beta * buffer + g_t. That is exactly
      V_t / (1 - beta) at every step (both are linear in the gradients and
      agree at t = 1), so the same lr steps 1 / (1 - beta) times further;
    - "pytorch_dampened" (torch.optim.SGD(momentum=beta, dampening=beta)): the
      buffer is g_1 on the first step (torch skips dampening there), then
      beta * buffer + (1 - beta) g_t: it is not the course's V, whose first
      step is (1 - beta) g_1.
    """
    if convention not in MOMENTUM_CONVENTIONS:
        raise ValueError(f"convention must be one of {MOMENTUM_CONVENTIONS}, got {convention!r}")
    lr, beta = float(lr), _beta("beta", beta)
    run = _Run(w0, grads, steps)
    v = np.empty_like(run.grads)
    step = np.empty_like(run.grads)
    w = run.w
    keep = 1.0 if convention == "pytorch" else 1.0 - beta
    first = 1.0 - beta if convention == "ema" else 1.0
    for t in range(run.steps):
        g = run.grad(t)
        if t == 0:
            v[0] = first * g
        else:
            v[t] = beta * v[t - 1] + keep * g
        step[t] = lr * v[t]
        w[t + 1] = w[t] - step[t]
    return MomentumTrace(
        readonly(w), readonly(run.grads), readonly(v), readonly(step), lr, beta, convention
    )


def rmsprop(
    w0: ArrayLike,
    grads: Gradients,
    lr: float,
    beta: float,
    eps: float,
    *,
    steps: int | None = None,
) -> RmspropTrace:
    """RMSprop as torch.optim.RMSprop(alpha=beta): S_0 = 0,
    S_t = beta S_{t-1} + (1 - beta) g_t^2, w_t = w_{t-1} - lr g_t / (sqrt(S_t) + eps).

    No bias correction, and eps outside the root (so a zero gradient gives a
    zero step rather than 0 / 0)."""
    lr, beta, eps = float(lr), _beta("beta", beta), float(eps)
    run = _Run(w0, grads, steps)
    s = np.empty_like(run.grads)
    denom = np.empty_like(run.grads)
    step = np.empty_like(run.grads)
    w = run.w
    prev = np.zeros(w.shape[1])
    for t in range(run.steps):
        g = run.grad(t)
        prev = beta * prev + (1.0 - beta) * (g * g)
        s[t] = prev
        denom[t] = np.sqrt(prev) + eps
        step[t] = lr * g / denom[t]
        w[t + 1] = w[t] - step[t]
    return RmspropTrace(
        readonly(w),
        readonly(run.grads),
        readonly(s),
        readonly(denom),
        readonly(step),
        lr,
        beta,
        eps,
    )


def _adam_steps(
    run: _Run, lr: float, beta1: float, beta2: float, eps: float, shrink: float
) -> dict[str, np.ndarray]:
    """Adam's steps on `run`, each taking shrink * w_{t-1} off first (AdamW's decoupled
    decay; 0 for Adam): the arrays of a trace, by field name, read-only."""
    shape = run.grads.shape
    out = {name: np.empty(shape) for name in ("decay", "v", "s", "v_hat", "s_hat", "denom", "step")}
    w = run.w
    pv = np.zeros(w.shape[1])
    ps = np.zeros(w.shape[1])
    for t in range(run.steps):
        g = run.grad(t)
        out["decay"][t] = shrink * w[t]
        pv = beta1 * pv + (1.0 - beta1) * g
        ps = beta2 * ps + (1.0 - beta2) * (g * g)
        out["v"][t], out["s"][t] = pv, ps
        out["v_hat"][t] = pv / (1.0 - beta1 ** (t + 1))
        out["s_hat"][t] = ps / (1.0 - beta2 ** (t + 1))
        out["denom"][t] = np.sqrt(out["s_hat"][t]) + eps
        out["step"][t] = lr * out["v_hat"][t] / out["denom"][t]
        w[t + 1] = w[t] - out["decay"][t] - out["step"][t]
    return {name: readonly(a) for name, a in out.items()} | {
        "w": readonly(w),
        "grads": readonly(run.grads),
    }


def adam(
    w0: ArrayLike,
    grads: Gradients,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    *,
    steps: int | None = None,
) -> AdamTrace:
    """Adam as torch.optim.Adam: V_t = beta1 V + (1 - beta1) g, S_t = beta2 S + (1 - beta2) g^2,
    V_hat = V_t / (1 - beta1^t), S_hat = S_t / (1 - beta2^t) with t from 1,
    w_t = w_{t-1} - lr V_hat / (sqrt(S_hat) + eps)."""
    lr, beta1, beta2, eps = float(lr), _beta("beta1", beta1), _beta("beta2", beta2), float(eps)
    arrays = _adam_steps(_Run(w0, grads, steps), lr, beta1, beta2, eps, 0.0)
    del arrays["decay"]
    return AdamTrace(**arrays, lr=lr, beta1=beta1, beta2=beta2, eps=eps)


@dataclass(frozen=True, slots=True)
class NesterovTrace(_Trajectory):
    w: np.ndarray
    grads: np.ndarray
    #: The momentum buffer: g_1, then beta * buffer + g_t.
    v: np.ndarray
    #: The direction stepped along: g_t + beta * buffer_t.
    direction: np.ndarray
    step: np.ndarray
    lr: float
    beta: float


def nesterov(
    w0: ArrayLike, grads: Gradients, lr: float, beta: float, *, steps: int | None = None
) -> NesterovTrace:
    """torch.optim.SGD(lr, momentum=beta, nesterov=True) (dampening must be 0 there):
    buffer_1 = g_1, buffer_t = beta buffer_{t-1} + g_t, w_t = w_{t-1} - lr (g_t + beta buffer_t)."""
    lr, beta = float(lr), _beta("beta", beta)
    run = _Run(w0, grads, steps)
    v, direction, step = (np.empty_like(run.grads) for _ in range(3))
    w = run.w
    for t in range(run.steps):
        g = run.grad(t)
        v[t] = g if t == 0 else beta * v[t - 1] + g
        direction[t] = g + beta * v[t]
        step[t] = lr * direction[t]
        w[t + 1] = w[t] - step[t]
    return NesterovTrace(
        readonly(w), readonly(run.grads), readonly(v), readonly(direction), readonly(step), lr, beta
    )


@dataclass(frozen=True, slots=True)
class AdamWTrace(AdamTrace):
    #: lr * weight_decay * w_{t-1}: the decoupled decay, taken before the Adam step.
    decay: np.ndarray
    weight_decay: float


def adamw(
    w0: ArrayLike,
    grads: Gradients,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    *,
    steps: int | None = None,
) -> AdamWTrace:
    """torch.optim.AdamW: the weights first shrink by lr * weight_decay * w (decoupled:
    the decay never enters the moments), then take Adam's bias-corrected step on g."""
    lr, beta1, beta2 = float(lr), _beta("beta1", beta1), _beta("beta2", beta2)
    eps, weight_decay = float(eps), float(weight_decay)
    arrays = _adam_steps(_Run(w0, grads, steps), lr, beta1, beta2, eps, lr * weight_decay)
    return AdamWTrace(**arrays, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)
