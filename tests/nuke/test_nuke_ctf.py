"""The OCIOFileTransform route: the committed CTF files load and apply in PyOpenColorIO with the
same result as the numpy backend."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import hostcheck
from aceskit import ops, rgc
from aceskit.convert import convert
from aceskit.targets import nuke

CTF_DIR = Path(__file__).resolve().parents[2] / "hosts" / "nuke" / "ctf"
FILES = nuke.ctf_files()


def _apply(path: Path, rgb: np.ndarray) -> np.ndarray:
    import PyOpenColorIO as ocio
    cfg = ocio.Config.CreateRaw()
    proc = cfg.getProcessor(ocio.FileTransform(str(path), interpolation=ocio.INTERP_LINEAR))
    out = np.ascontiguousarray(rgb, dtype=np.float32).copy()
    proc.getOptimizedCPUProcessor(ocio.OPTIMIZATION_LOSSLESS).applyRGB(out)
    return out.astype(np.float64)


def test_every_listed_file_is_committed():
    assert sorted(p.name for p in CTF_DIR.glob("*.ctf")) == sorted(FILES)


@pytest.mark.parametrize("space", rgc.SPACES)
@pytest.mark.parametrize("inverse", [False, True], ids=["forward", "inverse"])
def test_rgc_ctf_matches_core(space, inverse):
    name = f"ACES_RGC_{re.sub(r'[^A-Za-z0-9]+', '_', space)}_{'inverse' if inverse else 'forward'}.ctf"
    path = CTF_DIR / name
    root = ET.parse(path).getroot()
    assert root.get("version") == "2.1"
    styles = [el.get("style") for el in root.iter("FixedFunction")]
    assert styles == ["GamutComp13Rev" if inverse else "GamutComp13Fwd"]   # OCIO's native RGC (2.1+)
    x = convert(hostcheck.validation_pixels(), "ACES2065-1", space)
    hostcheck.assert_host_rgc(_apply(path, x), x, rgc.REFERENCE, inverse, space)


def _codes(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, 257)
    mixed = np.clip(rng.uniform(0, 1, (500, 1)) + rng.uniform(-0.125, 0.125, (500, 3)), 0, 1)
    return np.concatenate([np.repeat(t[:, None], 3, axis=1), mixed])


PAIRS = {nuke.conversion_name(s, d) + ".ctf": (s, d) for s, d in nuke.HOST.conversion_pairs()}


def test_conversion_files_are_the_manifest_pairs_without_luts():
    from aceskit.convert import plan
    from aceskit.targets import ctf
    listed = {n for n in FILES if not n.startswith("ACES_RGC_")}
    assert listed == {n for n, (s, d) in PAIRS.items() if ctf.lut_free(plan(s, d))}
    assert len(listed) < len(PAIRS)            # some curves have no OpenColorIO equivalent (no 2 MB LUTs)


@pytest.mark.parametrize("name", sorted(n for n in FILES if not n.startswith("ACES_RGC_")))
def test_conversion_ctf_matches_convert(name):
    from aceskit import spaces
    src, dst = PAIRS[name]
    codes = _codes(len(name))
    if not spaces.get(src).is_linear:
        x = codes
    elif spaces.get(dst).is_linear:
        x = codes * 4.0 - 0.05
    else:                                      # linear into a log encoding: the log's own code range
        x = convert(codes, dst, src)
    ref = convert(x.astype(np.float32).astype(np.float64), src, dst)
    out = _apply(CTF_DIR / name, x)
    mag = np.maximum(1.0, np.maximum(np.abs(ref).max(-1, keepdims=True), np.abs(x).max(-1, keepdims=True)))
    bad = np.abs(out - ref) > 2e-5 * np.abs(ref) + 1e-6 * mag
    assert not bad.any(), f"{name}: {bad.any(-1).sum()} pixels off, worst {np.abs(out - ref).max():.3g}"
    # the file is the plan op for op: one process node per op, each matrix with the plan's numbers
    chain = FILES[name]
    nodes = [el for el in ET.parse(CTF_DIR / name).getroot() if el.tag not in ("Description", "Info")]
    assert [el.tag == "Matrix" for el in nodes] == [isinstance(op, ops.Matrix) for op in chain], (
        f"{name}: {[el.tag for el in nodes]} for {[type(op).__name__ for op in chain]}")
    for el, op in zip(nodes, chain):
        if el.tag == "Matrix":
            np.testing.assert_allclose(np.array(el.find("Array").text.split(), float).reshape(3, 3), op.m,
                                       rtol=1e-12, atol=1e-15)
