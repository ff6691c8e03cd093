"""Atomic writes: whole files or nothing, ordinary permissions, no leftovers."""

from __future__ import annotations

import os
import stat

import pytest

from aceskit import fileio


def test_write_replaces_atomically_with_umask_permissions(tmp_path):
    target = tmp_path / "a.txt"
    fileio.write_text(target, "new")
    assert target.read_text() == "new"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_replacing_keeps_the_existing_files_permissions(tmp_path):
    target = tmp_path / "init.py"
    target.write_text("old")
    target.chmod(0o600)
    fileio.write_text(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_failure_keeps_the_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "b.bin"
    target.write_bytes(b"keep")
    with pytest.raises(RuntimeError):
        with fileio.atomic_path(target) as tmp:
            open(tmp, "wb").write(b"half")
            raise RuntimeError("interrupted")
    assert target.read_bytes() == b"keep"
    assert [p.name for p in tmp_path.iterdir()] == ["b.bin"]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        fileio.write_text(tmp_path / "nope" / "c.txt", "x")


def test_remove_temporaries_removes_only_what_atomic_path_leaves(tmp_path):
    keep = ["o.0001.exr", ".o.0001.exr.notes", ".hidden", "o.0001.exr.k2j4h5g6.tmp"]
    for name in [*keep, ".o.0001.exr.k2j4h5g6.tmp.exr", ".o.0002.exr.a_b3c4d5.tmp"]:
        (tmp_path / name).write_text("x")
    assert fileio.remove_temporaries([tmp_path / "o.0001.exr", tmp_path / "o.0002.exr"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep)
    with fileio.atomic_path(tmp_path / "o.0003.exr", suffix=".tmp.exr") as tmp:  # the names it really uses
        assert fileio.remove_temporaries([tmp_path / "o.0003.exr"]) == 1 and not os.path.exists(tmp)
        open(tmp, "w").write("recreated")
