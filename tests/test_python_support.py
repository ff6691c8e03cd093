"""The Python that Nuke (14: 3.9, 15: 3.10, 16: 3.11) and Resolve run: the modules they import,
found by following imports from the host glue, use nothing newer than Python 3.9.

Checked statically with vermin (syntax, standard-library APIs, evaluated annotations) and, where
a Python 3.9 interpreter with numpy is available, by importing them in it.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Optional

import pytest

import drift

ROOT = Path(__file__).resolve().parents[1]
#: Where the host-side top-level packages live: the core, and the host glue packages.
SEARCH = (ROOT / "core", ROOT / "hosts" / "nuke" / "python", ROOT / "hosts" / "resolve" / "lib")
ENTRY_GLOBS = ("hosts/nuke/*.py", "hosts/nuke/python/aceskit_nuke/*.py", "hosts/resolve/lib/*.py",
               "hosts/resolve/scripts/*.py", "installers/*.py")


def _module_file(dotted: str) -> Optional[Path]:
    parts = dotted.split(".")
    for base in SEARCH:
        for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")):
            if candidate.is_file():
                return candidate
    return None


def _dotted(path: Path) -> Optional[str]:
    for base in SEARCH:
        if base in path.parents:
            rel = path.relative_to(base).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            return ".".join(parts)
    return None


def _imported(path: Path) -> Iterable[str]:
    """Every module an import statement anywhere in ``path`` names (lazy imports in functions too)."""
    this = _dotted(path)
    package = (this if path.name == "__init__.py" else this.rpartition(".")[0]) if this else ""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1] if package else []
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module
            yield from (f"{module}.{a.name}" for a in node.names)   # "from pkg import submodule"


def host_modules() -> list[Path]:
    """The entry modules and every project module they import, transitively (with parent packages)."""
    todo = [p for g in ENTRY_GLOBS for p in sorted(ROOT.glob(g))]
    seen: dict[Path, None] = {}
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen[path] = None
        for name in _imported(path):
            parts = name.split(".")
            for i in range(1, len(parts) + 1):          # importing a.b.c runs a and a.b first
                found = _module_file(".".join(parts[:i]))
                if found is not None and found not in seen:
                    todo.append(found)
    return sorted(seen)


def test_the_module_list_follows_imports():
    mods = {p.relative_to(ROOT).as_posix() for p in host_modules()}
    # reached only through imports: the Nuke glue -> aceskit.targets.nuke -> manifest, expr, ...
    for expected in ("core/aceskit/__init__.py", "core/aceskit/targets/nuke.py", "core/aceskit/targets/manifest.py",
                     "core/aceskit/expr.py", "core/aceskit/policy.py", "core/aceskit/amf/rules.py",
                     "core/aceskit/targets/dctl.py", "core/aceskit/transfer/aces.py", "core/aceskit/fileio.py"):
        assert expected in mods, expected
    assert "core/aceskit/cli.py" not in mods           # the command line is not a host module


def _vermin(files: list[Path], *extra: str) -> subprocess.CompletedProcess:
    vermin = shutil.which("vermin", path=os.path.dirname(sys.executable)) or shutil.which("vermin")
    assert vermin, "vermin is a test dependency (pip install -e '.[test]')"
    return subprocess.run([vermin, "--target=3.9-", "--no-tips", "--violations", "--no-parse-comments",
                           *extra, *map(str, files)], capture_output=True, text=True, cwd=ROOT)


def _postponed(path: Path) -> bool:
    """Whether the module has ``from __future__ import annotations`` (annotations never evaluated)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.ImportFrom) and n.module == "__future__" and
               any(a.name == "annotations" for a in n.names) for n in tree.body)


def test_host_modules_need_at_most_python_3_9():
    mods = host_modules()
    lazy = [p for p in mods if _postponed(p)]
    eager = [p for p in mods if not _postponed(p)]
    for group, extra in ((lazy, ()), (eager, ("--eval-annotations",))):
        if group:
            res = _vermin(group, *extra)
            assert res.returncode == 0, res.stdout + res.stderr


def test_vermin_catches_3_10_code(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(x: int | None):\n    match x:\n        case 1:\n            return zip([1], [2], strict=True)\n")
    res = _vermin([bad], "--eval-annotations")
    assert res.returncode != 0 and "3.10" in res.stdout


def _works(exe: Optional[str], need_numpy: bool = True) -> bool:
    if not exe:
        return False
    code = "import sys" + (", numpy" if need_numpy else "") + "; print(sys.version_info[:2] == (3, 9))"
    try:
        probe = subprocess.run([exe, "-c", code], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0 and probe.stdout.strip() == "True"


def _python39(cache_dir: Path) -> Optional[str]:
    """A Python 3.9 with numpy: $ACESKIT_PYTHON39, else a venv (made once in the pytest cache, numpy
    from the package index) on a Python 3.9 found on PATH or under pyenv."""
    if _works(os.environ.get("ACESKIT_PYTHON39")):
        return os.environ["ACESKIT_PYTHON39"]
    venv = cache_dir / "bin" / "python"
    if _works(str(venv)):
        return str(venv)
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    bases = [shutil.which("python3.9"), *map(str, sorted(pyenv.glob("3.9*/bin/python3.9")))]
    base = next((b for b in bases if _works(b, need_numpy=False)), None)
    if base is None:
        return None
    try:
        subprocess.run([base, "-m", "venv", "--clear", str(cache_dir)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(venv), "-m", "pip", "install", "--quiet", "numpy"], check=True, capture_output=True,
                       timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    return str(venv) if _works(str(venv)) else None


def test_host_modules_import_under_python_3_9(pytestconfig, tmp_path_factory):
    cache_provider = getattr(pytestconfig, "cache", None)       # absent under -p no:cacheprovider
    cache = cache_provider.mkdir("python39-venv") if cache_provider else tmp_path_factory.mktemp("py39")
    exe = _python39(Path(cache))
    if exe is None:
        pytest.skip("no Python 3.9 here (PATH, pyenv or $ACESKIT_PYTHON39); the vermin check above still runs")
    nuke_glue = ROOT / "hosts" / "nuke" / "python"    # imports the nuke module, which only Nuke has
    names = sorted({_dotted(p) for p in host_modules() if _dotted(p) and nuke_glue not in p.parents})
    # import every core module the hosts use, then regenerate the Nuke gizmos: the same text as shipped
    out = tmp_path_factory.mktemp("gizmos39")
    code = ("import importlib, json, sys\nfor n in sys.argv[2:]:\n    importlib.import_module(n)\n"
            "from aceskit.targets import nuke\n"
            "json.dump(nuke.gizmos(), open(sys.argv[1], 'w'))\n"
            "print(len(sys.argv) - 2)")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, SEARCH)))
    res = subprocess.run([exe, "-c", code, str(out / "gizmos.json"), *names], capture_output=True, text=True,
                         env=env, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert int(res.stdout) == len(names) > 20
    gizmos = json.loads((out / "gizmos.json").read_text(encoding="utf-8"))
    assert len(gizmos) > 40
    for name, text in gizmos.items():
        drift.assert_no_drift(text, (ROOT / "hosts" / "nuke" / "gizmos" / name).read_text(encoding="utf-8"), name)
