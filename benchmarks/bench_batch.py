"""Batch EXR pipeline: ``aceskit batch`` against ``oiiotool`` on the same UHD DWAB-45 sequence.

Both tools read half-float DWAB-45 ACES2065-1 frames, apply the ACES 1.3 Reference Gamut
Compression, convert to ACEScg and write half DWAB-45, on the same machine in one run:

- aceskit: ``aceskit batch IN OUT --frames 1-N --to ACEScg --rgc reference`` (all cores), with each
  engine: native (the default), numpy (the reference) and ocio;
- oiiotool: ``--ociolook "ACES 1.3 Reference Gamut Compression"`` then ``--colorconvert ACES2065-1
  ACEScg`` with the ACES studio config built into OpenColorIO (its own threads over all cores).

Each tool runs in a fresh process; its wall time gives frames/s and ``RUSAGE_CHILDREN`` gives
the peak resident memory of its largest process (for aceskit: the largest pool worker).  The
outputs are compared frame by frame on decoded pixels with the RGC guide's metric.

Two sequences: ``mixed`` (the RGC validation image at three exposures alternating with generated
scenes) and ``scenes`` (generated scenes only, other seeds: different content).

    python benchmarks/bench_batch.py [--frames 12] [--size 3840x2160] [--repeat 2] [--update-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import aceskit
from report import machine, update_section
from aceskit import exr, metric, testimage

ROOT = Path(__file__).resolve().parents[1]
LOOK = "ACES 1.3 Reference Gamut Compression"
SECTION = "## Batch EXR pipeline"
TARGET_RATIO, TARGET_MEMORY = 1.6, 4.0
CONTENTS = {"mixed": "the RGC validation image at three exposures alternating with generated scenes with neon "
                     "lights far outside AP1",
            "scenes": "generated scenes only (other seeds than the mixed sequence's)"}


def scene(width: int, height: int, seed: int = 0) -> np.ndarray:
    """A generated CG-like frame in ACES2065-1: sky and ground gradients, shaded spheres, neon
    tubes and LED spots far outside AP1 (what the RGC exists for), film-like grain."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    u, v = x / width, y / height
    img = np.empty((height, width, 3), np.float32)
    sky = v < 0.55
    img[sky] = (np.array([0.25, 0.38, 0.9], np.float32) * (1.4 - v[sky, None]))
    img[~sky] = np.array([0.16, 0.12, 0.07], np.float32) * (0.5 + v[~sky, None])
    for _ in range(7):  # shaded spheres, some saturated past AP1
        cx, cy, r = rng.uniform(0.1, 0.9), rng.uniform(0.45, 0.85), rng.uniform(0.04, 0.12)
        d2 = ((u - cx) * width / height) ** 2 + (v - cy) ** 2
        inside = d2 < r * r
        shade = np.sqrt(np.clip(1.0 - d2[inside] / (r * r), 0.0, 1.0))[:, None]
        color = rng.uniform(-0.05, 1.0, 3).astype(np.float32)
        img[inside] = color * (0.1 + 1.4 * shade)
    for _ in range(5):  # neon tubes: thin, bright, beyond the AP1 boundary
        y0, x0, x1 = rng.uniform(0.05, 0.5), rng.uniform(0.0, 0.5), rng.uniform(0.5, 1.0)
        band = (np.abs(v - y0) < 0.004) & (u > x0) & (u < x1)
        glow = np.exp(-np.abs(v - y0) / 0.01)[..., None] * ((u > x0) & (u < x1))[..., None]
        color = np.array(rng.choice([(-0.4, 0.6, 9.0), (6.0, -0.3, 5.0), (-0.5, 4.0, 3.5), (8.0, 0.5, -0.2)]),
                         np.float32)
        img += 0.15 * glow * color
        img[band] = color
    img *= rng.lognormal(0.0, 0.03, img.shape).astype(np.float32)  # grain
    return aceskit.convert(img, "ACEScg", "ACES2065-1").astype(np.float32)


