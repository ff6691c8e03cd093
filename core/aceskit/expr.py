"""Scalar expression graphs: the one place a pixel formula is written.

Every transfer function and the gamut compression are written once, as a
small directed acyclic graph of scalar operations over named variables
(``x`` for a per-channel curve; ``r``, ``g``, ``b`` for a whole pixel; user
parameters such as ``limit_c``).  The numpy backend evaluates the graph in
float64; the host backends (Nuke expressions, Blender math nodes, DCTL, CTF)
translate the same graph into their own language.  Nothing else in aceskit
spells a formula out again.

Nodes are immutable and shared by identity, so a sub-expression used twice is
one node (backends emit it once).  Operations whose operands are all
constants fold immediately in float64, so binding parameters to numbers
yields plain constants.

Comparison and selection semantics follow C: ``select(c, a, b)`` is
``c ? a : b`` and a comparison involving NaN is false.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

#: op name -> arity.  Backends must handle every op listed here.
ARITY = {
    "const": 0, "var": 0,
    "neg": 1, "abs": 1, "sqrt": 1, "log": 1, "log2": 1, "log10": 1,
    "exp": 1, "exp2": 1, "exp10": 1, "floor": 1, "not": 1,
    "add": 2, "sub": 2, "mul": 2, "div": 2, "pow": 2, "min": 2, "max": 2,
    "lt": 2, "le": 2, "gt": 2, "ge": 2, "eq": 2, "ne": 2, "and": 2, "or": 2,
    "select": 3,
}
COMPARISONS = frozenset({"lt", "le", "gt", "ge", "eq", "ne", "and", "or", "not"})

_NUMPY: dict[str, Callable] = {
    "neg": np.negative, "abs": np.abs, "sqrt": np.sqrt, "log": np.log,
    "log2": np.log2, "log10": np.log10, "exp": np.exp, "exp2": np.exp2,
    "exp10": lambda a: np.power(10.0, a), "floor": np.floor, "not": np.logical_not,
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
    "pow": np.power, "min": np.fmin, "max": np.fmax,
    "lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
    "eq": np.equal, "ne": np.not_equal, "and": np.logical_and, "or": np.logical_or,
    "select": np.where,
}


class Expr:
    """One node of an expression graph (build with the helpers below)."""

    __slots__ = ("op", "args", "value", "name")

    def __init__(self, op: str, args: tuple["Expr", ...] = (), value: float = 0.0, name: str = ""):
        if op not in ARITY:
            raise ValueError(f"unknown expression op {op!r}; expected one of {sorted(ARITY)}")
        if len(args) != ARITY[op]:
            raise ValueError(f"op {op!r} takes {ARITY[op]} operands, got {len(args)}")
        self.op, self.args, self.value, self.name = op, args, float(value), name

    # -- construction sugar -------------------------------------------------
    def __add__(self, o): return _node("add", self, o)
    def __radd__(self, o): return _node("add", o, self)
    def __sub__(self, o): return _node("sub", self, o)
    def __rsub__(self, o): return _node("sub", o, self)
    def __mul__(self, o): return _node("mul", self, o)
    def __rmul__(self, o): return _node("mul", o, self)
    def __truediv__(self, o): return _node("div", self, o)
    def __rtruediv__(self, o): return _node("div", o, self)
    def __pow__(self, o): return _node("pow", self, o)
    def __rpow__(self, o): return _node("pow", o, self)
    def __neg__(self): return _node("neg", self)
    def __lt__(self, o): return _node("lt", self, o)
    def __le__(self, o): return _node("le", self, o)
    def __gt__(self, o): return _node("gt", self, o)
    def __ge__(self, o): return _node("ge", self, o)
    __hash__ = object.__hash__

    @property
    def is_const(self) -> bool:
        return self.op == "const"

    def __repr__(self) -> str:
        return to_text(self)


def const(v: float) -> Expr:
    return Expr("const", value=v)


def var(name: str) -> Expr:
    if not name.isidentifier():
        raise ValueError(f"variable name must be an identifier, got {name!r}")
    return Expr("var", name=name)


def lift(v: Expr | float | int) -> Expr:
    if isinstance(v, Expr):
        return v
    if isinstance(v, (int, float, np.floating, np.integer)):
        return const(float(v))
    raise TypeError(f"cannot use {type(v).__name__} in an expression; expected Expr or a number")


def _fold(op: str, vals: Sequence[float]) -> float:
    with np.errstate(all="ignore"):
        out = _NUMPY[op](*[np.float64(v) for v in vals])
    return float(out)


def _node(op: str, *args) -> Expr:
    ex = tuple(lift(a) for a in args)
    if all(a.is_const for a in ex):
        return const(_fold(op, [a.value for a in ex]))
    # algebraic identities that keep generated host code small
    if op == "mul":
        for a, b in (ex, ex[::-1]):
            if a.is_const and a.value == 1.0:
                return b
    if op in ("add", "sub") and ex[1].is_const and ex[1].value == 0.0:
        return ex[0]
    if op == "add" and ex[0].is_const and ex[0].value == 0.0:
        return ex[1]
    if op == "div" and ex[1].is_const and ex[1].value == 1.0:
        return ex[0]
    if op == "pow" and ex[1].is_const and ex[1].value == 1.0:
        return ex[0]
    if op == "select" and ex[0].is_const:
        return ex[1] if ex[0].value else ex[2]
    return Expr(op, ex)


def select(cond, a, b) -> Expr:
    """``cond ? a : b``."""
    return _node("select", cond, a, b)


def maximum(a, b) -> Expr: return _node("max", a, b)
def minimum(a, b) -> Expr: return _node("min", a, b)
def fabs(a) -> Expr: return _node("abs", a)
def sqrt(a) -> Expr: return _node("sqrt", a)
def ln(a) -> Expr: return _node("log", a)
def log2(a) -> Expr: return _node("log2", a)
def log10(a) -> Expr: return _node("log10", a)
def exp(a) -> Expr: return _node("exp", a)
def exp2(a) -> Expr: return _node("exp2", a)
def exp10(a) -> Expr: return _node("exp10", a)
def floor(a) -> Expr: return _node("floor", a)
def eq(a, b) -> Expr: return _node("eq", a, b)
def ne(a, b) -> Expr: return _node("ne", a, b)
def logical_and(a, b) -> Expr: return _node("and", a, b)
def logical_or(a, b) -> Expr: return _node("or", a, b)
def logical_not(a) -> Expr: return _node("not", a)


def mirror(f: Callable[[Expr], Expr], x: Expr) -> Expr:
    """Odd extension ``sign(x) * f(|x|)`` of a curve defined for x >= 0."""
    return select(x < 0.0, -f(-x), f(x))


# -- graph utilities ----------------------------------------------------------

def toposort(outputs: Iterable[Expr]) -> list[Expr]:
    """Every node reachable from ``outputs``, each once, operands first."""
    return list(_toposort(tuple(outputs)))


@lru_cache(maxsize=1024)
def _toposort(outputs: tuple) -> tuple:
    seen: set[int] = set()
    order: list[Expr] = []
    stack: list[tuple[Expr, bool]] = [(o, False) for o in reversed(list(outputs))]
    while stack:
        node, expanded = stack.pop()
        if id(node) in seen:
            continue
        if expanded:
            seen.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((a, False) for a in reversed(node.args) if id(a) not in seen)
    return tuple(order)


def variables(outputs: Iterable[Expr]) -> set[str]:
    return {n.name for n in toposort(outputs) if n.op == "var"}


def substitute(outputs: Sequence[Expr], mapping: Mapping[str, Expr | float]) -> list[Expr]:
    """Replace variables by expressions or numbers, folding constants."""
    memo: dict[int, Expr] = {}
    for node in toposort(outputs):
        if node.op == "var" and node.name in mapping:
            memo[id(node)] = lift(mapping[node.name])
        elif node.args:
            memo[id(node)] = _node(node.op, *[memo[id(a)] for a in node.args])
        else:
            memo[id(node)] = node
    return [memo[id(o)] for o in outputs]


def evaluate(outputs: Sequence[Expr], env: Mapping[str, np.ndarray | float]) -> list[np.ndarray]:
    """Evaluate with numpy (float64 for float inputs); NaN and Inf follow IEEE rules."""
    values: dict[int, np.ndarray] = {}
    with np.errstate(all="ignore"):
        for node in _toposort(tuple(outputs)):
            if node.op == "const":
                values[id(node)] = np.float64(node.value)
            elif node.op == "var":
                try:
                    values[id(node)] = env[node.name]
                except KeyError:
                    raise KeyError(f"expression variable {node.name!r} has no value; pass it in env") from None
            else:
                values[id(node)] = _NUMPY[node.op](*[values[id(a)] for a in node.args])
    return [values[id(o)] for o in outputs]


def count_ops(outputs: Iterable[Expr]) -> int:
    return sum(1 for n in toposort(outputs) if n.args)


#: C spelling of the binary operators (shared by the C-like host languages: Nuke, DCTL).
C_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "lt": "<", "le": "<=",
           "gt": ">", "ge": ">=", "eq": "==", "ne": "!=", "and": "&&", "or": "||"}


def c_syntax(op: str, args: Sequence[str], calls: Mapping[str, str], sep: str = " ") -> str:
    """One operation in C syntax from already rendered operands; functions are named by ``calls``."""
    if op in C_INFIX:
        return f"({args[0]}{sep}{C_INFIX[op]}{sep}{args[1]})"
    if op == "neg":
        return f"(-{args[0]})"
    if op == "not":
        return f"(!{args[0]})"
    if op == "select":
        return f"({args[0]}{sep}?{sep}{args[1]}{sep}:{sep}{args[2]})"
    return f"{calls.get(op, op)}({','.join(args) if not sep else ', '.join(args)})"


def to_text(e: Expr) -> str:
    """A readable infix rendering (for debugging and docs, not for hosts)."""
    memo: dict[int, str] = {}
    for n in toposort([e]):
        if n.op == "const":
            s = repr(n.value) if not math.isinf(n.value) else ("inf" if n.value > 0 else "-inf")
        elif n.op == "var":
            s = n.name
        else:
            s = c_syntax(n.op, [memo[id(x)] for x in n.args], {})
        memo[id(n)] = s
    return memo[id(e)]
