"""The five kinds of issue 16 (and momentum's dampening convention) against PyTorch,
in float64, on drills drawn by the generator: torch is the referee, not a dependency
(these tests skip when it is absent)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from srs_dl.core.drills import generate, rng_for

torch = pytest.importorskip("torch")

DRAWS = range(60)


def _weights(params: dict, make_opt, grads: list[list[float]]) -> list[float]:  # noqa: ANN001
    w = torch.tensor(params["w0"], dtype=torch.float64, requires_grad=True)
    opt = make_opt([w])
    for g in grads:
        opt.zero_grad()
        w.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
    return w.detach().tolist()


def _close(ours: object, theirs: object) -> None:
    assert np.asarray(ours, dtype=float) == pytest.approx(
        np.asarray(theirs, dtype=float), rel=1e-12, abs=1e-15
    )


def _adam_like(cls, p: dict):  # noqa: ANN001, ANN202
    """torch's optimizer `cls` with the drill's hyperparameters."""
    return lambda ps: cls(
        ps, lr=p["lr"], betas=(p["beta1"], p["beta2"]), eps=p["eps"], weight_decay=p["weight_decay"]
    )


def test_adamw_is_torch_adamw_and_not_adam_with_weight_decay() -> None:
    for i in DRAWS:
        d = generate("adamw", rng_for(7, i))
        p = d.params
        _close(d.answer, _weights(p, _adam_like(torch.optim.AdamW, p), p["grads"]))
        l2 = next(m for m in d.mistakes if m.name == "l2_through_moments")
        _close(l2.answer, _weights(p, _adam_like(torch.optim.Adam, p), p["grads"]))


def test_nesterov_is_torch_sgd_nesterov() -> None:
    for i in DRAWS:
        d = generate("nesterov", rng_for(7, i))
        p = d.params

        def sgd(ps, p=p):  # noqa: ANN001, ANN202
            return torch.optim.SGD(ps, lr=p["lr"], momentum=p["beta"], nesterov=True)

        _close(d.answer, _weights(p, sgd, p["grads"]))


def test_momentum_with_dampening_is_torchs_and_not_the_courses() -> None:
    seen = 0
    for i in range(300):
        d = generate("momentum", rng_for(7, i))
        p = d.params
        if p["convention"] != "pytorch_dampened":
            continue
        seen += 1

        def sgd(ps, p=p):  # noqa: ANN001, ANN202
            return torch.optim.SGD(ps, lr=p["lr"], momentum=p["beta"], dampening=p["beta"])

        theirs = _weights(p, sgd, p["grads"])
        _close(d.answer, theirs)
        course = next(m for m in d.mistakes if m.name == "dampened_first_step")
        assert not np.allclose(course.answer, theirs, rtol=5e-3)
    assert seen > 20


def test_warmup_cosine_is_torch_sequential_lr_counted_from_0() -> None:
    for i in DRAWS:
        d = generate("warmup_cosine", rng_for(7, i))
        p = d.params
        w = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([w], lr=p["alpha0"])
        sched = torch.optim.lr_scheduler.SequentialLR(
            opt,
            [
                torch.optim.lr_scheduler.LinearLR(
                    opt, start_factor=p["start_factor"], end_factor=1.0, total_iters=p["warmup"]
                ),
                torch.optim.lr_scheduler.CosineAnnealingLR(
                    opt, T_max=p["total"] - p["warmup"], eta_min=p["eta_min"]
                ),
            ],
            milestones=[p["warmup"]],
        )
        for _ in range(p["step"]):
            opt.step()
            sched.step()
        assert d.answer == pytest.approx(opt.param_groups[0]["lr"], rel=1e-9)


def test_bn_fold_gives_the_layer_torch_computes() -> None:
    for i in DRAWS:
        d = generate("bn_fold", rng_for(7, i))
        p = d.params
        n, k = len(p["w"]), len(p["w"][0])
        linear = torch.nn.Linear(k, n).double()
        bn = torch.nn.BatchNorm1d(n, eps=p["eps"]).double().eval()
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(p["w"], dtype=torch.float64))
            linear.bias.copy_(torch.tensor(p["b"], dtype=torch.float64))
            bn.weight.copy_(torch.tensor(p["gamma"], dtype=torch.float64))
            bn.bias.copy_(torch.tensor(p["beta"], dtype=torch.float64))
            bn.running_mean.copy_(torch.tensor(p["mean"], dtype=torch.float64))
            bn.running_var.copy_(torch.tensor(p["var"], dtype=torch.float64))
            x = torch.randn(5, k, dtype=torch.float64, generator=torch.Generator().manual_seed(i))
            want = bn(linear(x))
            folded = torch.tensor(d.answer, dtype=torch.float64)
            got = x @ folded[:, :k].T + folded[:, k]
            fw, fb = torch.nn.utils.fusion.fuse_linear_bn_weights(
                linear.weight,
                linear.bias,
                bn.running_mean,
                bn.running_var,
                bn.eps,
                bn.weight,
                bn.bias,
            )
        _close(got, want)
        _close([[*fw[r].tolist(), fb[r].item()] for r in range(n)], d.answer)


def test_grad_clip_is_clip_grad_norm_and_not_per_tensor() -> None:
    for i in DRAWS:
        d = generate("grad_clip", rng_for(7, i))
        p = d.params
        tensors = [
            torch.zeros(len(row), dtype=torch.float64, requires_grad=True) for row in p["grads"]
        ]
        for t, row in zip(tensors, p["grads"], strict=True):
            t.grad = torch.tensor(row, dtype=torch.float64)
        torch.nn.utils.clip_grad_norm_(tensors, p["max_norm"])
        _close(d.answer, [t.grad.tolist() for t in tensors])
        per_tensor = []
        for row in p["grads"]:
            t = torch.zeros(len(row), dtype=torch.float64, requires_grad=True)
            t.grad = torch.tensor(row, dtype=torch.float64)
            torch.nn.utils.clip_grad_norm_([t], p["max_norm"])
            per_tensor.append(t.grad.tolist())
        mistake = next(m for m in d.mistakes if m.name == "per_tensor")
        _close(mistake.answer, per_tensor)
        assert math.isfinite(sum(map(sum, d.answer)))
