"""The native backend: an op chain compiled into one fused per-pixel kernel (numba).

The kernel is generated Python source, loops over blocks of pixels whose bodies are the whole
chain as straight-line float64 code, written from the same expression graphs every other backend
translates (a :class:`~aceskit.ops.GamutCompress` through ``lower()``).  The code has no
branches and no calls into libm (its math is :mod:`aceskit.targets.kernelmath`, pasted in), so
the compiler runs each loop over several pixels at once (SIMD); a select whose costly value only
some pixels pick (the compression of a channel) computes that value in a loop over a list of
those pixels.  The kernel reads float16/32/64, computes in float64 and writes the output dtype;
threads split the pixels (the kernel releases the GIL).

The semantics are those of :mod:`aceskit.targets.numpy`, the reference: a gamut compression
between an op and its inverse (AP0 -> AP1 -> RGC -> AP1 -> AP0) hands back the input pixel
untouched when the compression leaves its AP1 values equal, and ``stats["rgc_changed"]`` counts
pixels by :func:`aceskit.targets.numpy.count_changed`'s rule.

Compiled kernels are cached on disk in :func:`cache_dir` (``ACESKIT_CACHE_DIR``, else the user's
cache folder), one file per kernel source (the chain's structure and dtypes; its numbers are
data), named by a hash of the source, kernelmath and the versions of aceskit, numba, numpy and
Python.  A cache that cannot be used (read-only, corrupt) means one warning and a compile in
memory.  Where numba cannot be imported, :func:`available` is False and
:func:`aceskit.targets.run` uses the numpy reference.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Mapping, Optional, Sequence

import numpy as np

from . import check_rgb
from .kernelsource import HEADER, generate, math_source, module

CACHE_ENV = "ACESKIT_CACHE_DIR"
CHUNK = 1 << 16  # pixels per work unit
DTYPES = {np.dtype(np.float16): "uint16", np.dtype(np.float32): "float32", np.dtype(np.float64): "float64"}
_HALF_TO_FLOAT = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)
_NO_TABLE = np.zeros(1, dtype=np.float32)
_KERNELS: dict = {}
_LOCK = threading.Lock()
_WARNED: list = []


def available() -> bool:
    """Can this Python compile native kernels (is numba importable)?"""
    return _numba() is not None


_IMPORT = threading.Lock()
_LOADED: list = []


def _numba():
    """numba, or None; imported once per process, by one thread."""
    with _IMPORT:
        if not _LOADED:
            _LOADED.append(_import_numba())
    return _LOADED[0]


def _import_numba():
    # numba checks the version of a scipy already imported; colour-science puts a stand-in without
    # one in sys.modules when scipy is not installed: hide it while numba loads
    scipy = sys.modules.get("scipy")
    fake = scipy is not None and not isinstance(getattr(scipy, "__version__", None), str)
    if fake:
        del sys.modules["scipy"]
    try:
        import numba
    except Exception:  # missing, or an install that does not load: the reference takes over
        return None
    finally:
        if fake:
            sys.modules["scipy"] = scipy
    return numba


def cache_dir() -> Path:
    """Where compiled kernels live: ``$ACESKIT_CACHE_DIR``, else the user's cache folder + ``aceskit``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "aceskit"


def _signature(numba, in_dtype, out_dtype):
    t = numba.types
    array = lambda dt, dims=2: t.Array(getattr(t, DTYPES[np.dtype(dt)]), dims, "C")  # noqa: E731
    return t.int64(array(in_dtype), array(out_dtype), t.Array(t.float64, 1, "C"),
                   t.Array(t.float32, 1, "C"), t.int64, t.int64)


def _key(text: str) -> str:
    import aceskit
    numba = _numba()
    versions = f"aceskit {aceskit.__version__}, numba {numba.__version__}, numpy {np.__version__}, {sys.version}"
    text = f"{math_source()}\n{HEADER}\n{text}"  # all that makes the module
    return hashlib.sha256(f"{versions}\n{text}".encode()).hexdigest()[:32]


