"""Checking a note's formulas against the kernels: the lint's findings.

For each formula line (scan.py) and each statement on it, the techniques its
section and paragraph name are tried in order; the first in which every name
binds (names.py) and the left side is a role's quantity (roles.py) decides.
The right side is then computed (evaluate.py) on the cases (cases.py) and
compared with the kernel's value of the left side, case by case. Hyperparameters
the formula does not name take the block's optimizer values, else the formula's
own numbers (`0.95 ^ epoch` is a base of 0.95), else random values.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from srs_dl.core.lint.cases import HYPER, VARIANTS, Cases, build_cases
from srs_dl.core.lint.evaluate import Unbound, evaluate
from srs_dl.core.lint.expr import Call, Gen, Node, Num, Statement, names_in, numbers_in, walk
from srs_dl.core.lint.names import (
    DATA_LOSS_CALLS,
    DEFAULT_NAMES,
    STATEFUL,
    Bound,
    bind_name,
    compact,
    function_name,
    uses_m,
)
from srs_dl.core.lint.roles import TECHNIQUE_NAMES, Mistake, Role, roles_for
from srs_dl.core.lint.scan import FormulaLine, find_formulas

#: Optimizer keyword arguments (`optim.SGD(lr=..., weight_decay=...)`) as hyperparameters.
_KEYWORD_PARAMS = {"lr": "lr", "weight_decay": "wd", "momentum": "beta", "eps": "eps"}
_INPUTS = frozenset(
    {"W_prev", "g", "V", "V_prev", "S", "S_prev", "V_hat", "S_hat", "theta", "epoch", "data"}
)
_RTOL = {"value": 1e-7, "gradient": 1e-6}


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


@dataclass
class _Binding:
    #: name as written -> quantity (W_prev, V, ...), a constant, or a definition.
    quantities: dict[str, str] = field(default_factory=dict)
    constants: dict[str, float] = field(default_factory=dict)
    definitions: dict[str, Node] = field(default_factory=dict)
    #: hyperparameter -> value fixed by the block.
    fixed: dict[str, float] = field(default_factory=dict)
    data_calls: list[Call] = field(default_factory=list)
    #: The right side reads the quantity the formula defines, and it has no
    #: previous value to stand for (`alpha = alpha * 0.95`).
    reads_target: bool = False

    def note_names(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, q in self.quantities.items():
            out.setdefault(q, name)
        return out


class Linter:
    """Checks formulas; keeps the kernel cases it computed for the next note."""

    def __init__(self, heading_kinds: Callable[[str], tuple[str, ...]], *, seed: int = 0) -> None:
        self.heading_kinds = heading_kinds
        self.seed = seed
        self._cases: dict[tuple[str, str, tuple[tuple[str, float], ...]], Cases] = {}

    def cases(self, technique: str, variant: str, fixed: Mapping[str, float]) -> Cases:
        key = (technique, variant, tuple(sorted(fixed.items())))
        found = self._cases.get(key)
        if found is None:
            found = build_cases(technique, variant, fixed, seed=self.seed)
            if len(self._cases) > 512:
                self._cases.clear()
            self._cases[key] = found
        return found

    def lint_text(self, text: str) -> list[Finding]:
        findings: list[Finding] = []
        for formula in find_formulas(text, self.heading_kinds):
            earlier = list(formula.earlier)
            for statement in formula.statements:
                finding = self.check(formula, statement, earlier)
                if finding is not None:
                    findings.append(finding)
                earlier.append(statement)
        return findings

    def check(
        self, formula: FormulaLine, statement: Statement, earlier: list[Statement]
    ) -> Finding | None:
        for technique in formula.techniques:
            outcome = self._check_in(technique, formula, statement, earlier)
            if outcome is not _UNBOUND:
                return outcome  # type: ignore[return-value]
        return None

    def _check_in(
        self,
        technique: str,
        formula: FormulaLine,
        statement: Statement,
        earlier: list[Statement],
    ) -> Finding | None | object:
        written = [n.name for n in names_in(statement.value)] + [s.target for s in earlier]
        m_names = technique == "adam" and uses_m([statement.target, *written, *formula.block_names])
        target = bind_name(statement.target, technique, first_moment_is_m=m_names)
        if target is None or target.previous:
            return _UNBOUND
        roles = roles_for(technique, target.quantity)
        if not roles:
            return _UNBOUND
        for role in roles:
            if role.kind == "gradient" and not formula.mentions_weight_decay:
                continue
            attempts: list[_Attempt] = []
            for variant in role.variants:
                binding = _bind(
                    statement, earlier, technique, variant, target, formula.keywords, m_names
                )
                if binding is None or not _reads_an_input(binding, role):
                    continue
                try:
                    tried = self._attempts(role, variant, statement, binding)
                except Unbound:
                    continue  # computes something else than the role's quantity
                if tried[-1].agrees:
                    return _info(role, variant, statement, binding, formula)
                attempts.extend(tried)
            if attempts:
                # A known mistake names the variant meant; else the closest one.
                named = [a for a in attempts if _diagnose(role, a) is not None]
                best = named[0] if named else min(attempts, key=lambda a: a.disagreements)
                return _error(role, best, statement, formula)
        return _UNBOUND

    def _attempts(
        self, role: Role, variant: str, statement: Statement, binding: _Binding
    ) -> list[_Attempt]:
        """The formula computed with each choice of the values it leaves open;
        stops at the first that agrees (then last in the list)."""
        template = role.templates[variant]
        free = [
            p
            for p in HYPER[role.technique]
            if "{" + p + "}" in template
            and p not in binding.fixed
            and p not in binding.quantities.values()
        ]
        literals = [x for x in dict.fromkeys(numbers_in(statement.value)) if x not in (0.0, 1.0)]
        options: list[list[float | None]] = [[None, *literals[:4]] for _ in free]
        out: list[_Attempt] = []
        cases_variant = variant or _default_variant(role.technique)
        for combo in itertools.product(*options):
            fixed = dict(binding.fixed)
            fixed.update({p: v for p, v in zip(free, combo, strict=True) if v is not None})
            try:
                cases = self.cases(role.technique, cases_variant, fixed)
            except ValueError:
                continue  # a value the kernel refuses (beta = 2): no such choice
            yours = _compute(statement.value, binding, cases, role)
            theirs = _kernel_value(role, cases)
            agree = _agree(yours, theirs, _RTOL[role.kind])
            out.append(_Attempt(variant, cases, fixed, yours, theirs, agree, binding))
            if out[-1].agrees:
                break
        if not out:
            raise Unbound("no values the kernel takes")
        return out


_UNBOUND = object()


@dataclass
class _Attempt:
    variant: str
    cases: Cases
    fixed: dict[str, float]
    yours: np.ndarray
    theirs: np.ndarray
    #: Per case: the formula agrees with the kernel.
    agree: np.ndarray
    binding: _Binding

    @property
    def agrees(self) -> bool:
        return bool(self.agree.all())

    @property
    def disagreements(self) -> int:
        return int((~self.agree).sum())


def _default_variant(technique: str) -> str:
    variants = VARIANTS.get(technique)
    return variants[0] if variants else ""


def _bind(
    statement: Statement,
    earlier: list[Statement],
    technique: str,
    variant: str,
    target: Bound,
    keywords: Mapping[str, float],
    m_names: bool,
) -> _Binding | None:
    binding = _Binding()
    for key, value in keywords.items():
        param = _KEYWORD_PARAMS.get(key)
        if param is not None and param in HYPER.get(technique, ()):
            binding.fixed[param] = value
    binding.quantities[statement.target] = target.quantity
    seen: set[str] = set()
    resolving: set[str] = set()

    def bind_tree(node: Node, depth: int, scope: list[Statement]) -> bool:
        """Bind the names of `node`; `scope`: the statements it may read definitions
        from (a definition reads only those before it, so none can loop)."""
        if depth > 8:
            return False
        for call in _calls_in(node):
            func = function_name(call.func)
            if func in ("sqrt", "exp", "log", "abs", "floor", "sum", "pow", "square", "mean"):
                continue
            if func.endswith("parameters"):
                continue
            if technique == "weight_decay" and compact(func) in DATA_LOSS_CALLS:
                binding.data_calls.append(call)
                continue
            return False
        for name_node in names_in(node, lambda c: any(c is d for d in binding.data_calls)):
            name = name_node.name
            if name in resolving:
                return False  # a definition that reads itself (l2 = l2 + x)
            if name in seen or name in binding.constants or name in binding.definitions:
                continue
            if _generator_var(node, name):
                continue
            seen.add(name)
            found = _latest(scope, name)
            definition = found[1] if found is not None else None
            bound = bind_name(name, technique, variant, first_moment_is_m=m_names)
            if (
                found is not None
                and definition is not None
                and bound is not None
                and bound.quantity in HYPER.get(technique, ())
                and _literal(definition.value) is None
            ):
                # A hyperparameter the block derives (alpha_t = alpha * sqrt(1 - beta2^t)
                # / (1 - beta1^t)) is its formula, not the plain hyperparameter.
                if not define(name, definition, depth, scope[: found[0]]):
                    return False
                continue
            if definition is not None and _literal(definition.value) is not None:
                value = _literal(definition.value)
                assert value is not None
                if bound is not None and bound.quantity in HYPER.get(technique, ()):
                    if bound.quantity not in binding.fixed:
                        binding.fixed[bound.quantity] = value
                        binding.quantities[name] = bound.quantity
                        continue
                binding.constants[name] = value
                continue
            if bound is not None:
                q = bound.quantity
                if q == "loss" and target.quantity == "loss":
                    q = "data"
                elif q == "W":
                    q = "W_prev"
                elif q in STATEFUL and (bound.previous or q == target.quantity):
                    q = f"{q}_prev"
                elif q == target.quantity:
                    binding.reads_target = True
                binding.quantities[name] = q
                continue
            if found is not None and definition is not None:
                if not define(name, definition, depth, scope[: found[0]]):
                    return False
                continue
            return False
        return True

    def define(name: str, definition: Statement, depth: int, scope: list[Statement]) -> bool:
        binding.definitions[name] = definition.value
        resolving.add(name)
        try:
            return bind_tree(definition.value, depth + 1, scope)
        finally:
            resolving.discard(name)

    if not bind_tree(statement.value, 0, earlier):
        return None
    # The statement's own target may also be read on the right (V = beta * V + ...).
    return binding


def _generator_var(node: Node, name: str) -> bool:
    return any(isinstance(n, Gen) and n.var == name for n in walk(node))


def _calls_in(node: Node) -> Iterable[Call]:
    return (n for n in walk(node) if isinstance(n, Call))


def _latest(scope: list[Statement], name: str) -> tuple[int, Statement] | None:
    """The last statement of `scope` defining `name`, with its index."""
    for i in range(len(scope) - 1, -1, -1):
        if scope[i].target == name:
            return i, scope[i]
    return None


def _literal(node: Node) -> float | None:
    from srs_dl.core.lint.expr import Neg

    if isinstance(node, Num):
        return node.value
    if isinstance(node, Neg) and isinstance(node.operand, Num):
        return -node.operand.value
    return None


def _reads_an_input(binding: _Binding, role: Role) -> bool:
    """A formula with nothing but constants on the right (alpha = 0.01) states a
    value, not the technique's formula."""
    if binding.reads_target:
        # `lr = lr * 0.95` updates a schedule step by step: a form the kernels
        # (closed formulas of the epoch) do not state; skipped, not guessed.
        return False
    used = set(binding.quantities.values()) - {role.target}
    if role.kind == "gradient":
        return bool(binding.data_calls or "data" in used) and (
            "W_prev" in used or bool(binding.definitions)
        )
    return bool(used & _INPUTS)


