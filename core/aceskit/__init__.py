"""aceskit: ACES color pipeline tools for VFX and film.

The core needs only numpy: ``import aceskit`` works inside a host's Python.

    >>> import numpy as np, aceskit
    >>> aceskit.convert(np.array([0.18, 0.18, 0.18]), "ACES2065-1", "ACEScct").round(6)
    array([0.413588, 0.413588, 0.413588])
"""

from . import colorimetry, expr, ops, rgc, spaces, transfer
from .convert import convert, plan

__version__ = "0.1.0"
__all__ = ["convert", "plan", "spaces", "transfer", "rgc", "ops", "expr", "colorimetry", "__version__"]
