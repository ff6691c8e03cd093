"""The synthetic validation image has the properties the implementation guide asks for."""

from __future__ import annotations

import numpy as np
import pytest

from aceskit import testimage
from aceskit.convert import convert


@pytest.fixture(scope="module")
def img():
    return testimage.rgc_validation_image()


def test_size_type_and_determinism(img):
    assert img.shape == (1080, 1920, 3) and img.dtype == np.float32
    np.testing.assert_array_equal(img, testimage.rgc_validation_image())


def test_colorcheckers_at_five_exposures(img):
    charts = img[:, :324].reshape(-1, 3)
    for k in (-2, -1, 0, 1, 2):
        for patch in testimage.COLORCHECKER24_AP0:
            hit = np.all(np.isclose(charts, (patch * 2.0 ** k).astype(np.float32), rtol=1e-6), axis=-1)
            assert hit.sum() >= 100, (k, patch)


def test_sweeps_leave_ap1_in_every_direction(img):
    ap1 = convert(img[:, 324:1865].reshape(-1, 3), "ACES2065-1", "ACEScg")
    for c in range(3):
        assert (ap1[:, c] < 0).any()
    d = (ap1.max(-1, keepdims=True) - ap1) / np.abs(ap1.max(-1, keepdims=True))
    assert (d.max(0) > np.array([1.312] * 3)).all()  # beyond every RGC limit


def test_neutral_ramp_starts_negative_and_is_neutral(img):
    ramp = img[:, -10]
    assert ramp[0, 0] < 0 and ramp[-1, 0] > 100
    np.testing.assert_array_equal(ramp[:, 0], ramp[:, 1])
    assert np.all(np.diff(ramp[:, 0]) >= 0)


def test_small_sizes_and_bad_arguments():
    assert testimage.rgc_validation_image(64, 40).shape == (40, 64, 3)
    with pytest.raises(ValueError, match="at least 64 and 40"):
        testimage.rgc_validation_image(10, 10)
