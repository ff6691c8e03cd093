"""The Nodes > aceskit menu and the settings callbacks (interactive sessions; called from menu.py)."""

from __future__ import annotations

import os

import nuke

from . import RGC_CLASSES, export, project

GIZMO_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "gizmos")


def gizmo_names() -> list[str]:
    return sorted(f[:-6] for f in os.listdir(GIZMO_DIR) if f.endswith(".gizmo"))


def build_menu() -> nuke.Menu:
    """Nodes > aceskit: the RGC gizmos, the colour-space gizmos, and the Write/Read helpers."""
    menu: nuke.Menu = nuke.menu("Nodes").addMenu("aceskit")
    names = gizmo_names()
    for cls in RGC_CLASSES:
        menu.addCommand(cls.replace("_", " "), f"nuke.createNode({cls!r})")
    for cls in names:
        if cls not in RGC_CLASSES:
            menu.addCommand("Color spaces/" + cls.split("_", 1)[-1], f"nuke.createNode({cls!r})")
    menu.addCommand("Write: VFX pull (EXR)",
                    "import aceskit_nuke.export; aceskit_nuke.export.setup_write(nuke.createNode('Write'))")
    menu.addCommand("Export AMF for selected Write",
                    "import aceskit_nuke.ui; aceskit_nuke.ui.export_selected_amf()")
    menu.addCommand("Read: colour space from EXR metadata",
                    "import aceskit_nuke.read; aceskit_nuke.read.selected_reads()")
    menu.addCommand("Project settings: add aceskit tab", "import aceskit_nuke.project; "
                    "aceskit_nuke.project.ensure_project_knobs()")
    return menu


def export_selected_amf() -> list[str]:
    paths = [export.export_amf(n) for n in nuke.selectedNodes("Write")]
    if not paths:
        nuke.message("Select a Write node to export its AMF.")
    return paths


def register_callbacks() -> None:
    """The aceskit project knobs on every script (the gizmos follow them inside their node graph)."""
    nuke.addOnCreate(project.ensure_project_knobs, nodeClass="Root")
