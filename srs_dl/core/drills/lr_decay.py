"""Drill: the learning rate at an epoch under one of the four decay schedules.

Mistakes kept outside the tolerance: the epoch off by one either way
(inverse_time, exponential, inverse_sqrt); the undecayed alpha0 (all);
alpha0 / (decay_rate epoch), the "1 +" forgotten (inverse_time); no square
root (inverse_sqrt); ceil for floor and a drop every epoch (staircase).
Not separable: the epoch off by one in the staircase schedule, which is
constant between drops (that is its point), so a neighbouring epoch usually
gives the same rate; forcing a boundary epoch would make ceil and floor agree.
"""

from __future__ import annotations

import math

from srs_dl.core.compute.decay import SCHEDULE_PARAMS, SCHEDULES, learning_rate
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Rounder, Solution, StepsTable
from srs_dl.core.drills.formatting import num, val

FORMULAS = {
    "inverse_time": "alpha = alpha0 / (1 + decay_rate * epoch)",
    "exponential": "alpha = base^epoch * alpha0",
    "inverse_sqrt": "alpha = k / sqrt(epoch) * alpha0",
    "staircase": "alpha = alpha0 * drop^floor(epoch / epochs_per_drop)",
}
NAMES = {
    "inverse_time": "Inverse-time decay",
    "exponential": "Exponential decay",
    "inverse_sqrt": "Decay with k / sqrt(epoch)",
    "staircase": "Staircase (step) decay",
}


def _schedule_params(p: Params) -> dict[str, float]:
    return {name: p[name] for name in SCHEDULE_PARAMS[p["schedule"]]}


def _rate(p: Params, epoch: float) -> float:
    return float(learning_rate(p["schedule"], p["alpha0"], epoch, **_schedule_params(p)))


def candidate(d: Draws) -> Params | None:
    schedule = d.choice(SCHEDULES)
    p: Params = {"schedule": schedule, "alpha0": round_sig(d.log_uniform(1e-3, 0.1), 1)}
    if schedule == "inverse_time":
        p["decay_rate"] = round_sig(d.log_uniform(0.01, 1.0), 1)
        p["epoch"] = d.integer(1, 30)
    elif schedule == "exponential":
        p["base"] = round(d.uniform(0.8, 0.98), 2)
        p["epoch"] = d.integer(1, 30)
    elif schedule == "inverse_sqrt":
        p["k"] = round(d.uniform(0.5, 2.0), 1)
        p["epoch"] = d.integer(2, 30)
    else:
        p["drop"] = d.choice((0.1, 0.2, 0.25, 0.5, 0.8))
        p["epochs_per_drop"] = d.integer(2, 10)
        p["epoch"] = d.integer(p["epochs_per_drop"] + 1, 40)
        if p["epoch"] % p["epochs_per_drop"] == 0:
            return None
    return p


def reference(p: Params, r: Rounder) -> float:
    schedule, alpha0, epoch = p["schedule"], p["alpha0"], p["epoch"]
    if schedule == "inverse_time":
        return r(alpha0 / r(1.0 + r(p["decay_rate"] * epoch)))
    if schedule == "exponential":
        return r(r(p["base"] ** epoch) * alpha0)
    if schedule == "inverse_sqrt":
        return r(r(p["k"] / r(math.sqrt(epoch))) * alpha0)
    return r(alpha0 * r(p["drop"] ** (epoch // p["epochs_per_drop"])))


def mistakes(p: Params) -> list[Mistake]:
    schedule, alpha0, epoch = p["schedule"], p["alpha0"], p["epoch"]
    out = [Mistake("no_decay", "the undecayed alpha0", alpha0)]
    if schedule != "staircase":
        out += [
            Mistake("epoch_plus_one", "the epoch off by one (epoch + 1)", _rate(p, epoch + 1)),
            Mistake("epoch_minus_one", "the epoch off by one (epoch - 1)", _rate(p, epoch - 1)),
        ]
    if schedule == "inverse_time":
        out.append(
            Mistake(
                "missing_one",
                "alpha0 / (decay_rate * epoch), the 1 + forgotten",
                alpha0 / (p["decay_rate"] * epoch),
            )
        )
    elif schedule == "inverse_sqrt":
        out.append(
            Mistake(
                "no_root", "k / epoch * alpha0, the square root forgotten", p["k"] / epoch * alpha0
            )
        )
    elif schedule == "staircase":
        per = p["epochs_per_drop"]
        out += [
            Mistake(
                "ceil_for_floor",
                "ceil for floor in the number of drops",
                alpha0 * p["drop"] ** math.ceil(epoch / per),
            ),
            Mistake("drop_every_epoch", "a drop at every epoch", alpha0 * p["drop"] ** epoch),
        ]
    return out


def solve(p: Params) -> Solution:
    schedule, alpha0, epoch = p["schedule"], p["alpha0"], p["epoch"]
    rate = _rate(p, epoch)
    rows: list[tuple[str | int, ...]] = [("alpha0", val(alpha0)), ("epoch", epoch)]
    a0 = num(alpha0)
    if schedule == "inverse_time":
        factor = 1.0 + p["decay_rate"] * epoch
        rows += [("1 + decay_rate * epoch", val(factor))]
        worked = [
            f"1 + {num(p['decay_rate'])} * {epoch} = {val(factor)}",
            f"alpha = {a0} / {val(factor)} = {val(rate)}",
        ]
    elif schedule == "exponential":
        power = p["base"] ** epoch
        rows += [("base^epoch", val(power))]
        worked = [
            f"{num(p['base'])}^{epoch} = {val(power)}",
            f"alpha = {val(power)} * {a0} = {val(rate)}",
        ]
    elif schedule == "inverse_sqrt":
        root = math.sqrt(epoch)
        rows += [("sqrt(epoch)", val(root)), ("k / sqrt(epoch)", val(p["k"] / root))]
        worked = [
            f"sqrt({epoch}) = {val(root)}",
            f"alpha = {num(p['k'])} / {val(root)} * {a0} = {val(rate)}",
        ]
    else:
        drops = epoch // p["epochs_per_drop"]
        rows += [
            ("drops = floor(epoch / epochs_per_drop)", drops),
            ("drop^drops", val(p["drop"] ** drops)),
        ]
        worked = [
            f"drops = floor({epoch} / {p['epochs_per_drop']}) = {drops}",
            f"alpha = {a0} * {num(p['drop'])}^{drops} = {val(rate)}",
        ]
    rows.append(("alpha", val(rate)))
    return Solution(rate, StepsTable(("quantity", "value"), tuple(rows)), lambda: tuple(worked))


def given(p: Params) -> str:
    schedule = p["schedule"]
    values = ", ".join(
        f"{name} = {num(p[name])}" for name in ("alpha0", *SCHEDULE_PARAMS[schedule])
    )
    return f"{values}\nWhat is the learning rate at epoch {num(p['epoch'])}?"


def _params_of(p: Params) -> tuple[str, ...]:
    return ("schedule", "alpha0", "epoch", *SCHEDULE_PARAMS[p["schedule"]])


SPEC = KindSpec(
    kind="lr_decay",
    topic="Learning-rate decay",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    technique=lambda p: f"{NAMES[p['schedule']]}.",
    formula=lambda p: f"{FORMULAS[p['schedule']]}.",
    given=given,
    param_names=("schedule", "alpha0", "epoch"),
    params_of=_params_of,
)
