"""Which picture shows a drill's computation, and the series for it.

Every number here comes from a core kernel (srs_dl.core.compute) run on the
drill's own inputs: this module only chooses the kernel and names the lines.
- ema: the average with and without bias correction, over the thetas;
- lr_decay: the learning rate over the epochs, the asked epoch marked;
- the optimizers (momentum, nesterov, rmsprop, adam, adamw): each of the
  drill's weights over its own steps, from its own w0 and gradients;
- sgd_weight_decay: each weight over the steps, with and without the decay;
- log_scale: the value as u runs from 0 to 1 (log axis), the drawn u marked;
- batchnorm: each unit's batch before and after normalisation (per example);
  batchnorm_inference: the test columns before and after the layer;
- warmup_cosine: the learning rate over the steps, the asked step marked.
Other kinds (counts, the L2 factor) are shown by their steps table alone.

Each function imports its own kernel: a drill draws one picture, and loading them
all would cost the first one about 14 ms (the optimizers module alone, 7 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from srs_dl.core.drills import Drill


@dataclass(frozen=True)
class Series:
    label: str
    x: Sequence[float]
    y: Sequence[float]
    scatter: bool = False
    marker: str = "braille"


@dataclass(frozen=True)
class Figure:
    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...]
    ylog: bool = False


def plot_for(drill: Drill) -> Figure | None:
    builder = _BUILDERS.get(drill.kind)
    if builder is None:
        return None
    try:
        return builder(drill.params)
    except (KeyError, ValueError, TypeError, IndexError):
        # A plot is a help, not the answer: a kind whose inputs do not fit is drawn without it.
        return None


def _ema(p: dict[str, Any]) -> Figure:
    from srs_dl.core.compute.ema import ema

    trace = ema(p["thetas"], p["beta"])
    t = list(range(1, len(trace.v) + 1))
    return Figure(
        f"EWA, beta = {p['beta']:g}",
        "t",
        "value",
        (
            Series("theta", t, trace.thetas.tolist(), scatter=True, marker="dot"),
            Series("V (no correction)", t, trace.v.tolist()),
            Series("V / (1 - beta^t)", t, trace.v_corrected.tolist()),
        ),
    )


_DECAY_KEYS = {
    "inverse_time": ("decay_rate",),
    "exponential": ("base",),
    "inverse_sqrt": ("k",),
    "staircase": ("drop", "epochs_per_drop"),
}


def _lr_decay(p: dict[str, Any]) -> Figure:
    from srs_dl.core.compute.decay import learning_rate, schedule_curve

    schedule = p["schedule"]
    extra = {k: p[k] for k in _DECAY_KEYS[schedule]}
    last = max(10, int(p["epoch"]) * 2)
    curve = schedule_curve(schedule, p["alpha0"], last, **extra)
    asked = float(learning_rate(schedule, p["alpha0"], p["epoch"], **extra))
    return Figure(
        f"{schedule.replace('_', ' ')} decay, alpha0 = {p['alpha0']:g}",
        "epoch",
        "learning rate",
        (
            Series("rate", curve.epochs.tolist(), curve.rates.tolist()),
            Series(f"epoch {p['epoch']}", [float(p["epoch"])], [asked], scatter=True, marker="hd"),
        ),
    )


def _trace(kind: str, p: dict[str, Any]) -> Any:
    from srs_dl.core.compute import optimizers as opt

    w0, g = p["w0"], p["grads"]
    if kind == "momentum":
        return opt.momentum(w0, g, p["lr"], p["beta"], p["convention"])
    if kind == "nesterov":
        return opt.nesterov(w0, g, p["lr"], p["beta"])
    if kind == "rmsprop":
        return opt.rmsprop(w0, g, p["lr"], p["beta"], p["eps"])
    if kind == "adamw":
        return opt.adamw(w0, g, p["lr"], p["beta1"], p["beta2"], p["eps"], p["weight_decay"])
    return opt.adam(w0, g, p["lr"], p["beta1"], p["beta2"], p["eps"])


def _weights(kind: str, p: dict[str, Any]) -> Figure:
    """The drill's own weights over its own steps (t = 0 is w0)."""
    w = _trace(kind, p).w
    steps = list(range(w.shape[0]))
    series = tuple(Series(f"w{i + 1}", steps, w[:, i].tolist()) for i in range(w.shape[1]))
    return Figure(f"{kind}: the weights over the {len(steps) - 1} steps", "t", "w_t", series)


