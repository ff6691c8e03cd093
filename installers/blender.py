"""``aceskit install blender``: build the aceskit Blender extension and install it.

The extension zip holds hosts/blender plus an aceskit wheel built from this checkout
(``pip wheel --no-deps``; Blender brings numpy).  It is validated with ``blender_ext.py``, the
extension tool shipped with Blender (and with the ``bpy`` module), when one is found.  With a
``blender`` on PATH (or ``--blender``) the zip is installed into the user repository and
enabled; otherwise the one step to do by hand is printed.  An existing zip is replaced only with
``--overwrite``.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Optional

from aceskit import fileio

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "hosts" / "blender"
EXTENSION_ID = "aceskit"
REPO = "user_default"
BLENDER_EXT = Path("addons_core", "bl_pkg", "cli", "blender_ext.py")


class InstallError(Exception):
    """A user-facing failure: one sentence, no traceback."""


def aceskit_version() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(r'^version\s*=\s*"([^"]+)"', text, re.M)
    if not m:
        raise InstallError(f"no version found in {ROOT / 'pyproject.toml'}")
    return m[1]


def find_blender_ext(blender: Optional[str] = None) -> Optional[Path]:
    """``blender_ext.py`` from an importable ``bpy`` module, or next to a Blender binary."""
    roots = []
    spec = importlib.util.find_spec("bpy")
    if spec is not None and spec.origin:
        roots += sorted(Path(spec.origin).parent.glob("*/scripts"))
    if blender:
        exe = Path(shutil.which(blender) or blender).resolve()
        roots += sorted(exe.parent.glob("*/scripts")) + sorted(exe.parent.glob("*/*/scripts"))
    for r in roots:
        if (r / BLENDER_EXT).is_file():
            return r / BLENDER_EXT
    return None


def _run(cmd: list, what: str) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise InstallError(f"{what} failed: {' '.join(detail) or f'exit code {proc.returncode}'}")
    return proc.stdout


def build_wheel(dest: Path) -> Path:
    """An aceskit wheel built from this checkout (no dependencies bundled)."""
    base = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dest)]
    try:
        _run(base + [str(ROOT)], "building the aceskit wheel")
    except InstallError:  # offline: build with the setuptools and wheel already installed
        _run(base + ["--no-build-isolation", str(ROOT)], "building the aceskit wheel")
    wheels = sorted(dest.glob("aceskit-*.whl"))
    if not wheels:
        raise InstallError(f"pip did not produce an aceskit wheel in {dest}")
    return wheels[-1]


def stage(workdir: Path) -> Path:
    """hosts/blender with the wheel and a manifest naming it, ready to zip."""
    src = workdir / "src"
    shutil.copytree(SOURCE, src, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.zip", "wheels"))
    wheel = build_wheel(src / "wheels")
    manifest = src / "blender_manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    text = re.sub(r'^version\s*=.*$', f'version = "{aceskit_version()}"', text, count=1, flags=re.M)
    text, n = re.subn(r'^wheels\s*=.*$', f'wheels = ["./wheels/{wheel.name}"]', text, count=1, flags=re.M)
    if n != 1:
        raise InstallError(f"{manifest.name} has no 'wheels = ...' line to fill in")
    manifest.write_text(text, encoding="utf-8")
    return src


def _zip_dir(src: Path, dest: Path) -> None:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(src.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(src).as_posix())


def build(zip_path: Path, blender: Optional[str] = None, overwrite: bool = False) -> Path:
    """Build and validate the extension zip at ``zip_path`` (written atomically; an existing file
    is replaced only with ``overwrite``)."""
    zip_path = Path(zip_path).resolve()
    if zip_path.suffix.lower() != ".zip":
        raise InstallError(f"--zip must name a .zip file, got {str(zip_path)!r}")
    fileio.prepare_output(zip_path, overwrite=overwrite, what="--zip")
    tool = find_blender_ext(blender)
    with tempfile.TemporaryDirectory(prefix="aceskit-blender-") as tmp:
        src = stage(Path(tmp))
        out = Path(tmp) / "dist"
        out.mkdir()
        if tool is not None:
            _run([sys.executable, str(tool), "build", "--source-dir", str(src), "--output-dir", str(out)],
                 "blender_ext.py build")
            made = sorted(out.glob("*.zip"))
            if len(made) != 1:
                raise InstallError(f"blender_ext.py build made {len(made)} zip files, expected one")
            built = made[0]
            _run([sys.executable, str(tool), "validate", str(built)], "blender_ext.py validate")
        else:
            built = out / f"{EXTENSION_ID}-{aceskit_version()}.zip"
            _zip_dir(src, built)
        with fileio.atomic_path(zip_path) as tmp_zip:
            shutil.copyfile(built, tmp_zip)
    return zip_path


def _blender(option: Optional[str]) -> Optional[str]:
    if option:
        found = shutil.which(option)
        if not found:
            raise InstallError(f"--blender must be a Blender executable, got {option!r}")
        return found
    return shutil.which("blender")


def main(argv: list) -> int:
    parser = argparse.ArgumentParser(prog="aceskit install blender", description=__doc__.splitlines()[0])
    parser.add_argument("--zip", help="where to write the extension zip (default: aceskit-<version>.zip here)")
    parser.add_argument("--blender", help="Blender executable to install into (default: blender on PATH)")
    parser.add_argument("--build-only", action="store_true", help="build and validate the zip, do not install")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --zip file")
    parser.add_argument("--uninstall", action="store_true", help="remove the extension from Blender")
    args = parser.parse_args(argv)
    try:
        blender = None if args.build_only else _blender(args.blender)
        if args.uninstall:
            cmd = ["--command", "extension", "remove", f"{REPO}.{EXTENSION_ID}"]
            if blender is None:
                print("Blender is not on PATH; remove aceskit in Blender under Edit > Preferences > Add-ons, "
                      f"or run: blender {' '.join(cmd)}")
                return 0
            _run([blender, *cmd], "blender extension remove")
            print(f"removed the aceskit extension from {blender}")
            return 0
        zip_path = build(Path(args.zip or f"{EXTENSION_ID}-{aceskit_version()}.zip"), blender or args.blender,
                         overwrite=args.overwrite)
        checked = "validated with blender_ext.py" if find_blender_ext(blender) else \
            "not validated: no blender_ext.py found (it ships with Blender and with the bpy module)"
        print(f"built {zip_path} ({checked})")
        if args.build_only:
            return 0
        cmd = ["--command", "extension", "install-file", "-r", REPO, "-e", str(zip_path)]
        if blender is None:
            print(f"Blender is not on PATH; install by hand: blender {' '.join(cmd)}\n"
                  "(or in Blender: Edit > Preferences > Get Extensions > Install from Disk, and pick the zip)")
            return 0
        _run([blender, *cmd], "blender extension install-file")
        print(f"installed and enabled aceskit in {blender}")
        return 0
    except (InstallError, fileio.OutputError) as e:
        print(f"aceskit install blender: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
