"""A small reader for the formulas people write in notes: text in, a tree out.

It never evaluates anything (no eval, no sympy parse_expr, which evaluates):
it only builds the tree, which lint/evaluate.py computes with NumPy over
bound names. What it reads: names (subscripts are part of them: V_dW,
S_{t-1}, beta1; `V_i-1` is V_{i-1}), numbers, + - * / ^ **, calls (sqrt,
exp, log, sum, floor, and any other name, which binding then accepts or
refuses), Python's method calls and generator (`p.pow(2).sum() for p in
model.parameters()`), keyword arguments (`lr=0.01`) and parentheses.
Anything else raises ExprError, and the caller skips the line.

A formula reads as the longest expression at the start of the text: what
follows (a comment in parentheses after some spaces, `# ...`, a stray `)`)
is left to the caller, except that a dangling operator fails the read.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

#: Deeper nesting than this is not a formula anyone writes; refusing it keeps
#: hostile text from exhausting the stack.
MAX_DEPTH = 40
MAX_LENGTH = 400


class ExprError(Exception):
    """The text is not a formula this reader knows."""


@dataclass(frozen=True, slots=True)
class Node:
    #: Offsets of the node's text in the source the reader was given.
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Num(Node):
    value: float


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Neg(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Bin(Node):
    #: One of + - * / ^ (** reads as ^).
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    #: The function's name as written, dotted (`optim.SGD`); a method call
    #: `x.pow(2)` is Call("pow", (x, 2)) with method=True.
    func: str
    args: tuple[Node, ...]
    kwargs: tuple[tuple[str, Node], ...] = ()
    method: bool = False


@dataclass(frozen=True, slots=True)
class Gen(Node):
    """`element for var in iterable`, Python's generator inside a call."""

    element: Node
    var: str
    iterable: Node


