"""Drills: batch normalisation in training mode, and at inference with the
running statistics of torch.nn.BatchNorm1d.

batchnorm mistakes kept outside the tolerance: the unbiased variance
(1/(m-1)); eps outside the root (sqrt(var) + eps) and eps left out; the
normalisation taken over the wrong axis (per example instead of per unit);
gamma and beta swapped; gamma and beta left out (Z_norm); Z itself. eps is
drawn in [0.01, 0.1] and the rows' spread near sqrt(eps), or no hand
computation could tell where eps goes.
batchnorm_inference mistakes: the wrong meaning of momentum (momentum as the
weight of the old average, as in Keras); the biased variance in the running
variance; running statistics never updated (still 0 and 1); the last batch's
own statistics; the test columns' own statistics (training mode at test);
the plain average of the batch statistics; running statistics started from
the first batch instead of 0 and 1.
Not separable at inference: eps inside or outside the root, since the running
variance is near 1 and eps is torch's small default there (1e-5 or 1e-3).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from srs_dl.core.compute.batchnorm import batchnorm_inference, batchnorm_train
from srs_dl.core.drills.draws import Draws
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Rounder, Solution, StepsTable, exact
from srs_dl.core.drills.formatting import mat, minus, num, plus, val, vec

Matrix = list[list[float]]


def std_line(k: int, var: str, eps: float, std: float) -> str:
    """Unit k's normaliser with the numbers in (training, and the folded eval-mode layer)."""
    return f"sqrt(var_{k} + eps) = sqrt({var} + {num(eps)}) = {val(std)}"


def _stats(row: list[float], ddof: int = 0, r: Rounder = exact) -> tuple[float, float]:
    m = len(row)
    mu = r(sum(row) / m)
    return mu, r(sum(r(r(x - mu) ** 2) for x in row) / (m - ddof))


def _normalise(
    z: Matrix, eps: float, *, ddof: int = 0, eps_at: str = "inside_root", r: Rounder = exact
) -> Matrix:
    out = []
    for row in z:
        mu, var = _stats(row, ddof, r)
        if eps_at == "inside_root":
            denom = r(math.sqrt(r(var + eps)))
        else:
            denom = math.sqrt(var) + (eps if eps_at == "after_root" else 0.0)
        out.append([r(r(x - mu) / denom) for x in row])
    return out


def _affine(zn: Matrix, gamma: list[float], beta: list[float], r: Rounder = exact) -> Matrix:
    return [[r(r(g * x) + b) for x in row] for row, g, b in zip(zn, gamma, beta, strict=True)]


def _transpose(z: Matrix) -> Matrix:
    return [list(col) for col in zip(*z, strict=True)]


def _safe(fn: Callable[..., Matrix], *args: object, **kwargs: object) -> Matrix:
    try:
        return fn(*args, **kwargs)
    except (ZeroDivisionError, ValueError):
        return [[math.nan]]


def _round(x: float, spread: float) -> float:
    return round(x, 1 if spread >= 0.5 else 2)


def _draw_affine(d: Draws, n: int) -> tuple[list[float], list[float]]:
    gamma = [round(d.uniform(0.5, 2.5), 1) for _ in range(n)]
    beta = [round(d.sign() * d.uniform(0.2, 2.0), 1) for _ in range(n)]
    return gamma, beta


def candidate(d: Draws) -> Params:
    n, m = d.integer(1, 2), d.integer(3, 4)
    eps = d.choice((0.1, 0.05, 0.01))
    z = []
    for _ in range(n):
        centre = round(d.uniform(-3.0, 5.0), 1)
        spread = math.sqrt(eps) * d.log_uniform(1.0, 6.0)
        z.append([_round(centre + spread * d.uniform(-1.0, 1.0), spread) for _ in range(m)])
    gamma, beta = _draw_affine(d, n)
    return {"z": z, "gamma": gamma, "beta": beta, "eps": eps}


def reference(p: Params, r: Rounder) -> Matrix:
    return _affine(_normalise(p["z"], p["eps"], r=r), p["gamma"], p["beta"], r)


