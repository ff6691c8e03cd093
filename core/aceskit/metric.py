"""The ACES RGC implementation guide's Appendix A comparison metric.

Per channel, |actual − aim| / max(|aim|, floor) <= tol: a relative tolerance of one part in
500 above 0.1 and an absolute tolerance of 0.0002 below it, on ACES2065-1 data.  Counting
follows ``oiiotool --rangecheck``: a pixel is "below" if any channel's error is below 0,
"above" if any channel's error is above ``tol``, otherwise "within".  A NaN in actual where
aim is not NaN (or the reverse) counts as above; NaN in both counts as within.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class RangeCheck(NamedTuple):
    below: int
    above: int
    within: int

    @property
    def ok(self) -> bool:
        return self.below == 0 and self.above == 0

    def report(self, tol: float = 0.002) -> str:
        """The three lines ``oiiotool --rangecheck`` prints."""
        return (f"{self.below:8d}  < 0,0,0\n{self.above:8d}  > {tol:g},{tol:g},{tol:g}\n"
                f"{self.within:8d}  within range")


def relative_error(aim, actual, floor: float = 0.1) -> np.ndarray:
    aim = np.asarray(aim, dtype=np.float64)[..., :3]
    actual = np.asarray(actual, dtype=np.float64)[..., :3]
    if aim.shape != actual.shape:
        raise ValueError(f"aim and actual must have the same shape, got {aim.shape} and {actual.shape}")
    with np.errstate(invalid="ignore"):
        err = np.abs(actual - aim) / np.maximum(np.abs(aim), floor)
    both_nan = np.isnan(aim) & np.isnan(actual)
    same_inf = np.isinf(aim) & (aim == actual)
    err = np.where(both_nan | same_inf, 0.0, err)
    return np.where(np.isnan(err), np.inf, err)


def rangecheck(aim, actual, tol: float = 0.002, floor: float = 0.1) -> RangeCheck:
    """Counts (below, above, within) of pixels under the guide's metric; channels beyond RGB are ignored."""
    err = relative_error(aim, actual, floor)
    err = err.reshape(-1, err.shape[-1]) if err.ndim > 1 else err.reshape(1, -1)
    below = np.any(err < 0.0, axis=-1)
    above = np.any(err > tol, axis=-1) & ~below
    n = err.shape[0]
    return RangeCheck(int(below.sum()), int(above.sum()), int(n - below.sum() - above.sum()))
