"""The committed DCTLs are what the generator produces from the core (numbers up to CPU rounding)."""

from __future__ import annotations

import importlib.util

import drift
from resolvetest import DCTL_DIR, ROOT


def _generator():
    spec = importlib.util.spec_from_file_location("resolve_generate", ROOT / "hosts" / "resolve" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_regenerating_changes_nothing(tmp_path, capsys):
    assert _generator().main(tmp_path) == 0
    drift.assert_same_files(tmp_path, DCTL_DIR, "*.dctl", hint="Run python hosts/resolve/generate.py")


def test_generator_removes_stale_files(tmp_path, capsys):
    (tmp_path / "CSC").mkdir()
    stale = tmp_path / "CSC" / "aceskit Old Camera to ACEScct.dctl"
    stale.write_text("// old")
    _generator().main(tmp_path)
    assert not stale.exists()


def test_no_color_math_numbers_in_hand_written_resolve_files():
    """Constants live in the core; only generated DCTLs carry them."""
    for path in (ROOT / "hosts" / "resolve").rglob("*"):
        if path.is_file() and path.suffix != ".dctl":
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "1.147" not in text and "0.815" not in text, path
