"""Canon Log, Canon Log 2 and Canon Log 3.

Canon's formulas take linear "IRE" (reflectance / 0.9) and return code values.  Two normalisations
exist: ``v1.2`` (Canon 2020 IDTs, OpenColorIO) returns CV/1023 directly; ``v1`` (Canon 2016 IDTs,
Cinematic Color) returns IRE, mapped here to CV/1023 by (64 + 876·IRE)/1023.  Both describe one curve.
"""

from __future__ import annotations

from functools import lru_cache

from .. import expr as E
from .base import Transfer

METHODS = ("v1.2", "v1")


def _check(method):
    if method not in METHODS:
        raise ValueError(f"Canon Log method must be one of {METHODS}, got {method!r}")


def _wrap(name, method, enc_ire, dec_ire, source):
    """Reflectance <-> CV/1023 around IRE-domain formulas (IRE identity for v1.2)."""
    if method == "v1":
        to_cv, from_cv = (lambda y: (64.0 + 876.0 * y) / 1023.0), (lambda v: (v * 1023.0 - 64.0) / 876.0)
    else:
        to_cv = from_cv = (lambda y: y)
    return Transfer(f"{name} ({method})", lambda x: to_cv(enc_ire(x / 0.9)), lambda v: dec_ire(from_cv(v)) * 0.9,
                    source=source, params=(("method", method),))


def _log_pair(scale, slope, offset):
    """Odd-symmetric scale·log10(slope·|x| + 1) about ``offset`` and its inverse."""
    enc = lambda x: E.select(x < 0.0, offset - scale * E.log10(1.0 - slope * E.minimum(x, 0.0)),
                             offset + scale * E.log10(slope * E.maximum(x, 0.0) + 1.0))
    dec = lambda v: E.select(v < offset, -(E.exp10((offset - v) / scale) - 1.0) / slope,
                             (E.exp10((v - offset) / scale) - 1.0) / slope)
    return enc, dec


@lru_cache(maxsize=None)
def canon_log(method: str = "v1.2") -> Transfer:
    _check(method)
    scale, offset = (0.45310179, 0.12512248) if method == "v1.2" else (0.529136, 0.0730597)
    return _wrap("Canon Log", method, *_log_pair(scale, 10.1596, offset), "Canon Log white paper / Canon IDTs")


@lru_cache(maxsize=None)
def canon_log2(method: str = "v1.2") -> Transfer:
    _check(method)
    scale, offset = (0.24136077, 0.092864125) if method == "v1.2" else (0.281863093, 0.035388128)
    return _wrap("Canon Log 2", method, *_log_pair(scale, 87.09937546, offset), "Canon Log 2 / Canon IDTs")


@lru_cache(maxsize=None)
def canon_log3(method: str = "v1.2") -> Transfer:
    """Canon Log 3: log segments outside ±0.014 (linear IRE) joined by a straight line."""
    _check(method)
    if method == "v1.2":
        s, neg_off, lin_slope, lin_off, pos_off, lo_brk, hi_brk = (
            0.36726845, 0.12783901, 1.9754798, 0.12512219, 0.12240537, 0.097465473, 0.15277891)
    else:
        s, neg_off, lin_slope, lin_off, pos_off, lo_brk, hi_brk = (
            0.42889912, 0.07623209, 2.3069815, 0.073059361, 0.069886632, 0.04076162, 0.105357102)

    def enc(x):
        return E.select(x < -0.014, neg_off - s * E.log10(1.0 - 14.98325 * E.minimum(x, 0.0)),
                        E.select(x <= 0.014, lin_slope * x + lin_off,
                                 pos_off + s * E.log10(1.0 + 14.98325 * E.maximum(x, 0.0))))

    def dec(v):
        return E.select(v < lo_brk, -(E.exp10((neg_off - v) / s) - 1.0) / 14.98325,
                        E.select(v <= hi_brk, (v - lin_off) / lin_slope,
                                 (E.exp10((v - pos_off) / s) - 1.0) / 14.98325))

    return _wrap("Canon Log 3", method, enc, dec, "Canon Log 3 / Canon IDTs")
