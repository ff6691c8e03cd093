"""``aceskit install resolve [--prefix DIR] [--overwrite] [--uninstall]``.

Installs, per OS (Resolve's DaVinciCTL and scripting READMEs):

- the DCTLs of ``hosts/resolve/dctl`` into an ``aceskit`` folder of Resolve's LUT folder
  (Color page > LUTs / DCTL effect; use "Update Lists" or restart Resolve to see them).  On Linux
  into each of ``/opt/resolve/LUT`` and ``/home/resolve/LUT`` whose Resolve folder exists
  (``/opt/resolve/LUT`` when neither does);
- the scripts of ``hosts/resolve/scripts`` into ``Fusion/Scripts/Utility/aceskit`` of the user's
  Resolve support folder (Workspace > Scripts > aceskit), each behind a header naming the Python
  folder below and the LUT folders;
- a private copy of the aceskit core and the scripts' helper modules into an ``aceskit/resolve``
  data folder, so the scripts run without this checkout (Resolve's Python needs numpy).

``--prefix DIR`` re-roots every path under DIR (for packaging and tests).  Re-running replaces
what it installed, with ``--overwrite`` only; ``--uninstall`` removes exactly those folders.  A
folder without the aceskit marker is never overwritten or deleted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import tempfile
from pathlib import Path, PurePath
from typing import Optional, Sequence

from aceskit import fileio

ROOT = Path(__file__).resolve().parents[1]
HOST = ROOT / "hosts" / "resolve"
CORE = ROOT / "core" / "aceskit"
MARKER = ".aceskit-resolve"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
#: Put in front of every installed script: where this machine's private aceskit payload lives.
SCRIPT_HEADER = """# Added by `aceskit install resolve`: the aceskit payload of this installation.
import os as _os, sys as _sys
_sys.path[:0] = [_p for _p in {paths!r} if _p not in _sys.path]
_os.environ.setdefault("ACESKIT_RESOLVE_LUT_ROOT", {lut_roots!r})
"""


class InstallError(Exception):
    """A user-facing failure: one sentence, no traceback."""


def _helper(name: str = "aceskit_resolve"):
    """A helper module of hosts/resolve/lib (aceskit_resolve or resolve_settings)."""
    sys.path.insert(0, str(HOST / "lib"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


def _reroot(path: PurePath, prefix: Optional[Path]) -> Path:
    if prefix is None:
        return Path(path)
    return Path(prefix).joinpath(*PurePath(path).parts[1:])


def _lut_roots(prefix: Optional[Path]) -> tuple[list[Path], list[Path]]:
    """(every LUT folder of this OS, those to install into: the ones whose Resolve folder exists,
    else the first)."""
    every = [_reroot(p, prefix) for p in _helper().lut_roots()]
    chosen = [p for p in every if p.parent.is_dir()] or every[:1]
    return every, chosen


def targets(prefix: Optional[Path] = None) -> dict[str, Path]:
    """The folders the installer owns: ``dctl`` (and ``dctl 2`` with two LUT folders), scripts, python."""
    h = _helper()
    dctl = {("dctl" if i == 0 else f"dctl {i + 1}"): root / h.LUT_SUBDIR
            for i, root in enumerate(_lut_roots(prefix)[1])}
    return {**dctl, "scripts": _reroot(h.scripts_root(), prefix) / "Utility" / "aceskit",
            "python": _reroot(_helper("resolve_settings").data_root(), prefix) / "python"}


def _replace_dir(dest: Path, fill) -> None:
    """Build the folder in a sibling staging folder, then swap it in (checked by :func:`install`)."""
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


def install(prefix: Optional[Path] = None, overwrite: bool = False) -> dict[str, Path]:
    t = targets(prefix)
    fileio.check_install(t.values(), MARKER, overwrite=overwrite)

    def dctls(p: Path) -> None:
        shutil.copytree(HOST / "dctl", p, ignore=_IGNORE)

    def python(p: Path) -> None:
        shutil.copytree(CORE, p / "aceskit", ignore=_IGNORE)
        for helper in sorted((HOST / "lib").iterdir()):
            if helper.suffix in (".py", ".json"):
                shutil.copy2(helper, p / helper.name)

    def scripts(p: Path) -> None:
        p.mkdir()
        roots = os.pathsep.join(str(v.parent) for k, v in t.items() if k.startswith("dctl"))
        header = SCRIPT_HEADER.format(paths=[str(t["python"])], lut_roots=roots)
        for script in sorted((HOST / "scripts").glob("*.py")):
            (p / script.name).write_text(header + script.read_text(encoding="utf-8"), encoding="utf-8")

    for key, dest in t.items():
        _replace_dir(dest, {"python": python, "scripts": scripts}.get(key, dctls))
    return t


def uninstall(prefix: Optional[Path] = None) -> list[Path]:
    """Remove every folder an install may have put in place (all LUT folders of this OS)."""
    removed = []
    h = _helper()
    owned = [root / h.LUT_SUBDIR for root in _lut_roots(prefix)[0]]
    owned += [v for k, v in targets(prefix).items() if not k.startswith("dctl")]
    for dest in owned:
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
    parser.add_argument("--overwrite", action="store_true", help="replace an earlier aceskit install")
    parser.add_argument("--uninstall", action="store_true", help="remove what a previous install put in place")
    args = parser.parse_args(list(argv))
    try:
        if args.uninstall:
            removed = uninstall(args.prefix)
            print("removed " + (", ".join(map(str, removed)) if removed else "nothing (not installed)"))
        else:
            for key, path in install(args.prefix, args.overwrite).items():
                print(f"{key:8s} {path}")
            print("Restart Resolve (or use Update Lists in the LUT browser) to see the DCTLs; "
                  "the scripts are under Workspace > Scripts > aceskit.")
    except (InstallError, fileio.OutputError, OSError) as e:
        print(f"aceskit install resolve: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
