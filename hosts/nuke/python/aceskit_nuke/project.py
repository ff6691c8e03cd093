"""The project RGC setting (on the Root) and the per-gizmo override, through ``aceskit.policy``.

Project Settings get an ``aceskit`` tab: the ACES version and the RGC check-box (on by default,
as the implementation guide asks).  Each RGC gizmo has an ``rgc`` knob: Follow Project / On / Off.
The gizmos apply the decision inside their own node graph (a Switch reading ``rgc`` and, for
Follow Project, this check-box), so a script renders the same without aceskit's Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import nuke

from . import RGC_CLASSES

if TYPE_CHECKING:
    from aceskit.policy import Project

TAB = "aceskit"
VERSION_KNOB = "aceskit_aces_version"
OVERRIDE_KNOB = "rgc"


def rgc_knob() -> str:
    """The Root knob the gizmos read for Follow Project."""
    from aceskit.targets.nuke import PROJECT_RGC_KNOB
    return PROJECT_RGC_KNOB


def overrides() -> dict[str, str]:
    """Gizmo ``rgc`` knob labels -> aceskit.policy clip overrides (from the host manifest)."""
    from aceskit.targets import manifest
    return {label: value for value, label in manifest.OVERRIDE_LABELS}


def aces_versions() -> tuple[str, ...]:
    from aceskit.targets import manifest
    return tuple(manifest.host("nuke").aces_versions)


def ensure_project_knobs(root: Optional[nuke.Node] = None) -> nuke.Node:
    """Add the aceskit tab to the Root once (ACES version, RGC on)."""
    root = root if root is not None else nuke.root()
    if root.knob(rgc_knob()) is None:
        root.addKnob(nuke.Tab_Knob(TAB, "aceskit"))
        root.addKnob(nuke.Enumeration_Knob(VERSION_KNOB, "ACES version", list(aces_versions())))
        rgc = nuke.Boolean_Knob(rgc_knob(), "ACES Reference Gamut Compression")
        rgc.setValue(True)
        root.addKnob(rgc)
    return root


def project() -> "Project":
    """The project settings as an ``aceskit.policy.Project`` (defaults when the knobs are absent)."""
    from aceskit import policy
    root = nuke.root()
    version, rgc = root.knob(VERSION_KNOB), root.knob(rgc_knob())
    if version is None or rgc is None:
        return policy.Project()
    return policy.Project(str(version.value()), bool(rgc.value()))


def set_project(aces_version: str, rgc: bool) -> None:
    """Set the project's ACES version and RGC check-box (validated by aceskit.policy)."""
    from aceskit import policy
    policy.Project(aces_version, rgc)
    root = ensure_project_knobs()
    root[VERSION_KNOB].setValue(aces_version)
    root[rgc_knob()].setValue(rgc)


def override(node: nuke.Node) -> str:
    """The node's override as an ``aceskit.policy`` clip override (follow, on, off)."""
    k = node.knob(OVERRIDE_KNOB)
    if k is None:
        raise ValueError(f"{node.name()} is a {node.Class()}, not an aceskit RGC gizmo ({', '.join(RGC_CLASSES)})")
    value, table = str(k.value()), overrides()
    if value not in table:
        raise ValueError(f"{node.name()}.{OVERRIDE_KNOB} must be one of {', '.join(table)}, got {value!r}")
    return table[value]


def set_override(node: nuke.Node, value: str) -> None:
    """Set the node's override from an ``aceskit.policy`` clip override (follow, on, off)."""
    labels = {v: label for label, v in overrides().items()}
    if value not in labels:
        raise ValueError(f"override must be one of {', '.join(labels)}, got {value!r}")
    node[OVERRIDE_KNOB].setValue(labels[value])


def active(node: nuke.Node) -> bool:
    """Whether the comp (viewing pipeline) applies this RGC gizmo."""
    from aceskit import policy
    return policy.clip_rgc(project(), override(node))