def _resolver(
    binding: _Binding, values: Mapping[str, np.ndarray], role: Role
) -> tuple[Callable[[str], np.ndarray | None], Callable[[Call], np.ndarray | None]]:
    cache: dict[str, np.ndarray] = {}

    def resolve(name: str) -> np.ndarray | None:
        if name in binding.constants:
            return np.asarray(binding.constants[name])
        q = binding.quantities.get(name)
        if q is not None:
            if q == "data":
                return _data_loss(values)
            if q in binding.fixed and q not in values:
                return np.asarray(binding.fixed[q])
            return values.get(q)
        node = binding.definitions.get(name)
        if node is not None:
            if name not in cache:
                cache[name] = evaluate(node, resolve, resolve_call, params=lambda: _weights(values))
            return cache[name]
        return None

    def resolve_call(call: Call) -> np.ndarray | None:
        if any(call is c for c in binding.data_calls):
            return _data_loss(values)
        return None

    return resolve, resolve_call


def _weights(values: Mapping[str, np.ndarray]) -> np.ndarray:
    """The weights a sum over model.parameters() runs over (Unbound in a technique
    without weights, as an EMA)."""
    if "W_prev" not in values:
        raise Unbound("model.parameters()")
    return values["W_prev"]


def _data_loss(values: Mapping[str, np.ndarray]) -> np.ndarray:
    """A stand-in data loss whose gradient at the weights is g: g . w."""
    if "g" not in values or "W_prev" not in values:
        raise Unbound("data loss")
    return np.sum(values["g"] * values["W_prev"], axis=-1, keepdims=True)


