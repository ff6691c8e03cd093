"""Every generated DCTL compiled with g++ (float32, no fast-math) against the numpy core."""

from __future__ import annotations

import numpy as np
import pytest

import hostcheck
from aceskit import rgc, spaces, testimage
from aceskit.convert import convert
from aceskit.targets import dctl
from resolvetest import DCTL_DIR
from hostcheck import check_rgc

SPACES = [s for _, _, s in dctl.WORKING_SPACES]
SPACE_INDEX = {s: i for i, s in enumerate(SPACES)}
CASES = [(s, inv) for s in SPACES for inv in (False, True)]
PIXELS = hostcheck.validation_pixels(192, 108)


def inputs(space: str) -> np.ndarray:
    """The validation pixels in ``space``, rounded to float32 (what the DCTL receives)."""
    return convert(PIXELS, "ACES2065-1", space).astype(np.float32).astype(np.float64)


@pytest.fixture(scope="module", autouse=True)
def _prefetch(compiler, tmp_path_factory):
    baked_dir = tmp_path_factory.mktemp("baked")
    for i, p in enumerate(hostcheck.PARAM_SETS[1:], 1):
        for s, inv in CASES:
            (baked_dir / f"set{i}_{s}_{inv}.dctl").write_text(dctl.baked(p, inverse=inv, space=s).source())
    compiler.prefetch(sorted(DCTL_DIR.glob("*.dctl")) + sorted((DCTL_DIR / "Baked").glob("*.dctl"))
                      + sorted(baked_dir.glob("*.dctl")))
    compiler.baked_dir = baked_dir


@pytest.mark.parametrize("space,inverse", CASES)
def test_reference_dctl(compiler, space, inverse):
    prog = compiler.get(DCTL_DIR / "aceskit RGC Reference.dctl")
    prog.set(space=SPACE_INDEX[space], invert=int(inverse))
    x = inputs(space)
    check_rgc(prog.run(x), x, rgc.REFERENCE, inverse, space)


@pytest.mark.parametrize("index", range(len(hostcheck.PARAM_SETS)))
@pytest.mark.parametrize("space,inverse", CASES)
def test_parametric_dctl(compiler, space, inverse, index):
    params = hostcheck.PARAM_SETS[index]
    prog = compiler.get(DCTL_DIR / "aceskit Gamut Compress.dctl")
    prog.set(space=SPACE_INDEX[space], invert=int(inverse), **params.values())
    x = inputs(space)
    check_rgc(prog.run(x), x, params, inverse, space)


@pytest.mark.parametrize("index", range(len(hostcheck.PARAM_SETS)))
@pytest.mark.parametrize("space,inverse", CASES)
def test_baked_dctl(compiler, space, inverse, index):
    params = hostcheck.PARAM_SETS[index]
    if index == 0:   # the committed reference bakes
        path = DCTL_DIR / "Baked" / dctl.baked_name(inverse=inverse, space=space)
    else:
        path = compiler.baked_dir / f"set{index}_{space}_{inverse}.dctl"
    prog = compiler.get(path)
    assert prog.controls == {}
    x = inputs(space)
    check_rgc(prog.run(x), x, params, inverse, space)


def test_parametric_defaults_are_the_reference():
    from dctl_lint import controls
    ctl = {c["name"]: c for c in controls((DCTL_DIR / "aceskit Gamut Compress.dctl").read_text())}
    for p, v in zip(rgc.UI_PARAMS, (*rgc.LIMIT, *rgc.THRESHOLD, rgc.POWER)):
        default, lo, hi, _ = map(float, ctl[p.name]["args"])
        assert ctl[p.name]["label"] == p.label and (default, lo, hi) == (v, p.min, p.max)
    assert ctl["invert"]["type"] == "DCTLUI_CHECK_BOX" and ctl["invert"]["args"] == ["0"]
    assert ctl["space"]["labels"][0] == "ACEScct" and ctl["space"]["args"][0] == "0"


def test_gamut_compress_as_a_lut_is_the_reference(compiler, tmp_path):
    """Run at its slider defaults (how a LUT slot runs it), the parametric DCTL computes exactly
    what the forward ACEScct reference bake computes."""
    copy = tmp_path / "defaults.dctl"      # a fresh library: no control has been set
    copy.write_text((DCTL_DIR / "aceskit Gamut Compress.dctl").read_text())
    x = inputs("ACEScct")
    out = compiler.get(copy).run(x)
    bake = compiler.get(DCTL_DIR / "Baked" / dctl.baked_name(inverse=False, space="ACEScct")).run(x)
    assert np.array_equal(out, bake)
    check_rgc(out, x, rgc.REFERENCE, False, "ACEScct")


