"""Cheap random draws for the generators, from a numpy Generator passed in.

A scalar call on a Generator costs about a microsecond; drawing uniforms in
blocks and serving them one by one keeps a drill well under a millisecond
while every number still comes from the caller's seeded Generator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")
_BLOCK = 64


def round_sig(x: float, digits: int) -> float:
    """x rounded to `digits` significant figures (inputs a person can type)."""
    if x == 0.0 or not math.isfinite(x):
        return x
    return float(f"{x:.{digits}g}")


class Draws:
    __slots__ = ("_rng", "_buf", "_i")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._buf: list[float] = []
        self._i = 0

    def random(self) -> float:
        """A uniform float in [0, 1)."""
        if self._i >= len(self._buf):
            self._buf = self._rng.random(_BLOCK).tolist()
            self._i = 0
        x = self._buf[self._i]
        self._i += 1
        return x

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def log_uniform(self, low: float, high: float) -> float:
        """Uniform in the exponent: as likely in [1e-4, 1e-3] as in [1e-2, 1e-1]."""
        return 10.0 ** self.uniform(math.log10(low), math.log10(high))

    def integer(self, low: int, high: int) -> int:
        """An int in [low, high], both ends included."""
        return min(high, low + int(self.random() * (high - low + 1)))

    def choice(self, options: Sequence[T]) -> T:
        return options[min(len(options) - 1, int(self.random() * len(options)))]

    def sign(self) -> float:
        return -1.0 if self.random() < 0.5 else 1.0

    def chance(self, p: float) -> bool:
        return self.random() < p
