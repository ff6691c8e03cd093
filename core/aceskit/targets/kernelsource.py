"""Kernel source for the native backend: an op chain as Python source that numba compiles.

:func:`generate` writes the chain from its expression graphs as loops over a block of pixels,
which pass values on in planar float64 scratch rows: straight-line code without branches (a
select computes both values and picks one), so that the compiler runs each loop over several
pixels at once (SIMD).  A select whose one value is at hand and whose other value needs ``pow``,
``log`` or ``exp`` (the gamut compression of one channel) is *deferred*: its costly value is
computed in loops over a list of the pixels that pick it.  :func:`module` pastes the bodies of
:mod:`aceskit.targets.kernelmath` into the kernel, so that the compiler sees one block of code
and numba has nothing to inline.
"""

from __future__ import annotations

import ast
import copy
import functools
import inspect
import re
from typing import Optional, Sequence

import numpy as np

from .. import expr as E
from ..ops import Curve, GamutCompress, Matrix, PixelExpr, sandwiched
from . import kernelmath
from .numpy import CHANGE_FLOOR, CHANGE_TOL

BLOCK = 64  # pixels per pass of a kernel's loops over its planar scratch: small enough to stay in L1
LANES = 8  # float64 lanes of a 512-bit vector; list loops run over a multiple of it (BLOCK is one too)

HEADER = f'''import math

import numpy as np
from llvmlite import ir
from numba import types
from numba.core.extending import intrinsic

ROUND = {kernelmath.ROUND!r}
TWO52 = {kernelmath.TWO52!r}


@intrinsic
def bits(typingctx, x):
    return types.int64(types.float64), lambda context, builder, sig, args: builder.bitcast(args[0], ir.IntType(64))


@intrinsic
def from_bits(typingctx, i):
    return types.float64(types.int64), lambda context, builder, sig, args: builder.bitcast(args[0], ir.DoubleType())


@intrinsic
def fma(typingctx, a, b, c):
    return (types.float64(types.float64, types.float64, types.float64),
            lambda context, builder, sig, args: builder.fma(*args))


@intrinsic
def floor(typingctx, x):
    return types.float64(types.float64), lambda context, builder, sig, args: builder.call(
        builder.module.declare_intrinsic("llvm.floor", [ir.DoubleType()]), args)


@intrinsic
def select(typingctx, c, a, b):
    ty = typingctx.unify_types(a, b)

    def codegen(context, builder, sig, args):
        return builder.select(context.cast(builder, args[0], sig.args[0], types.boolean),
                              context.cast(builder, args[1], sig.args[1], ty),
                              context.cast(builder, args[2], sig.args[2], ty))
    return ty(c, a, b), codegen


@intrinsic
def wide_vectors(typingctx):
    # the kernel may use the widest vectors the CPU has: LLVM prefers 256 bits on AVX-512 CPUs unless
    # told otherwise (a string attribute of this function only; llvmlite's add() knows no such names).
    # A hint: where an llvmlite takes no such attribute, the kernel compiles with narrower vectors
    def codegen(context, builder, sig, args):
        try:
            set.add(builder.function.attributes, '"prefer-vector-width"="512"')
        except TypeError:
            pass
        return context.get_dummy_value()
    return types.none(), codegen
'''
_INTRINSICS = {"bits", "from_bits", "fma", "floor", "select"}


@functools.lru_cache(maxsize=None)
def math_source() -> str:
    """The source of kernelmath (part of every kernel's cache key)."""
    return inspect.getsource(kernelmath)


def _math() -> dict:
    """kernelmath's functions (but the intrinsics), as syntax trees by name."""
    if not _MATH:
        tree = ast.parse(math_source())
        for f in tree.body:
            if isinstance(f, ast.FunctionDef) and f.name not in _INTRINSICS:
                params = {a.arg for a in f.args.args}
                if any(isinstance(t, ast.Name) and t.id in params for s in f.body if isinstance(s, ast.Assign)
                       for t in ast.walk(s.targets[0])):
                    raise ValueError(f"kernelmath.{f.name} assigns to a parameter; the inliner substitutes them")
                _MATH[f.name] = f
    return _MATH


