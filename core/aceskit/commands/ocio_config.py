"""``aceskit ocio-config``: write an OpenColorIO config with every aceskit color space, the RGC looks and ACES views."""

from __future__ import annotations

from ..cli import CommandError, add_command


def run(args) -> int:
    from .. import ocio
    if not args.output.lower().endswith(".ocio"):
        raise CommandError(f"OUTPUT must be a path ending in .ocio, got {args.output!r}")
    path = ocio.write_config(args.output)
    print(f"wrote {path} (use it with: export OCIO={path})")
    return 0


def register(sub) -> None:
    p = add_command(sub, "ocio-config", "Write an OpenColorIO v2 config holding every aceskit color space, the "
                    "ACES Reference Gamut Compression looks and the ACES 2.0 / ACES 1.3 views (for Nuke, "
                    "Resolve, Blender).", "aceskit ocio-config aceskit.ocio")
    p.add_argument("output", metavar="OUTPUT", help="the .ocio file to write (CTF tables go to OUTPUT_luts/)")
    p.set_defaults(func=run)
