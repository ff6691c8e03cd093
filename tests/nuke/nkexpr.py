"""An interpreter of Nuke's documented expression language, for testing generated gizmos offline.

Covers what the Expression node and knob expressions document: numbers, ``r g b a``, temporaries,
knob references (``knob``, ``knob.r``, ``parent.knob.g``), C operators with C precedence, ``!``,
``&&``, ``||``, ``c ? a : b`` and the math functions of the documented list that have a C
equivalent.  The Expression node computes in 32-bit float (Nuke reference guide); knob
expressions in double.  A name the language does not know is an error, never zero.

Knob expressions may embed the Tcl command ``[numvalue KNOB DEFAULT]`` (Foundry's ``numvalue``:
the knob's value as a number, enumerations as their index, check-boxes as 0/1; ``DEFAULT`` when
the knob cannot be read, e.g. does not exist); a quoted expression (``"..."``) is unquoted first.

How Nuke's ``min``/``max`` treat NaN is undocumented, so it is a setting (:data:`NAN_RULES`,
:func:`nan_rule`): ``fmax`` ignores a NaN operand as C ``fmaxf``/``fminf`` do, ``a>b?a:b`` and
``a<b?b:a`` are the two ternary spellings (``max``; ``min`` mirrored).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Callable, Mapping, Union

import numpy as np

#: NaN conventions for min/max: name -> (min, max).
NAN_RULES: dict[str, tuple[Callable, Callable]] = {
    "fmax": (np.fmin, np.fmax),
    "a>b?a:b": (lambda a, b: np.where(a < b, a, b), lambda a, b: np.where(a > b, a, b)),
    "a<b?b:a": (lambda a, b: np.where(a > b, b, a), lambda a, b: np.where(a < b, b, a)),
}
_rule = ["fmax"]


@contextlib.contextmanager
def nan_rule(name: str):
    """Evaluate ``min``/``max`` with the NaN convention ``name`` (a key of :data:`NAN_RULES`)."""
    if name not in NAN_RULES:
        raise ValueError(f"NaN rule must be one of {list(NAN_RULES)}, got {name!r}")
    old, _rule[0] = _rule[0], name
    try:
        yield
    finally:
        _rule[0] = old


#: Functions from Nuke's "adding math functions" list that this interpreter implements (C semantics).
FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "abs": (1, np.abs), "fabs": (1, np.abs), "sqrt": (1, np.sqrt), "log": (1, np.log),
    "log10": (1, np.log10), "exp": (1, np.exp), "floor": (1, np.floor), "ceil": (1, np.ceil),
    "pow": (2, np.power), "min": (2, lambda a, b: NAN_RULES[_rule[0]][0](a, b)),
    "max": (2, lambda a, b: NAN_RULES[_rule[0]][1](a, b)),
}
#: The rest of the documented list: known to Nuke, not used by aceskit (refused here so a test notices).
DOCUMENTED_ONLY = set("""acos asin atan atan2 trunc rint int clamp cos sin tan cosh sinh tanh degrees radians
logb pow2 hypot fmod mix lerp smoothstep step exponent mantissa ldexp noise fBm turbulence random curve
value from_sRGB to_sRGB from_rec709 to_rec709 from_byte to_byte true false pi equal inrange""".split())

_TOKEN = re.compile(r"""\s*(?:
    (?P<tcl>\[[^\[\]]*\])
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>&&|\|\||==|!=|<=|>=|[-+*/<>!?:(),])
)""", re.X)
_BINARY = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6}


class ExprError(ValueError):
    pass


@dataclass(frozen=True)
class Node:
    kind: str          # num, name, unary, binary, ternary, call
    value: object
    args: tuple = ()


def tokenize(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"unexpected character {text[pos:pos + 10]!r} in expression {text!r}")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _numvalue(text: str) -> Node:
    parts = text[1:-1].split()
    if len(parts) != 3 or parts[0] != "numvalue" or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", parts[1]):
        raise ExprError(f"only [numvalue KNOB DEFAULT] is supported inside an expression, got {text!r}")
    try:
        return Node("numvalue", (parts[1], float(parts[2])))
    except ValueError:
        raise ExprError(f"numvalue default must be a number, got {parts[2]!r}") from None


def parse(text: str) -> Node:
    """Parse an expression; raises ExprError on anything outside the language."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = re.sub(r"\\(.)", r"\1", text[1:-1])
    toks = tokenize(text)
    if not toks:
        raise ExprError("empty expression")
    i = 0

    def peek():
        return toks[i] if i < len(toks) else ("end", "")

    def take(expected=None):
        nonlocal i
        tok = peek()
        if expected is not None and tok[1] != expected:
            raise ExprError(f"expected {expected!r}, found {tok[1]!r} in {text!r}")
        if tok[0] == "end":
            raise ExprError(f"unexpected end of expression {text!r}")
        i += 1
        return tok

    def primary() -> Node:
        kind, val = take()
        if kind == "num":
            return Node("num", float(val))
        if kind == "tcl":
            return _numvalue(val)
        if kind == "name":
            if peek()[1] == "(":
                take("(")
                args = [ternary()]
                while peek()[1] == ",":
                    take(",")
                    args.append(ternary())
                take(")")
                if val in DOCUMENTED_ONLY:
                    raise ExprError(f"function {val!r} is documented but not supported by this interpreter")
                if val not in FUNCTIONS:
                    raise ExprError(f"unknown function {val!r}")
                if len(args) != FUNCTIONS[val][0]:
                    raise ExprError(f"{val} takes {FUNCTIONS[val][0]} arguments, got {len(args)}")
                return Node("call", val, tuple(args))
            return Node("name", val)
        if val == "(":
            inner = ternary()
            take(")")
            return inner
        if val in ("-", "+", "!"):
            return Node("unary", val, (primary(),))
        raise ExprError(f"unexpected {val!r} in {text!r}")

    def binary(level: int) -> Node:
        left = primary()
        while True:
            op = peek()[1]
            prec = _BINARY.get(op) if peek()[0] == "op" else None
            if prec is None or prec < level:
                return left
            take()
            right = binary(prec + 1)
            left = Node("binary", op, (left, right))

    def ternary() -> Node:
        cond = binary(1)
        if peek()[1] == "?":
            take("?")
            a = ternary()
            take(":")
            b = ternary()
            return Node("ternary", None, (cond, a, b))
        return cond

    tree = ternary()
    if i != len(toks):
        raise ExprError(f"unexpected {toks[i][1]!r} after a complete expression in {text!r}")
    return tree


