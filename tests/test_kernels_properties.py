"""Properties of the kernels that hold for any inputs (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs_dl.core.compute.batchnorm import batchnorm_train
from srs_dl.core.compute.decay import staircase
from srs_dl.core.compute.ema import ema
from srs_dl.core.compute.optimizers import adam, momentum, rmsprop, sgd

# Per test, not a global profile: other test files keep their own settings.
relaxed = settings(deadline=None)

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
nonzero = finite.filter(lambda x: abs(x) > 1e-6)
betas = st.floats(min_value=0.0, max_value=0.999)
rates = st.floats(min_value=1e-5, max_value=1.0)


@st.composite
def weights_and_grads(
    draw: st.DrawFn, elements: st.SearchStrategy[float] = finite
) -> tuple[list[float], list[list[float]]]:
    n = draw(st.integers(1, 4))
    steps = draw(st.integers(1, 6))
    w0 = draw(st.lists(finite, min_size=n, max_size=n))
    grads = draw(
        st.lists(st.lists(elements, min_size=n, max_size=n), min_size=steps, max_size=steps)
    )
    return w0, grads


@relaxed
@given(c=finite, beta=betas, steps=st.integers(1, 60))
def test_bias_corrected_average_of_a_constant_is_the_constant(
    c: float, beta: float, steps: int
) -> None:
    tr = ema([c] * steps, beta)
    np.testing.assert_allclose(tr.v_corrected, c, rtol=1e-9, atol=1e-9)


@relaxed
@given(wg=weights_and_grads(), lr=rates, convention=st.sampled_from(["ema", "pytorch"]))
def test_momentum_with_beta_zero_is_plain_sgd(
    wg: tuple[list[float], list[list[float]]], lr: float, convention: str
) -> None:
    w0, grads = wg
    m = momentum(w0, grads, lr, 0.0, convention)  # type: ignore[arg-type]
    s = sgd(w0, grads, lr)
    np.testing.assert_allclose(m.w, s.w, rtol=1e-12, atol=1e-12)


@relaxed
@given(
    wg=weights_and_grads(nonzero),
    lr=rates,
    beta1=betas,
    beta2=betas,
    eps=st.floats(min_value=1e-10, max_value=1.0),
)
def test_adams_first_step_moves_each_weight_by_lr_g_over_g_plus_eps(
    wg: tuple[list[float], list[list[float]]], lr: float, beta1: float, beta2: float, eps: float
) -> None:
    w0, grads = wg
    tr = adam(w0, grads[:1], lr, beta1, beta2, eps)
    g = np.abs(grads[0])
    moved = np.abs(tr.w[1] - tr.w[0])
    # The bias correction makes V_hat_1 = g and S_hat_1 = g^2 whatever the betas.
    np.testing.assert_allclose(moved, lr * g / (g + eps), rtol=1e-6, atol=1e-9)
    assert np.all(np.sign(tr.w[0] - tr.w[1]) == np.sign(grads[0]))


@relaxed
@given(wg=weights_and_grads(), lr=rates, beta=betas, eps=st.floats(min_value=1e-10, max_value=1.0))
def test_rmsprop_never_steps_further_than_lr_over_sqrt_one_minus_beta(
    wg: tuple[list[float], list[list[float]]], lr: float, beta: float, eps: float
) -> None:
    # |g_t| / sqrt(S_t) <= 1 / sqrt(1 - beta), since S_t >= (1 - beta) g_t^2.
    w0, grads = wg
    tr = rmsprop(w0, grads, lr, beta, eps)
    assert np.all(np.abs(tr.step) <= lr / math.sqrt(1.0 - beta) * (1 + 1e-9))


@st.composite
def rows(draw: st.DrawFn) -> list[float]:
    m = draw(st.integers(2, 8))
    row = draw(st.lists(st.floats(min_value=-100, max_value=100), min_size=m, max_size=m))
    if np.var(row) < 1e-6:
        row[0] += 1.0
    return row


@relaxed
@given(
    row=rows(),
    gamma=st.floats(min_value=-5, max_value=5),
    beta=st.floats(min_value=-5, max_value=5),
    eps=st.floats(min_value=0.0, max_value=1.0),
)
def test_a_batchnorm_row_has_mean_beta_and_std_gamma_sqrt_var_over_var_eps(
    row: list[float], gamma: float, beta: float, eps: float
) -> None:
    tr = batchnorm_train([row], [gamma], [beta], eps)
    out = tr.out[0]
    var = float(np.var(row))
    assert out.mean() == pytest.approx(beta, rel=1e-7, abs=1e-9 * max(1.0, abs(gamma) + abs(beta)))
    expected_std = abs(gamma) * math.sqrt(var / (var + eps))
    assert out.std() == pytest.approx(expected_std, rel=1e-7, abs=1e-9 * max(1.0, abs(gamma)))


@relaxed
@given(
    alpha0=st.floats(min_value=1e-5, max_value=1.0),
    drop=st.floats(min_value=0.01, max_value=0.99),
    per=st.integers(1, 20),
    k=st.integers(0, 30),
)
def test_staircase_is_constant_between_drops(alpha0: float, drop: float, per: int, k: int) -> None:
    epochs = np.arange(k * per, (k + 1) * per)
    rates_ = staircase(alpha0, drop, per, epochs)
    assert np.all(rates_ == rates_[0])
    assert rates_[0] == pytest.approx(alpha0 * drop**k, rel=1e-12)
    assert staircase(alpha0, drop, per, (k + 1) * per) < rates_[0]
