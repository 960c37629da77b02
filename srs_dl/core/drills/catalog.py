"""The kinds of drill, and making one: `generate(kind, rng)` draws inputs
until every common mistake falls outside the tolerance, then runs the NumPy
kernels for the answer and the worked steps. `build(kind, params)` remakes a
drill from stored inputs (a review log keeps the params, not the drill)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from srs_dl.core.drills import (
    adam,
    adamw,
    averages,
    batchnorm,
    bn_fold,
    clipping,
    log_scale,
    lr_decay,
    minibatch,
    momentum,
    nesterov,
    rmsprop,
    warmup_cosine,
)
from srs_dl.core.drills import weight_decay as wd
from srs_dl.core.drills.answers import clearly_wrong, within_tolerance
from srs_dl.core.drills.draws import Draws
from srs_dl.core.drills.drill import (
    DEFAULT_ABS_TOL,
    DEFAULT_REL_TOL,
    FORMULA,
    MODES,
    Drill,
    KindSpec,
    Mistake,
    Params,
    exact,
)
from srs_dl.core.drills.fairness import LEARNER_SHARE, meaningful, sig4
from srs_dl.core.drills.formatting import shape_hint, tolerance_text

#: Every kind, in the contract's order (the order `drills_jsonl` cycles through).
SPECS: Mapping[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        minibatch.SPEC,
        averages.SPEC,
        momentum.SPEC,
        rmsprop.SPEC,
        adam.SPEC,
        wd.SGD_WEIGHT_DECAY,
        wd.L2_EQUIVALENT,
        lr_decay.SPEC,
        log_scale.SPEC,
        batchnorm.BATCHNORM,
        batchnorm.BATCHNORM_INFERENCE,
        # Issue 16's five (docs/drills.md extends the shared contract with them).
        adamw.SPEC,
        nesterov.SPEC,
        warmup_cosine.SPEC,
        bn_fold.SPEC,
        clipping.SPEC,
    )
}
KINDS: tuple[str, ...] = tuple(SPECS)

#: A mistake must miss by this many tolerances, so that it still fails when
#: the learner rounds it to 3 significant figures.
MARGIN = 2.5
MAX_TRIES = 500


class DrillError(ValueError):
    """An unknown kind, or params that do not make a drill of it."""


def spec_for(kind: str) -> KindSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise DrillError(f"unknown drill kind {kind!r}; known: {', '.join(KINDS)}") from None


def topic_for(kind: str) -> str:
    return spec_for(kind).topic


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise DrillError(f"unknown drill mode {mode!r}; known: {', '.join(MODES)}")
    return mode


def prompt_for(spec: KindSpec, params: Params, mode: str, answer: object) -> str:
    """Technique and convention; the rule too in formula mode; then the numbers,
    the question, how to type the answer and how precisely."""
    head = spec.technique(params)
    if mode == FORMULA:
        head += " " + spec.formula(params)
    if spec.large_eps:
        head += " eps is large here so that its placement matters."
    hint = f"{shape_hint(answer)} {tolerance_text(answer, DEFAULT_REL_TOL)}"  # type: ignore[arg-type]
    return "\n".join([head, spec.given(params), hint])


def _assemble(spec: KindSpec, params: Params, mistakes: list[Mistake], mode: str) -> Drill:
    solution = spec.solve(params)
    return Drill(
        kind=spec.kind,
        params=params,
        answer=solution.answer,
        prompt=prompt_for(spec, params, mode, solution.answer),
        steps=solution.steps,
        topic=spec.topic,
        rel_tol=DEFAULT_REL_TOL,
        abs_tol=DEFAULT_ABS_TOL,
        mistakes=tuple(mistakes),
        mode=mode,
        formula=spec.formula(params),
        worked_lines=solution.worked,
    )


def separated(spec: KindSpec, params: Params) -> list[Mistake] | None:
    """The mistakes when the drill is fair (well posed, its answer meaningful, a
    learner carrying 4 significant figures well within the tolerance) and every
    mistake misses clearly; else None."""
    answer = spec.reference(params, exact)
    if not meaningful(answer) or not spec.well_posed(params, answer):
        return None
    learner = spec.reference(params, sig4)
    if not within_tolerance(learner, answer, DEFAULT_REL_TOL * LEARNER_SHARE, DEFAULT_ABS_TOL):
        return None
    found = spec.mistakes(params)
    for mistake in found:
        if not clearly_wrong(mistake.answer, answer, DEFAULT_REL_TOL, DEFAULT_ABS_TOL, MARGIN):
            return None
    return found


def generate(kind: str, rng: np.random.Generator, mode: str = FORMULA) -> Drill:
    """A fresh drill of `kind` whose numbers all come from `rng` (the mode changes
    the prompt only, never the numbers)."""
    spec = spec_for(kind)
    check_mode(mode)
    draws = Draws(rng)
    for _ in range(MAX_TRIES):
        params = spec.candidate(draws)
        if params is None:
            continue
        found = separated(spec, params)
        if found is not None:
            return _assemble(spec, params, found, mode)
    # Unreachable in practice (acceptance rates are far above 1 / MAX_TRIES);
    # failing loudly beats asking a question whose mistakes would pass.
    raise RuntimeError(f"no {kind} drill separating its mistakes after {MAX_TRIES} draws")


def _param_names(spec: KindSpec, params: Params) -> tuple[str, ...]:
    return spec.params_of(params) if spec.params_of is not None else spec.param_names


def build(kind: str, params: Mapping[str, Any], mode: str = FORMULA) -> Drill:
    """The drill for stored inputs: answer, prompt and steps recomputed.
    Raises DrillError when the params are not those of the kind."""
    spec = spec_for(kind)
    check_mode(mode)
    p = dict(params)
    try:
        want = _param_names(spec, p)
        if set(p) != set(want):
            raise DrillError(
                f"{kind} takes params {', '.join(want)}; got {', '.join(sorted(p)) or 'none'}"
            )
        return _assemble(spec, p, spec.mistakes(p), mode)
    except DrillError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError) as e:
        raise DrillError(f"bad params for a {kind} drill: {e}") from None


def rng_for(seed: int, index: int) -> np.random.Generator:
    """The generator of the index-th drill of a run with `seed`: drill i depends
    on (seed, i) only, so a run's output is fixed by N and S."""
    if seed < 0 or index < 0:
        raise DrillError(
            f"seed and index must be non-negative integers, got seed={seed}, index={index}"
        )
    return np.random.default_rng([seed, index])


def resolve_kinds(kinds: Sequence[str] | None) -> tuple[str, ...]:
    """The kinds to cycle through: all (contract order) when none are given;
    duplicates dropped, the given order kept."""
    if not kinds:
        return KINDS
    chosen = tuple(dict.fromkeys(kinds))
    for kind in chosen:
        spec_for(kind)
    return chosen


def drill_series(
    count: int, seed: int, kinds: Sequence[str] | None = None, mode: str = FORMULA
) -> list[Drill]:
    """`count` drills covering `kinds` in turn, the i-th drawn from rng_for(seed, i)."""
    if count < 0:
        raise DrillError(f"count must be non-negative, got {count}")
    cycle = resolve_kinds(kinds)
    return [generate(cycle[i % len(cycle)], rng_for(seed, i), mode) for i in range(count)]
