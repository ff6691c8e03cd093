"""Read the color attributes of an OpenEXR header without the OpenEXR module.

Only what tagging needs: ``colorInteropID`` (string), ``chromaticities`` (8 floats) and
``acesImageContainerFlag`` (int) of the first part.  Layout per the OpenEXR file format
(magic 20000630, version word, then ``name\\0type\\0size value`` attributes, an empty name ends
the header).
"""

from __future__ import annotations

import struct

MAGIC = 20000630
_WANTED = {"colorInteropID": "string", "chromaticities": "chromaticities", "acesImageContainerFlag": "int"}
MAX_HEADER = 1 << 20


def _cstring(data: bytes, pos: int) -> tuple[str, int]:
    end = data.index(b"\0", pos, min(len(data), pos + 256))
    return data[pos:end].decode("latin-1"), end + 1


def read(path: str) -> dict:
    """The wanted attributes found in ``path`` (a missing attribute is absent from the dict).

    Raises ValueError for a file that is not an OpenEXR file or whose header is cut short.
    """
    with open(path, "rb") as fh:
        data = fh.read(MAX_HEADER)
    if len(data) < 8 or struct.unpack_from("<i", data)[0] != MAGIC:
        raise ValueError(f"{path}: not an OpenEXR file")
    pos, found = 8, {}
    try:
        while True:
            name, pos = _cstring(data, pos)
            if not name:
                return found
            kind, pos = _cstring(data, pos)
            (size,) = struct.unpack_from("<i", data, pos)
            pos += 4
            value = data[pos:pos + size]
            if len(value) != size or size < 0:
                raise ValueError
            pos += size
            if _WANTED.get(name) == kind:
                if kind == "string":
                    found[name] = value.decode("utf-8", "replace")
                elif kind == "chromaticities" and size == 32:
                    found[name] = struct.unpack("<8f", value)
                elif kind == "int" and size == 4:
                    found[name] = struct.unpack("<i", value)[0]
    except (ValueError, struct.error):
        raise ValueError(f"{path}: the OpenEXR header is truncated or corrupt") from None
