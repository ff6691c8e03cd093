"""ITU, IEC and SMPTE video and display encodings (Cinematic Color §4.1.1–4.1.8)."""

from __future__ import annotations

import math
from functools import lru_cache

from .. import expr as E
from .base import PixelTransfer, Transfer

NEGATIVES = ("mirror", "clamp", "pass_thru", "linear")


def _check_negatives(negatives: str, allowed=NEGATIVES) -> None:
    if negatives not in allowed:
        raise ValueError(f"negatives must be one of {allowed}, got {negatives!r}")


def _itu_oetf(alpha: float, beta: float, name: str, source: str) -> Transfer:
    """The BT.709/BT.2020 camera OETF: 4.5·L below beta, alpha·L^0.45 − (alpha − 1) above."""
    return Transfer(
        name,
        lambda x: E.select(x < beta, 4.5 * x, alpha * E.maximum(x, beta) ** 0.45 - (alpha - 1.0)),
        lambda v: E.select(v < 4.5 * beta, v / 4.5,
                           ((E.maximum(v, 4.5 * beta) + (alpha - 1.0)) / alpha) ** (1.0 / 0.45)),
        source=source, params=(("alpha", alpha), ("beta", beta)))


@lru_cache(maxsize=None)
def bt709_oetf() -> Transfer:
    """ITU-R BT.709-6 camera OETF with the Recommendation's constants 1.099 and 0.018."""
    return _itu_oetf(1.099, 0.018, "BT.709 OETF", "ITU-R BT.709-6 §1.2")


@lru_cache(maxsize=None)
def bt2020_oetf(precise: bool = True) -> Transfer:
    """ITU-R BT.2020-2 camera OETF; ``precise`` uses alpha = 1.09929682680944, beta = 0.018053968510807."""
    alpha, beta = (1.09929682680944, 0.018053968510807) if precise else (1.099, 0.018)
    return _itu_oetf(alpha, beta, "BT.2020 OETF", "ITU-R BT.2020-2 Table 4")


@lru_cache(maxsize=None)
def gamma(value: float, negatives: str = "pass_thru") -> Transfer:
    """Pure power: decode L = V^value.  Negatives: ``pass_thru`` (unchanged), ``mirror`` or ``clamp`` (to 0)."""
    _check_negatives(negatives, ("mirror", "clamp", "pass_thru"))
    if not value > 0:
        raise ValueError(f"gamma value must be positive, got {value!r}")

    def wrap(f):
        if negatives == "mirror":
            return lambda x: E.mirror(f, x)
        if negatives == "clamp":
            return lambda x: f(E.maximum(x, 0.0))
        return lambda x: E.select(x < 0.0, x, f(E.maximum(x, 0.0)))

    style = {"mirror": "NEGATIVE_MIRROR", "clamp": "NEGATIVE_CLAMP", "pass_thru": "NEGATIVE_PASS_THRU"}[negatives]
    return Transfer(f"Gamma {value:g}", wrap(lambda x: x ** (1.0 / value)), wrap(lambda v: v ** value),
                    source="pure power law", params=(("gamma", value), ("negatives", negatives)),
                    native=("ExponentTransform", {"value": [value] * 3 + [1.0], "negativeStyle": style}, "decode"))


