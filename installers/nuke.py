"""``aceskit install nuke [--dest DIR] [--overwrite] [--uninstall] [--home DIR]``.

Copies the plug-in folder (``hosts/nuke`` plus the aceskit core package under ``python/``) to
``~/.nuke/aceskit`` (or ``--dest``) and adds one ``nuke.pluginAddPath`` line to ``~/.nuke/init.py``
(Nuke runs every init.py on its plug-in path; ``~/.nuke`` is always on it).  Over an earlier
install (its folder or its line) it runs only with ``--overwrite``: it replaces the folder and
leaves the one line; ``--uninstall`` removes both.  Files are written atomically; a destination
that is not an aceskit install is never overwritten or deleted.
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


def _is_our_line(line: str, dest: Path) -> bool:
    return line.rstrip().endswith(TAG) and repr(str(dest)) in line


def _lines(init_py: Path) -> list:
    return init_py.read_text(encoding="utf-8").splitlines() if init_py.exists() else []


def _edit_init(init_py: Path, dest: Path, add: bool) -> bool:
    """Add or remove our line; returns True when the file changed."""
    lines = _lines(init_py)
    kept = [ln for ln in lines if not _is_our_line(ln, dest)]
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


def install(dest: Path, nuke_dir: Path, overwrite: bool = False) -> None:
    init_py = nuke_dir / "init.py"
    fileio.check_target(init_py, "the Nuke startup file")
    line_there = any(_is_our_line(ln, dest) for ln in _lines(init_py))
    fileio.check_install([dest], MARKER, overwrite=overwrite, installed=[dest] if line_there else [])
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
    _edit_init(init_py, dest, add=True)


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
    ap.add_argument("--overwrite", action="store_true", help="replace an earlier aceskit install at --dest")
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
            install(dest, nuke_dir, overwrite=args.overwrite)
            print(f"installed the aceskit Nuke plug-in in {dest}; Nuke loads it through {nuke_dir / 'init.py'}")
        return 0
    except (InstallError, fileio.OutputError, OSError) as e:
        print(f"aceskit install nuke: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
