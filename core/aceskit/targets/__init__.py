"""Backends that compile an op chain into something a host runs.

Pixel engines: ``native`` compiles a chain into one fused per-pixel kernel (numba) and is the
default; ``numpy`` is the reference and the fallback wherever numba cannot be imported (a DCC's
own Python, a minimal install).  :func:`run` picks one.  ``ctf`` writes OpenColorIO CTF files;
the host backends (Nuke, Blender, DCTL) live beside them.
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence, Tuple

import numpy as np

#: Pixel engines, the default first.
ENGINES = ("native", "numpy")
DEFAULT = ENGINES[0]


def run(chain: Sequence, rgb, *, engine: str = DEFAULT, workers: Optional[int] = None,
        env: Optional[Mapping[str, float]] = None, stats: Optional[dict] = None, dtype=None):
    """Apply ``chain`` to RGB values shaped (..., 3) with ``engine`` (see :func:`aceskit.targets.numpy.run`).

    ``native`` falls back to ``numpy`` silently where numba cannot be imported.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    from . import native, numpy
    backend = native if engine == "native" and native.available() else numpy
    return backend.run(chain, rgb, workers=workers, env=env, stats=stats, dtype=dtype)


def check_rgb(rgb, dtype=None) -> Tuple[np.ndarray, np.dtype]:
    """``(array, output dtype)`` for a backend's ``run``; one-sentence errors for bad input.

    The output dtype is ``dtype`` if given, else the input's float dtype (float64 for integers).
    """
    arr = np.asarray(rgb)
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise ValueError(f"RGB values must have shape (..., 3), got {arr.shape}")
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"RGB values must be numeric, got dtype {arr.dtype}")
    out = np.dtype(dtype) if dtype is not None else (arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float64))
    return arr, out
