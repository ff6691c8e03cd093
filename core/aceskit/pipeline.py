"""The per-frame job shared by ``aceskit convert`` and ``aceskit batch``: read, convert, write.

A :class:`Job` says what to do to every frame (source and destination spaces, the RGC
and the output encoding); :func:`process_frame` applies it to one file and returns a
JSON-ready report.  The conversion is one op chain, ``src -> ACES2065-1 -> RGC ->
dst``, so the RGC always acts in its own (AP1-linear) domain whatever the file spaces
are.  Frames are processed in bands of rows, so memory stays near the input plus the
output frame.

Every EXR written records the job in a string attribute :data:`JOB_ATTRIBUTE` (JSON, see
:func:`settings`); ``--skip-existing`` keeps a frame only when its record matches the job.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional, Tuple

import numpy as np

from . import __version__, chromaticities, exr, fileio, ops, rgc, spaces, targets
from .rgc import RGCParams
from .convert import plan
from .targets import numpy as reference

RGC_MODES = ("off", "reference", "parametric")
ENGINES = (*targets.ENGINES, "ocio")
BAND_PIXELS = 1 << 16  # pixels per band: a few MB of float64 temporaries
#: The EXR header attribute holding the settings a frame was written with (JSON text).
JOB_ATTRIBUTE = "aceskitJob"
#: Settings that must agree for an existing frame to count as done; the engine and the aceskit
#: version are recorded but not compared (both engines give the same frames within the guide's metric).
MATCHED = ("from", "to", "rgc", "params", "inverse", "compression", "half")


@dataclass(frozen=True)
class Job:
    """What to do to each frame; plain data, so it pickles to workers and round-trips through JSON.

    ``src=None`` takes each file's resolved color space.  ``params`` holds RGC values keyed by
    :data:`aceskit.rgc.UI_PARAMS` names (``None``: the reference).  ``dst`` may be a
    ``custom chromaticities (…)`` name (:mod:`aceskit.chromaticities`); ``untagged`` is the space
    assumed for files without color metadata (the project's policy).  ``compression=None`` keeps
    each input's compression and DWA level (as oiiotool does).
    """

    dst: str
    src: Optional[str] = None
    rgc: str = "off"
    params: Optional[dict] = None
    inverse: bool = False
    compression: Optional[str] = None
    dwa_level: Optional[float] = None
    half: bool = True
    threads: int = 0  # threads per frame; 0 = all cores
    engine: str = targets.DEFAULT
    untagged: str = exr.UNTAGGED_DEFAULT

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        if self.rgc not in RGC_MODES:
            raise ValueError(f"rgc must be one of {', '.join(RGC_MODES)}, got {self.rgc!r}")
        chromaticities.get(self.dst)
        spaces.get(self.untagged)
        if self.src is not None:
            spaces.get(self.src)
        if self.compression is not None:
            exr.parse_compression(self.compression, self.dwa_level)
        self.rgc_params()

    def rgc_params(self) -> Optional[RGCParams]:
        if self.rgc == "off":
            return None
        if self.rgc == "reference" or not self.params:
            return rgc.REFERENCE
        return RGCParams.from_values(self.params)

    def to_dict(self) -> dict:
        return asdict(self)

    def output_compression(self, header: dict) -> Tuple[str, Optional[float]]:
        """(codec, DWA level) for a frame whose input header is ``header``: the job's, else the input's."""
        if self.compression is not None:
            return exr.parse_compression(self.compression, self.dwa_level)
        name = str(header.get("compression", "zip")).rsplit(".", 1)[-1].lower().removesuffix("_compression")
        level = header.get("dwaCompressionLevel")
        return exr.parse_compression("none" if name == "no" else name, None if level is None else float(level))

    def settings(self, header: dict, src_space: str) -> dict:
        """What this job does to a frame whose input header is ``header`` and space ``src_space``,
        as recorded in the output's :data:`JOB_ATTRIBUTE`."""
        codec, level = self.output_compression(header)
        p = self.rgc_params()
        return {"from": chromaticities.get(src_space).name, "to": chromaticities.get(self.dst).name, "rgc": self.rgc,
                "params": None if p is None else p.values(), "inverse": self.inverse,
                "compression": codec if level is None else f"{codec}:{level:g}", "half": self.half,
                "engine": self.engine, "aceskit": __version__}


def recorded_settings(path: str) -> Optional[dict]:
    """The job settings recorded in an EXR aceskit wrote (``None``: unreadable or not recorded)."""
    if not os.path.isfile(path):
        return None
    try:
        text = exr.read_headers(path)[0].get(JOB_ATTRIBUTE)
        return json.loads(text) if isinstance(text, str) else None
    except Exception:
        return None


def input_settings(src: str, job: Job) -> dict:
    """:meth:`Job.settings` for the input file ``src``, from its header alone."""
    header = exr.read_headers(src)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        space = exr.resolve_colorspace(header, job.src, force=job.src is not None, untagged=job.untagged,
                                   custom=True)[0]
    return job.settings(header, space)


def same_settings(a: Optional[dict], b: Optional[dict]) -> bool:
    """Whether two recorded settings agree on everything in :data:`MATCHED`."""
    return a is not None and b is not None and all(a.get(k) == b.get(k) for k in MATCHED)


def build_chain(src: str, dst: str, params: Optional[RGCParams], inverse: bool = False) -> tuple:
    """``src -> dst`` with the RGC (when ``params`` is given) applied in ACES2065-1 on the way."""
    if params is None:
        return plan(src, dst)
    return ops.optimize((*plan(src, "ACES2065-1"), *rgc.chain(params, inverse=inverse, space="ACES2065-1"),
                         *plan("ACES2065-1", dst)))


def _split(chain: tuple) -> Tuple[tuple, Optional[tuple], tuple]:
    """(ops before the gamut compression, the compression, ops after); no compression: (chain, None, ())."""
    for i, op in enumerate(chain):
        if isinstance(op, ops.GamutCompress):
            return chain[:i], (op,), chain[i + 1:]
    return chain, None, ()


def _ocio_runner(chain: tuple):
    """``chain`` compiled for OpenColorIO's CPU processor, as a function of float32 pixels (n, 3)."""
    import PyOpenColorIO as ocio
    from .targets import ctf
    cpu = ocio.Config.CreateRaw().getProcessor(ctf.to_ocio(chain)).getOptimizedCPUProcessor(
        ocio.OPTIMIZATION_DEFAULT)

    def run(x: np.ndarray) -> np.ndarray:
        y = np.array(x, dtype=np.float32, order="C")
        cpu.apply(ocio.PackedImageDesc(y, len(y), 1, 3))
        return y
    return run


def apply(chain: tuple, rgb: np.ndarray, out_dtype=np.float32, threads: int = 0,
          engine: str = targets.DEFAULT) -> Tuple[np.ndarray, int]:
    """Run ``chain`` on an (H, W, 3) image.

    ``engine``: ``native`` (one fused float64 kernel; the reference where numba is missing),
    ``numpy`` (the reference backend, float64) or ``ocio`` (the same chain compiled by
    :func:`aceskit.targets.ctf.to_ocio` and run by OpenColorIO's CPU processor in float32).
    Returns the result in ``out_dtype`` and the number of pixels the gamut compression changed
    (see :data:`aceskit.targets.numpy.CHANGE_TOL`).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine in targets.ENGINES:
        stats: dict = {}
        out = targets.run(chain, rgb, engine=engine, workers=threads or None, stats=stats, dtype=out_dtype)
        return out, stats.get("rgc_changed", 0)
    h, w, _ = rgb.shape
    out = np.empty((h, w, 3), dtype=out_dtype)
    pre, gc, post = (_ocio_runner(part) if part else None for part in _split(chain))
    rows = max(1, BAND_PIXELS // max(w, 1))
    changed = [0] * ((h + rows - 1) // rows)

    def band(i: int) -> None:
        y0, y1 = i * rows, min(h, (i + 1) * rows)
        x = rgb[y0:y1].reshape(-1, 3).astype(np.float32)
        x = pre(x) if pre else x
        if gc is not None:
            y = gc(x)
            changed[i] = reference.count_changed(np.ascontiguousarray(x.T), np.ascontiguousarray(y.T))
            x = post(y) if post else y
        out[y0:y1] = x.reshape(y1 - y0, w, 3)

    n = len(changed)
    threads = min(n, threads or os.cpu_count() or 1)
    if threads <= 1:
        for i in range(n):
            band(i)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(band, range(n)))
    return out, sum(changed)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_paths(src: Path, dst: Path) -> None:
    """Refuse to write over an input."""
    if _same_file(src, dst):
        raise ValueError(f"the output {dst} is the input file; aceskit never overwrites an input")


def process_frame(src: str, dst: str, job: Job, frame: Optional[int] = None) -> dict:
    """Convert one EXR file; never raises for a bad frame: the report says ``status: failed`` and why.

    Warnings (missing color metadata, values changed by the write policy) go into ``warnings``.
    """
    t0 = time.perf_counter()
    report: dict = {"frame": frame, "input": str(src), "output": str(dst), "status": "ok", "error": None}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            check_paths(Path(src), Path(dst))
            fileio.check_target(dst)
            image = exr.read(src, colorspace=job.src, force=job.src is not None, untagged=job.untagged)
            report.update({"from": image.colorspace, "from_source": image.colorspace_source})
            record = job.settings(image.header, image.colorspace)
            codec, level = job.output_compression(image.header)
            chain = build_chain(image.space, chromaticities.get(job.dst), job.rgc_params(), job.inverse)
            changed = 0
            limit = exr.safe_max(codec, level, job.half)

            def run(rgb):  # every color layer (views, layers, parts) goes through the same chain
                nonlocal changed
                out, n = apply(chain, rgb, np.float16 if job.half else np.float32, job.threads, job.engine)
                if job.half and not exr.in_range(out, limit, strict=True):
                    # NaN, Inf or values at the limit: the write policy must see them before rounding
                    # to half (a finite overflow is clamped, not counted as Inf), so this layer again
                    out, n = apply(chain, rgb, np.float32, job.threads, job.engine)
                changed += n
                return out
            image = image.map_color(run, colorspace=job.dst)  # drops the input pixels
            fileio.make_parent(dst)
            written = exr.write(dst, image, image.colorspace, compression=codec, dwa_level=level, half=job.half,
                                sources=(src,), attributes={JOB_ATTRIBUTE: json.dumps(record)},
                                threads=job.threads or -1)
            h, w = image.pixels.shape[:2]
            report.update({
                "to": image.colorspace, "rgc": job.rgc, "inverse": job.inverse, "compression": record["compression"],
                "width": w, "height": h, "pixels": w * h, "rgc_changed": changed,
                "nan": written.nan, "posinf": written.posinf, "neginf": written.neginf,
                "clamped": written.clamped,
            })
        except Exception as exc:  # a bad frame must not stop a sequence
            report.update(status="failed", error=_one_line(exc))
    report["warnings"] = sorted({str(w.message) for w in caught})
    report["seconds"] = round(time.perf_counter() - t0, 4)
    return report


def _one_line(exc: BaseException) -> str:
    msg = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    msg = " ".join(msg.split()) or type(exc).__name__
    return msg if isinstance(exc, (ValueError, OSError, KeyError)) else f"{type(exc).__name__}: {msg}"
