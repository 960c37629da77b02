"""Computing a formula tree with NumPy, over arrays a caller binds the names to.

Only the tree's own operations run: + - * / ^, negation, the functions in
names.FUNCTIONS, and `sum(... for p in model.parameters())` (the weights are one
array here, so the sum over parameters is the sum over it). A name or call the
resolver does not know raises Unbound; the caller skips the formula. 0/0 and
overflow give NaN and inf, as they would in the note's own arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from srs_dl.core.lint.expr import Bin, Call, Gen, Name, Neg, Node, Num
from srs_dl.core.lint.names import function_name

#: name -> its value, or None when the name is not bound.
Resolver = Callable[[str], np.ndarray | None]
#: a call -> its value (the data loss), or None when not a known call.
CallResolver = Callable[[Call], np.ndarray | None]


class Unbound(Exception):
    """A name or function the formula uses that is not bound."""


def _reduce(x: np.ndarray, how: str) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim < 2:
        return x
    return x.sum(axis=-1, keepdims=True) if how == "sum" else x.mean(axis=-1, keepdims=True)


def evaluate(
    node: Node,
    resolve: Resolver,
    resolve_call: CallResolver | None = None,
    *,
    params: Callable[[], np.ndarray] | None = None,
) -> np.ndarray:
    """The formula's value; `params` gives the weights for a generator over parameters."""
    with np.errstate(all="ignore"):
        try:
            return np.asarray(_eval(node, resolve, resolve_call, params, {}), dtype=np.float64)
        except RecursionError:
            raise Unbound("nested too deeply") from None


def _eval(
    node: Node,
    resolve: Resolver,
    resolve_call: CallResolver | None,
    params: Callable[[], np.ndarray] | None,
    local: dict[str, np.ndarray],
) -> np.ndarray:
    def ev(n: Node) -> np.ndarray:
        return _eval(n, resolve, resolve_call, params, local)

    if isinstance(node, Num):
        return np.asarray(node.value)
    if isinstance(node, Name):
        if node.name in local:
            return local[node.name]
        value = resolve(node.name)
        if value is None:
            raise Unbound(node.name)
        return value
    if isinstance(node, Neg):
        return -ev(node.operand)
    if isinstance(node, Bin):
        a, b = ev(node.left), ev(node.right)
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "*":
            return a * b
        if node.op == "/":
            return a / b
        return np.power(a, b)
    if isinstance(node, Call):
        return _call(node, ev, resolve_call, params, resolve, local)
    raise Unbound(type(node).__name__)


def _call(
    node: Call,
    ev: Callable[[Node], np.ndarray],
    resolve_call: CallResolver | None,
    params: Callable[[], np.ndarray] | None,
    resolve: Resolver,
    local: dict[str, np.ndarray],
) -> np.ndarray:
    func = function_name(node.func)
    if node.kwargs:
        raise Unbound(node.func)
    if func == "sum" and len(node.args) == 1 and isinstance(node.args[0], Gen):
        gen = node.args[0]
        if params is None or not _is_parameters(gen.iterable):
            raise Unbound("generator")
        inner = {**local, gen.var: params()}
        return _reduce(_eval(gen.element, resolve, resolve_call, params, inner), "sum")
    if func in ("sqrt", "exp", "log", "abs", "floor", "square") and len(node.args) == 1:
        x = ev(node.args[0])
        if func == "sqrt":
            return np.sqrt(x)
        if func == "exp":
            return np.exp(x)
        if func == "log":
            return np.log(x)
        if func == "abs":
            return np.abs(x)
        if func == "floor":
            return np.floor(x)
        return x * x
    if func in ("sum", "mean") and len(node.args) == 1:
        return _reduce(ev(node.args[0]), func)
    if func == "pow" and len(node.args) == 2:
        return np.power(ev(node.args[0]), ev(node.args[1]))
    if resolve_call is not None:
        value = resolve_call(node)
        if value is not None:
            return value
    raise Unbound(node.func)


def _is_parameters(node: Node) -> bool:
    return (
        isinstance(node, Call)
        and not node.args
        and (node.func.endswith(".parameters") or node.func == "parameters")
    )
