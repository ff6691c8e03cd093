"""Independent oracles shared by the tests: OpenColorIO processors and a pixel-scaled tolerance."""

from __future__ import annotations

import functools

import numpy as np


@functools.lru_cache(maxsize=None)
def ocio_config(name: str = "ocio://studio-config-latest"):
    import PyOpenColorIO as ocio
    return ocio.Config.CreateFromFile(name)


def ocio_apply(transform_or_pair, rgb, config: str = "ocio://studio-config-latest") -> np.ndarray:
    """Apply an OpenColorIO transform (or a (src, dst) color space pair) to float32 RGB (..., 3).

    Uses the lossless-optimised CPU processor: the default one trades accuracy for speed.
    """
    import PyOpenColorIO as ocio
    cfg = ocio_config(config)
    proc = (cfg.getProcessor(*transform_or_pair) if isinstance(transform_or_pair, tuple)
            else cfg.getProcessor(transform_or_pair))
    cpu = proc.getOptimizedCPUProcessor(ocio.OPTIMIZATION_LOSSLESS)
    out = np.ascontiguousarray(np.asarray(rgb, dtype=np.float32)).copy()
    cpu.applyRGB(out.reshape(-1, 3))
    return out


def assert_close(actual, expected, rel=2e-5, abs_=1e-6, scale="pixel", msg=""):
    """|actual − expected| <= rel·s + abs, where s is each pixel's largest |expected| component
    (``scale="pixel"``: float32 matrix rounding scales with the whole pixel) or the value itself."""
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    s = np.max(np.abs(e), axis=-1, keepdims=True) if scale == "pixel" else np.abs(e)
    err = np.abs(a - e) / (rel * s + abs_)
    worst = np.unravel_index(np.nanargmax(err), err.shape) if err.size else None
    assert np.all(np.isfinite(a) == np.isfinite(e)), f"{msg}: finiteness differs"
    assert np.nanmax(err, initial=0.0) <= 1.0, (
        f"{msg}: worst error {np.nanmax(err):.3g}x tolerance at {worst}: got {a[worst[:-1]]}, "
        f"expected {e[worst[:-1]]}")