def _compute(node: Node, binding: _Binding, cases: Cases, role: Role) -> np.ndarray:
    values = cases.values
    if role.kind != "gradient":
        resolve, resolve_call = _resolver(binding, values, role)
        value = evaluate(node, resolve, resolve_call, params=lambda: _weights(values))
        try:
            return np.broadcast_to(value, values[role.target].shape)
        except ValueError:
            # A vector where the technique has a number (alpha = alpha0 * w): not its formula.
            raise Unbound("shape") from None
    # A loss: one SGD step on it, its gradient taken by central differences.
    w = values["W_prev"]
    grad = np.empty_like(w)
    for j in range(w.shape[1]):
        h = 1e-4 * np.maximum(1.0, np.abs(w[:, j : j + 1]))
        sides = []
        for sign in (1.0, -1.0):
            shifted = dict(values)
            moved = w.copy()
            moved[:, j : j + 1] += sign * h
            shifted["W_prev"] = moved
            resolve, resolve_call = _resolver(binding, shifted, role)

            def weights(s: Mapping[str, np.ndarray] = shifted) -> np.ndarray:
                return s["W_prev"]

            loss = evaluate(node, resolve, resolve_call, params=weights)
            if loss.ndim == 2 and loss.shape[1] != 1:
                raise Unbound("a loss is a number, not one per weight")
            sides.append(np.broadcast_to(loss, (w.shape[0], 1)))
        grad[:, j : j + 1] = (sides[0] - sides[1]) / (2 * h)
    return w - values["lr"] * grad


