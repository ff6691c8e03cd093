"""OpenEXR images with trustworthy color metadata (OpenEXR >= 3.4 Python API).

:func:`read` returns an :class:`ExrImage` whose color space is resolved from the header in
this order: ``acesImageContainerFlag`` (SMPTE ST 2065-4), ``colorInteropID`` (OpenEXR 3.4,
ASWF Color Interop Forum), ``chromaticities`` (a registered linear space within 0.001, else a
custom space built from them), then the caller's ``colorspace=``; an untagged file is assumed to
be in the project's ``untagged`` space (ACES2065-1 by default), with a warning.  Every color
layer of every part (views, ``left.R``-style layers, extra RGB layers) is converted by
:meth:`ExrImage.map_color`; layouts that cannot be converted exactly are refused in one sentence.

:func:`write` writes ``chromaticities`` and ``colorInteropID`` that agree, drops every stale
color attribute of the source header, keeps alpha, other channels, custom attributes and
other parts, keeps non-color data lossless, writes ``dwaCompressionLevel`` explicitly, and
handles the half-float / DWA hazards (NaN, ±Inf, values near HALF_MAX) by a counted,
reported policy.  Files are written to a temporary name in the target folder, then renamed.
OpenEXR is imported on use, so ``import aceskit`` needs numpy only.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from dataclasses import dataclass, field
from typing import Optional, Sequence, Union

import numpy as np

from . import chromaticities, fileio, optional, policy, spaces, streams

#: Largest finite half-float value (IEEE 754 binary16).
HALF_MAX = 65504.0
#: Header attributes that describe color; removed from a source header before writing.
COLOR_ATTRIBUTES = ("chromaticities", "colorInteropID", "acesImageContainerFlag", "adoptedNeutral",
                    "whiteLuminance", "oiio:ColorSpace")
#: Header entries the library derives from the pixels or the write options.
_STRUCTURAL = ("channels", "compression", "dwaCompressionLevel", "chunkCount", "version", "name")
COMPRESSIONS = ("none", "rle", "zips", "zip", "piz", "pxr24", "b44", "b44a", "dwaa", "dwab",
                "htj2k32", "htj2k256", "lj2k", "zstd")
NONFINITE_POLICIES = ("sanitize", "keep", "error")
#: Channel base names that DWA compresses with its lossy DCT (measured: OpenEXR 3.5, case-sensitive).
_DWA_LOSSY_NAMES = frozenset(("R", "G", "B", "Y", "RY", "BY"))
SOURCES = ("acesImageContainerFlag", "colorInteropID", "chromaticities", "override", "default")


def _exr():
    return optional.require("OpenEXR", "aceskit.exr", "OpenEXR>=3.4")


def dwa_safe_max(level: float) -> float:
    """Largest magnitude that DWA at ``level`` decodes without turning into Inf.

    DCT ringing pushes values near HALF_MAX past it (openexr#2606); the margin is the one
    published there: ``2048 + 32·level`` up to level 50, ``3624 + 128·(level − 50)`` above
    (level 45 → 62016).  aceskit's own stress test finds the first failures near 64400 at
    level 45, so the margin is conservative.
    """
    level = float(level)
    margin = 2048.0 + 32.0 * level if level <= 50.0 else 3624.0 + 128.0 * (level - 50.0)
    return max(HALF_MAX - margin, 1.0)


def safe_max(codec: str, level: Optional[float], half: bool = True) -> float:
    """Largest magnitude :func:`write` stores as it is for ``codec`` (a :func:`parse_compression`
    name) at DWA ``level``; beyond it the ``nonfinite`` policy applies."""
    if codec in ("dwaa", "dwab"):
        return dwa_safe_max(level or 0.0)
    return HALF_MAX if half else float(np.finfo(np.float32).max)


def in_range(values: np.ndarray, limit: float, *, strict: bool = False) -> bool:
    """Is every value within ±``limit`` (strictly inside with ``strict``)?  NaN is not.

    Half floats are compared as integers (numpy's float16 max is about 40x slower): a half's
    magnitude orders like its 15 low bits, and its sign is the 16th.
    """
    if values.size == 0:
        return True
    if values.dtype != np.float16:
        if strict:
            return bool(values.max() < limit and values.min() > -limit)
        return bool(values.max() <= limit and values.min() >= -limit)  # NaN fails both comparisons
    top = np.float16(min(limit, HALF_MAX))  # the largest half allowed
    if float(top) > limit or (strict and float(top) >= limit):
        top = np.nextafter(top, np.float16(0))
    bits = int(top.view(np.uint16))  # NaN and Inf have larger magnitude bits than any finite half
    return bool(values.view(np.int16).max() <= bits and values.view(np.uint16).max() <= 0x8000 + bits)


def _base(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def is_lossy(compression: str, channel: str, dtype) -> bool:
    """Whether ``compression`` changes the values of ``channel`` stored as ``dtype`` (measured, 3.5)."""
    dt = np.dtype(dtype)
    if dt.kind == "u":
        return False
    if compression in ("dwaa", "dwab"):
        return _base(channel) in _DWA_LOSSY_NAMES
    if compression in ("b44", "b44a"):
        return dt == np.float16
    if compression == "pxr24":
        return dt == np.float32
    return compression == "lj2k"


def parse_compression(compression: str, dwa_level: Optional[float] = None) -> tuple[str, Optional[float]]:
    """``"dwab"``, ``"dwab:45"``, ``"ZIP"`` ... -> (name, dwa level or None)."""
    if not isinstance(compression, str):
        raise ValueError(f"compression must be one of {', '.join(COMPRESSIONS)}, got {compression!r}")
    name, _, lvl = compression.strip().lower().partition(":")
    name = name.removesuffix("_compression")
    if name not in COMPRESSIONS:
        raise ValueError(f"compression must be one of {', '.join(COMPRESSIONS)}, got {compression!r}")
    if lvl:
        if name not in ("dwaa", "dwab"):
            raise ValueError(f"only dwaa/dwab take a level, got compression {compression!r}")
    given = lvl or dwa_level
    if name not in ("dwaa", "dwab"):
        return name, None
    try:
        level = float(45.0 if given is None else given)
    except (TypeError, ValueError):
        raise ValueError(f"dwa_level must be a number >= 0, got {given!r}") from None
    if not (np.isfinite(level) and level >= 0.0):
        raise ValueError(f"dwa_level must be a number >= 0, got {given!r}")
    return name, level


# ---------------------------------------------------------------------------------------------
# Color layers
# ---------------------------------------------------------------------------------------------
#: What an untagged file (no chromaticities, colorInteropID or ACES flag) is assumed to be by default.
UNTAGGED_DEFAULT = policy.UNTAGGED_CHOICES[0]


def color_layers(channels: dict, where: str = "part") -> list:
    """The color layers of a part's ``channels`` (name -> plane): ``[prefix+R, G, B(, A)]`` or ``[prefix+Y(, A)]``.

    A layer is the channel name up to its last dot.  It is color when it has R, G and B, or Y
    without R, G, B; its A rides along.  Layers with only some of R, G, B are data.  Layers that
    look like color but cannot be converted exactly (luminance/chroma RY/BY, Y next to RGB,
    integer color channels) raise ``ValueError`` naming the layer.  The plain layer comes first.
    """
    groups: dict = {}
    for n in channels:
        prefix = n[: n.rfind(".") + 1]
        groups.setdefault(prefix, set()).add(n[len(prefix):])
    out = []
    for prefix in sorted(groups):
        have = groups[prefix]
        label = f"layer {prefix[:-1]!r}" if prefix else "the default layer"
        rgb = {"R", "G", "B"} <= have
        if have & {"RY", "BY"}:
            raise ValueError(f"{where}: {label} stores luminance/chroma (Y, RY, BY), which aceskit does not convert")
        if rgb and "Y" in have:
            raise ValueError(f"{where}: {label} has both R, G, B and Y; aceskit cannot tell which to convert")
        if not rgb and "Y" not in have:
            continue
        names = [prefix + c for c in ("RGB" if rgb else "Y")]
        if any(np.asarray(channels[n]).dtype.kind != "f" for n in names):
            raise ValueError(f"{where}: {label} has integer color channels, which aceskit does not convert")
        out.append(names + ([prefix + "A"] if "A" in have else []))
    return out


# ---------------------------------------------------------------------------------------------
# The image
# ---------------------------------------------------------------------------------------------
@dataclass
class Part:
    """A part (or a group of channels) carried through untouched: header, channels, name."""

    name: str
    header: dict
    channels: dict  # channel name -> 2-D ndarray


def _replace_layer(channels: dict, names: list, rgb: np.ndarray) -> dict:
    """``channels`` with the color layer ``names`` replaced by ``rgb`` (a Y layer becomes R, G, B)."""
    prefix = names[0][:-1]
    out = {}
    for n, px in channels.items():
        if n == names[0]:
            out.update({prefix + c: rgb[..., i] for i, c in enumerate("RGB")})
        elif n not in names[:3] or n == prefix + "A":
            out[n] = px
    return out


@dataclass
class ExrImage:
    """One EXR image: the color (and alpha) channels as ``pixels`` plus everything else.

    ``pixels`` is (H, W, C) in the stored precision with ``channels`` naming the last axis
    (``R G B [A]`` or ``Y [A]``, possibly layer-prefixed): the primary color layer.  ``extra``
    holds the chosen part's other channels (other views and color layers too); ``other_parts``
    the file's other parts; ``header`` the chosen part's header.  ``colorspace`` may be a
    registered name or a ``custom chromaticities (…)`` name (see :mod:`aceskit.chromaticities`).
    """

    pixels: np.ndarray
    channels: list
    header: dict = field(default_factory=dict)
    colorspace: str = "ACES2065-1"
    colorspace_source: str = "default"
    other_parts: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    part_name: str = ""
    part_index: int = 0
    path: Optional[str] = None

    def __post_init__(self):
        px = np.asarray(self.pixels)
        if px.ndim != 3 or px.shape[-1] != len(self.channels):
            raise ValueError(f"pixels must be (H, W, {len(self.channels)}) for channels {self.channels}, "
                             f"got shape {px.shape}")
        self.pixels = px

    def _index(self, base: str) -> Optional[int]:
        for i, c in enumerate(self.channels):
            if _base(c) == base:
                return i
        return None

    def _at(self, base: str) -> int:
        i = self._index(base)
        if i is None:
            raise ValueError(f"the image has no {base} channel (channels: {self.channels})")
        return i

    @property
    def space(self) -> spaces.ColorSpace:
        """The :class:`aceskit.spaces.ColorSpace` of ``colorspace`` (custom chromaticities included)."""
        return chromaticities.get(self.colorspace)

    @property
    def is_luminance(self) -> bool:
        return self._index("R") is None and self._index("Y") is not None

    @property
    def alpha(self) -> Optional[np.ndarray]:
        i = self._index("A")
        return None if i is None else self.pixels[..., i]

    @property
    def rgb(self) -> np.ndarray:
        """(H, W, 3) copy of R, G, B (a luminance-only image repeats Y)."""
        rgb = self._rgb()
        return rgb.copy() if np.may_share_memory(rgb, self.pixels) else rgb

    def _rgb(self) -> np.ndarray:
        """R, G, B as (H, W, 3): a view of ``pixels`` where they are adjacent in that order, else a copy."""
        if self.is_luminance:
            return np.repeat(self.pixels[..., [self._at("Y")]], 3, axis=-1)
        r, g, b = (self._at(c) for c in "RGB")
        return self.pixels[..., r:r + 3] if (g, b) == (r + 1, r + 2) else self.pixels[..., [r, g, b]]

    @property
    def layers(self) -> list:
        """Every color layer as (part name, channel names): the primary first, then ``extra``, then other parts."""
        out = [(self.part_name, list(self.channels))]
        out += [(self.part_name, names) for names in color_layers(self.extra)]
        return out + [(p.name, names) for p in self.other_parts for names in color_layers(p.channels)]

    def with_rgb(self, rgb, colorspace: Optional[str] = None) -> "ExrImage":
        """A copy whose color channels are ``rgb`` (H, W, 3); alpha, extras, parts and attributes kept.

        Only for an image with one color layer: relabelling other layers that were not converted
        would be a lie (use :meth:`map_color`).
        """
        if len(self.layers) > 1:
            others = [n[0] for _, n in self.layers[1:]]
            raise ValueError(f"the image has other color layers ({', '.join(others)}); convert them all with "
                             f"map_color()")
        return self._with_rgb(rgb, colorspace)

    def _with_rgb(self, rgb, colorspace: Optional[str], owned: bool = False) -> "ExrImage":
        """``owned``: ``rgb`` is a new array nothing else holds, which may become the pixels as it is."""
        new = np.asarray(rgb)
        if new.shape != self.pixels.shape[:2] + (3,):
            raise ValueError(f"rgb must have shape {self.pixels.shape[:2] + (3,)}, got {new.shape}")
        if new.dtype.kind != "f":
            raise ValueError(f"rgb must be a float array, got dtype {new.dtype}")
        dtype = np.result_type(new.dtype, self.pixels.dtype) if self.pixels.dtype.kind == "f" else new.dtype
        if self.is_luminance:
            prefix = self.channels[self._at("Y")][:-1]
            names = [prefix + c for c in "RGB"]
        else:
            names = [self.channels[self._at(c)] for c in "RGB"]
        keep = [i for i, c in enumerate(self.channels) if _base(c) not in ("R", "G", "B", "Y")]
        if keep or not owned or np.may_share_memory(new, self.pixels):
            pixels = np.concatenate([new.astype(dtype, copy=False), self.pixels[..., keep].astype(dtype)], axis=-1)
        else:  # RGB only: the result as it is (a half result of a float frame stays half), not a second frame
            pixels = np.ascontiguousarray(new)
        cs = self.colorspace if colorspace is None else chromaticities.get(colorspace).name
        return dataclasses.replace(self, pixels=pixels, channels=names + [self.channels[i] for i in keep],
                                   colorspace=cs,
                                   colorspace_source=self.colorspace_source if colorspace is None else "override")

    def map_color(self, fn, colorspace: Optional[str] = None) -> "ExrImage":
        """A copy with ``fn`` ((H, W, 3) -> (H, W, 3)) applied to every color layer of every part.

        Views, ``left.R``-style layers and extra RGB layers are converted with the primary; Y
        layers become R, G, B; alpha and non-color channels are kept as they are.  ``fn`` may be
        given a view of this image's pixels: it must return a new array, not change its argument.
        """
        new = self._with_rgb(fn(self._rgb()), colorspace, owned=True)
        extra = dict(self.extra)
        for names in color_layers(self.extra):
            extra = _replace_layer(extra, names, fn(_layer_rgb(self.extra, names)))
        parts = []
        for p in self.other_parts:
            channels = dict(p.channels)
            for names in color_layers(p.channels):
                channels = _replace_layer(channels, names, fn(_layer_rgb(p.channels, names)))
            parts.append(Part(p.name, p.header, channels))
        return dataclasses.replace(new, extra=extra, other_parts=parts)


def _layer_rgb(channels: dict, names: list) -> np.ndarray:
    """(H, W, 3) RGB of a color layer (a Y layer repeated)."""
    planes = [channels[n] for n in names[:3]] if len(names) > 1 and _base(names[1]) == "G" else [channels[names[0]]] * 3
    dtype = np.result_type(*[p.dtype for p in planes])
    return np.stack([p.astype(dtype, copy=False) for p in planes], axis=-1)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------
def _chromaticities(header: dict) -> Optional[list]:
    c = header.get("chromaticities")
    if c is None:
        return None
    return [float(str(np.float32(v))) for v in np.asarray(c, dtype=np.float64).reshape(-1)]  # as written


def resolve_colorspace(header: dict, colorspace: Optional[str] = None, *, force: bool = False,
                       where: str = "header", untagged: str = UNTAGGED_DEFAULT,
                       custom: bool = False) -> tuple[str, str]:
    """(space name, source) for a header; see the module docstring for the order.

    ``colorspace`` is used only when the header says nothing recognisable (``force=True`` makes it
    win); a conflict between the two is reported with a warning, never silently.  ``custom=True``
    turns chromaticities that match no registered space into a ``custom chromaticities (…)``
    space (:mod:`aceskit.chromaticities`); without it they count as no metadata.  ``untagged``
    is the space an untagged file is assumed to be in (source ``"default"``).
    """
    override = None if colorspace is None else chromaticities.get(colorspace).name
    if force and override:
        return override, "override"
    found: Optional[tuple[str, str]] = None
    flag = header.get("acesImageContainerFlag")
    if flag is not None and int(flag) == 1:
        found = ("ACES2065-1", "acesImageContainerFlag")
    if found is None and header.get("colorInteropID"):
        iid = str(header["colorInteropID"])
        s = spaces.find_by_interop_id(iid)
        if s is None and not iid.startswith("ocio:"):
            s = spaces.find_by_interop_id("ocio:" + iid)
        if s is not None:
            found = (s.name, "colorInteropID")
        else:
            warnings.warn(f"{where}: colorInteropID {iid!r} is not in the aceskit registry; ignored", stacklevel=3)
    chroma = _chromaticities(header)
    if found is None and chroma is not None:
        s = spaces.find_by_chromaticities(chroma, tol=0.001)
        if s is None and custom:
            s = chromaticities.space_for(chroma)
        if s is not None:
            found = (s.name, "chromaticities")
    if found is not None:
        if override and override != found[0]:
            warnings.warn(f"{where}: {found[1]} says {found[0]!r}; {override!r} ignored "
                          f"(the file's metadata wins)", stacklevel=3)
        return found
    if override:
        return override, "override"
    assumed = spaces.get(untagged).name
    why = "untagged input (no chromaticities, colorInteropID or acesImageContainerFlag)" if chroma is None else \
        f"{where}: chromaticities {chroma} match no registered space"
    warnings.warn(f"{why}: assumed {assumed}", stacklevel=3)
    return assumed, "default"


def _open(path: str, header_only: bool, separate: bool = True, messages: Optional[list] = None):
    """``OpenEXR.File``; what the library prints is appended to ``messages``, never shown."""
    OpenEXR = _exr()
    messages = [] if messages is None else messages
    try:
        with streams.captured(messages):
            return OpenEXR.File(path, separate_channels=separate, header_only=header_only)
    except Exception as e:
        if not separate and "coalesce" in str(e):  # R, G, B of different pixel types
            return _open(path, header_only, True, messages)
        raise ValueError(f"{path}: not a readable OpenEXR file ({streams.one_line(e, messages, path)})") from None


def _planes(part) -> dict:
    """Channel name -> 2-D plane; the binding groups R,G,B(,A) as "RGB"/"RGBA" or "<layer>"."""
    out = {}
    for key, ch in part.channels.items():
        px = ch.pixels
        if px is not None and px.ndim == 3:
            prefix = "" if key in ("RGB", "RGBA") else key + "."
            for i, comp in enumerate("RGBA"[:px.shape[-1]]):
                out[prefix + comp] = px[..., i]
        else:
            out[key] = px
    return out


def _grouped(part, names: list) -> Optional[np.ndarray]:
    """The binding's interleaved (H, W, 3|4) array when it holds exactly ``names``, else None."""
    for key, ch in part.channels.items():
        px = ch.pixels
        if px is not None and px.ndim == 3:
            prefix = "" if key in ("RGB", "RGBA") else key + "."
            if [prefix + c for c in "RGBA"[:px.shape[-1]]] == names:
                return px
    return None


def _kind(header: dict) -> str:
    return str(header.get("type", "")).rsplit(".", 1)[-1]


def read_headers(path: Union[str, os.PathLike]) -> list:
    """The header of every part (no pixels); ``ValueError`` for a file that is not a readable EXR."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"EXR file not found: {path}")
    with open(path, "rb") as fh:
        if fh.read(4) != b"\x76\x2f\x31\x01":
            raise ValueError(f"{path}: not an OpenEXR file (bad magic number)")
    return [dict(p.header) for p in _open(path, True).parts]


def read(path: Union[str, os.PathLike], colorspace: Optional[str] = None, *, force: bool = False,
         untagged: str = UNTAGGED_DEFAULT) -> ExrImage:
    """Read an EXR: every part and channel, the primary color layer, and the resolved color space.

    The primary layer is the first part's plain R, G, B (else the first RGB layer, else Y);
    the part's other channels are in ``extra``, the other parts in ``other_parts``.
    ``colorspace`` is a fallback for files without color metadata (``force=True``: it wins),
    ``untagged`` what a file without any is assumed to be.  Deep data, subsampled channels and
    color parts in different spaces are refused with ``ValueError``.
    """
    path = os.fspath(path)
    headers = read_headers(path)
    deep = [i for i, h in enumerate(headers) if "deep" in _kind(h).lower()]
    if deep:
        raise ValueError(f"{path}: deep data (part {', '.join(map(str, deep))}) is not supported")
    messages: list = []
    f = _open(path, False, False, messages)  # interleaved RGB(A) decodes faster than separate planes
    if len(f.parts) != len(headers) or any(not p.channels or any(c.pixels is None for c in p.channels.values())
                                           for p in f.parts):
        said = f": {streams.one_line(Exception(), messages, path)}" if messages else ""
        raise ValueError(f"{path}: truncated or corrupt OpenEXR file (pixel data could not be decoded{said})")
    sub = [n for p in f.parts for n, c in p.channels.items() if (c.xSampling, c.ySampling) != (1, 1)]
    if sub:
        raise ValueError(f"{path}: subsampled channels ({', '.join(sub)}) are not supported")
    planes = [_planes(p) for p in f.parts]
    names_of = [(p.name() or f"part {i}") for i, p in enumerate(f.parts)]
    layers = [color_layers(pl, f"{path}: part {names_of[i]!r}" if len(planes) > 1 else path)
              for i, pl in enumerate(planes)]
    candidates = [(i, ls[0]) for i, ls in enumerate(layers) if ls]
    if not candidates:
        raise ValueError(f"{path}: no part has R, G, B or Y channels")
    index, names = next(((i, n) for i, n in candidates if _base(n[0]) == "R"), candidates[0])
    part = f.parts[index]
    header = dict(part.header)
    pixels = _grouped(part, names)
    if pixels is None:
        dtype = np.result_type(*[planes[index][n].dtype for n in names])
        pixels = np.stack([planes[index][n].astype(dtype, copy=False) for n in names], axis=-1)
    extra = {n: px for n, px in planes[index].items() if n not in names}
    others = [Part(p.name() or f"part{i}", dict(p.header), planes[i]) for i, p in enumerate(f.parts) if i != index]
    name, source = resolve_colorspace(header, colorspace, force=force, where=path, untagged=untagged, custom=True)
    for i, p in enumerate(f.parts):
        if i == index or not layers[i] or force:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            other, how = resolve_colorspace(dict(p.header), custom=True)
        if how != "default" and other != name:
            raise ValueError(f"{path}: part {names_of[i]!r} is in {other} but part {names_of[index]!r} in {name}; "
                             f"aceskit converts files whose color parts share one color space")
    return ExrImage(pixels, list(names), header, name, source, others, extra, part.name() or "", index, path)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------
@dataclass
class WriteReport:
    """What :func:`write` did: NaN/±Inf found in the color channels, values clamped, parts moved."""

    path: str
    colorspace: str
    interop_id: Optional[str]
    compression: str
    dwa_level: Optional[float]
    half: bool
    nonfinite: str
    limit: float
    nan: int = 0
    posinf: int = 0
    neginf: int = 0
    clamped: int = 0
    moved_channels: tuple = ()
    recompressed_parts: tuple = ()
    parts: int = 1
    bytes: int = 0

    @property
    def changed(self) -> int:
        """Number of values :func:`write` altered (``nonfinite="keep"`` leaves NaN/Inf as found)."""
        return self.clamped + (0 if self.nonfinite == "keep" else self.nan + self.posinf + self.neginf)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["moved_channels"], d["recompressed_parts"] = list(self.moved_channels), list(self.recompressed_parts)
        return d


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _box(w: int, h: int, x0: int = 0, y0: int = 0):
    return (np.array([x0, y0], dtype=np.int32), np.array([x0 + w - 1, y0 + h - 1], dtype=np.int32))


def _policy(values: np.ndarray, limit: float, nonfinite: str, lossless: bool, where: str):
    """(counts, values) after the NaN/Inf/range policy; ``values`` is copied only when changed."""
    zero = dict(nan=0, posinf=0, neginf=0, clamped=0)
    if in_range(values, limit):
        return zero, values
    bad = ~(np.abs(values) <= limit)  # NaN, ±Inf and finite overflow: usually a handful of values
    sub = values[bad]
    nan, pos, neg = np.isnan(sub), np.isposinf(sub), np.isneginf(sub)
    over = ~(nan | pos | neg)
    counts = dict(nan=int(nan.sum()), posinf=int(pos.sum()), neginf=int(neg.sum()), clamped=int(over.sum()))
    if nonfinite == "error":
        raise ValueError(f"{where}: {counts['nan']} NaN, {counts['posinf']} +Inf, {counts['neginf']} -Inf and "
                         f"{counts['clamped']} values beyond ±{limit:g} with nonfinite='error'")
    if nonfinite == "keep":
        if not lossless and not over.all():
            raise ValueError(f"{where}: nonfinite='keep' needs a compression that is lossless for the color "
                             f"channels (NaN/Inf do not survive it); use nonfinite='sanitize' or a lossless codec")
        fixed = np.where(over, np.copysign(limit, sub), sub)
    else:
        fixed = np.where(nan, 0.0, np.copysign(limit, sub))
    values = np.array(values, dtype=np.result_type(values.dtype, np.float32))
    values[bad] = fixed
    return counts, values


def _codec_enum(OpenEXR, codec: str):
    return getattr(OpenEXR, "NO_COMPRESSION" if codec in ("none", "no") else f"{codec.upper()}_COMPRESSION")


def _one_level(OpenEXR, header: dict) -> Optional[str]:
    """Make a tiled header one-level (the binding writes level 0 only); the dropped mode's name, if any."""
    tiles = header.get("tiles")
    if tiles is None or tiles.mode == OpenEXR.ONE_LEVEL:
        return None
    dropped = "mip-map" if tiles.mode == OpenEXR.MIPMAP_LEVELS else "rip-map"
    one = OpenEXR.TileDescription()
    one.xSize, one.ySize, one.mode, one.roundingMode = tiles.xSize, tiles.ySize, OpenEXR.ONE_LEVEL, tiles.roundingMode
    header["tiles"] = one
    return dropped


def _clean_header(header: dict) -> dict:
    return {k: v for k, v in header.items() if k not in _STRUCTURAL and k not in COLOR_ATTRIBUTES}


def write(path: Union[str, os.PathLike], image: Union[ExrImage, np.ndarray], colorspace: Optional[str] = None,
          compression: str = "dwab", dwa_level: Optional[float] = 45, half: bool = True, *,
          aces_container: bool = False, nonfinite: str = "sanitize", sources: Sequence[Union[str, os.PathLike]] = (),
          attributes: Optional[dict] = None, threads: int = -1) -> WriteReport:
    """Write ``image`` (an :class:`ExrImage` or an (H, W, 3|4) array) as ``colorspace``.

    ``compression`` names a codec (``"dwab"``, ``"dwab:45"``, ``"zip"``, ...) for the color part;
    channels and parts it would alter that are not color go to lossless ZIP.  ``half`` stores
    the color channels as half floats (else float32).  ``nonfinite`` decides NaN/±Inf/overflow:

    - ``"sanitize"`` (default): NaN -> 0, ±Inf and |x| beyond the safe maximum -> ±safe maximum
      (:data:`HALF_MAX` for half, :func:`dwa_safe_max` under DWA);
    - ``"keep"``: NaN/±Inf stay (lossless codecs only); finite overflow is still clamped;
    - ``"error"``: raise instead of changing anything.

    Changes are counted in the returned :class:`WriteReport` and announced with a warning.
    ``aces_container=True`` writes an SMPTE ST 2065-4 file (uncompressed, half, ACES2065-1,
    ``acesImageContainerFlag=1``).  The file is never one of ``sources`` or the image's own path.
    """
    OpenEXR = _exr()
    path = os.fspath(path)
    if nonfinite not in NONFINITE_POLICIES:
        raise ValueError(f"nonfinite must be one of {', '.join(NONFINITE_POLICIES)}, got {nonfinite!r}")
    codec, level = parse_compression(compression, dwa_level)
    if not isinstance(image, ExrImage):
        arr = np.asarray(image)
        if arr.ndim != 3 or arr.shape[-1] not in (3, 4) or arr.dtype.kind != "f":
            raise ValueError(f"image must be an ExrImage or a float (H, W, 3|4) array, got "
                             f"{getattr(arr, 'dtype', '?')} {getattr(arr, 'shape', '?')}")
        if colorspace is None:
            raise ValueError("colorspace must name the color space of an array image (e.g. 'ACEScg')")
        image = ExrImage(arr, list("RGBA"[:arr.shape[-1]]))
    cs = chromaticities.get(colorspace if colorspace is not None else image.colorspace)
    for src in [*(os.fspath(s) for s in sources), *([image.path] if image.path else [])]:
        if os.path.exists(path) and _same_file(path, src):
            raise ValueError(f"refusing to overwrite the input file {path}; choose another output path")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"output folder does not exist: {folder}")
    if aces_container:
        bad = [m for m, ok in (("compression 'none'", codec == "none"), ("half=True", half),
                               ("colorspace ACES2065-1", cs.name == "ACES2065-1"),
                               ("no extra channels or parts", not image.extra and not image.other_parts))
               if not ok]
        if bad:
            raise ValueError(f"aces_container=True (SMPTE ST 2065-4) requires {', '.join(bad)}")

    # -- color channels: precision, then the NaN/Inf/range policy -------------------------------
    dtype = np.float16 if half else np.float32
    dwa = codec in ("dwaa", "dwab")
    limit = safe_max(codec, level, half)
    extra_color = [n for names in color_layers(image.extra) for n in names]
    part_color = [[n for names in color_layers(p.channels) for n in names] for p in image.other_parts]
    lossless = not any(is_lossy(codec, c, dtype) for c in [*image.channels, *extra_color, *sum(part_color, [])])
    counts = dict(nan=0, posinf=0, neginf=0, clamped=0)

    def encode(values: np.ndarray) -> np.ndarray:
        found, values = _policy(values, limit, nonfinite, lossless, path)
        for k, n in found.items():
            counts[k] += n
        return np.ascontiguousarray(values, dtype=dtype)

    header = _clean_header(image.header)
    for k, v in (attributes or {}).items():
        if k in COLOR_ATTRIBUTES or k in _STRUCTURAL:
            raise ValueError(f"attributes may not set {k!r}; write() derives it")
        header[k] = v
    h, w = image.pixels.shape[:2]
    dw = header.get("dataWindow")
    if dw is None or (int(dw[1][0] - dw[0][0] + 1), int(dw[1][1] - dw[0][1] + 1)) != (w, h):
        header["dataWindow"] = _box(w, h)
        header["displayWindow"] = _box(w, h)
    header["compression"] = _codec_enum(OpenEXR, codec)
    if dwa:
        header["dwaCompressionLevel"] = float(level or 0.0)
    header["chromaticities"] = tuple(float(x) for x in cs.chromaticities)
    if cs.interop_id:
        header["colorInteropID"] = cs.interop_id
    if aces_container:
        header["acesImageContainerFlag"] = 1
        header["adoptedNeutral"] = (float(cs.chromaticities[6]), float(cs.chromaticities[7]))
        header["type"] = OpenEXR.scanlineimage
        header.pop("tiles", None)

    # OpenEXR's Python binding ignores numpy strides: every array must be C-contiguous.  Plain RGB(A)
    # goes interleaved (the binding encodes that faster than separate planes).
    stored = encode(image.pixels)
    if image.channels in (list("RGB"), list("RGBA")):
        channels = {"".join(image.channels): stored}
    else:
        channels = {c: np.ascontiguousarray(stored[..., i]) for i, c in enumerate(image.channels)}
    moved: dict[str, dict] = {}
    for c, px in image.extra.items():
        if c in extra_color:
            channels[c] = encode(px)
        elif is_lossy(codec, c, px.dtype):
            moved.setdefault(c.rsplit(".", 1)[0] if "." in c else "data", {})[c] = np.ascontiguousarray(px)
        else:
            channels[c] = np.ascontiguousarray(px)
    part_name = image.part_name or "rgba"
    parts = [(0, Part(part_name, header, channels))]  # the color part first: single-part readers see it
    recompressed = []
    for i, (p, color) in enumerate(zip(image.other_parts, part_color)):
        ph = _clean_header(p.header)
        if color:  # converted with the primary: the output space and encoding
            if cs.interop_id:
                ph["colorInteropID"] = cs.interop_id
            comp, lvl = codec, level
        else:  # passed through: its own ID (e.g. 'data') and codec
            if p.header.get("colorInteropID"):
                ph["colorInteropID"] = p.header["colorInteropID"]
            comp = str(p.header.get("compression", "")).rsplit(".", 1)[-1].lower().removesuffix("_compression")
            lvl = p.header.get("dwaCompressionLevel")
        if any(is_lossy(comp, c, px.dtype) for c, px in p.channels.items() if c not in color):
            comp = "zip"
            recompressed.append(p.name)
        ph["compression"] = _codec_enum(OpenEXR, comp or "zip")
        if comp in ("dwaa", "dwab") and lvl is not None:
            ph["dwaCompressionLevel"] = float(lvl)
        chans = {c: encode(px) if c in color else np.ascontiguousarray(px) for c, px in p.channels.items()}
        parts.append((i + 1, Part(p.name, ph, chans)))
    used = {p.name for _, p in parts}
    for layer, chans in moved.items():
        name = layer if layer not in used else f"{layer}.lossless"
        mh = {k: header[k] for k in ("dataWindow", "displayWindow", "pixelAspectRatio", "screenWindowCenter",
                                     "screenWindowWidth", "lineOrder", "view", "multiView") if k in header}
        mh["compression"] = OpenEXR.ZIP_COMPRESSION
        parts.append((len(parts), Part(name, mh, chans)))
    if len(parts) > 1:
        if aces_container:
            raise ValueError("aces_container=True (SMPTE ST 2065-4) requires a single part")
        # chromaticities is a shared attribute: identical in every part, or (when a part is marked
        # colorInteropID 'data', which must not carry chromaticities) in none; the ID then speaks alone.
        data = any(p.header.get("colorInteropID") == "data" for _, p in parts if p.header is not header)
        shared = None if (data and cs.interop_id) else header["chromaticities"]
        for _, p in parts:
            p.header.pop("chromaticities", None)
            if shared is not None:
                p.header["chromaticities"] = shared

    levels = [_one_level(OpenEXR, p.header) for _, p in parts]
    if len(parts) == 1:
        exr = OpenEXR.File(header, dict(channels), num_threads=threads)
    else:
        exr = OpenEXR.File([OpenEXR.Part(dict(p.header), dict(p.channels), p.name) for _, p in parts],
                           num_threads=threads)
    messages: list = []
    with fileio.atomic_path(path, suffix=".tmp.exr") as tmp:
        try:
            with streams.captured(messages):
                exr.write(tmp)
        except Exception as e:
            kind = OSError if isinstance(e, OSError) else ValueError
            why = streams.one_line(e, messages, tmp)
            raise kind(f"{path}: the OpenEXR library could not write it ({why})") from None
    report = WriteReport(path, cs.name, cs.interop_id, codec, level, bool(half), nonfinite, limit,
                         moved_channels=tuple(c for ch in moved.values() for c in ch),
                         recompressed_parts=tuple(recompressed), parts=len(parts), bytes=os.path.getsize(path),
                         **counts)
    if report.changed:
        warnings.warn(f"{path}: changed {report.nan} NaN -> 0, {report.posinf} +Inf and {report.neginf} -Inf -> "
                      f"±{limit:g}, clamped {report.clamped} values beyond ±{limit:g} "
                      f"({codec}{'' if level is None else f':{level:g}'}, {'half' if half else 'float'})",
                      stacklevel=2)
    if any(levels):
        warnings.warn(f"the input's {next(filter(None, levels))} levels are not kept (the OpenEXR Python library "
                      f"writes one level); the output is one-level tiled and says so", stacklevel=2)
    if report.moved_channels:
        warnings.warn(f"{path}: {codec} would alter non-color channels {list(report.moved_channels)}; "
                      f"they were written to a lossless ZIP part", stacklevel=2)
    return report