def mistakes(p: Params) -> list[Mistake]:
    z, gamma, beta, eps = p["z"], p["gamma"], p["beta"], p["eps"]
    zn = _normalise(z, eps)
    columns = _transpose(_safe(_normalise, _transpose(z), eps))
    return [
        Mistake("starting_values", "leaving Z as it is", [list(map(float, r)) for r in z]),
        Mistake(
            "unbiased_variance",
            "the unbiased variance (1/(m-1))",
            _affine(_safe(_normalise, z, eps, ddof=1), gamma, beta),
        ),
        Mistake(
            "eps_outside_root",
            "adding eps outside the square root",
            _affine(_normalise(z, eps, eps_at="after_root"), gamma, beta),
        ),
        Mistake(
            "eps_ignored",
            "leaving eps out",
            _affine(_safe(_normalise, z, eps, eps_at="none"), gamma, beta),
        ),
        Mistake(
            "wrong_axis",
            "normalising each example (column) instead of each unit (row)",
            _affine(columns, gamma, beta) if len(columns) == len(z) else [[math.nan]],
        ),
        Mistake("gamma_beta_swapped", "swapping gamma and beta", _affine(zn, beta, gamma)),
        Mistake("no_scale_shift", "stopping at Z_norm (gamma and beta left out)", zn),
    ]


def _conditioned(zn: Matrix, gamma: list[float], beta: list[float], out: Matrix) -> bool:
    """No output is a near-cancellation of gamma * z_norm and beta."""
    return all(
        abs(o) >= 0.3 * (abs(g * x) + abs(b))
        for zrow, orow, g, b in zip(zn, out, gamma, beta, strict=True)
        for x, o in zip(zrow, orow, strict=True)
    )


def well_posed(p: Params, answer: object) -> bool:
    z = p["z"]
    if any(_stats(row)[1] == 0.0 for row in z):
        return False
    return _conditioned(_normalise(z, p["eps"]), p["gamma"], p["beta"], answer)  # type: ignore[arg-type]


def solve(p: Params) -> Solution:
    tr = batchnorm_train(p["z"], p["gamma"], p["beta"], p["eps"])
    z, mean, var, std, zn, out = (
        a.tolist() for a in (tr.z, tr.mean, tr.var, tr.std, tr.z_norm, tr.out)
    )
    rows = tuple(
        (i + 1, vec(z[i]), val(mean[i]), val(var[i]), val(std[i]), vec(zn[i]), vec(out[i]))
        for i in range(len(z))
    )
    columns = (
        "unit",
        "z",
        "mean",
        "var (1/m)",
        "sqrt(var + eps)",
        "z_norm",
        "gamma * z_norm + beta",
    )

    def worked() -> tuple[str, ...]:
        lines = []
        m = len(z[0])
        for i in range(len(z)):
            k = i + 1
            lines += [
                f"mu_{k} = sum({vec(z[i], num)}) / {m} = {val(mean[i])}",
                f"var_{k} = sum((z_{k} - mu_{k})^2) / {m} = {val(var[i])}",
                std_line(k, val(var[i]), p["eps"], std[i]),
                f"Z_tilde_{k} = {num(p['gamma'][i])} * (z_{k} {minus(mean[i], val)}) / "
                f"{val(std[i])} {plus(p['beta'][i])} = {vec(out[i])}",
            ]
        return tuple(lines)

    return Solution(tr.out.tolist(), StepsTable(columns, rows), worked)


def given(p: Params) -> str:
    n, m = len(p["z"]), len(p["z"][0])
    return "\n".join(
        [
            f"Z is {n} x {m}: a row per unit, a column per example.",
            f"Z = {mat(p['z'], num)}",
            f"gamma = {vec(p['gamma'], num)}, beta = {vec(p['beta'], num)}, eps = {num(p['eps'])}",
            f"What is Z_tilde = gamma * Z_norm + beta ({n} x {m})?",
        ]
    )


BATCHNORM = KindSpec(
    kind="batchnorm",
    topic="Batch normalisation",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    technique=lambda p: (
        "Batch normalisation in training mode, as torch.nn.BatchNorm1d computes it."
    ),
    formula=lambda p: (
        "Normalise each row with its batch mean and biased variance (divide by m), "
        "eps inside the square root, then scale by gamma and shift by beta."
    ),
    given=given,
    well_posed=well_posed,
    param_names=("z", "gamma", "beta", "eps"),
    large_eps=True,
)


# Per batch, per unit: (mean, sum of squared deviations, m); both variances follow.
BatchStats = list[list[tuple[float, float, int]]]


