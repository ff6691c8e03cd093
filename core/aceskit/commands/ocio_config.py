"""``aceskit ocio-config``: write an OpenColorIO config with every aceskit color space, the RGC looks and ACES views."""

from __future__ import annotations

from .. import fileio
from ..cli import add_command


def run(args) -> int:
    from .. import ocio
    out = fileio.prepare_output(args.output, overwrite=args.overwrite, suffixes=(".ocio",), what="OUTPUT")
    luts = out.parent / f"{out.stem}_luts"
    if luts.exists() and not luts.is_dir():
        raise fileio.OutputError(f"the LUT folder {luts} is a file; remove it or choose another OUTPUT")
    if luts.is_dir() and any(luts.iterdir()) and not args.overwrite:
        raise fileio.OutputError(f"the LUT folder {luts} exists; pass --overwrite to replace it")
    path = ocio.write_config(out)
    print(f"wrote {path} (use it with: export OCIO={path})")
    return 0


def register(sub) -> None:
    p = add_command(sub, "ocio-config", "Write an OpenColorIO v2 config holding every aceskit color space, the "
                    "ACES Reference Gamut Compression looks and the ACES 2.0 / ACES 1.3 views (for Nuke, "
                    "Resolve, Blender).", "aceskit ocio-config aceskit.ocio")
    p.add_argument("output", metavar="OUTPUT", help="the .ocio file to write (CTF tables go to OUTPUT_luts/)")
    p.add_argument("--overwrite", action="store_true", help="replace the config and its LUTs if they exist")
    p.set_defaults(func=run)