def _module_file(folder: Path, key: str, make_text) -> Path:
    """The kernel's source file in the cache, written once, atomically, from ``make_text()``
    (called only when the file is not there yet); OSError if the cache is unusable."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"kernel_{key}.py"
    first = f"# aceskit kernel {key}\n"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(first + make_text())
            try:
                os.link(tmp, path)  # never replaces a file another process wrote first
            except FileExistsError:
                pass
            except OSError:
                os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    else:
        with open(path, encoding="utf-8") as f:
            if f.readline() != first:
                raise OSError(f"{path.name} does not hold the kernel its name promises (corrupt)")
    tempfile.TemporaryFile(dir=folder).close()  # numba writes the compiled kernel beside it
    return path


def _jit(numba, namespace, signature, cache: bool):
    options = dict(nogil=True, error_model="numpy", cache=cache)
    return numba.njit(signature, **options)(namespace["kernel"])


def _compile(kernel_text: str, key: str, signature):
    """The kernel of ``kernel_text`` (see :func:`aceskit.targets.kernelsource.generate`), compiled
    or loaded from the disk cache."""
    numba = _numba()
    folder = cache_dir() / "kernels"
    text = functools.lru_cache(maxsize=None)(lambda: module(kernel_text))  # the module, made once if needed
    try:
        path = _module_file(folder, key, text)
        spec = importlib.util.spec_from_file_location(f"aceskit_kernel_{key}", path)
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = loaded
        spec.loader.exec_module(loaded)
        return _jit(numba, vars(loaded), signature, cache=True)
    except Exception as exc:  # an unusable cache; a kernel that does not compile raises below
        problem = exc
    namespace: dict = {}
    exec(compile(text(), f"<aceskit kernel {key}>", "exec"), namespace)
    k = _jit(numba, namespace, signature, cache=False)
    if not _WARNED:
        _WARNED.append(True)
        warnings.warn(f"aceskit cannot use its kernel cache {folder} ({type(problem).__name__}: "
                      f"{' '.join(str(problem).split())[:200]}); compiling in memory", RuntimeWarning, stacklevel=4)
    return k


def kernel(chain: Sequence, in_dtype, out_dtype) -> tuple:
    """(compiled kernel of :func:`aceskit.targets.kernelsource.source`, parameter names, constants);
    from memory, the disk cache, or compiled."""
    text, names, values = generate(tuple(chain), in_dtype, out_dtype)
    key = _key(text)
    with _LOCK:
        k = _KERNELS.get(key)
        if k is None:
            k = _KERNELS[key] = _compile(text, key, _signature(_numba(), in_dtype, out_dtype))
    return k, names, values


_POOLS: dict = {}


def _pool(workers: int) -> ThreadPoolExecutor:
    """A thread pool of ``workers`` threads, made once and reused by every call."""
    with _LOCK:
        if workers not in _POOLS:
            _POOLS[workers] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aceskit-native")
        return _POOLS[workers]


def run(chain: Sequence, rgb, *, workers: Optional[int] = None, env: Optional[Mapping[str, float]] = None,
        stats: Optional[dict] = None, dtype=None):
    """Apply ``chain`` to RGB values shaped (..., 3); the arguments are those of :func:`aceskit.targets.numpy.run`."""
    arr, out_dtype = check_rgb(rgb, dtype)
    if out_dtype not in DTYPES:
        from . import numpy as reference
        return reference.run(chain, arr, workers=workers, env=env, stats=stats, dtype=dtype)
    flat = arr.reshape(-1, 3)
    if flat.dtype not in DTYPES:
        flat = flat.astype(np.float64)
    flat = np.ascontiguousarray(flat)
    out = np.empty(flat.shape, dtype=out_dtype)
    n = len(flat)
    chain = tuple(chain)
    changed = 0
    if n:
        k, names, constants = kernel(chain, flat.dtype, out_dtype)
        env = dict(env or {})
        missing = [name for name in names if name not in env]
        if missing:
            raise KeyError(f"expression variables {missing} have no value; pass them in env")
        values = np.array([float(env[name]) for name in names] + constants + [0.0], dtype=np.float64)
        half_in = flat.dtype == np.float16
        src = flat.view(np.uint16) if half_in else flat
        dst = out.view(np.uint16) if out_dtype == np.float16 else out
        table = _HALF_TO_FLOAT if half_in else _NO_TABLE
        starts = range(0, n, CHUNK)
        workers = min(workers or os.cpu_count() or 1, len(starts))
        part = lambda s: k(src, dst, values, table, s, min(s + CHUNK, n))  # noqa: E731
        if workers <= 1:
            changed = k(src, dst, values, table, 0, n)
        else:
            changed = sum(_pool(workers).map(part, starts))
    if stats is not None:
        stats["rgc_changed"] = stats.get("rgc_changed", 0) + int(changed)
    return out.reshape(arr.shape)
