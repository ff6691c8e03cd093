"""OpenColorIO backend: an op chain as OCIO transforms, and as a CTF file.

- :class:`~aceskit.ops.Matrix` -> ``MatrixTransform``.
- :class:`~aceskit.ops.Curve` -> the transfer function's OpenColorIO equivalent where it has one
  (``Transfer.native``: LogCamera, LogAffine, Exponent, ExponentWithLinear), otherwise a
  half-domain ``Lut1DTransform`` (65 536 entries, one per half value, evaluated by the numpy
  backend; OpenColorIO interpolates between them for float input).
- :class:`~aceskit.ops.GamutCompress` -> ``FixedFunctionTransform`` ``ACES_GAMUT_COMP_13``
  (OpenColorIO >= 2.1; CTF ``GamutComp13Fwd``/``GamutComp13Rev``), whose parameter order is
  limit C/M/Y, threshold C/M/Y, power.
- The HLG display encoding -> half-domain LUTs around ``FixedFunctionTransform REC2100_SURROUND``.

Each op type has one emitter in :data:`EMITTERS`; :func:`to_ocio` builds the transforms,
:func:`write` writes the file through :mod:`aceskit.fileio`.  What a host ships as CTF is the
host's choice (the Nuke plug-in lists its files from the host manifest).

CTF (not CLF) is written because CLF cannot hold the RGC fixed function.  Requires
PyOpenColorIO, imported on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from .. import expr as E, fileio, optional
from ..ops import Curve, GamutCompress, Matrix, PixelExpr
from ..transfer import itu

#: OpenColorIO's accepted parameter ranges for ACES_GAMUT_COMP_13 (FixedFunctionOpData validation).
OCIO_RGC_LIMITS = {"limit": (1.001, 65504.0), "threshold": (0.0, 0.9995), "power": (1.0, 65504.0)}


def _ocio():
    return optional.require("PyOpenColorIO", "the CTF backend", "opencolorio")


def half_domain() -> np.ndarray:
    """All 65 536 half-float values in bit-pattern order (the index of a half-domain LUT)."""
    return np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float64)


def _lut_values(fn, **env) -> np.ndarray:
    x = half_domain()
    y = np.asarray(E.evaluate([fn], {**env, "x": x})[0], dtype=np.float64) * np.ones_like(x)
    # NaN codes map to 0 (OpenColorIO never indexes them for finite input); keep the table finite.
    y = np.where(np.isnan(x), 0.0, y)
    return np.clip(np.nan_to_num(y, nan=0.0, posinf=65504.0, neginf=-65504.0), -3.4e38, 3.4e38)


def _lut1d(values: np.ndarray):
    ocio = _ocio()
    lut = ocio.Lut1DTransform(length=65536, inputHalfDomain=True)
    lut.setData(np.repeat(values.astype(np.float32), 3))
    return lut


def _has_native(op: Curve) -> bool:
    tr = op.transfer
    return tr is not None and getattr(tr, "native", None) is not None and op.direction in ("encode", "decode")


def lut_free(chain: Sequence) -> bool:
    """True when every curve of ``chain`` has an OpenColorIO equivalent (its CTF holds no 64K-entry LUT)."""
    return all(_has_native(op) for op in chain if isinstance(op, Curve))


def _native_curve(op: Curve, ocio):
    """The OpenColorIO transform equal to a curve, or None."""
    if not _has_native(op):
        return None
    kind, kwargs, forward = op.transfer.native
    kw = dict(kwargs)
    direction = ocio.TRANSFORM_DIR_FORWARD if op.direction == forward else ocio.TRANSFORM_DIR_INVERSE
    if kind in ("LogCameraTransform", "LogAffineTransform"):
        linear_slope = kw.pop("linearSlope", None)
        lin_break = kw.pop("linSideBreak", None)
        t = ocio.LogCameraTransform([lin_break] * 3) if lin_break is not None else ocio.LogAffineTransform()
        t.setBase(kw.pop("base"))
        for key, value in kw.items():
            getattr(t, f"set{key[0].upper()}{key[1:]}Value")([value] * 3)
        if linear_slope is not None:
            t.setLinearSlopeValue([linear_slope] * 3)
        t.setDirection(direction)
        return t
    style = getattr(ocio, kw.pop("negativeStyle"))
    t = getattr(ocio, kind)(**kw, direction=direction)
    t.setNegativeStyle(style)
    return t


def _check_rgc(op: GamutCompress):
    from .. import gamut as rgc
    if op.params is None or op.inverse is None:
        raise ValueError("a CTF file needs numeric RGC parameters and a fixed direction; "
                         "give GamutCompress an RGCParams and inverse=True/False")
    p: rgc.RGCParams = op.params
    for name, vals in (("limit", p.limit), ("threshold", p.threshold), ("power", (p.power,))):
        lo, hi = OCIO_RGC_LIMITS[name]
        if not all(lo <= v <= hi for v in vals):
            raise ValueError(f"OpenColorIO accepts RGC {name} only within {lo:g}..{hi:g}, got {vals}; "
                             "use the numpy backend for this parameter set")
    return p


def _hlg(op: PixelExpr, ocio) -> list:
    """HLG display as OCIO ops: per-channel LUT, luminance-dependent gain, per-channel LUT."""
    params = dict(op.transfer.params)
    lw, lb, gam = params["Lw"], params["Lb"], params["gamma"]
    beta = (3.0 * (lb / lw) ** (1.0 / gam)) ** 0.5
    x = E.var("x")
    # decode: E = OETF^-1((1 - beta) E' + beta); F = Lw/100 * Y(E)^(gamma - 1) * E
    inv_oetf = E.mirror(itu._hlg_oetf_inverse, (1.0 - beta) * x + beta)
    fwd_oetf = (E.mirror(itu._hlg_oetf, x) - beta) / (1.0 - beta)
    if op.direction == "decode":
        ops = [_lut1d(_lut_values(inv_oetf)),
               ocio.FixedFunctionTransform(ocio.FIXED_FUNCTION_REC2100_SURROUND, [gam]),
               ocio.MatrixTransform.Scale([lw / 100.0] * 3 + [1.0])]
    else:
        ops = [ocio.MatrixTransform.Scale([100.0 / lw] * 3 + [1.0]),
               ocio.FixedFunctionTransform(ocio.FIXED_FUNCTION_REC2100_SURROUND, [gam],
                                           ocio.TRANSFORM_DIR_INVERSE),
               _lut1d(_lut_values(fwd_oetf))]
    return ops


def _matrix(op: Matrix, ocio) -> list:
    m44 = np.eye(4)
    m44[:3, :3] = op.m
    return [ocio.MatrixTransform(m44.reshape(-1).tolist())]


def _curve(op: Curve, ocio) -> list:
    return [_native_curve(op, ocio) or _lut1d(_lut_values(op.fn))]


def _gamut_compress(op: GamutCompress, ocio) -> list:
    p = _check_rgc(op)
    direction = ocio.TRANSFORM_DIR_INVERSE if op.inverse else ocio.TRANSFORM_DIR_FORWARD
    return [ocio.FixedFunctionTransform(ocio.FIXED_FUNCTION_ACES_GAMUT_COMP_13,
                                        [*p.limit, *p.threshold, p.power], direction)]


def _pixel_expr(op: PixelExpr, ocio) -> list:
    if op.transfer is not None and op.transfer.name == "HLG display":
        return _hlg(op, ocio)
    raise ValueError(f"PixelExpr {op.label!r} has no OpenColorIO equivalent")


#: One emitter per op type: ``(op, PyOpenColorIO module) -> [transforms]``.
EMITTERS: dict = {Matrix: _matrix, Curve: _curve, GamutCompress: _gamut_compress, PixelExpr: _pixel_expr}


def to_ocio(chain: Sequence):
    """The chain as a ``PyOpenColorIO.GroupTransform``."""
    ocio = _ocio()
    group = ocio.GroupTransform()
    for op in chain:
        emit = EMITTERS.get(type(op))
        if emit is None:
            raise ValueError(f"{type(op).__name__} {getattr(op, 'label', '')!r} has no OpenColorIO equivalent")
        for t in emit(op, ocio):
            group.appendTransform(t)
    return group


def to_string(chain: Sequence, *, description: str = "", transform_id: str = "aceskit") -> str:
    """CTF XML text for the chain."""
    ocio = _ocio()
    group = to_ocio(chain)
    meta = group.getFormatMetadata()
    meta.setID(transform_id)
    if description:
        meta.addChildElement("Description", description)
    return group.write("Color Transform Format", ocio.Config.CreateRaw())


def write(chain: Sequence, path, *, description: str = "", transform_id: str = "aceskit") -> Path:
    """Write the chain as a CTF file (atomically: temporary file, then rename)."""
    path = Path(path)
    if path.suffix.lower() != ".ctf":
        raise ValueError(f"CTF output path must end in .ctf, got {str(path)!r}")
    return fileio.write_text(path, to_string(chain, description=description, transform_id=transform_id))
