"""``aceskit plot``: a frame's chromaticities (before/after the RGC) and a false-color map of what the RGC touches."""

from __future__ import annotations

import json
from pathlib import Path

from .. import fileio
from ..cli import FAILED, CommandError, add_command, read_exr


def run(args) -> int:
    from .. import plot
    from ..convert import convert
    if Path(args.output).resolve() == Path(args.input).resolve():
        raise CommandError("OUTPUT must not be the input file")
    for name in args.camera or []:
        from .. import spaces
        spaces.get(name)
    fileio.prepare_output(args.output, overwrite=args.overwrite, suffixes=(".png",), what="OUTPUT")
    image = read_exr(args.input, args.src)
    cameras = plot.camera_history(image.space) + [c for c in args.camera or []]
    aces = convert(image.rgb, image.space, "ACES2065-1")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CommandError("aceskit plot needs matplotlib: pip install 'aceskit[plot]'", FAILED) from None
    fig = plot.figure(aces, args.kind, size=(args.width, args.height), cameras=cameras,
                      title=f"{Path(args.input).name} ({image.colorspace})")
    plot.save(fig, args.output)
    n = plot.counts(plot.classes(aces))
    if args.json:
        print(json.dumps({"file": args.input, "output": args.output, "pixels": int(aces.shape[0] * aces.shape[1]),
                          "rgc_classes": n}, indent=2))
    else:
        print(f"wrote {args.output}")
        for channel, c in n.items():
            print(f"  {channel}: {c['trust']} in the zone of trust, {c['compressed']} compressed, "
                  f"{c['beyond_limit']} beyond the limit")
    return 0


def register(sub) -> None:
    from ..plot import KINDS
    p = add_command(sub, "plot", "Draw a frame's CIE 1931 chromaticities before and after the RGC (with the "
                    "AP0/AP1/Rec.709/P3/Rec.2020 and camera gamuts) and/or a per-channel false-color map of "
                    "what the RGC compresses (needs matplotlib: pip install 'aceskit[plot]').",
                    "aceskit plot plate.1001.exr plate_gamut.png --kind both")
    p.add_argument("input", metavar="INPUT", help="an EXR file")
    p.add_argument("output", metavar="OUTPUT", help="the PNG to write")
    p.add_argument("--kind", choices=KINDS, default="both", help="which picture (default both)")
    p.add_argument("--from", dest="src", metavar="NAME", help="color space to assume when the EXR does not say")
    p.add_argument("--camera", action="append", metavar="NAME",
                   help="another camera color space whose gamut to draw (repeatable)")
    p.add_argument("--width", type=int, default=1600, help="picture width in pixels")
    p.add_argument("--height", type=int, default=1000, help="picture height in pixels")
    p.add_argument("--json", action="store_true", help="print the RGC class counts as JSON")
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT if it exists")
    p.set_defaults(func=run)
