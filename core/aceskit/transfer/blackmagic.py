"""Blackmagic Film Generation 5 and DaVinci Intermediate."""

from __future__ import annotations

import math
from functools import lru_cache

from .. import expr as E
from .base import Transfer, camera_native

# Blackmagic "Generation 5 Color Science" (2021)
GEN5_A, GEN5_B, GEN5_C = 0.08692876065491224, 0.005494072432257808, 0.5300133392291939
GEN5_D, GEN5_E, GEN5_LIN_CUT = 8.283605932402494, 0.09246575342465753, 0.005
GEN5_LOG_CUT = GEN5_D * GEN5_LIN_CUT + GEN5_E


@lru_cache(maxsize=None)
def bmdfilm_gen5() -> Transfer:
    """Blackmagic Film Gen 5: D·x + E below 0.005, A·ln(x + B) + C above."""
    return Transfer(
        "BMDFilm Gen5",
        lambda x: E.select(x < GEN5_LIN_CUT, GEN5_D * x + GEN5_E,
                           GEN5_A * E.ln(E.maximum(x, GEN5_LIN_CUT) + GEN5_B) + GEN5_C),
        lambda v: E.select(v < GEN5_LOG_CUT, (v - GEN5_E) / GEN5_D, E.exp((v - GEN5_C) / GEN5_A) - GEN5_B),
        source="Blackmagic Design, Generation 5 Color Science (2021)",
        native=camera_native(base=math.e, log_slope=GEN5_A, log_offset=GEN5_C, lin_offset=GEN5_B,
                             lin_break=GEN5_LIN_CUT, linear_slope=GEN5_D))


# Blackmagic "DaVinci Resolve 17 Wide Gamut Intermediate" (2020)
DI_A, DI_B, DI_C, DI_M = 0.0075, 7.0, 0.07329248, 10.44426855
DI_LIN_CUT, DI_LOG_CUT = 0.00262409, 0.02740668


@lru_cache(maxsize=None)
def davinci_intermediate() -> Transfer:
    """DaVinci Intermediate: M·L below 0.00262409, C·(log2(L + A) + B) above."""
    return Transfer(
        "DaVinci Intermediate",
        lambda x: E.select(x <= DI_LIN_CUT, DI_M * x, DI_C * (E.log2(E.maximum(x, DI_LIN_CUT) + DI_A) + DI_B)),
        lambda v: E.select(v <= DI_LOG_CUT, v / DI_M, E.exp2(v / DI_C - DI_B) - DI_A),
        source="Blackmagic Design, DaVinci Wide Gamut Intermediate (2020)",
        native=camera_native(base=2.0, log_slope=DI_C, log_offset=DI_C * DI_B, lin_offset=DI_A, lin_break=DI_LIN_CUT,
                             linear_slope=DI_M))
