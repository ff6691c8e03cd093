"""``aceskit install <host>``: runs the host's installer from ``installers/<host>.py``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ..cli import CommandError, add_command

HOSTS = ("nuke", "blender", "resolve")


def project_root() -> Path:
    """The checkout that holds hosts/ and installers/ (aceskit is installed from it in editable mode)."""
    root = Path(__file__).resolve().parents[3]
    if not (root / "installers").is_dir():
        raise CommandError("the host installers ship with the aceskit source tree; run this from a checkout "
                           "installed with 'pip install -e .'")
    return root


def load_installer(host: str):
    path = project_root() / "installers" / f"{host}.py"
    if not path.is_file():
        raise CommandError(f"no installer for {host!r} in {path.parent}")
    spec = importlib.util.spec_from_file_location(f"aceskit_installer_{host}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def register(sub) -> None:
    p = add_command(sub, "install", "Install (or --uninstall) the aceskit plug-in for a host application.",
                    "aceskit install nuke --dest ~/.nuke/aceskit")
    p.add_argument("host", choices=HOSTS, help="host application")
    p.add_argument("options", nargs="...", help="host installer options (see aceskit install HOST --help)")
    p.set_defaults(func=lambda a: load_installer(a.host).main(list(a.options)))
