"""Wording a finding: which known mistake a formula makes, where the difference
shows (the most telling case, in the note's names), and the suggestion in the
note's own names and operator."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from srs_dl.core.lint.binding import KEYWORD_PARAMS, Binding
from srs_dl.core.lint.compare import RTOL, Attempt, template_values
from srs_dl.core.lint.expr import Statement, names_in
from srs_dl.core.lint.names import DEFAULT_NAMES, bind_name
from srs_dl.core.lint.roles import TECHNIQUE_NAMES, Mistake, Role
from srs_dl.core.lint.scan import FormulaLine


@dataclass(frozen=True, slots=True)
class Finding:
    line: int
    technique: str
    #: "error" (disagrees with the kernel) or "info" (agrees; a convention worth knowing).
    severity: str
    #: The role ("RMSprop update") and what differs, in one line.
    message: str
    suggestion: str | None
    formula: str

    def text(self, path: str) -> str:
        tail = f". Suggested: {self.suggestion}" if self.suggestion else ""
        return f"{path}:{self.line}: {self.message}{tail}"

    def to_json(self, path: str) -> dict[str, object]:
        return {
            "file": path,
            "line": self.line,
            "technique": self.technique,
            "severity": self.severity,
            "message": self.message,
            "suggestion": self.suggestion,
            "formula": self.formula,
        }


def diagnose(role: Role, attempt: Attempt) -> Mistake | None:
    for mistake in role.mistakes:
        if mistake.variant and mistake.variant != attempt.variant:
            continue
        try:
            values = template_values(mistake.template, role, attempt.cases, attempt.fixed)
        except Exception:  # a template the reader refuses is a bug caught by the tests
            continue
        same = np.isclose(
            np.broadcast_to(attempt.yours, attempt.theirs.shape),
            np.broadcast_to(values, attempt.theirs.shape),
            rtol=RTOL[role.kind],
            atol=1e-9,
            equal_nan=True,
        )
        if bool(same.all()):
            return mistake
    return None


def _names_for(
    role: Role, binding_names: Mapping[str, str], statement: Statement
) -> dict[str, str]:
    names = dict(DEFAULT_NAMES)
    names.update(binding_names)
    for q in ("W", "V", "S"):
        current = binding_names.get(q) or binding_names.get(f"{q}_prev")
        previous = binding_names.get(f"{q}_prev") or binding_names.get(q)
        if current:
            names[q] = current
        if previous:
            names[f"{q}_prev"] = previous
    if role.target == "W":
        names.setdefault("W", statement.target)
        names["W"] = statement.target
        names["W_prev"] = binding_names.get("W_prev", statement.target)
    return names


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    return f"{x:.4g}"


def _example(role: Role, attempt: Attempt, names: Mapping[str, str], used: set[str]) -> str:
    """Where the difference shows: the most telling disagreeing case, in the note's names."""
    cases = attempt.cases
    yours = np.broadcast_to(attempt.yours, attempt.theirs.shape)
    bad = np.flatnonzero(~attempt.agree)
    if bad.size == 0:
        return ""

    def score(i: int) -> tuple[int, int, int]:
        nonfinite = not np.all(np.isfinite(yours[i]))
        edge = cases.edges[i]
        return (0 if nonfinite else 1, 0 if set(edge) & used else 1, 0 if edge else 1)

    i = min((int(k) for k in bad), key=score)
    if role.kind == "gradient":
        zero = [k for k in bad if "g" in cases.edges[k]]
        i = int(zero[0]) if zero else i
        v = cases.values
        return (
            f"one SGD step with lr = {_fmt(float(v['lr'][i, 0]))} from w = "
            f"{_fmt(float(v['W_prev'][i, 0]))} with a zero data gradient: yours gives "
            f"{_fmt(float(yours[i, 0]))}, weight_decay = {_fmt(float(v['wd'][i, 0]))} gives "
            f"{_fmt(float(attempt.theirs[i, 0]))}"
        )
    columns = np.isclose(yours[i], attempt.theirs[i], rtol=RTOL[role.kind], atol=1e-9)
    j = int(np.flatnonzero(~columns)[0]) if (~columns).any() else 0
    edge = cases.edges[i]
    if edge:
        shown = {q: v for q, v in edge.items() if q in used} or dict(edge)
    else:
        shown = {}
        for q in sorted(used):
            if q in cases.values and q not in ("data", role.target):
                shown[q] = float(np.broadcast_to(cases.values[q][i], (yours.shape[1],))[j])
    parts = [f"{names.get(q, q)} = {_fmt(v)}" for q, v in shown.items()]
    where = f"with {', '.join(parts)} " if parts else ""
    return (
        f"{where}yours gives {_fmt(float(yours[i, j]))}, theirs {_fmt(float(attempt.theirs[i, j]))}"
    )


