"""Each kernel against values worked out by hand from its formula."""

from __future__ import annotations

import math

import numpy as np
import pytest

from srs_dl.core.compute.batchnorm import batchnorm_inference, batchnorm_train
from srs_dl.core.compute.decay import (
    exponential,
    inverse_sqrt,
    inverse_time,
    learning_rate,
    schedule_curve,
    staircase,
)
from srs_dl.core.compute.ema import ema
from srs_dl.core.compute.minibatch import batch_sizes, minibatch_indices, num_batches, num_updates
from srs_dl.core.compute.optimizers import (
    adam,
    l2_equivalent,
    momentum,
    rmsprop,
    sgd,
    sgd_weight_decay,
)
from srs_dl.core.compute.paths import quadratic_path
from srs_dl.core.compute.sampling import (
    log_scale,
    one_minus_log_scale,
    sample_log_scale,
    sample_one_minus_log_scale,
)

close = np.testing.assert_allclose


# --- mini-batches -------------------------------------------------------------


def test_num_updates_counts_the_partial_batch_every_epoch() -> None:
    assert num_batches(1000, 64) == 16  # 15 full batches of 64 and one of 40
    assert num_updates(1000, 64, 3) == 48
    assert num_updates(1024, 64, 2) == 32  # 64 divides 1024: no partial batch
    assert num_updates(5, 10, 4) == 4  # one partial batch per epoch
    assert num_updates(0, 10, 4) == 0


