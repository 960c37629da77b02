"""What the kernels say each formula of a technique should be, and the mistakes
people make in it.

A role is one formula of a technique, known by the quantity it defines (its
left side): RMSprop's W update, Adam's first moment, a decay schedule's alpha.
Its template is the kernel's formula over the quantities (names.py), written
with {placeholders} so that it can be both computed (with the quantities) and
shown in the note's own names (the suggestion). Variants are the accepted
forms: momentum's two conventions, the four decay schedules. A mistake is a
known wrong form with the sentence that explains it; a formula that computes
the same as a mistake gets that sentence, any other disagreement a general one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Mistake:
    template: str
    #: Formatted with the note's names for the quantities ({eps}, {S}, ...).
    message: str
    variant: str = ""
    #: "halve_wd": the fix is the note's own formula with the decay strength halved.
    fix: str = ""


@dataclass(frozen=True, slots=True)
class Role:
    technique: str
    label: str
    #: The quantity the formula defines.
    target: str
    #: Variant -> the kernel's formula for the target ("" when the technique has one form).
    templates: Mapping[str, str]
    #: Who computes it that way (for "differs from ...").
    authority: str
    mistakes: tuple[Mistake, ...] = ()
    #: Variant -> an info line for a formula that agrees in that variant.
    infos: Mapping[str, str] = field(default_factory=dict)
    #: "gradient": the formula is a loss, compared through one SGD step on it.
    kind: str = "value"

    @property
    def variants(self) -> tuple[str, ...]:
        return tuple(self.templates)


TECHNIQUE_NAMES: Mapping[str, str] = {
    "ema": "EMA",
    "momentum": "Momentum",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "decay": "Learning-rate decay",
    "weight_decay": "SGD weight decay",
}

_OPTIMIZERS = "PyTorch and the course"

_SWAPPED = "{beta} and 1 - {beta} are swapped: the new value should get the weight 1 - {beta}"
_NOT_SQUARED = "{g} is not squared: the average is of the squared gradients ({g}^2)"
_T_FROM_0 = (
    "the correction uses t - 1: t counts from 1, so the first step divides by 1 - {beta}^0 = 0"
)

ROLES: tuple[Role, ...] = (
    Role(
        "ema",
        "EMA",
        "V",
        {"": "{beta} * {V_prev} + (1 - {beta}) * {theta}"},
        "the course",
        (
            Mistake("(1 - {beta}) * {V_prev} + {beta} * {theta}", _SWAPPED),
            Mistake(
                "{beta} * {V_prev} + {theta}",
                "the new value is not scaled by (1 - {beta}), so the average grows without bound",
            ),
        ),
    ),
    Role(
        "ema",
        "EMA bias correction",
        "V_hat",
        {"": "{V} / (1 - {beta}^{t})"},
        "the course",
        (
            Mistake("{V} / (1 - {beta}^({t} - 1))", _T_FROM_0),
            Mistake(
                "{V} / (1 - {beta})", "the correction divides by 1 - {beta}^{t}, not 1 - {beta}"
            ),
            Mistake(
                "{V} * (1 - {beta}^{t})", "multiplies by 1 - {beta}^{t} where it should divide"
            ),
            Mistake("{V}", "no bias correction: the early averages stay pulled towards 0"),
        ),
    ),
    Role(
        "momentum",
        "Momentum average",
        "V",
        {
            "ema": "{beta} * {V_prev} + (1 - {beta}) * {g}",
            "pytorch": "{beta} * {V_prev} + {g}",
            "velocity": "{beta} * {V_prev} - {lr} * {g}",
        },
        _OPTIMIZERS,
        (
            Mistake("(1 - {beta}) * {V_prev} + {beta} * {g}", _SWAPPED, "ema"),
            Mistake("{beta} * {V_prev} - (1 - {beta}) * {g}", "the gradient is subtracted", "ema"),
        ),
        {
            "ema": "the course's convention, {V} = {beta} * {V} + (1 - {beta}) * {g};"
            " PyTorch's SGD(momentum={beta}) keeps buf = {beta} * buf + {g}, whose steps are"
            " 1 / (1 - {beta}) times larger at the same learning rate",
            "pytorch": "PyTorch's convention (the gradient not scaled by 1 - {beta}); the course's"
            " {V} = {beta} * {V} + (1 - {beta}) * {g} takes steps 1 - {beta} times as large"
            " at the same learning rate",
            "velocity": "the velocity convention ({V} = {beta} * {V} - {lr} * {g}, then"
            " {W} = {W} + {V}): {V} is PyTorch's buffer times -{lr}, the same steps while"
            " {lr} is constant",
        },
    ),
    Role(
        "momentum",
        "Momentum update",
        "W",
        {"ema": "{W_prev} - {lr} * {V}", "velocity": "{W_prev} + {V}"},
        _OPTIMIZERS,
        (
            Mistake(
                "{W_prev} - {lr} * {g}",
                "steps along the gradient {g}, not along its average {V}",
                "ema",
            ),
            Mistake("{W_prev} + {lr} * {V}", "the step is added: descent subtracts it", "ema"),
        ),
    ),
    Role(
        "rmsprop",
        "RMSprop average",
        "S",
        {"": "{beta} * {S_prev} + (1 - {beta}) * {g}^2"},
        _OPTIMIZERS,
        (
            Mistake("{beta} * {S_prev} + (1 - {beta}) * {g}", _NOT_SQUARED),
            Mistake("(1 - {beta}) * {S_prev} + {beta} * {g}^2", _SWAPPED),
            Mistake(
                "{beta} * {S_prev} + (1 - {beta}) * {W_prev}^2",
                "averages the squared weights: it should be the squared gradients ({g}^2)",
            ),
        ),
    ),
    Role(
        "rmsprop",
        "RMSprop update",
        "W",
        {"": "{W_prev} - {lr} * {g} / (sqrt({S}) + {eps})"},
        _OPTIMIZERS,
        (
            Mistake(
                "{W_prev} - {lr} * {g} / sqrt({S}) + {eps}",
                "{eps} is added after the division; " + _OPTIMIZERS + " add it to sqrt({S})"
                " in the denominator",
            ),
            Mistake(
                "{W_prev} - {lr} * {g} / sqrt({S} + {eps})",
                "{eps} is inside the square root; " + _OPTIMIZERS + " add it to sqrt({S})",
            ),
            Mistake(
                "{W_prev} - {lr} * {g} / ({S} + {eps})",
                "divides by {S}, not by its square root sqrt({S})",
            ),
        ),
    ),
    Role(
        "adam",
        "Adam first moment",
        "V",
        {"": "{beta1} * {V_prev} + (1 - {beta1}) * {g}"},
        _OPTIMIZERS,
        (Mistake("(1 - {beta1}) * {V_prev} + {beta1} * {g}", _SWAPPED.replace("beta", "beta1")),),
    ),
    Role(
        "adam",
        "Adam second moment",
        "S",
        {"": "{beta2} * {S_prev} + (1 - {beta2}) * {g}^2"},
        _OPTIMIZERS,
        (
            Mistake("{beta2} * {S_prev} + (1 - {beta2}) * {g}", _NOT_SQUARED),
            Mistake(
                "(1 - {beta2}) * {S_prev} + {beta2} * {g}^2", _SWAPPED.replace("beta", "beta2")
            ),
        ),
    ),
    Role(
        "adam",
        "Adam bias correction",
        "V_hat",
        {"": "{V} / (1 - {beta1}^{t})"},
        _OPTIMIZERS,
        (
            Mistake("{V} / (1 - {beta1}^({t} - 1))", _T_FROM_0.replace("beta", "beta1")),
            Mistake("{V} / (1 - {beta1})", "the correction is 1 - {beta1}^{t}, not 1 - {beta1}"),
            Mistake(
                "{V} / (1 - {beta2}^{t})",
                "the first moment is corrected with {beta2}: it is {beta1}'s",
            ),
        ),
    ),
    Role(
        "adam",
        "Adam bias correction",
        "S_hat",
        {"": "{S} / (1 - {beta2}^{t})"},
        _OPTIMIZERS,
        (
            Mistake("{S} / (1 - {beta2}^({t} - 1))", _T_FROM_0.replace("beta", "beta2")),
            Mistake("{S} / (1 - {beta2})", "the correction is 1 - {beta2}^{t}, not 1 - {beta2}"),
            Mistake(
                "{S} / (1 - {beta1}^{t})",
                "the second moment is corrected with {beta1}: it is {beta2}'s",
            ),
        ),
    ),
    Role(
        "adam",
        "Adam update",
        "W",
        {"": "{W_prev} - {lr} * {V_hat} / (sqrt({S_hat}) + {eps})"},
        _OPTIMIZERS,
        (
            Mistake(
                "{W_prev} - {lr} * {V} / (sqrt({S}) + {eps})",
                "uses {V} and {S} without bias correction: the first steps are off by"
                " the factors 1 - beta1^t and sqrt(1 - beta2^t)",
            ),
            Mistake(
                "{W_prev} - {lr} * {V_hat} / sqrt({S_hat}) + {eps}",
                "{eps} is added after the division; " + _OPTIMIZERS + " add it to sqrt({S_hat})"
                " in the denominator",
            ),
            Mistake(
                "{W_prev} - {lr} * {V_hat} / sqrt({S_hat} + {eps})",
                "{eps} is inside the square root; " + _OPTIMIZERS + " add it to sqrt({S_hat})",
            ),
            Mistake(
                "{W_prev} - {lr} * {V_hat} / ({S_hat} + {eps})",
                "divides by {S_hat}, not by its square root",
            ),
        ),
    ),
    Role(
        "decay",
        "Learning-rate decay",
        "alpha",
        {
            "inverse_time": "{alpha0} / (1 + {decay_rate} * {epoch})",
            "exponential": "{base}^{epoch} * {alpha0}",
            "inverse_sqrt": "{k} / sqrt({epoch}) * {alpha0}",
            "staircase": "{alpha0} * {drop}^floor({epoch} / {epochs_per_drop})",
        },
        "the schedule",
        (
            Mistake(
                "{alpha0} / (1 + {decay_rate} * ({epoch} - 1))",
                "counts the epoch from 1 where the schedule counts from 0 (alpha = {alpha0} at"
                " {epoch} = 0)",
                "inverse_time",
            ),
            Mistake(
                "{alpha0} / (1 + {decay_rate}) * {epoch}",
                "multiplies by {epoch} instead of dividing by 1 + {decay_rate} * {epoch}",
                "inverse_time",
            ),
            Mistake(
                "{base}^({epoch} - 1) * {alpha0}",
                "the exponent is {epoch} - 1: the schedule starts at {alpha0} at {epoch} = 0",
                "exponential",
            ),
            Mistake(
                "{base}^({epoch} + 1) * {alpha0}",
                "the exponent is {epoch} + 1: the schedule starts at {alpha0} at {epoch} = 0",
                "exponential",
            ),
            Mistake(
                "{k} / {epoch} * {alpha0}",
                "divides by {epoch}, not by sqrt({epoch})",
                "inverse_sqrt",
            ),
        ),
    ),
    Role(
        "weight_decay",
        "SGD weight decay update",
        "W",
        {"": "{W_prev} - {lr} * ({g} + {wd} * {W_prev})"},
        "PyTorch",
        (
            Mistake(
                "{W_prev} - {lr} * ({g} + 2 * {wd} * {W_prev})",
                "decays by 2 * {wd} * {W}: PyTorch's weight_decay adds {wd} * {W} to the gradient",
            ),
            Mistake(
                "{W_prev} - {lr} * {g} - {wd} * {W_prev}",
                "the decay is not scaled by the learning rate: SGD subtracts {lr} * {wd} * {W}",
            ),
        ),
    ),
    Role(
        "weight_decay",
        "SGD weight decay equivalence",
        "loss",
        {"": "{data} + {wd} / 2 * sum({W_prev}^2)"},
        "PyTorch",
        (
            Mistake(
                "{data} + {wd} * sum({W_prev}^2)",
                "a penalty lambda * sum(w^2) has the gradient 2 * lambda * w, twice the"
                " weight_decay * w that optim.SGD(weight_decay=...) adds; in PyTorch"
                " weight_decay=λ equals loss + (λ / 2) * sum(w^2)",
                fix="halve_wd",
            ),
        ),
        kind="gradient",
    ),
)


def roles_for(technique: str, target: str) -> tuple[Role, ...]:
    return tuple(r for r in ROLES if r.technique == technique and r.target == target)
