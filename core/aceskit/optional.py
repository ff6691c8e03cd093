"""Optional dependencies, imported where they are used so ``import aceskit`` needs numpy alone."""

from __future__ import annotations

import importlib


def require(module: str, user: str, install: str):
    """Import ``module``, or raise one clear ImportError naming what needs it and the pip command."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{user} requires {module}: pip install '{install}'") from exc
