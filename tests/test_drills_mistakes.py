"""Good questions (drills contract): every common mistake, implemented here
on its own from the formulas, is rejected by the checker on every generated
drill of its kind, and the right method, implemented here too, passes.

The methods themselves are in drill_methods.py.

Which contract mistakes each kind can separate (the others cannot apply):
- minibatch: floor for ceil (also: one epoch only, batches across epochs).
- ema: no bias correction; t off by one (1 - beta^(T+-1)); and, when no
  correction is asked, a correction anyway.
- momentum: momentum's first step taken as g, in the course's convention only:
  in PyTorch's convention the first step IS g, so there it is not a mistake;
  t off by one as one step fewer (the rule has no t).
- rmsprop: epsilon inside the root; t off by one as one step fewer; a bias
  correction it does not have.
- adam: no bias correction; epsilon inside the root; t off by one in the
  correction (1 - beta^(t+1)) and as one step fewer.
- sgd_weight_decay and l2_equivalent: weight decay doubled.
- lr_decay: t (epoch) off by one, except for the staircase schedule, which is
  constant between drops, so an off-by-one epoch usually gives the same rate
  (the right answer); floor for ceil appears there as ceil for floor.
- log_scale: beta sampled linearly.
- batchnorm: the unbiased variance; epsilon on the wrong side of the root
  (inside is right here: outside is the mistake).
- batchnorm_inference: the wrong meaning of momentum in BatchNorm1d; the
  biased variance in the running variance (unbiased is right there).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from drill_methods import MISTAKES, RIGHT

from srs_dl.core.drills import KINDS, check, generate
from srs_dl.core.drills.drill import Drill

SEEDS = range(150)


def typed(answer: Any) -> str:
    """An answer as the learner would type it, every digit kept."""
    if isinstance(answer, list) and answer and isinstance(answer[0], list):
        return "; ".join(" ".join(repr(float(x)) for x in row) for row in answer)
    if isinstance(answer, list):
        return ", ".join(repr(float(x)) for x in answer)
    return repr(answer)


def rounded(answer: Any) -> str:
    """The same answer rounded to 3 significant figures."""
    if isinstance(answer, list) and answer and isinstance(answer[0], list):
        return "; ".join(" ".join(f"{x:.3g}" for x in row) for row in answer)
    if isinstance(answer, list):
        return ", ".join(f"{x:.3g}" for x in answer)
    return str(answer) if isinstance(answer, int) else f"{answer:.3g}"


CONTRACT_MISTAKES = {
    "no bias correction": [("ema", "no_bias_correction"), ("adam", "no_bias_correction")],
    "epsilon inside the root": [("rmsprop", "eps_inside_root"), ("adam", "eps_inside_root")],
    "t off by one": [
        ("ema", "t_off_by_one"),
        ("adam", "t_off_by_one"),
        ("momentum", "one_step_fewer"),
        ("rmsprop", "one_step_fewer"),
        ("sgd_weight_decay", "one_step_fewer"),
        ("lr_decay", "epoch_plus_one"),
    ],
    "momentum's first step taken as g": [("momentum", "first_step_g")],
    "weight decay doubled": [
        ("sgd_weight_decay", "weight_decay_doubled"),
        ("l2_equivalent", "weight_decay_doubled"),
    ],
    "floor for ceil": [("minibatch", "floor_for_ceil")],
    "the unbiased variance in batch norm": [("batchnorm", "unbiased_variance")],
    "the wrong meaning of momentum in BatchNorm1d": [("batchnorm_inference", "momentum_meaning")],
    "beta sampled linearly": [("log_scale", "beta_sampled_linearly")],
}


def drills_of(kind: str) -> list[Drill]:
    return [generate(kind, np.random.default_rng([9, seed])) for seed in SEEDS]


@pytest.fixture(scope="module", params=KINDS)
def kind_drills(request: pytest.FixtureRequest) -> tuple[str, list[Drill]]:
    return request.param, drills_of(request.param)


def test_every_kind_has_mistakes_here() -> None:
    assert set(RIGHT) == set(KINDS) == set(MISTAKES)


def test_the_right_method_passes(kind_drills: tuple[str, list[Drill]]) -> None:
    kind, drills = kind_drills
    for d in drills:
        right = RIGHT[kind](d.params)
        for text in (typed(right), rounded(right)):
            result = check(d, text)
            assert result.ok is True, (d.params, text, result.message)


def test_every_mistake_is_rejected_on_every_drill(kind_drills: tuple[str, list[Drill]]) -> None:
    kind, drills = kind_drills
    seen: set[str] = set()
    for d in drills:
        wrong = MISTAKES[kind](d.params)
        seen |= set(wrong)
        for name, answer in wrong.items():
            for text in (typed(answer), rounded(answer)):
                result = check(d, text)
                assert result.ok is False, (kind, name, d.params, text, d.answer)
    assert seen


def test_the_checker_names_the_mistake(kind_drills: tuple[str, list[Drill]]) -> None:
    # The generator's own list of mistakes agrees with the ones written here.
    kind, drills = kind_drills
    for d in drills:
        wrong = MISTAKES[kind](d.params)
        assert {m.name for m in d.mistakes} == set(wrong), kind
        for name, answer in wrong.items():
            result = check(d, typed(answer))
            if isinstance(answer, float | list) and not any(
                isinstance(x, float) and math.isnan(x) for x in np.ravel(answer)
            ):
                assert result.mistake is not None, (kind, name)


def test_the_contract_mistakes_are_all_covered() -> None:
    for mistake, where in CONTRACT_MISTAKES.items():
        for kind, name in where:
            drills = drills_of(kind)[:40]
            produced = [name in MISTAKES[kind](d.params) for d in drills]
            assert any(produced), (mistake, kind, name)


@pytest.mark.parametrize(
    "kind", ["momentum", "rmsprop", "adam", "sgd_weight_decay", "adamw", "nesterov"]
)
def test_typing_the_starting_weights_fails(kind: str) -> None:
    for d in drills_of(kind):
        for text in (typed(d.params["w0"]), rounded(d.params["w0"])):
            assert check(d, text).ok is False


def test_typing_the_inputs_fails_for_the_other_kinds() -> None:
    for d in drills_of("batchnorm"):
        assert check(d, typed(d.params["z"])).ok is False
    for d in drills_of("lr_decay"):
        assert check(d, typed(d.params["alpha0"])).ok is False
    for d in drills_of("ema"):
        assert check(d, typed(float(d.params["thetas"][-1]))).ok is False
