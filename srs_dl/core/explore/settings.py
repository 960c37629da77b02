"""The explorer's hyperparameters, and the one step a key takes on each.

Multiplicative steps for the scale-free ones (lr, eps, the condition number),
steps of 1 - beta on a log scale for the betas (0.9 -> 0.95 -> 0.975 ...,
as sampling 1 - beta on a log scale does), fixed steps for the others.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass

from srs_dl.core.compute.surfaces import SURFACES

PANELS: tuple[str, ...] = ("surface", "ema", "schedules")


@dataclass(frozen=True, slots=True)
class ExplorerSettings:
    surface: str = "quadratic"
    panel: str = "surface"
    lr: float = 0.03
    #: Momentum's and RMSprop's beta, Adam's beta1 (and the EMA panel's beta).
    beta: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    steps: int = 60
    condition: float = 10.0
    start_x: float = -1.5
    start_y: float = 0.6

    @property
    def start(self) -> tuple[float, float]:
        return (self.start_x, self.start_y)


#: The settings a key changes, in the order the panel lists them.
PARAMS: tuple[str, ...] = (
    "lr",
    "beta",
    "beta2",
    "eps",
    "steps",
    "condition",
    "start_x",
    "start_y",
)
LABELS: Mapping[str, str] = {
    "lr": "lr",
    "beta": "beta / beta1",
    "beta2": "beta2",
    "eps": "eps",
    "steps": "steps",
    "condition": "condition",
    "start_x": "start x",
    "start_y": "start y",
}

#: Per surface: the settings it starts with (Rosenbrock's gradients are ~100x larger).
SURFACE_DEFAULTS: Mapping[str, Mapping[str, float]] = {
    "quadratic": {"lr": 0.03, "steps": 60, "start_x": -1.5, "start_y": 0.6},
    "rosenbrock": {"lr": 0.001, "steps": 300, "start_x": -1.5, "start_y": 2.0},
}


def _beta_step(beta: float, direction: int, top: float) -> float:
    gap = max(1.0 - beta, 1e-4)
    gap = gap / 2.0 if direction > 0 else gap * 2.0
    return round(min(top, max(0.0, 1.0 - gap)), 6)


def adjust(settings: ExplorerSettings, param: str, direction: int) -> ExplorerSettings:
    """The settings with `param` one step up (direction 1) or down (-1)."""
    if param not in PARAMS:
        raise ValueError(f"unknown setting {param!r}; known: {', '.join(PARAMS)}")
    up = direction > 0
    value = getattr(settings, param)
    if param in ("lr", "eps"):
        factor = 1.25 if param == "lr" else 10.0
        new: float | int = value * factor if up else value / factor
        new = float(f"{new:.3g}")
        new = min(new, 10.0) if param == "lr" else min(max(new, 1e-12), 1.0)
    elif param == "condition":
        new = (
            min(1000.0, float(f"{value * 1.5:.3g}"))
            if up
            else max(1.0, float(f"{value / 1.5:.3g}"))
        )
    elif param == "beta":
        new = _beta_step(value, direction, 0.999)
    elif param == "beta2":
        new = _beta_step(value, direction, 0.9999)
    elif param == "steps":
        delta = 10 if value < 100 else 50
        new = min(2000, value + delta) if up else max(1, value - delta)
    else:
        new = round(value + (0.1 if up else -0.1), 6)
        new = max(-5.0, min(5.0, new))
    return dataclasses.replace(settings, **{param: new})  # type: ignore[arg-type]


def with_surface(settings: ExplorerSettings, surface: str) -> ExplorerSettings:
    if surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r}; known: {', '.join(SURFACES)}")
    return dataclasses.replace(settings, surface=surface, **SURFACE_DEFAULTS[surface])  # type: ignore[arg-type]


def next_panel(settings: ExplorerSettings) -> ExplorerSettings:
    i = PANELS.index(settings.panel)
    return dataclasses.replace(settings, panel=PANELS[(i + 1) % len(PANELS)])


def show(settings: ExplorerSettings, param: str) -> str:
    value = getattr(settings, param)
    if param == "steps":
        return str(value)
    if param == "eps":
        return f"{value:.0e}"
    return f"{value:g}"


def from_drill(kind: str, params: Mapping[str, object]) -> ExplorerSettings:
    """The explorer set up with a drill's inputs (its lr and betas; EMA drills
    open the EMA panel, decay drills the schedules)."""
    s = ExplorerSettings()
    changes: dict[str, object] = {}

    def number(key: str) -> float | None:
        v = params.get(key)
        return float(v) if isinstance(v, int | float) and math.isfinite(float(v)) else None

    for key, field in (("lr", "lr"), ("alpha0", "lr"), ("eps", "eps"), ("beta2", "beta2")):
        v = number(key)
        if v is not None and v > 0:
            changes[field] = v
    for key in ("beta", "beta1"):
        v = number(key)
        if v is not None and 0 <= v < 1:
            changes["beta"] = v
    if kind == "ema":
        changes["panel"] = "ema"
    elif kind in ("lr_decay", "inverse_time", "exponential", "inverse_sqrt", "staircase"):
        changes["panel"] = "schedules"
    return dataclasses.replace(s, **changes)  # type: ignore[arg-type]


#: What `srs-dl explore KIND` accepts: a surface, a panel, or a drill kind.
KINDS: tuple[str, ...] = (
    *SURFACES,
    "ema",
    "schedules",
    "sgd",
    "momentum",
    "rmsprop",
    "adam",
    "lr_decay",
)


def for_kind(kind: str) -> ExplorerSettings:
    """The explorer opened on `kind` (ValueError for a kind it does not know)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
    if kind in SURFACES:
        return with_surface(ExplorerSettings(), kind)
    if kind == "ema":
        return dataclasses.replace(ExplorerSettings(), panel="ema")
    if kind in ("schedules", "lr_decay"):
        return dataclasses.replace(ExplorerSettings(), panel="schedules")
    return ExplorerSettings()
