"""``aceskit install resolve --prefix``: install, idempotent re-install, uninstall."""

from __future__ import annotations

import subprocess
import sys

import pytest

from aceskit.commands.install import load_installer

from resolvetest import DCTL_DIR, SCRIPTS_DIR


@pytest.fixture(scope="module")
def installer():
    return load_installer("resolve")


def tree(path):
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def test_install_reinstall_uninstall(installer, tmp_path, capsys):
    prefix = tmp_path / "root"
    assert installer.main(["--prefix", str(prefix)]) == 0
    t = installer.targets(prefix)
    assert t["dctl"].name == "aceskit" and t["dctl"].parent.name == "LUT"
    assert t["scripts"].parts[-3:] == ("Scripts", "Utility", "aceskit")
    shipped = {p.relative_to(DCTL_DIR).as_posix() for p in DCTL_DIR.rglob("*.dctl")}
    assert {k for k in tree(t["dctl"]) if k.endswith(".dctl")} == shipped
    assert {p.name for p in t["scripts"].glob("*.py")} == {p.name for p in SCRIPTS_DIR.glob("*.py")}
    installed = (t["scripts"] / "aceskit Clip RGC On.py").read_text()
    assert installed.startswith("# Added by `aceskit install resolve`")
    assert repr([str(t["python"])]) in installed and repr(str(t["dctl"].parent)) in installed
    assert installed.endswith((SCRIPTS_DIR / "aceskit Clip RGC On.py").read_text())
    assert (t["python"] / "aceskit" / "rgc.py").is_file() and (t["python"] / "aceskit_resolve.py").is_file()
    assert (t["python"] / "resolve_settings.py").is_file() and (t["python"] / "resolve_settings.json").is_file()
    # a LUT of another vendor next to ours survives everything
    other = t["dctl"].parent / "Film Looks" / "look.cube"
    other.parent.mkdir()
    other.write_text("LUT_3D_SIZE 2\n")
    first = {k: tree(v) for k, v in t.items()}
    (t["dctl"] / "Baked" / "stale.dctl").write_text("// left from an old install")
    capsys.readouterr()
    assert installer.main(["--prefix", str(prefix)]) == 1        # replaced only with --overwrite
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"already installed at {t['dctl']}; pass --overwrite" in err
    assert (t["dctl"] / "Baked" / "stale.dctl").exists()
    assert installer.main(["--prefix", str(prefix), "--overwrite"]) == 0
    assert {k: tree(v) for k, v in t.items()} == first
    assert installer.main(["--prefix", str(prefix), "--uninstall"]) == 0
    assert not any(v.exists() for v in t.values())
    assert other.read_text() == "LUT_3D_SIZE 2\n"
    assert installer.main(["--prefix", str(prefix), "--uninstall"]) == 0     # nothing left: still fine


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_foreign_folder_is_never_replaced(installer, tmp_path, capsys, overwrite):
    prefix = tmp_path / "root"
    t = installer.targets(prefix)
    foreign = t["scripts"]
    foreign.mkdir(parents=True)
    (foreign / "mine.py").write_text("# a user's own aceskit folder")
    assert installer.main(["--prefix", str(prefix), *overwrite]) == 1
    assert "is not an aceskit install" in capsys.readouterr().err
    assert (foreign / "mine.py").exists()
    assert not t["dctl"].exists() and not t["python"].exists()     # refused before any work
    assert installer.main(["--prefix", str(prefix), "--uninstall"]) == 1
    assert (foreign / "mine.py").exists()


def test_installed_script_bootstraps_from_its_config(installer, tmp_path):
    """The installed copy imports aceskit from the private payload, not from this checkout."""
    prefix = tmp_path / "root"
    installer.main(["--prefix", str(prefix)])
    script = installer.targets(prefix)["scripts"] / "aceskit Clip RGC On.py"
    code = ("import runpy, sys; "
            f"ns = runpy.run_path({str(script)!r}, run_name='probe'); "
            "import aceskit, aceskit_resolve, os; print(aceskit.__file__); print(os.environ['ACESKIT_RESOLVE_LUT_ROOT'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PATH": "", "PYTHONPATH": ""})
    lines = out.stdout.split()
    assert out.returncode == 0, out.stderr
    assert lines[0].startswith(str(installer.targets(prefix)["python"]))
    assert lines[1] == str(installer.targets(prefix)["dctl"].parent)


def test_linux_lut_folders():
    import aceskit_resolve as ar
    assert [str(p) for p in ar.lut_roots("linux")] == ["/opt/resolve/LUT", "/home/resolve/LUT"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the two LUT folders are Linux's")
def test_linux_installs_into_each_resolve_folder_that_exists(installer, tmp_path):
    prefix = tmp_path / "root"
    (prefix / "opt" / "resolve").mkdir(parents=True)
    assert set(installer.targets(prefix)) == {"dctl", "scripts", "python"}
    (prefix / "home" / "resolve").mkdir(parents=True)
    t = installer.install(prefix)
    assert (t["dctl"], t["dctl 2"]) == (prefix / "opt/resolve/LUT/aceskit", prefix / "home/resolve/LUT/aceskit")
    assert tree(t["dctl"]) == tree(t["dctl 2"]) and (t["dctl 2"] / "aceskit RGC Reference.dctl").is_file()
    header = (t["scripts"] / "aceskit Export.py").read_text()
    assert repr(f"{prefix}/opt/resolve/LUT:{prefix}/home/resolve/LUT") in header
    # the scripts write baked DCTLs into both folders
    import aceskit_resolve as ar
    from aceskit import rgc
    rel = ar.ensure_baked(ar.lut_dirs([t["dctl"].parent, t["dctl 2"].parent]), rgc.REFERENCE, True, "ACEScg")
    assert (t["dctl"].parent / rel).read_text() == (t["dctl 2"].parent / rel).read_text()
    # Resolve's /home/resolve folder removed later: uninstall still finds that install
    (prefix / "home" / "resolve" / "LUT" / "keep.cube").write_text("LUT_3D_SIZE 2\n")
    installer.uninstall(prefix)
    assert not t["dctl"].exists() and not t["dctl 2"].exists()
    assert (prefix / "home" / "resolve" / "LUT" / "keep.cube").exists()


def test_cli_entry_point(tmp_path):
    out = subprocess.run([sys.executable, "-m", "aceskit.cli", "install", "resolve", "--prefix", str(tmp_path)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Workspace > Scripts > aceskit" in out.stdout
