"""``aceskit install nuke [--dest DIR] [--uninstall] [--home DIR]``.

Copies the plug-in folder (``hosts/nuke`` plus the aceskit core package under ``python/``) to
``~/.nuke/aceskit`` (or ``--dest``) and adds one ``nuke.pluginAddPath`` line to ``~/.nuke/init.py``
(Nuke runs every init.py on its plug-in path; ``~/.nuke`` is always on it).  Running it again
replaces the folder and leaves the one line; ``--uninstall`` removes both.  Files are written
atomically; a destination that is not an aceskit install is never overwritten or deleted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Optional, Sequence

from aceskit import fileio

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "hosts" / "nuke"
CORE = ROOT / "core" / "aceskit"
MARKER = ".aceskit-nuke-plugin"
TAG = "# added by aceskit install nuke"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")


class InstallError(Exception):
    """A user-facing failure: one sentence, no traceback."""


def _line(dest: Path) -> str:
    return f"import nuke; nuke.pluginAddPath({str(dest)!r})  {TAG}"


def _edit_init(init_py: Path, dest: Path, add: bool) -> bool:
    """Add or remove our line; returns True when the file changed."""
    text = init_py.read_text(encoding="utf-8") if init_py.exists() else ""
    lines = text.splitlines()
    kept = [ln for ln in lines if not (ln.rstrip().endswith(TAG) and repr(str(dest)) in ln)]
    new = kept + ([_line(dest)] if add else [])
    if new == lines:
        return False
    if not add and not init_py.exists():
        return False
    init_py.parent.mkdir(parents=True, exist_ok=True)
    fileio.write_text(init_py, "\n".join(new) + ("\n" if new else ""))
    return True


def _is_ours(dest: Path) -> bool:
    return (dest / MARKER).is_file()


def install(dest: Path, nuke_dir: Path) -> None:
    if dest.exists() and not _is_ours(dest):
        raise InstallError(f"--dest {dest} exists and is not an aceskit install; choose a new folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        payload = staging / "plugin"
        shutil.copytree(SOURCE, payload, ignore=_IGNORE)
        shutil.copytree(CORE, payload / "python" / "aceskit", ignore=_IGNORE)
        (payload / MARKER).write_text("aceskit Nuke plug-in folder; remove with: aceskit install nuke --uninstall\n",
                                      encoding="utf-8")
        old = staging / "old"
        if dest.exists():
            os.replace(dest, old)
        os.replace(payload, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _edit_init(nuke_dir / "init.py", dest, add=True)


def uninstall(dest: Path, nuke_dir: Path) -> None:
    if dest.exists():
        if not _is_ours(dest):
            raise InstallError(f"--dest {dest} is not an aceskit install; refusing to delete it")
        shutil.rmtree(dest)
    _edit_init(nuke_dir / "init.py", dest, add=False)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="aceskit install nuke", description=__doc__.splitlines()[0])
    ap.add_argument("--dest", help="plug-in folder (default: ~/.nuke/aceskit)")
    ap.add_argument("--home", help="home folder whose .nuke/init.py is edited (default: your home)")
    ap.add_argument("--uninstall", action="store_true", help="remove the folder and the init.py line")
    args = ap.parse_args(list(argv) if argv is not None else None)
    home = Path(args.home).expanduser() if args.home else Path.home()
    try:
        if not home.is_dir():
            raise InstallError(f"--home {home} is not a folder")
        nuke_dir = home / ".nuke"
        dest = Path(args.dest).expanduser().resolve() if args.dest else nuke_dir / "aceskit"
        if args.uninstall:
            uninstall(dest, nuke_dir)
            print(f"removed {dest} and its line in {nuke_dir / 'init.py'}")
        else:
            install(dest, nuke_dir)
            print(f"installed the aceskit Nuke plug-in in {dest}; Nuke loads it through {nuke_dir / 'init.py'}")
        return 0
    except (InstallError, OSError) as e:
        print(f"aceskit install nuke: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