def _batchnorm(p: dict[str, Any]) -> Figure:
    from srs_dl.core.compute.batchnorm import batchnorm_train

    tr = batchnorm_train(p["z"], p["gamma"], p["beta"], p["eps"])
    return _before_after("batch norm: each unit's batch", tr.z.tolist(), tr.out.tolist())


def _batchnorm_inference(p: dict[str, Any]) -> Figure:
    from srs_dl.core.compute.batchnorm import batchnorm_inference

    tr = batchnorm_inference(
        p["batches"], p["momentum"], p["eps"], p["gamma"], p["beta"], p["z_test"]
    )
    return _before_after("batch norm at inference: z_test", tr.z_test.tolist(), tr.out.tolist())


def _before_after(title: str, before: list[list[float]], after: list[list[float]]) -> Figure:
    """Per unit, its values before and after the layer, one point per example."""
    series: list[Series] = []
    for i, (zb, za) in enumerate(zip(before, after, strict=True)):
        xs = [float(k + 1) for k in range(len(zb))]
        series.append(Series(f"unit {i + 1} before", xs, zb, scatter=True, marker="dot"))
        series.append(Series(f"unit {i + 1} after", xs, za, scatter=True, marker="x"))
    return Figure(f"{title} before and after normalisation", "example", "value", tuple(series))


def _warmup_cosine(p: dict[str, Any]) -> Figure:
    from srs_dl.core.compute.decay import warmup_cosine

    steps = list(range(int(p["total"]) + 1))
    rates = [
        warmup_cosine(p["alpha0"], p["warmup"], p["total"], p["start_factor"], p["eta_min"], k)
        for k in steps
    ]
    asked = rates[int(p["step"])]
    return Figure(
        f"linear warm-up ({p['warmup']} steps) then cosine, alpha0 = {p['alpha0']:g}",
        "step (from 0)",
        "learning rate",
        (
            Series("rate", [float(k) for k in steps], rates),
            Series(f"step {p['step']}", [float(p["step"])], [asked], scatter=True, marker="hd"),
        ),
    )


def _weight_decay(p: dict[str, Any]) -> Figure:
    from srs_dl.core.compute.optimizers import sgd, sgd_weight_decay

    decayed = sgd_weight_decay(p["w0"], p["grads"], p["lr"], p["weight_decay"])
    plain = sgd(p["w0"], p["grads"], p["lr"])
    steps = list(range(decayed.w.shape[0]))
    series: list[Series] = []
    for i in range(min(decayed.w.shape[1], 3)):
        series.append(Series(f"w{i + 1} decayed", steps, decayed.w[:, i].tolist()))
        series.append(Series(f"w{i + 1} plain", steps, plain.w[:, i].tolist()))
    return Figure(f"SGD, weight_decay = {p['weight_decay']:g}", "step", "w", tuple(series))


def _log_scale(p: dict[str, Any]) -> Figure:
    import numpy as np

    from srs_dl.core.compute.sampling import log_scale, one_minus_log_scale

    sample = log_scale if p["target"] == "value" else one_minus_log_scale
    us = np.linspace(0.0, 1.0, 41)
    values = np.asarray(sample(p["low"], p["high"], us))
    drawn = float(sample(p["low"], p["high"], p["u"]))
    if p["target"] == "value":
        ys, y_drawn, ylabel = values, drawn, "value"
    else:
        ys, y_drawn, ylabel = 1.0 - values, 1.0 - drawn, "1 - beta"
    return Figure(
        f"log-scale sampling in [{p['low']:g}, {p['high']:g}]",
        "u",
        ylabel,
        (
            Series("sample(u)", us.tolist(), ys.tolist()),
            Series(f"u = {p['u']:.3g}", [float(p["u"])], [y_drawn], scatter=True, marker="hd"),
        ),
        ylog=True,
    )


_BUILDERS = {
    "ema": _ema,
    "lr_decay": _lr_decay,
    "momentum": lambda p: _weights("momentum", p),
    "nesterov": lambda p: _weights("nesterov", p),
    "rmsprop": lambda p: _weights("rmsprop", p),
    "adam": lambda p: _weights("adam", p),
    "adamw": lambda p: _weights("adamw", p),
    "batchnorm": _batchnorm,
    "batchnorm_inference": _batchnorm_inference,
    "warmup_cosine": _warmup_cosine,
    "sgd_weight_decay": _weight_decay,
    "log_scale": _log_scale,
}
