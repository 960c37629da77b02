"""A generated numeric drill: plain data, JSON-able as the drills contract wants."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from srs_dl.core.drills.draws import Draws

#: An answer: an integer (counts), a float, a vector, or a matrix (list of rows).
Answer = int | float | list[float] | list[list[float]]
Params = dict[str, Any]

#: By default an answer is right to 3 significant figures (contract).
DEFAULT_REL_TOL = 5e-3
DEFAULT_ABS_TOL = 1e-9

#: The prompt's two modes: the formula spelled out (new cards), or only the
#: technique's name and convention (recall: the learner brings the formula).
FORMULA = "formula"
RECALL = "recall"
MODES: tuple[str, ...] = (FORMULA, RECALL)

#: Rounds one intermediate result as a learner writes it down.
Rounder = Callable[[float], float]


def exact(x: float) -> float:
    return x


#: The worked lines, made when asked for: only a checked drill shows them, and
#: formatting every number of every step for every drill drawn costs a third
#: of the generator's time.
WorkedLines = Callable[[], tuple[str, ...]]


def no_lines() -> tuple[str, ...]:
    return ()


@dataclass(frozen=True, slots=True)
class StepsTable:
    """The worked steps: one row per step (or per quantity) of the computation."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]

    def to_json(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "rows": [list(r) for r in self.rows]}


@dataclass(frozen=True, slots=True)
class Mistake:
    """A common wrong method and the answer it gives on this drill's inputs;
    the generator keeps it outside the tolerance, the checker names it."""

    name: str
    description: str
    answer: Answer


@dataclass(frozen=True, slots=True)
class Drill:
    kind: str
    #: Every input needed to recompute the answer, by the contract's names
    #: (plain JSON values; treat as read-only).
    params: Params = field(hash=False)
    answer: Answer = field(hash=False)
    prompt: str
    steps: StepsTable
    #: The technique, as a heading would name it ("Adam", "Batch normalisation").
    topic: str
    rel_tol: float = DEFAULT_REL_TOL
    abs_tol: float = DEFAULT_ABS_TOL
    mistakes: tuple[Mistake, ...] = field(default=(), repr=False, hash=False)
    #: FORMULA or RECALL: whether the prompt spells out the update rule.
    mode: str = FORMULA
    #: The rule in symbols, shown with the solution in either mode.
    formula: str = ""
    #: The worked solution: one line per step with the numbers put in.
    worked_lines: WorkedLines = field(default=no_lines, repr=False, compare=False)

    @property
    def worked(self) -> tuple[str, ...]:
        return self.worked_lines()

    @property
    def integer(self) -> bool:
        """Integer answers must be typed exactly."""
        return isinstance(self.answer, int)

    def tolerance_json(self) -> dict[str, Any]:
        if self.integer:
            return {"exact": True}
        return {"rel": self.rel_tol, "abs": self.abs_tol}

    def to_json(self) -> dict[str, Any]:
        """The contract's keys (kind, params, answer, prompt) then the extras."""
        return {
            "kind": self.kind,
            "params": self.params,
            "answer": self.answer,
            "prompt": self.prompt,
            "topic": self.topic,
            "tolerance": self.tolerance_json(),
            "mode": self.mode,
            "formula": self.formula,
            "worked": list(self.worked),
            "steps": self.steps.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Solution:
    """What running the kernels on a drill's params gives."""

    answer: Answer
    steps: StepsTable
    #: One line per step with the numbers put in ("V_2 = 0.9 * 0.38 + 0.1 * 1.4 = 0.482").
    worked: WorkedLines = no_lines


@dataclass(frozen=True, slots=True)
class KindSpec:
    """How one kind of drill is made.

    `candidate` draws inputs (or None when a cheap pre-check already fails);
    `reference` is a fast plain-Python evaluation of the right method with each
    intermediate a learner writes down passed through the Rounder (`exact` for
    the answer; 4 significant figures to check a learner can reach it), used
    only on candidates; `mistakes` the common wrong methods' answers; `solve`
    runs the NumPy kernels and gives the answer the drill carries; `well_posed`
    rejects inputs with a near-cancelling step or a value too small to mean
    anything. The prompt is `technique` (name and convention), then in formula
    mode `formula`, then `given` (the numbers and the question)."""

    kind: str
    topic: str
    candidate: Callable[[Draws], Params | None]
    reference: Callable[[Params, Rounder], Answer]
    mistakes: Callable[[Params], list[Mistake]]
    solve: Callable[[Params], Solution]
    technique: Callable[[Params], str]
    formula: Callable[[Params], str]
    given: Callable[[Params], str]
    well_posed: Callable[[Params, Answer], bool] = lambda params, answer: True
    #: Parameter names exactly as the contract lists them.
    param_names: tuple[str, ...] = ()
    #: For kinds whose names depend on the params (lr_decay's schedule).
    params_of: Callable[[Params], tuple[str, ...]] | None = None
    #: eps is drawn large so that where it goes shows in the answer: the prompt says so.
    large_eps: bool = False
