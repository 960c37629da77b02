"""Drawing an optimizer drill's inputs: its shape, gradients a person can type,
and starting weights sized to the update its rule makes, so that the weights
visibly move."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import Params, exact
from srs_dl.core.drills.fairness import WEIGHT_FLOOR
from srs_dl.core.drills.weights import RuleOf, per_weight


def draw_shape(d: Draws) -> tuple[int, int]:
    """(n weights, T steps): 1-3 weights, 2-4 steps."""
    return d.integer(1, 3), d.integer(2, 4)


def draw_grads(d: Draws, n: int, steps: int, scale: Callable[[], float]) -> list[list[float]]:
    """T gradient vectors; weight i's magnitudes come from scale() (one draw per
    weight, then +-50% per step), two significant figures, random signs."""
    sizes = [scale() for _ in range(n)]
    return [
        [round_sig(d.sign() * sizes[i] * d.uniform(0.5, 1.5), 2) for i in range(n)]
        for _ in range(steps)
    ]


def draw_start(d: Draws, update: Sequence[float]) -> list[float] | None:
    """Starting weights sized to the total update u of each weight: w0 = +-r |u|
    with r in [1.5, 6], so the weights visibly move (typing w0 fails) and
    |w_T| >= |u| / 2; None when some update is too small to make a weight of."""
    w0 = []
    for u in update:
        if not math.isfinite(u) or not abs(u) * 1.5 >= WEIGHT_FLOOR:
            return None
        w0.append(round_sig(d.sign() * abs(u) * d.log_uniform(1.5, 6.0), 2))
    return w0


def start_for(d: Draws, params: Params, rule_of: RuleOf) -> Params | None:
    """`params` with w0 drawn for the update its rule makes from 0 (draw_start)."""
    n = len(params["grads"][0])
    moved = per_weight(rule_of({**params, "w0": [0.0] * n}, exact), [0.0] * n, params["grads"])
    w0 = draw_start(d, [-w for w in moved])
    if w0 is None:
        return None
    return {**params, "w0": w0}
