"""Generated drills: determinism, the JSON contract, the answer checker, the
worksheet, and the heading table."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs_dl.core.drills import (
    DEFAULT_HEADING_KINDS,
    KINDS,
    CheckResult,
    Drill,
    DrillError,
    build,
    check,
    drills_jsonl,
    drills_markdown,
    generate,
    kinds_for_heading,
)
from srs_dl.core.drills.answers import parse_answer
from srs_dl.core.drills.drill import StepsTable
from srs_dl.core.drills.formatting import full_precision

CONTRACT_KINDS = (
    "minibatch",
    "ema",
    "momentum",
    "rmsprop",
    "adam",
    "sgd_weight_decay",
    "l2_equivalent",
    "lr_decay",
    "log_scale",
    "batchnorm",
    "batchnorm_inference",
    # The extension of the contract (docs/drills.md).
    "adamw",
    "nesterov",
    "warmup_cosine",
    "bn_fold",
    "grad_clip",
)
CONTRACT_PARAMS = {
    "minibatch": {"m", "batch_size", "epochs"},
    "ema": {"beta", "thetas", "bias_correction"},
    "momentum": {"lr", "beta", "w0", "grads", "convention"},
    "rmsprop": {"lr", "beta", "eps", "w0", "grads"},
    "adam": {"lr", "beta1", "beta2", "eps", "w0", "grads"},
    "sgd_weight_decay": {"lr", "weight_decay", "w0", "grads"},
    "l2_equivalent": {"weight_decay"},
    "log_scale": {"low", "high", "u", "target"},
    "batchnorm": {"z", "gamma", "beta", "eps"},
    "batchnorm_inference": {"batches", "momentum", "eps", "gamma", "beta", "z_test"},
    "adamw": {"lr", "beta1", "beta2", "eps", "weight_decay", "w0", "grads"},
    "nesterov": {"lr", "beta", "w0", "grads"},
    "warmup_cosine": {"alpha0", "warmup", "total", "start_factor", "eta_min", "step"},
    "bn_fold": {"w", "b", "gamma", "beta", "mean", "var", "eps"},
    "grad_clip": {"grads", "max_norm"},
}
SCHEDULE_PARAMS = {
    "inverse_time": {"decay_rate"},
    "exponential": {"base"},
    "inverse_sqrt": {"k"},
    "staircase": {"drop", "epochs_per_drop"},
}


def lines(count: int, seed: int, kinds: list[str] | None = None) -> list[dict]:
    out = drills_jsonl(count, seed, kinds)
    assert out.endswith("\n")
    return [json.loads(line) for line in out.splitlines()]


# --- determinism and coverage -------------------------------------------------------


def test_same_count_and_seed_give_the_same_bytes() -> None:
    assert drills_jsonl(30, 4) == drills_jsonl(30, 4)
    assert drills_markdown(12, 4) == drills_markdown(12, 4)
    assert drills_jsonl(30, 4) != drills_jsonl(30, 5)
    # Drill i depends on (seed, i) only: a longer run starts with the shorter one.
    assert drills_jsonl(30, 4).startswith(drills_jsonl(7, 4))


def test_generate_is_a_function_of_the_generator_state() -> None:
    for kind in KINDS:
        a = generate(kind, np.random.default_rng(123))
        b = generate(kind, np.random.default_rng(123))
        assert a.to_json() == b.to_json()


def test_every_kind_appears_in_turn() -> None:
    assert KINDS == CONTRACT_KINDS
    got = [d["kind"] for d in lines(2 * len(KINDS), 1)]
    assert got == list(KINDS) * 2


def test_kind_restricts_and_cycles() -> None:
    got = [d["kind"] for d in lines(5, 2, ["adam", "ema"])]
    assert got == ["adam", "ema", "adam", "ema", "adam"]
    assert drills_jsonl(0, 2) == ""
    with pytest.raises(DrillError, match="unknown drill kind 'sgd'"):
        drills_jsonl(3, 1, ["sgd"])
    with pytest.raises(DrillError):
        drills_jsonl(3, -1)


# --- the JSON contract ------------------------------------------------------------------


def _is_vector(x: object, n: int) -> bool:
    return isinstance(x, list) and len(x) == n and all(type(v) is float for v in x)


def test_json_lines_follow_the_contract() -> None:
    schedules = set()
    for d in lines(20 * len(KINDS), 11):
        assert list(d)[:4] == ["kind", "params", "answer", "prompt"]
        kind, p, a = d["kind"], d["params"], d["answer"]
        if kind == "lr_decay":
            schedules.add(p["schedule"])
            assert set(p) == {"schedule", "alpha0", "epoch"} | SCHEDULE_PARAMS[p["schedule"]]
        else:
            assert set(p) == CONTRACT_PARAMS[kind], kind
        if kind in ("momentum", "rmsprop", "adam", "sgd_weight_decay", "adamw", "nesterov"):
            n = len(p["w0"])
            assert 1 <= n <= 3 and 2 <= len(p["grads"]) <= 4
            assert all(_is_vector(g, n) for g in p["grads"])
            assert _is_vector(a, n)
        elif kind == "batchnorm":
            n, m = len(p["z"]), len(p["z"][0])
            assert isinstance(a, list) and len(a) == n and all(_is_vector(r, m) for r in a)
        elif kind == "batchnorm_inference":
            n, k = len(p["z_test"]), len(p["z_test"][0])
            assert all(len(b) == n and len(b[0]) >= 2 for b in p["batches"])
            assert isinstance(a, list) and len(a) == n and all(_is_vector(r, k) for r in a)
        elif kind == "bn_fold":
            n, k = len(p["w"]), len(p["w"][0])
            assert isinstance(a, list) and len(a) == n and all(_is_vector(r, k + 1) for r in a)
        elif kind == "grad_clip":
            n, m = len(p["grads"]), len(p["grads"][0])
            assert isinstance(a, list) and len(a) == n and all(_is_vector(r, m) for r in a)
        elif kind == "minibatch":
            assert type(a) is int and all(type(p[x]) is int for x in p)
        else:
            assert type(a) is float
        assert "tolerance" in d and "steps" in d and d["topic"]
        assert d["steps"]["rows"] and all(
            len(r) == len(d["steps"]["columns"]) for r in d["steps"]["rows"]
        )
    assert schedules == set(SCHEDULE_PARAMS)


def test_answers_are_the_exact_float64_of_the_kernels() -> None:
    for d in lines(3 * len(KINDS), 3):
        again = build(d["kind"], d["params"])
        assert again.answer == d["answer"]
        assert again.prompt == d["prompt"]


def test_inputs_are_at_realistic_scales() -> None:
    for d in lines(30 * len(KINDS), 8):
        p = d["params"]
        for name in ("lr", "alpha0"):
            if name in p and d["kind"] != "bn_fold":
                assert 1e-4 <= p[name] <= 0.1, (d["kind"], p)
        for name in ("beta", "beta1", "beta2"):
            if name in p and d["kind"] not in ("batchnorm", "batchnorm_inference", "bn_fold"):
                assert 0.8 <= p[name] <= 0.999, (d["kind"], p)
        # Numbers a person can type: every input has at most 3 significant figures
        # (counts such as batch_size = 1024 aside).
        for x in _numbers(p):
            assert x.is_integer() or float(f"{x:.3g}") == x, (d["kind"], x)


def _numbers(x: object) -> list[float]:
    if isinstance(x, bool | str):
        return []
    if isinstance(x, int | float):
        return [float(x)]
    if isinstance(x, dict):
        return [v for item in x.values() for v in _numbers(item)]
    if isinstance(x, list):
        return [v for item in x for v in _numbers(item)]
    return []


def test_prompts_state_the_convention_and_the_tolerance() -> None:
    for d in lines(10 * len(KINDS), 5):
        prompt = d["prompt"]
        if d["kind"] == "minibatch":
            assert "exact" in prompt
        else:
            assert "3 significant figures" in prompt and "0.5%" in prompt
        if d["kind"] == "momentum":
            convention = d["params"]["convention"]
            assert ("torch.optim.SGD" in prompt) == (convention != "ema")
            assert ("dampening=beta" in prompt) == (convention == "pytorch_dampened")
            assert ("course's convention" in prompt) == (convention == "ema")
        if d["kind"] in ("adam", "rmsprop"):
            assert "eps" in prompt and "after the square root" in prompt
        if d["kind"] == "batchnorm_inference":
            assert "unbiased" in prompt and "(1 - momentum) * running + momentum" in prompt
        for x in _numbers(d["params"]):
            assert f"{x:g}" in prompt or str(int(x)) in prompt


# --- the checker ----------------------------------------------------------------------------


def drill_with(answer: object) -> Drill:
    return Drill("test", {}, answer, "?", StepsTable(("t",), ((1,),)), "Test")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        (0.0123, "0.0123"),
        (0.0123, "1.23e-2"),
        (0.0123, "1.23E-02"),
        (0.0123, " +0.01231 "),
        (-4.0, "-4"),
        (-4.0, "\u22124"),
        (0.0, "0"),
        (1e-12, "0"),  # within the absolute tolerance near zero
        ([0.1, 0.2], "[0.1, 0.2]"),
        ([0.1, 0.2], "0.1, 0.2"),
        ([0.1, 0.2], "0.1 0.2"),
        ([0.1, 0.2], "0.1,0.2"),
        ([0.1, 0.2], "(0.1, 0.2)"),
        ([0.5], "0.5"),
        ([0.5], "[0.5]"),
        ([[1.0, 2.0], [3.0, 4.0]], "1 2; 3 4"),
        ([[1.0, 2.0], [3.0, 4.0]], "1, 2; 3, 4;"),
        ([[1.0, 2.0], [3.0, 4.0]], "[[1, 2], [3, 4]]"),
        ([[1.0, 2.0], [3.0, 4.0]], "[1, 2]; [3, 4]"),
        ([[1.0, 2.0, 3.0]], "1 2 3"),
        ([[1.0], [2.0]], "1; 2"),
        (48, "48"),
        (48, "48.0"),
        (48, "4.8e1"),
        (1875, "1,875"),
    ],
)
def test_checker_accepts_every_contract_format(answer: object, text: str) -> None:
    result = check(drill_with(answer), text)
    assert result.ok is True, result.message


def test_tolerance_is_three_significant_figures() -> None:
    d = drill_with(0.48213)
    assert check(d, "0.482").ok is True
    assert check(d, repr(0.48213 * (1 + 4.9e-3))).ok is True
    assert check(d, repr(0.48213 * (1 - 4.9e-3))).ok is True
    assert check(d, repr(0.48213 * (1 + 5.1e-3))).ok is False
    assert check(d, "0.48").ok is True  # 0.44% off
    assert check(d, "0.479").ok is False  # 0.65% off
    v = drill_with([1.0, 100.0])
    assert check(v, "1.004 100.4").ok is True
    assert check(v, "1.004 101").ok is False
    result = check(v, "1 101")
    assert result.ok is False and "1 of 2 numbers are off" in result.message


def test_integer_answers_must_be_exact() -> None:
    d = drill_with(48)
    assert check(d, "47").ok is False
    assert check(d, "48.5").ok is False
    assert check(d, "48.0000000000000000001").ok is False
    assert check(d, "49").ok is False


@pytest.mark.parametrize(
    ("answer", "text", "says"),
    [
        (0.5, "", "Type the answer"),
        (0.5, "   ", "Type the answer"),
        (0.5, "abc", "'abc' is not a number"),
        (0.5, "0x10", "is not a number"),
        (0.5, "1/2", "is not a number"),
        (0.5, "1_000", "is not a number"),
        ([0.1, 0.2], "0.1, two", "'two' is not a number"),
        (0.5, "nan", "NaN is not an answer"),
        (0.5, "NaN", "NaN is not an answer"),
        (0.5, "inf", "Infinity is not an answer"),
        (0.5, "-Infinity", "Infinity is not an answer"),
        ([0.1, 0.2], "0.1, inf", "Infinity is not an answer"),
        (0.5, "1e999", "overflows"),
        (0.5, "-1e400", "overflows"),
        (0.5, "1" * 10_000, "too many digits"),
        (0.5, "0." + "1" * 10_000, "too many digits"),
        (48, "9" * 10_000, "too many digits"),
        (0.5, "0.1 0.2", "Expected one number, got 2 numbers"),
        (0.5, "0,5", "write decimals with '.'"),
        ([0.1, 0.2], "0.1", "Expected 2 numbers (one per weight), got 1"),
        ([0.1, 0.2], "0.1 0.2 0.3", "Expected 2 numbers (one per weight), got 3"),
        ([0.1, 0.2], "0.1 0.2; 0.3 0.4", "Expected 2 numbers on one line"),
        ([[1.0, 2.0], [3.0, 4.0]], "1 2 3 4", "Expected a 2 x 2 matrix"),
        ([[1.0, 2.0], [3.0, 4.0]], "1 2; 3", "Expected a 2 x 2 matrix"),
        ([[1.0, 2.0], [3.0, 4.0]], "1 2; 3 4; 5 6", "rows separated by ';'"),
    ],
)
def test_checker_gives_no_grade_to_what_is_not_an_answer(
    answer: object, text: str, says: str
) -> None:
    result = check(drill_with(answer), text)
    assert result.ok is None
    assert says in result.message
    assert "\n" not in result.message and len(result.message) < 200


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60) | st.from_regex(r"[-+0-9eE.,;\[\] ]{0,40}", fullmatch=True))
def test_the_checker_never_raises_and_always_says_something(text: str) -> None:
    for answer in (0.5, 48, [0.1, 0.2], [[1.0, 2.0], [3.0, 4.0]]):
        result = check(drill_with(answer), text)
        assert result.ok in (True, False, None)
        assert result.message and "\n" not in result.message
        assert (result.value is None) == (result.ok is None)


def test_a_wrong_answer_names_the_mistake_it_matches() -> None:
    d = generate("adam", np.random.default_rng(2))
    no_correction = next(m for m in d.mistakes if m.name == "no_bias_correction")
    result = check(d, full_precision(no_correction.answer))
    assert result == CheckResult(
        False, result.message, result.value, "no_bias_correction", "skipping the bias correction"
    )
    assert "skipping the bias correction" in result.message
    assert check(d, full_precision(d.answer)).ok is True


def test_the_right_answer_passes_on_every_kind_in_every_form() -> None:
    for i, kind in enumerate(KINDS * 10):
        d = generate(kind, np.random.default_rng([77, i]))
        text = full_precision(d.answer)
        assert check(d, text).ok is True
        if isinstance(d.answer, list) and not isinstance(d.answer[0], list):
            assert check(d, "[" + text + "]").ok is True
            assert check(d, text.replace(",", "")).ok is True


def test_parse_answer_shapes() -> None:
    assert parse_answer("1 2; 3 4", [[0.0, 0.0], [0.0, 0.0]]) == [[1.0, 2.0], [3.0, 4.0]]
    assert parse_answer("7", 3) == 7 and isinstance(parse_answer("7", 3), int)
    assert parse_answer("0.1; 0.2", [0.0, 0.0]) == [0.1, 0.2]  # a column is a vector too


# --- build, worksheet, purity ------------------------------------------------------------------


def test_build_rejects_params_that_are_not_the_kinds() -> None:
    with pytest.raises(DrillError, match="takes params"):
        build("adam", {"lr": 0.1})
    with pytest.raises(DrillError, match="unknown drill kind"):
        build("adagrad", {})
    with pytest.raises(DrillError):
        build("lr_decay", {"schedule": "cosine", "alpha0": 0.1, "epoch": 1})


def test_worksheet_has_questions_then_an_answer_key_with_steps() -> None:
    text = drills_markdown(len(KINDS), 3)
    questions, key = text.split("# Answer key")
    drills = [json.loads(x) for x in drills_jsonl(len(KINDS), 3).splitlines()]
    for i, d in enumerate(drills, 1):
        assert f"## {i}. " in questions and f"`{d['kind']}`" in questions
        assert d["prompt"].splitlines()[0] in questions
        assert f"## {i}. " in key
        assert "| " + " | ".join(d["steps"]["columns"]) + " |" in key
    assert key.count("**Answer:**") == len(KINDS)


def test_the_pure_core_imports_no_shell() -> None:
    code = (
        "import sys, srs_dl.core.drills, srs_dl.core.compute.paths;"
        "bad = [m for m in ('textual', 'sqlite3', 'sqlite_utils') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- headings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "kinds"),
    [
        ("MINI-BATCH - Batch vs. Mini-Batch Gradient Descent", ("minibatch",)),
        ("EXPONENTIAL MOVING AVERAGE - Exponentially Weighted (moving) Average", ("ema",)),
        ("MOMENTUM - Gradient descent with momentum", ("momentum",)),
        ("RMS_propagation", ("rmsprop",)),
        ("ADAM  =  MOMENTUM + RMS_prop  =  Adaptive Moment Estimation", ("adam",)),
        ("LEARNING RATE DECAY", ("lr_decay",)),
        ("HYPER PARAMETER OPTOMIZATION", ("log_scale",)),
        (
            "BATCH NORMALIZATION - for intra layer Z or A activation values",
            ("batchnorm", "batchnorm_inference"),
        ),
        ("## MOMENTUM - Gradient descent with momentum", ("momentum",)),
        ("Mini-batch gradient descent", ("minibatch",)),
        ("Exponentially weighted averages", ("ema",)),
        ("Bias correction", ("ema",)),
        ("Momentum", ("momentum",)),
        ("RMSprop", ("rmsprop",)),
        ("Adam", ("adam",)),
        ("Adam and its hyperparameters", ("adam",)),
        ("Learning-rate decay", ("lr_decay",)),
        ("Hyperparameter search", ("log_scale",)),
        ("Batch normalisation", ("batchnorm", "batchnorm_inference")),
        ("Batch normalization", ("batchnorm", "batchnorm_inference")),
        ("SGD with weight decay", ("sgd_weight_decay", "l2_equivalent")),
        ("Weight decay", ("sgd_weight_decay", "l2_equivalent")),
        ("Emacs tips", ()),
        ("Gradient Descent", ()),
        ("", ()),
    ],
)
def test_headings_name_their_drills(heading: str, kinds: tuple[str, ...]) -> None:
    assert kinds_for_heading(heading) == kinds
    assert kinds_for_heading(heading, DEFAULT_HEADING_KINDS) == kinds


def test_a_config_table_is_matched_the_same_way() -> None:
    table = {"Adaptive gradients": ["adam"], "RMS-Prop": ("rmsprop",)}
    assert kinds_for_heading("ADAPTIVE_GRADIENTS - notes", table) == ("adam",)
    assert kinds_for_heading("rms prop", table) == ("rmsprop",)
    assert kinds_for_heading("Adam", table) == ()
    assert all(set(v) <= set(KINDS) for v in DEFAULT_HEADING_KINDS.values())
    assert {k for v in DEFAULT_HEADING_KINDS.values() for k in v} == set(KINDS)
