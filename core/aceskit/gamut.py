"""ACES Reference Gamut Compression (ACES 1.3 LMT; unchanged in ACES 2.0): the formulas and the op chain.

The algorithm of ``LMT.Academy.GamutCompress.ctl`` (aces-dev v1.3) and the RGC
specification, per pixel on AP1-linear values:

1. achromatic A = max(R, G, B);
2. distance d = (A − c)/|A| per channel (all zero when A is exactly 0);
3. below the threshold t a distance is kept; at or above it
   d' = t + s·n/(1 + n^p)^(1/p), n = (d − t)/s, with s chosen so that the limit l maps to 1;
4. c' = A − d'·|A|.

The inverse uses d' = t + s·(n^p/(1 − n^p))^(1/p) for t <= d < t + s and passes
other distances through.  Where implementations disagree aceskit follows the
CTL and OpenColorIO's CPU renderer: a pixel with A == 0 becomes (0, 0, 0) (the
OpenColorIO GPU shader leaves it unchanged), and the inverse passes d = t + s
through (the CTL divides by zero there).  A channel below the threshold is
returned as it came in, not rebuilt, exactly as OpenColorIO's CPU path does.

:mod:`aceskit.rgc` is the public face of this module (and runs it on pixels).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Optional, Sequence, Tuple

from . import expr as E, ops
from .expr import Expr
from .plans import plan

#: ACES 1.3 reference values (LMT.Academy.GamutCompress.ctl): cyan, magenta, yellow.
LIMIT = (1.147, 1.264, 1.312)
THRESHOLD = (0.815, 0.803, 0.880)
POWER = 1.2

ACES_USER_NAME = "ACES 1.3 Look - Reference Gamut Compress"
#: Transform IDs: written for ACES 1.3 pipelines (validates against the AMF XSD), for ACES 2.0,
#: and the implementation guide's ID, accepted on read only (it fails the AMF schema).
TRANSFORM_ID_ACES13 = "urn:ampas:aces:transformId:v1.5:LMT.Academy.GamutCompress.a1.3.0"
TRANSFORM_ID_ACES20 = "urn:ampas:aces:transformId:v2.0:Look.Academy.ReferenceGamutCompress.a2.v1"
TRANSFORM_ID_GUIDE = "urn:ampas:aces:transformId:v1.5:LMT.Academy.ReferenceGamutCompress.a1.v1.0"
TRANSFORM_IDS = (TRANSFORM_ID_ACES13, TRANSFORM_ID_ACES20, TRANSFORM_ID_GUIDE)
#: Color spaces the RGC may be applied in (converted to AP1 linear internally).
SPACES = ("ACES2065-1", "ACEScg", "ACEScct")
#: Pass as ``params`` to :func:`chain` to leave the parameters as host-UI variables.
UI = "ui"


class UIParam(NamedTuple):
    """One control of the parametric RGC, as the implementation guide §9 recommends."""

    name: str       # identifier used by hosts and expressions
    label: str      # the UI label
    default: float
    min: float
    max: float
    group: str      # "Limit", "Threshold" or "Roll-off"


_CMY = (("c", "Cyan"), ("m", "Magenta"), ("y", "Yellow"))
UI_PARAMS: Tuple[UIParam, ...] = (
    tuple(UIParam(f"limit_{k}", f"Limit {w}", LIMIT[i], 1.001, 2.0, "Limit") for i, (k, w) in enumerate(_CMY))
    + tuple(UIParam(f"threshold_{k}", f"Threshold {w}", THRESHOLD[i], 0.0, 1.0, "Threshold")
            for i, (k, w) in enumerate(_CMY))
    + (UIParam("power", "Roll-off", POWER, 0.5, 2.0, "Roll-off"),)
)
UI_BY_NAME = {p.name: p for p in UI_PARAMS}


def _check(name: str, value: float) -> float:
    p = UI_BY_NAME[name]
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{p.label} must be a number, got {value!r}") from None
    if not (p.min <= v <= p.max):
        raise ValueError(f"{p.label} must be within {p.min:g}..{p.max:g}, got {v:g}")
    return v


@dataclass(frozen=True)
class RGCParams:
    """Parameters of the (parametric) gamut compression; the defaults are the ACES reference."""

    limit: Tuple[float, float, float] = LIMIT
    threshold: Tuple[float, float, float] = THRESHOLD
    power: float = POWER

    def __post_init__(self):
        for attr in ("limit", "threshold"):
            seq = getattr(self, attr)
            if isinstance(seq, (str, bytes)) or len(seq) != 3:
                raise ValueError(f"{attr} must have three values (cyan, magenta, yellow), got {seq!r}")
            vals = tuple(_check(f"{attr}_{k}", v) for (k, _), v in zip(_CMY, seq))
            object.__setattr__(self, attr, vals)
        object.__setattr__(self, "power", _check("power", self.power))

    @property
    def is_reference(self) -> bool:
        return self == REFERENCE

    def values(self) -> dict[str, float]:
        """Values keyed by ``UI_PARAMS`` names."""
        return dict(zip((p.name for p in UI_PARAMS), (*self.limit, *self.threshold, self.power)))

    @classmethod
    def from_values(cls, values: dict) -> "RGCParams":
        unknown = set(values) - set(UI_BY_NAME)
        if unknown:
            raise ValueError(f"unknown RGC parameters {sorted(unknown)}; expected {[p.name for p in UI_PARAMS]}")
        v = {p.name: values.get(p.name, p.default) for p in UI_PARAMS}
        return cls(tuple(v[f"limit_{k}"] for k, _ in _CMY), tuple(v[f"threshold_{k}"] for k, _ in _CMY), v["power"])


REFERENCE = RGCParams()


def scale(limit, threshold, power):
    """s such that the compression curve maps ``limit`` to 1 (0 when threshold = 1: a hard clip)."""
    return (limit - threshold) / ((((1.0 - threshold) / (limit - threshold)) ** (-power)) - 1.0) ** (1.0 / power)


def _compress(d: Expr, t, s, p, inverse) -> Expr:
    """The distance curve for d >= t (callers keep d < t unchanged)."""
    n = (d - t) / s
    # t + s·n/(1 + n^p)^(1/p), written so that n = inf (a huge distance) gives t + s, not inf/inf
    fwd = t + s / (n ** (-p) + 1.0) ** (1.0 / p)
    np_ = n ** p
    inv = t + s * (np_ / (1.0 - np_)) ** (1.0 / p)
    # s == 0 (threshold 1): forward clips to the boundary, the inverse has nothing to undo.
    fwd = E.select(s > 0.0, fwd, t)
    if inverse is None:
        return E.select(E.var("invert") > 0.5, inv, fwd)
    return inv if inverse else fwd


def _zone(d: Expr, t, s, inverse) -> Expr:
    """True where a distance is left untouched."""
    below = d < t
    beyond = E.logical_or(below, E.logical_or(d >= t + s, s <= 0.0))
    if inverse is None:
        return E.select(E.var("invert") > 0.5, beyond, below)
    return beyond if inverse else below


def expressions(params: Optional[RGCParams] = None, inverse: Optional[bool] = False,
                rgb: Sequence[Expr] | None = None):
    """The RGC as expression graphs over AP1-linear ``r``, ``g``, ``b``.

    ``params=None`` leaves the parameters as variables named as in :data:`UI_PARAMS`;
    ``inverse=None`` makes the direction a runtime ``invert`` variable.
    Returns ``(outputs, distances)``.
    """
    if params is None:
        lim = [E.var(f"limit_{k}") for k, _ in _CMY]
        thr = [E.var(f"threshold_{k}") for k, _ in _CMY]
        pw: Expr | float = E.var("power")
    else:
        lim, thr, pw = list(params.limit), list(params.threshold), params.power
    r, g, b = rgb if rgb is not None else (E.var("r"), E.var("g"), E.var("b"))
    ach = E.maximum(r, E.maximum(g, b))
    mag = E.fabs(ach)
    is_zero = E.eq(ach, 0.0)
    outputs, distances = [], []
    for c, l, t in zip((r, g, b), lim, thr):
        t = E.lift(t)
        s = scale(l, t, pw)
        d = E.select(is_zero, 0.0, (ach - c) / mag)
        rebuilt = ach - _compress(d, t, s, pw, inverse) * mag
        outputs.append(E.select(is_zero, 0.0, E.select(_zone(d, t, s, inverse), c, rebuilt)))
        distances.append(d)
    return tuple(outputs), tuple(distances)


@lru_cache(maxsize=64)
def operator(params: Optional[RGCParams] = REFERENCE, inverse: Optional[bool] = False) -> ops.GamutCompress:
    """The compression as an op (``params=None``: host-UI variables; ``inverse=None``: runtime direction)."""
    outputs, _ = expressions(params, inverse)
    return ops.GamutCompress(outputs, params, inverse)


def chain(params=None, *, inverse: Optional[bool] = False, space: str = "ACES2065-1") -> tuple:
    """The op chain that applies the RGC to values in ``space``.

    ``params``: None (the reference), an :class:`RGCParams`, or :data:`UI` to leave the parameters
    as variables for a host's controls; ``inverse=None`` makes the direction a variable too.
    """
    if space not in SPACES:
        raise ValueError(f"space must be one of {SPACES}, got {space!r}")
    if params is not None and params != UI and not isinstance(params, RGCParams):
        raise TypeError(f"params must be an RGCParams, {UI!r} or None, got {type(params).__name__}")
    gc = operator(None if params == UI else params or REFERENCE, inverse if inverse is None else bool(inverse))
    return (*plan(space, "ACEScg"), gc, *plan("ACEScg", space))
