"""Binding a statement's names: which quantity, constant or definition each stands for.

Constants (`lambda_l2 = 0.01`) and definitions (`l2_norm = sum(...)`) come from the
block's statements before the one read, each resolved only through those before it;
an optimizer's keyword arguments fix hyperparameters. A name that is none of these
fails the binding, and the statement is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from srs_dl.core.lint.cases import HYPER
from srs_dl.core.lint.expr import Call, Gen, Neg, Node, Num, Statement, names_in, walk
from srs_dl.core.lint.names import (
    DATA_LOSS_CALLS,
    STATEFUL,
    Bound,
    bind_name,
    compact,
    function_name,
)
from srs_dl.core.lint.roles import Role

#: Optimizer keyword arguments (`optim.SGD(lr=..., weight_decay=...)`) as hyperparameters.
KEYWORD_PARAMS = {"lr": "lr", "weight_decay": "wd", "momentum": "beta", "eps": "eps"}

_INPUTS = frozenset(
    {"W_prev", "g", "V", "V_prev", "S", "S_prev", "V_hat", "S_hat", "theta", "epoch", "data"}
)


@dataclass
class Binding:
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


def bind_statement(
    statement: Statement,
    earlier: list[Statement],
    technique: str,
    variant: str,
    target: Bound,
    keywords: Mapping[str, float],
    m_names: bool,
) -> Binding | None:
    binding = Binding()
    for key, value in keywords.items():
        param = KEYWORD_PARAMS.get(key)
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

    if isinstance(node, Num):
        return node.value
    if isinstance(node, Neg) and isinstance(node.operand, Num):
        return -node.operand.value
    return None


def reads_an_input(binding: Binding, role: Role) -> bool:
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
