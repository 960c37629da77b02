"""Drill: how many parameter updates mini-batch gradient descent makes.

Mistakes kept outside the tolerance (integers: any difference fails): floor
for ceil (dropping the partial last batch), forgetting the epochs, and
letting batches run across epochs (ceil(epochs * m / batch_size)).
Not applicable: the float mistakes (eps, bias correction) of other kinds.
"""

from __future__ import annotations

import math

from srs_dl.core.compute.minibatch import batch_sizes, num_updates
from srs_dl.core.drills.draws import Draws, round_sig
from srs_dl.core.drills.drill import KindSpec, Mistake, Params, Rounder, Solution, StepsTable
from srs_dl.core.drills.formatting import num, val

BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def candidate(d: Draws) -> Params | None:
    batch_size = d.choice(BATCH_SIZES)
    m = int(round_sig(d.log_uniform(max(3 * batch_size, 500), 60_000), d.choice((2, 3))))
    if m % batch_size == 0:
        return None
    return {"m": m, "batch_size": batch_size, "epochs": d.integer(2, 20)}


def reference(p: Params, r: Rounder) -> int:
    return p["epochs"] * -(-p["m"] // p["batch_size"])


def mistakes(p: Params) -> list[Mistake]:
    m, bs, epochs = p["m"], p["batch_size"], p["epochs"]
    return [
        Mistake(
            "floor_for_ceil", "dropping the partial last batch (floor for ceil)", epochs * (m // bs)
        ),
        Mistake("no_epochs", "counting one epoch only", -(-m // bs)),
        Mistake(
            "epochs_merged",
            "letting batches run across epochs (ceil(epochs * m / batch_size))",
            math.ceil(epochs * m / bs),
        ),
    ]


def solve(p: Params) -> Solution:
    m, bs, epochs = p["m"], p["batch_size"], p["epochs"]
    sizes = batch_sizes(m, bs)
    total = num_updates(m, bs, epochs)
    rows: tuple[tuple[str | int, ...], ...] = (
        ("m / batch_size", val(m / bs)),
        ("full batches per epoch", int((sizes == bs).sum())),
        ("size of the last, partial batch", int(sizes[-1])),
        ("updates per epoch = ceil(m / batch_size)", len(sizes)),
        ("epochs", epochs),
        ("updates = epochs * ceil(m / batch_size)", total),
    )
    per_epoch = len(sizes)
    worked = (
        f"ceil({m} / {bs}) = ceil({val(m / bs)}) = {per_epoch} updates per epoch",
        f"{epochs} * {per_epoch} = {total}",
    )
    return Solution(total, StepsTable(("quantity", "value"), rows), lambda: worked)


def technique(p: Params) -> str:
    return (
        "Mini-batch gradient descent. Each epoch is a fresh pass over the data, and an "
        "epoch's last, smaller batch still makes an update (drop_last=False)."
    )


def given(p: Params) -> str:
    return (
        f"m = {num(p['m'])} examples, batch_size = {num(p['batch_size'])}, "
        f"{num(p['epochs'])} epochs. How many parameter updates are made in all?"
    )


SPEC = KindSpec(
    kind="minibatch",
    topic="Mini-batch gradient descent",
    candidate=candidate,
    reference=reference,
    mistakes=mistakes,
    solve=solve,
    technique=technique,
    formula=lambda p: "updates = epochs * ceil(m / batch_size).",
    given=given,
    param_names=("m", "batch_size", "epochs"),
)
