"""``aceskit install resolve [--prefix DIR] [--uninstall]``.

Installs, per OS (Resolve's DaVinciCTL and scripting READMEs):

- the DCTLs of ``hosts/resolve/dctl`` into an ``aceskit`` folder of Resolve's LUT folder
  (Color page > LUTs / DCTL effect; use "Update Lists" or restart Resolve to see them);
- the scripts of ``hosts/resolve/scripts`` into ``Fusion/Scripts/Utility/aceskit`` of the user's
  Resolve support folder (Workspace > Scripts > aceskit), each behind a header naming the Python
  folder below and the LUT folder;
- a private copy of the aceskit core and the scripts' helper module into an ``aceskit/resolve``
  data folder, so the scripts run without this checkout (Resolve's Python needs numpy).

``--prefix DIR`` re-roots every path under DIR (for packaging and tests).  Re-running replaces
what it installed; ``--uninstall`` removes exactly those folders.  A folder without the aceskit
marker is never overwritten or deleted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path, PurePath
from typing import Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
HOST = ROOT / "hosts" / "resolve"
CORE = ROOT / "core" / "aceskit"
MARKER = ".aceskit-resolve"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
#: Put in front of every installed script: where this machine's private aceskit payload lives.
SCRIPT_HEADER = """# Added by `aceskit install resolve`: the aceskit payload of this installation.
import os as _os, sys as _sys
_sys.path[:0] = [_p for _p in {paths!r} if _p not in _sys.path]
_os.environ.setdefault("ACESKIT_RESOLVE_LUT_ROOT", {lut_root!r})
"""


class InstallError(Exception):
    """A user-facing failure: one sentence, no traceback."""


def _helpers():
    sys.path.insert(0, str(HOST / "lib"))
    try:
        import aceskit_resolve
    finally:
        sys.path.pop(0)
    return aceskit_resolve


def data_root(platform: str = sys.platform, env=os.environ, home: Optional[Path] = None) -> PurePath:
    """The per-user folder holding the scripts' private Python payload."""
    home = Path(home or Path.home())
    if platform == "darwin":
        return home / "Library/Application Support/aceskit/resolve"
    if platform.startswith("win"):
        return Path(env.get("APPDATA", str(home / "AppData" / "Roaming"))) / "aceskit" / "resolve"
    return home / ".local/share/aceskit/resolve"


def _reroot(path: PurePath, prefix: Optional[Path]) -> Path:
    if prefix is None:
        return Path(path)
    return Path(prefix).joinpath(*PurePath(path).parts[1:])


def targets(prefix: Optional[Path] = None) -> dict[str, Path]:
    """The three folders the installer owns."""
    h = _helpers()
    return {"dctl": _reroot(h.lut_root(), prefix) / h.LUT_SUBDIR,
            "scripts": _reroot(h.scripts_root(), prefix) / "Utility" / "aceskit",
            "python": _reroot(data_root(), prefix) / "python"}


def _replace_dir(dest: Path, fill) -> None:
    """Build the folder in a sibling staging folder, then swap it in."""
    if dest.exists() and not (dest / MARKER).is_file():
        raise InstallError(f"{dest} exists and is not an aceskit install; move it away first")
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        payload = staging / "payload"
        fill(payload)
        (payload / MARKER).write_text("installed by aceskit install resolve; remove with --uninstall\n",
                                      encoding="utf-8")
        old = staging / "old"
        if dest.exists():
            dest.rename(old)
        payload.rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def install(prefix: Optional[Path] = None) -> dict[str, Path]:
    t = targets(prefix)

    def dctls(p: Path) -> None:
        shutil.copytree(HOST / "dctl", p, ignore=_IGNORE)

    def python(p: Path) -> None:
        shutil.copytree(CORE, p / "aceskit", ignore=_IGNORE)
        shutil.copy2(HOST / "lib" / "aceskit_resolve.py", p / "aceskit_resolve.py")

    def scripts(p: Path) -> None:
        p.mkdir()
        header = SCRIPT_HEADER.format(paths=[str(t["python"])], lut_root=str(t["dctl"].parent))
        for script in sorted((HOST / "scripts").glob("*.py")):
            (p / script.name).write_text(header + script.read_text(encoding="utf-8"), encoding="utf-8")

    for key, fill in (("dctl", dctls), ("python", python), ("scripts", scripts)):
        _replace_dir(t[key], fill)
    return t


def uninstall(prefix: Optional[Path] = None) -> list[Path]:
    removed = []
    for dest in targets(prefix).values():
        if not dest.exists():
            continue
        if not (dest / MARKER).is_file():
            raise InstallError(f"{dest} is not an aceskit install; not removing it")
        shutil.rmtree(dest)
        removed.append(dest)
    return removed


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="aceskit install resolve",
                                     description="Install the aceskit DCTLs and scripts for DaVinci Resolve.")
    parser.add_argument("--prefix", type=Path, help="re-root every install path under this folder")
    parser.add_argument("--uninstall", action="store_true", help="remove what a previous install put in place")
    args = parser.parse_args(list(argv))
    try:
        if args.uninstall:
            removed = uninstall(args.prefix)
            print("removed " + (", ".join(map(str, removed)) if removed else "nothing (not installed)"))
        else:
            for key, path in install(args.prefix).items():
                print(f"{key:8s} {path}")
            print("Restart Resolve (or use Update Lists in the LUT browser) to see the DCTLs; "
                  "the scripts are under Workspace > Scripts > aceskit.")
    except (InstallError, OSError) as e:
        print(f"aceskit install resolve: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
