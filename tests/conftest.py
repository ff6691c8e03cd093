"""Shared fixtures; oracles live in oracles.py and hostcheck.py (importable: this folder is on sys.path)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def rng():
    return np.random.default_rng(20261122)