@lru_cache(maxsize=None)
def moncurve(value: float, offset: float, negatives: str = "linear") -> Transfer:
    """Offset power with a C¹ linear toe through the origin (OpenColorIO ExponentWithLinear, "moncurve").

    decode: L = ((V + offset)/(1 + offset))^value above the break V_b = offset/(value − 1), linear below.
    ``negatives``: ``linear`` continues the toe, ``mirror`` reflects the curve.
    """
    _check_negatives(negatives, ("linear", "mirror"))
    if not (value > 1.0 and offset > 0.0):
        raise ValueError(f"moncurve needs value > 1 and offset > 0, got {value!r}, {offset!r}")
    v_break = offset / (value - 1.0)
    l_break = ((v_break + offset) / (1.0 + offset)) ** value
    slope = l_break / v_break  # linear-toe slope, decode direction

    def decode(v):
        return E.select(v > v_break, ((E.maximum(v, v_break) + offset) / (1.0 + offset)) ** value, v * slope)

    def encode(x):
        return E.select(x > l_break, (1.0 + offset) * E.maximum(x, l_break) ** (1.0 / value) - offset, x / slope)

    if negatives == "mirror":
        enc, dec = (lambda x: E.mirror(encode, x)), (lambda v: E.mirror(decode, v))
    else:
        enc, dec = encode, decode
    style = {"mirror": "NEGATIVE_MIRROR", "linear": "NEGATIVE_LINEAR"}[negatives]
    return Transfer(f"moncurve {value:g}/{offset:g}", enc, dec, source="OpenColorIO ExponentWithLinearTransform",
                    params=(("gamma", value), ("offset", offset), ("negatives", negatives)),
                    native=("ExponentWithLinearTransform", {"gamma": [value] * 3 + [1.0], "offset": [offset] * 3 + [0.0],
                                                            "negativeStyle": style}, "decode"))


def srgb(negatives: str = "linear") -> Transfer:
    """sRGB (IEC 61966-2-1) as the continuous curve OpenColorIO uses: gamma 2.4, offset 0.055.

    The IEC text's rounded 12.92 / 0.04045 break differs from it by < 1e-5 near 0.003.
    """
    return moncurve(2.4, 0.055, negatives)


@lru_cache(maxsize=None)
def bt1886(lw: float = 100.0, lb: float = 0.0) -> Transfer:
    """ITU-R BT.1886 EOTF, L = a·max(V + b, 0)^2.4, returned relative to Lw (1.0 = white).

    With lb = 0 it is a pure 2.4 power, mirrored for negatives as OpenColorIO's display builtins do.
    """
    if not (lw > 0 and 0 <= lb < lw):
        raise ValueError(f"BT.1886 needs Lw > 0 and 0 <= Lb < Lw, got Lw={lw!r}, Lb={lb!r}")
    if lb == 0:
        g = gamma(2.4, "mirror")
        return Transfer("BT.1886", g.encode_fn, g.decode_fn, source="ITU-R BT.1886 Annex 1, Lb = 0",
                        params=(("Lw", lw), ("Lb", lb)), native=g.native)
    k = lw ** (1 / 2.4) - lb ** (1 / 2.4)
    a, b = k ** 2.4, lb ** (1 / 2.4) / k
    return Transfer("BT.1886", lambda x: (E.maximum(x, 0.0) * lw / a) ** (1 / 2.4) - b,
                    lambda v: a * E.maximum(v + b, 0.0) ** 2.4 / lw,
                    source="ITU-R BT.1886 Annex 1", params=(("Lw", lw), ("Lb", lb)))


# SMPTE ST 2084:2014 constants
PQ_M1, PQ_M2 = 2610.0 / 16384.0, 2523.0 / 4096.0 * 128.0
PQ_C1, PQ_C2, PQ_C3 = 3424.0 / 4096.0, 2413.0 / 4096.0 * 32.0, 2392.0 / 4096.0 * 32.0


@lru_cache(maxsize=None)
def pq() -> Transfer:
    """SMPTE ST 2084 (PQ) with linear 1.0 = 100 cd/m² (OpenColorIO's scale); negatives mirrored."""
    def decode(n):
        p = n ** (1.0 / PQ_M2)
        return 100.0 * (E.maximum(p - PQ_C1, 0.0) / (PQ_C2 - PQ_C3 * p)) ** (1.0 / PQ_M1)

    def encode(x):
        y = (x / 100.0) ** PQ_M1
        return ((PQ_C1 + PQ_C2 * y) / (1.0 + PQ_C3 * y)) ** PQ_M2

    return Transfer("ST 2084 (PQ)", lambda x: E.mirror(encode, x), lambda v: E.mirror(decode, v),
                    source="SMPTE ST 2084:2014 §5; ITU-R BT.2100-2 Table 4")


