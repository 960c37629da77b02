"""The four learning-rate decay schedules of the notes.

Each takes the epoch as a number or an array of epochs, and returns a float
or an array to match. Epochs count as the caller counts them; the formulas
are those of the drills contract:

- inverse_time:  alpha0 / (1 + decay_rate * epoch)
- exponential:   base^epoch * alpha0
- inverse_sqrt:  k / sqrt(epoch) * alpha0          (epoch >= 1)
- staircase:     alpha0 * drop^floor(epoch / epochs_per_drop)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from srs_dl.core.compute.arrays import readonly

#: Each schedule and the parameters it takes besides alpha0 and epoch.
SCHEDULE_PARAMS: Mapping[str, tuple[str, ...]] = {
    "inverse_time": ("decay_rate",),
    "exponential": ("base",),
    "inverse_sqrt": ("k",),
    "staircase": ("drop", "epochs_per_drop"),
}
SCHEDULES: tuple[str, ...] = tuple(SCHEDULE_PARAMS)


def _epochs(epoch: ArrayLike, minimum: float = 0.0) -> np.ndarray:
    e = np.asarray(epoch, dtype=np.float64)
    if np.any(e < minimum) or not np.all(np.isfinite(e)):
        raise ValueError(f"epoch must be a finite number >= {minimum:g}, got {epoch!r}")
    return e


def _out(x: np.ndarray) -> float | np.ndarray:
    return float(x) if x.ndim == 0 else readonly(x)


def inverse_time(alpha0: float, decay_rate: float, epoch: ArrayLike) -> float | np.ndarray:
    return _out(float(alpha0) / (1.0 + float(decay_rate) * _epochs(epoch)))


def exponential(alpha0: float, base: float, epoch: ArrayLike) -> float | np.ndarray:
    return _out(np.power(float(base), _epochs(epoch)) * float(alpha0))


def inverse_sqrt(alpha0: float, k: float, epoch: ArrayLike) -> float | np.ndarray:
    # Epoch 0 would divide by zero: the schedule starts at epoch 1.
    return _out(float(k) / np.sqrt(_epochs(epoch, 1.0)) * float(alpha0))


def staircase(
    alpha0: float, drop: float, epochs_per_drop: float, epoch: ArrayLike
) -> float | np.ndarray:
    if not float(epochs_per_drop) > 0:
        raise ValueError(f"epochs_per_drop must be positive, got {epochs_per_drop!r}")
    drops = np.floor(_epochs(epoch) / float(epochs_per_drop))
    return _out(float(alpha0) * np.power(float(drop), drops))


def _check_params(schedule: str, params: Mapping[str, float]) -> None:
    if schedule not in SCHEDULE_PARAMS:
        raise ValueError(f"unknown schedule {schedule!r}; known: {', '.join(SCHEDULES)}")
    want = set(SCHEDULE_PARAMS[schedule])
    if set(params) != want:
        raise ValueError(
            f"schedule {schedule!r} takes {', '.join(sorted(want))}, got {', '.join(sorted(params)) or 'nothing'}"
        )


def learning_rate(
    schedule: str, alpha0: float, epoch: ArrayLike, **params: float
) -> float | np.ndarray:
    """The learning rate at `epoch` under the named schedule (params by the contract's names)."""
    _check_params(schedule, params)
    if schedule == "inverse_time":
        return inverse_time(alpha0, params["decay_rate"], epoch)
    if schedule == "exponential":
        return exponential(alpha0, params["base"], epoch)
    if schedule == "inverse_sqrt":
        return inverse_sqrt(alpha0, params["k"], epoch)
    return staircase(alpha0, params["drop"], params["epochs_per_drop"], epoch)


@dataclass(frozen=True, slots=True)
class ScheduleCurve:
    schedule: str
    epochs: np.ndarray
    rates: np.ndarray


def schedule_curve(
    schedule: str, alpha0: float, epochs: int | ArrayLike, **params: float
) -> ScheduleCurve:
    """The rate over many epochs, for a plot. An int means epochs 0..epochs
    (1..epochs for inverse_sqrt, which is undefined at 0)."""
    if isinstance(epochs, int | np.integer):
        first = 1 if schedule == "inverse_sqrt" else 0
        e = np.arange(first, int(epochs) + 1, dtype=np.float64)
    else:
        e = np.array(epochs, dtype=np.float64, ndmin=1)
    rates = np.array(learning_rate(schedule, alpha0, e, **params), dtype=np.float64, ndmin=1)
    return ScheduleCurve(schedule, readonly(e), readonly(rates))


def warmup_cosine(
    alpha0: float, warmup: int, total: int, start_factor: float, eta_min: float, step: int
) -> float:
    """Linear warm-up then cosine annealing, as torch.optim.lr_scheduler.SequentialLR of
    LinearLR(start_factor, end_factor=1, total_iters=warmup) and CosineAnnealingLR(T_max =
    total - warmup, eta_min) with milestones=[warmup]. `step` counts scheduler.step() calls
    from 0, as torch does: step 0 is the first batch's rate, alpha0 * start_factor.

    step < warmup: alpha0 (start_factor + (1 - start_factor) step / warmup);
    then eta_min + (alpha0 - eta_min) (1 + cos(pi (step - warmup) / (total - warmup))) / 2."""
    if not 0 < warmup < total:
        raise ValueError(f"need 0 < warmup < total, got warmup={warmup}, total={total}")
    if not 0 <= step <= total:
        raise ValueError(f"step must be in [0, total={total}], got {step}")
    if step < warmup:
        return float(alpha0) * (start_factor + (1.0 - start_factor) * step / warmup)
    k, span = step - warmup, total - warmup
    return eta_min + (alpha0 - eta_min) * (1.0 + math.cos(math.pi * k / span)) / 2.0