_MATH: dict = {}


class _Inliner(ast.NodeTransformer):
    """Replaces calls of kernelmath functions in one statement by the lines of their bodies
    (locals renamed apart), which it collects in ``lines``: one straight block of code for the
    compiler, with nothing for numba to inline."""

    def __init__(self, lines: list, count: list):
        self.lines, self.count = lines, count

    def visit_Call(self, node):
        self.generic_visit(node)
        fn = _math().get(getattr(node.func, "id", None))
        if fn is None:
            return node
        self.count[0] += 1
        suffix = f"_{self.count[0]}"
        params = [a.arg for a in fn.args.args]
        local = {t.id for s in fn.body if isinstance(s, ast.Assign) for t in ast.walk(s.targets[0])
                 if isinstance(t, ast.Name)}
        rename = {}
        for param, arg in zip(params, node.args):
            if isinstance(arg, (ast.Name, ast.Constant)):
                rename[param] = arg
            else:
                self.lines.append(ast.Assign([ast.Name(param + suffix, ast.Store())], arg, lineno=0))
                rename[param] = ast.Name(param + suffix, ast.Load())

        def local_names(tree):
            for n in ast.walk(tree):
                if isinstance(n, ast.Name) and n.id in local:
                    n.id += suffix
            return tree
        for stmt in fn.body:
            if isinstance(stmt, ast.Expr):  # the docstring
                continue
            stmt = _Substitute(rename).visit(local_names(copy.deepcopy(stmt)))
            if isinstance(stmt, ast.Return):
                return self.visit(stmt.value)
            self.lines.append(self.visit(stmt))
        raise ValueError(f"kernelmath.{fn.name} does not end with a return")


class _Substitute(ast.NodeTransformer):
    """Puts the arguments of an inlined call in place of its parameters."""

    def __init__(self, values: dict):
        self.values = values

    def visit_Name(self, node):
        return copy.deepcopy(self.values[node.id]) if node.id in self.values else node


class _Selects(ast.NodeTransformer):
    """``a if c else b`` -> ``select(c, a, b)``: both values computed, no branch (so numba's
    intermediate code stays one block, quick to compile, and the compiler vectorises it); and
    arithmetic on literals done here (``1.0 / 6.0``), in the same IEEE double arithmetic."""

    def visit_IfExp(self, node):
        self.generic_visit(node)
        return ast.Call(ast.Name("select", ast.Load()), [node.test, node.body, node.orelse], [])

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if _literal(node.left) and _literal(node.right) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            return ast.Constant(eval(compile(ast.Expression(node), "<literal>", "eval")))
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if _literal(node.operand) and isinstance(node.op, ast.USub):
            return ast.Constant(-node.operand.value)
        return node


def _literal(node) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is float


def _inline(lines: Sequence[str]) -> list[str]:
    """Kernel source ``lines`` with each kernelmath call replaced by its body, and selects."""
    out: list[str] = []
    count = [0]
    for line in lines:
        indent = line[:len(line) - len(line.lstrip())]
        if line.split("#")[0].rstrip().endswith(":"):  # the function's or a loop's head
            out.append(line)
            continue
        body: list = []
        stmt = _Inliner(body, count).visit(ast.parse(line.strip()).body[0])
        out += [indent + ast.unparse(_Selects().visit(s)) for s in [*body, stmt]]
    return out


