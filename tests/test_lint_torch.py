"""Reference checks against PyTorch (skipped without torch, which is never a
dependency): the formulas lint accepts step exactly as torch.optim does, and the
user note's two flagged formulas do not. Each formula is run with lint's own
reader and evaluator, statement by statement, as a note would be read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from srs_dl.core.lint.evaluate import evaluate
from srs_dl.core.lint.expr import read_statements

torch = pytest.importorskip("torch")


def _run(lines: list[str], env: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The formulas as one step of a program over `env` (no Python eval)."""
    for line in lines:
        for statement in read_statements(line):
            value = evaluate(statement.value, lambda n: env.get(n))
            env[statement.target] = np.broadcast_to(value, env.get(statement.target, value).shape)
    return env


def _torch_steps(make_opt, w0: np.ndarray, grads: np.ndarray) -> np.ndarray:  # noqa: ANN001
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    opt = make_opt([w])
    for g in grads:
        opt.zero_grad()
        w.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
    return w.detach().numpy()


RNG = np.random.default_rng(3)
W0 = RNG.normal(size=3)
GRADS = RNG.normal(size=(6, 3))


def test_rmsprop_right_formula_is_torch_and_the_notes_is_not() -> None:
    beta, lr, eps = 0.9, 0.01, 1e-3
    expected = _torch_steps(lambda p: torch.optim.RMSprop(p, lr=lr, alpha=beta, eps=eps), W0, GRADS)
    right = [
        "S_dW := beta * S_dW + (1-beta) * dW^2",
        "W := W - alpha * dW / (sqrt(S_dW) + epsilon)",
    ]
    wrong = [right[0], "W := W - alpha * dW / sqrt( S_dW ) + epsilon"]
    for lines, same in ((right, True), (wrong, False)):
        env = {"W": W0.copy(), "S_dW": np.zeros(3), "beta": np.asarray(beta)}
        env.update(alpha=np.asarray(lr), epsilon=np.asarray(eps))
        for g in GRADS:
            env["dW"] = g
            _run(lines, env)
        assert np.allclose(env["W"], expected, rtol=1e-12) is same
    # A parameter whose gradients stay 0: torch does not move it, the note's formula gives NaN.
    zero = np.zeros((3, 3))
    assert np.all(_torch_steps(lambda p: torch.optim.RMSprop(p, lr=lr, alpha=beta), W0, zero) == W0)
    env = {"W": W0.copy(), "S_dW": np.zeros(3), "beta": np.asarray(beta), "dW": np.zeros(3)}
    env.update(alpha=np.asarray(lr), epsilon=np.asarray(1e-8))
    assert np.all(np.isnan(_run(wrong, env)["W"]))


def test_user_note_adam_is_torch(shared_dir: Path) -> None:
    (path,) = sorted((shared_dir / "corpus" / "seed").glob("*.md"))
    lines = [
        line.strip().lstrip("- ").split("   ")[0]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip("- ").startswith(
            ("V_dW = beta1", "S_dW = beta2", "Vcorrected", "Scorrected")
        )
        or line.lstrip("- ").startswith("W := W - alpha * Vcorrected")
    ]
    assert len(lines) == 5
    b1, b2, lr, eps = 0.8, 0.99, 0.05, 1e-6
    expected = _torch_steps(
        lambda p: torch.optim.Adam(p, lr=lr, betas=(b1, b2), eps=eps), W0, GRADS
    )
    env = {"W": W0.copy(), "V_dW": np.zeros(3), "S_dW": np.zeros(3)}
    env.update(beta1=np.asarray(b1), beta2=np.asarray(b2), alpha=np.asarray(lr))
    env["epsilon"] = np.asarray(eps)
    for t, g in enumerate(GRADS, start=1):
        env["dW"], env["t"] = g, np.asarray(float(t))
        _run(lines, env)
    np.testing.assert_allclose(env["W"], expected, rtol=1e-12)


def test_weight_decay_equivalence_torch() -> None:
    """optim.SGD(weight_decay=wd) steps like loss + wd / 2 * sum(w^2), not + wd * sum(w^2)."""
    lr, wd = 0.01, 0.01
    g = GRADS[0]
    expected = _torch_steps(lambda p: torch.optim.SGD(p, lr=lr, weight_decay=wd), W0, [g])
    for factor, same in ((0.5, True), (1.0, False)):
        w = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
        loss = (torch.tensor(g) * w).sum() + factor * wd * (w**2).sum()
        loss.backward()
        stepped = (w - lr * w.grad).detach().numpy()
        assert np.allclose(stepped, expected, rtol=1e-12) is same


def test_pytorch_momentum_convention_is_torch() -> None:
    lr, mu = 0.05, 0.9
    expected = _torch_steps(lambda p: torch.optim.SGD(p, lr=lr, momentum=mu), W0, GRADS)
    lines = ["v = momentum * v + g", "w = w - lr * v"]
    env = {"w": W0.copy(), "v": np.zeros(3), "momentum": np.asarray(mu), "lr": np.asarray(lr)}
    for g in GRADS:
        env["g"] = g
        _run(lines, env)
    np.testing.assert_allclose(env["w"], expected, rtol=1e-12)
