"""Per-pixel operations as data: what a conversion plan is made of.

A plan is a tuple of ops applied left to right to RGB pixels.  Backends in
:mod:`aceskit.targets` compile a plan for a host; :mod:`aceskit.targets.numpy`
is the reference.  There are four kinds:

- :class:`Matrix`: ``rgb' = M @ rgb`` (column vectors).
- :class:`Curve`: one scalar expression in ``x`` applied to each channel.
- :class:`PixelExpr`: three scalar expressions in ``r``, ``g``, ``b`` (channel mixing).
- :class:`GamutCompress`: the ACES RGC on AP1-linear values; it carries its expression graphs
  (built by :mod:`aceskit.gamut`) and ``lower()`` gives its :class:`PixelExpr`, so a backend
  needs no RGC code of its own.

This module is pure data: it imports only :mod:`aceskit.expr`.

Expressions may contain parameter variables (``limit_c`` ... ``power``,
``invert``); a backend binds them to host controls, the numpy backend to numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple, Union

import numpy as np

from . import colorimetry as C
from . import expr as E
from .expr import Expr


@dataclass(frozen=True, eq=False)
class Matrix:
    m: np.ndarray
    label: str = ""

    def __post_init__(self):
        m = np.array(self.m, dtype=np.float64)
        if m.shape != (3, 3) or not np.all(np.isfinite(m)):
            raise ValueError(f"Matrix needs a finite 3x3 array, got shape {m.shape}")
        m.setflags(write=False)
        object.__setattr__(self, "m", m)

    def inverse(self) -> "Matrix":
        return Matrix(C.inverse(self.m), f"inverse of {self.label}" if self.label else "")

    def is_identity(self, tol: float = 1e-12) -> bool:
        return bool(np.max(np.abs(self.m - np.eye(3))) <= tol)


@dataclass(frozen=True, eq=False)
class Curve:
    """``x -> fn(x)`` on each channel, except that a NaN channel stays NaN (every backend tests for it:
    ``fn``'s ``max``/``min`` guards have C ``fmax`` semantics and would turn it into a number).
    ``transfer``/``direction`` name its origin (for native host ops)."""

    fn: Expr
    label: str = ""
    transfer: object = field(default=None, repr=False)
    direction: Optional[str] = None

    def __post_init__(self):
        extra = E.variables([self.fn]) - {"x"}
        if extra:
            raise ValueError(f"a Curve may only use the variable x, found {sorted(extra)}")


@dataclass(frozen=True, eq=False)
class PixelExpr:
    """``(r, g, b) -> (fr, fg, fb)`` where the expressions may mix channels."""

    outputs: Tuple[Expr, Expr, Expr]
    label: str = ""
    transfer: object = field(default=None, repr=False)
    direction: Optional[str] = None

    def __post_init__(self):
        if len(self.outputs) != 3:
            raise ValueError(f"PixelExpr needs three output expressions, got {len(self.outputs)}")


@dataclass(frozen=True, eq=False)
class GamutCompress:
    """ACES Reference Gamut Compression on AP1-linear (ACEScg) values; build it with
    :func:`aceskit.gamut.operator`.

    ``outputs``: the three expressions over ``r``, ``g``, ``b``.  ``params``: the
    :class:`aceskit.gamut.RGCParams` baked into them, or ``None`` when they are variables named
    after ``aceskit.gamut.UI_PARAMS`` for a host UI.  ``inverse``: a bool, or ``None`` for a
    runtime ``invert`` variable (0 = forward, 1 = inverse).
    """

    outputs: Tuple[Expr, Expr, Expr] = field(repr=False)
    params: object = None
    inverse: Optional[bool] = False
    label: str = "ACES Reference Gamut Compression"

    def __post_init__(self):
        if len(self.outputs) != 3:
            raise ValueError(f"GamutCompress needs three output expressions, got {len(self.outputs)}")

    def lower(self) -> PixelExpr:
        return PixelExpr(tuple(self.outputs), self.label)


Op = Union[Matrix, Curve, PixelExpr, GamutCompress]


def clamp_negative(label: str = "clamp to >= 0") -> Curve:
    return Curve(E.maximum(E.var("x"), 0.0), label)


def optimize(ops) -> tuple:
    """Merge adjacent matrices and drop identities."""
    out: list = []
    for op in ops:
        if isinstance(op, Matrix) and out and isinstance(out[-1], Matrix):
            prev = out.pop()
            op = Matrix(C.matmul(op.m, prev.m), " then ".join(x for x in (prev.label, op.label) if x))
        if isinstance(op, Matrix) and op.is_identity():
            continue
        out.append(op)
    return tuple(out)


def inverse_pair(a, b) -> bool:
    """Is ``b`` the inverse of ``a`` (a matrix and its inverse, or a curve's decode and encode)?"""
    if isinstance(a, Matrix) and isinstance(b, Matrix):
        return bool(np.max(np.abs(b.m @ a.m - np.eye(3))) < 1e-12)
    if isinstance(a, Curve) and isinstance(b, Curve) and a.transfer is not None:
        return a.transfer is b.transfer and {a.direction, b.direction} == {"encode", "decode"}
    return False


def sandwiched(chain: tuple, i: int) -> bool:
    """Is ``chain[i]`` a gamut compression between an op and its inverse (AP0 -> AP1 -> RGC -> AP1 -> AP0)?"""
    return (isinstance(chain[i], GamutCompress) and 0 < i < len(chain) - 1
            and inverse_pair(chain[i - 1], chain[i + 1]))


def describe(ops) -> str:
    """One line per op, for logs and ``--explain``."""
    lines = []
    for op in ops:
        kind = type(op).__name__
        label = getattr(op, "label", "")
        if isinstance(op, Matrix):
            label = label or np.array2string(op.m, precision=6)
        lines.append(f"{kind}: {label}")
    return "\n".join(lines)
