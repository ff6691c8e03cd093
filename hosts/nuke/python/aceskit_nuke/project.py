"""The project RGC setting (on the Root) and the per-gizmo override, through ``aceskit.policy``.

Project Settings get an ``aceskit`` tab: the ACES version and the RGC check-box (on by default,
as the implementation guide asks).  Each RGC gizmo has an ``rgc`` knob: follow project / on / off.
The decision is applied by setting the gizmo's ``disable`` knob, which Nuke saves with the script,
so render-only sessions see the same state without running any of this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import nuke

from . import RGC_CLASSES

if TYPE_CHECKING:
    from aceskit.policy import Project

TAB = "aceskit"
VERSION_KNOB = "aceskit_aces_version"
RGC_KNOB = "aceskit_rgc"
OVERRIDE_KNOB = "rgc"
#: Gizmo knob values -> aceskit.policy clip overrides.
OVERRIDES = {"follow project": "follow", "on": "on", "off": "off"}


def aces_versions() -> tuple[str, ...]:
    from aceskit import amf
    return tuple(amf.ACES_VERSIONS)


def ensure_project_knobs(root: Optional[nuke.Node] = None) -> nuke.Node:
    """Add the aceskit tab to the Root once (ACES version, RGC on)."""
    root = root if root is not None else nuke.root()
    if root.knob(RGC_KNOB) is None:
        root.addKnob(nuke.Tab_Knob(TAB, "aceskit"))
        root.addKnob(nuke.Enumeration_Knob(VERSION_KNOB, "ACES version", list(aces_versions())))
        rgc = nuke.Boolean_Knob(RGC_KNOB, "ACES Reference Gamut Compression")
        rgc.setValue(True)
        root.addKnob(rgc)
    return root


def project() -> "Project":
    """The project settings as an ``aceskit.policy.Project`` (defaults when the knobs are absent)."""
    from aceskit import policy
    root = nuke.root()
    version, rgc = root.knob(VERSION_KNOB), root.knob(RGC_KNOB)
    if version is None or rgc is None:
        return policy.Project()
    return policy.Project(str(version.value()), bool(rgc.value()))


def set_project(aces_version: str, rgc: bool) -> None:
    """Set the project's ACES version and RGC check-box (validated by aceskit.policy)."""
    from aceskit import policy
    policy.Project(aces_version, rgc)
    root = ensure_project_knobs()
    root[VERSION_KNOB].setValue(aces_version)
    root[RGC_KNOB].setValue(rgc)
    sync_all()


def override(node: nuke.Node) -> str:
    """The node's override as an ``aceskit.policy`` clip override (follow, on, off)."""
    k = node.knob(OVERRIDE_KNOB)
    if k is None:
        raise ValueError(f"{node.name()} is a {node.Class()}, not an aceskit RGC gizmo ({', '.join(RGC_CLASSES)})")
    value = str(k.value())
    if value not in OVERRIDES:
        raise ValueError(f"{node.name()}.{OVERRIDE_KNOB} must be one of {', '.join(OVERRIDES)}, got {value!r}")
    return OVERRIDES[value]


def active(node: nuke.Node) -> bool:
    """Whether the comp (viewing pipeline) applies this RGC gizmo."""
    from aceskit import policy
    return policy.clip_rgc(project(), override(node))


def sync(node: nuke.Node) -> None:
    """Enable or disable one RGC gizmo from the project setting and its override."""
    node["disable"].setValue(not active(node))


def rgc_nodes() -> list[nuke.Node]:
    return [n for n in nuke.allNodes(recurseGroups=True) if n.Class() in RGC_CLASSES]


def sync_all() -> None:
    for n in rgc_nodes():
        sync(n)


def knob_changed() -> None:
    """knobChanged callback: re-sync when the project setting or a gizmo's override changes."""
    node, knob = nuke.thisNode(), nuke.thisKnob()
    if node.Class() == "Root" and knob.name() in (VERSION_KNOB, RGC_KNOB):
        sync_all()
    elif node.Class() in RGC_CLASSES and knob.name() == OVERRIDE_KNOB:
        sync(node)


def on_create() -> None:
    """onCreate callback for RGC gizmos: apply the current decision."""
    sync(nuke.thisNode())
