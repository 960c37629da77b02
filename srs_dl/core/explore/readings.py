"""One line that says what a scene shows ("momentum overshoots: beta too high for
this lr"), from the trajectories' numbers, first rule that applies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from srs_dl.core.compute.surfaces import OPTIMIZER_NAMES, Trajectory

if TYPE_CHECKING:
    from srs_dl.core.compute.ema import EmaTrace
    from srs_dl.core.explore.settings import ExplorerSettings


def _final(t: Trajectory) -> float:
    last = float(t.loss[-1])
    return last if np.isfinite(last) else float("inf")


def _overshoots(t: Trajectory) -> int:
    """How often a coordinate of the path crosses the minimum's coordinate and turns."""
    w = t.w
    if t.diverged or w.shape[0] < 3:
        return 0
    d = np.diff(w, axis=0)
    turns = (np.sign(d[1:]) * np.sign(d[:-1]) < 0).sum(axis=0)
    return int(turns.max())


def surface_reading(s: ExplorerSettings, paths: Sequence[Trajectory]) -> str:
    by = {p.optimizer: p for p in paths}
    start = float(paths[0].loss[0])
    diverged = [
        OPTIMIZER_NAMES[p.optimizer] for p in paths if p.diverged or _final(p) > start * 1e3
    ]
    if diverged:
        return (
            f"{', '.join(diverged)} diverge{'s' if len(diverged) == 1 else ''}: lr = {s.lr:g} is"
            " too high for the surface's steepest direction"
        )
    mom = by["momentum_pytorch"]
    sgd = by["sgd"]
    if _overshoots(mom) > max(4, s.steps // 8) and _final(mom) > _final(sgd):
        return (
            f"momentum overshoots: beta = {s.beta:g} too high for lr = {s.lr:g}"
            " (PyTorch's buffer steps 1 / (1 - beta) times further)"
        )
    if _overshoots(sgd) > s.steps // 3 and s.surface == "quadratic":
        return (
            f"SGD zig-zags across the valley: lr = {s.lr:g} is near 2 / condition ="
            f" {2 / s.condition:.3g}; momentum averages the zig-zag out"
        )
    if _final(by["adam"]) > _final(sgd) and _final(by["rmsprop"]) > _final(sgd):
        return (
            "RMSprop and Adam step about lr per weight whatever the gradient: with this lr they"
            " are still on their way"
        )
    best = min(paths, key=_final)
    return f"{OPTIMIZER_NAMES[best.optimizer]} is lowest after {s.steps} steps (loss {_final(best):.3g})"


def ema_reading(beta: float, trace: EmaTrace) -> str:
    window = 1.0 / (1.0 - beta)
    first = float(trace.v[0])
    corrected = float(trace.v_corrected[0])
    return (
        f"beta = {beta:g} averages about {window:.3g} values; without bias correction the"
        f" first average is {first:.3g}, {corrected:.3g} with it"
    )


def schedule_reading(
    s: ExplorerSettings, curves: Sequence[tuple[str, np.ndarray, np.ndarray]]
) -> str:
    ends = [(float(rates[-1]), label) for label, _x, rates in curves]
    low_rate, low = min(ends)
    high_rate, high = max(ends)
    return (
        f"after {s.steps} steps from lr = {s.lr:g}: {low.split(' (')[0]} is lowest"
        f" ({low_rate:.3g}), {high.split(' (')[0]} highest ({high_rate:.3g})"
    )
