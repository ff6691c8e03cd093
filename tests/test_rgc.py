"""ACES Reference Gamut Compression against an independent float64 CTL transcription and OpenColorIO."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from aceskit import metric, rgc, targets, testimage
from aceskit.convert import convert
from oracles import ocio_apply
from hostcheck import PARAM_SETS

warnings.filterwarnings("ignore", module="colour")
import colour

# AP0 <-> AP1 from colour-science (its published AP0 NPM: within 1e-10 of the derived matrix)
_AP0_TO_AP1 = colour.matrix_RGB_to_RGB(colour.RGB_COLOURSPACES["ACES2065-1"], colour.RGB_COLOURSPACES["ACEScg"], None)
_AP1_TO_AP0 = np.linalg.inv(_AP0_TO_AP1)


def ctl_ap1(lin, params=rgc.REFERENCE, inverse=False):
    """LMT.Academy.GamutCompress.ctl (ACES 1.3) on AP1 values, transcribed step by step in float64."""
    lim, thr, pwr = np.array(params.limit), np.array(params.threshold), params.power
    lin = np.asarray(lin, dtype=np.float64)
    ach = lin.max(axis=-1, keepdims=True)
    with np.errstate(all="ignore"):
        dist = np.where(ach == 0.0, 0.0, (ach - lin) / np.abs(ach))
        scl = (lim - thr) / np.power(np.power((1.0 - thr) / (lim - thr), -pwr) - 1.0, 1.0 / pwr)
        nd = (dist - thr) / scl
        p = np.power(nd, pwr)
        if inverse:
            comp = thr + scl * np.power(-(p / (p - 1.0)), 1.0 / pwr)
            comp = np.where((dist < thr) | (dist >= thr + scl), dist, comp)   # OCIO CPU at d == t + s
        else:
            comp = np.where(dist < thr, dist, thr + scl * nd / np.power(1.0 + p, 1.0 / pwr))
    return ach - comp * np.abs(ach)


def ctl(ap0, params=rgc.REFERENCE, inverse=False):
    """The LMT: AP0 -> AP1, compression, AP1 -> AP0."""
    return ctl_ap1(np.asarray(ap0, dtype=np.float64) @ _AP0_TO_AP1.T, params, inverse) @ _AP1_TO_AP0.T


def ocio_rgc_ap0(ap0, params, inverse=False):
    import PyOpenColorIO as ocio
    if params.is_reference and not inverse:
        t = ocio.BuiltinTransform("ACES-LMT - ACES 1.3 Reference Gamut Compression")
    else:
        m = ocio.MatrixTransform(np.pad(_AP0_TO_AP1, (0, 1)).reshape(-1).tolist())
        m.setMatrix([*np.c_[_AP0_TO_AP1, np.zeros(3)].reshape(-1), 0, 0, 0, 1])
        back = ocio.MatrixTransform()
        back.setMatrix([*np.c_[_AP1_TO_AP0, np.zeros(3)].reshape(-1), 0, 0, 0, 1])
        d = ocio.TRANSFORM_DIR_INVERSE if inverse else ocio.TRANSFORM_DIR_FORWARD
        t = ocio.GroupTransform([m, ocio.FixedFunctionTransform(
            ocio.FIXED_FUNCTION_ACES_GAMUT_COMP_13, [*params.limit, *params.threshold, params.power], d), back])
    return ocio_apply(t, ap0)


@pytest.fixture(params=targets.ENGINES)
def engine(request):
    """Each oracle test runs on both pixel engines: native (the default) and the numpy reference."""
    return request.param


@pytest.fixture(scope="module")
def image():
    return testimage.rgc_validation_image(960, 540)


# Derived vectors of the research notes (AP1 in and out), a sanity check beside the CTL oracle.
VECTORS = [((0.5, 0.05, 0.2), (0.5, 0.058844212, 0.2)), ((1.0, -0.05, 0.3), (1.0, 0.048327064, 0.3)),
           ((0.2, 1.0, -0.1), (0.2, 1.0, 0.021554349)), ((-0.1, 0.2, 1.0), (0.014080315, 0.2, 1.0)),
           ((1.0, -1.0, -1.0), (1.0, -0.052204266, -0.016928417)), ((-0.1, -0.2, -0.3), (-0.1, -0.193347955, -0.201692842)),
           ((0.0, -0.1, -0.2), (0.0, 0.0, 0.0)), ((0.18, 0.18, 0.18), (0.18, 0.18, 0.18))]


@pytest.mark.parametrize("ap1_in, ap1_out", VECTORS)
def test_known_vectors(ap1_in, ap1_out, engine):
    np.testing.assert_allclose(rgc.compress(np.array(ap1_in), space="ACEScg", engine=engine), ap1_out, atol=1e-9)


@pytest.mark.parametrize("params", PARAM_SETS, ids=["reference", "set1", "set2", "set3"])
@pytest.mark.parametrize("inverse", [False, True], ids=["forward", "inverse"])
def test_equals_the_ctl_in_float64(image, params, inverse, engine):
    x = np.concatenate([image.reshape(-1, 3).astype(np.float64), testimage.edge_case_pixels()])
    if inverse:
        x = ctl(x, params)
    ours = rgc.compress(x, params, inverse=inverse, engine=engine)
    ref = ctl(x, params, inverse)
    # achromatic within rounding of zero takes either branch depending on matrix rounding: tested below
    lin = x @ _AP0_TO_AP1.T
    regular = np.abs(lin.max(axis=-1)) > 1e-9 * np.abs(lin).max(axis=-1)
    if inverse:  # the inverse amplifies input differences without bound near threshold + scale
        d = (lin.max(axis=-1, keepdims=True) - lin) / np.abs(lin.max(axis=-1, keepdims=True))
        t, lim = np.array(params.threshold), np.array(params.limit)
        s = rgc.scale(lim, t, params.power)
        regular &= np.all((d < t) | (d < t + 0.9 * s), axis=-1)
    scale = np.max(np.abs(ref), axis=-1, keepdims=True)
    err = (np.abs(ours - ref) / scale)[regular]
    assert err.max() < 1e-8, f"worst relative difference {err.max():.3g}"


@pytest.mark.parametrize("params", PARAM_SETS, ids=["reference", "set1", "set2", "set3"])
@pytest.mark.parametrize("inverse", [False, True], ids=["forward", "inverse"])
def test_within_the_guides_metric_of_opencolorio_and_no_less_accurate(image, params, inverse, engine):
    x = image if not inverse else ocio_rgc_ap0(image, params).astype(np.float32)
    ours = rgc.compress(x, params, inverse=inverse, engine=engine)
    theirs = ocio_rgc_ap0(x, params, inverse)
    check = metric.rangecheck(theirs, ours)
    assert check.ok, check.report()
    # against the float64 CTL, on pixels of magnitude up to 100: aceskit is at least as accurate
    truth = ctl(x.astype(np.float64), params, inverse)
    small = np.max(np.abs(x), axis=-1) <= 100
    ours_err = np.max(np.abs(ours.astype(np.float64) - truth)[small])
    ocio_err = np.max(np.abs(theirs - truth)[small])
    assert ours_err <= ocio_err, (ours_err, ocio_err)
    # within 1e-7 of the float64 CTL, relative to the pixel (the output is float32: 6e-8)
    scale = np.maximum(np.max(np.abs(truth), axis=-1, keepdims=True), np.finfo(np.float64).tiny)
    rel = np.abs(ours.astype(np.float64) - truth) / scale
    assert np.max(rel[small & np.all(np.isfinite(truth), axis=-1)]) <= 1e-7


def test_full_size_validation_image_reference_matches_opencolorio(engine):
    img = testimage.rgc_validation_image()
    check = metric.rangecheck(ocio_rgc_ap0(img, rgc.REFERENCE), rgc.compress(img, engine=engine))
    assert check == metric.RangeCheck(0, 0, 1920 * 1080)


def test_colorchecker_patches_are_protected(engine):
    """The thresholds protect the ColorChecker (ISO 17321-1 data).  With X-Rite's 2014 data three
    saturated patches sit just past a threshold: they move by less than the guide's tolerance."""
    cc = np.concatenate([testimage.COLORCHECKER24_AP0 * 2.0 ** k for k in range(-2, 3)])
    out = rgc.compress(cc, engine=engine)
    assert metric.rangecheck(cc, out).ok
    untouched = np.all(out == cc, axis=-1).reshape(5, 24).all(axis=0)
    assert untouched.sum() >= 21, np.flatnonzero(~untouched)


