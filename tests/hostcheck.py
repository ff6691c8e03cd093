"""Shared acceptance check for host artifacts (Nuke gizmos, Blender node groups, DCTLs).

A host runs in float32; the issue's bar is: every pixel within the implementation guide's
metric against the float64 reference, and, on pixels of magnitude up to 100, an error no larger
than twice PyOpenColorIO's own float32 error against that reference.
"""

from __future__ import annotations

import numpy as np

from aceskit import metric, rgc, testimage
from aceskit.convert import convert

#: The reference and three other parameter sets, all inside OpenColorIO's accepted ranges.
PARAM_SETS = (
    rgc.REFERENCE,
    rgc.RGCParams(limit=(1.2, 1.4, 1.1), threshold=(0.7, 0.9, 0.6), power=1.5),
    rgc.RGCParams(limit=(1.5, 1.3, 1.9), threshold=(0.5, 0.75, 0.8), power=1.0),
    rgc.RGCParams(limit=(1.35, 1.6, 1.25), threshold=(0.85, 0.6, 0.7), power=2.0),
)


def validation_pixels(width: int = 192, height: int = 108) -> np.ndarray:
    """AP0 pixels: a small validation image plus the edge cases (no NaN/Inf), shaped (n, 3)."""
    img = testimage.rgc_validation_image(width, height).reshape(-1, 3).astype(np.float64)
    return np.concatenate([img, testimage.edge_case_pixels()])


def ocio_rgc(rgb: np.ndarray, params: rgc.RGCParams, inverse: bool, space: str = "ACES2065-1") -> np.ndarray:
    """PyOpenColorIO on float32 values in ``space``: the studio config's conversion to ACEScg,
    the ACES_GAMUT_COMP_13 fixed function, and back."""
    import PyOpenColorIO as ocio
    direction = ocio.TRANSFORM_DIR_INVERSE if inverse else ocio.TRANSFORM_DIR_FORWARD
    group = ocio.GroupTransform()
    if space != "ACEScg":
        group.appendTransform(ocio.ColorSpaceTransform(space, "ACEScg"))
    group.appendTransform(ocio.FixedFunctionTransform(
        ocio.FIXED_FUNCTION_ACES_GAMUT_COMP_13, [*params.limit, *params.threshold, params.power], direction))
    if space != "ACEScg":
        group.appendTransform(ocio.ColorSpaceTransform("ACEScg", space))
    config = ocio.Config.CreateFromFile("ocio://studio-config-latest")
    cpu = config.getProcessor(group).getOptimizedCPUProcessor(ocio.OPTIMIZATION_LOSSLESS)
    out = np.ascontiguousarray(rgb, dtype=np.float32).copy()
    cpu.applyRGB(out)
    return out.astype(np.float64)


def assert_host_rgc(host_out, inputs, params: rgc.RGCParams, inverse: bool, space: str = "ACES2065-1"):
    """Assert the guide's metric and the 2x-OpenColorIO bound for a host's RGC output.

    ``inputs`` and ``host_out`` are (n, 3) values in ``space``; ``inputs`` finite.
    """
    inputs = np.asarray(inputs, dtype=np.float64)
    host = np.asarray(host_out, dtype=np.float64)
    aim = rgc.compress(inputs, params, inverse=inverse, space=space)
    # the guide's metric is defined on ACES2065-1 data
    check = metric.rangecheck(convert(aim, space, "ACES2065-1"), convert(host, space, "ACES2065-1"))
    assert check.ok, f"{space} {'inverse' if inverse else 'forward'} {params}: guide metric failed\n{check.report()}"
    # float32 accuracy versus OpenColorIO on the same float32 inputs, in the host's working space
    ocio_out = ocio_rgc(inputs, params, inverse, space)
    small = np.max(np.abs(convert(inputs, space, "ACEScg")), axis=-1) <= 100.0
    host_err = np.max(np.abs(host - aim)[small])
    ocio_err = np.max(np.abs(ocio_out - aim)[small])
    assert host_err <= 2.0 * ocio_err, (
        f"{space} {'inverse' if inverse else 'forward'} {params}: host error {host_err:.3g} exceeds twice "
        f"OpenColorIO's {ocio_err:.3g}")
    return host_err, ocio_err