def test_batch_sizes_and_indices_in_order() -> None:
    assert batch_sizes(10, 4).tolist() == [4, 4, 2]
    assert batch_sizes(8, 4).tolist() == [4, 4]
    batches = minibatch_indices(10, 4)
    assert [b.tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_shuffled_indices_are_a_seeded_permutation() -> None:
    a = minibatch_indices(11, 3, np.random.default_rng(5))
    b = minibatch_indices(11, 3, np.random.default_rng(5))
    assert [x.tolist() for x in a] == [x.tolist() for x in b]
    assert [len(x) for x in a] == [3, 3, 3, 2]
    assert sorted(np.concatenate(a).tolist()) == list(range(11))
    assert np.concatenate(a).tolist() != list(range(11))


@pytest.mark.parametrize(("m", "size", "epochs"), [(10, 0, 1), (-1, 4, 1), (10, 4, -1)])
def test_minibatch_rejects_bad_counts(m: int, size: int, epochs: int) -> None:
    with pytest.raises(ValueError):
        num_updates(m, size, epochs)
    with pytest.raises(TypeError):
        num_updates(10.5, 4, 1)  # type: ignore[arg-type]


# --- exponentially weighted averages ------------------------------------------


def test_ema_by_hand_beta_09() -> None:
    tr = ema([10.0, 20.0], 0.9)
    # V1 = 0.1 * 10 = 1; V2 = 0.9 * 1 + 0.1 * 20 = 2.9
    close(tr.v, [1.0, 2.9])
    # corrected: 1 / (1 - 0.9) = 10; 2.9 / (1 - 0.81) = 2.9 / 0.19
    close(tr.v_corrected, [10.0, 2.9 / 0.19])
    close(tr.correction, [0.1, 0.19])
    assert tr.final == pytest.approx(2.9)


def test_ema_by_hand_beta_05() -> None:
    tr = ema([4.0, 8.0, 2.0], 0.5)
    # V1 = 2, V2 = 1 + 4 = 5, V3 = 2.5 + 1 = 3.5
    close(tr.v, [2.0, 5.0, 3.5])
    close(tr.v_corrected, [4.0, 5.0 / 0.75, 3.5 / 0.875])


def test_ema_of_vectors_is_elementwise() -> None:
    tr = ema([[1.0, 10.0], [3.0, 30.0]], 0.5)
    close(tr.v, [[0.5, 5.0], [1.75, 17.5]])
    assert not tr.v.flags.writeable


def test_ema_rejects_beta_one() -> None:
    with pytest.raises(ValueError):
        ema([1.0], 1.0)


# --- SGD and weight decay ------------------------------------------------------


def test_sgd_by_hand() -> None:
    tr = sgd([1.0, -2.0], [[0.5, 1.0], [-1.0, 2.0]], 0.1)
    close(tr.w, [[1.0, -2.0], [0.95, -2.1], [1.05, -2.3]])
    close(tr.step, [[0.05, 0.1], [-0.1, 0.2]])
    close(tr.final, [1.05, -2.3])


def test_sgd_weight_decay_by_hand() -> None:
    tr = sgd_weight_decay([1.0], [[0.5], [0.5]], 0.1, 0.1)
    # step 1: 0.5 + 0.1 * 1 = 0.6 -> 0.94; step 2: 0.5 + 0.094 = 0.594 -> 0.8806
    close(tr.effective_grad, [[0.6], [0.594]])
    close(tr.w[:, 0], [1.0, 0.94, 0.8806])


def test_sgd_weight_decay_two_weights() -> None:
    tr = sgd_weight_decay([2.0, -1.0], [[1.0, 0.0], [0.0, 1.0]], 0.5, 0.2)
    # w1 = [2 - 0.5 (1 + 0.4), -1 - 0.5 (0 - 0.2)] = [1.3, -0.9]
    # w2 = [1.3 - 0.5 (0 + 0.26), -0.9 - 0.5 (1 - 0.18)] = [1.17, -1.31]
    close(tr.w, [[2.0, -1.0], [1.3, -0.9], [1.17, -1.31]])
    close(tr.decay, [[0.4, -0.2], [0.26, -0.18]])


def test_l2_equivalent_is_half_the_weight_decay() -> None:
    assert l2_equivalent(0.01) == pytest.approx(0.005)
    # The gradient of lambda * w^2 with that lambda is weight_decay * w.
    w = 3.0
    assert 2 * l2_equivalent(0.2) * w == pytest.approx(0.2 * w)


# --- momentum ------------------------------------------------------------------


def test_momentum_ema_convention_by_hand() -> None:
    tr = momentum([1.0], [[1.0], [1.0]], 0.1, 0.9, "ema")
    # V1 = 0.1 -> w1 = 0.99; V2 = 0.09 + 0.1 = 0.19 -> w2 = 0.971
    close(tr.v[:, 0], [0.1, 0.19])
    close(tr.w[:, 0], [1.0, 0.99, 0.971])


def test_momentum_pytorch_convention_by_hand() -> None:
    tr = momentum([1.0], [[1.0], [1.0]], 0.1, 0.9, "pytorch")
    # buffer1 = g1 = 1 -> w1 = 0.9; buffer2 = 0.9 + 1 = 1.9 -> w2 = 0.71
    close(tr.v[:, 0], [1.0, 1.9])
    close(tr.w[:, 0], [1.0, 0.9, 0.71])


def test_momentum_both_conventions_two_weights() -> None:
    grads = [[2.0, -1.0], [0.0, 3.0], [1.0, 1.0]]
    ema_tr = momentum([0.0, 0.0], grads, 0.5, 0.5, "ema")
    # V1 = [1, -0.5], V2 = [0.5, 1.25], V3 = [0.75, 1.125]
    close(ema_tr.v, [[1.0, -0.5], [0.5, 1.25], [0.75, 1.125]])
    close(ema_tr.final, [-0.5 * (1.0 + 0.5 + 0.75), -0.5 * (-0.5 + 1.25 + 1.125)])
    pt = momentum([0.0, 0.0], grads, 0.5, 0.5, "pytorch")
    # b1 = [2, -1], b2 = [1, 2.5], b3 = [1.5, 2.25]
    close(pt.v, [[2.0, -1.0], [1.0, 2.5], [1.5, 2.25]])
    close(pt.final, [-0.5 * 4.5, -0.5 * 3.75])


def test_momentum_rejects_unknown_convention() -> None:
    with pytest.raises(ValueError):
        momentum([1.0], [[1.0]], 0.1, 0.9, "keras")  # type: ignore[arg-type]


# --- RMSprop -------------------------------------------------------------------


def test_rmsprop_by_hand() -> None:
    tr = rmsprop([1.0], [[2.0], [1.0]], 0.01, 0.9, 0.1)
    s1 = 0.1 * 4.0
    w1 = 1.0 - 0.01 * 2.0 / (math.sqrt(s1) + 0.1)
    s2 = 0.9 * s1 + 0.1 * 1.0
    w2 = w1 - 0.01 * 1.0 / (math.sqrt(s2) + 0.1)
    close(tr.s[:, 0], [s1, s2])
    close(tr.denom[:, 0], [math.sqrt(s1) + 0.1, math.sqrt(s2) + 0.1])
    close(tr.w[:, 0], [1.0, w1, w2])


def test_rmsprop_two_weights_and_a_zero_gradient() -> None:
    tr = rmsprop([0.5, -0.5], [[0.0, 3.0], [4.0, 0.0]], 0.1, 0.5, 1e-8)
    # weight 1: no step at g = 0 (eps after the root: 0 / (0 + eps) = 0), then
    # S = 0.5 * 16 = 8 -> step 0.1 * 4 / sqrt(8)
    assert tr.w[1, 0] == 0.5
    close(tr.w[2, 0], 0.5 - 0.1 * 4.0 / (math.sqrt(8.0) + 1e-8))
    # weight 2: S1 = 4.5 -> step 0.1 * 3 / sqrt(4.5); S2 = 2.25, g = 0: no step
    close(tr.w[1, 1], -0.5 - 0.3 / (math.sqrt(4.5) + 1e-8))
    close(tr.s[:, 1], [4.5, 2.25])
    assert tr.w[2, 1] == tr.w[1, 1]


# --- Adam ------------------------------------------------------------------------


def test_adam_by_hand() -> None:
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 0.01
    tr = adam([1.0], [[2.0], [-1.0]], lr, b1, b2, eps)
    v1, s1 = 0.1 * 2.0, 0.001 * 4.0
    vh1, sh1 = v1 / 0.1, s1 / 0.001  # 2 and 4
    w1 = 1.0 - lr * vh1 / (math.sqrt(sh1) + eps)
    v2, s2 = 0.9 * v1 - 0.1, 0.999 * s1 + 0.001
    vh2, sh2 = v2 / (1 - 0.81), s2 / (1 - 0.999**2)
    w2 = w1 - lr * vh2 / (math.sqrt(sh2) + eps)
    close(tr.v[:, 0], [v1, v2])
    close(tr.s[:, 0], [s1, s2])
    close(tr.v_hat[:, 0], [vh1, vh2])
    close(tr.s_hat[:, 0], [sh1, sh2])
    close(tr.w[:, 0], [1.0, w1, w2])
    close(w1, 1.0 - 0.1 * 2.0 / 2.01)


def test_adam_two_weights_first_step_is_lr_sign() -> None:
    tr = adam([0.0, 0.0], [[3.0, -0.5]], 0.01, 0.8, 0.99, 1e-8)
    close(tr.step[0], [0.01 * 3.0 / (3.0 + 1e-8), -0.01 * 0.5 / (0.5 + 1e-8)])
    close(tr.final, [-0.01, 0.01], rtol=1e-7)


def test_optimizers_check_shapes() -> None:
    with pytest.raises(ValueError):
        sgd([1.0, 2.0], [[1.0, 2.0, 3.0]], 0.1)
    with pytest.raises(ValueError):
        adam([1.0, 2.0], [1.0, 2.0], 0.1)  # flat gradients are only read as such for one weight
    tr = sgd([1.0], [0.5, 0.5], 0.1)  # one weight: T scalars are T vectors of one
    close(tr.w[:, 0], [1.0, 0.95, 0.9])


def test_trace_arrays_are_read_only() -> None:
    tr = adam([1.0], [[1.0]], 0.1)
    with pytest.raises(ValueError):
        tr.w[0, 0] = 5.0


# --- learning-rate decay ------------------------------------------------------------


def test_decay_schedules_by_hand() -> None:
    assert inverse_time(0.1, 0.5, 2) == pytest.approx(0.05)
    assert inverse_time(0.2, 1.0, 3) == pytest.approx(0.05)
    assert exponential(0.1, 0.95, 2) == pytest.approx(0.09025)
    assert exponential(0.02, 0.5, 3) == pytest.approx(0.0025)
    assert inverse_sqrt(0.1, 1.0, 4) == pytest.approx(0.05)
    assert inverse_sqrt(0.01, 2.0, 16) == pytest.approx(0.005)
    assert staircase(0.1, 0.5, 3, 7) == pytest.approx(0.025)  # floor(7/3) = 2 drops
    assert staircase(0.1, 0.1, 10, 9) == pytest.approx(0.1)  # no drop before epoch 10


def test_decay_over_arrays_and_by_name() -> None:
    close(staircase(1.0, 0.5, 2, np.arange(6)), [1, 1, 0.5, 0.5, 0.25, 0.25])
    close(inverse_time(1.0, 1.0, np.array([0, 1, 3])), [1.0, 0.5, 0.25])
    assert learning_rate("exponential", 0.1, 2, base=0.95) == pytest.approx(0.09025)
    assert learning_rate("staircase", 0.1, 7, drop=0.5, epochs_per_drop=3) == pytest.approx(0.025)
    curve = schedule_curve("inverse_sqrt", 1.0, 4, k=1.0)
    close(curve.epochs, [1, 2, 3, 4])
    close(curve.rates, [1.0, 1 / math.sqrt(2), 1 / math.sqrt(3), 0.5])
    assert schedule_curve("inverse_time", 1.0, 3, decay_rate=1.0).epochs.tolist() == [0, 1, 2, 3]


def test_decay_errors() -> None:
    with pytest.raises(ValueError):
        inverse_sqrt(0.1, 1.0, 0)
    with pytest.raises(ValueError):
        learning_rate("cosine", 0.1, 1)
    with pytest.raises(ValueError):
        learning_rate("exponential", 0.1, 1, decay_rate=0.5)


# --- log-scale sampling ----------------------------------------------------------------


def test_log_scale_by_hand() -> None:
    assert log_scale(1e-4, 1.0, 0.5) == pytest.approx(1e-2)
    assert log_scale(1e-4, 1.0, 0.25) == pytest.approx(1e-3)
    assert log_scale(0.001, 0.1, 0.0) == pytest.approx(0.001)
    assert log_scale(0.001, 0.1, 1.0) == pytest.approx(0.1)


def test_one_minus_log_scale_by_hand() -> None:
    # 1 - beta between 1e-3 and 1e-1: u = 0.5 gives 1 - 10^-2
    assert one_minus_log_scale(0.9, 0.999, 0.5) == pytest.approx(0.99)
    assert one_minus_log_scale(0.9, 0.999, 0.0) == pytest.approx(0.999)
    assert one_minus_log_scale(0.9, 0.999, 1.0) == pytest.approx(0.9)
    assert one_minus_log_scale(0.99, 0.9999, 0.5) == pytest.approx(0.999)


def test_sampling_is_seeded_and_in_range() -> None:
    a = sample_log_scale(1e-4, 1.0, np.random.default_rng(3), 1000)
    b = sample_log_scale(1e-4, 1.0, np.random.default_rng(3), 1000)
    close(a, b)
    assert a.min() >= 1e-4 and a.max() <= 1.0
    # About a quarter of the draws per decade.
    assert 0.2 < np.mean(a < 1e-3) < 0.3
    betas = sample_one_minus_log_scale(0.9, 0.999, np.random.default_rng(3), 1000)
    assert 0.4 < np.mean(betas > 0.99) < 0.6
    assert isinstance(sample_log_scale(1e-3, 1e-1, np.random.default_rng(0)), float)
    with pytest.raises(ValueError):
        log_scale(1.0, 0.1, 0.5)


# --- batch normalisation ----------------------------------------------------------


def test_batchnorm_train_one_row_by_hand() -> None:
    tr = batchnorm_train([[1.0, 2.0, 3.0]], [1.0], [0.0], 0.0)
    # mean 2, biased var (1 + 0 + 1) / 3
    close(tr.mean, [2.0])
    close(tr.var, [2.0 / 3.0])
    s = math.sqrt(2.0 / 3.0)
    close(tr.out, [[-1.0 / s, 0.0, 1.0 / s]])


def test_batchnorm_train_two_rows_with_gamma_beta_eps() -> None:
    tr = batchnorm_train([[0.0, 4.0], [1.0, 1.0]], [2.0, 3.0], [1.0, -1.0], 0.5)
    # row 1: mean 2, var 4 -> z_norm = -+2 / sqrt(4.5); row 2: var 0 -> z_norm 0
    d = 2.0 / math.sqrt(4.5)
    close(tr.z_norm, [[-d, d], [0.0, 0.0]])
    close(tr.out, [[1.0 - 2.0 * d, 1.0 + 2.0 * d], [-1.0, -1.0]])
    close(tr.std, [math.sqrt(4.5), math.sqrt(0.5)])


def test_batchnorm_inference_by_hand() -> None:
    tr = batchnorm_inference(
        [[[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]]], 0.1, 1e-5, [1.0], [0.0], [[1.0, 2.0]]
    )
    # batch 1: mean 2, unbiased var 1; batch 2: mean 4, unbiased var 4
    close(tr.batch_var_unbiased[:, 0], [1.0, 4.0])
    close(tr.batch_var[:, 0], [2.0 / 3.0, 8.0 / 3.0])
    # running mean 0 -> 0.2 -> 0.18 + 0.4 = 0.58; running var 1 -> 1.0 -> 0.9 + 0.4 = 1.3
    close(tr.running_mean[:, 0], [0.0, 0.2, 0.58])
    close(tr.running_var[:, 0], [1.0, 1.0, 1.3])
    close(tr.out, [[(1.0 - 0.58) / math.sqrt(1.3 + 1e-5), (2.0 - 0.58) / math.sqrt(1.3 + 1e-5)]])


def test_batchnorm_inference_two_units_gamma_beta() -> None:
    batches = [[[0.0, 2.0], [10.0, 10.0]]]
    tr = batchnorm_inference(batches, 0.5, 0.0, [2.0, 1.0], [1.0, 3.0], [[1.0], [5.0]])
    # unit 1: mean 1, unbiased var 2 -> running (0.5, 1.5); unit 2: mean 10, var 0 -> (5, 0.5)
    close(tr.running_mean[-1], [0.5, 5.0])
    close(tr.running_var[-1], [1.5, 0.5])
    close(tr.out, [[2.0 * 0.5 / math.sqrt(1.5) + 1.0], [3.0]])


def test_batchnorm_inference_needs_two_examples_per_batch() -> None:
    with pytest.raises(ValueError):
        batchnorm_inference([[[1.0]]], 0.1, 1e-5, [1.0], [0.0], [[1.0]])
    with pytest.raises(ValueError):
        batchnorm_inference([[[1.0, 2.0]]], 0.1, 1e-5, [1.0, 1.0], [0.0, 0.0], [[1.0], [2.0]])


# --- paths on the quadratic bowl -------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_quadratic_path_uses_the_gradient_at_each_step(optimizer: str) -> None:
    path = quadratic_path(optimizer, (-1.5, 0.6), steps=60)
    c = np.array([1.0, 10.0])
    close(path.w[0], [-1.5, 0.6])
    close(path.trace.grads, c * path.w[:-1])
    close(path.loss, 0.5 * (c * path.w**2).sum(axis=1))
    assert path.loss[-1] < 0.05 * path.loss[0]


def test_quadratic_path_matches_the_kernel_with_known_gradients() -> None:
    # Momentum on f(w) = 1/2 w^2 from w = 1 (pytorch, lr 0.1, beta 0.5):
    # g1 = 1, b1 = 1, w1 = 0.9; g2 = 0.9, b2 = 0.5 + 0.9 = 1.4, w2 = 0.76
    path = quadratic_path("momentum", (1.0,), curvature=(1.0,), steps=2, lr=0.1, beta=0.5)
    close(path.w[:, 0], [1.0, 0.9, 0.76])
    with pytest.raises(ValueError):
        quadratic_path("adagrad")
    with pytest.raises(ValueError):
        quadratic_path("adam", beta=0.9)
