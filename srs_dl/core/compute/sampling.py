"""Sampling a hyperparameter on a log scale.

A learning rate between 1e-4 and 1 should get as many trials in [1e-4, 1e-3]
as in [0.1, 1]: sample the exponent uniformly. A beta between 0.9 and 0.999
is sampled through 1 - beta, whose sensitivity is what is exponential near 1.
`u` in [0, 1] is the uniform draw; the functions accept scalars or arrays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _u(u: ArrayLike) -> np.ndarray:
    a = np.asarray(u, dtype=np.float64)
    if np.any(a < 0.0) or np.any(a > 1.0) or not np.all(np.isfinite(a)):
        raise ValueError(f"u must be in [0, 1], got {u!r}")
    return a


def _out(x: np.ndarray) -> float | np.ndarray:
    return float(x) if x.ndim == 0 else x


def _range(low: float, high: float) -> tuple[float, float]:
    low, high = float(low), float(high)
    if not 0.0 < low < high:
        raise ValueError(f"need 0 < low < high, got low={low}, high={high}")
    return low, high


def log_scale(low: float, high: float, u: ArrayLike) -> float | np.ndarray:
    """10^(log10 low + u (log10 high - log10 low)): u = 0 gives low, u = 1 high."""
    low, high = _range(low, high)
    a, b = np.log10(low), np.log10(high)
    return _out(np.power(10.0, a + _u(u) * (b - a)))


def one_minus_log_scale(low: float, high: float, u: ArrayLike) -> float | np.ndarray:
    """A beta in [low, high] (both below 1) with 1 - beta on a log scale:
    1 - 10^(log10(1 - high) + u (log10(1 - low) - log10(1 - high))).
    u = 0 gives high, u = 1 gives low (u runs along 1 - beta, as in the contract)."""
    low, high = _range(low, high)
    if not high < 1.0:
        raise ValueError(f"beta must stay below 1, got high={high}")
    a, b = np.log10(1.0 - high), np.log10(1.0 - low)
    return _out(1.0 - np.power(10.0, a + _u(u) * (b - a)))


def sample_log_scale(
    low: float, high: float, rng: np.random.Generator, size: int | tuple[int, ...] | None = None
) -> float | np.ndarray:
    """Random search: `size` values (one float when size is None) on a log scale."""
    return log_scale(low, high, rng.random(size))


def sample_one_minus_log_scale(
    low: float, high: float, rng: np.random.Generator, size: int | tuple[int, ...] | None = None
) -> float | np.ndarray:
    """Random search for a beta: 1 - beta on a log scale."""
    return one_minus_log_scale(low, high, rng.random(size))
