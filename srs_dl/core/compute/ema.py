"""Exponentially weighted (moving) averages, with and without bias correction.

V_0 = 0 and V_t = beta V_{t-1} + (1 - beta) theta_t; because V starts at 0 the
early averages are pulled towards 0, which dividing by (1 - beta^t) undoes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from srs_dl.core.compute.arrays import readonly


@dataclass(frozen=True, slots=True)
class EmaTrace:
    #: theta_1..theta_T (the first axis is time; later axes, if any, are averaged elementwise).
    thetas: np.ndarray
    beta: float
    #: V_1..V_T.
    v: np.ndarray
    #: V_t / (1 - beta^t) for t = 1..T.
    v_corrected: np.ndarray

    @property
    def correction(self) -> np.ndarray:
        """1 - beta^t for t = 1..T: the weight V_t actually puts on the thetas."""
        return 1.0 - self.beta ** np.arange(1, self.v.shape[0] + 1)

    @property
    def final(self) -> np.ndarray | float:
        return self.v[-1]


def ema(thetas: ArrayLike, beta: float) -> EmaTrace:
    beta = float(beta)
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must be in [0, 1), got {beta}")
    th = np.array(thetas, dtype=np.float64)
    if th.ndim == 0:
        raise ValueError("thetas must be a sequence (one value per step)")
    v = np.empty_like(th)
    prev = np.zeros(th.shape[1:])
    keep = 1.0 - beta
    for t in range(th.shape[0]):
        prev = beta * prev + keep * th[t]
        v[t] = prev
    correction = 1.0 - beta ** np.arange(1, th.shape[0] + 1)
    v_corrected = v / correction.reshape((-1,) + (1,) * (th.ndim - 1))
    return EmaTrace(readonly(th), beta, readonly(v), readonly(v_corrected))
