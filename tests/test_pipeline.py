"""The per-frame job (read -> op chain with the RGC -> write) against PyOpenColorIO on the same decoded input."""

import json
import os
import stat
import warnings

import numpy as np
import OpenEXR
import PyOpenColorIO as ocio
import pytest

import aceskit
from aceskit import exr, metric, rgc, testimage
from aceskit.pipeline import (JOB_ATTRIBUTE, Job, apply, build_chain, check_paths, input_settings, process_frame,
                              recorded_settings, same_settings)

LOOK = "ACES 1.3 Reference Gamut Compression"


@pytest.fixture(scope="module")
def config():
    return ocio.Config.CreateFromFile("ocio://studio-config-latest")


def ocio_apply(config, transform, rgb):
    """Apply an OCIO transform to float32 (H, W, 3) pixels with the CPU processor."""
    cpu = config.getProcessor(transform).getOptimizedCPUProcessor(ocio.OPTIMIZATION_NONE)
    out = np.ascontiguousarray(rgb, dtype=np.float32).copy()
    cpu.apply(ocio.PackedImageDesc(out, out.shape[1], out.shape[0], 3))
    return out


def ocio_chain(config, src, dst, look=True, inverse=False):
    g = ocio.GroupTransform()
    g.appendTransform(ocio.ColorSpaceTransform(src=src, dst="ACES2065-1"))
    if look:
        g.appendTransform(ocio.LookTransform(src="ACES2065-1", dst="ACES2065-1", looks=LOOK,
                                             direction=ocio.TRANSFORM_DIR_INVERSE if inverse
                                             else ocio.TRANSFORM_DIR_FORWARD))
    g.appendTransform(ocio.ColorSpaceTransform(src="ACES2065-1", dst=dst))
    return g


def scene(h=48, w=64):
    """The validation image with the edge-case pixels in its first row (AP0, float32)."""
    img = testimage.rgc_validation_image(w, h)
    edge = testimage.edge_case_pixels().astype(np.float32)
    img[0, :len(edge)] = edge
    return img


