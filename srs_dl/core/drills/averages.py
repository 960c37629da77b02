"""Drill: an exponentially weighted average, with or without bias correction.

Mistakes kept outside the tolerance: with bias correction asked, no bias
correction and t off by one either way (1 - beta^(T+1), 1 - beta^(T-1));
without it, a bias correction nobody asked for and the average started at
theta_1 instead of 0; in both, beta and 1 - beta swapped and the last theta
typed as the average.
With bias correction asked, the plain mean of the thetas is a mistake too: with
beta near 1 and few steps the corrected average is close to it, so corrected
drills draw beta in [0.8, 0.95] and a series with a trend (weights
(1 - beta) beta^(T-t) then differ enough from 1/T to tell the two apart);
beta 0.98 and 0.999 stay for the uncorrected average, far from the mean.
"""

from __future__ import annotations

from srs_dl.core.compute.ema import ema
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Rounder, Solution, StepsTable, exact
from srs_dl.core.drills.formatting import num, val

BETAS = (0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.999)
CORRECTED_BETAS = (0.8, 0.85, 0.9, 0.95)


def _average(
    thetas: list[float],
    beta: float,
    *,
    keep: float | None = None,
    start_first: bool = False,
    r: Rounder = exact,
) -> float:
    """V_T with V_0 = 0 (or V_1 = theta_1), V_t = (1 - keep) V + keep theta."""
    k = 1.0 - beta if keep is None else keep
    v = 0.0
    for t, th in enumerate(thetas, 1):
        v = th if (start_first and t == 1) else r(r((1.0 - k) * v) + r(k * th))
    return v


def candidate(d: Draws) -> Params:
    steps = d.integer(2, 4)
    corrected = d.chance(0.5)
    # A series like daily temperatures: a level with some noise around it; a
    # corrected one also drifts (see the module's docstring).
    level = d.uniform(-10.0, 40.0)
    drift = d.sign() * d.uniform(3.0, 10.0) if corrected else 0.0
    return {
        "beta": d.choice(CORRECTED_BETAS if corrected else BETAS),
        "thetas": [round_sig(level + drift * t + d.uniform(-8.0, 8.0), 2) for t in range(steps)],
        "bias_correction": corrected,
    }


def reference(p: Params, r: Rounder) -> float:
    v = _average(p["thetas"], p["beta"], r=r)
    return r(v / r(1.0 - p["beta"] ** len(p["thetas"]))) if p["bias_correction"] else v


def mistakes(p: Params) -> list[Mistake]:
    thetas, beta = p["thetas"], p["beta"]
    big_t = len(thetas)
    v = _average(thetas, beta)
    swapped = _average(thetas, beta, keep=beta)
    out = [Mistake("last_theta", "typing the last theta", float(thetas[-1]))]
    if p["bias_correction"]:
        out += [
            Mistake("no_bias_correction", "skipping the bias correction", v),
            Mistake("t_off_by_one", "dividing by 1 - beta^(T+1)", v / (1.0 - beta ** (big_t + 1))),
            Mistake(
                "t_off_by_one_early", "dividing by 1 - beta^(T-1)", v / (1.0 - beta ** (big_t - 1))
            ),
            Mistake("beta_swapped", "swapping beta and 1 - beta", swapped / (1.0 - beta**big_t)),
            Mistake("plain_mean", "the plain mean of the thetas", sum(thetas) / big_t),
        ]
    else:
        out += [
            Mistake(
                "bias_corrected",
                "a bias correction that was not asked for",
                v / (1.0 - beta**big_t),
            ),
            Mistake("beta_swapped", "swapping beta and 1 - beta", swapped),
            Mistake(
                "started_at_theta_1",
                "starting the average at theta_1 instead of 0",
                _average(thetas, beta, start_first=True),
            ),
        ]
    return out


def well_posed(p: Params, answer: object) -> bool:
    # Mixed signs could cancel to a tiny average that 3 figures cannot reach by hand.
    size = _average([abs(x) for x in p["thetas"]], p["beta"])
    if p["bias_correction"]:
        size /= 1.0 - p["beta"] ** len(p["thetas"])
    return abs(answer) >= 0.2 * size  # type: ignore[arg-type]


def solve(p: Params) -> Solution:
    tr = ema(p["thetas"], p["beta"])
    beta, keep = num(p["beta"]), num(round(1.0 - p["beta"], 12))
    corrected = p["bias_correction"]
    rows: list[tuple[str | int, ...]] = [(0, "", "0", "", "")] if corrected else [(0, "", "0")]
    worked = []
    vs, thetas = tr.v.tolist(), tr.thetas.tolist()
    for t in range(len(p["thetas"])):
        row: tuple[str | int, ...] = (t + 1, val(thetas[t]), val(vs[t]))
        if corrected:
            row += (val(tr.correction[t]), val(tr.v_corrected[t]))
        rows.append(row)
        prev = val(vs[t - 1]) if t else "0"
        worked.append(
            f"V_{t + 1} = {beta} * {prev} + {keep} * {num(p['thetas'][t])} = {val(vs[t])}"
        )
    columns = ("t", "theta_t", "V_t") + (("1 - beta^t", "V_t / (1 - beta^t)") if corrected else ())
    answer = float(tr.v_corrected[-1] if corrected else tr.v[-1])
    if corrected:
        big_t = len(p["thetas"])
        worked.append(
            f"V_{big_t} / (1 - {beta}^{big_t}) = {val(vs[-1])} / {val(tr.correction[-1])} = {val(answer)}"
        )
    return Solution(answer, StepsTable(columns, tuple(rows)), lambda: tuple(worked))


def technique(p: Params) -> str:
    return f"Exponentially weighted average (the course's V) with beta = {num(p['beta'])}."


def formula(p: Params) -> str:
    rule = "V_0 = 0, V_t = beta * V_{t-1} + (1 - beta) * theta_t"
    if p["bias_correction"]:
        return rule + "; bias-corrected: V_t / (1 - beta^t)."
    return rule + "."


def given(p: Params) -> str:
    big_t = len(p["thetas"])
    ask = (
        f"What is the bias-corrected average at t = {big_t} (t counts from 1)?"
        if p["bias_correction"]
        else f"What is V_{big_t} (no bias correction)?"
    )
    thetas = ", ".join(f"theta_{t} = {num(x)}" for t, x in enumerate(p["thetas"], 1))
    return "\n".join([thetas, ask])


SPEC = KindSpec(
    kind="ema",
    topic="Exponentially weighted averages",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    technique=technique,
    formula=formula,
    given=given,
    well_posed=well_posed,
    param_names=("beta", "thetas", "bias_correction"),
)
