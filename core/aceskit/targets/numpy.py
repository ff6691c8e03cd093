"""The reference backend: runs an op chain on numpy arrays in float64.

Large arrays are processed in chunks of pixels on a thread pool (numpy releases
the GIL inside its loops), so peak memory stays near input + output and all
cores work.  A gamut compression evaluates its formula only on pixels that
have a distance at or above a threshold (or an achromatic of exactly 0); all
other pixels are passed through unchanged, which is what the formula yields
there.  When the compression sits between an op and that op's inverse (AP0 ->
AP1 -> RGC -> AP0), untouched pixels skip the round trip as well.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Mapping, Optional, Sequence

import numpy as np

from .. import expr as E
from ..ops import Curve, GamutCompress, Matrix, PixelExpr

CHUNK = 1 << 16  # pixels per work unit


def _columns(x: np.ndarray) -> dict:
    return {"r": x[:, 0], "g": x[:, 1], "b": x[:, 2]}


def _stack(outs, n: int) -> np.ndarray:
    return np.stack([np.broadcast_to(np.asarray(o, dtype=np.float64), (n,)) for o in outs], axis=-1)


def apply_op(op, x: np.ndarray, env: Mapping[str, float]) -> np.ndarray:
    """One op on float64 pixels shaped (n, 3)."""
    if isinstance(op, Matrix):
        return x @ op.m.T
    if isinstance(op, Curve):
        return np.asarray(E.evaluate([op.fn], {**env, "x": x})[0], dtype=np.float64) * np.ones_like(x)
    if isinstance(op, PixelExpr):
        return _stack(E.evaluate(list(op.outputs), {**env, **_columns(x)}), len(x))
    if isinstance(op, GamutCompress):
        return _compress(op, x, env)[0]
    raise TypeError(f"the numpy backend cannot run {type(op).__name__}")


def _compress(op: GamutCompress, x: np.ndarray, env):
    """(result, mask of pixels that the compression changed-or-may-change)."""
    from .. import rgc
    outputs, distances = rgc.expressions(op.params, op.inverse)
    cols = {**env, **_columns(x)}
    d = _stack(E.evaluate(list(distances), cols), len(x))
    thr = np.array([E.substitute([E.var(f"threshold_{k}")], env)[0].value if op.params is None else t
                    for k, t in zip("cmy", (op.params or rgc.REFERENCE).threshold)])
    with np.errstate(invalid="ignore"):
        mask = ~np.all(d < thr, axis=-1) | (np.max(x, axis=-1) == 0)
    out = x.copy()
    if mask.any():
        sub = x[mask]
        out[mask] = _stack(E.evaluate(list(outputs), {**env, **_columns(sub)}), len(sub))
    return out, mask


def _inverse_pair(a, b) -> bool:
    if isinstance(a, Matrix) and isinstance(b, Matrix):
        return bool(np.max(np.abs(b.m @ a.m - np.eye(3))) < 1e-12)
    if isinstance(a, Curve) and isinstance(b, Curve) and a.transfer is not None:
        return a.transfer is b.transfer and {a.direction, b.direction} == {"encode", "decode"}
    return False


def _run_chunk(chain: Sequence, x: np.ndarray, env) -> np.ndarray:
    i = 0
    while i < len(chain):
        op = chain[i]
        if (i + 2 < len(chain) and isinstance(chain[i + 1], GamutCompress)
                and _inverse_pair(op, chain[i + 2])):
            inner = apply_op(op, x, env)
            done, mask = _compress(chain[i + 1], inner, env)
            out = x.copy()
            if mask.any():
                out[mask] = apply_op(chain[i + 2], done[mask], env)
            x, i = out, i + 3
            continue
        x = apply_op(op, x, env)
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
    env = dict(env or {})
    flat = arr.reshape(-1, 3)
    out = np.empty(flat.shape, dtype=out_dtype)
    n = len(flat)

    def work(start: int) -> None:
        stop = min(start + CHUNK, n)
        out[start:stop] = _run_chunk(chain, flat[start:stop].astype(np.float64), env)

    starts = range(0, n, CHUNK)
    workers = workers or os.cpu_count() or 1
    if workers == 1 or n <= CHUNK:
        for s in starts:
            work(s)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(work, starts))
    return out.reshape(arr.shape)
