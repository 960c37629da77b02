"""Checking a note's formulas against the kernels: the lint's findings.

For each formula line (scan.py) and each statement on it, the techniques its
section and paragraph name are tried in order; the first in which every name
binds (binding.py) and the left side is a role's quantity (roles.py) decides.
The right side is then computed on the cases (cases.py) and compared with the
kernel's value of the left side, case by case (compare.py); a disagreement is
worded by wording.py. Hyperparameters the formula does not name take the block's
optimizer values, else the formula's own numbers (`0.95 ^ epoch` is a base of
0.95), else random values.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

from srs_dl.core.lint.binding import Binding, bind_statement, reads_an_input
from srs_dl.core.lint.cases import HYPER, VARIANTS, Cases, build_cases
from srs_dl.core.lint.compare import RTOL, Attempt, agree, compute, kernel_value
from srs_dl.core.lint.evaluate import Unbound
from srs_dl.core.lint.expr import Statement, names_in, numbers_in
from srs_dl.core.lint.names import bind_name, uses_m
from srs_dl.core.lint.roles import Role, roles_for
from srs_dl.core.lint.scan import FormulaLine, find_formulas
from srs_dl.core.lint.wording import Finding, diagnose, error_finding, info_finding

__all__ = ["Finding", "Linter", "lint_text"]


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
            attempts: list[Attempt] = []
            for variant in role.variants:
                binding = bind_statement(
                    statement, earlier, technique, variant, target, formula.keywords, m_names
                )
                if binding is None or not reads_an_input(binding, role):
                    continue
                try:
                    tried = self._attempts(role, variant, statement, binding)
                except Unbound:
                    continue  # computes something else than the role's quantity
                if tried[-1].agrees:
                    return info_finding(role, variant, statement, binding, formula)
                attempts.extend(tried)
            if attempts:
                # A known mistake names the variant meant; else the closest one.
                named = [a for a in attempts if diagnose(role, a) is not None]
                best = named[0] if named else min(attempts, key=lambda a: a.disagreements)
                return error_finding(role, best, statement, formula)
        return _UNBOUND

    def _attempts(
        self, role: Role, variant: str, statement: Statement, binding: Binding
    ) -> list[Attempt]:
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
        out: list[Attempt] = []
        cases_variant = variant or _default_variant(role.technique)
        for combo in itertools.product(*options):
            fixed = dict(binding.fixed)
            fixed.update({p: v for p, v in zip(free, combo, strict=True) if v is not None})
            try:
                cases = self.cases(role.technique, cases_variant, fixed)
            except ValueError:
                continue  # a value the kernel refuses (beta = 2): no such choice
            yours = compute(statement.value, binding, cases, role)
            theirs = kernel_value(role, cases)
            same = agree(yours, theirs, RTOL[role.kind])
            out.append(Attempt(variant, cases, fixed, yours, theirs, same, binding))
            if out[-1].agrees:
                break
        if not out:
            raise Unbound("no values the kernel takes")
        return out


_UNBOUND = object()


def _default_variant(technique: str) -> str:
    variants = VARIANTS.get(technique)
    return variants[0] if variants else ""


def lint_text(
    text: str, heading_kinds: Callable[[str], tuple[str, ...]], *, seed: int = 0
) -> list[Finding]:
    """The findings of one note (errors and infos; the caller filters)."""
    return Linter(heading_kinds, seed=seed).lint_text(text)
