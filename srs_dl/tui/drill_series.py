"""Which picture shows a drill's computation, and the series for it.

Every number here comes from a core kernel (srs_dl.core.compute) run on the
drill's own inputs: this module only chooses the kernel and names the lines.
- ema: the average with and without bias correction, over the thetas;
- lr_decay: the learning rate over the epochs, the asked epoch marked;
- momentum / rmsprop / adam: the optimizer's path on a 2-D quadratic bowl with
  the drill's betas, beside plain SGD's zig-zag;
- sgd_weight_decay: each weight over the steps, with and without the decay;
- log_scale: the value as u runs from 0 to 1 (log axis), the drawn u marked.
Other kinds (counts, batch norm) are shown by their steps table alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


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


def plot_for(drill: Any) -> Figure | None:
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


def _path(optimizer: str, p: dict[str, Any]) -> Figure:
    from srs_dl.core.compute.paths import quadratic_path

    hyper: dict[str, Any] = {}
    if optimizer == "momentum":
        hyper = {"beta": p["beta"], "convention": p.get("convention", "pytorch")}
    elif optimizer == "rmsprop":
        hyper = {"beta": p["beta"]}
    elif optimizer == "adam":
        hyper = {"beta1": p["beta1"], "beta2": p["beta2"]}
    path = quadratic_path(optimizer, **hyper)
    plain = quadratic_path("sgd")
    return Figure(
        f"{optimizer} vs SGD on f(w) = (w1² + 10 w2²) / 2",
        "w1",
        "w2",
        (
            Series("sgd", plain.w[:, 0].tolist(), plain.w[:, 1].tolist()),
            Series(optimizer, path.w[:, 0].tolist(), path.w[:, 1].tolist()),
            Series("minimum", [0.0], [0.0], scatter=True, marker="x"),
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
    "momentum": lambda p: _path("momentum", p),
    "rmsprop": lambda p: _path("rmsprop", p),
    "adam": lambda p: _path("adam", p),
    "sgd_weight_decay": _weight_decay,
    "log_scale": _log_scale,
}
