"""Color space conversion groups rendered by Blender against aceskit.convert (float64 numpy) and,
where the ACES studio config has the space, PyOpenColorIO."""

import numpy as np
import pytest

from aceskit import spaces
from aceskit.convert import convert
from aceskit.targets import blender as backend

PAIRS = backend.HOST.conversion_pairs()
CODES = np.linspace(0.0, 1.0, 41)


def sensible_inputs(src: str, dst: str) -> np.ndarray:
    """Encoded spaces get code values 0..1; linear spaces get what those code values decode to."""
    codes = np.stack(np.meshgrid(CODES, CODES[::4], CODES[::8], indexing="ij"), -1).reshape(-1, 3)
    if not spaces.get(src).is_linear:
        return codes
    encoded = dst if not spaces.get(dst).is_linear else "ACEScct"
    return convert(codes, encoded, src)


def assert_close(actual, expected, rel=2e-5, abs_=1e-6, msg="", space=None):
    """|actual - expected| <= rel * (largest |component| of the pixel) + abs (float32 matrix rounding
    scales with the whole pixel).

    Values in an encoded ``space`` are compared as the linear ACES2065-1 values they stand for
    (decoded in float64): a float32 matrix error of a bright pixel lands on a dark channel, where a
    log encoding's slope is steep, so only the linear error is comparable to the pixel's magnitude.
    """
    if space is not None and not spaces.get(space).is_linear:
        actual, expected = (convert(v, space, "ACES2065-1") for v in (actual, expected))
    scale = np.max(np.abs(expected), axis=-1, keepdims=True)
    err = np.abs(actual - expected) / (rel * scale + abs_)
    worst = np.unravel_index(np.argmax(err), err.shape)
    assert np.all(np.isfinite(actual)), f"{msg}: non-finite output"
    assert err.max() <= 1.0, (f"{msg}: worst {err.max():.3g}x tolerance at {worst}: "
                              f"got {actual[worst[0]]}, expected {expected[worst[0]]}")


def test_every_pair_has_a_group(groups):
    assert set(groups) == set(backend.group_names())
    camera = [n for n in spaces.names() if spaces.get(n).family == "Camera"]
    assert sum(spaces.get(n).is_linear for n in camera) >= 10 and sum(not spaces.get(n).is_linear for n in camera) >= 20
    for name in camera:
        for hub in ("ACEScg", "ACES2065-1"):
            assert backend.conversion_name(name, hub) in groups and backend.conversion_name(hub, name) in groups
    for a in ("ACES2065-1", "ACEScg", "ACEScct"):
        for b in ("ACES2065-1", "ACEScg", "ACEScct"):
            assert a == b or backend.conversion_name(a, b) in groups


@pytest.mark.parametrize("src,dst", PAIRS, ids=[f"{s}->{d}" for s, d in PAIRS])
def test_conversion_group(compositor, groups, src, dst):
    rgb = sensible_inputs(src, dst).astype(np.float32).astype(np.float64)
    out = compositor.run(backend.conversion_name(src, dst), rgb).astype(np.float64)
    assert_close(out, convert(rgb, src, dst), msg=f"{src} -> {dst}", space=dst)


def _studio_names():
    import PyOpenColorIO as ocio
    cfg = ocio.Config.CreateFromFile("ocio://studio-config-latest")
    return {cs.getName() for cs in cfg.getColorSpaces()}, cfg


@pytest.mark.parametrize("name", ["ARRI LogC3 (EI800)", "ARRI LogC4", "S-Log3 S-Gamut3.Cine", "V-Log V-Gamut",
                                  "Log3G10 REDWideGamutRGB", "CanonLog3 CinemaGamut D55", "ACEScct"])
def test_spot_check_against_opencolorio(compositor, groups, name):
    import PyOpenColorIO as ocio
    have, cfg = _studio_names()
    assert name in have
    rgb = np.stack(np.meshgrid(CODES, CODES[::5], CODES[::10], indexing="ij"), -1).reshape(-1, 3).astype(np.float32)
    out = compositor.run(backend.conversion_name(name, "ACEScg"), rgb).astype(np.float64)
    oracle = rgb.copy()
    cfg.getProcessor(name, "ACEScg").getOptimizedCPUProcessor(ocio.OPTIMIZATION_LOSSLESS).applyRGB(oracle)
    assert_close(out, oracle.astype(np.float64), msg=f"{name} -> ACEScg vs OpenColorIO")
    back = compositor.run(backend.conversion_name("ACEScg", name), oracle).astype(np.float64)
    assert_close(back, rgb.astype(np.float64), msg=f"ACEScg -> {name} round trip", space=name)
