"""Drill: fold an eval-mode batch norm into the linear layer before it.

W' = gamma * W / sqrt(var + eps) (each unit's row), b' = gamma * (b - mean) /
sqrt(var + eps) + beta; the answer is n x (k + 1): each unit's row of W'
followed by its b'. eps is drawn large (0.01-0.1, with variances near it) so
that leaving it out shows. Mistakes kept outside the tolerance: eps left out;
the variance instead of its square root; the mean not subtracted from the
bias; beta left out; the weights not scaled; the bias not scaled (b - mean +
beta); W and b unchanged.
"""

from __future__ import annotations

import math

from srs_dl.core.compute.batchnorm import fold_batchnorm
from srs_dl.core.drills.batchnorm import std_line
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Rounder, Solution, StepsTable
from srs_dl.core.drills.formatting import mat, minus, num, plus, val, vec

Matrix = list[list[float]]


def _fold(
    p: Params,
    r: Rounder = lambda x: x,
    *,
    eps: float | None = None,
    root: bool = True,
    centre: bool = True,
    shift: bool = True,
    scale_w: bool = True,
    scale_b: bool = True,
) -> Matrix:
    e = p["eps"] if eps is None else eps
    out = []
    for row, b, g, be, mu, v in zip(
        p["w"], p["b"], p["gamma"], p["beta"], p["mean"], p["var"], strict=True
    ):
        spread = r(math.sqrt(r(v + e))) if root else r(v + e)
        scale = r(g / spread)
        weights = [r(scale * x) if scale_w else float(x) for x in row]
        bias = r(b - mu) if centre else b
        bias = r(scale * bias) if scale_b else bias
        out.append([*weights, r(bias + be) if shift else bias])
    return out


def candidate(d: Draws) -> Params | None:
    n, k = d.integer(1, 2), d.integer(2, 3)
    eps = d.choice((0.01, 0.05, 0.1))
    return {
        "w": [[round(d.sign() * d.uniform(0.1, 2.0), 2) for _ in range(k)] for _ in range(n)],
        "b": [round(d.sign() * d.uniform(0.1, 2.0), 1) for _ in range(n)],
        "gamma": [round(d.uniform(0.5, 2.0), 1) for _ in range(n)],
        "beta": [round(d.sign() * d.uniform(0.2, 1.5), 1) for _ in range(n)],
        "mean": [round(d.sign() * d.uniform(0.2, 3.0), 1) for _ in range(n)],
        "var": [round_sig(eps * d.log_uniform(1.0, 8.0), 2) for _ in range(n)],
        "eps": eps,
    }


def reference(p: Params, r: Rounder) -> Matrix:
    return _fold(p, r)


def well_posed(p: Params, answer: object) -> bool:
    # b' is gamma (b - mean) / std + beta: no near-cancellation of its two terms.
    for row, b, g, be, mu, v in zip(
        answer,  # type: ignore[call-overload]
        p["b"],
        p["gamma"],
        p["beta"],
        p["mean"],
        p["var"],
        strict=True,
    ):
        part = abs(g * (b - mu) / math.sqrt(v + p["eps"]))
        if abs(row[-1]) < 0.3 * (part + abs(be)):
            return False
    return True


def mistakes(p: Params) -> list[Mistake]:
    return [
        Mistake(
            "unchanged",
            "W and b as they are",
            [[*map(float, row), float(b)] for row, b in zip(p["w"], p["b"], strict=True)],
        ),
        Mistake("eps_ignored", "leaving eps out", _fold(p, eps=0.0)),
        Mistake(
            "variance_not_std", "dividing by var + eps, not its square root", _fold(p, root=False)
        ),
        Mistake("mean_forgotten", "not subtracting the mean from the bias", _fold(p, centre=False)),
        Mistake("beta_forgotten", "leaving beta out of the bias", _fold(p, shift=False)),
        Mistake("weights_unscaled", "leaving W unscaled", _fold(p, scale_w=False)),
        Mistake("bias_unscaled", "not scaling the bias (b - mean + beta)", _fold(p, scale_b=False)),
    ]


def solve(p: Params) -> Solution:
    tr = fold_batchnorm(p["w"], p["b"], p["gamma"], p["beta"], p["mean"], p["var"], p["eps"])
    std, scale, w, b = tr.std.tolist(), tr.scale.tolist(), tr.w.tolist(), tr.b.tolist()
    answer = [[*w[i], b[i]] for i in range(len(w))]
    rows = tuple((i + 1, val(std[i]), val(scale[i]), vec(w[i]), val(b[i])) for i in range(len(w)))

    def worked() -> tuple[str, ...]:
        lines = []
        for i in range(len(w)):
            k = i + 1
            lines += [
                std_line(k, num(p["var"][i]), p["eps"], std[i]),
                f"gamma_{k} / sqrt(var_{k} + eps) = {num(p['gamma'][i])} / {val(std[i])} = {val(scale[i])}",
                f"W'_{k} = {val(scale[i])} * {vec(p['w'][i], num)} = {vec(w[i])}",
                f"b'_{k} = {val(scale[i])} * ({num(p['b'][i])} {minus(p['mean'][i])}) "
                f"{plus(p['beta'][i])} = {val(b[i])}",
            ]
        return tuple(lines)

    table = StepsTable(("unit", "sqrt(var + eps)", "gamma / sqrt(var + eps)", "W'", "b'"), rows)
    return Solution(answer, table, worked)


def given(p: Params) -> str:
    n, k = len(p["w"]), len(p["w"][0])
    return "\n".join(
        [
            f"W = {mat(p['w'], num)} ({n} x {k}, a row per unit), b = {vec(p['b'], num)}",
            f"gamma = {vec(p['gamma'], num)}, beta = {vec(p['beta'], num)}",
            f"running mean = {vec(p['mean'], num)}, running var = {vec(p['var'], num)}, "
            f"eps = {num(p['eps'])}",
            f"What are W' and b' ({n} x {k + 1}: each unit's row of W' followed by its b')?",
        ]
    )


SPEC = KindSpec(
    kind="bn_fold",
    topic="Batch normalisation",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    technique=lambda p: (
        "Fold a torch.nn.BatchNorm1d in eval mode (its running statistics) into the "
        "torch.nn.Linear before it, so that one linear layer W' x + b' gives the same output."
    ),
    formula=lambda p: (
        "W' = gamma * W / sqrt(var + eps) (row by row), "
        "b' = gamma * (b - mean) / sqrt(var + eps) + beta."
    ),
    given=given,
    well_posed=well_posed,
    param_names=("w", "b", "gamma", "beta", "mean", "var", "eps"),
    large_eps=True,
)
