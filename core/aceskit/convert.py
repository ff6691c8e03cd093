"""Color space conversion: :func:`convert` runs the plan ``src -> dst`` (:mod:`aceskit.plans`) on pixels."""

from __future__ import annotations

from typing import Optional

from . import targets
from .plans import SpaceLike, plan  # noqa: F401  (re-exported)


def convert(rgb, src: SpaceLike, dst: SpaceLike, *, workers: Optional[int] = None, engine: str = targets.DEFAULT):
    """Convert RGB values of shape (..., 3) from ``src`` to ``dst`` (names, aliases or ColorSpace records).

    Float16/32/64 in gives the same dtype out; computation is float64.  A conversion from a
    scene-referred to a display-referred space is colorimetric: no tone mapping is applied
    (use an ACES output transform, e.g. ``aceskit preview``, to view scene-referred images).
    ``engine``: ``native`` (default; the numpy reference where numba is missing) or ``numpy``.
    """
    return targets.run(plan(src, dst), rgb, workers=workers, engine=engine)
