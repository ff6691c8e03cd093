"""Which color space an EXR is in, and how to tell Blender (pure Python, no bpy).

Rules, first match wins (aceskit.exr.resolve_colorspace): ``acesImageContainerFlag`` = 1 means
ACES2065-1; a known ``colorInteropID``; ``chromaticities`` matching a registered linear space.
A file with none of these is left as Blender tagged it.  A space Blender's configuration lacks
(camera encodings) is tagged ``Non-Color`` so values reach the compositor unchanged, and the
matching aceskit conversion group turns them into ACEScg.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple, Optional, Sequence

#: colorInteropID -> name in Blender's bundled OCIO configuration (5.0), where the names differ.
BLENDER_NAMES = {
    "lin_rec709_scene": "Linear Rec.709",
    "lin_rec2020_scene": "Linear Rec.2020",
    "lin_p3d65_scene": "Linear DCI-P3 D65",
    "lin_ciexyzd65_scene": "Linear CIE-XYZ D65",
    "srgb_rec709_scene": "sRGB",
}
RAW = "Non-Color"


class Tag(NamedTuple):
    space: Optional[str]      # aceskit registry name, None when the header says nothing usable
    blender: Optional[str]    # Blender color space to set, None to leave the image alone
    source: str               # header attribute that decided, or "none"
    group: Optional[str]      # aceskit node group converting the raw values to ACEScg, if needed


def decide(header: dict, available: Sequence[str]) -> Tag:
    from aceskit import exr, spaces
    from aceskit.targets import blender as backend
    if not any(k in header for k in ("acesImageContainerFlag", "colorInteropID", "chromaticities")):
        return Tag(None, None, "none", None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        name, source = exr.resolve_colorspace(header)
    if source == "default":
        return Tag(None, None, "none", None)
    cs = spaces.get(name)
    iid = (cs.interop_id or "").removeprefix("ocio:")
    for candidate in (cs.name, *cs.aliases, BLENDER_NAMES.get(iid)):
        if candidate and candidate in available:
            return Tag(cs.name, candidate, source, None)
    group = backend.conversion_name(cs.name, "ACEScg")
    return Tag(cs.name, RAW, source, group if group in backend.group_names() else None)
