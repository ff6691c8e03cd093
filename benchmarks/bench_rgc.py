"""RGC and conversions on a UHD float32 frame: both aceskit engines against OpenColorIO's CPU processor.

Same data, one run: the validation image scaled to 3840x2160, and a frame where every pixel is
beyond a threshold.  OpenColorIO runs single-threaded (its CPU ``apply`` is); each aceskit engine
(native, the default, and the numpy reference) runs with one worker and with all cores.  A
memcpy of the same frame is the floor.  Times are the median of ``--repeat`` runs; peak memory is
the largest allocation traced by ``tracemalloc`` during one call, as a multiple of the frame.

    python benchmarks/bench_rgc.py [--size 3840x2160] [--repeat 5] [--update-docs]

Targets (issue 10, native engine against OpenColorIO single-threaded): RGC >= 2.0x with one
worker and >= 3.5x with all cores; ARRI LogC3 (EI800) -> ACES2065-1 >= 2.0x and ACES2065-1 ->
ACEScg >= 1.5x with one worker; peak memory <= 1.2x input plus output.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import tracemalloc

import numpy as np

from aceskit import rgc, testimage
from aceskit.convert import convert
from aceskit.targets import ENGINES
from report import machine, publish

SECTION = "## RGC and conversions"
#: (one worker, all cores) targets of the native engine, as multiples of OpenColorIO's speed
TARGETS = {"RGC": (2.0, 3.5), "ARRI LogC3 (EI800) → ACES2065-1": (2.0, None), "ACES2065-1 → ACEScg": (1.5, None)}


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


def memcpy(img: np.ndarray):
    out = np.empty_like(img)
    return lambda: np.copyto(out, img)


def measure(name: str, t_ocio: float, img: np.ndarray, run, repeat: int) -> dict:
    """Times of ``run(engine, workers)`` for both engines, the memcpy floor and peak memory."""
    row = {"name": name, "ocio": t_ocio, "memcpy": timed(memcpy(img), repeat)}
    for engine in ENGINES:
        row[engine] = (timed(lambda: run(engine, 1), repeat), timed(lambda: run(engine, None), repeat),
                       peak_memory(lambda: run(engine, None), img.nbytes))
    return row


def verdict(row: dict) -> str:
    goal = next((v for k, v in TARGETS.items() if row["name"].startswith(k)), None)
    if goal is None:
        return ""
    t1, tn, _ = row["native"]
    parts = [f"1 worker ≥ {goal[0]:g}×: {'met' if row['ocio'] / t1 >= goal[0] else '**not met**'}"]
    if goal[1]:
        parts.append(f"all cores ≥ {goal[1]:g}×: {'met' if row['ocio'] / tn >= goal[1] else '**not met**'}")
    return "; ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="3840x2160")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--update-docs", action="store_true")
    args = ap.parse_args()
    w, h = map(int, args.size.split("x"))
    import PyOpenColorIO as ocio
    load = os.getloadavg()[0]
    frames = {"validation image": testimage.rgc_validation_image(w, h), "all beyond threshold": beyond_threshold(w, h)}
    look = ocio.BuiltinTransform("ACES-LMT - ACES 1.3 Reference Gamut Compression")
    rows = []
    for name, img in frames.items():
        proc = ocio_processor(look)
        rows.append(measure(f"RGC, {name}", timed(lambda: proc(img), args.repeat), img,
                            lambda engine, n: rgc.compress(img, workers=n, engine=engine), args.repeat))
    img = frames["validation image"]
    logc = convert(img, "ACES2065-1", "ARRI LogC3 (EI800)").astype(np.float32)
    for name, src, dst, data in (("ACES2065-1 → ACEScg", "ACES2065-1", "ACEScg", img),
                                 ("ARRI LogC3 (EI800) → ACES2065-1", "ARRI LogC3 (EI800)", "ACES2065-1", logc)):
        proc = ocio_processor((src, dst))
        rows.append(measure(name, timed(lambda: proc(data), args.repeat), data,
                            lambda engine, n: convert(data, src, dst, workers=n, engine=engine), args.repeat))
    load = f"{min(load, os.getloadavg()[0]):.1f}–{max(load, os.getloadavg()[0]):.1f}"

    lines = [SECTION, "",
             f"{w}x{h} float32 RGB, median of {args.repeat} runs, on {machine()}; 1-minute load average "
             f"{load} during the run (a shared machine). OpenColorIO {ocio.__version__} CPU processor "
             f"(single-threaded) on the same data; × = OpenColorIO time / aceskit time (above 1: aceskit is "
             f"faster). memcpy: copying the same frame, the floor of any per-pixel pass. Peak memory: largest "
             f"traced allocation during one call with all cores, in frames (input plus output is 2 frames "
             f"with the input counted). Reproduce with `python benchmarks/bench_rgc.py --update-docs`.", "",
             "| operation | memcpy ms | OpenColorIO ms | native 1 worker ms | × | native all cores ms | × "
             "| numpy 1 worker ms | × | numpy all cores ms | × | peak memory native / numpy |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cells = [r["name"], f"{r['memcpy'] * 1e3:.0f}", f"{r['ocio'] * 1e3:.0f}"]
        for engine in ENGINES:
            t1, tn, _ = r[engine]
            cells += [f"{t1 * 1e3:.0f}", f"{r['ocio'] / t1:.2f}", f"{tn * 1e3:.0f}", f"{r['ocio'] / tn:.2f}"]
        cells.append(f"{r['native'][2]:.2f}x / {r['numpy'][2]:.2f}x")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Targets of the native engine (issue 10), in this run:", ""]
    lines += [f"- {r['name']}: {verdict(r)}" for r in rows if verdict(r)]
    lines += [f"- peak memory of `rgc.compress` ≤ 1.2× input plus output: "
              f"{max((1 + r['native'][2]) / 2 for r in rows[:2]):.2f}× "
              f"({'met' if max((1 + r['native'][2]) / 2 for r in rows[:2]) <= 1.2 else '**not met**'})"]
    publish(SECTION, "\n".join(lines) + "\n", args.update_docs)


if __name__ == "__main__":
    main()