# A name: letters (Greek too), digits, underscores, and brace subscripts.
_NAME = r"[A-Za-z\u0391-\u03c9](?:[A-Za-z0-9\u0391-\u03c9']|_\{[^{}\s]{1,12}\}|_)*"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<name>{_NAME})
  | (?P<op>\*\*|:=|==|<-|[-+*/^(),.=←²³·×−÷√])
    """,
    re.VERBOSE,
)
# `V_i-1` and `V_t-1`: the previous step, written without braces.
_PREVIOUS = re.compile(r"-1(?![0-9A-Za-z_.])")
_OP_ALIASES = {"·": "*", "×": "*", "−": "-", "÷": "/", "←": "=", "<-": "="}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num, name, op, end
    text: str
    start: int
    end: int
    #: Whitespace came right before it (a call needs `f(` with none).
    spaced: bool


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ExprError("too long for a formula")
    tokens: list[Token] = []
    pos = 0
    spaced = False
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            # The rest is not formula text; the reader stops here.
            break
        kind = m.lastgroup or ""
        value = m.group()
        end = m.end()
        if kind == "space":
            spaced = True
            pos = end
            continue
        if kind == "name" and re.search(r"_[A-Za-z]$", value):
            prev = _PREVIOUS.match(text, end)
            if prev is not None:
                value = f"{value[:-1]}{{{value[-1]}-1}}"
                end = prev.end()
        if kind == "op":
            value = _OP_ALIASES.get(value, value)
        tokens.append(Token(kind, value, m.start(), end, spaced))
        spaced = False
        pos = end
    tokens.append(Token("end", "", pos, pos, spaced))
    return tokens


#: Methods read as functions of their receiver (`x.pow(2)` is x ^ 2).
METHODS = frozenset({"pow", "sum", "sqrt", "exp", "log", "abs", "square", "mean"})
#: Modules whose functions are called by their dotted name (`np.sqrt(x)`, not a method).
MODULES = frozenset({"np", "numpy", "torch", "math", "tf", "jnp", "F", "nn"})


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def at(self, *ops: str) -> bool:
        t = self.tok
        return t.kind == "op" and t.text in ops

    def take(self) -> Token:
        t = self.tokens[self.i]
        if t.kind != "end":
            self.i += 1
        return t

    def expect(self, op: str) -> Token:
        if not self.at(op):
            raise ExprError(f"expected {op!r}")
        return self.take()

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError("nested too deeply")

    def expr(self) -> Node:
        self._enter()
        node = self.term()
        while self.at("+", "-"):
            op = self.take().text
            right = self.term()
            node = Bin(node.start, right.end, op, node, right)
        self.depth -= 1
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.at("*", "/"):
            op = self.take().text
            right = self.unary()
            node = Bin(node.start, right.end, op, node, right)
        return node

    def unary(self) -> Node:
        if self.at("-", "+"):
            self._enter()
            t = self.take()
            operand = self.unary()
            self.depth -= 1
            return operand if t.text == "+" else Neg(t.start, operand.end, operand)
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.at("²", "³"):
            t = self.take()
            square: Node = Num(t.start, t.end, 2.0 if t.text == "²" else 3.0)
            return Bin(base.start, t.end, "^", base, square)
        if self.at("^", "**"):
            self.take()
            self._enter()
            exponent = self.unary()
            self.depth -= 1
            return Bin(base.start, exponent.end, "^", base, exponent)
        return base

    def postfix(self) -> Node:
        node = self.primary()
        while self.at(".") and self.tokens[self.i + 1].kind == "name":
            self.take()
            attr = self.take()
            if self.at("(") and not self.tok.spaced:
                args, kwargs = self.arguments()
                end = self.tokens[self.i - 1].end
                if attr.text in METHODS and not (
                    isinstance(node, Name) and node.name.split(".")[0] in MODULES
                ):
                    node = Call(node.start, end, attr.text, (node, *args), kwargs, method=True)
                elif isinstance(node, Name):
                    node = Call(node.start, end, f"{node.name}.{attr.text}", args, kwargs)
                else:
                    raise ExprError(f"unknown method {attr.text!r}")
            elif isinstance(node, Name):
                node = Name(node.start, attr.end, f"{node.name}.{attr.text}")
            else:
                raise ExprError(f"unknown attribute {attr.text!r}")
        return node

    def primary(self) -> Node:
        t = self.tok
        if t.kind == "num":
            self.take()
            try:
                return Num(t.start, t.end, float(t.text))
            except ValueError:
                raise ExprError(f"bad number {t.text!r}") from None
        if t.kind == "name":
            self.take()
            if self.at("(") and not self.tok.spaced:
                args, kwargs = self.arguments()
                return Call(t.start, self.tokens[self.i - 1].end, t.text, args, kwargs)
            return Name(t.start, t.end, t.text)
        if self.at("√"):
            self.take()
            operand = self.power()
            return Call(t.start, operand.end, "sqrt", (operand,))
        if self.at("("):
            self.take()
            inner = self.expr()
            close = self.expect(")")
            return _with_span(inner, t.start, close.end)
        raise ExprError(f"unexpected {t.text or 'end of text'!r}")

    def arguments(self) -> tuple[tuple[Node, ...], tuple[tuple[str, Node], ...]]:
        self._enter()
        self.expect("(")
        args: list[Node] = []
        kwargs: list[tuple[str, Node]] = []
        while not self.at(")"):
            if self.tok.kind == "name" and self.tokens[self.i + 1].text == "=":
                key = self.take().text
                self.take()
                kwargs.append((key, self.expr()))
            else:
                arg = self.expr()
                if self.tok.kind == "name" and self.tok.text == "for":
                    self.take()
                    var = self.take()
                    if var.kind != "name" or self.take().text != "in":
                        raise ExprError("expected `for NAME in ...`")
                    iterable = self.expr()
                    arg = Gen(arg.start, iterable.end, arg, var.text, iterable)
                args.append(arg)
            if not self.at(","):
                break
            self.take()
        self.expect(")")
        self.depth -= 1
        return tuple(args), tuple(kwargs)


def _with_span(node: Node, start: int, end: int) -> Node:
    """The node, its span widened to take in the parentheses around it."""
    return dataclasses.replace(node, start=start, end=end)


@dataclass(frozen=True, slots=True)
class Statement:
    """`target op value` as read from a line; `rest` is the text after it."""

    target: str
    op: str
    value: Node
    #: Offsets in the text given to read_statements.
    start: int
    end: int


ASSIGN_OPS = ("=", ":=", "==")


def read_expression(text: str) -> tuple[Node, int]:
    """The longest expression at the start of `text` and the offset where it ends.
    ExprError when none, or when it ends on a dangling operator."""
    tokens = tokenize(text)
    parser = _Parser(tokens)
    try:
        node = parser.expr()
    except RecursionError:
        raise ExprError("nested too deeply") from None
    nxt = parser.tok
    if nxt.kind == "op" and nxt.text in ("+", "-", "*", "/", "^", "**", "=", ":=", "=="):
        raise ExprError(f"cannot read past {nxt.text!r}")
    # Text glued to the end (`g[0]`, `0.01g`, `x'`) is more formula, unread.
    after = text[node.end : node.end + 1]
    if after and not after.isspace() and after not in ",.;:)":
        raise ExprError(f"cannot read past {after!r}")
    return node, node.end


_TARGET = re.compile(rf"\s*({_NAME})\s*(:=|==|=(?!=)|←|<-|\+=|-=)\s*")


def read_statements(text: str) -> list[Statement]:
    """Every `NAME = expr` (or :=, ==, +=, -=) that starts `text` or follows another one
    after whitespace (`W = W - a * V     b = b - a * U`). [] when the text does not
    start with one; ExprError when it does but its value cannot be read."""
    out: list[Statement] = []
    pos = 0
    while True:
        m = _TARGET.match(text, pos)
        if m is None:
            return out
        op = _OP_ALIASES.get(m.group(2), m.group(2))
        target = m.group(1)
        target_end = m.start(1) + len(target)
        if target.endswith(("_i", "_t")) and text.startswith("-1", target_end):
            return out  # `V_t-1 = ...` is no definition of V
        value_start = m.end()
        node, length = read_expression(text[value_start:])
        node = _shift(node, value_start)
        if op in ("+=", "-="):
            # `x -= lr * dx` is x = x - lr * dx (the target's own span stands for x).
            own = Name(m.start(1), target_end, target)
            node = Bin(m.start(1), node.end, op[0], own, node)
        out.append(Statement(target, op, node, m.start(1), value_start + length))
        pos = value_start + length
        if not text[pos : pos + 1].isspace():
            return out


def _shift(node: Node, offset: int) -> Node:
    """The tree with every span moved by `offset` (spans index the whole line)."""
    changes: dict[str, object] = {"start": node.start + offset, "end": node.end + offset}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            changes[f.name] = _shift(value, offset)
        elif f.name == "args":
            changes[f.name] = tuple(_shift(a, offset) for a in value)
        elif f.name == "kwargs":
            changes[f.name] = tuple((k, _shift(v, offset)) for k, v in value)
    return dataclasses.replace(node, **changes)  # type: ignore[arg-type]


def children(node: Node) -> tuple[Node, ...]:
    """The node's direct subtrees, left to right."""
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, Bin):
        return (node.left, node.right)
    if isinstance(node, Call):
        return (*node.args, *(v for _, v in node.kwargs))
    if isinstance(node, Gen):
        return (node.element, node.iterable)
    return ()


def walk(node: Node, skip: Callable[[Call], bool] | None = None) -> list[Node]:
    """Every node of the tree, depth first, left to right; the arguments of the
    calls `skip` accepts are left out (the call itself is kept)."""
    out: list[Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        out.append(n)
        if isinstance(n, Call) and skip is not None and skip(n):
            continue
        stack.extend(reversed(children(n)))
    return out


def names_in(node: Node, skip: Callable[[Call], bool] | None = None) -> list[Name]:
    """Every Name in the tree, left to right (call and method names excluded,
    and the arguments of the calls `skip` accepts)."""
    return [n for n in walk(node, skip) if isinstance(n, Name)]


def numbers_in(node: Node) -> list[float]:
    """The literal numbers of the tree, left to right."""
    return [n.value for n in walk(node) if isinstance(n, Num)]
