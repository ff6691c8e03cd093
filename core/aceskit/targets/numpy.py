"""The reference backend: runs an op chain on numpy arrays in float64.

Large arrays are processed in chunks of pixels on a thread pool (numpy releases
the GIL inside its loops), so peak memory stays near input + output and all
cores work.

A gamut compression changes only pixels with a distance at or above a
threshold (or an achromatic of exactly 0).  The backend first finds those
pixels with a cheap, conservative test in the input's precision, then
evaluates the RGC expression graph in float64 on them alone, channel by
channel; every other pixel is passed through unchanged, which is exactly what
the formula yields there.  When the compression sits between an op and that
op's inverse (AP0 -> AP1 -> RGC -> AP1 -> AP0), untouched pixels skip the round
trip as well and come out bit-identical.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Mapping, Optional, Sequence

import numpy as np

from .. import expr as E
from ..ops import Curve, GamutCompress, Matrix, PixelExpr

CHUNK = 1 << 16  # pixels per work unit
#: Relative margin of the pass-through test: pixels this close to a threshold are evaluated in full.
MARGIN = 1e-4


def _columns(x: np.ndarray) -> dict:
    return {"r": x[:, 0], "g": x[:, 1], "b": x[:, 2]}


def _stack(outs, n: int) -> np.ndarray:
    return np.stack([np.broadcast_to(np.asarray(o, dtype=np.float64), (n,)) for o in outs], axis=-1)


def apply_op(op, x: np.ndarray, env: Mapping[str, float]) -> np.ndarray:
    """One op on pixels shaped (n, 3); float64 except a Matrix on float32 (used by the pre-test)."""
    if isinstance(op, Matrix):
        return x @ op.m.T.astype(x.dtype)
    if isinstance(op, Curve):
        return np.asarray(E.evaluate([op.fn], {**env, "x": x})[0], dtype=np.float64) * np.ones_like(x)
    if isinstance(op, PixelExpr):
        return _stack(E.evaluate(list(op.outputs), {**env, **_columns(x)}), len(x))
    if isinstance(op, GamutCompress):
        return _compress(op, x, _needs(op, x, env), env)
    raise TypeError(f"the numpy backend cannot run {type(op).__name__}")


def _bound(op: GamutCompress, env) -> tuple:
    """(output expressions, thresholds) with parameters bound from ``env``."""
    from .. import rgc
    outputs, _ = rgc._cached_expressions(op.params, op.inverse)
    names = {v for v in E.variables(outputs)} - {"r", "g", "b"}
    missing = names - set(env)
    if missing:
        raise KeyError(f"RGC parameters {sorted(missing)} need values in env")
    if names:
        outputs = tuple(E.substitute(list(outputs), {k: env[k] for k in names}))
    params = op.params or rgc.RGCParams.from_values({k: env[k] for k in names if k != "invert"})
    return outputs, np.array(params.threshold)


def _needs(op: GamutCompress, ap1: np.ndarray, env) -> np.ndarray:
    """Per pixel and channel: may the RGC change this value?  Conservative (never misses one)."""
    _, thr = _bound(op, env)
    r, g, b = ap1[:, 0], ap1[:, 1], ap1[:, 2]
    ach = np.fmax(np.fmax(r, g), b)
    mag = np.abs(ach)
    with np.errstate(invalid="ignore"):
        need = (ach[:, None] - ap1) >= (thr * (1.0 - MARGIN)).astype(ap1.dtype) * mag[:, None]
        need |= ~np.isfinite(ap1) | (ach == 0)[:, None]
    return need


def _compress(op: GamutCompress, ap1: np.ndarray, need: np.ndarray, env) -> np.ndarray:
    """RGC on float64 AP1 pixels, evaluating each channel's graph only where ``need`` says so."""
    outputs, _ = _bound(op, env)
    out = ap1.copy()
    for k in range(3):
        rows = need[:, k]
        if rows.any():
            sub = ap1[rows]
            out[rows, k] = np.broadcast_to(E.evaluate([outputs[k]], {**env, **_columns(sub)})[0], len(sub))
    return out


def _inverse_pair(a, b) -> bool:
    if isinstance(a, Matrix) and isinstance(b, Matrix):
        return bool(np.max(np.abs(b.m @ a.m - np.eye(3))) < 1e-12)
    if isinstance(a, Curve) and isinstance(b, Curve) and a.transfer is not None:
        return a.transfer is b.transfer and {a.direction, b.direction} == {"encode", "decode"}
    return False


def _run_chunk(chain: Sequence, x: np.ndarray, env) -> np.ndarray:
    """Run the chain on one chunk; ``x`` keeps the caller's dtype until an op needs float64."""
    i = 0
    while i < len(chain):
        op = chain[i]
        sandwich = (i + 2 < len(chain) and isinstance(chain[i + 1], GamutCompress)
                    and _inverse_pair(op, chain[i + 2]))
        if sandwich or isinstance(op, GamutCompress):
            gc = chain[i + 1] if sandwich else op
            # cheap pre-test in the input precision (a float32 matrix for AP0 input), then float64
            probe = apply_op(op, x, env) if sandwich and isinstance(op, Matrix) else None
            ap1 = None
            if probe is None:
                ap1 = apply_op(op, x.astype(np.float64), env) if sandwich else x.astype(np.float64)
                probe = ap1
            need = _needs(gc, probe, env)
            rows = need.any(axis=-1)
            out = x.copy() if sandwich else (ap1 if ap1 is not None else x.astype(np.float64))
            if rows.any():
                sub = ap1[rows] if ap1 is not None else apply_op(op, x[rows].astype(np.float64), env)
                done = _compress(gc, sub, need[rows], env)
                out = out.astype(np.float64) if not sandwich else out
                out[rows] = apply_op(chain[i + 2], done, env) if sandwich else done
            x, i = out, i + (3 if sandwich else 1)
            continue
        x = apply_op(op, x.astype(np.float64, copy=False), env)
        i += 1
    return x


def run(chain: Sequence, rgb, *, workers: Optional[int] = None, env: Optional[Mapping[str, float]] = None):
    """Apply ``chain`` to RGB values shaped (..., 3); float dtypes are preserved (others give float64)."""
    arr = np.asarray(rgb)
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise ValueError(f"RGB values must have shape (..., 3), got {arr.shape}")
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"RGB values must be numeric, got dtype {arr.dtype}")
    out_dtype = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float64)
    work_dtype = np.float32 if arr.dtype in (np.float16, np.float32) else np.float64
    env = dict(env or {})
    flat = arr.reshape(-1, 3)
    out = np.empty(flat.shape, dtype=out_dtype)
    n = len(flat)

    def work(start: int) -> None:
        stop = min(start + CHUNK, n)
        out[start:stop] = _run_chunk(chain, flat[start:stop].astype(work_dtype), env)

    starts = range(0, n, CHUNK)
    workers = workers or os.cpu_count() or 1
    if workers == 1 or n <= CHUNK:
        for s in starts:
            work(s)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(work, starts))
    return out.reshape(arr.shape)