def _render(template: str, names: Mapping[str, str], fixed: Mapping[str, float]) -> str:
    values = dict(names)
    for p, v in fixed.items():
        if p not in names or names[p] == DEFAULT_NAMES.get(p):
            values[p] = _fmt(v)
    return template.format_map(_Fallback(values))


class _Fallback(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return DEFAULT_NAMES.get(key, key)


def _statement_text(formula: FormulaLine, statement: Statement) -> str:
    return formula.text[statement.start : statement.end].strip()


def error_finding(
    role: Role, attempt: Attempt, statement: Statement, formula: FormulaLine
) -> Finding:
    binding_names = _binding_names(statement, attempt)
    names = _names_for(role, binding_names, statement)
    used = set(binding_names)
    from_keywords = {KEYWORD_PARAMS.get(k) for k in formula.keywords}
    fixed_from_literals = {
        p: v for p, v in attempt.fixed.items() if p not in binding_names and p not in from_keywords
    }
    mistake = diagnose(role, attempt)
    example = _example(role, attempt, names, used)
    if mistake is not None:
        what = mistake.message.format_map(_Fallback(names))
    else:
        canonical = _render(role.templates[attempt.variant], names, fixed_from_literals)
        what = f"differs from {role.authority}'s {canonical}"
    lhs = statement.target
    op = "=" if statement.op in ("+=", "-=") else statement.op
    if mistake is not None and mistake.fix == "halve_wd":
        suggestion = _halve_wd(formula, statement) or _suggest(role, attempt, names, lhs, op)
    else:
        suggestion = _suggest(role, attempt, names, lhs, op, fixed_from_literals)
    message = f"{role.label}: {what}" + (f" ({example})" if example else "")
    return Finding(
        formula.line,
        TECHNIQUE_NAMES[role.technique],
        "error",
        message,
        suggestion,
        _statement_text(formula, statement),
    )


def _suggest(
    role: Role,
    attempt: Attempt,
    names: Mapping[str, str],
    lhs: str,
    op: str,
    fixed: Mapping[str, float] | None = None,
) -> str:
    template = role.templates[attempt.variant]
    named = attempt.binding.note_names()
    for quantity, definition in _DERIVED.items():
        # A note that never names the corrected moments gets them written out.
        if quantity not in named and "{" + quantity + "}" in template:
            template = template.replace("{" + quantity + "}", definition)
    return f"{lhs} {op} {_render(template, names, fixed or {})}"


# Unparenthesized: every template divides by them or takes their root, where
# left-to-right reading gives the same value.

_DERIVED = {
    "V_hat": "{V} / (1 - {beta1}^{t})",
    "S_hat": "{S} / (1 - {beta2}^{t})",
}


def _halve_wd(formula: FormulaLine, statement: Statement) -> str | None:
    """The note's own loss with its decay strength halved: `lambda_l2 * l2_norm`
    becomes `lambda_l2 / 2 * l2_norm`."""
    text = formula.text
    for n in names_in(statement.value):
        bound = bind_name(n.name, "weight_decay")
        if bound is not None and bound.quantity == "wd":
            fixed = text[: n.end] + " / 2" + text[n.end : statement.end]
            return fixed[statement.start :].strip()
    return None


def _binding_names(statement: Statement, attempt: Attempt) -> dict[str, str]:
    """quantity -> the note's name for it (as the attempt bound them)."""
    return attempt.binding.note_names()


def info_finding(
    role: Role, variant: str, statement: Statement, binding: Binding, formula: FormulaLine
) -> Finding | None:
    info = role.infos.get(variant)
    if not info:
        return None
    names = _names_for(role, binding.note_names(), statement)
    return Finding(
        formula.line,
        TECHNIQUE_NAMES[role.technique],
        "info",
        f"{role.label}: {info.format_map(_Fallback(names))}",
        None,
        _statement_text(formula, statement),
    )