def _batch_stats(batches: list[Matrix]) -> BatchStats:
    out = []
    for batch in batches:
        units = []
        for row in batch:
            m = len(row)
            mu = sum(row) / m
            units.append((mu, sum((x - mu) * (x - mu) for x in row), m))
        out.append(units)
    return out


def _running(
    stats: BatchStats,
    momentum: float,
    *,
    old_weight: float | None = None,
    ddof: int = 1,
    start: tuple[list[float], list[float]] | None = None,
    r: Rounder = exact,
) -> tuple[list[float], list[float]]:
    if start is None:
        start = ([0.0] * len(stats[0]), [1.0] * len(stats[0]))
    mean, var = start
    keep = 1.0 - momentum if old_weight is None else old_weight
    new = 1.0 - keep
    for units in stats:
        mean = [r(r(keep * a) + r(new * r(mu))) for a, (mu, _, _) in zip(mean, units, strict=True)]
        var = [
            r(r(keep * a) + r(new * r(sq / (m - ddof))))
            for a, (_, sq, m) in zip(var, units, strict=True)
        ]
    return mean, var


def _evaluate(p: Params, mean: list[float], var: list[float], r: Rounder = exact) -> Matrix:
    eps = p["eps"]
    return [
        [r(r(g * r(r(x - mu) / r(math.sqrt(r(v + eps))))) + b) for x in row]
        for row, mu, v, g, b in zip(p["z_test"], mean, var, p["gamma"], p["beta"], strict=True)
    ]


def inference_candidate(d: Draws) -> Params:
    n, count, m, k = d.integer(1, 2), d.integer(2, 3), d.integer(2, 3), d.integer(1, 2)
    centres = [round(d.uniform(-4.0, 6.0), 1) for _ in range(n)]
    spreads = [d.uniform(0.5, 3.0) for _ in range(n)]

    def columns(count_: int) -> Matrix:
        return [
            [round(c + s * d.uniform(-1.0, 1.0), 1) for _ in range(count_)]
            for c, s in zip(centres, spreads, strict=True)
        ]

    batches = [columns(m) for _ in range(count)]
    gamma, beta = _draw_affine(d, n)
    return {
        "batches": batches,
        "momentum": d.choice((0.1, 0.2, 0.3)),
        "eps": d.choice((1e-5, 1e-3)),
        "gamma": gamma,
        "beta": beta,
        "z_test": columns(k),
    }


def inference_reference(p: Params, r: Rounder) -> Matrix:
    return _evaluate(p, *_running(_batch_stats(p["batches"]), p["momentum"], r=r), r)


def inference_mistakes(p: Params) -> list[Mistake]:
    stats, momentum = _batch_stats(p["batches"]), p["momentum"]
    n, count = len(p["z_test"]), len(stats)
    last = stats[-1]
    (test,) = _batch_stats([p["z_test"]])
    plain_mean = [sum(b[i][0] for b in stats) / count for i in range(n)]
    plain_var = [sum(b[i][1] / (b[i][2] - 1) for b in stats) / count for i in range(n)]
    first = ([mu for mu, _, _ in stats[0]], [sq / (m - 1) for _, sq, m in stats[0]])
    return [
        Mistake(
            "momentum_meaning",
            "momentum as the weight of the old average (running = momentum running + (1 - momentum) batch)",
            _evaluate(p, *_running(stats, momentum, old_weight=momentum)),
        ),
        Mistake(
            "biased_running_var",
            "the biased variance (1/m) in the running variance",
            _evaluate(p, *_running(stats, momentum, ddof=0)),
        ),
        Mistake(
            "no_running_update",
            "the initial statistics (mean 0, variance 1)",
            _evaluate(p, [0.0] * n, [1.0] * n),
        ),
        Mistake(
            "last_batch_stats",
            "the last batch's own mean and variance",
            _evaluate(p, [mu for mu, _, _ in last], [sq / m for _, sq, m in last]),
        ),
        Mistake(
            "test_batch_stats",
            "normalising the test columns with their own statistics (training mode)",
            _evaluate(p, [mu for mu, _, _ in test], [sq / m for _, sq, m in test]),
        ),
        Mistake(
            "plain_average",
            "the plain average of the batch statistics",
            _evaluate(p, plain_mean, plain_var),
        ),
        Mistake(
            "started_from_first_batch",
            "running statistics started from the first batch instead of 0 and 1",
            _evaluate(p, *_running(stats[1:], momentum, start=first)),
        ),
    ]


