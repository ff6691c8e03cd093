"""Shared acceptance check for host artifacts (Nuke gizmos, Blender node groups, DCTLs).

A host runs in float32; the bar is: every pixel within the implementation guide's metric against
the float64 reference and against OpenColorIO's ACES_GamutComp13 fixed function, and, on pixels of
magnitude up to 100, an error no larger than twice PyOpenColorIO's own float32 error against the
reference (measured per pixel in float32 error units, with a margin of a few ulps so that the bound
holds whichever SIMD paths numpy and OpenColorIO take on a CPU).
"""

from __future__ import annotations

import numpy as np

from aceskit import metric, rgc, testimage
from aceskit.convert import convert

#: The reference and three other parameter sets, all inside OpenColorIO's accepted ranges.
PARAM_SETS = (
    rgc.REFERENCE,
    rgc.RGCParams(limit=(1.2, 1.4, 1.1), threshold=(0.7, 0.9, 0.6), power=1.5),
    rgc.RGCParams(limit=(1.5, 1.3, 1.9), threshold=(0.5, 0.75, 0.8), power=1.0),
    rgc.RGCParams(limit=(1.35, 1.6, 1.25), threshold=(0.85, 0.6, 0.7), power=2.0),
)


def validation_pixels(width: int = 192, height: int = 108) -> np.ndarray:
    """AP0 pixels: a small validation image plus the edge cases (no NaN/Inf), shaped (n, 3)."""
    img = testimage.rgc_validation_image(width, height).reshape(-1, 3).astype(np.float64)
    return np.concatenate([img, testimage.edge_case_pixels()])


def ocio_rgc(rgb: np.ndarray, params: rgc.RGCParams, inverse: bool, space: str = "ACES2065-1") -> np.ndarray:
    """PyOpenColorIO on float32 values in ``space``: the studio config's conversion to ACEScg,
    the ACES_GAMUT_COMP_13 fixed function, and back."""
    import PyOpenColorIO as ocio
    direction = ocio.TRANSFORM_DIR_INVERSE if inverse else ocio.TRANSFORM_DIR_FORWARD
    group = ocio.GroupTransform()
    if space != "ACEScg":
        group.appendTransform(ocio.ColorSpaceTransform(space, "ACEScg"))
    group.appendTransform(ocio.FixedFunctionTransform(
        ocio.FIXED_FUNCTION_ACES_GAMUT_COMP_13, [*params.limit, *params.threshold, params.power], direction))
    if space != "ACEScg":
        group.appendTransform(ocio.ColorSpaceTransform("ACEScg", space))
    config = ocio.Config.CreateFromFile("ocio://studio-config-latest")
    cpu = config.getProcessor(group).getOptimizedCPUProcessor(ocio.OPTIMIZATION_LOSSLESS)
    out = np.ascontiguousarray(rgb, dtype=np.float32).copy()
    cpu.applyRGB(out)
    return out.astype(np.float64)


#: "Pixels of magnitude up to 100" (ACEScg, in float64, on the inputs).  The validation pixels
#: include magnitudes of exactly 100, which conversions round to either side of 100, so the
#: cutoff sits 0.1 % above and no pixel may lie within 0.01 % of it.
SMALL = 100.1
#: Float32 error unit: half an ulp at 1.
ULP = 2.0 ** -24
#: Allowance on top of ``factor`` times OpenColorIO's error, in float32 error units (see
#: ``assert_host_rgc``): numpy's SIMD float32 pow/exp/log paths differ from its scalar ones by up to 4 ulps.
MARGIN = 4.0
#: A pixel has no float32-stable answer when half an ulp of the pixel on one ACEScg channel moves the
#: float64 reference by more than 1/32 of the guide's tolerance: float32 implementations (OpenColorIO
#: included) err by up to 16 times that, so they may miss the metric there, each in its own way.
UNSTABLE = 0.002 / 32


def sensitivity(aim, inputs, params, inverse: bool, space: str) -> np.ndarray:
    """Per pixel, how far the float64 reference moves when one ACEScg channel (the RGC's working
    values, which float32 matrices round to about half an ulp of the pixel) moves by half an ulp of
    the pixel (large where the RGC amplifies rounding, as the inverse does near its asymptote)."""
    cg = convert(inputs, space, "ACEScg")
    step = ULP * np.max(np.abs(cg), -1)
    moved = np.zeros(len(inputs))
    for ch in range(3):
        for k in (-step, step):
            nudged = cg.copy()
            nudged[:, ch] += k
            shift = np.max(np.abs(rgc.compress(convert(nudged, "ACEScg", space), params, inverse=inverse,
                                               space=space) - aim), -1)
            moved = np.maximum(moved, np.nan_to_num(shift, nan=np.inf))
    return moved


