"""Input coercion shared by the kernels: float64 copies with checked shapes,
and read-only results (a trace is a record of a computation, not a buffer)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def as_vector(x: ArrayLike, name: str) -> np.ndarray:
    """A 1-D float64 copy; a scalar becomes a vector of one."""
    v = np.array(x, dtype=np.float64, ndmin=1)
    if v.ndim != 1:
        raise ValueError(f"{name} must be a vector, got shape {v.shape}")
    return v


def as_matrix(x: ArrayLike, name: str) -> np.ndarray:
    a = np.array(x, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a matrix (n x m), got shape {a.shape}")
    return a


def as_per_row(x: ArrayLike, n: int, name: str) -> np.ndarray:
    """One value per row of an n-row matrix: accepts a scalar, (n,) or (n, 1)."""
    v = np.array(x, dtype=np.float64)
    if v.ndim == 0:
        return np.full(n, float(v))
    if v.size != n or (v.ndim == 2 and v.shape[1] != 1) or v.ndim > 2:
        raise ValueError(f"{name} must hold one value per row ({n}), got shape {v.shape}")
    return v.reshape(n)


def as_steps(x: ArrayLike, n: int, name: str) -> np.ndarray:
    """T vectors of length n as a (T, n) array. With n == 1 a flat list of T
    numbers is read as T one-element vectors (the shape is unambiguous then)."""
    a = np.array(x, dtype=np.float64)
    if a.ndim == 1 and n == 1:
        a = a.reshape(-1, 1)
    if a.ndim == 1 and a.size == 0:
        a = a.reshape(0, n)
    if a.ndim != 2 or a.shape[1] != n:
        raise ValueError(f"{name} must be a list of vectors of length {n}, got shape {a.shape}")
    return a
