"""The Math-node emulator used by tests/test_blender_backend.py agrees with real Blender renders,
so the fast tests there speak for Blender."""

import numpy as np
import pytest

from aceskit import rgc, testimage
from aceskit.targets import blender as backend

from test_blender_backend import rgc_inputs, simulate


def _pixels():
    rng = np.random.default_rng(11)
    return np.concatenate([rng.normal(0.2, 1.5, (3000, 3)), testimage.edge_case_pixels(),
                           testimage.nonfinite_pixels(), [[0, 0, 0], [1e-30, -1e-30, 0], [3e38, 1, 0]]])


def _agree(real, emulated, rel=1e-5):
    """Same NaN/Inf pattern; finite values within ``rel`` of the pixel (libm's powf/logf may differ
    from numpy's by an ulp, and the inverse compression amplifies that near its asymptote; a wrong
    branch would be off by far more)."""
    real, emulated = np.asarray(real, np.float64), np.asarray(emulated, np.float64)
    np.testing.assert_array_equal(np.isnan(real), np.isnan(emulated))
    np.testing.assert_array_equal(np.isinf(real), np.isinf(emulated))
    ok = np.isfinite(real)
    scale = np.max(np.where(np.isfinite(real), np.abs(real), 0), axis=-1, keepdims=True)
    err = np.abs(real[ok] - emulated[ok]) / (rel * np.broadcast_to(scale, real.shape)[ok] + 1e-38)
    assert np.max(err, initial=0) <= 1.0


@pytest.mark.parametrize("space", backend.HOST.rgc_spaces)
@pytest.mark.parametrize("inverse", [False, True])
def test_rgc_emulator_matches_render(bpy, compositor, groups, space, inverse):
    params = rgc.RGCParams(limit=(1.2, 1.4, 1.1), threshold=(0.7, 0.9, 0.6), power=1.5)
    px = _pixels().astype(np.float32)
    inputs = rgc_inputs(params, inverse)
    real = compositor.run(backend.RGC_PARAMETRIC, px, **{**inputs, "Invert": inverse, backend.WORKING_SPACE: space})
    menus = backend.api(bpy).menus  # the network Blender runs: one per space (5.0+), or chosen by index (4.5)
    net = backend.spec(backend.RGC_PARAMETRIC, menus).net
    emulated = simulate(net, px, inputs, space) if menus else simulate(
        net, px, {**inputs, backend.WORKING_SPACE: backend.HOST.rgc_spaces.index(space)})
    _agree(real, emulated, 1e-4 if inverse else 1e-5)


@pytest.mark.parametrize("name", ["ACEScct to ACEScg", "ACEScg to ACEScct", "ARRI LogC4 to ACES2065-1",
                                  "ACEScg to CanonLog3 CinemaGamut D55", "Apple Log to ACEScg",
                                  "ACES2065-1 to Protune Flat Protune Native", "Linear V-Gamut to ACEScg"])
def test_conversion_emulator_matches_render(compositor, groups, name):
    px = np.abs(_pixels()).astype(np.float32)
    _agree(compositor.run(name, px), simulate(backend.spec(name).net, px))
