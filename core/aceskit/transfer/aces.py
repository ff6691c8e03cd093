"""ACES log encodings of AP1 linear: ACEScc (S-2014-003), ACEScct (S-2016-001), ACESproxy (S-2013-001)."""

from __future__ import annotations

import math
from functools import lru_cache

from .. import expr as E
from .base import Transfer, camera_native

HALF_MAX = 65504.0


@lru_cache(maxsize=None)
def acescc() -> Transfer:
    """ACEScc: pure log2 with a half-slope toe below 2^-15; decodes to at most HALF_MAX (S-2014-003 §4)."""
    floor = (math.log2(2.0 ** -16) + 9.72) / 17.52

    def encode(x):
        toe = (E.log2(2.0 ** -16 + E.maximum(x, 0.0) * 0.5) + 9.72) / 17.52
        log = (E.log2(E.maximum(x, 2.0 ** -15)) + 9.72) / 17.52
        return E.select(x <= 0.0, floor, E.select(x < 2.0 ** -15, toe, log))

    def decode(v):
        lin = E.exp2(v * 17.52 - 9.72)
        return E.select(v < (9.72 - 15.0) / 17.52, (lin - 2.0 ** -16) * 2.0,
                        E.select(v < (math.log2(HALF_MAX) + 9.72) / 17.52, lin, HALF_MAX))

    return Transfer("ACEScc", encode, decode, source="AMPAS S-2014-003 §4.4–4.5")


# AMPAS S-2016-001 §4.4: the linear toe joins the log2 segment with C¹ continuity at 2^-7.
ACESCCT_X_BRK = 0.0078125
ACESCCT_Y_BRK = 0.155251141552511
ACESCCT_A = 10.5402377416545
ACESCCT_B = 0.0729055341958355
#: The code value of the break point computed from its definition, (log2(2^-7) + 9.72) / 17.52.
ACESCCT_CENTRE = (9.72 - 7.0) / 17.52


@lru_cache(maxsize=None)
def acescct() -> Transfer:
    """ACEScct: ACEScc with a linear toe below 2^-7 (S-2016-001); no decode clamp, negatives pass the toe."""
    def encode(x):
        return E.select(x <= ACESCCT_X_BRK, ACESCCT_A * x + ACESCCT_B,
                        (E.log2(E.maximum(x, ACESCCT_X_BRK)) + 9.72) / 17.52)

    def decode(v):
        # 2^(17.52 v - 9.72) = 2^-7 · 2^(17.52 (v - v_brk)) with v_brk = 2.72 / 17.52 exactly: the
        # argument is centred on the break point, so float32 hosts keep its precision there, and
        # the scaling by 2^-7 is exact.
        lin = E.exp2((v - ACESCCT_CENTRE) * 17.52) * ACESCCT_X_BRK
        return E.select(v > ACESCCT_Y_BRK, lin, (v - ACESCCT_B) / ACESCCT_A)

    return Transfer("ACEScct", encode, decode, source="AMPAS S-2016-001 §4.4–4.5",
                    native=camera_native(base=2.0, log_slope=1.0 / 17.52, log_offset=9.72 / 17.52,
                                         lin_break=ACESCCT_X_BRK))


#: S-2013-001 Table 1: bit depth -> (CV steps per stop, mid CV offset, min CV, max CV)
ACESPROXY_CONSTANTS = {10: (50.0, 425.0, 64.0, 940.0), 12: (200.0, 1700.0, 256.0, 3760.0)}


@lru_cache(maxsize=None)
def acesproxy(bit_depth: int = 10) -> Transfer:
    """ACESproxy 10i/12i: integer log2 code values in legal range, normalised as CV/(2^n − 1).

    Encoding rounds half up to whole code values, as the reference CTL's ``round`` does for positive values.
    """
    if bit_depth not in ACESPROXY_CONSTANTS:
        raise ValueError(f"ACESproxy bit_depth must be 10 or 12, got {bit_depth!r}")
    steps, mid, cv_min, cv_max = ACESPROXY_CONSTANTS[bit_depth]
    top = 2.0 ** bit_depth - 1.0

    def encode(x):
        cv = E.floor((E.log2(E.maximum(x, 2.0 ** -9.72)) + 2.5) * steps + mid + 0.5)
        return E.select(x <= 2.0 ** -9.72, cv_min, E.minimum(E.maximum(cv, cv_min), cv_max)) / top

    def decode(v):
        return E.exp2((v * top - mid) / steps - 2.5)

    return Transfer(f"ACESproxy{bit_depth}i", encode, decode, source="AMPAS S-2013-001 §4.3",
                    params=(("bit_depth", bit_depth),))
