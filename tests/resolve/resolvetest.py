"""Paths and loaders shared by the Resolve tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DCTL_DIR = ROOT / "hosts" / "resolve" / "dctl"
SCRIPTS_DIR = ROOT / "hosts" / "resolve" / "scripts"


def load_script(name: str):
    """Import a menu script (file names contain spaces) as a module."""
    path = SCRIPTS_DIR / f"aceskit {name}.py"
    spec = importlib.util.spec_from_file_location(f"resolve_script_{name.replace(' ', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GAMUT = "colorAcesGamutCompressType"
#: Stands for whatever Resolve stores when the RGC box is ticked in the UI.  Nothing public shows that
#: value, so the tests never assume one: they tick the box "by hand" and let the probe learn it.
HAND_TICKED = "value Resolve stores for the ticked box"


def project_of(resolve):
    return resolve.GetProjectManager().GetCurrentProject()


def tick_rgc_by_hand(resolve, value: str = HAND_TICKED) -> None:
    """What a user does in Project Settings > Color Management: the UI takes its own value."""
    project = project_of(resolve)
    project.settings["colorScienceMode"] = "acescct"
    project.settings[GAMUT] = value
    project.learn(GAMUT, value, "set in the Resolve UI")


def untick_rgc_by_hand(resolve) -> None:
    project_of(resolve).settings[GAMUT] = "None"
