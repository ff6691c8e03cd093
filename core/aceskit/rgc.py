"""ACES Reference Gamut Compression (ACES 1.3 LMT; unchanged in ACES 2.0): the public API.

The formulas, parameters and op chain live in :mod:`aceskit.gamut` and are re-exported here;
:func:`compress` runs the chain on pixels with the chosen engine (:mod:`aceskit.targets`).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from . import expr as E, targets
from .gamut import (ACES_USER_NAME, LIMIT, POWER, REFERENCE, SPACES, THRESHOLD, TRANSFORM_ID_ACES13,
                    TRANSFORM_ID_ACES20, TRANSFORM_ID_GUIDE, TRANSFORM_IDS, UI, UI_BY_NAME, UI_PARAMS, RGCParams,
                    UIParam, chain, expressions, operator, scale)

__all__ = ["ACES_USER_NAME", "LIMIT", "POWER", "REFERENCE", "SPACES", "THRESHOLD", "TRANSFORM_ID_ACES13",
           "TRANSFORM_ID_ACES20", "TRANSFORM_ID_GUIDE", "TRANSFORM_IDS", "UI", "UI_BY_NAME", "UI_PARAMS", "RGCParams",
           "UIParam", "chain", "expressions", "operator", "scale", "compress", "classify"]


def compress(rgb, params: Optional[RGCParams] = None, *, inverse: bool = False, space: str = "ACES2065-1",
             workers: Optional[int] = None, engine: str = targets.DEFAULT):
    """Apply the ACES RGC (``params=None``: the reference) to RGB values of shape (..., 3).

    ``space`` is ``ACES2065-1`` (the LMT's own space), ``ACEScg`` or ``ACEScct``.  Float dtype is
    preserved; computation is float64.  NaN stays in its pixel; pixels whose distances are all
    below the thresholds are returned bit-exact.  ``workers`` threads split large arrays.
    ``engine``: ``native`` (default; the numpy reference where numba is missing) or ``numpy``.
    """
    if params is not None and not isinstance(params, RGCParams):
        raise TypeError(f"params must be an RGCParams or None, got {type(params).__name__}")
    return targets.run(chain(params, inverse=inverse, space=space), rgb, workers=workers, engine=engine)


def classify(rgb_ap1, params: Optional[RGCParams] = None) -> np.ndarray:
    """Per pixel and channel: 0 inside the zone of trust, 1 compressed (t <= d <= l), 2 beyond the limit."""
    p = params or REFERENCE
    a = np.asarray(rgb_ap1, dtype=np.float64)
    _, dist = expressions(p, False)
    d = np.stack([np.broadcast_to(x, a.shape[:-1]) for x in
                  E.evaluate(list(dist), {"r": a[..., 0], "g": a[..., 1], "b": a[..., 2]})], axis=-1)
    out = np.zeros(d.shape, dtype=np.uint8)
    out[d >= np.array(p.threshold)] = 1
    out[d > np.array(p.limit)] = 2
    return out
