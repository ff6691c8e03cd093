"""The Transfer record and the few curve shapes several families share."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Optional, Tuple

import numpy as np

from .. import expr as E
from ..expr import Expr

Curve1 = Callable[[Expr], Expr]
Curve3 = Callable[[Expr, Expr, Expr], Tuple[Expr, Expr, Expr]]


def _apply(values, fn) -> np.ndarray:
    """Evaluate in float64 and return the caller's float dtype (float64 for non-float input)."""
    arr = np.asarray(values)
    out_dtype = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float64)
    out = fn(arr.astype(np.float64, copy=False))
    return np.asarray(out, dtype=np.float64).astype(out_dtype, copy=False)


@dataclass(frozen=True, eq=False)
class Transfer:
    """A per-channel encoding: ``encode`` linear -> signal, ``decode`` signal -> linear."""

    name: str
    encode_fn: Curve1 = field(repr=False)
    decode_fn: Curve1 = field(repr=False)
    source: str = ""
    params: tuple = ()
    #: The same curve as an OpenColorIO transform where one exists, used by the CTF backend instead
    #: of a LUT: (transform class name, keyword arguments, "encode" or "decode" = its forward direction).
    native: Optional[tuple] = field(default=None, repr=False)
    per_channel = True

    @cached_property
    def encode_expr(self) -> Expr:
        return self.encode_fn(E.var("x"))

    @cached_property
    def decode_expr(self) -> Expr:
        return self.decode_fn(E.var("x"))

    def expr(self, direction: str) -> Expr:
        return {"encode": self.encode_expr, "decode": self.decode_expr}[direction]

    def encode(self, values):
        """Linear light -> encoded signal (any shape; float dtype preserved)."""
        return _apply(values, lambda a: E.evaluate([self.encode_expr], {"x": a})[0])

    def decode(self, values):
        """Encoded signal -> linear light (any shape; float dtype preserved)."""
        return _apply(values, lambda a: E.evaluate([self.decode_expr], {"x": a})[0])


@dataclass(frozen=True, eq=False)
class PixelTransfer:
    """An encoding that mixes channels (the HLG display OOTF); values are (..., 3)."""

    name: str
    encode_fn: Curve3 = field(repr=False)
    decode_fn: Curve3 = field(repr=False)
    source: str = ""
    params: tuple = ()
    per_channel = False

    @cached_property
    def encode_expr(self) -> tuple:
        return self.encode_fn(E.var("r"), E.var("g"), E.var("b"))

    @cached_property
    def decode_expr(self) -> tuple:
        return self.decode_fn(E.var("r"), E.var("g"), E.var("b"))

    def expr(self, direction: str) -> tuple:
        return {"encode": self.encode_expr, "decode": self.decode_expr}[direction]

    def _run(self, exprs, values):
        def fn(a):
            if a.shape[-1:] != (3,):
                raise ValueError(f"{self.name} needs RGB values shaped (..., 3), got shape {a.shape}")
            outs = E.evaluate(list(exprs), {"r": a[..., 0], "g": a[..., 1], "b": a[..., 2]})
            return np.stack([np.broadcast_to(o, a.shape[:-1]) for o in outs], axis=-1)
        return _apply(values, fn)

    def encode(self, values):
        return self._run(self.encode_expr, values)

    def decode(self, values):
        return self._run(self.decode_expr, values)


def legal_range(transfer: Transfer, bit_depth: int = 10) -> Transfer:
    """Wrap an encoding so its signal is legal ("video") range: full 0..1 maps to 2^(n-8)·(16..235)/(2^n-1)."""
    if bit_depth not in (8, 10, 12, 16):
        raise ValueError(f"bit_depth must be 8, 10, 12 or 16, got {bit_depth!r}")
    scale = 2.0 ** (bit_depth - 8)
    lo, hi, top = 16.0 * scale, 235.0 * scale, 2.0 ** bit_depth - 1.0
    return Transfer(
        f"{transfer.name} (legal range, {bit_depth}-bit)",
        lambda x: (lo + (hi - lo) * transfer.encode_fn(x)) / top,
        lambda v: transfer.decode_fn((v * top - lo) / (hi - lo)),
        source=f"{transfer.source}; ITU-R BT.709/BT.2100 narrow-range quantisation",
        params=transfer.params + (("bit_depth", bit_depth),),
    )



def camera_native(*, base: float, log_slope: float, log_offset: float, lin_slope: float = 1.0,
                  lin_offset: float = 0.0, lin_break: float, linear_slope: float | None = None) -> tuple:
    """The OpenColorIO ``LogCameraTransform`` (lin -> log) describing a camera curve."""
    kw = dict(base=base, logSideSlope=log_slope, logSideOffset=log_offset, linSideSlope=lin_slope,
              linSideOffset=lin_offset, linSideBreak=lin_break, linearSlope=linear_slope)
    return ("LogCameraTransform", kw, "encode")


def affine_native(*, base: float, log_slope: float, log_offset: float, lin_slope: float, lin_offset: float) -> tuple:
    """The OpenColorIO ``LogAffineTransform`` (lin -> log) describing a pure log curve."""
    return ("LogAffineTransform", dict(base=base, logSideSlope=log_slope, logSideOffset=log_offset,
                                       linSideSlope=lin_slope, linSideOffset=lin_offset), "encode")


def log_camera(x: Expr, *, base: float, log_slope: float, log_offset: float, lin_slope: float = 1.0,
               lin_offset: float = 0.0, lin_break: float, linear_slope: float | None = None) -> Expr:
    """OpenColorIO's LogCameraTransform (lin -> log), the shape most camera curves take.

    log side: log_slope·log_base(lin_slope·x + lin_offset) + log_offset above ``lin_break``;
    below it a straight line meeting the log part at the break, by default with the C¹ slope.
    """
    def log_part(v):
        return log_slope * E.ln(lin_slope * v + lin_offset) / math.log(base) + log_offset

    brk = lin_slope * lin_break + lin_offset
    y_break = log_slope * math.log(brk) / math.log(base) + log_offset
    slope = linear_slope if linear_slope is not None else log_slope * lin_slope / (brk * math.log(base))
    return E.select(x > lin_break, log_part(x), slope * (x - lin_break) + y_break)


def log_camera_inverse(y: Expr, *, base: float, log_slope: float, log_offset: float, lin_slope: float = 1.0,
                       lin_offset: float = 0.0, lin_break: float, linear_slope: float | None = None) -> Expr:
    """Inverse of :func:`log_camera` (log -> lin)."""
    brk = lin_slope * lin_break + lin_offset
    y_break = log_slope * math.log(brk) / math.log(base) + log_offset
    slope = linear_slope if linear_slope is not None else log_slope * lin_slope / (brk * math.log(base))
    lin = (base ** ((y - log_offset) / log_slope) - lin_offset) / lin_slope
    return E.select(y > y_break, lin, (y - y_break) / slope + lin_break)
