"""Float64 math for the native kernels, as straight-line code a compiler can vectorise.

No branches and no calls into libm: special cases are selects, exponents and mantissas are read
and written through the bits of the float, products that need it are fused (``fma``).  The
functions are plain Python, so they run (slowly) as they are; :mod:`aceskit.targets.kernelsource`
pastes their bodies into each kernel's source, where ``bits``, ``from_bits``, ``fma``, ``floor``
and ``select`` are compiler intrinsics.  Accuracy against long-double math
(``tests/test_kernelmath.py``): ``exp``, ``exp2``, ``exp10``, ``log``, ``log2``, ``log10`` and
``pow`` within 0.7 ulp, as good as libm.
Constants: fdlibm's ``log`` polynomial and its split of ln 2 (Cody-Waite); Taylor coefficients.
"""

from __future__ import annotations

import math
import struct
from fractions import Fraction

import numpy as np

ROUND = 6755399441055744.0  # 1.5 * 2**52: adding it rounds a float64 below 2**51 to an integer
TWO52 = 4503599627370496.0


def bits(x: float) -> int:
    """The IEEE 754 bits of a float64, as an int64."""
    return struct.unpack("<q", struct.pack("<d", x))[0]


def from_bits(i: int) -> float:
    """The float64 whose IEEE 754 bits are the int64 ``i``."""
    return struct.unpack("<d", struct.pack("<q", ((i + (1 << 63)) % (1 << 64)) - (1 << 63)))[0]


def floor(x: float) -> float:
    """The largest integer not above x, as a float64 (NaN and ±inf as they are)."""
    return x if not math.isfinite(x) else float(math.floor(x))


def select(c: bool, a, b):
    """``a`` where ``c`` holds, else ``b`` (in a kernel, both are computed and one is picked)."""
    return a if c else b


def fma(a: float, b: float, c: float) -> float:
    """a * b + c rounded once."""
    if not all(math.isfinite(v) for v in (a, b, c)):
        return a * b + c
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def scaled(q, k):
    """q * 2**k for the float64 integer k in [-1100, 1100], through two exact powers of two
    (so that subnormal and overflowing results round once)."""
    ki = bits(k + ROUND) - bits(ROUND)
    half = ki >> 1
    return q * from_bits((half + 1023) << 52) * from_bits((ki - half + 1023) << 52)


def exp2sum(hi, lo):
    """e**(hi + lo) for |lo| <= 2**-40 |hi|, within about 0.55 ulp: Cody-Waite reduction by ln 2
    (its high part has 32 significant bits, so k * LN2_HI is exact), the Taylor polynomial of degree
    13 of e**r - 1 - r for |r| <= ln(2)/2, the sum 1 + r kept exact until the last rounding."""
    yc = 0.0 if hi != hi else min(max(hi, -746.0), 710.0)
    k = (yc * 1.4426950408889634 + ROUND) - ROUND
    rh = fma(k, -0.6931471803691238, yc)  # exact
    rl = fma(k, -1.9082149292705877e-10, lo)
    r = rh + rl
    c = (rh - r) + rl  # r + c = rh + rl exactly
    r2 = r * r
    r4 = r2 * r2
    q0 = fma(r, 1.0 / 6.0, 0.5)
    q1 = fma(r2, fma(r, 1.0 / 5040.0, 1.0 / 720.0), fma(r, 1.0 / 120.0, 1.0 / 24.0))
    q2 = fma(r2, fma(r, 1.0 / 39916800.0, 1.0 / 3628800.0), fma(r, 1.0 / 362880.0, 1.0 / 40320.0))
    q3 = fma(r, 1.0 / 6227020800.0, 1.0 / 479001600.0)
    tail = r2 * fma(r2, fma(r4, fma(r4, q3, q2), q1), q0)  # e**r - 1 - r
    one = 1.0 + r
    low = (1.0 - one) + r  # one + low = 1 + r exactly
    e = scaled(one + (low + tail + fma(c, r + tail, c)), k)
    e = math.inf if hi > 709.782712893384 else e
    e = 0.0 if hi < -745.1332191019412 else e
    return hi if hi != hi else e


def exp(y):
    """e**y."""
    return exp2sum(y, 0.0)


def exp10(y):
    """10**y: e**(y ln 10) with the product carried in two parts."""
    h = y * 2.302585092994046
    return exp2sum(h, fma(y, 2.302585092994046, -h) + y * -2.1707562233822494e-16)


def exp2(y):
    """2**y: y = k + f with an integer k, then e**(f ln 2) * 2**k."""
    yc = 0.0 if y != y else min(max(y, -1076.0), 1025.0)
    k = (yc + ROUND) - ROUND
    f = yc - k
    h = f * 0.6931471805599453
    e = scaled(exp2sum(h, fma(f, 0.6931471805599453, -h) + f * 2.3190468138462996e-17), k)
    e = math.inf if y >= 1024.0 else e
    e = 0.0 if y < -1075.0 else e
    return y if y != y else e