_CALLS = {"neg": "-{0}", "abs": "abs({0})", "sqrt": "math.sqrt({0})", "log": "log({0})",
          "log2": "log2({0})", "log10": "log10({0})", "exp": "exp({0})",
          "exp2": "exp2({0})", "exp10": "exp10({0})", "floor": "floor({0})",
          "add": "{0} + {1}", "sub": "{0} - {1}", "mul": "{0} * {1}", "div": "{0} / {1}",
          # fmin/fmax: a NaN operand yields the other one, as numpy's np.fmin/np.fmax
          "min": "{1} if ({0} != {0}) | ({1} < {0}) else {0}",
          "max": "{1} if ({0} != {0}) | ({1} > {0}) else {0}"}
_TESTS = {"lt": "{0} < {1}", "le": "{0} <= {1}", "gt": "{0} > {1}", "ge": "{0} >= {1}",
          "eq": "{0} == {1}", "ne": "{0} != {1}"}
_LOGIC = {"and": "{0} & {1}", "or": "{0} | {1}", "not": "not {0}"}  # no short circuit: no branch


_COSTLY = {"pow", "log", "log2", "log10", "exp", "exp2", "exp10"}


class _Writer:
    """Python source under construction: the chain as straight-line code over planar blocks.

    Each temporary is one line ``tN = ...``; constants are read from the kernel's ``p`` argument
    (so chains that differ only in their numbers, such as two exposure indices of one camera
    curve, share a kernel).  The code has no branches, so that the compiler runs each loop over
    several pixels at once (SIMD): a ``select`` computes both of its values and picks one, except
    a *deferred* select, whose one value is a constant or an input and whose other one needs
    ``pow``, ``log`` or ``exp`` (the gamut compression of one channel).  That value is computed
    only for the pixels that pick it, in a loop of its own over a list of them.  The code is
    therefore a list of *segments*: loops over the block's pixels, or over such a list.
    Temporaries that one segment computes and another reads go through planar scratch rows.
    """

    def __init__(self, names: Sequence[str]):
        self.segments: list[dict] = [{"lines": [], "need": None}]
        self.count = 0
        self.bools: set = set()
        self.slots = {n: f"c{k}" for k, n in enumerate(names)}  # parameters first
        self.values: list[float] = []

    def const(self, v: float) -> str:
        key = repr(float(v))
        if key not in self.slots:
            self.slots[key] = f"c{len(self.slots)}"
            self.values.append(float(v))
        return self.slots[key]

    def temp(self, code: str, is_bool: bool = False) -> str:
        self.count += 1
        name = f"t{self.count}"
        self.line(f"{name} = {code}")
        if is_bool:
            self.bools.add(name)
        return name

    def line(self, text: str) -> None:
        self.segments[-1]["lines"].append(text)

    def graph(self, jobs: Sequence[tuple]) -> list[list[str]]:
        """Emit each job's ``(outputs, bind)`` (expressions, names of their variables); returns the
        float64 names or literals of each job's outputs.

        The conditions of every deferred select come first, then one list loop per deferred value,
        then the rest, so that a chain with several (three channels) makes one pass for them all.
        """
        memos = [{} for _ in jobs]
        pending: list = []
        for (outputs, bind), done in zip(jobs, memos):
            for node in _deferrable(outputs):
                if ("deferred", id(node)) in done:
                    continue
                if _reaches(node, {id(p[0]) for p in pending if p[2] is done}):  # needs a value to come
                    self._flush(pending)
                    pending = []
                done["deferred", id(node)] = (self._bool(self._value(node.args[0], bind, done)), None)
                pending.append((node, bind, done))
        self._flush(pending)
        return [[self._float(self._value(o, bind, done)) for o in outputs]
                for (outputs, bind), done in zip(jobs, memos)]

    def _flush(self, pending: list) -> None:
        """Emit the costly values of ``pending`` deferred selects, each in a list loop of its own,
        then start a new pixel loop."""
        for node, bind, done in pending:
            cond, _ = done["deferred", id(node)]
            far = 1 if _costly(node.args[1]) else 2
            need = f"n{len(self.segments)}"
            self._need_line(need, cond if far == 1 else f"not {cond}")
            self.segments.append({"lines": [], "need": need})
            got = self._value(node.args[far], bind, dict(done))  # its work stays in its loop
            got = (self.temp(got[0], got[1]), got[1])
            near = self._value(node.args[3 - far], bind, done)
            done["deferred", id(node)] = (cond, (got, near) if far == 1 else (near, got))
        if pending:
            self.segments.append({"lines": [], "need": None})

    def _need_line(self, need: str, test: str) -> None:
        """``need[j] = test`` in the last pixel segment (the one that computed the conditions)."""
        for seg in reversed(self.segments):
            if seg["need"] is None:
                seg["lines"].append(f"{need}[j] = {test}")
                return

    # a value is (code, is_bool)
    def _float(self, v) -> str:
        return f"(1.0 if {v[0]} else 0.0)" if v[1] else v[0]

    def _bool(self, v) -> str:
        return v[0] if v[1] else f"({v[0]} != 0.0)"

    def _value(self, node: E.Expr, bind, done: dict):
        if id(node) in done:
            return done[id(node)]
        if node.op == "const":
            value = (self.const(node.value), False)
        elif node.op == "var":
            value = (bind[node.name], False)
        else:
            if node.op == "select" and ("deferred", id(node)) in done:
                cond, values = done["deferred", id(node)]
                args = [(cond, True), *values]
            else:
                args = [self._value(a, bind, done) for a in node.args]
            if node.op == "select":
                cond, a, b = self._bool(args[0]), args[1], args[2]
                as_bool = a[1] and b[1]
                pick = (lambda v: v[0]) if as_bool else self._float
                value = (self.temp(f"{pick(a)} if {cond} else {pick(b)}", as_bool), as_bool)
            elif node.op in _LOGIC:
                value = (self.temp(_LOGIC[node.op].format(*(f"({self._bool(a)})" for a in args)), True), True)
            elif node.op in _TESTS:
                value = (self.temp(_TESTS[node.op].format(*map(self._float, args)), True), True)
            elif node.op == "pow":  # in two halves, which a list's compute loop runs apart
                x, y = map(self._float, args)
                hi, lo = f"t{self.count + 1}", f"t{self.count + 2}"
                self.count += 2
                self.line(f"{hi}, {lo} = pow_log({x}, {y})")
                value = (self.temp(f"pow_exp({x}, {y}, {hi}, {lo})"), False)
            else:
                value = (self.temp(_CALLS[node.op].format(*map(self._float, args))), False)
        done[id(node)] = value
        return value


