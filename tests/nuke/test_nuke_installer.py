"""``aceskit install nuke`` against a temporary home: copy, one idempotent init.py line, uninstall."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aceskit.commands.install import load_installer

import fakenuke

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installer():
    return load_installer("nuke")


def _our_lines(init_py: Path) -> list[str]:
    return [ln for ln in init_py.read_text().splitlines() if "pluginAddPath" in ln]


def test_install_is_idempotent_and_uninstall_removes_both(installer, tmp_path, capsys):
    home = tmp_path / "home"
    (home / ".nuke").mkdir(parents=True)
    init_py = home / ".nuke" / "init.py"
    init_py.write_text("import nuke\nnuke.pluginAddPath('/studio/tools')\n")
    assert installer.main(["--home", str(home)]) == 0
    dest = home / ".nuke" / "aceskit"
    (dest / "stale.txt").write_text("left from an old install")
    assert installer.main(["--home", str(home)]) == 1      # an earlier install: only with --overwrite
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"already installed at {dest}; pass --overwrite" in err
    assert (dest / "stale.txt").exists()
    assert installer.main(["--home", str(home), "--overwrite"]) == 0
    assert not (dest / "stale.txt").exists()
    assert (dest / "init.py").is_file() and (dest / "menu.py").is_file()
    assert sorted(p.name for p in (dest / "gizmos").iterdir()) == \
        sorted(p.name for p in (ROOT / "hosts" / "nuke" / "gizmos").iterdir())
    assert (dest / "python" / "aceskit" / "rgc.py").is_file()      # the core travels with the plug-in
    assert (dest / "python" / "aceskit_nuke" / "export.py").is_file()
    assert not list(dest.rglob("__pycache__"))
    lines = _our_lines(init_py)
    assert lines[0] == "nuke.pluginAddPath('/studio/tools')" and len(lines) == 2   # one line added, once
    assert repr(str(dest)) in lines[1]

    # the added line works: run the user's init.py with a fake nuke, then the plug-in's init.py
    fake = fakenuke.install()
    try:
        exec(compile(lines[1], "init.py", "exec"), {})
        assert fake.plugin_paths[0] == str(dest)
        exec(compile((dest / "init.py").read_text(), str(dest / "init.py"), "exec"), {"__file__": str(dest / "init.py")})
        assert str(dest / "gizmos") in fake.plugin_paths and str(dest / "python") in fake.plugin_paths
    finally:
        sys.modules.pop("nuke", None)
        for p in (str(dest / "gizmos"), str(dest / "python"), str(dest)):
            while p in sys.path:
                sys.path.remove(p)

    assert installer.main(["--home", str(home), "--uninstall"]) == 0
    assert not dest.exists()
    assert init_py.read_text() == "import nuke\nnuke.pluginAddPath('/studio/tools')\n"
    assert installer.main(["--home", str(home), "--uninstall"]) == 0    # nothing left to do is fine


def test_custom_dest_and_fresh_home(installer, tmp_path):
    home = tmp_path / "h"
    home.mkdir()
    dest = tmp_path / "tools" / "aceskit-nuke"
    assert installer.main(["--home", str(home), "--dest", str(dest)]) == 0
    assert (dest / "gizmos" / "ACES_RGC.gizmo").is_file()
    assert _our_lines(home / ".nuke" / "init.py") == [installer._line(dest.resolve())]
    assert installer.main(["--home", str(home), "--dest", str(dest), "--uninstall"]) == 0
    assert not dest.exists() and _our_lines(home / ".nuke" / "init.py") == []


def test_the_init_py_line_alone_counts_as_an_install(installer, tmp_path, capsys):
    """The folder was deleted by hand but init.py still loads it: still an install to replace."""
    home = tmp_path / "h"
    home.mkdir()
    dest = tmp_path / "tools" / "aceskit-nuke"
    assert installer.main(["--home", str(home), "--dest", str(dest)]) == 0
    shutil.rmtree(dest)
    assert installer.main(["--home", str(home), "--dest", str(dest)]) == 1
    assert f"already installed at {dest}; pass --overwrite" in capsys.readouterr().err
    assert not dest.exists()
    assert installer.main(["--home", str(home), "--dest", str(dest), "--overwrite"]) == 0
    assert (dest / "menu.py").is_file() and len(_our_lines(home / ".nuke" / "init.py")) == 1


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_refuses_to_overwrite_a_foreign_folder(installer, tmp_path, capsys, overwrite):
    home = tmp_path / "h"
    home.mkdir()
    dest = tmp_path / "precious"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    assert installer.main(["--home", str(home), "--dest", str(dest), *overwrite]) == 1
    assert "not an aceskit install" in capsys.readouterr().err
    (tmp_path / "file").write_text("mine")
    assert installer.main(["--home", str(home), "--dest", str(tmp_path / "file"), *overwrite]) == 1
    assert "not an aceskit install" in capsys.readouterr().err and (tmp_path / "file").read_text() == "mine"
    assert not (home / ".nuke" / "init.py").exists()
    assert installer.main(["--home", str(home), "--dest", str(dest), "--uninstall"]) == 1
    assert (dest / "keep.txt").read_text() == "mine"
    assert installer.main(["--home", str(tmp_path / "missing")]) == 1
    (home / ".nuke" / "init.py").mkdir(parents=True)      # not a file: refused before copying
    assert installer.main(["--home", str(home), "--dest", str(tmp_path / "new"), "--overwrite"]) == 1
    assert "init.py is a folder, not a regular file" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_cli_entry_point(tmp_path):
    home = tmp_path / "h"
    home.mkdir()
    cli = [sys.executable, "-m", "aceskit.cli", "install", "nuke", "--home", str(home)]
    res = subprocess.run(cli, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert (home / ".nuke" / "aceskit" / "menu.py").is_file()
    res = subprocess.run(cli + ["--uninstall"], capture_output=True, text=True)
    assert res.returncode == 0 and not (home / ".nuke" / "aceskit").exists()