def test_achromatic_zero_and_near_zero(engine):
    """Checked on AP1 input, where "exactly zero" does not depend on matrix rounding."""
    ap1 = np.array([[0.0, -0.1, -0.2], [0.0, 0.0, 0.0], [-0.0, -0.0, -0.0], [0.0, -1e30, -5.0],
                    [1e-300, -0.1, -0.2], [5e-324, -1e-310, 0.0], [-1e-30, -2e-30, -3e-30], [1e-17, -0.3, 0.0]])
    out = rgc.compress(ap1, space="ACEScg", engine=engine)
    assert np.isfinite(out).all()
    np.testing.assert_array_equal(out[:4], 0.0)  # CTL: achromatic exactly 0 -> all channels 0
    ref = ctl_ap1(ap1)
    # the literal CTL overflows n^p for distances beyond ~1e250 (giving t or NaN instead of the
    # limit t + s): compare only where it does not
    ach = ap1.max(axis=-1, keepdims=True)
    with np.errstate(all="ignore"):
        ok = np.all(np.where(ach == 0, 0.0, (ach - ap1) / np.abs(ach)) < 1e250, axis=-1)
    np.testing.assert_allclose(out[ok], ref[ok], rtol=1e-9, atol=0)
    assert np.isfinite(rgc.compress(convert(ap1, "ACEScg", "ACES2065-1"), engine=engine)).all()