def _deferrable(outputs: Sequence[E.Expr]) -> list:
    """The selects of ``outputs`` whose one value is a constant or a variable and whose other value
    calls pow, log or exp; a select after those it contains."""
    found: list = []
    seen: set = set()

    def visit(n: E.Expr) -> None:
        if id(n) in seen:
            return
        seen.add(id(n))
        for a in n.args:
            visit(a)
        if n.op == "select":
            cheap = [a.op in ("const", "var") for a in n.args[1:]]
            if cheap[0] and _costly(n.args[2]) or cheap[1] and _costly(n.args[1]):
                found.append(n)
    for o in outputs:
        visit(o)
    return found


def _reaches(node: E.Expr, ids: set) -> bool:
    """Does ``node`` use (below itself) one of the nodes whose ids are ``ids``?"""
    seen: set = set()
    stack = list(node.args)
    while stack:
        n = stack.pop()
        if id(n) in ids:
            return True
        if id(n) not in seen:
            seen.add(id(n))
            stack.extend(n.args)
    return False


def _costly(node: E.Expr) -> bool:
    """Does computing ``node`` call pow, log or exp (outside the values of the selects it
    contains, which are decided on their own)?"""
    seen: set = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if n.op in _COSTLY:
            return True
        stack.extend(n.args[:1] if n.op == "select" else n.args)
    return False


