"""Computing a bound formula on the kernel cases and comparing it with the kernel.

A loss (the weight-decay equivalence) is compared through one SGD step on it,
its gradient by central differences, with a stand-in data loss g . w whose
gradient is the case's g.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from srs_dl.core.lint.binding import Binding
from srs_dl.core.lint.cases import Cases
from srs_dl.core.lint.evaluate import Unbound, evaluate
from srs_dl.core.lint.expr import Call, Node, names_in, read_expression
from srs_dl.core.lint.roles import Role

RTOL = {"value": 1e-7, "gradient": 1e-6}


@dataclass
class Attempt:
    variant: str
    cases: Cases
    fixed: dict[str, float]
    yours: np.ndarray
    theirs: np.ndarray
    #: Per case: the formula agrees with the kernel.
    agree: np.ndarray
    binding: Binding

    @property
    def agrees(self) -> bool:
        return bool(self.agree.all())

    @property
    def disagreements(self) -> int:
        return int((~self.agree).sum())


def _resolver(
    binding: Binding, values: Mapping[str, np.ndarray], role: Role
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


def compute(node: Node, binding: Binding, cases: Cases, role: Role) -> np.ndarray:
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


def kernel_value(role: Role, cases: Cases) -> np.ndarray:
    """The kernel's value of what the formula defines (for a loss: the weights
    after one SGD step with weight decay)."""
    return cases.values["W" if role.kind == "gradient" else role.target]


def agree(yours: np.ndarray, theirs: np.ndarray, rtol: float) -> np.ndarray:
    yours = np.broadcast_to(yours, theirs.shape)
    close = np.isclose(yours, theirs, rtol=rtol, atol=1e-9)
    return np.asarray(close.all(axis=-1))


def template_values(
    template: str, role: Role, cases: Cases, fixed: Mapping[str, float]
) -> np.ndarray:
    """A mistake's template computed on the cases (its names are the quantities)."""
    text = template.format_map(_Identity())
    node, _ = read_expression(text)
    binding = Binding()
    for n in names_in(node):
        binding.quantities[n.name] = n.name
    binding.fixed = dict(fixed)
    if "{data}" in template:
        binding.quantities["data"] = "data"
    return compute(node, binding, cases, role)


class _Identity(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return key