@pytest.mark.parametrize("index", range(len(hostcheck.PARAM_SETS)))
@pytest.mark.parametrize("space,inverse", CASES)
def test_nonfinite_pixels(compiler, space, inverse, index):
    """NaN/Inf input: NaN where the core gives NaN, the same finite values elsewhere."""
    params = hostcheck.PARAM_SETS[index]
    prog = compiler.get(DCTL_DIR / "aceskit Gamut Compress.dctl")
    prog.set(space=SPACE_INDEX[space], invert=int(inverse), **params.values())
    with np.errstate(all="ignore"):
        x = convert(testimage.nonfinite_pixels(), "ACES2065-1", space)
        aim = rgc.compress(x, params, inverse=inverse, space=space)
    out = prog.run(x)
    assert np.array_equal(np.isnan(out), np.isnan(aim))
    finite = np.isfinite(aim)
    np.testing.assert_allclose(out[finite], aim[finite], rtol=1e-5, atol=1e-6)
    assert np.array_equal(out[np.isinf(aim)], aim[np.isinf(aim)])


def _code_values(space, n=4096, seed=7) -> np.ndarray:
    """Sensible inputs: code values 0..1 for encoded spaces, -0.05..20 for linear ones, plus a ramp."""
    rng = np.random.default_rng(seed)
    lo, hi = (0.0, 1.0) if spaces.get(space).transfer is not None else (-0.05, 20.0)
    ramp = np.repeat(np.linspace(lo, hi, 256)[:, None], 3, axis=1)
    return np.concatenate([rng.uniform(lo, hi, (n, 3)), ramp]).astype(np.float32).astype(np.float64)


CSC = dctl.HOST.conversion_pairs()


@pytest.fixture(scope="module")
def csc_compiled(compiler):
    compiler.prefetch(sorted((DCTL_DIR / "CSC").glob("*.dctl")))
    return compiler


@pytest.mark.parametrize("cam,dst", CSC)
def test_conversion_dctl(csc_compiled, cam, dst):
    """Compared in linear ACEScg: relative 2e-5 plus absolute 1e-6 times the pixel's linear magnitude."""
    path = DCTL_DIR / dctl.conversion_path(cam, dst)
    x = _code_values(cam)
    out = csc_compiled.get(path).run(x)
    aim = convert(convert(x, cam, dst), dst, "ACEScg")
    got = convert(out, dst, "ACEScg")
    magnitude = np.max(np.abs(convert(x, cam, "ACES2065-1")), axis=-1, keepdims=True)
    tol = 2e-5 * np.abs(aim) + 1e-6 * np.maximum(1.0, magnitude)
    bad = np.abs(got - aim) > tol
    assert not bad.any(), f"{cam} -> {dst}: {bad.any(-1).sum()} pixels off, worst {np.max(np.abs(got - aim)):.3g}"


def test_the_checker_itself():
    """OpenColorIO's own float32 output passes check_rgc where it misses the metric (all on
    ill-conditioned channels, checked by the round-trip law); corrupting those channels or any
    other pixel fails."""
    from hostcheck import ap0_error as _ap0_error, ill_conditioned
    for params in hostcheck.PARAM_SETS:
        for space in SPACES:
            x = inputs(space)
            peer = hostcheck.ocio_rgc(x, params, True, space)
            misses = _ap0_error(rgc.compress(x, params, inverse=True, space=space), peer, space) > 0.002
            if misses.any():
                break
        else:
            continue
        break
    else:
        pytest.fail("OpenColorIO meets the metric everywhere; pick a parameter set that exercises the law")
    check_rgc(peer, x, params, True, space)
    ill = ill_conditioned(x, params, space)
    assert ill[misses].any(axis=-1).all()
    broken = peer.copy()
    broken[ill] = 0.5 * broken[ill] + 0.01
    with pytest.raises(AssertionError):
        check_rgc(broken, x, params, True, space)
    broken = peer.copy()
    broken[100] *= 1.01
    with pytest.raises(AssertionError):
        check_rgc(broken, x, params, True, space)
