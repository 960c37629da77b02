"""A note's names for the kernels' quantities, per technique.

A name is first normalized: Greek letters spelled out, a previous-step marker
(`_{t-1}`, `_i-1`, `_prev`) noted and dropped, a time subscript (`_t`, `_i`)
dropped, then case, underscores and primes; a parameter suffix (`_dW`, `db`,
as in V_dW or SdW) is dropped when what remains is a known name. The tables
map what remains to a quantity; which step it means (V or V_prev) is decided
by the formula it sits in (see check.py).

Quantities: W (weights; W_prev before the step), g (gradient), lr, beta,
beta1, beta2, eps, t, V and S (first and second moment, with _prev), V_hat
and S_hat (bias-corrected), theta (EMA input), wd (weight decay), loss, data
(the data loss), alpha (a decayed learning rate), alpha0, epoch and the
schedules' decay_rate, base, k, drop, epochs_per_drop.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_GREEK = {
    "α": "alpha",
    "β": "beta",
    "ε": "epsilon",
    "η": "eta",
    "θ": "theta",
    "λ": "lambda",
    "μ": "mu",
    "ρ": "rho",
    "γ": "gamma",
}
_PREVIOUS = re.compile(r"(?:_\{(?:t|i|k|n)-1\}|_prev|_old|_last)$|^prev_|^old_", re.I)
_TIME = re.compile(r"(?:_\{?(?:t|i)\}?)$")
_PARAM_SUFFIX = re.compile(r"_?d[Wwb]$|_[Wb]$")

_W = {"w": "W", "weight": "W", "weights": "W", "param": "W", "p": "W", "b": "W", "bias": "W"}
_G = {"dw": "g", "db": "g", "g": "g", "grad": "g", "gradient": "g", "dtheta": "g", "dx": "g"}
_LR = {"alpha": "lr", "lr": "lr", "learningrate": "lr", "eta": "lr"}
_EPS = {"eps": "eps", "epsilon": "eps"}
# x and dx: CS231n's names for a parameter and its gradient.
_OPTIMIZER = {**_W, "theta": "W", "x": "W", **_G, **_LR}

TABLES: Mapping[str, Mapping[str, str]] = {
    "ema": {
        "v": "V",
        "ema": "V",
        "avg": "V",
        "theta": "theta",
        "x": "theta",
        "beta": "beta",
        "t": "t",
        "vcorrected": "V_hat",
        "vcorr": "V_hat",
        "vhat": "V_hat",
        "vbiascorrected": "V_hat",
        "vcorrection": "V_hat",
    },
    "momentum": {
        **_OPTIMIZER,
        "beta": "beta",
        "momentum": "beta",
        "mu": "beta",
        "rho": "beta",
        "v": "V",
        "buf": "V",
        "velocity": "V",
        "m": "V",
    },
    "rmsprop": {
        **_OPTIMIZER,
        **_EPS,
        "beta": "beta",
        "rho": "beta",
        "beta2": "beta",
        "s": "S",
        "v": "S",
        "squareavg": "S",
        "r": "S",
        "cache": "S",
        "decayrate": "beta",
    },
    "adam": {
        **_OPTIMIZER,
        **_EPS,
        "beta1": "beta1",
        "b1": "beta1",
        "beta2": "beta2",
        "b2": "beta2",
        "t": "t",
        "step": "t",
        "v": "V",
        "m": "V",
        "s": "S",
        "vcorrected": "V_hat",
        "vcorr": "V_hat",
        "vhat": "V_hat",
        "mhat": "V_hat",
        "mcorrected": "V_hat",
        "scorrected": "S_hat",
        "scorr": "S_hat",
        "shat": "S_hat",
    },
    "decay": {
        "alpha": "alpha",
        "lr": "alpha",
        "learningrate": "alpha",
        "eta": "alpha",
        "alpha0": "alpha0",
        "lr0": "alpha0",
        "eta0": "alpha0",
        "initiallr": "alpha0",
        "baselr": "alpha0",
        "alphazero": "alpha0",
        "epoch": "epoch",
        "epochnumber": "epoch",
        "epochnum": "epoch",
        "epochnr": "epoch",
        "t": "epoch",
    },
    "weight_decay": {
        **_OPTIMIZER,
        "weightdecay": "wd",
        "wd": "wd",
        "lambda": "wd",
        "lambd": "wd",
        "lam": "wd",
        "lambdal2": "wd",
        "l2lambda": "wd",
        "lambdareg": "wd",
        "loss": "loss",
        "totalloss": "loss",
        "cost": "loss",
        "j": "loss",
    },
}

#: Each decay schedule's own parameters (the schedule is a variant of "decay").
SCHEDULE_NAMES: Mapping[str, Mapping[str, str]] = {
    "inverse_time": {"decayrate": "decay_rate", "decay": "decay_rate"},
    "exponential": {"base": "base", "gamma": "base", "decayrate": "base"},
    "inverse_sqrt": {"k": "k"},
    "staircase": {
        "drop": "drop",
        "gamma": "drop",
        "factor": "drop",
        "epochsperdrop": "epochs_per_drop",
        "stepsize": "epochs_per_drop",
        "dropevery": "epochs_per_drop",
    },
}

#: Calls that stand for the data loss in a regularized loss.
DATA_LOSS_CALLS = frozenset(
    {
        "criterion",
        "lossfn",
        "lossfunction",
        "lossfunc",
        "crossentropy",
        "mseloss",
        "fcrossentropy",
        "fmseloss",
        "nnfunctionalcrossentropy",
        "nnfunctionalmseloss",
    }
)
#: Functions the evaluator knows, with the module prefixes people write them with.
FUNCTIONS = frozenset({"sqrt", "exp", "log", "abs", "floor", "sum", "pow", "square", "mean"})
_MODULES = re.compile(r"^(?:np|numpy|torch|math|tf|jnp)\.")
#: Quantities that have a value before the step (a recurrence reads it).
STATEFUL = frozenset({"W", "V", "S"})

#: What a quantity is called when the note never names it (the course's names).
DEFAULT_NAMES: Mapping[str, str] = {
    "W": "W",
    "W_prev": "W",
    "g": "dW",
    "lr": "alpha",
    "beta": "beta",
    "beta1": "beta1",
    "beta2": "beta2",
    "eps": "epsilon",
    "t": "t",
    "V": "V_dW",
    "V_prev": "V_dW",
    "S": "S_dW",
    "S_prev": "S_dW",
    "V_hat": "V_corrected",
    "S_hat": "S_corrected",
    "theta": "theta_t",
    "wd": "weight_decay",
    "loss": "loss",
    "data": "loss",
    "alpha": "alpha",
    "alpha0": "alpha0",
    "epoch": "epoch",
    "decay_rate": "decay_rate",
    "base": "base",
    "k": "k",
    "drop": "drop",
    "epochs_per_drop": "epochs_per_drop",
}


_PAPER_V = {"v": "S", "vhat": "S_hat", "vcorrected": "S_hat", "vcorr": "S_hat"}


@dataclass(frozen=True, slots=True)
class Bound:
    """A name read as a quantity; `previous` when written as the value before the step."""

    quantity: str
    previous: bool


def function_name(func: str) -> str:
    """`np.sqrt` -> `sqrt`; other dotted names are kept (`optim.SGD`)."""
    return _MODULES.sub("", func)


def compact(name: str) -> str:
    """Lowercase, no underscores, dots or primes: 'F.cross_entropy' -> 'fcrossentropy'."""
    return re.sub(r"[_.'{}]", "", name).lower()


def bind_name(
    name: str,
    technique: str,
    variant: str = "",
    *,
    first_moment_is_m: bool = False,
) -> Bound | None:
    """The quantity `name` stands for in `technique`, None when it is not one."""
    for greek, latin in _GREEK.items():
        name = name.replace(greek, latin)
    previous = bool(_PREVIOUS.search(name))
    if previous:
        name = _PREVIOUS.sub("", name)
    name = _TIME.sub("", name)
    table: dict[str, str] = dict(TABLES.get(technique, {}))
    if technique == "decay" and variant:
        table.update(SCHEDULE_NAMES.get(variant, {}))
    key = compact(name)
    quantity = table.get(key)
    if technique == "adam" and first_moment_is_m and key in _PAPER_V:
        # Adam's paper: m and v are the first and second moments (V_dW stays the
        # course's first moment: only the bare v is the paper's).
        quantity = _PAPER_V[key]
    if quantity is None:
        stripped = compact(_PARAM_SUFFIX.sub("", name))
        if stripped and stripped != key:
            found = table.get(stripped)
            # dW is the gradient, but V_dW is V: a suffix only qualifies a state.
            if found is not None and found not in ("g", "W"):
                quantity = found
    if quantity is None:
        return None
    return Bound(quantity, previous)


def uses_m(names: list[str]) -> bool:
    """Whether a block writes Adam's moments as m and v (the paper's names)."""
    return any(re.fullmatch(r"m(?:_?t|_\{t\}|_?hat|hat)?", n) for n in names)