def _parameters(chain: Sequence) -> list[str]:
    """The names of the chain's free variables (host parameters), bound from ``env``."""
    names: set = set()
    for op in chain:
        if isinstance(op, Curve):
            names |= E.variables([op.fn]) - {"x"}
        elif isinstance(op, (PixelExpr, GamutCompress)):
            names |= E.variables(_outputs(op)) - {"r", "g", "b"}
    return sorted(names)


def _outputs(op) -> tuple:
    """The three output expressions of a PixelExpr, or of a GamutCompress's lowering."""
    return op.lower().outputs if isinstance(op, GamutCompress) else op.outputs


def _op(w: _Writer, op, rgb: list[str], bind: dict) -> list[str]:
    """Emit one op on the channel values ``rgb``; returns the names of its outputs."""
    if isinstance(op, Matrix):
        return [w.temp(" + ".join(f"{w.const(c)} * {v}" for c, v in zip(row, rgb))) for row in op.m]
    if isinstance(op, Curve):  # a NaN channel stays NaN, as in the reference
        values = w.graph([([op.fn], {**bind, "x": v}) for v in rgb])
        return [w.temp(f"{v} if {v} != {v} else {f[0]}") for v, f in zip(rgb, values)]
    if isinstance(op, (PixelExpr, GamutCompress)):
        return w.graph([(_outputs(op), {**bind, "r": rgb[0], "g": rgb[1], "b": rgb[2]})])[0]
    raise TypeError(f"the native backend cannot run {type(op).__name__}")


def _count(w: _Writer, before: list[str], after: list[str]) -> str:
    """Count the pixel where :func:`aceskit.targets.numpy.count_changed` does; returns the name of
    the test "the compression left ``before`` as it was"."""
    same = w.temp(" & ".join(f"({a} == {b})" for a, b in zip(after, before)), is_bool=True)
    moves = [w.temp(f"abs({a} - {b})") for a, b in zip(after, before)]
    no_nan = " & ".join(f"({m} == {m})" for m in moves)
    # the largest of |before| and the floor, through selects (numba compiles them quicker than max)
    big = repr(CHANGE_FLOOR)
    for b in before:
        size = w.temp(f"abs({b})")
        big = w.temp(f"{size} if {size} > {big} else {big}")
    scale = w.temp(f"{CHANGE_TOL!r} * {big}")
    w.line(f"changed += 1 if {no_nan} & ({' | '.join(f'({m} > {scale})' for m in moves)}) else 0")
    return same


