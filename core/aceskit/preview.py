"""Preview pictures: ACES2065-1 images through an ACES output transform, as 8- or 16-bit RGB.

The display rendering is OpenColorIO's (ACES 2.0 SDR/HDR and ACES 1.x views of the aceskit
config, :mod:`aceskit.ocio`, or any config such as ``ocio://studio-config-latest``).  ACES 2.0
views cost seconds per UHD frame on one core, and OpenColorIO's ``apply`` releases the GIL, so
:func:`render` splits the image into row tiles (about two per thread) on a thread pool.  The result does not depend on
the tiling: every pixel goes through the same CPU processor.
"""

from __future__ import annotations

import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence, Tuple, Union

import numpy as np

from . import fileio, optional

DEFAULT_DISPLAY = "sRGB - Display"
DEFAULT_VIEW = "ACES 2.0 - SDR 100 nits (Rec.709)"
MIN_ROWS = 16  # smallest tile height


def _ocio():
    return optional.require("PyOpenColorIO", "previews", "opencolorio")


@lru_cache(maxsize=8)
def _config(source: Optional[str]):
    if source is None:
        from .ocio import build_config
        return build_config()
    return _ocio().Config.CreateFromFile(source)


def load_config(config=None):
    """``None``: the aceskit config; a path or ``ocio://`` URI; or a ``PyOpenColorIO.Config``."""
    if config is None or isinstance(config, (str, os.PathLike)):
        return _config(None if config is None else os.fspath(config))
    return config


def processor(display: str = DEFAULT_DISPLAY, view: str = DEFAULT_VIEW, *, config=None,
              look: Optional[str] = None):
    """The float32 CPU processor ACES2065-1 -> ``display``/``view`` (optionally after ``look``)."""
    ocio = _ocio()
    cfg = load_config(config)
    displays = list(cfg.getDisplays())
    if display not in displays:
        raise ValueError(f"display must be one of {displays}, got {display!r}")
    views = list(cfg.getViews(display))
    if view not in views:
        raise ValueError(f"view for {display!r} must be one of {views}, got {view!r}")
    dvt = ocio.DisplayViewTransform("ACES2065-1", display, view)
    if look:
        looks = [lk.getName() for lk in cfg.getLooks()]
        if look not in looks:
            raise ValueError(f"look must be one of {looks}, got {look!r}")
        group = ocio.GroupTransform()
        group.appendTransform(ocio.LookTransform("ACES2065-1", "ACES2065-1", look))
        group.appendTransform(dvt)
        dvt = group
    return cfg.getProcessor(dvt).getDefaultCPUProcessor()


def _check_rgb(rgb) -> np.ndarray:
    arr = np.asarray(rgb)
    if arr.ndim != 3 or arr.shape[-1] != 3 or arr.dtype.kind not in "fiu":
        raise ValueError(f"rgb_ap0 must be a numeric (height, width, 3) array, got shape {arr.shape} {arr.dtype}")
    return arr


