"""``aceskit demo``: the main job end to end on built-in data.

1. Writes the RGC validation image as a generator would deliver it (half, DWAB-45,
   ACES2065-1, consistent color metadata) and its RGC version.
2. Measures aceskit's RGC against OpenColorIO's with the implementation guide's metric.
3. Generates a short AP0 sequence, converts it with the RGC to ACEScg on all cores,
   writes and validates the AMF that records the baked RGC, and prints a report.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from ..cli import FAILED, CommandError, add_command


def _scene(frame: int, width: int, height: int) -> np.ndarray:
    """A synthetic AP0 plate: the validation image, exposure drifting and hues rotating per frame."""
    from .. import testimage
    from ..convert import convert
    img = testimage.rgc_validation_image(width, height).astype(np.float64)
    ap1 = convert(img, "ACES2065-1", "ACEScg")
    angle = 0.35 * frame
    rot = np.roll(ap1, frame % 3, axis=-1) * np.cos(angle) ** 2 + ap1 * np.sin(angle) ** 2
    return convert(rot * 2.0 ** (0.25 * np.sin(frame)), "ACEScg", "ACES2065-1").astype(np.float32)


def _ocio_rgc(img: np.ndarray) -> np.ndarray:
    import PyOpenColorIO as ocio
    cfg = ocio.Config.CreateFromFile("ocio://studio-config-latest")
    proc = cfg.getProcessor(ocio.BuiltinTransform("ACES-LMT - ACES 1.3 Reference Gamut Compression"))
    out = np.ascontiguousarray(img, dtype=np.float32).copy()
    proc.getOptimizedCPUProcessor(ocio.OPTIMIZATION_LOSSLESS).applyRGB(out)
    return out


def run(args) -> int:
    from .. import amf, exr, metric, rgc, testimage
    from ..cli import main as cli_main

    out = Path(args.outdir)
    if out.exists() and not out.is_dir():
        raise CommandError(f"OUTDIR {out} exists and is not a folder", FAILED)
    (out / "plates").mkdir(parents=True, exist_ok=True)
    (out / "acescg").mkdir(parents=True, exist_ok=True)
    say = print

    say("aceskit demo: ACES Reference Gamut Compression on generated ACES2065-1 frames\n")
    img = testimage.rgc_validation_image()
    t0 = time.perf_counter()
    compressed = rgc.compress(img)
    t_rgc = time.perf_counter() - t0
    exr.write(out / "validation.exr", img, "ACES2065-1")
    exr.write(out / "validation_rgc.exr", compressed, "ACES2065-1")
    say(f"1. wrote {out / 'validation.exr'} and {out / 'validation_rgc.exr'} "
        f"(1920x1080, half, DWAB 45, ACES2065-1; RGC in {t_rgc * 1000:.0f} ms)")

    check = metric.rangecheck(_ocio_rgc(img), compressed)
    say("2. aceskit RGC against OpenColorIO's ACES 1.3 Reference Gamut Compression (guide Appendix A):")
    say("   " + check.report().replace("\n", "\n   "))
    say("   (pixels whose error |aceskit - OCIO| / max(|OCIO|, 0.1) is below 0 (never), above 0.002, "
        "or within; a pass is 0 and 0)")
    zones = rgc.classify(_ap1(img))
    say(f"   pixels compressed: {np.mean(zones.max(axis=-1) >= 1):.1%}, "
        f"beyond a limit: {np.mean(zones.max(axis=-1) == 2):.1%}")

    frames = range(1001, 1001 + args.frames)
    for f in frames:
        exr.write(out / "plates" / f"plate.{f:04d}.exr", _scene(f, args.width, args.height), "ACES2065-1")
    say(f"3. generated {args.frames} plates {out / 'plates' / 'plate.####.exr'} "
        f"({args.width}x{args.height}, half, DWAB 45, ACES2065-1)")
    amf_path = out / "acescg" / "plate.amf"
    report_path = out / "acescg" / "report.json"
    code = cli_main(["batch", str(out / "plates" / "plate.####.exr"), str(out / "acescg" / "plate_acescg.####.exr"),
                     "--frames", f"{frames[0]}-{frames[-1]}", "--to", "ACEScg", "--rgc", "reference",
                     "--amf", str(amf_path), "--report", str(report_path), "--quiet", "--overwrite"])
    if code != 0:
        raise CommandError(f"the batch conversion failed with exit code {code}; see {report_path}", code)
    summary = json.loads(report_path.read_text())
    summary = summary.get("summary", summary)
    errors = amf.validate(amf_path)
    say(f"4. converted to ACEScg with the RGC baked: {summary.get('ok')} frames ok, "
        f"{summary.get('failed')} failed, {summary.get('frames_per_second')} frames/s; "
        f"RGC changed {summary.get('rgc_changed')} of {summary.get('pixels')} pixels; "
        f"NaN/Inf replaced: {summary.get('nan', 0) + summary.get('posinf', 0) + summary.get('neginf', 0)}")
    rgc_look = amf.read(amf_path).rgc_look()
    say(f"5. AMF {amf_path}: {'valid' if not errors else 'INVALID: ' + '; '.join(errors)} against the "
        f"ACES AMF v2.0 schema; RGC look applied={rgc_look.applied if rgc_look else None}")
    ok = check.ok and not errors and summary.get("failed") == 0
    say("\ndemo " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


def _ap1(img: np.ndarray) -> np.ndarray:
    from ..convert import convert
    return convert(img.reshape(-1, 3), "ACES2065-1", "ACEScg")


def register(sub) -> None:
    p = add_command(sub, "demo", "Run the RGC and the EXR/AMF pipeline on built-in sample data and report.",
                    "aceskit demo demo-output")
    p.add_argument("outdir", nargs="?", default="aceskit-demo", help="output folder (default: aceskit-demo)")
    p.add_argument("--frames", type=int, default=8, help="frames in the generated sequence (default 8)")
    p.add_argument("--width", type=int, default=960, help="sequence width (default 960)")
    p.add_argument("--height", type=int, default=540, help="sequence height (default 540)")
    p.set_defaults(func=run)
