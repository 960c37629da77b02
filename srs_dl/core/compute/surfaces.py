"""2-D loss surfaces and the optimizers' trajectories on them, for the explorer.

Two surfaces: an elongated quadratic bowl f(w) = 1/2 (w1^2 + kappa w2^2), whose
condition number kappa sets how narrow the valley is (plain gradient descent
zig-zags across it), and Rosenbrock's banana f = (1 - x)^2 + 100 (y - x^2)^2.
The trajectories come from the optimizer kernels (optimizers.py) with the
gradient taken at the current weights: SGD, momentum in the course's and in
PyTorch's convention, RMSprop and Adam, all from one start point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from srs_dl.core.compute.arrays import readonly
from srs_dl.core.compute.optimizers import adam, momentum, rmsprop, sgd

SURFACES: tuple[str, ...] = ("quadratic", "rosenbrock")
#: The optimizers drawn, in legend order.
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "momentum_pytorch", "rmsprop", "adam")
OPTIMIZER_NAMES = {
    "sgd": "SGD",
    "momentum": "Momentum (course)",
    "momentum_pytorch": "Momentum (PyTorch)",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}
#: Beyond this a weight has diverged; the path stops there (no overflow).
_LIMIT = 1e6


@dataclass(frozen=True, slots=True)
class Surface:
    name: str
    #: For the quadratic: the condition number.
    condition: float

    def loss(self, w: np.ndarray) -> np.ndarray:
        """f over the last axis of w (... x 2)."""
        x, y = w[..., 0], w[..., 1]
        if self.name == "quadratic":
            return 0.5 * (x * x + self.condition * y * y)
        return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2

    def gradient(self, w: np.ndarray) -> np.ndarray:
        x, y = float(w[0]), float(w[1])
        # Diverged (NaN fails the comparison too): stay put instead of overflowing.
        if not (abs(x) <= _LIMIT and abs(y) <= _LIMIT):
            return np.zeros(2)
        if self.name == "quadratic":
            return np.array([x, self.condition * y])
        return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])

    @property
    def minimum(self) -> tuple[float, float]:
        return (0.0, 0.0) if self.name == "quadratic" else (1.0, 1.0)

    def view(self, start: Sequence[float]) -> tuple[float, float, float, float]:
        """(x0, x1, y0, y1): the region drawn, the start and the minimum inside it."""
        if self.name == "quadratic":
            half = max(2.0, abs(start[0]) * 1.3, abs(start[1]) * 1.3)
            return (-half, half, -half / 2, half / 2)
        return (
            min(-2.0, start[0] - 0.3),
            max(2.0, start[0] + 0.3),
            min(-1.0, start[1] - 0.3),
            max(3.0, start[1] + 0.3),
        )


def make_surface(name: str, condition: float = 10.0) -> Surface:
    if name not in SURFACES:
        raise ValueError(f"unknown surface {name!r}; known: {', '.join(SURFACES)}")
    if not condition >= 1.0:
        raise ValueError(f"the condition number must be >= 1, got {condition}")
    return Surface(name, float(condition))


@dataclass(frozen=True, slots=True)
class Trajectory:
    optimizer: str
    #: (steps + 1) x 2, row 0 the start (rows after a divergence repeat the last).
    w: np.ndarray
    #: f at each row of w.
    loss: np.ndarray

    @property
    def diverged(self) -> bool:
        return bool(not np.all(np.isfinite(self.w)) or np.abs(self.w).max() > _LIMIT)


def trajectory(
    surface: Surface,
    optimizer: str,
    start: Sequence[float],
    steps: int,
    *,
    lr: float,
    beta: float,
    beta2: float,
    eps: float,
) -> Trajectory:
    """One optimizer's path; `beta` is momentum's and RMSprop's beta and Adam's beta1."""
    grad: Callable[[np.ndarray], np.ndarray] = surface.gradient
    w0 = np.array(start, dtype=np.float64)
    with np.errstate(all="ignore"):
        if optimizer == "sgd":
            w = sgd(w0, grad, lr, steps=steps).w
        elif optimizer == "momentum":
            w = momentum(w0, grad, lr, beta, "ema", steps=steps).w
        elif optimizer == "momentum_pytorch":
            w = momentum(w0, grad, lr, beta, "pytorch", steps=steps).w
        elif optimizer == "rmsprop":
            w = rmsprop(w0, grad, lr, beta, eps, steps=steps).w
        elif optimizer == "adam":
            w = adam(w0, grad, lr, beta, beta2, eps, steps=steps).w
        else:
            raise ValueError(f"unknown optimizer {optimizer!r}; known: {', '.join(OPTIMIZERS)}")
        loss = surface.loss(w)
    return Trajectory(optimizer, w, readonly(loss))


def loss_grid(
    surface: Surface, view: tuple[float, float, float, float], cols: int, rows: int
) -> np.ndarray:
    """f at the centre of each cell of a rows x cols grid over `view` (row 0 at the top)."""
    x0, x1, y0, y1 = view
    xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
    ys = y1 - (np.arange(rows) + 0.5) * (y1 - y0) / rows
    gx, gy = np.meshgrid(xs, ys)
    return surface.loss(np.stack([gx, gy], axis=-1))
