"""The test harness itself: a render passes float values through unchanged (so later
differences come from the node groups, not from color management or packing)."""

import numpy as np


def test_identity_render_is_bit_exact(compositor):
    rng = np.random.default_rng(5)
    rgb = np.concatenate([rng.normal(0, 10, (997, 3)), [[0, 0, 0], [-1e-30, 1e30, 65504]]]).astype(np.float32)
    out = compositor.run(None, rgb)
    assert out.shape == rgb.shape
    np.testing.assert_array_equal(out, rgb)


def test_nonfinite_pass_through(compositor):
    rgb = np.array([[np.nan, 0.1, 0.2], [np.inf, -np.inf, 0.0], [1.0, 2.0, 3.0], [0.5, 0.5, 0.5]], np.float32)
    out = compositor.run(None, rgb)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(rgb))
    np.testing.assert_array_equal(out[~np.isnan(rgb)], rgb[~np.isnan(rgb)])
