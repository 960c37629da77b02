"""An optimizer's path on a 2-D quadratic bowl, for the drill screen's plot.

The bowl f(w) = 1/2 sum(curvature_i w_i^2) is elongated (curvatures 1 and 10
by default), the shape on which plain gradient descent zig-zags and momentum,
RMSprop and Adam show what they fix. The path comes from the same kernels as
the drills, with each gradient computed at the current weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from srs_dl.core.compute.arrays import as_vector, readonly
from srs_dl.core.compute.optimizers import (
    AdamTrace,
    MomentumTrace,
    RmspropTrace,
    SgdTrace,
    adam,
    momentum,
    rmsprop,
    sgd,
)

#: Hyperparameters that give a readable path on the default bowl.
DEFAULT_HYPER: Mapping[str, Mapping[str, float | str]] = {
    "sgd": {"lr": 0.15},
    "momentum": {"lr": 0.05, "beta": 0.9, "convention": "pytorch"},
    "rmsprop": {"lr": 0.05, "beta": 0.9, "eps": 1e-8},
    "adam": {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}
PATH_OPTIMIZERS: tuple[str, ...] = tuple(DEFAULT_HYPER)

OptimizerTrace = SgdTrace | MomentumTrace | RmspropTrace | AdamTrace


@dataclass(frozen=True, slots=True)
class QuadraticPath:
    optimizer: str
    curvature: np.ndarray
    #: (steps + 1) x 2: the weights, row 0 the start.
    w: np.ndarray
    #: f(w) at each row of w.
    loss: np.ndarray
    trace: OptimizerTrace


def bowl_loss(w: np.ndarray, curvature: np.ndarray) -> np.ndarray:
    """f(w) = 1/2 sum(curvature * w^2), over the last axis."""
    return 0.5 * np.sum(curvature * w * w, axis=-1)


def quadratic_path(
    optimizer: str,
    start: Sequence[float] = (-1.5, 0.6),
    *,
    curvature: Sequence[float] = (1.0, 10.0),
    steps: int = 40,
    **hyper: float | str,
) -> QuadraticPath:
    """Run `optimizer` ("sgd", "momentum", "rmsprop" or "adam") from `start` on
    the bowl; `hyper` overrides DEFAULT_HYPER (lr, beta, beta1, ..., convention)."""
    if optimizer not in DEFAULT_HYPER:
        raise ValueError(f"unknown optimizer {optimizer!r}; known: {', '.join(PATH_OPTIMIZERS)}")
    c = as_vector(curvature, "curvature")
    w0 = as_vector(start, "start")
    if c.shape != w0.shape:
        raise ValueError("start and curvature must have the same length")
    unknown = set(hyper) - set(DEFAULT_HYPER[optimizer])
    if unknown:
        raise ValueError(
            f"{optimizer} takes {', '.join(DEFAULT_HYPER[optimizer])}, not {', '.join(sorted(unknown))}"
        )
    h = {**DEFAULT_HYPER[optimizer], **hyper}

    def gradient(w: np.ndarray) -> np.ndarray:
        return c * w

    trace: OptimizerTrace
    if optimizer == "sgd":
        trace = sgd(w0, gradient, float(h["lr"]), steps=steps)
    elif optimizer == "momentum":
        conv = str(h["convention"])
        if conv not in ("ema", "pytorch"):
            raise ValueError(f"convention must be 'ema' or 'pytorch', got {conv!r}")
        trace = momentum(w0, gradient, float(h["lr"]), float(h["beta"]), conv, steps=steps)  # type: ignore[arg-type]
    elif optimizer == "rmsprop":
        trace = rmsprop(
            w0, gradient, float(h["lr"]), float(h["beta"]), float(h["eps"]), steps=steps
        )
    else:
        trace = adam(
            w0,
            gradient,
            float(h["lr"]),
            float(h["beta1"]),
            float(h["beta2"]),
            float(h["eps"]),
            steps=steps,
        )
    return QuadraticPath(optimizer, readonly(c), trace.w, readonly(bowl_loss(trace.w, c)), trace)
