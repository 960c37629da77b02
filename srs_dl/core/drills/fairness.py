"""What makes a drill fair: a learner who carries 4 significant figures at every
step reaches the answer, no step nearly cancels, and no value is too small to
mean anything (float noise, or a weight a learner would round to 0).

The tolerance (3 significant figures, 0.5% relative) follows from the learner:
4 figures at each step leave an error of at most 0.05% per written number,
and the generator keeps only inputs where those errors add up to at most
LEARNER_SHARE of the tolerance, so rounding in another order still passes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from srs_dl.core.drills.answers import flat
from srs_dl.core.drills.drill import Answer

#: Significant figures the prompt asks the learner to carry.
LEARNER_DIGITS = 4
#: A 4-figure learner's answer must land within this share of the tolerance.
LEARNER_SHARE = 0.4
#: No element of an answer below this share of its largest element.
RELATIVE_FLOOR = 1e-3
#: No weight (start, intermediate or answer) below this in magnitude.
WEIGHT_FLOOR = 1e-3
#: The steps a weight takes add up to at most this many times its final value
#: (beyond it the answer is the small difference of large steps: cancellation).
MAX_PATH = 10.0


def sig4(x: float) -> float:
    """x as a learner carrying 4 significant figures writes it down."""
    if x == 0.0 or not math.isfinite(x):
        return x
    return float(f"{x:.4g}")


def meaningful(answer: Answer) -> bool:
    """Every element finite and at least RELATIVE_FLOOR of the largest (and
    no float noise: the largest itself well above the absolute tolerance)."""
    if isinstance(answer, int):
        return True
    xs = [abs(x) for x in flat(answer)]
    if not all(math.isfinite(x) for x in xs):
        return False
    top = max(xs)
    return top >= 1e-6 and min(xs) >= RELATIVE_FLOOR * top


def steady_path(paths: Sequence[Sequence[float]]) -> bool:
    """Each weight's path (w_0, ..., w_T): every value at least WEIGHT_FLOOR, and
    the steps of each weight add up to at most MAX_PATH times its final value."""
    for ws in paths:
        if any(not abs(w) >= WEIGHT_FLOOR for w in ws):
            return False
        travelled = sum(abs(b - a) for a, b in zip(ws, ws[1:], strict=False))
        if travelled > MAX_PATH * abs(ws[-1]):
            return False
    return True
