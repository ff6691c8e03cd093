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