def make_inputs(folder: Path, frames: int, width: int, height: int, distinct: int = 4, content: str = "mixed") -> str:
    """Half DWAB-45 ACES2065-1 frames (see :data:`CONTENTS`); ``distinct`` different frames are made
    and repeated to fill the sequence."""
    chart = testimage.rgc_validation_image(width, height)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in range(1, frames + 1):
            path = folder / f"in.{f:04d}.exr"
            if f > distinct:
                shutil.copyfile(folder / f"in.{(f - 1) % distinct + 1:04d}.exr", path)
                continue
            if content == "scenes":
                img = scene(width, height, seed=100 + f)
            else:
                img = chart * np.float32(2.0 ** ((f % 3) - 1)) if f % 2 else scene(width, height, seed=f)
            exr.write(path, img, "ACES2065-1", compression="dwab", dwa_level=45)
    return str(folder / "in.####.exr")


def timed(cmd: list) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of the whole process tree, peak RSS in MiB of its largest process)
    of a command run in a fresh process."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "r = subprocess.run(sys.argv[1:]); dt = time.perf_counter() - t; "
             "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
             "print(dt, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024); sys.exit(r.returncode)")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{out.stderr}")
    seconds, cpu, rss = out.stdout.split()[-3:]
    return float(seconds), float(cpu), float(rss)


def compare(frames: int, a_pattern: str, b_pattern: str) -> metric.RangeCheck:
    totals = np.zeros(3, dtype=np.int64)
    for f in range(1, frames + 1):
        aim = exr.read(a_pattern.replace("####", f"{f:04d}")).rgb
        actual = exr.read(b_pattern.replace("####", f"{f:04d}")).rgb
        totals += metric.rangecheck(aim, actual)
    return metric.RangeCheck(*map(int, totals))


