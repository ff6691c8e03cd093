"""``aceskit compare``: the RGC implementation guide's Appendix A check between two EXRs."""

from __future__ import annotations

from .. import metric
from ..cli import FAILED, CommandError, add_command, read_exr


def run(args) -> int:
    aim, actual = read_exr(args.aim), read_exr(args.actual)
    if aim.rgb.shape != actual.rgb.shape:
        raise CommandError(f"AIM is {aim.rgb.shape[1]}x{aim.rgb.shape[0]} but ACTUAL is "
                           f"{actual.rgb.shape[1]}x{actual.rgb.shape[0]}; compare images of the same size", FAILED)
    check = metric.rangecheck(aim.rgb, actual.rgb, tol=args.tol)
    print(check.report(args.tol))
    return 0 if check.ok else 1


def register(sub) -> None:
    p = add_command(sub, "compare", "Compare two EXRs with the RGC guide's metric (as 'oiiotool --rangecheck' "
                    "prints it); exits 0 only when every pixel is within.",
                    "aceskit compare aim.exr actual.exr")
    p.add_argument("aim", metavar="AIM.exr", help="the expected image")
    p.add_argument("actual", metavar="ACTUAL.exr", help="the image to check")
    p.add_argument("--tol", type=float, default=0.002, help="relative tolerance above 0.1 (default 0.002)")
    p.set_defaults(func=run)
