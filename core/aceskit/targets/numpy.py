"""The reference backend: runs an op chain on numpy arrays in float64.

Pixels are processed in chunks on a thread pool (numpy releases the GIL inside its loops), so
peak memory stays near input + output and all cores work.  Inside a chunk the channels are held
as three contiguous planes (shape (3, n)), which keeps every elementwise operation and every
3x3 matrix product on contiguous memory.

A gamut compression changes only pixels with a distance at or above a threshold (or an
achromatic of exactly 0).  The backend finds them with a cheap, conservative test, then
evaluates the RGC expression graph in float64 on those pixels alone, channel by channel; every
other pixel passes through unchanged, which is exactly what the formula yields there.  When the
compression sits between an op and that op's inverse (AP0 -> AP1 -> RGC -> AP1 -> AP0), a pixel
the compression leaves unchanged (its float64 AP1 values come out equal) skips the round trip
as well and comes out bit-identical to the input.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Mapping, Optional, Sequence

import numpy as np

from .. import expr as E, gamut
from ..ops import Curve, GamutCompress, Matrix, PixelExpr, inverse_pair
from . import check_rgb

CHUNK = 1 << 16  # pixels per work unit
#: A pixel counts as changed by a gamut compression when a channel moves by more than this,
#: relative to the pixel's largest magnitude (at least :data:`CHANGE_FLOOR`): float32 rounding does
#: not count.
CHANGE_TOL = 1e-5
CHANGE_FLOOR = 1e-3
#: Relative margin of the pass-through test: pixels this close to a threshold are evaluated in full.
MARGIN = 1e-4


def _planes(p: np.ndarray) -> dict:
    return {"r": p[0], "g": p[1], "b": p[2]}


def _stack(outs, n: int) -> np.ndarray:
    return np.stack([np.broadcast_to(np.asarray(o, dtype=np.float64), (n,)) for o in outs])


def apply_op(op, p: np.ndarray, env: Mapping[str, float]) -> np.ndarray:
    """One op on planar pixels (3, n)."""
    if isinstance(op, Matrix):
        # a fixed order of products and sums (no BLAS, no fused multiply-add): the same rounding on
        # every machine and thread count, and the same as the native kernel's
        m = op.m.astype(p.dtype, copy=False)
        return m[:, :1] * p[0] + m[:, 1:2] * p[1] + m[:, 2:] * p[2]
    if isinstance(op, Curve):  # a NaN channel stays NaN, whatever the curve's max/min guards make of it
        return np.where(np.isnan(p), p, np.asarray(E.evaluate([op.fn], {**env, "x": p})[0], dtype=np.float64))
    if isinstance(op, PixelExpr):
        return _stack(E.evaluate(list(op.outputs), {**env, **_planes(p)}), p.shape[1])
    if isinstance(op, GamutCompress):
        return _compress(op, p, _needs(op, p, env), env)
    raise TypeError(f"the numpy backend cannot run {type(op).__name__}")


@lru_cache(maxsize=64)
def _parameters(op: GamutCompress) -> frozenset:
    """The names of the parameter variables of a compression's expressions."""
    return frozenset(E.variables(op.outputs) - {"r", "g", "b"})


def _bound(op: GamutCompress, env) -> tuple:
    """(output expressions, thresholds) with parameters bound from ``env``."""
    outputs, names = tuple(op.outputs), _parameters(op)
    missing = names - set(env)
    if missing:
        raise KeyError(f"RGC parameters {sorted(missing)} need values in env")
    if names:
        outputs = tuple(E.substitute(list(outputs), {k: env[k] for k in names}))
    params = op.params or gamut.RGCParams.from_values({k: env[k] for k in names if k != "invert"})
    return outputs, params.threshold