def names(tree: Node) -> set[str]:
    if tree.kind == "name":
        return {str(tree.value)}
    return set().union(*(names(a) for a in tree.args)) if tree.args else set()


Value = Union[np.ndarray, np.floating, float]


def evaluate(tree: Node, lookup: Callable[[str], Value], dtype=np.float32) -> Value:
    """Evaluate with every operation rounded to ``dtype`` (float32 for pixel expressions)."""
    t = np.dtype(dtype).type

    def ev(n: Node):
        if n.kind == "num":
            return t(n.value)
        if n.kind == "name":
            v = lookup(str(n.value))
            return t(v) if np.isscalar(v) else np.asarray(v, dtype=dtype)
        if n.kind == "numvalue":
            path, default = n.value
            try:
                return t(lookup(path))
            except (KeyError, ValueError):
                return t(default)
        if n.kind == "call":
            # libm's float functions (glibc >= 2.28 expf/logf/powf) are correctly rounded: compute in
            # double and round once (numpy's own float32 loops may be off by an ulp)
            args = [np.asarray(ev(a), dtype=np.float64) for a in n.args]
            return np.asarray(FUNCTIONS[str(n.value)][1](*args)).astype(dtype)
        if n.kind == "unary":
            x = ev(n.args[0])
            if n.value == "-":
                return -x
            if n.value == "!":
                return (x == 0).astype(dtype)
            return x
        if n.kind == "ternary":
            c, a, b = (ev(x) for x in n.args)
            return np.where(c != 0, a, b).astype(dtype)  # C truth: nonzero (NaN included) is true
        a, b = ev(n.args[0]), ev(n.args[1])
        op = n.value
        if op == "&&":
            return ((a != 0) & (b != 0)).astype(dtype)
        if op == "||":
            return ((a != 0) | (b != 0)).astype(dtype)
        fn = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "<": np.less,
              "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "==": np.equal,
              "!=": np.not_equal}[str(op)]
        return np.asarray(fn(a, b)).astype(dtype)

    with np.errstate(all="ignore"):
        return ev(tree)


def evaluate_text(text: str, env: Mapping[str, Value], dtype=np.float32) -> Value:
    def lookup(name: str):
        if name not in env:
            raise ExprError(f"unknown name {name!r} in expression {text!r}")
        return env[name]
    return evaluate(parse(text), lookup, dtype)
