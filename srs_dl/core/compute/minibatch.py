"""Mini-batches: how m examples split into batches of `batch_size`, and how
many parameter updates an epoch (and a run) makes. The last batch is partial
when batch_size does not divide m, and it still makes an update."""

from __future__ import annotations

import operator

import numpy as np


def _count(x: int, name: str, minimum: int) -> int:
    try:
        v = operator.index(x)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {x!r}") from None
    if v < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {v}")
    return v


def num_batches(m: int, batch_size: int) -> int:
    """Updates per epoch: ceil(m / batch_size) (integer arithmetic, no float rounding)."""
    m = _count(m, "m", 0)
    batch_size = _count(batch_size, "batch_size", 1)
    return -(-m // batch_size)


def num_updates(m: int, batch_size: int, epochs: int) -> int:
    """Parameter updates in `epochs` passes: epochs * ceil(m / batch_size).

    Each epoch starts a fresh pass, so a partial last batch is not topped up
    from the next epoch's examples."""
    return _count(epochs, "epochs", 0) * num_batches(m, batch_size)


def batch_sizes(m: int, batch_size: int) -> np.ndarray:
    """The size of every batch of one epoch, the partial one last."""
    full, rest = divmod(_count(m, "m", 0), _count(batch_size, "batch_size", 1))
    sizes = np.full(full + (1 if rest else 0), batch_size, dtype=np.int64)
    if rest:
        sizes[-1] = rest
    return sizes


def minibatch_indices(
    m: int, batch_size: int, rng: np.random.Generator | None = None
) -> list[np.ndarray]:
    """The example indices of each batch of one epoch.

    With `rng` the examples are shuffled first (one permutation per call, so a
    new epoch is a new call with the same generator); without it they keep
    their order. The last batch holds the remainder."""
    m = _count(m, "m", 0)
    batch_size = _count(batch_size, "batch_size", 1)
    order = rng.permutation(m) if rng is not None else np.arange(m)
    return [order[i : i + batch_size] for i in range(0, m, batch_size)]
