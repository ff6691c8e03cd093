"""The native backend: an op chain compiled into one fused per-pixel kernel (numba).

The kernel is generated Python source, a loop over pixels whose body is the whole chain as
straight-line float64 code, written from the same expression graphs every other backend
translates (a :class:`~aceskit.ops.GamutCompress` through ``lower()``).  A ``select`` whose
branches need work becomes an ``if``/``else``, so a pixel only pays for the branch it takes.
The kernel reads float16/32/64 into planar float64 blocks, runs the chain over them and writes
the output dtype; threads split the pixels (the kernel releases the GIL).

The semantics are those of :mod:`aceskit.targets.numpy`, the reference: a gamut compression
between an op and its inverse (AP0 -> AP1 -> RGC -> AP1 -> AP0) hands back the input pixel
untouched when the compression leaves its AP1 values equal, and ``stats["rgc_changed"]`` counts
pixels by :func:`aceskit.targets.numpy.count_changed`'s rule.

Compiled kernels are cached on disk in :func:`cache_dir` (``ACESKIT_CACHE_DIR``, else the user's
cache folder), one file per kernel source (the chain's structure and dtypes; its numbers are
data), named by a hash of the source and the versions of aceskit, numba, numpy and Python.  A cache that cannot be used (read-only, corrupt) means one
warning and a compile in memory.  Where numba cannot be imported, :func:`available` is False
and :func:`aceskit.targets.run` uses the numpy reference.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Mapping, Optional, Sequence

import numpy as np

from .. import expr as E
from ..ops import Curve, GamutCompress, Matrix, PixelExpr, sandwiched
from . import check_rgb
from .numpy import CHANGE_TOL

CACHE_ENV = "ACESKIT_CACHE_DIR"
CHUNK = 1 << 16  # pixels per work unit
BLOCK = 512  # pixels per pass of a kernel's loops over its planar scratch
DTYPES = {np.dtype(np.float16): "uint16", np.dtype(np.float32): "float32", np.dtype(np.float64): "float64"}
_HALF_TO_FLOAT = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)
_NO_TABLE = np.zeros(1, dtype=np.float32)
_KERNELS: dict = {}
_LOCK = threading.Lock()
_WARNED: list = []

# Conversions the kernel needs around the chain (storage formats, not color math).
_PRELUDE = '''import math
import numpy as np


def to_half(x):
    """float64 -> IEEE 754 half bits, rounded to nearest even (as numpy's astype)."""
    sign = 0x8000 if math.copysign(1.0, x) < 0.0 else 0
    a = abs(x)
    if a != a:
        return np.uint16(sign | 0x7E00)
    if a >= 65520.0:
        return np.uint16(sign | 0x7C00)
    if a < 6.103515625e-05:
        q = a * 16777216.0
        base = 0
    else:
        m, e = math.frexp(a)
        q = m * 2048.0 - 1024.0
        base = (e + 14) << 10
    f = math.floor(q)
    rest = q - f
    if rest > 0.5 or (rest == 0.5 and f % 2.0 == 1.0):
        f += 1.0
    return np.uint16(sign | (base + int(f)))


POW2 = np.ldexp(1.0, np.arange(-600, 601))


def exp(y):
    """e**y within 2 ulp of libm's exp, as straight-line code the compiler can vectorise (Cody-Waite
    reduction by ln 2, the Taylor polynomial of degree 13, scaling through a table of 2**k)."""
    yc = 0.0 if y != y else min(max(y, -746.0), 710.0)
    k = math.floor(yc * 1.4426950408889634 + 0.5)
    r = (yc - k * 0.6931471803691238) - k * 1.9082149292705877e-10
    r2 = r * r
    r4 = r2 * r2
    q0 = (1.0 + r) + r2 * (0.5 + r * (1.0 / 6.0))
    q1 = (1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0 + r * (1.0 / 5040.0))
    q2 = (1.0 / 40320.0 + r * (1.0 / 362880.0)) + r2 * (1.0 / 3628800.0 + r * (1.0 / 39916800.0))
    q3 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0)
    ki = int(k)
    half = ki >> 1
    e = (q0 + r4 * q1 + r4 * r4 * (q2 + r4 * q3)) * POW2[half + 600] * POW2[ki - half + 600]
    e = math.inf if y > 709.782712893384 else e
    e = 0.0 if y < -745.1332191019412 else e
    return y if y != y else e
