"""RED Log3G10 and REDLogFilm."""

from __future__ import annotations

from functools import lru_cache

from .. import expr as E
from .base import Transfer, camera_native
from .film import cineon

# RED "REDWideGamutRGB and Log3G10" white paper (v3: offset with a linear toe)
LOG3G10_A, LOG3G10_B, LOG3G10_C, LOG3G10_G = 0.224282, 155.975327, 0.01, 15.1927


@lru_cache(maxsize=None)
def log3g10() -> Transfer:
    """Log3G10 (v3): a·log10((x + c)·b + 1) for x + c >= 0, (x + c)·g below; grey 0.18 -> 1/3."""
    a, b, c, g = LOG3G10_A, LOG3G10_B, LOG3G10_C, LOG3G10_G
    return Transfer(
        "Log3G10",
        lambda x: E.select(x + c >= 0.0, a * E.log10(E.maximum(x + c, 0.0) * b + 1.0), (x + c) * g),
        lambda y: E.select(y >= 0.0, (E.exp10(y / a) - 1.0) / b - c, y / g - c),
        source="RED REDWideGamutRGB and Log3G10 white paper (v3)",
        native=camera_native(base=10.0, log_slope=a, log_offset=0.0, lin_slope=b, lin_offset=b * c + 1.0,
                             lin_break=-c, linear_slope=g))


def redlogfilm() -> Transfer:
    """REDLogFilm is the Cineon printing-density curve (RED documentation)."""
    return cineon()
