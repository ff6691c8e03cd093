"""``aceskit preview``: an EXR (or a sequence, as a contact sheet) through an ACES output transform to PNG."""

from __future__ import annotations

from pathlib import Path

from .. import fileio
from ..cli import CommandError, add_command, read_exr


def _aces(path: str, src):
    from ..convert import convert
    image = read_exr(path, src)
    return convert(image.rgb, image.space, "ACES2065-1")


def run(args) -> int:
    from .. import batch, preview
    if args.threads is not None and args.threads < 1:
        raise CommandError(f"--threads must be at least 1, got {args.threads}")
    if Path(args.output).resolve() == Path(args.input).resolve():
        raise CommandError("OUTPUT must not be the input file")
    config = args.config
    if config and not config.startswith("ocio://") and not Path(config).is_file():
        raise CommandError(f"--config must be an .ocio file or an ocio:// URI, got {config!r}")
    opts = dict(config=config, look=args.look, bits=args.bits)
    fileio.prepare_output(args.output, overwrite=args.overwrite, suffixes=(".png",), what="OUTPUT")
    if args.contact_sheet or args.frames:
        if not args.frames:
            raise CommandError("--contact-sheet needs --frames, e.g. --frames 1001-1010")
        batch.check_pattern(args.input, "INPUT")
        frames = batch.parse_frames(args.frames)
        images = [(str(f), _aces(batch.frame_path(args.input, f), args.src)) for f in frames]
        img = preview.contact_sheet(images, args.display, args.view, args.threads, columns=args.columns,
                                    width=args.width, **opts)
    else:
        img = preview.render(_aces(args.input, args.src), args.display, args.view, args.threads, **opts)
    preview.write_png(args.output, img)
    print(f"wrote {args.output} ({img.shape[1]}x{img.shape[0]}, {args.display} / {args.view})")
    return 0


def register(sub) -> None:
    from ..preview import DEFAULT_DISPLAY, DEFAULT_VIEW
    p = add_command(sub, "preview", "Render an EXR through an ACES output transform (OpenColorIO display/view) "
                    "to a PNG; with --frames, a contact sheet of a sequence.",
                    "aceskit preview plate.1001.exr plate.png --view 'ACES 1.0 - SDR Video'\n  "
                    "aceskit preview 'shot.%04d.exr' sheet.png --frames 1001-1010 --contact-sheet")
    p.add_argument("input", metavar="INPUT", help="an EXR, or a pattern (shot.%%04d.exr, shot.####.exr) with --frames")
    p.add_argument("output", metavar="OUTPUT", help="the PNG to write")
    p.add_argument("--display", default=DEFAULT_DISPLAY, help=f"OpenColorIO display (default {DEFAULT_DISPLAY!r})")
    p.add_argument("--view", default=DEFAULT_VIEW, help=f"OpenColorIO view (default {DEFAULT_VIEW!r})")
    p.add_argument("--look", help="an OpenColorIO look applied first, e.g. 'ACES 1.3 Reference Gamut Compression'")
    p.add_argument("--config", help="an .ocio file or ocio:// URI (default: the aceskit config)")
    p.add_argument("--from", dest="src", metavar="NAME", help="color space to assume when an EXR does not say")
    p.add_argument("--threads", type=int, help="worker threads (default: all cores)")
    p.add_argument("--bits", type=int, choices=(8, 16), default=8, help="PNG bit depth")
    p.add_argument("--frames", help="frames of a sequence, e.g. 1001-1010 or 1001-1100x10")
    p.add_argument("--contact-sheet", action="store_true", help="lay the frames out as a contact sheet")
    p.add_argument("--columns", type=int, help="contact sheet columns (default: about square)")
    p.add_argument("--width", type=int, default=320, help="contact sheet thumbnail width in pixels")
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT if it exists")
    p.set_defaults(func=run)