def stages(folder: Path, frames: int, repeat: int = 3) -> dict:
    """Best-of-``repeat`` seconds per stage on one core, for the first frame of each kind.

    Each engine runs as the pipeline runs it, half pixels in and half pixels out; the native kernel
    converts half -> float and float -> half itself, and the standalone conversions show what they
    cost on their own.  ``check`` is the pipeline's test that the half result needs no second pass.
    """
    from aceskit import rgc
    from aceskit.pipeline import apply, build_chain
    out = {}
    for f, kind in ((1, "first frame"), (2, "second frame")):
        if f > frames:
            continue
        best = {}
        for _ in range(repeat):
            t = {}
            t0 = time.perf_counter()
            img = exr.read(folder / f"in.{f:04d}.exr")
            t["read"] = time.perf_counter() - t0
            rgb = img.pixels
            t0 = time.perf_counter()
            wide = rgb.astype(np.float32)
            t["half_to_float"] = time.perf_counter() - t0
            chain = build_chain(img.colorspace, "ACEScg", rgc.REFERENCE)
            for engine in ("native", "numpy", "ocio"):
                t0 = time.perf_counter()
                result, changed = apply(chain, rgb, np.float16, 1, engine)
                t[engine] = time.perf_counter() - t0
                if engine == "native":
                    kept = result, changed
            result, changed = kept
            t0 = time.perf_counter()
            inside = exr.in_range(result, exr.safe_max("dwab", 45), strict=True)  # the pipeline's test
            t["check"] = time.perf_counter() - t0
            if not inside:  # then the pipeline would run the chain again in float32
                raise SystemExit(f"frame {kind}: the half result needs the pipeline's float32 pass, "
                                 f"which the stage times leave out")
            copy = np.empty_like(wide)
            t0 = time.perf_counter()
            np.copyto(copy, wide)
            t["memcpy"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            wide.astype(np.float16)
            t["float_to_half"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exr.write(folder / "stage.exr", result, "ACEScg", threads=1)
            t["write"] = time.perf_counter() - t0
            best = {k: min(v, best.get(k, np.inf)) for k, v in t.items()}
        best["rgc_changed_share"] = changed / (result.shape[0] * result.shape[1])
        out[kind] = best
    return out


def baseline_mib() -> float:
    """Peak RSS of a process that only imports what a worker imports (started like the tools are)."""
    return timed([sys.executable, "-c", "import aceskit.pipeline, aceskit.exr, OpenEXR"])[2]


def oiiotool_version(oiiotool: str) -> str:
    out = subprocess.run([oiiotool, "--version"], capture_output=True, text=True)
    return out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout else "?"


TOOLS = ("oiiotool", "aceskit", "aceskit_numpy", "aceskit_ocio")
ENGINE = {"aceskit": "native", "aceskit_numpy": "numpy", "aceskit_ocio": "ocio"}
LABELS = {"oiiotool": "oiiotool (OCIO look + colorconvert)", "aceskit": "aceskit batch (native engine, default)",
          "aceskit_numpy": "aceskit batch --engine numpy", "aceskit_ocio": "aceskit batch --engine ocio"}


def commands(inputs: str, out: str, frames: int, workers: int, oiiotool: str, compression: str) -> dict:
    """The command line of each tool, writing to ``out`` with TOOL replaced by the tool's name."""
    cli = shutil.which("aceskit", path=str(Path(sys.executable).parent)) or "aceskit"
    cmds = {"oiiotool": [oiiotool, "--frames", f"1-{frames}", "--colorconfig", "ocio://studio-config-latest",
                         inputs.replace("####", "#"), "--eraseattrib", "acesImageContainerFlag",
                         "--ociolook:from=ACES2065-1:to=ACES2065-1", LOOK, "--colorconvert", "ACES2065-1",
                         "ACEScg", "-d", "half", "--compression", compression,
                         "-o", out.replace("TOOL", "oiiotool").replace("####", "#")]}
    for tool, engine in ENGINE.items():
        cmds[tool] = [cli, "batch", inputs, out.replace("TOOL", tool), "--frames", f"1-{frames}", "--to", "ACEScg",
                      "--rgc", "reference", "--compression", compression, "--engine", engine, "--quiet", "--overwrite"]
        if workers:
            cmds[tool] += ["--workers", str(workers)]
    return cmds


def run(frames: int, width: int, height: int, workers: int, folder: Path, oiiotool: str, repeat: int,
        content: str = "mixed") -> dict:
    inputs = make_inputs(folder, frames, width, height, content=content)
    out = str(folder / "TOOL.####.exr")
    cmds = commands(inputs, out, frames, workers, oiiotool, "dwab:45")
    runs: dict = {t: [] for t in TOOLS}
    load = [os.getloadavg()[0]]
    for _ in range(repeat):  # interleaved, best of each: the machine may be shared
        for tool in TOOLS:
            runs[tool].append(timed(cmds[tool]))
        load.append(os.getloadavg()[0])
    # the same color math without DWA's loss: every tool writing lossless ZIP (first two frames)
    n = min(frames, 2)
    zip_out = str(folder / "zip_TOOL.####.exr")
    for cmd in commands(inputs, zip_out, n, workers, oiiotool, "zip").values():
        timed(cmd)
    frame_f32 = width * height * 3 * 4 / 2**20
    result = {"stages": stages(folder, frames), "baseline_mib": baseline_mib(), "machine": machine(),
              "oiiotool": oiiotool_version(oiiotool), "aceskit": aceskit.__version__,
              "load": f"{min(load):.1f}–{max(load):.1f}", "frames": frames, "size": f"{width}x{height}",
              "workers": workers or os.cpu_count(), "repeat": repeat, "float32_frame_mib": frame_f32,
              "content": content,
              "pixels": frames * width * height, "pixels_lossless": n * width * height, "tools": {}}
    best = {t: min(s for s, _, _ in runs[t]) for t in TOOLS}
    cpu = {t: min(c for _, c, _ in runs[t]) for t in TOOLS}
    for tool in TOOLS:
        peak = max(r for _, _, r in runs[tool])
        entry = {"seconds": best[tool], "fps": frames / best[tool], "all_seconds": [s for s, _, _ in runs[tool]],
                 "cpu_per_frame": cpu[tool] / frames, "cpu_ratio": cpu["oiiotool"] / cpu[tool],
                 "peak_mib": peak, "memory_ratio": peak / frame_f32, "ratio": best["oiiotool"] / best[tool],
                 "command": " ".join(cmds[tool][1:])}
        if tool != "oiiotool":
            entry["rangecheck"] = compare(frames, out.replace("TOOL", "oiiotool"), out.replace("TOOL", tool))._asdict()
            entry["rangecheck_lossless"] = compare(n, zip_out.replace("TOOL", "oiiotool"),
                                                   zip_out.replace("TOOL", tool))._asdict()
        result["tools"][tool] = entry
    return result


def table(r: dict) -> str:
    t = r["tools"]
    rows = [("wall time (best of {}, interleaved)".format(r["repeat"]), lambda e: f"{e['seconds']:.2f} s"),
            ("frames/s", lambda e: f"{e['fps']:.3f}"),
            ("× oiiotool's frames/s", lambda e: f"{e['ratio']:.2f}×"),
            ("CPU seconds per frame (all processes, best run)", lambda e: f"{e['cpu_per_frame']:.2f} s"),
            ("× oiiotool's frames per CPU second", lambda e: f"{e['cpu_ratio']:.2f}×"),
            ("peak memory of the largest process", lambda e: f"{e['peak_mib']:.0f} MiB"),
            ("peak memory / one float32 frame", lambda e: f"{e['memory_ratio']:.2f}×")]
    lines = ["| | " + " | ".join(LABELS[k] for k in TOOLS) + " |", "|---" * (len(TOOLS) + 1) + "|"]
    lines += ["| " + name + " | " + " | ".join(fmt(t[k]) for k in TOOLS) + " |" for name, fmt in rows]
    lines.append("")
    for tool in TOOLS[1:]:
        e = t[tool]
        speed = "met" if e["ratio"] >= TARGET_RATIO else "**not met**"
        memory = "met" if e["memory_ratio"] <= TARGET_MEMORY else "**not met**"
        rc, lz = e["rangecheck"], e["rangecheck_lossless"]
        lines.append(
            f"- {LABELS[tool]}: **{e['ratio']:.2f}×** oiiotool's frames/s (target ≥ {TARGET_RATIO}×: {speed}); "
            f"peak memory **{e['memory_ratio']:.2f}×** one float32 frame of {r['float32_frame_mib']:.0f} MiB "
            f"(target ≤ {TARGET_MEMORY:g}×: {memory}); against oiiotool's output (guide's metric, decoded "
            f"pixels) {rc['below']} below / {rc['above']} above / {rc['within']} within with DWAB-45, "
            f"{lz['below']} / {lz['above']} / {lz['within']} with lossless ZIP output.")
    stage_rows = "\n".join(
        f"| {k} | {v['read']:.2f} | {v['native']:.2f} | {v['numpy']:.2f} | {v['ocio']:.2f} | "
        f"{v['half_to_float']:.2f} | {v['float_to_half']:.2f} | {v['memcpy']:.3f} | {v['check']:.3f} | "
        f"{v['write']:.2f} | {v['rgc_changed_share']:.1%} |" for k, v in r["stages"].items())
    lines += ["", "Where the time goes, one core per stage, best of three, seconds per frame. Each engine "
              "takes the half frame and returns it in half, as the pipeline runs it: the native kernel "
              "does the half → float and float → half steps itself, shown on their own (numpy, on a "
              "float32 frame) beside the memcpy of that frame; the range check decides that the half "
              "result can be written as it is:", "",
              "| frame | read | kernel, native | numpy engine | ocio engine | half → float | float → half | "
              "memcpy (float32) | range check | DWAB-45 write | pixels changed by the RGC |",
              "|---|---|---|---|---|---|---|---|---|---|---|", stage_rows]
    return "\n".join(lines)


def section(results: list) -> str:
    r = results[0]
    parts = [f"""{SECTION}

`python benchmarks/bench_batch.py --frames {r['frames']} --update-docs`: {r['frames']} frames of {r['size']}
half DWAB-45 ACES2065-1 (four distinct frames, repeated) → ACES 1.3 RGC → ACEScg → half DWAB-45, run
by each tool on all cores, interleaved, in one run on {r['machine']}; oiiotool {r['oiiotool']};
aceskit {r['aceskit']} with {r['workers']} worker processes."""]
    for res in results:
        parts.append(f"### Sequence `{res['content']}`: {CONTENTS[res['content']]}\n\n"
                     f"Load average during the run (other jobs included): {res['load']}.\n\n{table(res)}")
    parts.append(f"""Both DWAB outputs are lossy: DWA's DCT turns float32-level differences in its input into visible
steps at a small share of pixels, while with lossless output the color math agrees everywhere.
The machine is shared, so absolute times vary from run to run; the tools run interleaved and
the best run of each counts. CPU seconds (user + system, over every process of the tool) depend
less on the other jobs than wall time does, so the frames-per-CPU-second ratio is the steadier
measure of efficiency; the frames/s ratio is the one the target is stated in.

A worker holds about {r['baseline_mib']:.0f} MiB of interpreter and libraries before it reads a frame;
the rest of its peak is the decoded half frame, the half result and the buffers of
`aceskit.exr.write` (a frame whose half result holds NaN, Inf or values at the write's limit is
computed again in float32, so that the write policy sees the values before rounding). oiiotool
uses the same OpenEXR DWAB encoder. The native engine runs the op chain as one compiled float64
kernel per pixel; the numpy engine, aceskit's reference backend, evaluates the
expression graphs one array operation per node; `--engine ocio` runs the same op chain compiled by
aceskit's CTF backend (`aceskit.targets.ctf`) in OpenColorIO's float32 CPU renderer.
""")
    return "\n\n".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=12,
                    help="frames in the sequence (default 12; four distinct frames, repeated)")
    ap.add_argument("--size", default="3840x2160", help="WIDTHxHEIGHT (default UHD)")
    ap.add_argument("--repeat", type=int, default=2, help="interleaved runs per tool; the best counts (default 2)")
    ap.add_argument("--workers", type=int, default=0, help="aceskit worker processes (default: all cores)")
    ap.add_argument("--oiiotool", default=shutil.which("oiiotool", path=str(Path(sys.executable).parent))
                    or shutil.which("oiiotool") or "oiiotool")
    ap.add_argument("--dir", help="work folder (default: a temporary folder, removed afterwards)")
    ap.add_argument("--update-docs", action="store_true", help="write the section into docs/performance.md")
    ap.add_argument("--json", action="store_true", help="print the raw numbers as JSON")
    ap.add_argument("--sequences", default="mixed,scenes",
                    help=f"comma-separated sequences to run: {', '.join(CONTENTS)} (default: both)")
    args = ap.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="aceskit-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for content in args.sequences.split(","):
            if content not in CONTENTS:
                raise SystemExit(f"--sequences takes {', '.join(CONTENTS)}, got {content!r}")
            sub = folder / content
            sub.mkdir(exist_ok=True)
            results.append(run(args.frames, width, height, args.workers, sub, args.oiiotool, args.repeat, content))
    finally:
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)
    text = section(results)
    print(json.dumps(results, indent=2) if args.json else text)
    if args.update_docs:
        print(f"updated {update_section(SECTION, text)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
