import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for p in (HERE, ROOT / "tests", ROOT / "hosts" / "resolve" / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

DCTL_DIR = ROOT / "hosts" / "resolve" / "dctl"


@pytest.fixture(scope="session")
def compiler(tmp_path_factory):
    from dctlrun import Compiler
    return Compiler(tmp_path_factory.mktemp("dctl_build"), workers=max(2, os.cpu_count() or 2))
