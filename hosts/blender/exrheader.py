"""Read the color attributes of an OpenEXR header without the OpenEXR module.

Why a second reader: aceskit.exr needs the OpenEXR Python package, which Blender's own Python
does not have (Blender bundles the OpenEXR C++ library, not its Python binding), and an
extension can only bundle it as a per-platform wheel.  Tagging needs three attributes of the
first part: ``colorInteropID`` (string), ``chromaticities`` (8 floats) and
``acesImageContainerFlag`` (int); their meaning is decided by aceskit.exr.resolve_colorspace.
Layout per the OpenEXR file format: magic 20000630, a version word, then ``name\\0type\\0size
value`` attributes; an empty name ends the (first part's) header.
"""

from __future__ import annotations

import struct
from typing import Iterator, Tuple

MAGIC = 20000630
_WANTED = {"colorInteropID": "string", "chromaticities": "chromaticities", "acesImageContainerFlag": "int"}
MAX_HEADER = 1 << 20


def _cstring(data: bytes, pos: int) -> Tuple[str, int]:
    end = data.index(b"\0", pos, min(len(data), pos + 256))
    return data[pos:end].decode("latin-1"), end + 1


def attributes(path: str) -> Iterator[Tuple[str, str, bytes]]:
    """``(name, type, value bytes)`` of every attribute of the first part's header.

    Raises ValueError for a file that is not an OpenEXR file or whose header is cut short.
    """
    with open(path, "rb") as fh:
        data = fh.read(MAX_HEADER)
    if len(data) < 8 or struct.unpack_from("<i", data)[0] != MAGIC:
        raise ValueError(f"{path}: not an OpenEXR file")
    pos = 8
    try:
        while True:
            name, pos = _cstring(data, pos)
            if not name:
                return
            kind, pos = _cstring(data, pos)
            (size,) = struct.unpack_from("<i", data, pos)
            pos += 4
            value = data[pos:pos + size]
            if len(value) != size or size < 0:
                raise ValueError
            pos += size
            yield name, kind, value
    except (ValueError, struct.error):
        raise ValueError(f"{path}: the OpenEXR header is truncated or corrupt") from None


def read(path: str) -> dict:
    """The color attributes found in ``path`` (a missing attribute is absent from the dict)."""
    found = {}
    for name, kind, value in attributes(path):
        if _WANTED.get(name) != kind:
            continue
        if kind == "string":
            found[name] = value.decode("utf-8", "replace")
        elif kind == "chromaticities" and len(value) == 32:
            found[name] = struct.unpack("<8f", value)
        elif kind == "int" and len(value) == 4:
            found[name] = struct.unpack("<i", value)[0]
    return found