def generate(chain: tuple, in_dtype, out_dtype) -> tuple:
    """(the kernel's source before :func:`module`, the names of the chain's parameters, the
    constants after them).

    The kernel walks its pixels in blocks of :data:`BLOCK`; the segments of the chain run as loops
    over the block's pixels (a pixel segment) or over lists of the pixels that pick a deferred
    select's costly value (alike selects share one list and one loop, see :func:`_groups`);
    planar float64 scratch rows carry values from one loop to another.  A kernel of one loop reads
    and writes the pixels in it; else a loop copies the block's pixels into rows before the
    segments, and one writes them after (quicker than reading and writing in the segments' loops).
    The loops that compute a list's values run over the list rounded up to :data:`LANES` items, so
    that vectors do all of that work and none is left to a scalar remainder loop; the spare items
    repeat stale list entries (always pixels of a block, as the list rows start at 0) and their
    results are never put back.
    """
    half_in, half_out = np.dtype(in_dtype) == np.float16, np.dtype(out_dtype) == np.float16
    names = _parameters(chain)
    w = _Writer(names)
    bind = {n: w.slots[n] for n in names}
    rgb = rgb_in = [w.temp(f"x{k}[j]") for k in range(3)]
    i = 0
    while i < len(chain):
        op = chain[i]
        if i + 1 < len(chain) and sandwiched(chain, i + 1):
            ap1 = _op(w, op, rgb, bind)
            done = _op(w, chain[i + 1], ap1, bind)
            same = _count(w, ap1, done)
            back = _op(w, chain[i + 2], done, bind)
            # untouched: the input values, not a round trip
            rgb = [w.temp(f"{v} if {same} else {o}") for v, o in zip(rgb, back)]
            i += 3
            continue
        new = _op(w, op, rgb, bind)
        if isinstance(op, GamutCompress):
            _count(w, rgb, new)
        rgb, i = new, i + 1
    for k, v in enumerate(rgb):
        w.line(f"y{k}[j] = {v}")
    read = "table[s[3 * j + {0}]]" if half_in else "s[3 * j + {0}]"
    write = "to_half({0})" if half_out else "{0}"
    copies = len(w.segments) > 1  # else one loop, which reads and writes the pixels itself
    if not copies:
        lines = w.segments[0]["lines"]
        lines[:3] = [f"{x} = np.float64({read.format(k)})" for k, x in enumerate(rgb_in)]
        lines[-3:] = [f"d[3 * j + {k}] = " + write.format(v) for k, v in enumerate(rgb)]
    head = [f"def kernel(src, dst, p, table, start, stop):  # {np.dtype(in_dtype)} -> {np.dtype(out_dtype)}"]
    head += [f"    c{k} = p[{k}]" for k in range(len(w.slots))]  # parameters and constants: locals
    crossing = set(_crossing(w.segments))
    groups = _groups(w.segments, crossing)
    width = BLOCK * max([len(g["segments"]) for g in groups if g["segments"][0]["need"]] or [1])
    floats = (["x0", "x1", "x2", "y0", "y1", "y2"] if copies else []) + [
        f"a{n}" for n in sorted(crossing - w.bools, key=_number)]
    bools = [f"a{n}" for n in sorted(crossing & w.bools, key=_number)] + [g["need"] for g in w.segments if g["need"]]
    loops_of = {id(g): _split(g["lines"], g["inputs"], g["outputs"]) for g in groups if "inputs" in g}
    gathered = sorted({f"g{n}" for parts in loops_of.values() for part in parts for n in part["loads"] + part["stores"]})
    lists = [f"i{k}" for k, g in enumerate(groups) if "inputs" in g]
    # pixels read and written through flat views: the compiler sees a stride of 3 and vectorises
    head += ["    wide_vectors()", "    changed = 0", "    inp = src.reshape(-1)", "    out = dst.reshape(-1)"]
    # one allocation per type: the compiler sees the rows apart (constant offsets), so it vectorises
    # the loops without checking at run time whether they overlap
    for kind, rows, size in (("float64", floats, BLOCK), ("bool_", bools, BLOCK), ("float64", gathered, width),
                             ("int64", lists, width)):
        if rows:
            block = f"{kind}_{size}"
            make = "zeros" if kind == "int64" else "empty"  # a spare list item must name a pixel
            head.append(f"    {block} = np.{make}(({len(rows)}, {size}), dtype=np.{kind})")
            head += [f"    {row} = {block}[{k}]" for k, row in enumerate(rows)]
    loops = [f"    for base in range(start, stop, {BLOCK}):",
             f"        m = stop - base if stop - base < {BLOCK} else {BLOCK}",
             "        s = inp[3 * base:3 * (base + m)]",
             "        d = out[3 * base:3 * (base + m)]"]
    if copies:
        loops += ["        for j in range(m):"] + [f"            x{k}[j] = " + read.format(k) for k in range(3)]
    for k, g in enumerate(groups):
        if "inputs" not in g:
            seg = g["segments"][0]
            defined = _defines(seg["lines"])
            loops.append("        for j in range(m):")
            loops += [f"            {n} = a{n}[j]" for n in sorted(_uses(seg["lines"]) & crossing - defined)]
            loops += ["            " + line for line in seg["lines"]]
            loops += [f"            a{n}[j] = {n}" for n in sorted(defined & crossing)]
            continue
        # list the pixels each select sends to its costly value, one list after the other; gather
        # their inputs; compute all of them in one loop; put each result back in its own row
        loops.append("        count = 0")
        ends = []
        for e, seg in enumerate(g["segments"]):
            loops += ["        for j in range(m):", f"            i{k}[count] = j", f"            count += {seg['need']}[j]"]
            ends.append("count" if e == len(g["segments"]) - 1 else f"e{k}_{e}")
            if e < len(g["segments"]) - 1:
                loops.append(f"        e{k}_{e} = count")
        loops.append(f"        items = (count + {LANES - 1}) & {-LANES}")
        starts = ["0"] + ends[:-1]
        for e, (lo, hi) in enumerate(zip(starts, ends[:-1] + ["items"])):
            loops += [f"        for q in range({lo}, {hi}):", f"            j = i{k}[q]"]
            loops += [f"            g{n}[q] = " + (f"a{v[e]}[j]" if _NAME.fullmatch(v[e]) else v[e])
                      for n, v in g["inputs_by_segment"].items()]
        for part in loops_of[id(g)]:
            loops.append("        for q in range(items):")
            loops += [f"            {n} = g{n}[q]" + (" != 0.0" if n in w.bools else "") for n in part["loads"]]
            loops += ["            " + line for line in part["lines"]]
            loops += [f"            g{n}[q] = {n}" for n in part["stores"]]
        for e, (lo, hi) in enumerate(zip(starts, ends)):
            loops.append(f"        for q in range({lo}, {hi}):")
            loops += [f"            a{out[e]}[i{k}[q]] = g{n}[q]" for n, out in g["outputs_by_segment"].items()]
    if copies:
        loops += ["        for j in range(m):"]
        loops += [f"            d[3 * j + {k}] = " + write.format(f"y{k}[j]") for k in range(3)]
    loops += ["    return changed"]
    return "\n".join(head + loops) + "\n", names, w.values


