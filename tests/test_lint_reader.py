"""The formula reader of `srs-dl lint`: what it reads, what it refuses, and that
arbitrary text never crashes it and is never executed."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs_dl.core.drills.headings import kinds_for_heading
from srs_dl.core.lint import Linter
from srs_dl.core.lint.evaluate import Unbound, evaluate
from srs_dl.core.lint.expr import (
    Bin,
    Call,
    ExprError,
    Gen,
    Name,
    Num,
    read_expression,
    read_statements,
)
from srs_dl.core.lint.names import bind_name
from srs_dl.core.lint.scan import find_formulas

LINT_DIR = Path(__file__).resolve().parents[1] / "srs_dl" / "core" / "lint"


def _value(text: str, **names: float) -> float:
    node, _ = read_expression(text)
    return float(evaluate(node, lambda n: np.asarray(names[n]) if n in names else None))


def test_precedence_and_powers() -> None:
    assert _value("1 + 2 * 3 ^ 2") == 19.0
    assert _value("-2^2") == -4.0
    assert _value("2^3^2") == 512.0
    assert _value("2 ** -1") == 0.5
    assert _value("(1 - b^t)", b=0.5, t=2) == 0.75
    assert _value("x²", x=3) == 9.0
    assert _value("sqrt(x) + 1", x=4) == 3.0
    assert _value("np.sqrt(x)", x=9) == 3.0


def test_subscripts_are_part_of_names() -> None:
    (s,) = read_statements("V_i = V_i-1 * beta  +  theta_i * (1 - beta)")
    names = [n.name for n in _names(s.value)]
    assert names == ["V_{i-1}", "beta", "theta_i", "beta"]
    (s,) = read_statements("V_t = beta * V_{t-1} + (1 - beta) * theta_t, with 0 <= beta < 1.")
    assert [n.name for n in _names(s.value)] == ["beta", "V_{t-1}", "beta", "theta_t"]
    assert bind_name("V_{t-1}", "ema") is not None and bind_name("V_{t-1}", "ema").previous  # type: ignore[union-attr]
    assert bind_name("Vcorrected_dW", "adam").quantity == "V_hat"  # type: ignore[union-attr]
    assert bind_name("SdW", "adam").quantity == "S"  # type: ignore[union-attr]
    assert bind_name("dW", "rmsprop").quantity == "g"  # type: ignore[union-attr]


def _names(node: object) -> list[Name]:
    from srs_dl.core.lint.expr import names_in

    return names_in(node)  # type: ignore[arg-type]


def test_trailing_commentary_and_two_formulas_on_a_line() -> None:
    (s,) = read_statements(
        "W := W - alpha * dW / sqrt( S_dW ) + epsilon        (epsilon=1e-8 added to ensure)"
    )
    assert s.op == ":=" and isinstance(s.value, Bin) and s.value.op == "+"
    a, b = read_statements("W = W - alpha * V_dW     b = b - alpha * V_db")
    assert (a.target, b.target) == ("W", "b")
    (s,) = read_statements("W := W - alpha * V / (sqrt(S) + epsilon))       (same for db)")
    assert s.target == "W"


def test_python_code_reads() -> None:
    (s,) = read_statements("l2_norm = sum(param.pow(2.0).sum() for param in model.parameters())")
    assert isinstance(s.value, Call) and isinstance(s.value.args[0], Gen)
    (s,) = read_statements("optimizer = optim.SGD(model.parameters(), lr=0.01, weight_decay=0.01)")
    assert isinstance(s.value, Call) and s.value.func == "optim.SGD"
    assert dict((k, v.value) for k, v in s.value.kwargs if isinstance(v, Num)) == {
        "lr": 0.01,
        "weight_decay": 0.01,
    }


@pytest.mark.parametrize(
    "text",
    [
        "W = W - lr * g[0]",  # indexing is not read: the line is skipped, not half-read
        "W = W - 0.01g",
        "W = W - lr *",
        "x = ((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))",
        "x = " + "-" * 500 + "1",
    ],
)
def test_refused(text: str) -> None:
    with pytest.raises(ExprError):
        read_statements(text)


def test_prose_is_not_a_formula() -> None:
    text = (
        "## RMSprop\n\nCorrection: written as W = W - alpha * dW / sqrt(S_dW) + eps, eps is "
        "merely added.\nHyper parameters: alpha = learning rate, beta = dampening\n"
    )
    assert find_formulas(text, kinds_for_heading) == []


def test_unknown_names_and_functions_are_unbound() -> None:
    node, _ = read_expression("foo(x) + y")
    with pytest.raises(Unbound):
        evaluate(node, lambda n: np.asarray(1.0))


# --- never crashes, never executes -------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "W", " = ", ":=", "==", "+", "-", "*", "/", "^", "**", "(", ")", "sqrt(", "sum(",
        "exp(", "log(", "beta", "1", "0.9", "1e-8", "_", "{", "}", "t-1", ",", ".", " for ",
        " in ", "model.parameters()", "__import__('os').system('touch PWNED')", "eval(",
        "exec(", "lambda", ":", "[", "]", "²", "√", "λ", "#", "`", "$", "\n", "- ", "## Adam\n",
        "S_dW", "V_dW", "dW", "alpha", "eps", "epoch", "weight_decay=0.01", "optim.SGD(",
    ]
)  # fmt: skip
_FORMULA_TEXT = st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=40).map("".join))


@settings(max_examples=400, deadline=None)
@given(_FORMULA_TEXT)
def test_reader_never_crashes(text: str) -> None:
    try:
        read_statements(text)
    except ExprError:
        pass
    try:
        read_expression(text)
    except ExprError:
        pass
    find_formulas(text, kinds_for_heading)


_LINTER = Linter(kinds_for_heading)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_lint_never_crashes_nor_executes(text: str) -> None:
    note = "## RMSprop\n" + text + "\n## Adam\n- " + text.replace("\n", " ")
    calls: list[str] = []
    real_eval, real_exec = builtins.eval, builtins.exec

    def refuse(*args: object, **kwargs: object) -> None:
        calls.append(repr(args)[:80])
        raise AssertionError("lint evaluated text")

    builtins.eval, builtins.exec = refuse, refuse
    try:
        for finding in _LINTER.lint_text(note):
            assert finding.severity in ("error", "info")
            assert "\n" not in finding.message
    finally:
        builtins.eval, builtins.exec = real_eval, real_exec
    assert calls == []
    assert not Path("PWNED").exists()


_NAMES = st.sampled_from(
    [
        "W", "w", "b", "x", "dW", "g", "dx", "V_dW", "S_dW", "V_{t-1}", "v", "m", "m_hat",
        "v_hat", "Vcorrected_dW", "S_corrected", "beta", "beta1", "beta2", "momentum", "lr",
        "alpha", "alpha0", "alpha_t", "eps", "epsilon", "t", "epoch", "decay_rate", "k", "base",
        "drop", "epochs_per_drop", "theta_t", "weight_decay", "lambda_l2", "l2_norm", "loss",
        "a", "cache",
    ]
)  # fmt: skip


def _expressions() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        _NAMES,
        st.sampled_from(["0", "1", "2", "0.5", "0.9", "1e-8", "0.01"]),
        st.just("criterion(outputs, targets)"),
        st.just("sum(p.pow(2).sum() for p in model.parameters())"),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        ops = st.sampled_from([" + ", " - ", " * ", " / ", "^", " ** "])
        pair = st.tuples(inner, ops, inner).map("".join)
        calls = st.tuples(st.sampled_from(["sqrt", "exp", "log", "floor", "sum"]), inner)
        return st.one_of(
            pair,
            pair.map(lambda s: f"({s})"),
            calls.map(lambda fc: f"{fc[0]}({fc[1]})"),
            inner.map(lambda s: f"-{s}"),
        )

    return st.recursive(leaves, extend, max_leaves=8)


_HEADINGS = st.sampled_from(
    ["## EMA", "## Momentum", "## RMSprop", "## Adam", "## Learning rate decay",
     "## SGD with weight decay", "## Notes"]
)  # fmt: skip
_STATEMENT = st.tuples(_NAMES, st.sampled_from([" = ", " := ", " -= ", " += "]), _expressions())


@settings(max_examples=300, deadline=None)
@given(
    _HEADINGS,
    st.lists(_STATEMENT.map("".join), min_size=1, max_size=6),
    st.booleans(),
)
def test_lint_never_crashes_on_formula_shaped_notes(
    heading: str, lines: list[str], optimizer: bool
) -> None:
    """Notes made of the names and shapes the binder knows: definitions that read
    themselves or each other, vectors where a number belongs, 0/0, overflow."""
    head = "optimizer = optim.SGD(model.parameters(), lr=0.01, weight_decay=0.01)\n"
    note = heading + "\n" + (head if optimizer else "") + "\n".join(lines) + "\n"
    for finding in _LINTER.lint_text(note):
        assert finding.severity in ("error", "info")
        assert "\n" not in finding.message and finding.line >= 2


def test_lint_sources_never_evaluate_text() -> None:
    banned = {"eval", "exec", "compile", "__import__", "parse_expr", "sympify"}
    for path in LINT_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                assert node.id not in banned, f"{path.name}:{node.lineno}: {node.id}"
            if isinstance(node, ast.Attribute):
                # re.compile is a regex, not Python's compile.
                bad = banned - {"compile"}
                assert node.attr not in bad, f"{path.name}:{node.lineno}: {node.attr}"
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                assert not any(m.startswith("sympy") for m in modules), path.name