def assert_host_rgc(host_out, inputs, params: rgc.RGCParams, inverse: bool, space: str = "ACES2065-1",
                    factor: float = 2.0):
    """Assert the guide's metric against the float64 reference, the same metric against OpenColorIO's
    ACES_GamutComp13 and the ``factor``x-OpenColorIO float32 bound (both on float32-stable pixels) for
    a host's RGC output.  ``inputs`` and ``host_out`` are (n, 3) values in ``space``; ``inputs`` finite.
    Returns the host's and OpenColorIO's largest errors in float32 error units."""
    inputs = np.asarray(inputs, dtype=np.float64)
    host = np.asarray(host_out, dtype=np.float64)
    what = f"{space} {'inverse' if inverse else 'forward'} {params}"
    aim = rgc.compress(inputs, params, inverse=inverse, space=space)
    # the guide's metric is defined on ACES2065-1 data
    host_ap0 = convert(host, space, "ACES2065-1")
    check = metric.rangecheck(convert(aim, space, "ACES2065-1"), host_ap0)
    assert check.ok, f"{what}: guide metric failed\n{check.report()}"
    moved = sensitivity(aim, inputs, params, inverse, space)
    stable = (moved <= UNSTABLE * np.maximum(np.max(np.abs(aim), -1), 0.1)) & np.all(np.isfinite(aim), axis=-1)
    assert stable.mean() >= 0.99, f"{what}: {np.sum(~stable)} of {len(stable)} pixels have no float32-stable answer"
    # the same metric against an independent implementation (the reference above is the core itself)
    ocio_out = ocio_rgc(inputs, params, inverse, space)
    check = metric.rangecheck(convert(ocio_out[stable], space, "ACES2065-1"), host_ap0[stable])
    assert check.ok, f"{what}: guide metric against OpenColorIO's fixed function failed\n{check.report()}"
    # float32 accuracy versus OpenColorIO on the same float32 inputs, in the host's working space
    mag = np.max(np.abs(convert(inputs, space, "ACEScg")), axis=-1)
    assert not np.any(np.abs(mag - SMALL) < 1e-4 * SMALL), "a pixel lies at the magnitude cutoff"
    small = stable & (mag <= SMALL)
    # errors in float32 error units: what float32 costs at best, half an ulp of the pixel (at least 1)
    # plus ``moved``; a pixel the RGC amplifies does not decide the bound however a CPU rounds
    floor = ULP * np.maximum(np.maximum(np.max(np.abs(aim), -1), np.max(np.abs(inputs), -1)), 1.0) + moved
    host_err = np.max(np.max(np.abs(host - aim), -1)[small] / floor[small], initial=0.0)
    ocio_err = np.max(np.max(np.abs(ocio_out - aim), -1)[small] / floor[small], initial=0.0)
    assert host_err <= factor * ocio_err + MARGIN, (
        f"{what}: host error {host_err:.3g} exceeds {factor:g}x OpenColorIO's {ocio_err:.3g} plus {MARGIN:g} "
        f"(float32 error units)")
    return host_err, ocio_err


# --- pixels with no float32-stable answer --------------------------------------------------------
# Two kinds of pixel are checked by a law instead of against the float64 reference:
# - the achromatic A == 0 discontinuity (A == 0 maps to black, A != 0 beyond the limits passes
#   through): where float64 gives 0 < |A| < 1e-9 (ACEScct cannot even hold the code value of 0 in
#   float32) and the output misses the metric, it must be the other side (black or unchanged);
# - ill-conditioned inverse channels, whose distance is near t + s where the inverse diverges: if
#   one float32 ulp of distance (a rounding every float32 implementation, OpenColorIO included,
#   makes) moves the float64 reference by more than a quarter of the tolerance.  Where such a
#   channel misses the metric, the forward RGC must map the output back onto the input (within
#   the metric) or the channel must have passed through unchanged (d >= t + s); the pixel's other
#   channels still meet the metric.
# At most 0.1 % of the pixels may leave the main check; all others go through assert_host_rgc.


def ap0_error(aim, actual, space, axis=-1):
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
            nudged[:, ch] -= np.abs(ach) * dist * k * 2 * ULP
            moved = rgc.compress(convert(nudged, "ACEScg", space), params, inverse=True, space=space)
            spread[:, ch] = np.maximum(spread[:, ch], ap0_error(aim, moved, space))
    return spread > 0.002 / 4


def check_rgc(out, x, params, inverse: bool, space: str, factor: float = 2.0):
    """``assert_host_rgc`` on every pixel except those with no float32-stable answer (see above)."""
    out, x = np.asarray(out, np.float64), np.asarray(x, np.float64)
    a64 = np.max(convert(x, space, "ACEScg"), axis=-1)
    near_zero = (a64 != 0.0) & (np.abs(a64) < 1e-9)
    aim = rgc.compress(x, params, inverse=inverse, space=space)
    # only the near-zero pixels that actually landed on the other side leave the main check
    singular = near_zero & (ap0_error(aim, out, space) > 0.002)
    black = convert(np.zeros((1, 3)), "ACEScg", space)
    for o, i in zip(out[singular], x[singular]):
        assert np.allclose(o, black, atol=1e-6) or np.allclose(o, i, atol=1e-6), (o, i)
    ill = ill_conditioned(x, params, space) & ~singular[:, None] if inverse else np.zeros(x.shape, bool)
    ill &= (ap0_error(aim, out, space) > 0.002)[:, None]       # pixels that meet the metric stay
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
    return assert_host_rgc(out[keep], x[keep], params, inverse, space, factor)
