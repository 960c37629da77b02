"""Linear warm-up followed by cosine decay, the schedule of most transformer
training recipes (a fifth beside the four decay schedules of decay.py):

    alpha_t = alpha0 * t / warmup                                  for t < warmup
    alpha_t = alpha_min + (alpha0 - alpha_min) (1 + cos(pi p)) / 2  after, with
    p = (t - warmup) / (total - warmup) running from 0 to 1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from srs_dl.core.compute.arrays import readonly


def warmup_cosine(
    alpha0: float, warmup: int, total: int, step: ArrayLike, *, alpha_min: float = 0.0
) -> float | np.ndarray:
    if not 0 <= warmup < total:
        raise ValueError(f"need 0 <= warmup < total, got warmup={warmup}, total={total}")
    t = np.asarray(step, dtype=np.float64)
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise ValueError(f"steps must be finite and >= 0, got {step!r}")
    rising = alpha0 * t / warmup if warmup else np.full_like(t, alpha0)
    p = np.clip((t - warmup) / (total - warmup), 0.0, 1.0)
    falling = alpha_min + (alpha0 - alpha_min) * (1.0 + np.cos(np.pi * p)) / 2.0
    out = np.where(t < warmup, rising, falling)
    return float(out) if out.ndim == 0 else readonly(out)
