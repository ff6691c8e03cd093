"""The shipped gizmos: regenerated identically, parsed strictly, run by the expression interpreter
and compared with the numpy backend (and, through hostcheck, with PyOpenColorIO's float32 error)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hostcheck
from hostcheck import check_rgc, ill_conditioned
import nkgraph
from aceskit import rgc, spaces, testimage
from aceskit.convert import convert
from aceskit.targets import nuke

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "hosts" / "nuke"
GIZMOS = PLUGIN / "gizmos"


@pytest.fixture(scope="module")
def pixels():
    return hostcheck.validation_pixels(192, 108)


@pytest.fixture(scope="module")
def gamut_compress():
    return nkgraph.load(GIZMOS / "GamutCompress.gizmo")


@pytest.fixture(scope="module")
def aces_rgc():
    return nkgraph.load(GIZMOS / "ACES_RGC.gizmo")


def test_regenerating_changes_nothing(tmp_path):
    nuke.generate(tmp_path)
    for sub in ("gizmos", "ctf"):
        fresh = {p.name: p.read_bytes() for p in (tmp_path / sub).iterdir()}
        shipped = {p.name: p.read_bytes() for p in (PLUGIN / sub).iterdir()}
        assert sorted(fresh) == sorted(shipped), f"{sub}: file list differs; run python -m aceskit.targets.nuke --out hosts/nuke"
        changed = [n for n in fresh if fresh[n] != shipped[n]]
        assert not changed, f"{sub}: regenerated files differ: {changed[:5]}"


def test_every_shipped_gizmo_parses_strictly():
    files = sorted(GIZMOS.glob("*.gizmo"))
    assert len(files) == 2 + len(nuke.conversion_spaces())
    for f in files:
        g = nkgraph.load(f)
        assert g.output.cls == "Output"
        classes = {n.cls for n in g.nodes}
        assert classes <= {"Input", "Output", "Expression", "ColorMatrix", "Switch"}, f.name


def test_gamutcompress_knobs_equal_ui_params(gamut_compress):
    k = gamut_compress.user_knobs
    for name, group, kind in (("limit", "Limit", 18), ("threshold", "Threshold", 18), ("roll_off", "Roll-off", 7)):
        ps = [p for p in rgc.UI_PARAMS if p.group == group]
        assert k[name].type == kind and k[name].label == group
        assert k[name].range == (ps[0].min, ps[0].max)
        assert all((p.min, p.max) == k[name].range for p in ps)
        inst = nkgraph.Instance(gamut_compress)
        comps = [f"{name}.{c}" for c in "rgb"[:len(ps)]] if kind == 18 else [name]
        assert [inst.knob(c) for c in comps] == [p.default for p in ps]
        assert k[name].tooltip == " / ".join(p.label for p in ps)
    assert k["invert"].type == 6
    assert k["working_space"].type == 4 and k["working_space"].items == rgc.SPACES
    visible = [n for n, v in k.items() if not v.hidden and v.type != 20]
    assert visible == ["limit", "threshold", "roll_off", "invert", "working_space", "rgc"]
    assert k["rgc"].items == nuke.OVERRIDES


def test_aces_rgc_knobs(aces_rgc):
    k = aces_rgc.user_knobs
    assert k["direction"].type == 4 and k["direction"].items == ("forward", "inverse")
    assert k["working_space"].items == rgc.SPACES
    assert [n for n, v in k.items() if not v.hidden and v.type != 20] == ["direction", "working_space", "rgc"]


@pytest.mark.parametrize("space", rgc.SPACES)
@pytest.mark.parametrize("inverse", [False, True], ids=["forward", "inverse"])
def test_aces_rgc_matches_core(aces_rgc, pixels, space, inverse):
    x = convert(pixels, "ACES2065-1", space)
    knobs = {"direction": "inverse" if inverse else "forward", "working_space": space}
    out = nkgraph.run_gizmo(aces_rgc, x, knobs)
    check_rgc(out, x, rgc.REFERENCE, inverse, space)


#: A parameter set whose inverse asymptote t + s (magenta: 1.036436) lies close to distances in
#: the validation image, where one float32 ulp of distance moves the result by more than the metric.
ILL_CONDITIONED = rgc.RGCParams(limit=(1.1, 1.6, 1.25), threshold=(0.85, 0.6, 0.7), power=2.0)


@pytest.mark.parametrize("space", rgc.SPACES)
@pytest.mark.parametrize("inverse", [False, True], ids=["forward", "inverse"])
@pytest.mark.parametrize("pset", range(len(hostcheck.PARAM_SETS)))
def test_gamutcompress_matches_core(gamut_compress, pixels, space, inverse, pset):
    p = hostcheck.PARAM_SETS[pset]
    x = convert(pixels, "ACES2065-1", space)
    inst = nkgraph.Instance(gamut_compress)
    inst.set("limit", p.limit)
    inst.set("threshold", p.threshold)
    inst.set("roll_off", p.power)
    inst.set("invert", inverse)
    inst.set("working_space", space)
    out = inst.run(x)[:, :3].astype(np.float64)
    check_rgc(out, x, p, inverse, space)


def test_inverse_near_the_asymptote_is_float32_bound(gamut_compress, pixels):
    """On distances just below the inverse asymptote t + s, float32 errors in the distance are amplified
    beyond the guide's 0.2% for OpenColorIO and for the gizmo alike; the gizmo is no worse.  (Why the
    acceptance check judges such channels by a round trip instead.)"""
    p = ILL_CONDITIONED
    t, s = p.threshold[1], rgc.scale(p.limit[1], p.threshold[1], p.power)
    rng = np.random.default_rng(1)
    ach = rng.uniform(0.05, 2.0, 20000)
    d = t + s - rng.uniform(1e-6, 3e-4, ach.size)
    x = np.stack([ach, ach - d * ach, ach * rng.uniform(0, 1, ach.size)], -1).astype(np.float32).astype(np.float64)
    ref = rgc.compress(x, p, inverse=True, space="ACEScg")
    host = nkgraph.run_gizmo(gamut_compress, x, {"limit": p.limit, "threshold": p.threshold, "roll_off": p.power,
                                                 "invert": True, "working_space": "ACEScg"})
    ocio = hostcheck.ocio_rgc(x, p, True, "ACEScg")

    def rel(a):
        return np.abs(a - ref).max(-1) / np.maximum(np.abs(ref).max(-1), 0.1)
    assert (rel(ocio) > 0.002).mean() > 0.01                 # OpenColorIO misses the metric here too
    assert np.percentile(rel(host), 99) <= 2 * np.percentile(rel(ocio), 99)
    assert (rel(host) > 0.002).mean() <= 2 * (rel(ocio) > 0.002).mean()
    assert ill_conditioned(x, p, "ACEScg").any(axis=-1).mean() > 0.5
    # the validation image has such channels for this parameter set, and only a few
    ill = ill_conditioned(pixels, p, "ACES2065-1").any(axis=-1)
    assert 0 < ill.sum() < 0.01 * len(pixels)


def test_gamutcompress_defaults_are_the_reference(gamut_compress, aces_rgc, pixels):
    x = pixels.astype(np.float32)
    a = nkgraph.run_gizmo(gamut_compress, x)
    b = nkgraph.run_gizmo(aces_rgc, x)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("inverse", [False, True], ids=["forward", "inverse"])
def test_nan_stays_in_its_channel_and_alpha_passes(gamut_compress, inverse):
    px = np.concatenate([testimage.nonfinite_pixels(), testimage.edge_case_pixels()])
    px = px[np.all(~np.isinf(px), axis=-1)]          # NaN only: Inf has no float32-stable reference
    px = convert(np.nan_to_num(px, nan=0.0), "ACES2065-1", "ACEScg") + np.where(np.isnan(px), np.nan, 0.0)
    rgba = np.concatenate([px, np.linspace(0, 1, len(px))[:, None]], axis=-1)
    inst = nkgraph.Instance(gamut_compress)
    inst.set("working_space", "ACEScg")
    inst.set("invert", inverse)
    out = inst.run(rgba)
    ref = rgc.compress(px, inverse=inverse, space="ACEScg")
    np.testing.assert_array_equal(np.isnan(out[:, :3]), np.isnan(ref))
    assert np.isnan(px).any()
    finite = ~np.isnan(ref)
    np.testing.assert_allclose(out[:, :3][finite], ref[finite], rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(out[:, 3], rgba[:, 3].astype(np.float32))


def _codes(space: str) -> np.ndarray:
    """Sensible signal values: a neutral ramp of code values 0..1 (linear light -0.05..16 for a linear
    space) and colors whose channels lie within 0.25 code values (a factor of 4 in linear) of each other."""
    s = spaces.get(space)
    rng = np.random.default_rng(7)
    if s.is_linear:
        t = np.concatenate([np.linspace(-0.05, 1.0, 101), np.geomspace(1.0, 16.0, 100)])
        mixed = rng.choice(t[t > 0], size=(600, 1)) * 4.0 ** rng.uniform(-0.5, 0.5, size=(600, 3))
    else:
        t = np.linspace(0.0, 1.0, 301)
        mixed = np.clip(rng.uniform(0.0, 1.0, size=(600, 1)) + rng.uniform(-0.125, 0.125, size=(600, 3)), 0, 1)
    return np.concatenate([np.repeat(t[:, None], 3, axis=1), mixed])


def _close(host, ref, what, inputs):
    """Relative 2e-5 plus absolute 1e-6 scaled to the pixel's magnitude (input or output)."""
    mag = np.maximum(1.0, np.maximum(np.max(np.abs(ref), axis=-1, keepdims=True),
                                     np.max(np.abs(inputs), axis=-1, keepdims=True)))
    bad = np.abs(host - ref) > 2e-5 * np.abs(ref) + 1e-6 * mag
    assert not bad.any(), f"{what}: {bad.any(axis=-1).sum()} pixels off, worst {np.max(np.abs(host - ref)):.3g}"


