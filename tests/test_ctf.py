"""The CTF backend: every chain written as CTF, reloaded and applied by PyOpenColorIO."""

from __future__ import annotations

import numpy as np
import pytest

from aceskit import metric, rgc, spaces, testimage
from aceskit.convert import plan
from aceskit.targets import ctf, numpy as backend
from oracles import assert_close
from hostcheck import PARAM_SETS

import PyOpenColorIO as ocio


def apply_file(path, rgb):
    cpu = ocio.Config.CreateRaw().getProcessor(ocio.FileTransform(str(path))).getOptimizedCPUProcessor(
        ocio.OPTIMIZATION_LOSSLESS)
    out = np.ascontiguousarray(rgb, dtype=np.float32).copy()
    cpu.applyRGB(out)
    return out


@pytest.mark.parametrize("name", spaces.names())
def test_every_space_to_and_from_aces_as_ctf(name, tmp_path, rng):
    s = spaces.get(name)
    code = rng.uniform(-0.02 if s.is_linear else 0.02, 1.0, (3000, 3)).astype(np.float32)
    chain = plan(name, "ACES2065-1")
    path = ctf.write(chain, tmp_path / "decode.ctf")  # OpenColorIO caches files by path: one name each
    assert_close(apply_file(path, code), backend.run(chain, code), msg=f"{name} decode")

    aces = (rng.uniform(0.01, 1.0, (3000, 3)) @ s.matrix_to_ap0.T).astype(np.float32)
    chain = plan("ACES2065-1", name)
    path = ctf.write(chain, tmp_path / "encode.ctf")
    got, want = apply_file(path, aces), backend.run(chain, aces)
    if name.startswith("ACESproxy"):
        # quantised to whole code values: a LUT can land one code value off at a step
        assert np.max(np.abs(got - want)) * (2 ** int(name[9:11]) - 1) <= 1.0 + 1e-3
    else:
        assert_close(got, want, scale="value", msg=f"{name} encode")


@pytest.mark.parametrize("params", PARAM_SETS, ids=["reference", "set1", "set2", "set3"])
@pytest.mark.parametrize("inverse", [False, True], ids=["forward", "inverse"])
def test_rgc_as_ctf(params, inverse, tmp_path):
    img = testimage.rgc_validation_image(480, 270).reshape(-1, 3)
    if inverse:
        img = rgc.compress(img, params)
    chain = rgc.chain(params, inverse=inverse)
    path = ctf.write(chain, tmp_path / "rgc.ctf", description="aceskit RGC")
    text = path.read_text()
    assert ("GamutComp13Rev" if inverse else "GamutComp13Fwd") in text
    check = metric.rangecheck(backend.run(chain, img), apply_file(path, img))
    assert check.ok, check.report()


def test_symbolic_or_out_of_range_parameters_are_refused(tmp_path):
    with pytest.raises(ValueError, match="numeric RGC parameters"):
        ctf.to_ocio(rgc.chain(rgc.UI, inverse=None))
    with pytest.raises(ValueError, match="OpenColorIO accepts RGC power only within 1..65504"):
        ctf.to_ocio(rgc.chain(rgc.RGCParams(power=0.8)))
    with pytest.raises(ValueError, match="must end in .ctf"):
        ctf.write(plan("ACEScg", "ACEScct"), tmp_path / "x.clf")


def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path):
    ctf.write(plan("ACEScct", "ACEScg"), tmp_path / "a.ctf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ctf"]
