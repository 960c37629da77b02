"""Gradient clipping by the global norm, as torch.nn.utils.clip_grad_norm_.

All the tensors' gradients count as one vector: total_norm = sqrt(sum of every
squared element); when max_norm / (total_norm + 1e-6) is below 1, every
gradient is scaled by it, so the direction of the whole update is kept.
(Clipping each tensor by its own norm is the common mistake: it bends the
direction.) Tensors here are the rows of a matrix, one per parameter tensor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from srs_dl.core.compute.arrays import as_matrix, readonly

#: What torch adds to the norm before dividing (clip_grad_norm_'s 1e-6).
NORM_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class ClipTrace:
    grads: np.ndarray
    max_norm: float
    #: Each tensor's own norm (row by row).
    norms: np.ndarray
    total_norm: float
    #: min(1, max_norm / (total_norm + 1e-6)).
    coef: float
    clipped: np.ndarray


def clip_grad_norm(grads: ArrayLike, max_norm: float) -> ClipTrace:
    g = as_matrix(grads, "grads")
    max_norm = float(max_norm)
    norms = np.sqrt((g * g).sum(axis=1))
    total = float(np.sqrt((norms * norms).sum()))
    coef = min(1.0, max_norm / (total + NORM_EPS))
    return ClipTrace(readonly(g), max_norm, readonly(norms), total, coef, readonly(g * coef))
