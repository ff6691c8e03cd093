"""DJI D-Log."""

from __future__ import annotations

from functools import lru_cache

from .base import Transfer, camera_native, log_camera, log_camera_inverse

# DJI "D-Log and D-Gamut" white paper decode: x = (10^(3.89616·y − 2.27752) − 0.0108)/0.9892.
# The toe is OpenColorIO's C¹ linear segment below lin 0.00758078675 (its D-Log definition).
DLOG = dict(base=10.0, log_slope=1.0 / 3.89616, log_offset=2.27752 / 3.89616,
            lin_slope=0.9892, lin_offset=0.0108, lin_break=0.00758078675)


@lru_cache(maxsize=None)
def dlog() -> Transfer:
    """DJI D-Log: log10 curve from DJI's white paper with a C¹ linear toe."""
    return Transfer("D-Log", lambda x: log_camera(x, **DLOG), lambda v: log_camera_inverse(v, **DLOG),
                    source="DJI D-Log/D-Gamut white paper; toe as in OpenColorIO", native=camera_native(**DLOG))
