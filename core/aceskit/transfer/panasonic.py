"""Panasonic V-Log."""

from __future__ import annotations

from functools import lru_cache

from .. import expr as E
from .base import Transfer, camera_native

# Panasonic "V-Log/V-Gamut Reference Manual" (2014)
VLOG_CUT1, VLOG_CUT2, VLOG_B, VLOG_C, VLOG_D = 0.01, 0.181, 0.00873, 0.241514, 0.598206


@lru_cache(maxsize=None)
def vlog() -> Transfer:
    """V-Log: 5.6·L + 0.125 below 0.01, c·log10(L + b) + d above (reflectance in, CV/1023 out)."""
    return Transfer(
        "V-Log",
        lambda x: E.select(x < VLOG_CUT1, 5.6 * x + 0.125,
                           VLOG_C * E.log10(E.maximum(x, VLOG_CUT1) + VLOG_B) + VLOG_D),
        lambda v: E.select(v < VLOG_CUT2, (v - 0.125) / 5.6, E.exp10((v - VLOG_D) / VLOG_C) - VLOG_B),
        source="Panasonic V-Log/V-Gamut Reference Manual (2014)",
        native=camera_native(base=10.0, log_slope=VLOG_C, log_offset=VLOG_D, lin_offset=VLOG_B, lin_break=VLOG_CUT1,
                             linear_slope=5.6))
