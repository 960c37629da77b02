"""What the explorer draws for a set of settings, every number from a kernel.

- surface: the loss surface's region and the five trajectories (surfaces.py);
- ema: a noisy series, its average with and without bias correction (ema.py)
  and the 1 / (1 - beta) window of recent values it roughly covers;
- schedules: the four decay schedules (decay.py) and warm-up + cosine
  (warmup.py) from alpha0 = lr over the steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from srs_dl.core.compute import decay
from srs_dl.core.compute.ema import ema
from srs_dl.core.compute.surfaces import (
    OPTIMIZERS,
    Surface,
    Trajectory,
    make_surface,
    trajectory,
)
from srs_dl.core.compute.warmup import warmup_cosine
from srs_dl.core.explore.readings import ema_reading, schedule_reading, surface_reading
from srs_dl.core.explore.settings import ExplorerSettings

EMA_POINTS = 100


@dataclass(frozen=True, slots=True)
class SurfaceScene:
    surface: Surface
    view: tuple[float, float, float, float]
    trajectories: tuple[Trajectory, ...]
    reading: str


def surface_scene(s: ExplorerSettings) -> SurfaceScene:
    surface = make_surface(s.surface, s.condition)
    paths = tuple(
        trajectory(surface, name, s.start, s.steps, lr=s.lr, beta=s.beta, beta2=s.beta2, eps=s.eps)
        for name in OPTIMIZERS
    )
    return SurfaceScene(surface, surface.view(s.start), paths, surface_reading(s, paths))


@dataclass(frozen=True, slots=True)
class EmaScene:
    t: np.ndarray
    thetas: np.ndarray
    v: np.ndarray
    v_corrected: np.ndarray
    beta: float
    #: 1 / (1 - beta): how many recent values the average roughly covers.
    window: float
    reading: str


def ema_series(seed: int, points: int = EMA_POINTS) -> np.ndarray:
    """A noisy, slowly varying series (a seasonal temperature-like curve)."""
    rng = np.random.default_rng(seed)
    t = np.arange(1, points + 1)
    return 10.0 + 5.0 * np.sin(t / 15.0) + rng.normal(0.0, 2.0, points)


def ema_scene(s: ExplorerSettings, seed: int) -> EmaScene:
    thetas = ema_series(seed)
    trace = ema(thetas, s.beta)
    window = 1.0 / (1.0 - s.beta)
    t = np.arange(1, thetas.size + 1, dtype=np.float64)
    return EmaScene(
        t, thetas, trace.v, trace.v_corrected, s.beta, window, ema_reading(s.beta, trace)
    )


@dataclass(frozen=True, slots=True)
class ScheduleScene:
    #: (label, steps, rates) per schedule.
    curves: tuple[tuple[str, np.ndarray, np.ndarray], ...]
    reading: str


def schedule_scene(s: ExplorerSettings) -> ScheduleScene:
    total = max(s.steps, 2)
    steps = np.arange(0, total + 1, dtype=np.float64)
    per_drop = max(1.0, round(total / 4))
    warmup = max(1, total // 10)
    curves = (
        (
            "inverse time (decay_rate 0.1)",
            steps,
            np.asarray(decay.inverse_time(s.lr, 0.1, steps)),
        ),
        ("exponential (base 0.95)", steps, np.asarray(decay.exponential(s.lr, 0.95, steps))),
        (
            "inverse sqrt (k 1)",
            steps[1:],
            np.asarray(decay.inverse_sqrt(s.lr, 1.0, steps[1:])),
        ),
        (
            f"staircase (x0.5 every {per_drop:g})",
            steps,
            np.asarray(decay.staircase(s.lr, 0.5, per_drop, steps)),
        ),
        (
            f"warm-up {warmup} + cosine",
            steps,
            np.asarray(warmup_cosine(s.lr, warmup, total, steps)),
        ),
    )
    return ScheduleScene(curves, schedule_reading(s, curves))
