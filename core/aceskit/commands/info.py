"""``aceskit info``: what an EXR holds, which color space it is in and why, and how much the RGC would touch.

The header is printed as OpenEXR names things (``compression: dwab``, ``lineOrder: increasing y``),
with plain values.  Warnings are ``aceskit: warning:`` lines on stderr; with ``--json`` the
output is one JSON document for every file, damaged or unsupported ones included (then with an
``error`` and exit status 1).
"""

from __future__ import annotations

import json
import sys
import warnings
from enum import Enum

import numpy as np

from .. import rgc
from ..cli import FAILED, CommandError, add_command
from ..convert import plan
from ..pipeline import apply

CMY = ("cyan", "magenta", "yellow")  # the RGC distance of R, G, B


def _enum(value) -> str:
    """An OpenEXR enum by its OpenEXR name: DWAB_COMPRESSION -> 'dwab', INCREASING_Y -> 'increasing y'."""
    name = getattr(value, "name", None) or str(value).rsplit(".", 1)[-1]
    if name.endswith("_COMPRESSION"):
        name = name[: -len("_COMPRESSION")]
        return "none" if name == "NO" else name.lower()
    return name.lower().replace("_", " ")


def _plain(value):
    """A header value as JSON data (numbers, strings, lists, dicts)."""
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, float):  # header floats are float32: their shortest decimal form; JSON has no NaN
        return float(f"{value:.7g}") if np.isfinite(value) else str(value)
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, Enum) or type(value).__name__ in ("Compression", "LineOrder", "Storage", "LevelMode",
                                                           "LevelRoundingMode", "Envmap"):
        return _enum(value)
    if type(value).__name__ == "Channel":
        sampling = "" if (value.xSampling, value.ySampling) == (1, 1) else f" {value.xSampling}x{value.ySampling}"
        return value.name + sampling  # its pixel type is known only once pixels are read
    if type(value).__name__ == "TileDescription":
        return {"size": [value.xSize, value.ySize], "levels": _enum(value.mode), "rounding": _enum(value.roundingMode)}
    if type(value).__name__ == "PreviewImage":
        h, w = np.asarray(value.pixels).shape[:2]
        return f"{w}x{h} preview image"
    return " ".join(str(value).split())


