"""Preview rendering: ``aceskit.preview`` (row tiles on a thread pool) against one OpenColorIO call.

One synthetic UHD ACES2065-1 frame (the RGC validation image at 3840x2160) goes through the ACES 2.0
SDR 100 nits Rec.709 view of ``ocio://studio-config-latest``:

- OpenColorIO, single call: ``getDefaultCPUProcessor().apply(PackedImageDesc)`` on the whole frame
  (OpenColorIO's CPU path runs on the calling thread);
- aceskit: :func:`aceskit.preview.display_values` with 1 thread and with all cores, and
  :func:`aceskit.preview.render` (the same plus 8-bit quantisation).

The best of ``--repeat`` runs is reported; the threaded result is checked to equal OpenColorIO's.

    python benchmarks/bench_preview.py [--size 3840x2160] [--repeat 3] [--update-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from report import update_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Previews"
CONFIG = "ocio://studio-config-latest"
DISPLAY, VIEW = "sRGB - Display", "ACES 2.0 - SDR 100 nits (Rec.709)"


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def run(width: int, height: int, repeat: int) -> dict:
    import PyOpenColorIO as ocio

    from aceskit import preview, testimage
    frame = testimage.rgc_validation_image(width, height)
    cpu = ocio.Config.CreateFromFile(CONFIG).getProcessor("ACES2065-1", DISPLAY, VIEW, ocio.TRANSFORM_DIR_FORWARD) \
        .getDefaultCPUProcessor()
    direct = frame.copy()

    def ocio_single():
        buf = frame.copy()
        cpu.apply(ocio.PackedImageDesc(buf, width, height, 3))
        direct[...] = buf

    cores = os.cpu_count() or 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    preview.processor(DISPLAY, VIEW, config=CONFIG)  # load the config outside the timing
    t_ocio = best(ocio_single, repeat)
    t_one = best(lambda: preview.display_values(frame, DISPLAY, VIEW, 1, config=CONFIG), repeat)
    t_all = best(lambda: preview.display_values(frame, DISPLAY, VIEW, cores, config=CONFIG), repeat)
    t_png = best(lambda: preview.render(frame, DISPLAY, VIEW, cores, config=CONFIG), repeat)
    same = bool(np.array_equal(preview.display_values(frame, DISPLAY, VIEW, cores, config=CONFIG), direct))
    return {"size": f"{width}x{height}", "cores": cores, "repeat": repeat, "identical": same,
            "ocio_single_call_s": t_ocio, "aceskit_1_thread_s": t_one, "aceskit_threaded_s": t_all,
            "aceskit_render_uint8_s": t_png, "speedup": t_ocio / t_all, "load_average_1min": load,
            "machine": f"{platform.processor() or platform.machine()}, {cores} logical cores, {platform.system()}",
            "versions": f"OpenColorIO {ocio.__version__}, numpy {np.__version__}, Python {platform.python_version()}"}


def section(r: dict) -> str:
    mpix = int(r["size"].split("x")[0]) * int(r["size"].split("x")[1]) / 1e6
    rows = [("OpenColorIO, one call on the whole frame", r["ocio_single_call_s"]),
            ("aceskit.preview, 1 thread (2 row tiles)", r["aceskit_1_thread_s"]),
            (f"aceskit.preview, {r['cores']} threads", r["aceskit_threaded_s"]),
            (f"aceskit.preview.render to uint8, {r['cores']} threads", r["aceskit_render_uint8_s"])]
    lines = [SECTION, "",
             f"One synthetic {r['size']} ACES2065-1 frame (the RGC validation image) through the ACES 2.0 "
             f"`{VIEW}` view of `{CONFIG}` on `{DISPLAY}`; best of {r['repeat']} runs. "
             f"Reproduce with `python benchmarks/bench_preview.py --update-docs`.", "",
             "| Renderer | Time | Mpixel/s |", "|---|---|---|"]
    lines += [f"| {name} | {t:.2f} s | {mpix / t:.1f} |" for name, t in rows]
    lines += ["", f"Threaded aceskit against a single OpenColorIO call: **{r['speedup']:.2f}x**; the threaded "
              f"result is {'bit-identical to' if r['identical'] else 'DIFFERENT from'} OpenColorIO's. "
              f"Machine: {r['machine']} (1-minute load average {r['load_average_1min']:.1f} when the run started)"
              f"; {r['versions']}.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="3840x2160", help="frame size WxH (default UHD)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per renderer; the best is reported")
    ap.add_argument("--update-docs", action="store_true", help="write the section into docs/performance.md")
    ap.add_argument("--json", action="store_true", help="print the raw numbers as JSON")
    args = ap.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    result = run(width, height, max(1, args.repeat))
    text = section(result)
    print(json.dumps(result, indent=2) if args.json else text)
    if args.update_docs:
        print(f"updated {update_section(SECTION, text)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
