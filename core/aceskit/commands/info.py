"""``aceskit info``: what an EXR holds, which color space it is in and why, and how much the RGC would touch."""

from __future__ import annotations

import json

import numpy as np

from .. import rgc
from ..cli import add_command, read_exr
from ..convert import plan
from ..pipeline import apply

CMY = ("cyan", "magenta", "yellow")  # the RGC distance of R, G, B


def _plain(value):
    """A header value as JSON data."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _channel(values: np.ndarray) -> dict:
    v = values.astype(np.float64, copy=False)
    finite = v[np.isfinite(v)]
    return {"min": float(finite.min()) if finite.size else None,
            "max": float(finite.max()) if finite.size else None,
            "nan": int(np.isnan(v).sum()), "posinf": int(np.isposinf(v).sum()), "neginf": int(np.isneginf(v).sum())}


def describe(image) -> dict:
    """The facts ``aceskit info`` prints, as JSON data."""
    px = image.pixels
    h, w = px.shape[:2]
    stats = {name: _channel(px[..., i]) for i, name in enumerate(image.channels)}
    ap1, _ = apply(plan(image.colorspace, "ACEScg"), image.rgb, np.float64)
    n = max(1, h * w)
    finite = np.all(np.isfinite(ap1), axis=-1)
    cls = rgc.classify(ap1)
    return {
        "width": w, "height": h, "channels": list(image.channels), "dtype": str(px.dtype),
        "colorspace": image.colorspace, "colorspace_source": image.colorspace_source,
        "stats": stats,
        "outside_ap1": float(np.count_nonzero(finite & np.any(ap1 < 0, axis=-1)) / n),
        "rgc_beyond_threshold": {c: float(np.count_nonzero(cls[..., i] >= 1) / n) for i, c in enumerate(CMY)},
        "rgc_beyond_limit": {c: float(np.count_nonzero(cls[..., i] == 2) / n) for i, c in enumerate(CMY)},
        "header": _plain(dict(image.header)),
    }


def _text(path: str, d: dict) -> str:
    lines = [f"{path}: {d['width']}x{d['height']} {','.join(d['channels'])} {d['dtype']}",
             f"color space: {d['colorspace']} ({d['colorspace_source']})", "header:"]
    lines += [f"  {k}: {v}" for k, v in sorted(d["header"].items())]
    lines.append("channels:")
    for name, s in d["stats"].items():
        rng = "no finite values" if s["min"] is None else f"min {s['min']:.6g}  max {s['max']:.6g}"
        lines.append(f"  {name}: {rng}  NaN {s['nan']}  +Inf {s['posinf']}  -Inf {s['neginf']}")
    lines.append(f"outside AP1 (any ACEScg component < 0): {d['outside_ap1']:.2%} of pixels")
    for key, label in (("rgc_beyond_threshold", "beyond the RGC threshold"),
                       ("rgc_beyond_limit", "beyond the RGC limit")):
        lines.append(f"{label}: " + ", ".join(f"{c} {v:.2%}" for c, v in d[key].items()))
    return "\n".join(lines)


def run(args) -> int:
    image = read_exr(args.file, args.src)
    d = describe(image)
    print(json.dumps({"file": args.file, **d}, indent=2) if args.json else _text(args.file, d))
    return 0


def register(sub) -> None:
    p = add_command(sub, "info", "Show an EXR's header, resolved color space (and why), value ranges, NaN/Inf "
                    "counts and the share of pixels outside AP1 and beyond each RGC threshold.",
                    "aceskit info plate.1001.exr --json")
    p.add_argument("file", metavar="FILE", help="an EXR file")
    p.add_argument("--from", dest="src", metavar="NAME",
                   help="color space to assume when the file's metadata does not say")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)