def _tiles(height: int, threads: int) -> list:
    """Row ranges: about two tiles per thread (enough to balance uneven content), at least MIN_ROWS."""
    rows = max(MIN_ROWS, -(-height // (2 * threads)))
    return [(y, min(y + rows, height)) for y in range(0, height, rows)]


def _run(rgb_ap0, display, view, threads, config, look, bits: Optional[int]) -> np.ndarray:
    arr = _check_rgb(rgb_ap0)
    if bits not in (None, 8, 16):
        raise ValueError(f"bits must be 8 or 16, got {bits!r}")
    threads = threads or os.cpu_count() or 1
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    cpu = processor(display, view, config=config, look=look)
    buf = np.ascontiguousarray(arr, dtype=np.float32).copy()
    out = buf if bits is None else np.empty(buf.shape, dtype=np.uint8 if bits == 8 else np.uint16)
    ocio = _ocio()

    def work(rows) -> None:
        tile = buf[rows[0]:rows[1]]
        cpu.apply(ocio.PackedImageDesc(tile, tile.shape[1], tile.shape[0], 3))
        if bits is not None:
            out[rows[0]:rows[1]] = _quantize_inplace(tile, bits)

    tiles = _tiles(buf.shape[0], threads)
    if threads == 1 or len(tiles) < 2:
        for t in tiles:
            work(t)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(work, tiles))
    return out


def display_values(rgb_ap0, display: str = DEFAULT_DISPLAY, view: str = DEFAULT_VIEW,
                   threads: Optional[int] = None, *, config=None, look: Optional[str] = None) -> np.ndarray:
    """Float32 display code values (not clipped) of an ACES2065-1 image, rendered in row tiles."""
    return _run(rgb_ap0, display, view, threads, config, look, None)


def _quantize_inplace(v: np.ndarray, bits: int) -> np.ndarray:
    np.nan_to_num(v, copy=False, nan=0.0)
    np.clip(v, 0.0, 1.0, out=v)
    v *= 255.0 if bits == 8 else 65535.0
    np.rint(v, out=v)
    return v.astype(np.uint8 if bits == 8 else np.uint16)


def quantize(values: np.ndarray, bits: int = 8) -> np.ndarray:
    """Display code values 0..1 as uint8/uint16 (clipped, rounded; NaN becomes 0)."""
    if bits not in (8, 16):
        raise ValueError(f"bits must be 8 or 16, got {bits!r}")
    return _quantize_inplace(np.array(values, dtype=np.float32), bits)


def render(rgb_ap0, display: str = DEFAULT_DISPLAY, view: str = DEFAULT_VIEW, threads: Optional[int] = None, *,
           config=None, look: Optional[str] = None, bits: int = 8) -> np.ndarray:
    """An ACES2065-1 image (H, W, 3) through ``display``/``view`` as uint8 (``bits=8``) or uint16 RGB;
    each tile is quantised by the thread that rendered it."""
    return _run(rgb_ap0, display, view, threads, config, look, bits)


# -- contact sheets ------------------------------------------------------------------------------------------
#: 3x5 bitmaps of the digits and '-', one string of 15 bits per glyph, row by row.
_GLYPHS = {"0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
           "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
           "8": "111101111101111", "9": "111101111001111", "-": "000000111000000"}


def _label(text: str, scale: int) -> np.ndarray:
    """A boolean mask of ``text`` (digits and '-') in the 3x5 font, ``scale`` pixels per dot."""
    glyphs = [np.array([c == "1" for c in _GLYPHS[ch]]).reshape(5, 3) for ch in text if ch in _GLYPHS]
    if not glyphs:
        return np.zeros((5 * scale, scale), dtype=bool)
    row = np.concatenate([np.pad(g, ((0, 0), (0, 1))) for g in glyphs], axis=1)
    return np.kron(row, np.ones((scale, scale), dtype=bool))


def thumbnail(rgb: np.ndarray, width: int) -> np.ndarray:
    """Box-filtered reduction to at most ``width`` pixels wide (scene-linear averaging)."""
    arr = _check_rgb(rgb).astype(np.float32, copy=False)
    k = max(1, int(np.ceil(arr.shape[1] / width)))
    h, w = (arr.shape[0] // k) * k, (arr.shape[1] // k) * k
    if k == 1:
        return arr
    with np.errstate(invalid="ignore"):
        return arr[:h, :w].reshape(h // k, k, w // k, k, 3).mean(axis=(1, 3), dtype=np.float32)


def contact_sheet(frames: Sequence[Tuple[str, np.ndarray]], display: str = DEFAULT_DISPLAY,
                  view: str = DEFAULT_VIEW, threads: Optional[int] = None, *, columns: Optional[int] = None,
                  width: int = 320, gap: int = 8, config=None, look: Optional[str] = None,
                  bits: int = 8) -> np.ndarray:
    """Frames ``[(label, rgb_ap0), ...]`` as a grid of rendered thumbnails, labelled in their corner."""
    if not frames:
        raise ValueError("frames must hold at least one (label, image) pair")
    if width < 16 or gap < 0:
        raise ValueError(f"width must be at least 16 and gap at least 0, got {width}, {gap}")
    thumbs = [thumbnail(rgb, width) for _, rgb in frames]
    th = max(t.shape[0] for t in thumbs)
    tw = max(t.shape[1] for t in thumbs)
    cols = columns or int(np.ceil(np.sqrt(len(frames) * th / tw)))
    if cols < 1:
        raise ValueError(f"columns must be at least 1, got {cols}")
    rows = int(np.ceil(len(frames) / cols))
    sheet = np.zeros((rows * th + (rows + 1) * gap, cols * tw + (cols + 1) * gap, 3), dtype=np.float32)
    for i, t in enumerate(thumbs):
        y, x = gap + (i // cols) * (th + gap), gap + (i % cols) * (tw + gap)
        sheet[y:y + t.shape[0], x:x + t.shape[1]] = t
    img = render(sheet, display, view, threads, config=config, look=look, bits=bits)
    top = np.iinfo(img.dtype).max
    scale = max(1, tw // 160)
    for i, (label, _) in enumerate(frames):
        mask = _label(str(label), scale)[:th - 2 * scale, :tw - 2 * scale]
        y, x = gap + (i // cols) * (th + gap) + scale, gap + (i % cols) * (tw + gap) + scale
        img[y - scale:y + mask.shape[0] + scale, x - scale:x + mask.shape[1] + scale] = 0
        img[y:y + mask.shape[0], x:x + mask.shape[1]][mask] = top
    return img


# -- PNG ---------------------------------------------------------------------------------------------------
def png_bytes(image: np.ndarray) -> bytes:
    """An (H, W, 3) uint8 or uint16 array as PNG (RGB, no filter, zlib level 6)."""
    img = np.asarray(image)
    if img.ndim != 3 or img.shape[-1] != 3 or img.dtype not in (np.uint8, np.uint16):
        raise ValueError(f"image must be (height, width, 3) uint8 or uint16, got {img.shape} {img.dtype}")
    h, w = img.shape[:2]
    if h == 0 or w == 0:
        raise ValueError(f"image must have at least one pixel, got {w}x{h}")
    depth = 8 if img.dtype == np.uint8 else 16
    raw = img.astype(">u2" if depth == 16 else np.uint8).reshape(h, -1).view(np.uint8).reshape(h, -1)
    data = np.concatenate([np.zeros((h, 1), dtype=np.uint8), raw], axis=1).tobytes()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(data, 6)) + chunk(b"IEND", b""))


def write_png(path: Union[str, os.PathLike], image: np.ndarray) -> Path:
    """Write ``image`` as a PNG atomically (temporary file in the target folder, then rename)."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"output path must end in .png, got {str(path)!r}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"output folder does not exist: {path.parent}")
    data = png_bytes(image)
    fileio.write_bytes(path, data)
    return path
