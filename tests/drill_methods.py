"""The drill methods written for the mistake tests, one kind at a time and apart
from the generator's code: the right method (RIGHT) and every common mistake
(MISTAKES) of each kind, from the formulas (numpy for the optimizers, one weight
vector at a time)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

P = dict[str, Any]

# --- the optimizers, one weight vector at a time (numpy, written for these tests) ---


def run_optimizer(
    p: P,
    update: Callable[[np.ndarray, np.ndarray, int, dict], np.ndarray],
    steps: int | None = None,
) -> list[float]:
    w = np.array(p["w0"], dtype=float)
    state: dict = {}
    grads = np.array(p["grads"], dtype=float)
    for t, g in enumerate(grads[: steps if steps is not None else len(grads)], start=1):
        w = w - update(w, g, t, state)
    return w.tolist()


def momentum_update(
    lr: float, beta: float, first: float, damp: float, old: float, corrected: bool = False
):
    def update(w: np.ndarray, g: np.ndarray, t: int, st: dict) -> np.ndarray:
        st["v"] = first * g if t == 1 else old * st["v"] + damp * g
        v = st["v"] / (1 - beta**t) if corrected else st["v"]
        return lr * v

    return update


def momentum_right(p: P, steps: int | None = None) -> list[float]:
    b = p["beta"]
    if p["convention"] == "ema":
        return run_optimizer(p, momentum_update(p["lr"], b, 1 - b, 1 - b, b), steps)
    if p["convention"] == "pytorch_dampened":
        # torch.optim.SGD(momentum=b, dampening=b): no dampening on the first step.
        return run_optimizer(p, momentum_update(p["lr"], b, 1.0, 1 - b, b), steps)
    return run_optimizer(p, momentum_update(p["lr"], b, 1.0, 1.0, b), steps)


def momentum_mistakes(p: P) -> dict[str, Any]:
    lr, b = p["lr"], p["beta"]
    out = {
        "starting_weights": p["w0"],
        "plain_sgd": run_optimizer(p, lambda w, g, t, st: lr * g),
        "one_step_fewer": momentum_right(p, len(p["grads"]) - 1),
    }
    if p["convention"] == "ema":
        out["first_step_g"] = run_optimizer(p, momentum_update(lr, b, 1.0, 1 - b, b))
        out["other_convention"] = run_optimizer(p, momentum_update(lr, b, 1.0, 1.0, b))
        out["beta_swapped"] = run_optimizer(p, momentum_update(lr, b, b, b, 1 - b))
        out["bias_corrected"] = run_optimizer(p, momentum_update(lr, b, 1 - b, 1 - b, b, True))
    elif p["convention"] == "pytorch_dampened":
        out["dampened_first_step"] = run_optimizer(p, momentum_update(lr, b, 1 - b, 1 - b, b))
        out["no_dampening"] = run_optimizer(p, momentum_update(lr, b, 1.0, 1.0, b))
    else:
        out["other_convention"] = run_optimizer(p, momentum_update(lr, b, 1 - b, 1 - b, b))
    return out


def rmsprop_update(
    p: P,
    *,
    eps_at: str = "after",
    of_weights: bool = False,
    root: bool = True,
    corrected: bool = False,
    swapped: bool = False,
):
    lr, beta, eps = p["lr"], p["beta"], p["eps"]

    def update(w: np.ndarray, g: np.ndarray, t: int, st: dict) -> np.ndarray:
        x = w if of_weights else g
        old, new = (1 - beta, beta) if swapped else (beta, 1 - beta)
        st["s"] = old * st.get("s", 0.0) + new * x**2
        s = st["s"] / (1 - beta**t) if corrected else st["s"]
        if eps_at == "inside":
            return lr * g / np.sqrt(s + eps)
        d = np.sqrt(s) if root else s
        if eps_at == "after":
            return lr * g / (d + eps)
        if eps_at == "outside":
            return lr * g / d - eps  # w - lr g / sqrt(S) + eps
        return lr * g / d

    return update


def rmsprop_mistakes(p: P) -> dict[str, Any]:
    return {
        "starting_weights": p["w0"],
        "eps_inside_root": run_optimizer(p, rmsprop_update(p, eps_at="inside")),
        "eps_ignored": run_optimizer(p, rmsprop_update(p, eps_at="none")),
        "eps_outside_division": run_optimizer(p, rmsprop_update(p, eps_at="outside")),
        "squared_weights": run_optimizer(p, rmsprop_update(p, of_weights=True)),
        "no_root": run_optimizer(p, rmsprop_update(p, root=False)),
        "bias_corrected": run_optimizer(p, rmsprop_update(p, corrected=True)),
        "beta_swapped": run_optimizer(p, rmsprop_update(p, swapped=True)),
        "one_step_fewer": run_optimizer(p, rmsprop_update(p), len(p["grads"]) - 1),
    }


def adam_update(p: P, *, corrected: bool = True, shift: int = 0, eps_at: str = "after"):
    lr, b1, b2, eps = p["lr"], p["beta1"], p["beta2"], p["eps"]

    def update(w: np.ndarray, g: np.ndarray, t: int, st: dict) -> np.ndarray:
        st["v"] = b1 * st.get("v", 0.0) + (1 - b1) * g
        st["s"] = b2 * st.get("s", 0.0) + (1 - b2) * g * g
        v, s = st["v"], st["s"]
        if corrected:
            v, s = v / (1 - b1 ** (t + shift)), s / (1 - b2 ** (t + shift))
        if eps_at == "inside":
            return lr * v / np.sqrt(s + eps)
        return lr * v / (np.sqrt(s) + (eps if eps_at == "after" else 0.0))

    return update


def adam_mistakes(p: P) -> dict[str, Any]:
    return {
        "starting_weights": p["w0"],
        "no_bias_correction": run_optimizer(p, adam_update(p, corrected=False)),
        "t_off_by_one": run_optimizer(p, adam_update(p, shift=1)),
        "eps_inside_root": run_optimizer(p, adam_update(p, eps_at="inside")),
        "eps_ignored": run_optimizer(p, adam_update(p, eps_at="none")),
        "one_step_fewer": run_optimizer(p, adam_update(p), len(p["grads"]) - 1),
    }


def wd_update(lr: float, decay: float):
    return lambda w, g, t, st: lr * (g + decay * w)


def sgd_wd_mistakes(p: P) -> dict[str, Any]:
    lr, wd = p["lr"], p["weight_decay"]
    return {
        "starting_weights": p["w0"],
        "weight_decay_doubled": run_optimizer(p, wd_update(lr, 2 * wd)),
        "no_weight_decay": run_optimizer(p, wd_update(lr, 0.0)),
        "one_step_fewer": run_optimizer(p, wd_update(lr, wd), len(p["grads"]) - 1),
    }


# --- the other kinds ---------------------------------------------------------------


def ema_values(thetas: list[float], beta: float, start_first: bool = False) -> float:
    v = thetas[0] if start_first else 0.0
    for th in thetas[1:] if start_first else thetas:
        v = beta * v + (1 - beta) * th
    return v


def ema_right(p: P) -> float:
    v = ema_values(p["thetas"], p["beta"])
    return v / (1 - p["beta"] ** len(p["thetas"])) if p["bias_correction"] else v


def ema_mistakes(p: P) -> dict[str, Any]:
    th, b, big_t = p["thetas"], p["beta"], len(p["thetas"])
    v = ema_values(th, b)
    swapped = ema_values(th, 1 - b)
    out: dict[str, Any] = {"last_theta": th[-1]}
    if p["bias_correction"]:
        out |= {
            "no_bias_correction": v,
            "t_off_by_one": v / (1 - b ** (big_t + 1)),
            "t_off_by_one_early": v / (1 - b ** (big_t - 1)),
            "beta_swapped": swapped / (1 - b**big_t),
            "plain_mean": sum(th) / big_t,
        }
    else:
        out |= {
            "bias_corrected": v / (1 - b**big_t),
            "beta_swapped": swapped,
            "started_at_theta_1": ema_values(th, b, start_first=True),
        }
    return out


def minibatch_right(p: P) -> int:
    return p["epochs"] * math.ceil(p["m"] / p["batch_size"])


def minibatch_mistakes(p: P) -> dict[str, Any]:
    m, bs, e = p["m"], p["batch_size"], p["epochs"]
    return {
        "floor_for_ceil": e * math.floor(m / bs),
        "no_epochs": math.ceil(m / bs),
        "epochs_merged": math.ceil(e * m / bs),
    }


def lr_at(
    p: P, epoch: float, *, rounding: Callable[[float], int] = math.floor, sqrt: bool = True
) -> float:
    a0, s = p["alpha0"], p["schedule"]
    if s == "inverse_time":
        return a0 / (1 + p["decay_rate"] * epoch)
    if s == "exponential":
        return p["base"] ** epoch * a0
    if s == "inverse_sqrt":
        return p["k"] / (math.sqrt(epoch) if sqrt else epoch) * a0
    return a0 * p["drop"] ** rounding(epoch / p["epochs_per_drop"])


def lr_decay_mistakes(p: P) -> dict[str, Any]:
    e, s = p["epoch"], p["schedule"]
    out: dict[str, Any] = {"no_decay": p["alpha0"]}
    if s != "staircase":
        out |= {"epoch_plus_one": lr_at(p, e + 1), "epoch_minus_one": lr_at(p, e - 1)}
    if s == "inverse_time":
        out["missing_one"] = p["alpha0"] / (p["decay_rate"] * e)
    if s == "inverse_sqrt":
        out["no_root"] = lr_at(p, e, sqrt=False)
    if s == "staircase":
        out |= {
            "ceil_for_floor": lr_at(p, e, rounding=math.ceil),
            "drop_every_epoch": p["alpha0"] * p["drop"] ** e,
        }
    return out


def log_right(p: P) -> float:
    lo, hi, u = p["low"], p["high"], p["u"]
    if p["target"] == "value":
        return math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
    return 1 - math.exp(math.log(1 - hi) + u * (math.log(1 - lo) - math.log(1 - hi)))


def log_scale_mistakes(p: P) -> dict[str, Any]:
    lo, hi, u = p["low"], p["high"], p["u"]
    if p["target"] == "value":
        return {
            "sampled_linearly": lo + u * (hi - lo),
            "reversed": math.exp(math.log(hi) + u * (math.log(lo) - math.log(hi))),
        }
    return {
        "beta_sampled_linearly": lo + u * (hi - lo),
        "beta_sampled_linearly_from_high": hi - u * (hi - lo),
        "log_scale_on_beta": math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))),
        "forgot_one_minus": 1 - log_right(p),
        "reversed": 1 - math.exp(math.log(1 - lo) + u * (math.log(1 - hi) - math.log(1 - lo))),
    }


def bn(
    z: np.ndarray,
    gamma: Any,
    beta: Any,
    eps: float,
    *,
    ddof: int = 0,
    eps_at: str = "inside",
    axis: int = 1,
) -> np.ndarray:
    mean = z.mean(axis=axis, keepdims=True)
    var = z.var(axis=axis, ddof=ddof, keepdims=True)
    denom = {"inside": np.sqrt(var + eps), "outside": np.sqrt(var) + eps, "none": np.sqrt(var)}[
        eps_at
    ]
    with np.errstate(divide="ignore", invalid="ignore"):
        zn = (z - mean) / denom
    return np.asarray(gamma)[:, None] * zn + np.asarray(beta)[:, None]


def batchnorm_right(p: P) -> list[list[float]]:
    return bn(np.array(p["z"]), p["gamma"], p["beta"], p["eps"]).tolist()


def batchnorm_mistakes(p: P) -> dict[str, Any]:
    z, g, b, eps = np.array(p["z"]), p["gamma"], p["beta"], p["eps"]
    n = len(g)
    return {
        "starting_values": p["z"],
        "unbiased_variance": bn(z, g, b, eps, ddof=1).tolist(),
        "eps_outside_root": bn(z, g, b, eps, eps_at="outside").tolist(),
        "eps_ignored": bn(z, g, b, eps, eps_at="none").tolist(),
        "wrong_axis": bn(z, g, b, eps, axis=0).tolist(),
        "gamma_beta_swapped": bn(z, b, g, eps).tolist(),
        "no_scale_shift": bn(z, [1.0] * n, [0.0] * n, eps).tolist(),
    }


def bn_eval(p: P, mean: np.ndarray, var: np.ndarray) -> list[list[float]]:
    zt = np.array(p["z_test"])
    zn = (zt - mean[:, None]) / np.sqrt(var[:, None] + p["eps"])
    return (np.array(p["gamma"])[:, None] * zn + np.array(p["beta"])[:, None]).tolist()


def running(
    p: P,
    *,
    old: float | None = None,
    ddof: int = 1,
    start: tuple | None = None,
    batches: list | None = None,
):
    n = len(p["z_test"])
    mean, var = start if start is not None else (np.zeros(n), np.ones(n))
    mom = p["momentum"]
    keep = 1 - mom if old is None else old
    for batch in p["batches"] if batches is None else batches:
        a = np.array(batch)
        mean = keep * mean + (1 - keep) * a.mean(axis=1)
        var = keep * var + (1 - keep) * a.var(axis=1, ddof=ddof)
    return mean, var


def bn_inference_right(p: P) -> list[list[float]]:
    return bn_eval(p, *running(p))


def bn_inference_mistakes(p: P) -> dict[str, Any]:
    n = len(p["z_test"])
    arrays = [np.array(b) for b in p["batches"]]
    last, test = arrays[-1], np.array(p["z_test"])
    first = arrays[0]
    return {
        "momentum_meaning": bn_eval(p, *running(p, old=p["momentum"])),
        "biased_running_var": bn_eval(p, *running(p, ddof=0)),
        "no_running_update": bn_eval(p, np.zeros(n), np.ones(n)),
        "last_batch_stats": bn_eval(p, last.mean(axis=1), last.var(axis=1)),
        "test_batch_stats": bn_eval(p, test.mean(axis=1), test.var(axis=1)),
        "plain_average": bn_eval(
            p,
            np.mean([a.mean(axis=1) for a in arrays], axis=0),
            np.mean([a.var(axis=1, ddof=1) for a in arrays], axis=0),
        ),
        "started_from_first_batch": bn_eval(
            p,
            *running(
                p, start=(first.mean(axis=1), first.var(axis=1, ddof=1)), batches=p["batches"][1:]
            ),
        ),
    }


# --- issue 16's kinds ------------------------------------------------------------------


def adamw_update(p: P, *, decay: float | None = None, l2: float = 0.0, corrected: bool = True):
    shrink = p["lr"] * p["weight_decay"] if decay is None else decay
    inner = adam_update(p, corrected=corrected)

    def update(w: np.ndarray, g: np.ndarray, t: int, st: dict) -> np.ndarray:
        return shrink * w + inner(w, g + l2 * w, t, st)

    return update


def adamw_mistakes(p: P) -> dict[str, Any]:
    wd = p["weight_decay"]
    return {
        "starting_weights": p["w0"],
        "l2_through_moments": run_optimizer(p, adamw_update(p, decay=0.0, l2=wd)),
        "decay_without_lr": run_optimizer(p, adamw_update(p, decay=wd)),
        "no_weight_decay": run_optimizer(p, adamw_update(p, decay=0.0)),
        "no_bias_correction": run_optimizer(p, adamw_update(p, corrected=False)),
        "one_step_fewer": run_optimizer(p, adamw_update(p), len(p["grads"]) - 1),
    }


def nesterov_update(p: P, *, step_of: str = "nesterov", damp: float = 1.0):
    lr, b = p["lr"], p["beta"]

    def update(w: np.ndarray, g: np.ndarray, t: int, st: dict) -> np.ndarray:
        st["b"] = damp * g if t == 1 else b * st["b"] + damp * g
        return (
            lr
            * {
                "nesterov": g + b * st["b"],
                "buffer": st["b"],
                "look_ahead": b * st["b"],
                "sgd": g,
            }[step_of]
        )

    return update


def nesterov_mistakes(p: P) -> dict[str, Any]:
    return {
        "starting_weights": p["w0"],
        "plain_momentum": run_optimizer(p, nesterov_update(p, step_of="buffer")),
        "look_ahead_only": run_optimizer(p, nesterov_update(p, step_of="look_ahead")),
        "course_buffer": run_optimizer(p, nesterov_update(p, damp=1 - p["beta"])),
        "plain_sgd": run_optimizer(p, nesterov_update(p, step_of="sgd")),
        "one_step_fewer": run_optimizer(p, nesterov_update(p), len(p["grads"]) - 1),
    }


def warmup_cosine_at(p: P, step: int, *, origin=None, span=None, eta=None, half=0.5, sf=None):
    a0, warm, total = p["alpha0"], p["warmup"], p["total"]
    sf = p["start_factor"] if sf is None else sf
    eta = p["eta_min"] if eta is None else eta
    if step < warm:
        return a0 * (sf + (1 - sf) * step / warm)
    k = step - (warm if origin is None else origin)
    return eta + (a0 - eta) * (1 + math.cos(math.pi * k / (span or total - warm))) * half


def warmup_cosine_mistakes(p: P) -> dict[str, Any]:
    s = p["step"]
    out: dict[str, Any] = {
        "no_schedule": p["alpha0"],
        "step_from_one": warmup_cosine_at(p, s + 1),
        "step_minus_one": warmup_cosine_at(p, s - 1),
    }
    if s < p["warmup"]:
        out["ramp_from_zero"] = warmup_cosine_at(p, s, sf=0.0)
    else:
        out |= {
            "cosine_from_zero": warmup_cosine_at(p, s, origin=0),
            "t_max_total": warmup_cosine_at(p, s, span=p["total"]),
            "no_eta_min": warmup_cosine_at(p, s, eta=0.0),
            "no_half": warmup_cosine_at(p, s, half=1.0),
        }
    return out


def fold(p: P, *, eps=None, root=True, centre=True, shift=True, scale_w=True, scale_b=True):
    w, b = np.array(p["w"], dtype=float), np.array(p["b"], dtype=float)
    v = np.array(p["var"]) + (p["eps"] if eps is None else eps)
    scale = np.array(p["gamma"]) / (np.sqrt(v) if root else v)
    ww = w * scale[:, None] if scale_w else w
    bb = b - np.array(p["mean"]) if centre else b
    bb = scale * bb if scale_b else bb
    bb = bb + np.array(p["beta"]) if shift else bb
    return np.column_stack([ww, bb]).tolist()


def bn_fold_mistakes(p: P) -> dict[str, Any]:
    return {
        "unchanged": np.column_stack([np.array(p["w"]), np.array(p["b"])]).tolist(),
        "eps_ignored": fold(p, eps=0.0),
        "variance_not_std": fold(p, root=False),
        "mean_forgotten": fold(p, centre=False),
        "beta_forgotten": fold(p, shift=False),
        "weights_unscaled": fold(p, scale_w=False),
        "bias_unscaled": fold(p, scale_b=False),
    }


def clip(p: P) -> list[list[float]]:
    g = np.array(p["grads"], dtype=float)
    return (g * min(1.0, p["max_norm"] / (np.linalg.norm(g) + 1e-6))).tolist()


def grad_clip_mistakes(p: P) -> dict[str, Any]:
    g, mx = np.array(p["grads"], dtype=float), p["max_norm"]
    total = np.linalg.norm(g)
    own = np.linalg.norm(g, axis=1, keepdims=True)
    return {
        "no_clipping": g.tolist(),
        "per_tensor": (g * np.minimum(1.0, mx / (own + 1e-6))).tolist(),
        "by_value": np.clip(g, -mx, mx).tolist(),
        "unit_norm": (g / total).tolist(),
        "squared_norm": (g * min(1.0, mx / total**2)).tolist(),
    }


RIGHT: dict[str, Callable[[P], Any]] = {
    "minibatch": minibatch_right,
    "ema": ema_right,
    "momentum": momentum_right,
    "rmsprop": lambda p: run_optimizer(p, rmsprop_update(p)),
    "adam": lambda p: run_optimizer(p, adam_update(p)),
    "sgd_weight_decay": lambda p: run_optimizer(p, wd_update(p["lr"], p["weight_decay"])),
    "l2_equivalent": lambda p: p["weight_decay"] / 2,
    "lr_decay": lambda p: lr_at(p, p["epoch"]),
    "log_scale": log_right,
    "batchnorm": batchnorm_right,
    "batchnorm_inference": bn_inference_right,
    "adamw": lambda p: run_optimizer(p, adamw_update(p)),
    "nesterov": lambda p: run_optimizer(p, nesterov_update(p)),
    "warmup_cosine": lambda p: warmup_cosine_at(p, p["step"]),
    "bn_fold": fold,
    "grad_clip": clip,
}

MISTAKES: dict[str, Callable[[P], dict[str, Any]]] = {
    "minibatch": minibatch_mistakes,
    "ema": ema_mistakes,
    "momentum": momentum_mistakes,
    "rmsprop": rmsprop_mistakes,
    "adam": adam_mistakes,
    "sgd_weight_decay": sgd_wd_mistakes,
    "l2_equivalent": lambda p: {
        "same_as_weight_decay": p["weight_decay"],
        "weight_decay_doubled": 2 * p["weight_decay"],
    },
    "lr_decay": lr_decay_mistakes,
    "log_scale": log_scale_mistakes,
    "batchnorm": batchnorm_mistakes,
    "batchnorm_inference": bn_inference_mistakes,
    "adamw": adamw_mistakes,
    "nesterov": nesterov_mistakes,
    "warmup_cosine": warmup_cosine_mistakes,
    "bn_fold": bn_fold_mistakes,
    "grad_clip": grad_clip_mistakes,
}

# The contract's list of common mistakes, as named above, and where each is tested.