def logsum(x):
    """log(x) as hi + lo (about 2**-62 relative) for finite x > 0: x = m * 2**k with m in
    [sqrt(1/2), sqrt(2)), f = m - 1, s = f / (2 + f), log(m) = 2s + s R(s**2) with fdlibm's
    polynomial R; 2s and k ln 2 are carried with their rounding errors."""
    tiny = x < 2.2250738585072014e-308
    b = bits(x * 18014398509481984.0 if tiny else x)  # subnormals: scaled by 2**54
    m = from_bits((b & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000)
    k = (from_bits((b >> 52) | 0x4330000000000000) - TWO52) - (1077.0 if tiny else 1023.0)
    big = m > 1.4142135623730951
    m = m * 0.5 if big else m
    k = k + 1.0 if big else k
    f = m - 1.0
    d = 2.0 + f
    dl = (2.0 - d) + f  # d + dl = 2 + f exactly
    inv = 1.0 / d
    s = f * inv
    sl = (fma(-s, d, f) - s * dl) * inv  # s + sl = f / (2 + f) to about 2**-100
    z = s * s
    w = z * z
    t1 = w * fma(w, fma(w, 1.531383769920937332e-01, 2.222219843214978396e-01), 3.999999999940941908e-01)
    t2 = z * fma(w, fma(w, fma(w, 1.479819860511658591e-01, 1.818357216161805012e-01), 2.857142874366239149e-01),
                 6.666666666666735130e-01)
    a = k * 0.6931471803691238  # exact
    h = a + 2.0 * s
    v = h - a
    err = (a - (h - v)) + (2.0 * s - v)  # h + err = a + 2s exactly
    lo = err + fma(s, t1 + t2, fma(k, 1.9082149292705877e-10, 2.0 * sl))
    total = h + lo
    return total, (h - total) + lo  # renormalised: |lo| below half an ulp of the sum


def special_log(x, value):
    """``value`` for finite x > 0; -inf at 0, inf at inf, NaN below 0 and at NaN."""
    v = -math.inf if x == 0.0 else value
    v = math.inf if x == math.inf else v
    return math.nan if (x < 0.0) | (x != x) else v


def log(x):
    h, l = logsum(x)
    return special_log(x, h + l)


def log_times(x, c, c_lo):
    """log(x) * (c + c_lo), c_lo the rounding error of the constant c, products carried in two parts."""
    h, l = logsum(x)
    v = h * c
    return special_log(x, v + (fma(h, c, -v) + fma(h, c_lo, l * c)))


def log2(x):
    return log_times(x, 1.4426950408889634, 2.0355273740931033e-17)  # 1 / ln 2


def log10(x):
    return log_times(x, 0.4342944819032518, 1.098319650216765e-17)  # 1 / ln 10


def pow(x, y):
    """x**y as C99's pow, through e**(y log|x|) with log|x| and its product by y carried in two
    parts (within about 0.6 ulp)."""
    ph, pl = pow_log(x, y)
    return pow_exp(x, y, ph, pl)


def pow_log(x, y):
    """The first half of :func:`pow`: y log|x| as hi + lo."""
    h, l = logsum(abs(x))
    ph = y * h
    return ph, fma(y, h, -ph) + y * l


def pow_exp(x, y, ph, pl):
    """The second half of :func:`pow`: e**(ph + pl), and C99's special cases."""
    a = abs(x)
    v = exp2sum(ph, pl)
    v = (0.0 if y > 0.0 else math.inf) if a == 0.0 else v
    v = (math.inf if y > 0.0 else 0.0) if a == math.inf else v
    integer = floor(y) == y
    odd = integer & (floor(y * 0.5) * 2.0 != y)
    v = -v if (bits(x) < 0) & odd else v
    v = math.nan if (x < 0.0) & (a != math.inf) & (not integer) else v
    v = math.nan if (x != x) | (y != y) else v
    return 1.0 if (y == 0.0) | (x == 1.0) | ((x == -1.0) & (abs(y) == math.inf)) else v


def to_half(x):
    """float64 -> IEEE 754 half bits, rounded to nearest even (as numpy's astype)."""
    b = bits(x)
    sign = (b >> 48) & 0x8000
    a = b & 0x7FFFFFFFFFFFFFFF
    normal = ((a + 0x1FFFFFFFFFF + ((a >> 42) & 1)) >> 42) - 0xFC000  # rebias 1023 -> 15, drop 42 bits
    af = from_bits(a)
    sub = bits(af * 16777216.0 + TWO52) - bits(TWO52)  # multiples of 2**-24, rounded to even
    h = sub if af < 6.103515625e-05 else normal
    h = 0x7C00 if af >= 65520.0 else h
    h = 0x7E00 if af != af else h
    return np.uint16(sign | h)