def _kernel_value(role: Role, cases: Cases) -> np.ndarray:
    """The kernel's value of what the formula defines (for a loss: the weights
    after one SGD step with weight decay)."""
    return cases.values["W" if role.kind == "gradient" else role.target]


def _agree(yours: np.ndarray, theirs: np.ndarray, rtol: float) -> np.ndarray:
    yours = np.broadcast_to(yours, theirs.shape)
    close = np.isclose(yours, theirs, rtol=rtol, atol=1e-9)
    return np.asarray(close.all(axis=-1))


def _template_values(
    template: str, role: Role, cases: Cases, fixed: Mapping[str, float]
) -> np.ndarray:
    """A mistake's template computed on the cases (its names are the quantities)."""
    from srs_dl.core.lint.expr import read_expression

    text = template.format_map(_Identity())
    node, _ = read_expression(text)
    binding = _Binding()
    for n in names_in(node):
        binding.quantities[n.name] = n.name
    binding.fixed = dict(fixed)
    if "{data}" in template:
        binding.quantities["data"] = "data"
    return _compute(node, binding, cases, role)


class _Identity(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return key


def _diagnose(role: Role, attempt: _Attempt) -> Mistake | None:
    for mistake in role.mistakes:
        if mistake.variant and mistake.variant != attempt.variant:
            continue
        try:
            values = _template_values(mistake.template, role, attempt.cases, attempt.fixed)
        except Exception:  # a template the reader refuses is a bug caught by the tests
            continue
        same = np.isclose(
            np.broadcast_to(attempt.yours, attempt.theirs.shape),
            np.broadcast_to(values, attempt.theirs.shape),
            rtol=_RTOL[role.kind],
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


def _example(role: Role, attempt: _Attempt, names: Mapping[str, str], used: set[str]) -> str:
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
    columns = np.isclose(yours[i], attempt.theirs[i], rtol=_RTOL[role.kind], atol=1e-9)
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


def _error(role: Role, attempt: _Attempt, statement: Statement, formula: FormulaLine) -> Finding:
    binding_names = _binding_names(statement, attempt)
    names = _names_for(role, binding_names, statement)
    used = set(binding_names)
    from_keywords = {_KEYWORD_PARAMS.get(k) for k in formula.keywords}
    fixed_from_literals = {
        p: v for p, v in attempt.fixed.items() if p not in binding_names and p not in from_keywords
    }
    mistake = _diagnose(role, attempt)
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
    attempt: _Attempt,
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


def _binding_names(statement: Statement, attempt: _Attempt) -> dict[str, str]:
    """quantity -> the note's name for it (as the attempt bound them)."""
    return attempt.binding.note_names()


def _info(
    role: Role, variant: str, statement: Statement, binding: _Binding, formula: FormulaLine
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


def lint_text(
    text: str, heading_kinds: Callable[[str], tuple[str, ...]], *, seed: int = 0
) -> list[Finding]:
    """The findings of one note (errors and infos; the caller filters)."""
    return Linter(heading_kinds, seed=seed).lint_text(text)