def test_nonfinite_values_stay_in_their_pixel(engine):
    good = testimage.edge_case_pixels()
    bad = testimage.nonfinite_pixels()
    mixed = np.concatenate([good[:5], bad, good[5:]])
    out = rgc.compress(mixed, engine=engine)
    np.testing.assert_array_equal(np.concatenate([out[:5], out[5 + len(bad):]]), rgc.compress(good, engine=engine))
    assert np.isnan(out[5]).any() and np.isnan(out[6]).all()
    extremes = np.array([[-0.0, 0.0, -0.0], [65504.0, 0.0, 1.0], [1e30, -1e30, 1.0], [-65504.0, 1.0, 0.5]])
    res = rgc.compress(extremes.astype(np.float32), engine=engine)
    assert res.dtype == np.float32 and res.shape == extremes.shape


def test_threshold_one_and_extreme_parameters_are_finite(engine):
    x = convert(np.array([[1.0, -0.5, 0.2], [1.0, 0.5, -2.0], [0.3, 0.2, 0.1]]), "ACEScg", "ACES2065-1")
    for p in (rgc.RGCParams(threshold=(1.0, 1.0, 1.0)), rgc.RGCParams(limit=(1.001,) * 3, threshold=(0.0,) * 3),
              rgc.RGCParams(limit=(2.0,) * 3, power=0.5)):
        for inverse in (False, True):
            assert np.isfinite(rgc.compress(x, p, inverse=inverse, engine=engine)).all()


def test_ui_params_are_the_implementation_guides():
    table = [(p.label, p.default, p.min, p.max) for p in rgc.UI_PARAMS]
    assert table == [("Limit Cyan", 1.147, 1.001, 2.0), ("Limit Magenta", 1.264, 1.001, 2.0),
                     ("Limit Yellow", 1.312, 1.001, 2.0), ("Threshold Cyan", 0.815, 0.0, 1.0),
                     ("Threshold Magenta", 0.803, 0.0, 1.0), ("Threshold Yellow", 0.88, 0.0, 1.0),
                     ("Roll-off", 1.2, 0.5, 2.0)]
    assert rgc.RGCParams.from_values({p.name: p.default for p in rgc.UI_PARAMS}) == rgc.REFERENCE


@pytest.mark.parametrize("kwargs, message", [
    ({"limit": (1.0, 1.2, 1.3)}, "Limit Cyan must be within 1.001..2"),
    ({"threshold": (0.8, 1.5, 0.8)}, "Threshold Magenta must be within 0..1"),
    ({"power": 3}, "Roll-off must be within 0.5..2"),
    ({"limit": (1.2, 1.2)}, "three values"),
    ({"power": "x"}, "Roll-off must be a number"),
])
def test_out_of_range_parameters_raise_one_clear_sentence(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rgc.RGCParams(**kwargs)


def test_working_spaces_agree(image, engine):
    ref = rgc.compress(image.astype(np.float64), engine=engine)
    for space in ("ACEScg", "ACEScct"):
        x = convert(image.astype(np.float64), "ACES2065-1", space)
        np.testing.assert_allclose(rgc.compress(x, space=space, engine=engine), convert(ref, "ACES2065-1", space),
                                   atol=1e-10)
    with pytest.raises(ValueError, match="space must be one of"):
        rgc.compress(image, space="ACEScc", engine=engine)


finite = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_subnormal=False)