'''


def available() -> bool:
    """Can this Python compile native kernels (is numba importable)?"""
    return _numba() is not None


_IMPORT = threading.Lock()
_LOADED: list = []


def _numba():
    """numba, or None; imported once per process, by one thread."""
    with _IMPORT:
        if not _LOADED:
            _LOADED.append(_import_numba())
    return _LOADED[0]


def _import_numba():
    # numba checks the version of a scipy already imported; colour-science puts a stand-in without
    # one in sys.modules when scipy is not installed: hide it while numba loads
    scipy = sys.modules.get("scipy")
    fake = scipy is not None and not isinstance(getattr(scipy, "__version__", None), str)
    if fake:
        del sys.modules["scipy"]
    try:
        import numba
    except Exception:  # missing, or an install that does not load: the reference takes over
        return None
    finally:
        if fake:
            sys.modules["scipy"] = scipy
    return numba


def cache_dir() -> Path:
    """Where compiled kernels live: ``$ACESKIT_CACHE_DIR``, else the user's cache folder + ``aceskit``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "aceskit"


# -- code generation ------------------------------------------------------------------------

_CALLS = {"neg": "-{0}", "abs": "abs({0})", "sqrt": "math.sqrt({0})", "log": "math.log({0})",
          "log2": "math.log2({0})", "log10": "math.log10({0})", "exp": "exp({0})",
          "exp2": "np.exp2({0})", "exp10": "exp({0} * 2.302585092994046)", "floor": "np.floor({0})",
          "add": "{0} + {1}", "sub": "{0} - {1}", "mul": "{0} * {1}", "div": "{0} / {1}",
          "pow": "math.pow({0}, {1})",  # libm's pow; numba's ** takes a slower generic path
          # fmin/fmax: a NaN operand yields the other one, as numpy's np.fmin/np.fmax
          "min": "{1} if ({0} != {0} or {1} < {0}) else {0}",
          "max": "{1} if ({0} != {0} or {1} > {0}) else {0}"}
_TESTS = {"lt": "{0} < {1}", "le": "{0} <= {1}", "gt": "{0} > {1}", "ge": "{0} >= {1}",
          "eq": "{0} == {1}", "ne": "{0} != {1}"}
_LOGIC = {"and": "{0} and {1}", "or": "{0} or {1}", "not": "not {0}"}


class _Writer:
    """Python source under construction: numbered temporaries, indented lines, and the constants,
    which the kernel reads from its ``p`` argument (so chains that differ only in their numbers,
    such as two exposure indices of one camera curve, share a kernel)."""

    def __init__(self, names: Sequence[str]):
        self.lines: list[str] = []
        self.count = 0
        self.slots = {n: f"c{k}" for k, n in enumerate(names)}  # parameters first
        self.values: list[float] = []

    def const(self, v: float) -> str:
        key = repr(float(v))
        if key not in self.slots:
            self.slots[key] = f"c{len(self.slots)}"
            self.values.append(float(v))
        return self.slots[key]

    def temp(self, depth: int, code: str) -> str:
        self.count += 1
        name = f"t{self.count}"
        self.line(depth, f"{name} = {code}")
        return name

    def line(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def graph(self, outputs: Sequence[E.Expr], bind: Mapping[str, str], depth: int) -> list[str]:
        """Emit ``outputs`` with variables named by ``bind``; returns float64 names or literals."""
        scopes: list[dict] = [{}]
        return [self._float(self._value(o, bind, scopes, depth)) for o in outputs]

    # a value is (code, is_bool)
    def _float(self, v) -> str:
        return f"(1.0 if {v[0]} else 0.0)" if v[1] else v[0]

    def _bool(self, v) -> str:
        return v[0] if v[1] else f"({v[0]} != 0.0)"

    def _value(self, node: E.Expr, bind, scopes: list, depth: int):
        for scope in reversed(scopes):
            if id(node) in scope:
                return scope[id(node)]
        if node.op == "const":
            return (self.const(node.value), False)
        if node.op == "var":
            return (bind[node.name], False)
        if node.op == "select":
            value = self._select(node, bind, scopes, depth)
        else:
            args = [self._value(a, bind, scopes, depth) for a in node.args]
            if node.op in _LOGIC:
                value = (self.temp(depth, _LOGIC[node.op].format(*map(self._bool, args))), True)
            elif node.op in _TESTS:
                value = (self.temp(depth, _TESTS[node.op].format(*map(self._float, args))), True)
            else:
                value = (self.temp(depth, _CALLS[node.op].format(*map(self._float, args))), False)
        scopes[-1][id(node)] = value
        return value

    def _select(self, node: E.Expr, bind, scopes: list, depth: int):
        cond = self._bool(self._value(node.args[0], bind, scopes, depth))
        cheap = all(a.op in ("const", "var") or any(id(a) in s for s in scopes) for a in node.args[1:])
        if cheap:
            a, b = (self._value(x, bind, scopes, depth) for x in node.args[1:])
            as_bool = a[1] and b[1]
            pick = (lambda v: v[0]) if as_bool else self._float
            return (self.temp(depth, f"{pick(a)} if {cond} else {pick(b)}"), as_bool)
        self.count += 1
        name = f"t{self.count}"
        branches = []
        for keyword, arg in (("if", node.args[1]), ("else", node.args[2])):
            self.line(depth, f"if {cond}:" if keyword == "if" else "else:")
            scopes.append({})  # what a branch computes is not there for the code after it
            branches.append((self._value(arg, bind, scopes, depth + 1), len(self.lines)))
            scopes.pop()
        as_bool = branches[0][0][1] and branches[1][0][1]
        pick = (lambda v: v[0]) if as_bool else self._float
        # each branch ends by naming its value; insert in reverse so the recorded positions hold
        for value, end in reversed(branches):
            self.lines.insert(end, "    " * (depth + 1) + f"{name} = {pick(value)}")
        return (name, as_bool)


def _parameters(chain: Sequence) -> list[str]:
    """The names of the chain's free variables (host parameters), bound from ``env``."""
    names: set = set()
    for op in chain:
        if isinstance(op, Curve):
            names |= E.variables([op.fn]) - {"x"}
        elif isinstance(op, (PixelExpr, GamutCompress)):
            names |= E.variables(op.lower().outputs if isinstance(op, GamutCompress) else op.outputs) - {"r", "g", "b"}
    return sorted(names)


def _op(w: _Writer, op, rgb: list[str], bind: dict, depth: int) -> list[str]:
    """Emit one op on the channel values ``rgb``; returns the names of its outputs."""
    if isinstance(op, Matrix):
        return [w.temp(depth, " + ".join(f"{w.const(c)} * {v}" for c, v in zip(row, rgb))) for row in op.m]
    if isinstance(op, Curve):  # a NaN channel stays NaN, as in the reference
        return [w.temp(depth, f"{v} if {v} != {v} else {w.graph([op.fn], {**bind, 'x': v}, depth)[0]}")
                for v in rgb]
    if isinstance(op, (PixelExpr, GamutCompress)):
        outputs = op.lower().outputs if isinstance(op, GamutCompress) else op.outputs
        return w.graph(outputs, {**bind, "r": rgb[0], "g": rgb[1], "b": rgb[2]}, depth)
    raise TypeError(f"the native backend cannot run {type(op).__name__}")


def _count(w: _Writer, before: list[str], after: list[str], depth: int) -> None:
    """``changed += 1`` where :func:`aceskit.targets.numpy.count_changed` counts the pixel."""
    moves = [w.temp(depth, f"abs({a} - {b})") for a, b in zip(after, before)]
    no_nan = " and ".join(f"{m} == {m}" for m in moves)
    scale = f"{CHANGE_TOL!r} * max(abs({before[0]}), abs({before[1]}), abs({before[2]}), 0.001)"
    w.line(depth, f"if {no_nan} and max({', '.join(moves)}) > {scale}:")
    w.line(depth + 1, "changed += 1")


def _generate(chain: tuple, in_dtype, out_dtype) -> tuple:
    """(kernel module source, the names of the chain's parameters, the constants after them).

    The kernel walks its pixels in blocks of :data:`BLOCK`: one loop copies a block into planar
    float64 scratch (one array per channel), one runs the chain over the scratch, one writes the
    block back.  The chain's loop then reads and writes contiguous float64, which the compiler
    vectorises where the code allows it.
    """
    half_in, half_out = np.dtype(in_dtype) == np.float16, np.dtype(out_dtype) == np.float16
    names = _parameters(chain)
    w = _Writer(names)
    bind = {n: w.slots[n] for n in names}
    body = 3
    rgb = [w.temp(body, f"x{k}[j]") for k in range(3)]
    i = 0
    while i < len(chain):
        op = chain[i]
        if i + 1 < len(chain) and sandwiched(chain, i + 1):
            ap1 = _op(w, op, rgb, bind, body)
            done = _op(w, chain[i + 1], ap1, bind, body)
            out = [f"t{w.count + k + 1}" for k in range(3)]
            w.count += 3
            w.line(body, "if " + " and ".join(f"{a} == {b}" for a, b in zip(done, ap1)) + ":")
            for o, v in zip(out, rgb):
                w.line(body + 1, f"{o} = {v}")  # untouched: the input values, not a round trip
            w.line(body, "else:")
            _count(w, ap1, done, body + 1)
            for o, v in zip(out, _op(w, chain[i + 2], done, bind, body + 1)):
                w.line(body + 1, f"{o} = {v}")
            rgb, i = out, i + 3
            continue
        new = _op(w, op, rgb, bind, body)
        if isinstance(op, GamutCompress):
            w.line(body, "if not (" + " and ".join(f"{a} == {b}" for a, b in zip(new, rgb)) + "):")
            _count(w, rgb, new, body + 1)
        rgb, i = new, i + 1
    for k, v in enumerate(rgb):
        w.line(body, f"y{k}[j] = {v}")
    read = "table[s[j, {0}]]" if half_in else "s[j, {0}]"
    write = "to_half(y{0}[j])" if half_out else "y{0}[j]"
    head = [f"def kernel(src, dst, p, table, start, stop):  # {np.dtype(in_dtype)} -> {np.dtype(out_dtype)}"]
    head += [f"    c{k} = p[{k}]" for k in range(len(w.slots))]  # parameters and constants: locals
    head += ["    changed = 0",
             f"    x = np.empty((3, {BLOCK}))", f"    y = np.empty((3, {BLOCK}))",
             "    x0, x1, x2, y0, y1, y2 = x[0], x[1], x[2], y[0], y[1], y[2]",
             f"    for base in range(start, stop, {BLOCK}):",
             f"        m = min({BLOCK}, stop - base)",
             "        s = src[base:base + m]",
             "        d = dst[base:base + m]",
             "        for j in range(m):"]
    head += [f"            x{k}[j] = " + read.format(k) for k in range(3)]
    head += ["        for j in range(m):"]
    tail = ["        for j in range(m):"]
    tail += [f"            d[j, {k}] = " + write.format(k) for k in range(3)]
    tail += ["    return changed"]
    return _PRELUDE + "\n\n" + "\n".join(head + w.lines + tail) + "\n", names, w.values


def source(chain: Sequence, in_dtype=np.float32, out_dtype=np.float32) -> str:
    """The kernel module for ``chain`` reading ``in_dtype`` and writing ``out_dtype`` pixels.

    ``kernel(src, dst, p, table, start, stop)`` runs pixels ``start:stop`` of the (n, 3) arrays
    ``src`` and ``dst`` (float16 as its uint16 bits, decoded through ``table``) and returns the
    number of pixels a gamut compression changed.  ``p`` holds the chain's parameters (sorted by
    name), then its constants.
    """
    return _generate(tuple(chain), in_dtype, out_dtype)[0]


# -- compiling and caching ----------------------------------------------------------------------

def _signature(numba, in_dtype, out_dtype):
    t = numba.types
    array = lambda dt, dims=2: t.Array(getattr(t, DTYPES[np.dtype(dt)]), dims, "C")  # noqa: E731
    return t.int64(array(in_dtype), array(out_dtype), t.Array(t.float64, 1, "C"),
                   t.Array(t.float32, 1, "C"), t.int64, t.int64)


def _key(text: str) -> str:
    import aceskit
    numba = _numba()
    versions = f"aceskit {aceskit.__version__}, numba {numba.__version__}, numpy {np.__version__}, {sys.version}"
    return hashlib.sha256(f"{versions}\n{text}".encode()).hexdigest()[:32]


def _module_file(folder: Path, key: str, text: str) -> Path:
    """The kernel's source file in the cache (written once, atomically); OSError if unusable."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"kernel_{key}.py"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            try:
                os.link(tmp, path)  # never replaces a file another process wrote first
            except FileExistsError:
                pass
            except OSError:
                os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    elif path.read_text(encoding="utf-8") != text:
        raise OSError(f"{path.name} does not hold the kernel its name promises (corrupt)")
    tempfile.TemporaryFile(dir=folder).close()  # numba writes the compiled kernel beside it
    return path


def _jit(numba, namespace, signature, cache: bool):
    options = dict(nogil=True, error_model="numpy", cache=cache)
    namespace["to_half"] = numba.njit(**options)(namespace["to_half"])
    namespace["exp"] = numba.njit(inline="always", **options)(namespace["exp"])
    return numba.njit(signature, **options)(namespace["kernel"])


def _compile(text: str, key: str, signature):
    numba = _numba()
    folder = cache_dir() / "kernels"
    try:
        path = _module_file(folder, key, text)
        spec = importlib.util.spec_from_file_location(f"aceskit_kernel_{key}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        return _jit(numba, vars(module), signature, cache=True)
    except Exception as exc:  # an unusable cache; a kernel that does not compile raises below
        problem = exc
    namespace: dict = {}
    exec(compile(text, f"<aceskit kernel {key}>", "exec"), namespace)
    k = _jit(numba, namespace, signature, cache=False)
    if not _WARNED:
        _WARNED.append(True)
        warnings.warn(f"aceskit cannot use its kernel cache {folder} ({type(problem).__name__}: "
                      f"{' '.join(str(problem).split())[:200]}); compiling in memory", RuntimeWarning, stacklevel=4)
    return k


def kernel(chain: Sequence, in_dtype, out_dtype) -> tuple:
    """(compiled kernel of :func:`source`, parameter names, constants); from memory, the disk cache,
    or compiled."""
    text, names, values = _generate(tuple(chain), in_dtype, out_dtype)
    key = _key(text)
    with _LOCK:
        k = _KERNELS.get(key)
        if k is None:
            k = _KERNELS[key] = _compile(text, key, _signature(_numba(), in_dtype, out_dtype))
    return k, names, values


_POOLS: dict = {}


def _pool(workers: int) -> ThreadPoolExecutor:
    """A thread pool of ``workers`` threads, made once and reused by every call."""
    with _LOCK:
        if workers not in _POOLS:
            _POOLS[workers] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aceskit-native")
        return _POOLS[workers]


def run(chain: Sequence, rgb, *, workers: Optional[int] = None, env: Optional[Mapping[str, float]] = None,
        stats: Optional[dict] = None, dtype=None):
    """Apply ``chain`` to RGB values shaped (..., 3); the arguments are those of :func:`aceskit.targets.numpy.run`."""
    arr, out_dtype = check_rgb(rgb, dtype)
    if out_dtype not in DTYPES:
        from . import numpy as reference
        return reference.run(chain, arr, workers=workers, env=env, stats=stats, dtype=dtype)
    flat = arr.reshape(-1, 3)
    if flat.dtype not in DTYPES:
        flat = flat.astype(np.float64)
    flat = np.ascontiguousarray(flat)
    out = np.empty(flat.shape, dtype=out_dtype)
    n = len(flat)
    chain = tuple(chain)
    changed = 0
    if n:
        k, names, constants = kernel(chain, flat.dtype, out_dtype)
        env = dict(env or {})
        missing = [name for name in names if name not in env]
        if missing:
            raise KeyError(f"expression variables {missing} have no value; pass them in env")
        values = np.array([float(env[k]) for k in names] + constants + [0.0], dtype=np.float64)
        half_in = flat.dtype == np.float16
        src = flat.view(np.uint16) if half_in else flat
        dst = out.view(np.uint16) if out_dtype == np.float16 else out
        table = _HALF_TO_FLOAT if half_in else _NO_TABLE
        starts = range(0, n, CHUNK)
        workers = min(workers or os.cpu_count() or 1, len(starts))
        part = lambda s: k(src, dst, values, table, s, min(s + CHUNK, n))  # noqa: E731
        if workers <= 1:
            changed = k(src, dst, values, table, 0, n)
        else:
            changed = sum(_pool(workers).map(part, starts))
    if stats is not None:
        stats["rgc_changed"] = stats.get("rgc_changed", 0) + int(changed)
    return out.reshape(arr.shape)
