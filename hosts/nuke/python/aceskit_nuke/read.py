"""Read nodes: set the input colour space from the EXR's own metadata (``aceskit.exr``)."""

from __future__ import annotations

import shlex
import warnings
from typing import Optional

import nuke


def exr_colorspace(path: str) -> Optional[str]:
    """The colour space an EXR declares (colorInteropID, ACES container, chromaticities), or None."""
    from aceskit import exr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        image = exr.read(path)
    return None if image.colorspace_source == "default" else image.colorspace


def set_colorspace_from_metadata(read: nuke.Node) -> Optional[str]:
    """Set a Read's ``colorspace`` from its current frame's metadata; returns the name set (None: none).

    The names are those of the ACES studio config, so they match Nuke's OCIO colour spaces there.
    Chromaticities that match no registered space (a ``custom chromaticities (...)`` name) are no
    OCIO colour space: the knob is left alone and one message says which command converts the file.
    """
    from aceskit import chromaticities
    if read.Class() != "Read":
        raise ValueError(f"{read.name()} is a {read.Class()}; this helper reads EXR metadata for a Read node")
    path = nuke.filename(read, nuke.REPLACE)
    if not path or not path.lower().endswith(".exr"):
        return None
    name = exr_colorspace(path)
    if name is not None and name.startswith(chromaticities.PREFIX):
        nuke.message(f"{read.name()}: {path} has custom primaries ({name}), which Nuke's OCIO config does not "
                     f"name, so its colorspace is left as it is; convert it with: "
                     f"aceskit convert {shlex.quote(path)} OUT.exr --to ACEScg")
        return None
    if name is not None:
        read["colorspace"].setValue(name)
    return name


def selected_reads() -> list[str]:
    """Menu command: apply :func:`set_colorspace_from_metadata` to the selected Reads."""
    done = []
    for n in nuke.selectedNodes("Read"):
        name = set_colorspace_from_metadata(n)
        done.append(f"{n.name()}: {name or 'left alone'}")
    return done
