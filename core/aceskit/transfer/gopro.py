"""GoPro Protune Flat."""

from __future__ import annotations

import math
from functools import lru_cache

from .. import expr as E
from .base import Transfer, affine_native


@lru_cache(maxsize=None)
def protune() -> Transfer:
    """Protune Flat: V = ln(112·L + 1)/ln(113) (Cinematic Color §4.1.13)."""
    return Transfer("Protune Flat", lambda x: E.ln(x * 112.0 + 1.0) / math.log(113.0),
                    lambda v: (E.exp(v * math.log(113.0)) - 1.0) / 112.0,
                    source="GoPro Protune; Cinematic Color §4.1.13",
                    native=affine_native(base=113.0, log_slope=1.0, log_offset=0.0, lin_slope=112.0, lin_offset=1.0))