def _needs(op: GamutCompress, ap1: np.ndarray, env) -> np.ndarray:
    """(3, n): may the RGC change this value?  Conservative: it never misses one."""
    _, thr = _bound(op, env)
    ach = np.fmax(np.fmax(ap1[0], ap1[1]), ap1[2])
    mag = np.abs(ach)
    special = (ach == 0) | ~np.isfinite(ach)
    need = np.empty(ap1.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        for k in range(3):
            need[k] = (ach - ap1[k]) >= ap1.dtype.type(thr[k] * (1.0 - MARGIN)) * mag
            need[k] |= special | np.isnan(ap1[k])
    return need


def _compress(op: GamutCompress, ap1: np.ndarray, need: np.ndarray, env) -> np.ndarray:
    """RGC on float64 planar AP1 pixels, evaluating each channel's graph only where ``need`` says."""
    outputs, _ = _bound(op, env)
    out = ap1.copy()
    for k in range(3):
        cols = need[k]
        if cols.any():
            sub = _planes(ap1[:, cols])
            out[k, cols] = np.broadcast_to(E.evaluate([outputs[k]], {**env, **sub})[0], int(cols.sum()))
    return out


def count_changed(before: np.ndarray, after: np.ndarray) -> int:
    """Pixels (columns) the compression changed by more than :data:`CHANGE_TOL`; NaN never counts."""
    with np.errstate(invalid="ignore"):
        scale = CHANGE_TOL * np.maximum(np.max(np.abs(before), axis=0), CHANGE_FLOOR)
        return int(np.count_nonzero(np.max(np.abs(after - before), axis=0) > scale))


def _gamut_compress(chain: Sequence, i: int, p: np.ndarray, env, counts: list) -> tuple:
    """Run the compression at ``chain[i]`` or the sandwich starting there; returns (planes, next index).
    The number of pixels the compression changed is appended to ``counts``."""
    sandwich = not isinstance(chain[i], GamutCompress)
    gc = chain[i + 1] if sandwich else chain[i]
    if sandwich and isinstance(chain[i], Matrix):
        probe = apply_op(chain[i], p, env)  # the pre-test in the input precision (float32 for images)
        ap1 = None
    else:
        ap1 = apply_op(chain[i], p.astype(np.float64), env) if sandwich else p.astype(np.float64)
        probe = ap1
    need = _needs(gc, probe, env)
    cols = need.any(axis=0)
    if not sandwich:
        out = _compress(gc, ap1, need, env)
        counts.append(count_changed(ap1[:, cols], out[:, cols]))
        return out, i + 1
    out = p.copy()
    if cols.any():
        sub = ap1[:, cols] if ap1 is not None else apply_op(chain[i], p[:, cols].astype(np.float64), env)
        compressed = _compress(gc, sub, need[:, cols], env)
        counts.append(count_changed(sub, compressed))
        moved = ~np.all(compressed == sub, axis=0)  # unchanged pixels keep their input values
        if moved.any():
            out = out.astype(np.float64) if out.dtype != np.float64 else out
            out[:, np.flatnonzero(cols)[moved]] = apply_op(chain[i + 2], compressed[:, moved], env)
    return out, i + 3


def _run_chunk(chain: Sequence, p: np.ndarray, env, counts: list) -> np.ndarray:
    """Run the chain on planar pixels; ``p`` keeps the caller's precision until an op needs float64."""
    i = 0
    while i < len(chain):
        op = chain[i]
        sandwich = (i + 2 < len(chain) and isinstance(chain[i + 1], GamutCompress)
                    and inverse_pair(op, chain[i + 2]))
        if sandwich or isinstance(op, GamutCompress):
            p, i = _gamut_compress(chain, i, p, env, counts)
            continue
        p = apply_op(op, p.astype(np.float64, copy=False), env)
        i += 1
    return p


def run(chain: Sequence, rgb, *, workers: Optional[int] = None, env: Optional[Mapping[str, float]] = None,
        stats: Optional[dict] = None, dtype=None):
    """Apply ``chain`` to RGB values shaped (..., 3).

    The result has ``dtype`` if given, else the input's float dtype (float64 for integers).
    ``stats``, if given, receives ``rgc_changed``: the number of pixels a gamut compression changed
    (see :data:`CHANGE_TOL`).
    """
    arr, out_dtype = check_rgb(rgb, dtype)
    work_dtype = np.float32 if arr.dtype in (np.float16, np.float32) else np.float64
    env = dict(env or {})
    flat = arr.reshape(-1, 3)
    out = np.empty(flat.shape, dtype=out_dtype)
    n = len(flat)
    counts: list = []  # list.append is atomic across threads

    def work(start: int) -> None:
        stop = min(start + CHUNK, n)
        planes = np.empty((3, stop - start), dtype=work_dtype)
        for k in range(3):  # column by column: much faster than one strided transpose
            planes[k] = flat[start:stop, k]
        result = _run_chunk(chain, planes, env, counts)
        for k in range(3):
            out[start:stop, k] = result[k]

    starts = range(0, n, CHUNK)
    workers = workers or os.cpu_count() or 1
    if workers == 1 or n <= CHUNK:
        for s in starts:
            work(s)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(work, starts))
    if stats is not None:
        stats["rgc_changed"] = stats.get("rgc_changed", 0) + sum(counts)
    return out.reshape(arr.shape)
