"""Batch normalisation of one layer's Z (n units x m examples: a row per
unit, a column per example), in training mode and at inference, as
torch.nn.BatchNorm1d computes it.

Training normalises each row with its batch mean and biased variance (1/m).
The running statistics used at inference start at mean 0 and variance 1 and
move by running = (1 - momentum) running + momentum batch_stat after each
training batch, the variance term using the unbiased batch variance (1/(m-1)).
`momentum` is thus the weight of the new batch, not of the old average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from srs_dl.core.compute.arrays import as_matrix, as_per_row, readonly


@dataclass(frozen=True, slots=True)
class BatchNormTrace:
    z: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    eps: float
    #: Per unit (row): the batch mean and biased variance.
    mean: np.ndarray
    var: np.ndarray
    #: sqrt(var + eps).
    std: np.ndarray
    z_norm: np.ndarray
    #: gamma * z_norm + beta (Z tilde).
    out: np.ndarray


@dataclass(frozen=True, slots=True)
class BatchNormInferenceTrace:
    batches: tuple[np.ndarray, ...]
    momentum: float
    eps: float
    gamma: np.ndarray
    beta: np.ndarray
    #: B x n: each training batch's mean, biased and unbiased variance.
    batch_mean: np.ndarray
    batch_var: np.ndarray
    batch_var_unbiased: np.ndarray
    #: (B + 1) x n: row 0 the initial statistics (0 and 1), row b after batch b.
    running_mean: np.ndarray
    running_var: np.ndarray
    z_test: np.ndarray
    #: sqrt(running_var + eps) after the last batch.
    std: np.ndarray
    z_norm: np.ndarray
    out: np.ndarray


def batchnorm_train(
    z: ArrayLike, gamma: ArrayLike, beta: ArrayLike, eps: float = 1e-5
) -> BatchNormTrace:
    zz = as_matrix(z, "z")
    n, m = zz.shape
    if m < 1:
        raise ValueError("z needs at least one example (column)")
    g = as_per_row(gamma, n, "gamma")
    b = as_per_row(beta, n, "beta")
    eps = float(eps)
    # sum / m rather than .mean(): the same float64 result, without the
    # generic reduction machinery that dominates on matrices this small.
    mean = zz.sum(axis=1) / m
    centred = zz - mean[:, None]
    var = (centred * centred).sum(axis=1) / m
    std = np.sqrt(var + eps)
    z_norm = centred / std[:, None]
    out = g[:, None] * z_norm + b[:, None]
    return BatchNormTrace(
        readonly(zz),
        readonly(g),
        readonly(b),
        eps,
        readonly(mean),
        readonly(var),
        readonly(std),
        readonly(z_norm),
        readonly(out),
    )


def batchnorm_inference(
    batches: Sequence[ArrayLike],
    momentum: float,
    eps: float,
    gamma: ArrayLike,
    beta: ArrayLike,
    z_test: ArrayLike,
) -> BatchNormInferenceTrace:
    momentum, eps = float(momentum), float(eps)
    if not 0.0 <= momentum <= 1.0:
        raise ValueError(f"momentum must be in [0, 1], got {momentum}")
    zt = as_matrix(z_test, "z_test")
    n = zt.shape[0]
    mats = []
    for i, batch in enumerate(batches):
        a = as_matrix(batch, f"batches[{i}]")
        if a.shape[0] != n:
            raise ValueError(f"batches[{i}] has {a.shape[0]} units (rows), z_test has {n}")
        if a.shape[1] < 2:
            # The unbiased variance divides by m - 1.
            raise ValueError(f"batches[{i}] needs at least 2 examples (columns), got {a.shape[1]}")
        mats.append(readonly(a))
    g = as_per_row(gamma, n, "gamma")
    b = as_per_row(beta, n, "beta")
    count = len(mats)
    batch_mean = np.empty((count, n))
    batch_var = np.empty((count, n))
    batch_var_unbiased = np.empty((count, n))
    running_mean = np.empty((count + 1, n))
    running_var = np.empty((count + 1, n))
    running_mean[0] = 0.0
    running_var[0] = 1.0
    keep = 1.0 - momentum
    for i, a in enumerate(mats):
        m = a.shape[1]
        mu = a.sum(axis=1) / m
        centred = a - mu[:, None]
        sq = (centred * centred).sum(axis=1)
        batch_mean[i] = mu
        batch_var[i] = sq / m
        batch_var_unbiased[i] = sq / (m - 1)
        running_mean[i + 1] = keep * running_mean[i] + momentum * mu
        running_var[i + 1] = keep * running_var[i] + momentum * batch_var_unbiased[i]
    std = np.sqrt(running_var[-1] + eps)
    z_norm = (zt - running_mean[-1][:, None]) / std[:, None]
    out = g[:, None] * z_norm + b[:, None]
    return BatchNormInferenceTrace(
        tuple(mats),
        momentum,
        eps,
        readonly(g),
        readonly(b),
        readonly(batch_mean),
        readonly(batch_var),
        readonly(batch_var_unbiased),
        readonly(running_mean),
        readonly(running_var),
        readonly(zt),
        readonly(std),
        readonly(z_norm),
        readonly(out),
    )


@dataclass(frozen=True, slots=True)
class FoldTrace:
    #: sqrt(running_var + eps), per unit.
    std: np.ndarray
    #: gamma / std: what each unit's row of W and its shifted bias are scaled by.
    scale: np.ndarray
    w: np.ndarray
    b: np.ndarray


def fold_batchnorm(
    w: ArrayLike,
    b: ArrayLike,
    gamma: ArrayLike,
    beta: ArrayLike,
    mean: ArrayLike,
    var: ArrayLike,
    eps: float,
) -> FoldTrace:
    """Fold an eval-mode batch norm into the linear layer before it (W: n x k, a row
    per unit): W' = gamma W / sqrt(var + eps), b' = gamma (b - mean) / sqrt(var + eps) + beta,
    so that W' x + b' = BatchNorm1d.eval()(W x + b) for every x."""
    ww = as_matrix(w, "w")
    n = ww.shape[0]
    bb = as_per_row(b, n, "b")
    g, be = as_per_row(gamma, n, "gamma"), as_per_row(beta, n, "beta")
    mu, v = as_per_row(mean, n, "mean"), as_per_row(var, n, "var")
    std = np.sqrt(v + float(eps))
    scale = g / std
    return FoldTrace(
        readonly(std),
        readonly(scale),
        readonly(ww * scale[:, None]),
        readonly(scale * (bb - mu) + be),
    )
