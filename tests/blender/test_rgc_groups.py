"""The generated RGC node groups, rendered by Blender's compositor, against the numpy reference.

Acceptance: ``hostcheck.check_rgc``, the float32 check every host shares (the guide's metric, and
at most twice PyOpenColorIO's float32 error on pixels up to magnitude 100, except pixels with no
float32-stable answer, which must obey their law instead), forward and inverse, the reference and
three other parameter sets, in every working space the groups offer.
"""

import numpy as np
import pytest

import hostcheck
from aceskit import rgc, testimage
from aceskit.targets import blender as backend

SPACES = backend.HOST.rgc_spaces


@pytest.fixture(scope="module")
def pixels():
    """AP0 validation pixels plus the edge cases, expressed in each working space (float32)."""
    from aceskit.convert import convert
    ap0 = hostcheck.validation_pixels(192, 108)
    return {s: convert(ap0, "ACES2065-1", s).astype(np.float32).astype(np.float64) for s in SPACES}


def _inputs(params, inverse, space):
    values = params.values()
    return {backend.WORKING_SPACE: space, "Invert": inverse,
            **{p.label: values[p.name] for p in rgc.UI_PARAMS}}


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("inverse", [False, True], ids=["forward", "inverse"])
@pytest.mark.parametrize("k", range(len(hostcheck.PARAM_SETS)), ids=["reference", "set1", "set2", "set3"])
def test_parametric_group(compositor, groups, pixels, space, inverse, k):
    params = hostcheck.PARAM_SETS[k]
    out = compositor.run(backend.RGC_PARAMETRIC, pixels[space], **_inputs(params, inverse, space))
    hostcheck.check_rgc(out, pixels[space], params, inverse, space)


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("inverse", [False, True], ids=["forward", "inverse"])
def test_reference_group(compositor, groups, pixels, space, inverse):
    out = compositor.run(backend.RGC_REFERENCE, pixels[space], **{backend.WORKING_SPACE: space, "Invert": inverse})
    hostcheck.check_rgc(out, pixels[space], rgc.REFERENCE, inverse, space)


def test_defaults_are_the_reference(compositor, groups, pixels):
    """An untouched parametric node (defaults: ACES2065-1, forward) renders what the reference node does."""
    ref = compositor.run(backend.RGC_REFERENCE, pixels["ACES2065-1"])
    par = compositor.run(backend.RGC_PARAMETRIC, pixels["ACES2065-1"])
    # the reference bakes its scale factors in float64, the parametric group computes them in float32
    np.testing.assert_allclose(par, ref, rtol=1e-5, atol=1e-6)
    assert not np.array_equal(ref, pixels["ACES2065-1"].astype(np.float32))  # it did compress


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("inverse", [False, True], ids=["forward", "inverse"])
def test_edge_cases_exactly_like_numpy(compositor, groups, space, inverse):
    """All-negative, achromatic exactly 0, beyond the limit, tiny and huge values, NaN and Inf:
    the same non-finite pattern as the reference, finite values within float32 rounding of the pixel."""
    from aceskit.convert import convert
    finite = convert(testimage.edge_case_pixels(), "ACES2065-1", space)
    rgb = np.concatenate([finite, testimage.nonfinite_pixels(), [[0.0, 0.0, 0.0], [-0.0, -0.0, -0.0]]])
    rgb = rgb.astype(np.float32).astype(np.float64)
    with np.errstate(invalid="ignore"):
        aim = rgc.compress(rgb, inverse=inverse, space=space)
    out = compositor.run(backend.RGC_REFERENCE, rgb, **{backend.WORKING_SPACE: space, "Invert": inverse}).astype(np.float64)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(aim))
    np.testing.assert_array_equal(np.isposinf(out), np.isposinf(aim))
    np.testing.assert_array_equal(np.isneginf(out), np.isneginf(aim))
    # achromatic |A| < 1e-9 has no float32 answer (ACEScct cannot hold the code value of 0):
    # black or unchanged, as hostcheck.check_rgc allows
    with np.errstate(invalid="ignore"):
        a64 = np.max(convert(rgb, space, "ACEScg"), axis=-1)
    unstable = np.isfinite(a64) & (a64 != 0.0) & (np.abs(a64) < 1e-9)
    black = convert(np.zeros(3), "ACEScg", space)
    for o, i in zip(out[unstable], rgb[unstable]):
        assert np.allclose(o, black, atol=1e-6) or np.allclose(o, i, atol=1e-6), (o, i)
    ok = np.isfinite(aim) & ~unstable[:, None]
    scale = np.nanmax(np.where(np.isfinite(aim), np.abs(aim), 0), axis=-1, keepdims=True) + np.max(
        np.where(np.isfinite(rgb), np.abs(rgb), 0), axis=-1, keepdims=True)
    err = np.abs(out[ok] - aim[ok]) / (1e-5 * np.broadcast_to(scale, aim.shape)[ok] + 1e-30)
    assert np.all(err <= 1.0), f"worst {np.max(err):.3g}x tolerance"
    zero = np.all(rgb == 0, axis=-1)
    assert np.all(out[zero] == 0.0)  # achromatic exactly 0 stays black


def test_nan_stays_in_its_pixel(compositor, groups):
    rgb = np.full((16, 3), 0.18)
    rgb[5] = [np.nan, 0.1, 0.2]
    rgb[6] = [0.9, -0.2, 0.1]  # a neighbour that compresses
    out = compositor.run(backend.RGC_REFERENCE, rgb, **{backend.WORKING_SPACE: "ACEScg"})
    assert np.isnan(out[5, 0]) and np.all(np.isfinite(out[5, 1:]))
    assert np.all(np.isfinite(np.delete(out, 5, axis=0)))
    np.testing.assert_allclose(out[6], rgc.compress(rgb[6], space="ACEScg"), rtol=1e-5, atol=1e-7)