def write_input(path, rgb, space="ACES2065-1", **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exr.write(path, rgb, space, compression="zip", **kwargs)
    return exr.read(path).rgb.astype(np.float32)  # the decoded input every oracle starts from


@pytest.mark.parametrize("dst", ["ACEScg", "ACEScct", "ACES2065-1"])
def test_reference_rgc_matches_ocio_look(tmp_path, config, dst):
    decoded = write_input(tmp_path / "in.exr", scene())
    rep = process_frame(str(tmp_path / "in.exr"), str(tmp_path / "out.exr"),
                        Job(dst=dst, rgc="reference", compression="zip", half=False))
    assert rep["status"] == "ok", rep
    aim = ocio_apply(config, ocio_chain(config, "ACES2065-1", dst), decoded)
    actual = exr.read(tmp_path / "out.exr").rgb
    check = metric.rangecheck(aim, actual)
    assert check.ok, check.report()
    assert rep["rgc_changed"] > 0.3 * rep["pixels"]  # the sweeps leave AP1 by design


def test_half_dwab_output_within_metric_of_ocio_on_same_input(tmp_path, config):
    """Half storage rounds by 2^-11 relative, inside the guide's 1/500; DWAB-45 adds its own loss,
    so the default encoding is checked against OCIO's result put through the same encoding."""
    decoded = write_input(tmp_path / "in.exr", scene())
    rep = process_frame(str(tmp_path / "in.exr"), str(tmp_path / "h.exr"),
                        Job(dst="ACEScg", rgc="reference", compression="zip", half=True))
    aim = ocio_apply(config, ocio_chain(config, "ACES2065-1", "ACEScg"), decoded)
    assert rep["status"] == "ok" and metric.rangecheck(aim, exr.read(tmp_path / "h.exr").rgb).ok
    # DWAB-45: encode the oracle the same way; DWA is deterministic, so equal halves encode equally
    process_frame(str(tmp_path / "in.exr"), str(tmp_path / "d.exr"),
                  Job(dst="ACEScg", rgc="reference", compression="dwab", dwa_level=45))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the 65504 edge case is clamped below DWA's safe maximum
        exr.write(tmp_path / "aim.exr", aim, "ACEScg")
    a, b = exr.read(tmp_path / "aim.exr").rgb, exr.read(tmp_path / "d.exr").rgb
    check = metric.rangecheck(a, b)
    assert check.ok, check.report()
    h = OpenEXR.File(str(tmp_path / "d.exr"), header_only=True).header()
    assert h["compression"] == OpenEXR.DWAB_COMPRESSION and h["dwaCompressionLevel"] == 45.0
    assert h["colorInteropID"] == "lin_ap1_scene" and OpenEXR.checkColorMetadata(h) == 0


def test_camera_source_goes_through_ap0_before_the_rgc(tmp_path, config):
    src = "ARRI LogC3 (EI800)"
    ap0 = scene()
    logc = ocio_apply(config, ocio.ColorSpaceTransform(src="ACES2065-1", dst=src), np.clip(ap0, 0, None))
    decoded = write_input(tmp_path / "in.exr", logc, "ACES2065-1")  # metadata says AP0: --from overrides
    rep = process_frame(str(tmp_path / "in.exr"), str(tmp_path / "out.exr"),
                        Job(dst="ACEScg", src=src, rgc="reference", compression="zip", half=False))
    assert rep["status"] == "ok" and rep["from"] == src and rep["from_source"] == "override"
    aim = ocio_apply(config, ocio_chain(config, src, "ACEScg"), decoded)
    check = metric.rangecheck(aim, exr.read(tmp_path / "out.exr").rgb)
    assert check.ok, check.report()


def test_parametric_and_inverse_match_ocio_fixed_function(tmp_path, config):
    values = {"limit_c": 1.3, "limit_m": 1.2, "limit_y": 1.5, "threshold_c": 0.7, "threshold_m": 0.75,
              "threshold_y": 0.9, "power": 1.5}
    decoded = write_input(tmp_path / "in.exr", scene())
    p = rgc.RGCParams.from_values(values)
    ff = [*p.limit, *p.threshold, p.power]
    for inverse in (False, True):
        out = tmp_path / f"out{int(inverse)}.exr"
        rep = process_frame(str(tmp_path / "in.exr"), str(out),
                            Job(dst="ACEScg", rgc="parametric", params=values, inverse=inverse,
                                compression="zip", half=False))
        assert rep["status"] == "ok"
        g = ocio.GroupTransform()
        g.appendTransform(ocio.ColorSpaceTransform(src="ACES2065-1", dst="ACEScg"))
        g.appendTransform(ocio.FixedFunctionTransform(
            ocio.FIXED_FUNCTION_ACES_GAMUT_COMP_13, ff,
            ocio.TRANSFORM_DIR_INVERSE if inverse else ocio.TRANSFORM_DIR_FORWARD))
        aim = ocio_apply(config, g, decoded)
        finite = np.all(np.isfinite(aim), axis=-1)  # the inverse is undefined beyond t + s
        check = metric.rangecheck(aim[finite], exr.read(out).rgb[finite])
        assert check.ok, (inverse, check.report())


def test_rgc_changed_counts_the_pixels_ocio_changes(tmp_path, config):
    decoded = write_input(tmp_path / "in.exr", scene())
    rep = process_frame(str(tmp_path / "in.exr"), str(tmp_path / "out.exr"), Job(dst="ACEScg", rgc="reference"))
    with_look = ocio_apply(config, ocio_chain(config, "ACES2065-1", "ACEScg"), decoded)
    without = ocio_apply(config, ocio_chain(config, "ACES2065-1", "ACEScg", look=False), decoded)
    scale = 1e-5 * np.maximum(np.abs(without).max(axis=-1), 1e-3)  # aceskit's definition of "changed"
    changed = np.count_nonzero(np.abs(with_look - without).max(axis=-1) > scale)
    assert changed > 0 and abs(rep["rgc_changed"] - changed) <= 2, (rep["rgc_changed"], changed)


def test_nonfinite_values_are_counted_and_replaced(tmp_path, config):
    img = scene()
    bad = testimage.nonfinite_pixels().astype(np.float32)
    img[5, :len(bad)] = bad
    img[6, 0] = (1e6, 0.5, 0.5)  # finite but beyond half
    decoded = write_input(tmp_path / "in.exr", img, nonfinite="keep", half=False)
    assert np.isnan(decoded).any() and np.isinf(decoded).any()  # zip kept them
    rep = process_frame(str(tmp_path / "in.exr"), str(tmp_path / "out.exr"),
                        Job(dst="ACEScg", compression="dwab", dwa_level=45))
    aim = ocio_apply(config, ocio_chain(config, "ACES2065-1", "ACEScg", look=False), decoded)
    finite = np.isfinite(aim)
    assert rep["nan"] == np.isnan(aim).sum() and rep["posinf"] == np.isposinf(aim).sum()
    assert rep["neginf"] == np.isneginf(aim).sum()
    assert rep["clamped"] == np.count_nonzero(finite & (np.abs(aim) > exr.dwa_safe_max(45)))
    assert rep["nan"] > 0 and rep["clamped"] > 0 and rep["warnings"]
    out = exr.read(tmp_path / "out.exr").rgb
    assert np.isfinite(out).all()


@pytest.mark.parametrize("engine", ["native", "numpy"])
@pytest.mark.parametrize("values", [(65510.0,), (65510.0, 70000.0, 65500.0, -1e5, 65504.0)])
def test_values_beyond_half_are_clamped_not_counted_as_inf(tmp_path, engine, values):
    """The frame is computed in half where it fits; values that round to Inf or to HALF_MAX in half
    are finite overflow to the write policy, counted and stored as it counts them for float input."""
    img = np.full((4, 8, 3), 0.25, np.float32)
    img[1, :len(values), 0] = values
    decoded = write_input(tmp_path / "in.exr", img, half=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = process_frame(str(tmp_path / "in.exr"), str(tmp_path / "out.exr"),
                            Job(dst="ACES2065-1", compression="zip", engine=engine))
    assert rep["status"] == "ok", rep
    assert (rep["clamped"], rep["posinf"], rep["neginf"]) == (np.count_nonzero(np.abs(decoded) > 65504), 0, 0)
    out = exr.read(tmp_path / "out.exr").pixels
    np.testing.assert_array_equal(out, np.clip(decoded, -65504, 65504).astype(np.float16))


def test_threads_do_not_change_results():
    img = testimage.rgc_validation_image(640, 360)
    chain = build_chain("ACES2065-1", "ACEScct", rgc.REFERENCE)
    a, na = apply(chain, img, np.float32, threads=1)
    b, nb = apply(chain, img, np.float32, threads=4)
    assert na == nb and np.array_equal(a, b, equal_nan=True)


def test_chain_runs_the_rgc_in_its_own_domain():
    """ACEScg in and out: the chain is the RGC alone; AP0 in/out wraps it in AP0<->AP1."""
    assert [type(op).__name__ for op in build_chain("ACEScg", "ACEScg", rgc.REFERENCE)] == ["GamutCompress"]
    assert [type(op).__name__ for op in build_chain("ACES2065-1", "ACEScg", rgc.REFERENCE)] == \
        ["Matrix", "GamutCompress"]
    assert build_chain("ACEScg", "ACEScg", None) == ()


def test_bad_frames_are_reported_not_raised(tmp_path):
    (tmp_path / "junk.exr").write_bytes(b"not an exr at all")
    write_input(tmp_path / "good.exr", scene())
    data = (tmp_path / "good.exr").read_bytes()
    (tmp_path / "cut.exr").write_bytes(data[: len(data) // 2])
    for name in ("junk.exr", "cut.exr", "missing.exr"):
        rep = process_frame(str(tmp_path / name), str(tmp_path / f"o_{name}"), Job(dst="ACEScg"))
        assert rep["status"] == "failed" and "\n" not in rep["error"] and rep["error"], rep
        assert not (tmp_path / f"o_{name}").exists()


def test_never_overwrites_the_input(tmp_path):
    write_input(tmp_path / "in.exr", scene())
    before = (tmp_path / "in.exr").read_bytes()
    os.link(tmp_path / "in.exr", tmp_path / "hard.exr")
    for out in ("in.exr", "hard.exr", "./in.exr"):
        rep = process_frame(str(tmp_path / "in.exr"), str(tmp_path / out), Job(dst="ACEScg"))
        assert rep["status"] == "failed" and "never overwrites" in rep["error"]
    with pytest.raises(ValueError, match="never overwrites"):
        check_paths(tmp_path / "in.exr", tmp_path / "sub" / ".." / "in.exr")
    assert (tmp_path / "in.exr").read_bytes() == before


@pytest.mark.parametrize("kwargs, match", [
    ({"dst": "ACEScg", "rgc": "on"}, "rgc must be one of"),
    ({"dst": "NoSuchSpace"}, "NoSuchSpace"),
    ({"dst": "ACEScg", "rgc": "parametric", "params": {"power": 9}}, "Roll-off"),
    ({"dst": "ACEScg", "rgc": "parametric", "params": {"bogus": 1}}, "unknown RGC parameters"),
])
def test_job_validation(kwargs, match):
    with pytest.raises((ValueError, KeyError), match=match):
        Job(**kwargs)


@pytest.mark.parametrize("src, dst, mode, params, inverse", [
    ("ACES2065-1", "ACEScg", "reference", None, False),
    ("ACES2065-1", "ACEScct", "reference", None, False),
    ("ACEScg", "ACES2065-1", "parametric", {"limit_c": 1.3, "threshold_m": 0.7, "power": 1.5}, False),
    ("ACES2065-1", "ACEScg", "reference", None, True),
    ("ACES2065-1", "Linear Rec.709 (sRGB)", "off", None, False),
])
def test_ocio_engine_matches_the_numpy_reference(tmp_path, src, dst, mode, params, inverse):
    """The ocio engine runs the same op chain compiled by the CTF backend: same pixels, same counts."""
    write_input(tmp_path / "in.exr", scene())
    reports = {}
    for engine in ("numpy", "ocio"):
        job = Job(dst=dst, src=src, rgc=mode, params=params, inverse=inverse, compression="zip", half=False,
                  engine=engine)
        reports[engine] = process_frame(str(tmp_path / "in.exr"), str(tmp_path / f"{engine}.exr"), job)
        assert reports[engine]["status"] == "ok", reports[engine]
    aim, actual = exr.read(tmp_path / "numpy.exr").rgb, exr.read(tmp_path / "ocio.exr").rgb
    finite = np.all(np.isfinite(aim), axis=-1)
    check = metric.rangecheck(aim[finite], actual[finite])
    assert check.ok, check.report()
    n, o = reports["numpy"]["rgc_changed"], reports["ocio"]["rgc_changed"]
    assert abs(n - o) <= 2, (n, o)  # float32 vs float64 at the threshold boundary


def test_ocio_engine_refuses_parameters_ocio_cannot_take(tmp_path):
    write_input(tmp_path / "in.exr", scene())
    rep = process_frame(str(tmp_path / "in.exr"), str(tmp_path / "o.exr"),
                        Job(dst="ACEScg", rgc="parametric", params={"power": 0.8}, engine="ocio"))
    assert rep["status"] == "failed" and "OpenColorIO accepts RGC power only" in rep["error"]
    with pytest.raises(ValueError, match="engine must be one of"):
        Job(dst="ACEScg", engine="gpu")


def test_alpha_is_kept_and_only_color_is_converted(tmp_path, config):
    rgb = scene()
    alpha = np.linspace(0, 1, rgb.shape[0] * rgb.shape[1], dtype=np.float32).reshape(rgb.shape[:2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exr.write(tmp_path / "in.exr", np.dstack([rgb, alpha]), "ACES2065-1", compression="zip")
    decoded = exr.read(tmp_path / "in.exr")
    rep = process_frame(str(tmp_path / "in.exr"), str(tmp_path / "out.exr"),
                        Job(dst="ACEScg", rgc="reference", compression="zip"))
    out = exr.read(tmp_path / "out.exr")
    assert rep["status"] == "ok" and out.channels == ["R", "G", "B", "A"]
    assert np.array_equal(out.alpha, decoded.alpha)
    aim = ocio_apply(config, ocio_chain(config, "ACES2065-1", "ACEScg"), decoded.rgb.astype(np.float32))
    assert metric.rangecheck(aim, out.rgb).ok


@pytest.mark.parametrize("given, expected", [
    (dict(compression="piz"), ("PIZ_COMPRESSION", None)),
    (dict(compression="dwaa", dwa_level=80.0), ("DWAA_COMPRESSION", 80.0)),
    (dict(compression="none"), ("NO_COMPRESSION", None)),
])
def test_default_compression_is_the_inputs(tmp_path, given, expected):
    """As oiiotool does: the output keeps the input's codec and DWA level unless the job names one."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exr.write(tmp_path / "in.exr", scene(), "ACES2065-1", **given)
    assert process_frame(str(tmp_path / "in.exr"), str(tmp_path / "o.exr"), Job(dst="ACEScg"))["status"] == "ok"
    h = OpenEXR.File(str(tmp_path / "o.exr"), header_only=True).header()
    assert h["compression"] == getattr(OpenEXR, expected[0]) and h.get("dwaCompressionLevel") == expected[1]
    process_frame(str(tmp_path / "in.exr"), str(tmp_path / "z.exr"), Job(dst="ACEScg", compression="zip"))
    assert OpenEXR.File(str(tmp_path / "z.exr"), header_only=True).header()["compression"] == OpenEXR.ZIP_COMPRESSION


def test_every_frame_records_its_job(tmp_path):
    """The header attribute holds the settings as JSON; same_settings ignores the engine and version only."""
    write_input(tmp_path / "in.exr", scene())
    job = Job(dst="ACEScct", rgc="parametric", params={"power": 1.5}, half=False)
    assert process_frame(str(tmp_path / "in.exr"), str(tmp_path / "o.exr"), job)["status"] == "ok"
    rec = recorded_settings(str(tmp_path / "o.exr"))
    assert rec == json.loads(OpenEXR.File(str(tmp_path / "o.exr"), header_only=True).header()[JOB_ATTRIBUTE])
    assert (rec["from"], rec["to"], rec["rgc"], rec["params"]["power"], rec["half"], rec["compression"]) == \
        ("ACES2065-1", "ACEScct", "parametric", 1.5, False, "zip")
    assert rec["params"]["limit_c"] == rgc.REFERENCE.limit[0] and rec["aceskit"] == aceskit.__version__
    assert same_settings(rec, input_settings(str(tmp_path / "in.exr"), job))
    assert same_settings(rec, input_settings(str(tmp_path / "in.exr"), Job(**{**job.to_dict(), "engine": "ocio"})))
    for change in ({"dst": "ACEScg"}, {"rgc": "reference", "params": None}, {"params": {"power": 1.4}},
                   {"half": True}, {"compression": "piz"}, {"src": "ACEScg"}):
        other = Job(**{**job.to_dict(), **change})
        assert not same_settings(rec, input_settings(str(tmp_path / "in.exr"), other)), change
    assert recorded_settings(str(tmp_path / "in.exr")) is None  # written by exr.write: no job


def test_process_frame_creates_the_output_folder_and_refuses_a_fifo(tmp_path):
    write_input(tmp_path / "in.exr", scene())
    rep = process_frame(str(tmp_path / "in.exr"), str(tmp_path / "a/b/o.exr"), Job(dst="ACEScg"))
    assert rep["status"] == "ok" and (tmp_path / "a/b/o.exr").is_file()
    os.mkfifo(tmp_path / "fifo.exr")
    rep = process_frame(str(tmp_path / "in.exr"), str(tmp_path / "fifo.exr"), Job(dst="ACEScg"))
    assert rep["status"] == "failed" and "FIFO" in rep["error"]
    assert stat.S_ISFIFO(os.stat(tmp_path / "fifo.exr").st_mode)
