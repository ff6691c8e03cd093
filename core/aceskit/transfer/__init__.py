"""Transfer functions (encodings), one module per family.

Each factory returns a :class:`Transfer` whose ``encode`` maps linear light to
the encoded signal and ``decode`` the reverse.  The formulas are written once
as expression graphs (:mod:`aceskit.expr`), evaluated in float64 by numpy and
compiled by every host backend.  Parameters (BT.1886 Lw/Lb, HLG Lw/Lb, LogC3
exposure index, Canon formula version, ACESproxy bit depth, legal range) are
arguments of the factories.

A display transfer's linear side follows OpenColorIO's display-referred
convention: 1.0 is 100 cd/m² (so PQ's 10 000 cd/m² is 100.0).
"""

from __future__ import annotations

from .base import Transfer, PixelTransfer, legal_range, log_camera
from .itu import (bt709_oetf, bt2020_oetf, bt1886, gamma, moncurve, srgb, pq, hlg_oetf, hlg_display, dcdm)
from .aces import acescc, acescct, acesproxy
from .arri import logc3, logc3_parameters, logc4
from .sony import slog2, slog3
from .canon import canon_log, canon_log2, canon_log3
from .panasonic import vlog
from .red import log3g10, redlogfilm
from .blackmagic import bmdfilm_gen5, davinci_intermediate
from .gopro import protune
from .film import cineon, ploglin
from .apple import apple_log
from .dji import dlog

__all__ = [
    "Transfer", "PixelTransfer", "legal_range", "log_camera",
    "bt709_oetf", "bt2020_oetf", "bt1886", "gamma", "moncurve", "srgb", "pq", "hlg_oetf", "hlg_display", "dcdm",
    "acescc", "acescct", "acesproxy", "logc3", "logc3_parameters", "logc4", "slog2", "slog3",
    "canon_log", "canon_log2", "canon_log3", "vlog", "log3g10", "redlogfilm",
    "bmdfilm_gen5", "davinci_intermediate", "protune", "cineon", "ploglin", "apple_log", "dlog",
]