# ITU-R BT.2100-2 Table 5 (HLG)
HLG_A = 0.17883277
HLG_B = 1.0 - 4.0 * HLG_A
HLG_C = 0.5 - HLG_A * math.log(4.0 * HLG_A)
BT2100_LUMA = (0.2627, 0.6780, 0.0593)


def _hlg_oetf(e):
    return E.select(e <= 1.0 / 12.0, E.sqrt(3.0 * E.maximum(e, 0.0)),
                    HLG_A * E.ln(E.maximum(12.0 * e - HLG_B, 1e-30)) + HLG_C)


def _hlg_oetf_inverse(v):
    return E.select(v <= 0.5, v * v / 3.0, (E.exp((v - HLG_C) / HLG_A) + HLG_B) / 12.0)


@lru_cache(maxsize=None)
def hlg_oetf() -> Transfer:
    """BT.2100 HLG OETF, scene linear E in [0, 1] -> E'; mirrored for negatives."""
    return Transfer("HLG OETF", lambda x: E.mirror(_hlg_oetf, x), lambda v: E.mirror(_hlg_oetf_inverse, v),
                    source="ITU-R BT.2100-2 Table 5")


@lru_cache(maxsize=None)
def hlg_display(lw: float = 1000.0, lb: float = 0.0) -> PixelTransfer:
    """BT.2100-2 HLG reference display (EOTF = OOTF ∘ inverse OETF with black lift), 1.0 = 100 cd/m².

    System gamma 1.2 + 0.42·log10(Lw/1000); the OOTF scales each channel by the luminance
    Y_S = 0.2627 R + 0.6780 G + 0.0593 B, so this encoding mixes channels.  Negative values are
    mirrored (odd curves, the OOTF on |Y|), as OpenColorIO's Rec.2100-HLG display does.
    """
    if not (lw > 0 and 0 <= lb < lw):
        raise ValueError(f"HLG needs Lw > 0 and 0 <= Lb < Lw, got Lw={lw!r}, Lb={lb!r}")
    gam = 1.2 + 0.42 * math.log10(lw / 1000.0)
    beta = math.sqrt(3.0 * (lb / lw) ** (1.0 / gam))
    wr, wg, wb = BT2100_LUMA
    # OpenColorIO limits the OOTF's gain in the dark: display luminance at least 1e-4 in its units
    # of 1/3^gamma of Lw (scene luminance at least 1e-4^(1/gamma) in units of 1/3 of E = 1)
    yd_min = 1e-4 * 3.0 ** -gam
    ys_min = 1e-4 ** (1.0 / gam) / 3.0

    def decode(r, g, b):
        es = [E.mirror(_hlg_oetf_inverse, (1.0 - beta) * c + beta) for c in (r, g, b)]
        ys = E.maximum(E.fabs(wr * es[0] + wg * es[1] + wb * es[2]), ys_min)
        k = lw / 100.0 * ys ** (gam - 1.0)
        return tuple(k * e for e in es)

    def encode(r, g, b):
        fd = [c * (100.0 / lw) for c in (r, g, b)]
        yd = E.maximum(E.fabs(wr * fd[0] + wg * fd[1] + wb * fd[2]), yd_min)
        k = yd ** ((1.0 - gam) / gam)
        return tuple((E.mirror(_hlg_oetf, k * f) - beta) / (1.0 - beta) for f in fd)

    return PixelTransfer("HLG display", encode, decode, source="ITU-R BT.2100-2 Table 5",
                         params=(("Lw", lw), ("Lb", lb), ("gamma", gam)))


@lru_cache(maxsize=None)
def dcdm() -> Transfer:
    """SMPTE ST 428-1 DCDM X'Y'Z': X' = (X·48/52.37)^(1/2.6), relative XYZ (1.0 = 48 cd/m² white); negatives clamp."""
    k = 48.0 / 52.37
    return Transfer("DCDM X'Y'Z'", lambda x: (E.maximum(x, 0.0) * k) ** (1.0 / 2.6),
                    lambda v: E.maximum(v, 0.0) ** 2.6 / k, source="SMPTE ST 428-1:2006 §7; DCI DCSS §8.3.3")
