"""Film printing-density log encodings: Cineon and Josh Pines' pivoted log (PLogLin)."""

from __future__ import annotations

import math
from functools import lru_cache

from .. import expr as E
from .base import Transfer, affine_native


@lru_cache(maxsize=None)
def cineon(ref_white: float = 685.0, ref_black: float = 95.0, neg_gamma: float = 0.6,
           density_per_cv: float = 0.002) -> Transfer:
    """Cineon log to linear (Kodak; Cinematic Color §4.1.22): CV 95 -> 0, CV 685 -> 1, 300 CV per decade."""
    step = density_per_cv / neg_gamma
    beta = 10.0 ** ((ref_black - ref_white) * step)
    return Transfer(
        "Cineon",
        lambda x: (ref_white + E.log10(E.maximum(x * (1.0 - beta) + beta, 1e-30)) / step) / 1023.0,
        lambda v: (E.exp10((v * 1023.0 - ref_white) * step) - beta) / (1.0 - beta),
        source="Kodak Cineon; Cinematic Color §4.1.22",
        params=(("ref_white", ref_white), ("ref_black", ref_black), ("neg_gamma", neg_gamma)),
        native=affine_native(base=10.0, log_slope=1.0 / (step * 1023.0), log_offset=ref_white / 1023.0,
                             lin_slope=1.0 - beta, lin_offset=beta))


@lru_cache(maxsize=None)
def ploglin(pivot_cv: float = 445.0, pivot_linear: float = 0.18, neg_gamma: float = 0.6,
            density_per_cv: float = 0.002) -> Transfer:
    """Pivoted log (Josh Pines): CV 445 <-> 0.18, 0.002 density per code value, negative gamma 0.6."""
    step = density_per_cv / neg_gamma
    return Transfer(
        "PLogLin",
        lambda x: (pivot_cv + E.log10(E.maximum(x, 1e-10) / pivot_linear) / step) / 1023.0,
        lambda v: pivot_linear * E.exp10((v * 1023.0 - pivot_cv) * step),
        source="Josh Pines, pivoted log/lin (Nuke PLogLin)",
        params=(("pivot_cv", pivot_cv), ("pivot_linear", pivot_linear)),
        native=affine_native(base=10.0, log_slope=1.0 / (step * 1023.0),
                             log_offset=(pivot_cv - math.log10(pivot_linear) / step) / 1023.0, lin_slope=1.0,
                             lin_offset=0.0))
