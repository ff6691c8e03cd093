"""Drift checks for generated text (gizmos, DCTLs, CTFs, docs tables): the text between numbers must
match exactly and the numbers within a tolerance, so that a last-digit difference from a CPU's
rounding is not drift but a changed formula, constant, name or structure is."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

#: A decimal number with optional sign, fraction and exponent, not glued to a word before it
#: (``ACES2065_1`` stays text; ``x-1.5e-3`` splits into ``x`` and ``-1.5e-3``).
NUMBER = re.compile(r"(?<![A-Za-z_\d.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def tokens(text: str) -> tuple[list[str], np.ndarray]:
    """(the text between numbers, the numbers as float64).  Spaces next to a number are padding
    (columns aligned to the numbers' lengths) and are left out of the text."""
    parts = NUMBER.split(text)
    if len(parts) == 1:
        return parts, np.zeros(0)
    text_parts = [p.rstrip(" \t") if i == 0 else p.strip(" \t") if i < len(parts) - 1 else p.lstrip(" \t")
                  for i, p in enumerate(parts)]
    return text_parts, np.array([float(n) for n in NUMBER.findall(text)], dtype=np.float64)


def differences(fresh: str, shipped: str, rel: float = 1e-9, abs_: float = 1e-12) -> list[str]:
    """What differs between two generated texts, beyond ``rel``·|x| + ``abs_`` for numbers."""
    text_a, num_a = tokens(fresh)
    text_b, num_b = tokens(shipped)
    if len(num_a) != len(num_b) or text_a != text_b:
        for line, (a, b) in enumerate(zip(fresh.splitlines(), shipped.splitlines()), 1):
            ta, na = tokens(a)
            tb, nb = tokens(b)
            if ta != tb or len(na) != len(nb):
                return [f"line {line}: {b!r} is now {a!r}"]
        return [f"{len(fresh.splitlines())} lines instead of {len(shipped.splitlines())}"]
    bad = np.abs(num_a - num_b) > rel * np.maximum(np.abs(num_a), np.abs(num_b)) + abs_
    return [f"number {num_b[i]!r} is now {num_a[i]!r}" for i in np.flatnonzero(bad)[:5]]


def assert_no_drift(fresh: str, shipped: str, what: str, hint: str = "", **tol) -> None:
    diff = differences(fresh, shipped, **tol)
    assert not diff, f"{what} differs from what the generator makes now: {'; '.join(diff)}. {hint}".strip()


def assert_same_files(fresh_dir: Path, shipped_dir: Path, pattern: str, hint: str = "", **tol) -> None:
    """Both folders hold the same files matching ``pattern`` (recursively), with the same texts."""
    fresh = {p.relative_to(fresh_dir).as_posix(): p for p in Path(fresh_dir).rglob(pattern) if p.is_file()}
    shipped = {p.relative_to(shipped_dir).as_posix(): p for p in Path(shipped_dir).rglob(pattern) if p.is_file()}
    assert sorted(fresh) == sorted(shipped), (
        f"file list differs: new {sorted(set(fresh) - set(shipped))}, gone {sorted(set(shipped) - set(fresh))}. "
        f"{hint}".strip())
    assert fresh, f"no {pattern} files in {shipped_dir}"
    for name in sorted(fresh):
        assert_no_drift(fresh[name].read_text(encoding="utf-8"), shipped[name].read_text(encoding="utf-8"),
                        name, hint, **tol)
