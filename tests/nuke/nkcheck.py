"""The RGC acceptance check for gizmo output: ``hostcheck.assert_host_rgc`` plus a law where
float32 has no stable answer.

Near the inverse asymptote (distance d close to t + s) one float32 ulp of d, a rounding every
float32 implementation makes (OpenColorIO included), can move the float64 reference by more
than the guide's 0.2%.  A channel is called ill-conditioned when such a one-ulp change of its
distance moves the reference by more than a quarter of the tolerance.  For those channels the
law checked instead is the round trip: the forward RGC maps the gizmo's output back onto the
input within the metric, or the channel passed through unchanged.  Every other pixel goes
through ``hostcheck.assert_host_rgc`` (guide metric and twice OpenColorIO's float32 error).
"""

from __future__ import annotations

import numpy as np

import hostcheck
from aceskit import metric, rgc
from aceskit.convert import convert

TOL = 0.002


def ill_conditioned(x, params, space) -> np.ndarray:
    """(n, 3) booleans for the inverse: channels whose result is unstable under one float32 ulp of distance."""
    aim = convert(rgc.compress(x, params, inverse=True, space=space), space, "ACES2065-1")
    cg = convert(x, space, "ACEScg")
    ach = np.max(cg, axis=-1)
    unstable = np.zeros(x.shape, bool)
    for ch in range(3):
        with np.errstate(all="ignore"):
            d = np.where(ach == 0, 0.0, (ach - cg[:, ch]) / np.abs(ach))
        step = np.spacing(np.abs(d).astype(np.float32)).astype(np.float64) * np.abs(ach)
        for sign in (-1.0, 1.0):
            nudged = cg.copy()
            nudged[:, ch] += sign * step
            moved = rgc.compress(convert(nudged, "ACEScg", space), params, inverse=True, space=space)
            err = metric.relative_error(aim, convert(moved, space, "ACES2065-1")).max(axis=-1)
            unstable[:, ch] |= err > TOL / 4
    return unstable


def check_rgc(out, x, params, inverse: bool, space: str):
    """Assert the acceptance bar; returns hostcheck's (host error, OpenColorIO error) on the rest."""
    out, x = np.asarray(out, np.float64), np.asarray(x, np.float64)
    ill = ill_conditioned(x, params, space) if inverse else np.zeros(x.shape, bool)
    rows = ill.any(axis=-1)
    if rows.any():
        o, i = out[rows], x[rows]
        back = convert(rgc.compress(o, params, inverse=False, space=space), space, "ACEScg")
        cg_in, cg_out = convert(i, space, "ACEScg"), convert(o, space, "ACEScg")
        trip = np.abs(back - cg_in) <= TOL * np.maximum(np.abs(cg_in), 0.1)
        passed = o == i
        assert np.all((trip | passed)[ill[rows]]), "ill-conditioned channels neither round-trip nor pass through"
        aim = convert(rgc.compress(i, params, inverse=True, space=space), space, "ACEScg")
        assert np.all((metric.relative_error(aim, cg_out) <= TOL) | ill[rows]), \
            "well-conditioned channels of ill-conditioned pixels fail the metric"
    return hostcheck.assert_host_rgc(out[~rows], x[~rows], params, inverse, space)
