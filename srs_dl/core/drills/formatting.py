"""Numbers as text: inputs in prompts (exact, they are rounded when drawn),
intermediates in the worked steps (6 significant figures), and answers in the
forms the checker reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from srs_dl.core.drills.drill import DEFAULT_REL_TOL, Answer

Formatter = Callable[[float], str]


def num(x: float | int) -> str:
    """An input as the prompt shows it; inputs have few digits, so %g is exact."""
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    return f"{x:g}"


def val(x: float) -> str:
    """An intermediate value, to 6 significant figures."""
    s = f"{x:.6g}"
    return "0" if s == "-0" else s


def plain(xs: Any) -> Any:
    """Python floats from a numpy array (they format about twice as fast)."""
    return xs.tolist() if hasattr(xs, "tolist") else xs


def vec(xs: Sequence[float] | np.ndarray, fmt: Formatter = val) -> str:
    return "[" + ", ".join([fmt(x) for x in plain(xs)]) + "]"


def mat(rows: Sequence[Sequence[float]] | np.ndarray, fmt: Formatter = val) -> str:
    return "[" + ", ".join([vec(r, fmt) for r in plain(rows)]) + "]"


def answer_text(answer: Answer, fmt: Formatter = val) -> str:
    """An answer as a learner would type it: `0.1`, `0.1, 0.2`, `1 2; 3 4`."""
    if isinstance(answer, int):
        return str(answer)
    if isinstance(answer, float):
        return fmt(answer)
    if answer and isinstance(answer[0], list):
        return "; ".join(" ".join(fmt(x) for x in row) for row in answer)
    return ", ".join(fmt(x) for x in answer)  # type: ignore[arg-type]


def full_precision(answer: Answer) -> str:
    """The answer with every digit (repr), in the typed form."""
    return answer_text(answer, repr)


def shape_hint(answer: Answer) -> str:
    """How to type an answer of this shape, for the prompt."""
    if isinstance(answer, int):
        return "Answer with a whole number (exact)."
    if isinstance(answer, float):
        return "Answer with one number."
    if answer and isinstance(answer[0], list):
        n, m = len(answer), len(answer[0])
        if n == 1:
            return f"Answer with the 1 x {m} matrix: {m} numbers on one row, e.g. `1.5 -0.2 0.7`."
        return (
            f"Answer with the {n} x {m} matrix, row by row, rows separated by `;` "
            f"(e.g. `1 2 3; 4 5 6` for 2 x 3)."
        )
    n = len(answer)
    if n == 1:
        return "Answer with the one weight (a single number, or `[w]`)."
    return f"Answer with the {n} weights, e.g. `[0.1, -0.2]`, `0.1, -0.2` or `0.1 -0.2`."


def tolerance_text(answer: Answer, rel_tol: float) -> str:
    if isinstance(answer, int):
        return "Integer answers must be exact."
    pct = f"{rel_tol * 100:g}%"
    if rel_tol == DEFAULT_REL_TOL:
        return f"Give 3 significant figures: each number may be off by at most {pct} (relative)."
    return f"Each number may be off by at most {pct} (relative)."
