import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for p in (HERE, ROOT / "tests", ROOT / "hosts" / "resolve" / "lib"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from resolvetest import DCTL_DIR  # noqa: E402


@pytest.fixture(scope="session")
def compiler(tmp_path_factory):
    from dctlrun import Compiler
    return Compiler(tmp_path_factory.mktemp("dctl_build"), workers=max(2, os.cpu_count() or 2))


@pytest.fixture
def lut_root(tmp_path):
    """A Resolve LUT folder with the shipped DCTLs installed under aceskit/ and a foreign LUT."""
    import shutil
    root = tmp_path / "LUT"
    shutil.copytree(DCTL_DIR, root / "aceskit")
    (root / "Film Looks").mkdir()
    (root / "Film Looks" / "look.cube").write_text("LUT_3D_SIZE 2\n")
    return root


@pytest.fixture(autouse=True)
def aceskit_home(tmp_path, monkeypatch):
    """A private home: the user settings file, probes and project files of a test stay in tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("ACESKIT_RESOLVE_SETTINGS", "ACESKIT_PROJECT", "ACESKIT_RESOLVE_LUT_ROOT"):
        monkeypatch.delenv(name, raising=False)
    return home