def inference_well_posed(p: Params, answer: object) -> bool:
    mean, var = _running(_batch_stats(p["batches"]), p["momentum"])
    eps = p["eps"]
    zn = [
        [(x - mu) / math.sqrt(v + eps) for x in row]
        for row, mu, v in zip(p["z_test"], mean, var, strict=True)
    ]
    return _conditioned(zn, p["gamma"], p["beta"], answer)  # type: ignore[arg-type]


def inference_solve(p: Params) -> Solution:
    tr = batchnorm_inference(
        p["batches"], p["momentum"], p["eps"], p["gamma"], p["beta"], p["z_test"]
    )
    mean, var, var_u = tr.batch_mean.tolist(), tr.batch_var.tolist(), tr.batch_var_unbiased.tolist()
    run_mean, run_var = tr.running_mean.tolist(), tr.running_var.tolist()
    rows: list[tuple[str | int, ...]] = [
        ("start", "", "", "", vec(run_mean[0]), vec(run_var[0]), "")
    ]
    keep, new = num(round(1.0 - p["momentum"], 12)), num(p["momentum"])
    worked = []
    for b in range(len(tr.batches)):
        rows.append(
            (
                f"batch {b + 1}",
                vec(mean[b]),
                vec(var[b]),
                vec(var_u[b]),
                vec(run_mean[b + 1]),
                vec(run_var[b + 1]),
                "",
            )
        )
        worked += [
            f"running mean = {keep} * {vec(run_mean[b])} + {new} * {vec(mean[b])}"
            f" = {vec(run_mean[b + 1])}",
            f"running var = {keep} * {vec(run_var[b])} + {new} * {vec(var_u[b])}"
            f" = {vec(run_var[b + 1])}",
        ]
    # The test columns' quantities in a column of their own (not under the batch statistics).
    blank = ("", "", "", "", "")
    rows.append(("test: sqrt(running var + eps)", *blank, vec(tr.std)))
    rows.append(("test: z_norm", *blank, mat(tr.z_norm)))
    rows.append(("test: gamma * z_norm + beta", *blank, mat(tr.out)))
    worked += [
        f"sqrt(running var + eps) = {vec(tr.std)}",
        f"out = gamma * (z_test - running mean) / {vec(tr.std)} + beta = {mat(tr.out)}",
    ]
    columns = (
        "step",
        "batch mean",
        "batch var (1/m)",
        "batch var (1/(m-1))",
        "running mean",
        "running var",
        "z_test",
    )
    return Solution(tr.out.tolist(), StepsTable(columns, tuple(rows)), lambda: tuple(worked))


def inference_technique(p: Params) -> str:
    n = len(p["z_test"])
    return (
        f"torch.nn.BatchNorm1d({n}, eps={num(p['eps'])}, momentum={num(p['momentum'])}) is trained "
        "(training mode) on these batches in order, then evaluated (eval mode) on z_test. "
        "Rows are units, columns examples."
    )


def inference_formula(p: Params) -> str:
    return (
        "The running mean starts at 0 and the running variance at 1; after each batch, "
        "running = (1 - momentum) * running + momentum * batch statistic, the variance term "
        "being the unbiased batch variance (divide by m - 1); eval mode normalises with the "
        "running statistics, eps inside the square root."
    )


def inference_given(p: Params) -> str:
    n, k = len(p["z_test"]), len(p["z_test"][0])
    lines = [f"batch {b} = {mat(batch, num)}" for b, batch in enumerate(p["batches"], 1)]
    lines += [
        f"gamma = {vec(p['gamma'], num)}, beta = {vec(p['beta'], num)}",
        f"z_test = {mat(p['z_test'], num)}",
        f"What does the layer output for z_test ({n} x {k})?",
    ]
    return "\n".join(lines)


BATCHNORM_INFERENCE = KindSpec(
    kind="batchnorm_inference",
    topic="Batch normalisation",
    candidate=inference_candidate,
    reference=inference_reference,
    mistakes=inference_mistakes,
    solve=inference_solve,
    technique=inference_technique,
    formula=inference_formula,
    given=inference_given,
    well_posed=inference_well_posed,
    param_names=("batches", "momentum", "eps", "gamma", "beta", "z_test"),
)