@pytest.mark.parametrize("space", nuke.conversion_spaces())
def test_conversion_gizmos_match_convert(space):
    g = nkgraph.load(GIZMOS / f"{nuke.conversion_name(space)}.gizmo")
    codes = _codes(space)
    for aces in nuke.ACES_TARGETS:
        to_aces = nkgraph.run_gizmo(g, codes, {"direction": "to ACES", "aces": aces})
        ref = convert(codes.astype(np.float32).astype(np.float64), space, aces)
        _close(to_aces, ref, f"{space} -> {aces}", codes)
        back = nkgraph.run_gizmo(g, ref, {"direction": "from ACES", "aces": aces})
        _close(back, convert(ref.astype(np.float32).astype(np.float64), aces, space), f"{aces} -> {space}", ref)


def test_the_acceptance_check_can_fail(gamut_compress, pixels):
    p = ILL_CONDITIONED
    x = pixels
    out = nkgraph.run_gizmo(gamut_compress, x, {"limit": p.limit, "threshold": p.threshold, "roll_off": p.power,
                                                "invert": True})
    check_rgc(out, x, p, True, "ACES2065-1")
    near_zero = np.abs(np.max(convert(x, "ACES2065-1", "ACEScg"), axis=-1)) < 1e-9  # checked on their own
    ill = ill_conditioned(x, p, "ACES2065-1") & ~near_zero[:, None]
    wrong = out.copy()
    wrong[ill] *= 1.05                                   # break only the channels judged by the round trip
    with pytest.raises(AssertionError, match="round-trip"):
        check_rgc(wrong, x, p, True, "ACES2065-1")
    wrong = out * np.where(ill.any(-1, keepdims=True), 1.0, 1.01)   # break the well-conditioned pixels
    with pytest.raises(AssertionError):
        check_rgc(wrong, x, p, True, "ACES2065-1")
