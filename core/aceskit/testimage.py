"""Synthetic test images, built as the ACES RGC implementation guide describes its validation image.

The official ``gc_test_image_v007.exr`` comes from an unpublished notebook; this is an
independent image with the same layout and purpose: ColorChecker charts at five
exposures (which the RGC must leave untouched), hue/saturation sweeps that leave AP1
in every direction, and a logarithmic neutral ramp that starts below zero.
"""

from __future__ import annotations

import numpy as np

from . import colorimetry as C

#: ColorChecker Classic 24 (X-Rite, post-November 2014 formulation) in ACES2065-1: the published
#: xyY under D50, Bradford-adapted to the ACES white.  Row-major chart order, dark skin first.
COLORCHECKER24_AP0 = np.array([
    (0.115911, 0.084788, 0.057861), (0.389772, 0.296310, 0.224409), (0.176512, 0.194854, 0.309354),
    (0.113244, 0.137035, 0.062939), (0.256988, 0.234457, 0.399057), (0.317962, 0.462907, 0.416661),
    (0.410644, 0.234229, 0.061619), (0.133360, 0.125103, 0.349996), (0.297279, 0.126533, 0.118539),
    (0.088584, 0.057327, 0.126897), (0.344339, 0.438564, 0.098399), (0.479683, 0.362286, 0.071231),
    (0.077820, 0.068045, 0.253111), (0.143007, 0.247646, 0.086921), (0.217290, 0.073560, 0.047188),
    (0.590855, 0.543196, 0.082866), (0.310766, 0.138154, 0.269783), (0.137092, 0.222637, 0.353780),
    (0.873618, 0.879554, 0.840643), (0.587441, 0.590692, 0.585294), (0.362637, 0.366033, 0.365309),
    (0.190343, 0.190681, 0.189922), (0.087693, 0.088581, 0.089610), (0.031581, 0.031561, 0.032211),
])

#: Exposure of each of the five bands, in stops relative to the chart as measured.
BAND_STOPS = (-2, -1, 0, 1, 2)
#: Largest saturation factor of the sweeps: 1 is the AP1 boundary, the RGC limits are 1.147–1.312.
MAX_SATURATION = 2.5


def _hue_colors(n: int) -> np.ndarray:
    """n fully saturated AP1 colors (max 1, min 0) around the hue circle, red first."""
    h = np.linspace(0.0, 6.0, n, endpoint=False)[:, None]
    k = (np.array([0.0, 4.0, 2.0]) + h) % 6.0  # HSV to RGB with S = V = 1
    return 1.0 - np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)


def rgc_validation_image(width: int = 1920, height: int = 1080) -> np.ndarray:
    """An ACES2065-1 float32 image (height, width, 3) for validating the RGC.

    Left: five ColorChecker 24 charts, +1 stop each from top to bottom.  Middle: five
    bands at the same exposures, hue varying down each band and saturation from neutral
    (left) to 2.5× the AP1 boundary (right), i.e. negative AP1 components of every hue.
    Right: a neutral ramp from −0.02 through 2^-14 up to 2^7, logarithmic below the top third.
    """
    if not (isinstance(width, int) and isinstance(height, int)) or width < 64 or height < 40:
        raise ValueError(f"width and height must be integers of at least 64 and 40, got {width!r}, {height!r}")
    img = np.zeros((height, width, 3), dtype=np.float64)
    ap1_to_ap0 = C.rgb_to_rgb(C.PRIMARIES["AP1"], C.WHITES["ACES"], C.PRIMARIES["AP0"], C.WHITES["ACES"], None)
    charts_w = round(width * 324 / 1920)
    ramp_w = max(2, round(width * 55 / 1920))
    sweep_w = width - charts_w - ramp_w
    bands = np.linspace(0, height, 6).round().astype(int)

    for i, stops in enumerate(BAND_STOPS):
        y0, y1 = bands[i], bands[i + 1]
        gain = 2.0 ** stops
        # charts: 6 x 4 patches, each cell 54/50 of a patch (a black gap), inset by a small margin
        cell_w, cell_h = (charts_w - 2) / 6.0, (y1 - y0 - 2) / 4.0
        patch_w, patch_h = max(1, int(cell_w * 50 / 54)), max(1, int(cell_h * 50 / 54))
        for p, rgb in enumerate(COLORCHECKER24_AP0):
            row, col = divmod(p, 6)
            px0, py0 = int(2 + col * cell_w), int(y0 + 2 + row * cell_h)
            img[py0:py0 + patch_h, px0:px0 + patch_w] = rgb * gain
        # sweeps, built in AP1 then stored as AP0
        hues = _hue_colors(y1 - y0)                       # (rows, 3)
        sat = np.linspace(0.0, MAX_SATURATION, sweep_w)   # (cols,)
        grey = 0.18 * gain
        ap1 = grey * (1.0 - sat[None, :, None] + sat[None, :, None] * hues[:, None, :])
        img[y0:y1, charts_w:charts_w + sweep_w] = ap1 @ ap1_to_ap0.T

    # neutral ramp: linear from -0.02 to 2^-14 over the top third, then log2 up to 2^7
    t = np.linspace(0.0, 1.0, height)
    lin_part = t < 1.0 / 3.0
    ramp = np.where(lin_part, -0.02 + (2.0 ** -14 + 0.02) * t * 3.0,
                    2.0 ** (-14.0 + 21.0 * (t - 1.0 / 3.0) * 1.5))
    img[:, width - ramp_w:] = ramp[:, None, None]
    return img.astype(np.float32)


def edge_case_pixels() -> np.ndarray:
    """AP0 pixels that break naive RGC implementations: all-negative, achromatic exactly 0,
    beyond the limits, huge, tiny, half-float extremes and signed zeros.  NaN/Inf are not included
    (see :func:`nonfinite_pixels`)."""
    ap1_to_ap0 = C.rgb_to_rgb(C.PRIMARIES["AP1"], C.WHITES["ACES"], C.PRIMARIES["AP0"], C.WHITES["ACES"], None)
    ap1 = np.array([
        [-0.1, -0.2, -0.3], [-1.0, -0.5, -2.0], [0.0, -0.1, -0.2], [0.0, 0.0, 0.0], [0.0, -0.0, 0.0],
        [1.0, -1.0, -1.0], [0.2, 1.0, -0.1], [-0.1, 0.2, 1.0], [1.0, -0.05, 0.3], [0.5, 0.05, 0.2],
        [100.0, -50.0, 10.0], [100.0, 0.01, 0.02], [65504.0, 0.0, 1.0], [1e-6, -1e-6, 5e-7],
        [0.18, 0.18, 0.18], [1.0, 0.8, 0.9], [1e-30, -1e-30, 0.0], [3.0, 2.9, -0.4],
    ])
    return ap1 @ ap1_to_ap0.T


def nonfinite_pixels() -> np.ndarray:
    """Pixels with NaN and ±Inf components (AP0)."""
    nan, inf = np.nan, np.inf
    return np.array([[nan, 0.1, 0.2], [nan, nan, nan], [inf, 0.1, 0.2], [-inf, 0.5, 0.5], [inf, inf, inf]])
