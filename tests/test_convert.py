"""convert(): shapes, dtypes, errors and plan structure."""

from __future__ import annotations

import numpy as np
import pytest

import aceskit
from aceskit import ops
from aceskit.convert import convert, plan


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_and_shape_preserved(dtype):
    x = np.full((4, 5, 3), 0.18, dtype=dtype)
    y = convert(x, "ACES2065-1", "ARRI LogC3 (EI800)")
    assert y.dtype == dtype and y.shape == x.shape
    np.testing.assert_allclose(y.astype(float), 0.39100683203408376, rtol=2e-3 if dtype == np.float16 else 1e-6)


def test_integers_come_back_as_float64_and_single_pixels_work():
    assert convert(np.array([0, 0, 0]), "ACEScg", "ACES2065-1").dtype == np.float64
    assert convert([0.18, 0.18, 0.18], "ACEScg", "ACEScct").shape == (3,)


def test_plans_merge_matrices_and_identity_is_empty():
    assert plan("ACEScg", "ACEScg") == ()
    p = plan("ARRI LogC3 (EI800)", "ACEScct")
    assert [type(o).__name__ for o in p] == ["Curve", "Matrix", "Curve"]
    assert [type(o).__name__ for o in plan("ACEScct", "ACEScg")] == ["Curve"]
    assert "Matrix" in ops.describe(p)


def test_empty_arrays_and_bad_input():
    assert convert(np.zeros((0, 3)), "ACEScg", "ACEScct").shape == (0, 3)
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 3\)"):
        convert(np.zeros((4, 4)), "ACEScg", "ACEScct")
    with pytest.raises(TypeError, match="numeric"):
        convert(np.array([["a", "b", "c"]]), "ACEScg", "ACEScct")
    with pytest.raises(KeyError, match="unknown color space"):
        convert(np.zeros(3), "ACEScg", "nope")


def test_threads_give_identical_results():
    x = np.random.default_rng(0).uniform(-0.1, 4, (300_000, 3)).astype(np.float32)
    a = convert(x, "ACES2065-1", "ACEScct", workers=1)
    b = convert(x, "ACES2065-1", "ACEScct", workers=4)
    np.testing.assert_array_equal(a, b)


def test_import_needs_numpy_only():
    import subprocess
    import sys
    code = ("import sys; import aceskit, aceskit.rgc, aceskit.convert, aceskit.targets.numpy; "
            "bad = [m for m in ('PyOpenColorIO', 'OpenEXR', 'colour', 'bpy', 'numba') if m in sys.modules]; "
            "sys.exit(1 if bad else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
    assert aceskit.__version__
