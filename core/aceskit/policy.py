"""The RGC project / clip / export policy of the ACES RGC implementation guide.

- Project: the ACES version, and the RGC check-box, offered only for ACES >= 1.3 and on by default.
- Clip: an override per clip, ``follow`` (the project), ``on`` or ``off``; it decides what the
  viewing pipeline applies.
- Export: ``follow_project``, ``follow_clip``, ``force_on`` or ``force_off`` decides whether the
  RGC is baked into rendered media.  Templates: ``"VFX pull (EXR)"`` forces it off (the guide's
  recommended VFX pull), ``"Deliverable"`` follows the clips.
- AMF: the RGC ``lookTransform`` is listed when the RGC is in the pipeline (viewed or baked), with
  ``applied`` true exactly when baked; :func:`amf_applied` returns that flag (None: not listed).

- Untagged files: ``untagged`` names the space assumed for an EXR without color metadata (no
  ``chromaticities``, ``colorInteropID`` or ``acesImageContainerFlag``): ``ACES2065-1`` (the
  default, what the HDR generator delivers) or ``Linear Rec.709 (sRGB)`` (the OpenEXR convention:
  a file without ``chromaticities`` has Rec.709 primaries and a D65 white).

A project is a small JSON file::

    {"aces_version": "1.3", "rgc": true, "clips": {"A001C003": "off"}, "untagged": "ACES2065-1"}
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional, Union

from . import fileio, spaces


class ClipOverride(str, Enum):
    """The per-clip RGC setting."""

    FOLLOW = "follow"
    ON = "on"
    OFF = "off"


class ExportMode(str, Enum):
    """Whether an export bakes the RGC."""

    FOLLOW_PROJECT = "follow_project"
    FOLLOW_CLIP = "follow_clip"
    FORCE_ON = "force_on"
    FORCE_OFF = "force_off"


CLIP_OVERRIDES = tuple(c.value for c in ClipOverride)
EXPORT_MODES = tuple(m.value for m in ExportMode)
#: Export templates the guide asks for ("Export Settings").
TEMPLATES = {"VFX pull (EXR)": ExportMode.FORCE_OFF, "Deliverable": ExportMode.FOLLOW_CLIP}
#: The first ACES version with the Reference Gamut Compression.
RGC_MIN_VERSION = (1, 3)
#: What an untagged EXR may be assumed to be: the HDR generator's ACES2065-1, or OpenEXR's Rec.709 default.
UNTAGGED_CHOICES = ("ACES2065-1", "Linear Rec.709 (sRGB)")


def untagged_space(value) -> str:
    """The registry name of an ``untagged`` setting (names and aliases accepted)."""
    try:
        name = spaces.get(str(value)).name
    except KeyError:
        name = None
    if name not in UNTAGGED_CHOICES:
        raise ValueError(f"untagged must be one of {', '.join(UNTAGGED_CHOICES)}, got {value!r}")
    return name


def _version(aces_version) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.\d+)?\s*", str(aces_version))
    if not m:
        raise ValueError(f"aces_version must look like '1.3' or '2.0', got {aces_version!r}")
    return int(m[1]), int(m[2])


def clip_override(value: Union[str, ClipOverride, None]) -> ClipOverride:
    """A clip override from a string (None means ``follow``)."""
    if value is None:
        return ClipOverride.FOLLOW
    try:
        return ClipOverride(value)
    except ValueError:
        raise ValueError(f"clip override must be one of {', '.join(CLIP_OVERRIDES)}, got {value!r}") from None


def export_mode(value: Union[str, ExportMode]) -> ExportMode:
    """An export mode from its name or a template name."""
    if isinstance(value, str) and value in TEMPLATES:
        return TEMPLATES[value]
    try:
        return ExportMode(value)
    except ValueError:
        raise ValueError(f"export mode must be one of {', '.join(EXPORT_MODES)} or a template "
                         f"({', '.join(map(repr, TEMPLATES))}), got {value!r}") from None


@dataclass
class Project:
    """Project settings: ACES version, the RGC check-box, per-clip overrides, the untagged-file assumption."""

    aces_version: str = "1.3"
    rgc: Optional[bool] = None
    clips: dict = field(default_factory=dict)
    untagged: str = UNTAGGED_CHOICES[0]

    def __post_init__(self):
        self.untagged = untagged_space(self.untagged)
        v = _version(self.aces_version)
        self.aces_version = f"{v[0]}.{v[1]}"
        if self.rgc is None:
            self.rgc = self.rgc_available
        if not isinstance(self.rgc, bool):
            raise ValueError(f"rgc must be true or false, got {self.rgc!r}")
        if self.rgc and not self.rgc_available:
            raise ValueError(f"the RGC is offered only for ACES 1.3 or later; this project is ACES {self.aces_version}")
        if not isinstance(self.clips, dict):
            raise ValueError(f"clips must map clip names to {', '.join(CLIP_OVERRIDES)}, got {self.clips!r}")
        self.clips = {str(k): clip_override(v) for k, v in self.clips.items()}
        for name, o in self.clips.items():
            if o is ClipOverride.ON and not self.rgc_available:
                raise ValueError(f"clip {name!r} turns the RGC on, but ACES {self.aces_version} has no RGC")

    @property
    def rgc_available(self) -> bool:
        """Whether the UI offers the RGC at all (ACES >= 1.3)."""
        return _version(self.aces_version) >= RGC_MIN_VERSION

    def clip_override(self, clip: str) -> ClipOverride:
        return self.clips.get(str(clip), ClipOverride.FOLLOW)

    def set_clip(self, clip: str, override: Union[str, ClipOverride, None]) -> None:
        o = clip_override(override)
        if o is ClipOverride.ON and not self.rgc_available:
            raise ValueError(f"the RGC is offered only for ACES 1.3 or later; this project is ACES {self.aces_version}")
        if o is ClipOverride.FOLLOW:
            self.clips.pop(str(clip), None)
        else:
            self.clips[str(clip)] = o

    # -- JSON -----------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"aces_version": self.aces_version, "rgc": self.rgc,
                "clips": {k: v.value for k, v in sorted(self.clips.items())}, "untagged": self.untagged}

    @classmethod
    def from_dict(cls, data, where: str = "project") -> "Project":
        if not isinstance(data, dict):
            raise ValueError(f"{where}: a project must be a JSON object, got {type(data).__name__}")
        unknown = set(data) - {"aces_version", "rgc", "clips", "untagged"}
        if unknown:
            raise ValueError(f"{where}: unknown project keys {sorted(unknown)}; expected aces_version, rgc, clips, "
                             f"untagged")
        try:
            return cls(str(data.get("aces_version", "1.3")), data.get("rgc"), data.get("clips") or {},
                       data.get("untagged", UNTAGGED_CHOICES[0]))
        except (ValueError, TypeError) as e:
            raise ValueError(f"{where}: {e}") from None

    @classmethod
    def load(cls, path: Union[str, os.PathLike]) -> "Project":
        path = os.fspath(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"project file not found: {path}")
        try:
            with open(path, "r", encoding="utf-8") as fh:
                data = json.load(fh)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}: not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
        except UnicodeDecodeError:
            raise ValueError(f"{path}: not a UTF-8 JSON file") from None
        return cls.from_dict(data, path)

    def save(self, path: Union[str, os.PathLike]) -> str:
        """Write atomically (temporary file in the same folder, then rename)."""
        path = os.fspath(path)
        fileio.write_text(path, json.dumps(self.to_dict(), indent=2) + "\n")
        return path


# ---------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------
def clip_rgc(project: Project, override: Union[str, ClipOverride, None] = None) -> bool:
    """Whether the viewing pipeline applies the RGC to a clip."""
    o = clip_override(override)
    if o is ClipOverride.ON and not project.rgc_available:
        raise ValueError(f"the RGC is offered only for ACES 1.3 or later; this project is ACES {project.aces_version}")
    return bool(project.rgc) if o is ClipOverride.FOLLOW else o is ClipOverride.ON


def baked(project: Project, override: Union[str, ClipOverride, None], mode: Union[str, ExportMode]) -> bool:
    """Whether an export in ``mode`` bakes the RGC into a clip's rendered media."""
    m = export_mode(mode)
    if m is ExportMode.FORCE_ON and not project.rgc_available:
        raise ValueError(f"export mode force_on needs ACES 1.3 or later; this project is ACES {project.aces_version}")
    return {ExportMode.FOLLOW_PROJECT: lambda: bool(project.rgc),
            ExportMode.FOLLOW_CLIP: lambda: clip_rgc(project, override),
            ExportMode.FORCE_ON: lambda: True,
            ExportMode.FORCE_OFF: lambda: False}[m]()


def amf_applied(project: Project, override: Union[str, ClipOverride, None],
                mode: Union[str, ExportMode]) -> Optional[bool]:
    """The AMF ``applied`` flag of the RGC lookTransform for an export (None: no lookTransform).

    True when baked; False when not baked but applied by the viewing pipeline; None when the
    RGC is neither baked nor viewed.
    """
    if baked(project, override, mode):
        return True
    return False if clip_rgc(project, override) else None
