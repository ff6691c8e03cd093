"""RGC and conversions on a UHD float32 frame: aceskit against OpenColorIO's CPU processor.

Same data, one run: the validation image scaled to 3840x2160, and a frame where every pixel is
beyond a threshold.  OpenColorIO runs single-threaded (its CPU ``apply`` is); aceskit runs with
one worker and with all cores.  Times are the median of ``--repeat`` runs; peak memory is the
largest allocation traced by ``tracemalloc`` during one aceskit call, as a multiple of the frame.

    python benchmarks/bench_rgc.py [--size 3840x2160] [--repeat 5] [--update-docs]

Targets (issue): aceskit at least as fast as OpenColorIO single-threaded and at least 2x with all
cores on the RGC; peak memory no more than 3x the frame.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

from aceskit import rgc, testimage
from aceskit.convert import convert
from report import machine, update_section

SECTION = "## RGC and conversions"


def timed(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def ocio_processor(transform_or_pair):
    import PyOpenColorIO as ocio
    cfg = ocio.Config.CreateFromFile("ocio://studio-config-latest")
    proc = cfg.getProcessor(*transform_or_pair) if isinstance(transform_or_pair, tuple) else cfg.getProcessor(
        transform_or_pair)
    cpu = proc.getDefaultCPUProcessor()

    def run(img):
        out = img.copy()
        cpu.apply(ocio.PackedImageDesc(out, out.shape[1], out.shape[0], 3))
        return out
    return run


def peak_memory(fn, frame_bytes: int) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / frame_bytes


def beyond_threshold(width: int, height: int) -> np.ndarray:
    """AP0 pixels whose AP1 distances are all at or beyond a threshold in some channel."""
    rng = np.random.default_rng(7)
    ap1 = np.empty((height, width, 3))
    ap1[..., 0] = rng.uniform(0.2, 4.0, (height, width))
    ap1[..., 1] = ap1[..., 0] * (1.0 - rng.uniform(0.81, 1.6, (height, width)))
    ap1[..., 2] = ap1[..., 0] * (1.0 - rng.uniform(0.0, 1.4, (height, width)))
    return convert(ap1, "ACEScg", "ACES2065-1").astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="3840x2160")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--update-docs", action="store_true")
    args = ap.parse_args()
    w, h = map(int, args.size.split("x"))
    import PyOpenColorIO as ocio
    frames = {"validation image": testimage.rgc_validation_image(w, h), "all beyond threshold": beyond_threshold(w, h)}
    look = ocio.BuiltinTransform("ACES-LMT - ACES 1.3 Reference Gamut Compression")
    rows = []
    for name, img in frames.items():
        t_ocio = timed(lambda: ocio_processor(look)(img), args.repeat)
        t1 = timed(lambda: rgc.compress(img, workers=1), args.repeat)
        tn = timed(lambda: rgc.compress(img), args.repeat)
        mem = peak_memory(lambda: rgc.compress(img), img.nbytes)
        rows.append((f"RGC, {name}", t_ocio, t1, tn, mem))
    img = frames["validation image"]
    logc = convert(img, "ACES2065-1", "ARRI LogC3 (EI800)").astype(np.float32)
    for name, src, dst, data in (("ACES2065-1 → ACEScg", "ACES2065-1", "ACEScg", img),
                                 ("ARRI LogC3 (EI800) → ACES2065-1", "ARRI LogC3 (EI800)", "ACES2065-1", logc)):
        proc = ocio_processor((src, dst))
        t_ocio = timed(lambda: proc(data), args.repeat)
        t1 = timed(lambda: convert(data, src, dst, workers=1), args.repeat)
        tn = timed(lambda: convert(data, src, dst), args.repeat)
        mem = peak_memory(lambda: convert(data, src, dst), data.nbytes)
        rows.append((name, t_ocio, t1, tn, mem))

    lines = [SECTION, "",
             f"{w}x{h} float32 RGB, median of {args.repeat} runs, on {machine()}. OpenColorIO "
             f"{ocio.__version__} CPU processor (single-threaded) on the same data; ratio = OpenColorIO time / "
             f"aceskit time (above 1: aceskit is faster). Peak memory: largest traced allocation during one "
             f"aceskit call, in frames. Reproduce with `python benchmarks/bench_rgc.py --update-docs`.", "",
             "| operation | OpenColorIO ms | aceskit 1 core ms | ratio | aceskit all cores ms | ratio | peak memory |",
             "|---|---|---|---|---|---|---|"]
    for name, t_ocio, t1, tn, mem in rows:
        lines.append(f"| {name} | {t_ocio * 1e3:.0f} | {t1 * 1e3:.0f} | {t_ocio / t1:.2f} | {tn * 1e3:.0f} | "
                     f"{t_ocio / tn:.2f} | {mem:.2f}x |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.update_docs:
        print("updated", update_section(SECTION, text))


if __name__ == "__main__":
    main()