_NAME = re.compile(r"\bt\d+\b")
_READ = re.compile(r"\b[tu]\d+\b")  # temporaries, and the per-item inputs of a merged list loop


def _uses(lines: Sequence[str]) -> set:
    """The temporaries (and list-loop inputs) ``lines`` read."""
    return {n for line in lines for n in _READ.findall(line.split(" = ", 1)[-1])}


def _defines(lines: Sequence[str]) -> set:
    """The temporaries ``lines`` compute."""
    names = [n for line in lines for n in line.split(" = ", 1)[0].split(", ")]
    return {n for n in names if _NAME.fullmatch(n)}


def _crossing(segments: Sequence[dict]) -> set:
    """Temporaries that one segment computes and another reads (they go through scratch arrays)."""
    home = {n: k for k, seg in enumerate(segments) for n in _defines(seg["lines"])}
    return {n for k, seg in enumerate(segments) for n in _uses(seg["lines"]) if home.get(n, k) != k}


def _number(name: str) -> int:
    return int(name[1:])


def _groups(segments: Sequence[dict], crossing: set) -> list[dict]:
    """The segments as loops to write: a pixel segment alone; consecutive list segments as one
    group, merged into one compute loop when they are the same code on other inputs and constants
    (the gamut compression of three channels), else one group each."""
    groups: list[dict] = []
    run: list[dict] = []
    for seg in [*segments, None]:
        if seg is not None and seg["need"]:
            run.append(seg)
            continue
        merged = _merge(run, crossing) if len(run) > 1 else None
        groups += [merged] if merged else [_merge([r], crossing) for r in run]
        run = []
        if seg is not None:
            groups.append({"segments": [seg]})
    return groups


# the costly calls in a line of kernel text: pow is written as its two halves
_CALL = re.compile(r"\b(?:{})\(".format("|".join(sorted(_COSTLY - {"pow"} | {"pow_log", "pow_exp"}))))