def _show(value) -> str:
    """A plain header value as one line of text."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {_show(v)}" for k, v in value.items())
    if isinstance(value, list):  # numbers by spaces (a point), points and names by commas
        numbers = all(isinstance(v, (int, float)) for v in value)
        return (" " if numbers else ", ").join(_show(v) for v in value)
    return str(value)


def _channel(values: np.ndarray) -> dict:
    v = values.astype(np.float64, copy=False)
    finite = v[np.isfinite(v)]
    return {"min": float(finite.min()) if finite.size else None,
            "max": float(finite.max()) if finite.size else None,
            "nan": int(np.isnan(v).sum()), "posinf": int(np.isposinf(v).sum()), "neginf": int(np.isneginf(v).sum())}


def describe(image) -> dict:
    """The facts ``aceskit info`` prints about a read image, as JSON data."""
    px = image.pixels
    h, w = px.shape[:2]
    stats = {name: _channel(px[..., i]) for i, name in enumerate(image.channels)}
    ap1, _ = apply(plan(image.space, "ACEScg"), image.rgb, np.float64)
    n = max(1, h * w)
    finite = np.all(np.isfinite(ap1), axis=-1)
    cls = rgc.classify(ap1)
    return {
        "width": w, "height": h, "channels": list(image.channels), "dtype": str(px.dtype),
        "colorspace": image.colorspace, "colorspace_source": image.colorspace_source,
        "color_layers": [{"part": part, "channels": names} for part, names in image.layers],
        "stats": stats,
        "outside_ap1": float(np.count_nonzero(finite & np.any(ap1 < 0, axis=-1)) / n),
        "rgc_beyond_threshold": {c: float(np.count_nonzero(cls[..., i] >= 1) / n) for i, c in enumerate(CMY)},
        "rgc_beyond_limit": {c: float(np.count_nonzero(cls[..., i] == 2) / n) for i, c in enumerate(CMY)},
        "header": _plain(dict(image.header)),
    }


def _parts(headers: list) -> list:
    return [{"name": h.get("name", ""), "header": _plain(h)} for h in headers]


def _space_line(d: dict) -> str:
    if d["colorspace_source"] == "default":
        return f"color space: untagged: assumed {d['colorspace']} (no chromaticities or colorInteropID; --from NAME " \
               f"or the project's 'untagged' setting say otherwise)"
    return f"color space: {d['colorspace']} ({d['colorspace_source']})"


def _text(path: str, d: dict) -> str:
    lines = [f"{path}: {d['width']}x{d['height']} {','.join(d['channels'])} {d['dtype']}", _space_line(d)]
    if len(d["color_layers"]) > 1:
        lines.append("color layers (all converted together): " + "; ".join(
            (f"{l['part']}: " if l["part"] else "") + ",".join(l["channels"]) for l in d["color_layers"]))
    for i, part in enumerate(d["parts"]):
        title = f"part {i}" + (f" {part['name']!r}" if part["name"] else "") if len(d["parts"]) > 1 else "header"
        lines.append(f"{title}:")
        lines += [f"  {k}: {_show(v)}" for k, v in sorted(part["header"].items()) if k != "name"]
    lines.append("channels:")
    for name, s in d["stats"].items():
        rng = "no finite values" if s["min"] is None else f"min {s['min']:.6g}  max {s['max']:.6g}"
        lines.append(f"  {name}: {rng}  NaN {s['nan']}  +Inf {s['posinf']}  -Inf {s['neginf']}")
    lines.append(f"outside AP1 (any ACEScg component < 0): {d['outside_ap1']:.2%} of pixels")
    for key, label in (("rgc_beyond_threshold", "beyond the RGC threshold"),
                       ("rgc_beyond_limit", "beyond the RGC limit")):
        lines.append(f"{label}: " + ", ".join(f"{c} {v:.2%}" for c, v in d[key].items()))
    return "\n".join(lines)


def _error(exc: BaseException) -> str:
    msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    return " ".join(str(msg).split()) or type(exc).__name__


def run(args) -> int:
    from .. import exr, policy, spaces
    if args.src is not None:
        spaces.get(args.src)  # a bad --from name is a usage error (exit 2), not a damaged file
    untagged = policy.Project.load(args.project).untagged if args.project else exr.UNTAGGED_DEFAULT
    result: dict = {"file": args.file}
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result["parts"] = _parts(exr.read_headers(args.file))
            result.update(describe(exr.read(args.file, colorspace=args.src, untagged=untagged)))
        except Exception as exc:  # info describes every file, damaged ones too, in one line
            error = _error(exc)
    notes = list(dict.fromkeys(str(w.message) for w in caught))
    for note in notes:
        print(f"aceskit: warning: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps({**result, "warnings": notes, **({"error": error} if error else {})}, indent=2,
                         allow_nan=False))
        return FAILED if error else 0
    if error:
        raise CommandError(error, FAILED)
    print(_text(args.file, result))
    return 0


def register(sub) -> None:
    p = add_command(sub, "info", "Show an EXR's header, resolved color space (and why), its color layers, value "
                    "ranges, NaN/Inf counts and the share of pixels outside AP1 and beyond each RGC threshold.",
                    "aceskit info plate.1001.exr --json")
    p.add_argument("file", metavar="FILE", help="an EXR file")
    p.add_argument("--from", dest="src", metavar="NAME",
                   help="color space to assume when the file's metadata does not say")
    p.add_argument("--project", metavar="FILE", help="aceskit project file: its 'untagged' setting")
    p.add_argument("--json", action="store_true", help="print JSON (also for damaged files, with an 'error')")
    p.set_defaults(func=run)
