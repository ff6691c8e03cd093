"""ARRI ALEXA LogC3 (all exposure indices) and LogC4."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

from .. import expr as E
from .base import Transfer, camera_native

LOGC3_EXPOSURE_INDICES = (160, 200, 250, 320, 400, 500, 640, 800, 1000, 1280, 1600)


class LogC3Parameters(NamedTuple):
    cut: float
    a: float
    b: float
    c: float
    d: float
    e: float
    f: float


@lru_cache(maxsize=None)
def logc3_parameters(ei: int = 800) -> LogC3Parameters:
    """LogC3 curve constants for an exposure index, from ARRI's parametric EI model.

    Source: ARRI ``v3_IDT_maker.py`` (aces-dev IDT generator): nominal EI 400, grey sensor signal
    0.01, G0 = 0.525·500/1023, D0 = 400/1023, sensor-log cut 1/9.  Reproduces ARRI's published
    "Linear Scene Exposure Factor" table (SUP 3.x) to its six decimals, and OpenColorIO's EI800.
    """
    if not 160 <= ei <= 1600:
        raise ValueError(f"LogC3 exposure index must be within 160..1600, got {ei!r}")
    g0, d0 = 0.525 * 500.0 / 1023.0, 400.0 / 1023.0
    sigma = 9.0 / math.log(10.0)
    omega = math.log10(1.0 / 9.0) - sigma / 9.0
    c = g0 * (1.0 - (0.11 / 3.0) * math.log2(ei / 400.0))
    d = d0
    for _ in range(3):
        nz = ((95.0 / 1023.0 - d) / c - omega) / sigma
        d = d0 - c * math.log10(1.0 + nz)
    a, b = 1.0 / 0.18, nz
    cut = (1.0 / 9.0 - b) / a
    e = 9.0 * a * c / math.log(10.0)
    f = c * math.log10(1.0 / 9.0) + d - e * cut
    return LogC3Parameters(cut, a, b, c, d, e, f)


@lru_cache(maxsize=None)
def logc3(ei: int = 800) -> Transfer:
    """ARRI LogC3 (SUP 3.x, scene exposure factor): c·log10(a·x + b) + d above ``cut``, e·x + f below."""
    p = logc3_parameters(ei)
    brk = p.e * p.cut + p.f
    return Transfer(
        f"ARRI LogC3 (EI{ei})",
        lambda x: E.select(x > p.cut, p.c * E.log10(E.maximum(p.a * x + p.b, 1e-30)) + p.d, p.e * x + p.f),
        lambda v: E.select(v > brk, (E.exp10((v - p.d) / p.c) - p.b) / p.a, (v - p.f) / p.e),
        source="ARRI ALEXA LogC curve (SUP 3.x), parametric EI model of ARRI's v3_IDT_maker",
        params=(("EI", ei),) + tuple(p._asdict().items()),
        native=camera_native(base=10.0, log_slope=p.c, log_offset=p.d, lin_slope=p.a, lin_offset=p.b, lin_break=p.cut))


# ARRI "LogC4 Logarithmic Color Space Specification" (2022)
LOGC4_A = (2.0 ** 18 - 16.0) / 117.45
LOGC4_B = (1023.0 - 95.0) / 1023.0
LOGC4_C = 95.0 / 1023.0
LOGC4_S = 7.0 * math.log(2.0) * 2.0 ** (7.0 - 14.0 * LOGC4_C / LOGC4_B) / (LOGC4_A * LOGC4_B)
LOGC4_T = (2.0 ** (14.0 * (-LOGC4_C / LOGC4_B) + 6.0) - 64.0) / LOGC4_A


@lru_cache(maxsize=None)
def logc4() -> Transfer:
    """ARRI LogC4: b·(log2(a·E + 64) − 6)/14 + c above t, linear (E − t)/s below."""
    a, b, c, s, t = LOGC4_A, LOGC4_B, LOGC4_C, LOGC4_S, LOGC4_T
    return Transfer(
        "ARRI LogC4",
        lambda x: E.select(x >= t, b * (E.log2(E.maximum(a * x + 64.0, 1e-30)) - 6.0) / 14.0 + c, (x - t) / s),
        lambda v: E.select(v >= 0.0, (E.exp2(14.0 * (v - c) / b + 6.0) - 64.0) / a, v * s + t),
        source="ARRI LogC4 Logarithmic Color Space Specification (2022) §4",
        native=camera_native(base=2.0, log_slope=b / 14.0, log_offset=c - 6.0 * b / 14.0, lin_slope=a,
                             lin_offset=64.0, lin_break=t))
