"""Drill: the learning rate under linear warm-up then cosine annealing, in torch's
0-based step count (SequentialLR of LinearLR and CosineAnnealingLR).

Mistakes kept outside the tolerance: the step counted from 1 (step + 1) and one
early (step - 1); in the cosine phase, the cosine counted from step 0 instead
of from the end of the warm-up, T_max taken as the whole run (total instead of
total - warmup), eta_min left out, the 1/2 forgotten; in the warm-up, the ramp
started from 0 instead of start_factor; and alpha0 itself (no schedule).
"""

from __future__ import annotations

import math

from srs_dl.core.compute.decay import warmup_cosine
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Rounder, Solution, StepsTable
from srs_dl.core.drills.formatting import num, plus, val

NAMES = ("alpha0", "warmup", "total", "start_factor", "eta_min", "step")


def candidate(d: Draws) -> Params | None:
    warmup = d.integer(3, 10)
    total = warmup + d.integer(10, 60)
    alpha0 = round_sig(d.log_uniform(1e-3, 0.1), 1)
    in_warmup = d.chance(0.35)
    step = d.integer(1, warmup - 1) if in_warmup else d.integer(warmup + 1, total - 1)
    return {
        "alpha0": alpha0,
        "warmup": warmup,
        "total": total,
        "start_factor": d.choice((0.01, 0.1, 0.2, 0.25)),
        "eta_min": round_sig(alpha0 * d.uniform(0.02, 0.2), 1),
        "step": step,
    }


def _rate(p: Params, step: int, r: Rounder = lambda x: x, **override: float) -> float:
    q = {**p, **override}
    a0, warm, total, sf, eta = q["alpha0"], q["warmup"], q["total"], q["start_factor"], q["eta_min"]
    if step < warm:
        return r(a0 * r(sf + r(r(1.0 - sf) * step / warm)))
    span = q.get("span", total - warm)
    k = step - q.get("origin", warm)
    cosine = r(math.cos(r(math.pi * k / span)))
    return r(eta + r(r(a0 - eta) * r(1.0 + cosine) * q.get("half", 0.5)))


def reference(p: Params, r: Rounder) -> float:
    return _rate(p, p["step"], r)


def mistakes(p: Params) -> list[Mistake]:
    step, warm, total = p["step"], p["warmup"], p["total"]
    out = [
        Mistake("no_schedule", "alpha0 itself (no schedule)", float(p["alpha0"])),
        Mistake("step_from_one", "counting steps from 1 (step + 1)", _rate(p, step + 1)),
        Mistake("step_minus_one", "one step early (step - 1)", _rate(p, step - 1)),
    ]
    if step < warm:
        out.append(
            Mistake(
                "ramp_from_zero",
                "a warm-up from 0 instead of start_factor",
                _rate(p, step, start_factor=0.0),
            )
        )
    else:
        out += [
            Mistake(
                "cosine_from_zero",
                "the cosine counted from step 0, not from the end of the warm-up",
                _rate(p, step, origin=0),
            ),
            Mistake(
                "t_max_total",
                "T_max = total instead of total - warmup",
                _rate(p, step, span=total),
            ),
            Mistake("no_eta_min", "leaving eta_min out", _rate(p, step, eta_min=0.0)),
            Mistake("no_half", "forgetting the 1/2", _rate(p, step, half=1.0)),
        ]
    return out


def solve(p: Params) -> Solution:
    a0, warm, total, sf, eta, step = (p[name] for name in NAMES)
    rate = warmup_cosine(a0, warm, total, sf, eta, step)
    rows: list[tuple[str | int, ...]] = [("step (from 0)", step), ("warmup", warm)]
    if step < warm:
        factor = sf + (1.0 - sf) * step / warm
        rows.append(("start_factor + (1 - start_factor) * step / warmup", val(factor)))
        worked: tuple[str, ...] = (
            f"factor = {num(sf)} + (1 - {num(sf)}) * {step} / {warm} = {val(factor)}",
            f"alpha = {num(a0)} * {val(factor)} = {val(rate)}",
        )
    else:
        k, span = step - warm, total - warm
        cosine = math.cos(math.pi * k / span)
        rows += [
            ("k = step - warmup", k),
            ("T_max = total - warmup", span),
            ("cos(pi * k / T_max)", val(cosine)),
        ]
        worked = (
            f"k = {step} - {warm} = {k}, T_max = {total} - {warm} = {span}",
            f"cos(pi * {k} / {span}) = {val(cosine)}",
            f"alpha = {num(eta)} + ({num(a0)} - {num(eta)}) * (1 {plus(cosine, val)}) / 2"
            f" = {val(rate)}",
        )
    rows.append(("alpha", val(rate)))
    return Solution(rate, StepsTable(("quantity", "value"), tuple(rows)), lambda: worked)


def given(p: Params) -> str:
    values = ", ".join(f"{name} = {num(p[name])}" for name in NAMES[:5])
    return f"{values}\nWhat is the learning rate at step {p['step']}?"


SPEC = KindSpec(
    kind="warmup_cosine",
    topic="Learning-rate decay",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    technique=lambda p: (
        "Linear warm-up then cosine annealing, as torch.optim.lr_scheduler.SequentialLR("
        "[LinearLR(opt, start_factor, total_iters=warmup), CosineAnnealingLR(opt, "
        "T_max=total - warmup, eta_min)], milestones=[warmup]) computes it; step counts "
        "scheduler.step() calls from 0 (step 0 is the first batch's rate)."
    ),
    formula=lambda p: (
        "step < warmup: alpha = alpha0 * (start_factor + (1 - start_factor) * step / warmup); "
        "then alpha = eta_min + (alpha0 - eta_min) * (1 + cos(pi * (step - warmup) / "
        "(total - warmup))) / 2."
    ),
    given=given,
    param_names=NAMES,
)