@settings(max_examples=300, deadline=None)
@given(rgb=st.tuples(finite, finite, finite), k=st.floats(min_value=1e-3, max_value=1e3))
def test_exposure_invariance(rgb, k):
    x = np.array(rgb)
    np.testing.assert_allclose(rgc.compress(k * x, space="ACEScg"), k * rgc.compress(x, space="ACEScg"),
                               rtol=1e-9, atol=1e-12 * k * (np.abs(x).max() + 1))


@settings(max_examples=300, deadline=None)
@given(rgb=st.tuples(finite, finite, finite))
def test_inverse_undoes_forward_and_output_is_finite(rgb):
    x = np.array(rgb)
    assume(x.max() != 0.0)
    y = rgc.compress(x, space="ACEScg")
    assert np.isfinite(y).all()
    d = (x.max() - x) / abs(x.max())
    assume(d.max() < 20)  # far beyond the limit the curve flattens below float64 resolution
    np.testing.assert_allclose(rgc.compress(y, space="ACEScg", inverse=True), x, rtol=1e-6,
                               atol=1e-9 * np.abs(x).max())


@settings(max_examples=200, deadline=None)
@given(d1=st.floats(min_value=0, max_value=10), d2=st.floats(min_value=0, max_value=10))
def test_compressed_distance_is_monotonic(d1, d2):
    lo, hi = sorted((d1, d2))
    x = np.array([[1.0, 1.0 - lo, 1.0], [1.0, 1.0 - hi, 1.0]])  # magenta distance = lo, hi
    y = rgc.compress(x, space="ACEScg")
    assert 1.0 - y[0, 1] <= 1.0 - y[1, 1] + 1e-15


def test_classify_zones():
    p = rgc.REFERENCE
    ap1 = np.array([[1.0, 0.5, 0.5], [1.0, 1 - 0.9, 1.0], [1.0, 1 - 1.3, 1.0], [1.0, 1.0, 1 - 1.4]])
    np.testing.assert_array_equal(rgc.classify(ap1, p), [[0, 0, 0], [0, 1, 0], [0, 2, 0], [0, 0, 2]])


def test_classify_tells_the_channels_limits_apart():
    """Worked by hand from the CTL (d = (max - c) / |max|; 0 below the threshold, 2 beyond the limit)
    with the reference's cyan/magenta/yellow thresholds 0.815/0.803/0.880 and limits 1.147/1.264/1.312:
    a distance d on one channel, the other two at the achromatic value, at two exposures."""
    expected = {0.81: (0, 1, 0), 0.85: (1, 1, 0), 1.2: (2, 1, 1), 1.3: (2, 2, 1)}
    for exposure in (1.0, 2.5):
        for d, classes in expected.items():
            for ch in range(3):
                px = np.full(3, exposure)
                px[ch] = exposure * (1.0 - d)
                want = [0, 0, 0]
                want[ch] = classes[ch]
                assert rgc.classify(px[None], rgc.REFERENCE).tolist() == [want], (d, ch, exposure)


def test_backend_counts_the_pixels_the_rgc_changed(image, engine):
    """rgc_changed counts pixels whose AP1 values the CTL moves by more than 1e-5 of the pixel."""
    stats: dict = {}
    targets.run(rgc.chain(), image, stats=stats, engine=engine)
    before = image.reshape(-1, 3).astype(np.float64) @ _AP0_TO_AP1.T
    after = ctl_ap1(before)
    scale = 1e-5 * np.maximum(np.abs(before).max(axis=-1), 1e-3)
    expected = np.count_nonzero(np.abs(after - before).max(axis=-1) > scale)
    assert abs(stats["rgc_changed"] - expected) <= 1e-4 * expected and expected > 0