def _split(lines: Sequence[str], inputs: Sequence[str], outputs: Sequence[str]) -> list[dict]:
    """The compute loop of a list group as loops of one costly call each (log, exp, or a half of
    pow: ``pow_log``, ``pow_exp``), which pass values on through gathered rows.  A shorter chain of
    dependent work per item lets the processor overlap more items (the RGC kernel is about a
    quarter quicker than with its two pow in one loop).  Each loop is
    ``{"loads": names read from rows, "lines": its code, "stores": names written to rows}``."""
    parts, part = [], []
    for line in lines:
        part.append(line)
        if _CALL.search(line.split(" = ", 1)[-1]):
            parts.append(part)
            part = []
    if not parts:  # no costly call: one loop
        parts.append(part)
    elif part:  # cheap code after the last costly call: in that call's loop
        parts[-1] += part
    out, known = [], list(inputs)
    for k, code in enumerate(parts):
        later = _uses([line for p in parts[k + 1:] for line in p]) | set(outputs)
        used = _uses(code)
        out.append({"loads": [n for n in known if n in used], "lines": code,
                    "stores": [n for n in sorted(_defines(code), key=_number) if n in later]})
        known += out[-1]["stores"]
    return out


def _shape(lines: Sequence[str], local: set) -> tuple:
    """(the code with every name blanked, the names it reads from outside, in order)."""
    shape, outside = [], []
    for line in lines:
        tree = ast.parse(line)
        for n in ast.walk(tree):
            if isinstance(n, ast.Name):
                if n.id not in local:
                    outside.append(n.id)
                n.id = "_"
        shape.append(ast.dump(tree))
    return tuple(shape), outside


def _merge(segments: list[dict], crossing: set) -> Optional[dict]:
    """One compute loop for list segments that are the same code; None if they are not."""
    locals_ = [_defines(seg["lines"]) for seg in segments]
    shapes = [_shape(seg["lines"], loc) for seg, loc in zip(segments, locals_)]
    if any(s[0] != shapes[0][0] for s in shapes):
        return None
    first = segments[0]
    # positions where the segments read different names become per-item inputs u0, u1, ...
    columns = list(zip(*(s[1] for s in shapes)))  # the outside names of each position, per segment
    varying: dict = {}
    for names in columns:
        if len(set(names)) > 1:
            varying.setdefault(names, f"u{len(varying)}")
    position = iter(columns)
    lines = []
    for line in first["lines"]:
        tree = ast.parse(line)
        for n in ast.walk(tree):
            if isinstance(n, ast.Name) and n.id not in locals_[0]:
                n.id = varying.get(next(position), n.id)
        lines.append(ast.unparse(tree))
    same = sorted({names[0] for names in columns if len(set(names)) == 1 and _NAME.fullmatch(names[0])},
                  key=_number)
    order = [sorted(loc, key=_number) for loc in locals_]
    outputs = [n for n in order[0] if n in crossing]
    return {"segments": segments, "lines": lines, "inputs": [*varying.values(), *same],
            "inputs_by_segment": {**{u: names for names, u in varying.items()}, **{n: [n] * len(segments) for n in same}},
            "outputs": outputs,
            "outputs_by_segment": {n: [order[e][order[0].index(n)] for e in range(len(segments))] for n in outputs}}


def source(chain: Sequence, in_dtype=np.float32, out_dtype=np.float32) -> str:
    """The kernel module for ``chain`` reading ``in_dtype`` and writing ``out_dtype`` pixels.

    ``kernel(src, dst, p, table, start, stop)`` runs pixels ``start:stop`` of the (n, 3) arrays
    ``src`` and ``dst`` (float16 as its uint16 bits, decoded through ``table``) and returns the
    number of pixels a gamut compression changed.  ``p`` holds the chain's parameters (sorted by
    name), then its constants.
    """
    return module(generate(tuple(chain), in_dtype, out_dtype)[0])


def module(kernel_text: str) -> str:
    """The kernel module: the intrinsics, then the kernel with kernelmath's calls pasted in."""
    return HEADER + "\n\n" + "\n".join(_inline(kernel_text.splitlines())) + "\n"

