"""Color space conversion plans: ``src -> dst`` as an op chain (:func:`aceskit.convert` runs one).

Every plan goes through ACES2065-1, as OpenColorIO's ACES configs do: decode
the source, its linear gamut to AP0 (with the source's CAT), AP0 to the
destination gamut (with the destination's CAT), encode.  Adjacent matrices
are merged, so a plan has at most one matrix between two curves.
"""

from __future__ import annotations

from typing import Union

from . import ops, spaces
from .spaces import ColorSpace

SpaceLike = Union[str, ColorSpace]


def _codec(space: ColorSpace, direction: str) -> list:
    tr = space.transfer
    if tr is None:
        return []
    label = f"{space.name} {direction}"
    if tr.per_channel:
        return [ops.Curve(tr.expr(direction), label, tr, direction)]
    return [ops.PixelExpr(tr.expr(direction), label, tr, direction)]


def plan(src: SpaceLike, dst: SpaceLike) -> tuple:
    """The op chain converting ``src`` values to ``dst`` values.

    Spaces marked ``clamp_ap0`` clamp ACES2065-1 to >= 0 before encoding (ACEScc, ACESproxy: the
    reference CTL) and, for ACEScc, after decoding too (as OpenColorIO's ACEScc builtin does).
    """
    s, d = spaces.get(src), spaces.get(dst)
    if s is d:
        return ()
    chain = _codec(s, "decode")
    chain.append(ops.Matrix(s.matrix_to_ap0, f"{s.name} to ACES2065-1"))
    if s.clamp_ap0 == "both" or d.clamp_ap0:
        chain.append(ops.clamp_negative("clamp ACES2065-1 to >= 0 (reference CTL)"))
    chain.append(ops.Matrix(d.matrix_to_ap0).inverse())
    chain[-1] = ops.Matrix(chain[-1].m, f"ACES2065-1 to {d.name}")
    chain += _codec(d, "encode")
    return ops.optimize(chain)
