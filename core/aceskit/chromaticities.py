"""Color spaces given by EXR ``chromaticities`` (rx, ry, gx, gy, bx, by, wx, wy).

Chromaticities within 0.001 of a registered linear space are that space; others make a custom
linear space: the SMPTE RP 177 normalised primary matrix of the primaries and white
(:func:`aceskit.colorimetry.npm`) and the registry's default chromatic adaptation (Bradford) to the
ACES white, so its conversions are plain :class:`aceskit.ops.Matrix` ops that every engine runs.
A custom space's name lists its numbers, so :func:`get` rebuilds it from the name alone.
"""

from __future__ import annotations

import re
from typing import Union

import numpy as np

from . import spaces

PREFIX = "custom chromaticities"
_NAME = re.compile(r"custom chromaticities \(R (\S+),(\S+) G (\S+),(\S+) B (\S+),(\S+) W (\S+),(\S+)\)")
EXAMPLE = "0.64,0.33,0.3,0.6,0.15,0.06,0.3127,0.329"


def space_for(chroma, tol: float = 0.001) -> spaces.ColorSpace:
    """The registered linear space within ``tol`` of ``chroma``, else a custom one named after the numbers."""
    try:
        c = [float(v) for v in np.asarray(chroma, dtype=np.float64).reshape(-1)]
    except (TypeError, ValueError):
        c = []
    if len(c) != 8 or not all(np.isfinite(c)):
        raise ValueError(f"chromaticities must be 8 finite numbers (rx,ry,gx,gy,bx,by,wx,wy), got {chroma!r}")
    found = spaces.find_by_chromaticities(c, tol=tol)
    if found is not None:
        return found
    nums = [f"{v:.10g}" for v in c]
    name = f"{PREFIX} (R {nums[0]},{nums[1]} G {nums[2]},{nums[3]} B {nums[4]},{nums[5]} W {nums[6]},{nums[7]})"
    primaries = ((c[0], c[1]), (c[2], c[3]), (c[4], c[5]))
    cs = spaces.ColorSpace(name, "Custom", primaries, (c[6], c[7]), None, "Bradford",
                           source="EXR chromaticities attribute")
    with np.errstate(all="ignore"):
        try:  # a zero y, or primaries on one line, give no (or a numerically meaningless) NPM
            ok = c[7] != 0 and all(y != 0 for _, y in primaries) and np.linalg.cond(cs.matrix_to_xyz) < 1e8 \
                and np.all(np.isfinite(cs.matrix_to_ap0))
        except np.linalg.LinAlgError:
            ok = False
    if not ok:
        raise ValueError(f"chromaticities {', '.join(nums)} do not define an RGB color space "
                         f"(a zero y or collinear primaries)")
    return cs


def get(name: Union[str, spaces.ColorSpace]) -> spaces.ColorSpace:
    """A registered space by name or alias, or a custom one by its ``custom chromaticities (…)`` name."""
    if isinstance(name, str):
        m = _NAME.fullmatch(" ".join(name.split()))
        if m:
            return space_for([float(v) for v in m.groups()])
    return spaces.get(name)


def parse(text: str) -> spaces.ColorSpace:
    """``"0.64,0.33,0.3,0.6,0.15,0.06,0.3127,0.329"`` (EXR order) -> its space (registered where it matches)."""
    try:
        values = [float(v) for v in str(text).replace(" ", ",").split(",") if v]
    except ValueError:
        values = []
    if len(values) != 8:
        raise ValueError(f"chromaticities must be 8 numbers rx,ry,gx,gy,bx,by,wx,wy (e.g. {EXAMPLE}), got {text!r}")
    return space_for(values)
