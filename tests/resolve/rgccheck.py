"""The RGC acceptance check for DCTL output, around ``hostcheck.assert_host_rgc``.

Two kinds of pixel have no float32-stable answer, so they are checked by a law instead of
against the float64 reference:

- the achromatic A == 0 discontinuity (the RGC maps A == 0 to black and passes A != 0 through
  when every distance is beyond the limit): where float64 gives 0 < |A| < 1e-9 (ACEScct cannot
  even hold the code value of 0 in float32) and the output misses the metric, it must be the
  other side of the discontinuity (black or the input unchanged);
- ill-conditioned inverse pixels, whose distance is near t + s where the inverse diverges: if a
  change of one float32 ulp in one distance (the rounding any float32 implementation makes)
  moves the float64 reference by more than a quarter of the metric's tolerance, float32 code
  (OpenColorIO included) cannot be expected to meet the metric there.  Where the output misses
  the metric, the law checked instead, per channel in ACEScg, is: the forward RGC maps the
  output back onto the input (within the metric), or the channel passed through unchanged
  (d >= t + s); the pixel's other channels meet the metric against the reference.

All other pixels (at least 99.9 %) go through ``hostcheck.assert_host_rgc`` (guide metric and
2x OpenColorIO).
"""

from __future__ import annotations

import numpy as np

import hostcheck
from aceskit import metric, rgc
from aceskit.convert import convert

ULP = 2.0 ** -23


def _ap0_error(aim, actual, space, axis=-1):
    err = metric.relative_error(convert(aim, space, "ACES2065-1"), convert(actual, space, "ACES2065-1"))
    return err if axis is None else np.max(err, axis=axis)


def ill_conditioned(x, params, space) -> np.ndarray:
    """(n, 3): channels whose inverse moves by more than tol/4 when their distance moves one float32 ulp."""
    aim = rgc.compress(x, params, inverse=True, space=space)
    cg = convert(x, space, "ACEScg")
    ach = np.max(cg, axis=-1)
    spread = np.zeros(x.shape)
    for ch in range(3):
        with np.errstate(all="ignore"):
            dist = np.where(ach == 0, 0.0, (ach - cg[:, ch]) / np.abs(ach))
        for k in (-1.0, 1.0):
            nudged = cg.copy()
            nudged[:, ch] -= np.abs(ach) * dist * k * ULP
            moved = rgc.compress(convert(nudged, "ACEScg", space), params, inverse=True, space=space)
            spread[:, ch] = np.maximum(spread[:, ch], _ap0_error(aim, moved, space))
    return spread > 0.002 / 4


def check_rgc(out, x, params, inverse: bool, space: str):
    out, x = np.asarray(out, np.float64), np.asarray(x, np.float64)
    a64 = np.max(convert(x, space, "ACEScg"), axis=-1)
    near_zero = (a64 != 0.0) & (np.abs(a64) < 1e-9)
    aim = rgc.compress(x, params, inverse=inverse, space=space)
    # only the near-zero pixels that actually landed on the other side leave the main check
    singular = near_zero & (_ap0_error(aim, out, space) > 0.002)
    black = convert(np.zeros((1, 3)), "ACEScg", space)
    for o, i in zip(out[singular], x[singular]):
        assert np.allclose(o, black, atol=1e-6) or np.allclose(o, i, atol=1e-6), (o, i)
    ill = ill_conditioned(x, params, space) & ~singular[:, None] if inverse else np.zeros(x.shape, bool)
    ill &= (_ap0_error(aim, out, space) > 0.002)[:, None]       # pixels that meet the metric stay
    rows = ill.any(axis=-1)
    if rows.any():
        # ill channels: the forward maps them back onto the input, or they passed through;
        # the other channels of those pixels still meet the metric against the reference
        o, i = out[rows], x[rows]
        back = rgc.compress(o, params, inverse=False, space=space)
        aim = rgc.compress(i, params, inverse=True, space=space)
        for ch in range(3):
            m = ill[rows][:, ch]
            cg_back, cg_in, cg_out = (convert(v, space, "ACEScg")[:, ch] for v in (back, i, o))
            trip = np.abs(cg_back - cg_in) <= 0.002 * np.maximum(np.abs(cg_in), 0.1)
            assert np.all((trip | (o[:, ch] == i[:, ch]))[m]), f"ill-conditioned channel {ch} does not round-trip"
        others = metric.relative_error(convert(aim, space, "ACEScg"), convert(o, space, "ACEScg")) <= 0.002
        assert np.all(others | ill[rows]), "well-conditioned channels of ill-conditioned pixels fail the metric"
    keep = ~(singular | rows)
    assert (~keep).sum() <= 0.001 * len(x), f"{(~keep).sum()} of {len(x)} pixels left the main check"
    return hostcheck.assert_host_rgc(out[keep], x[keep], params, inverse, space)
