"""The OpenColorIO config export, checked with OpenColorIO itself.

Oracles: aceskit.convert / aceskit.rgc.compress (the numpy core, compared with what OpenColorIO
computes from the written config), OpenColorIO's own studio configs for the views, and the
published ACES RGC limits for the per-camera presets.
"""

import numpy as np
import pytest

import PyOpenColorIO as ocio

from aceskit import cli, convert, metric, rgc, spaces, testimage  # noqa: E402
from aceskit import ocio as aocio  # noqa: E402


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = aocio.write_config(tmp_path_factory.mktemp("cfg") / "aceskit.ocio")
    return path, ocio.Config.CreateFromFile(str(path))


@pytest.fixture(scope="module")
def config(written):
    return written[1]


def cpu(processor):
    return processor.getOptimizedCPUProcessor(ocio.OPTIMIZATION_LOSSLESS)


def run(processor, rgb):
    out = np.ascontiguousarray(rgb, dtype=np.float32).reshape(-1, 3).copy()
    cpu(processor).applyRGB(out)
    return out.reshape(np.shape(rgb))


def assert_float32_close(actual, expected, pixels=None):
    """Cross-library float32 tolerance: relative 2e-5 plus absolute 1e-6 scaled to each pixel's magnitude
    (``pixels``: the values the magnitude is taken from, by default ``expected``)."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    mag = np.abs(expected if pixels is None else np.asarray(pixels, np.float64)).max(axis=-1, keepdims=True)
    bad = np.abs(actual - expected) > 2e-5 * np.abs(expected) + 1e-6 * np.maximum(1.0, mag)
    assert not bad.any(), (f"{bad.any(axis=-1).sum()} pixels differ, e.g. {actual[bad.any(axis=-1)][:3]} "
                           f"vs {expected[bad.any(axis=-1)][:3]}")


def f32(x):
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def code_values(space):
    rng = np.random.default_rng(7)
    s = spaces.get(space)
    if s.referred == "display":
        return rng.uniform(0.0, 1.0, (400, 3))
    if s.is_linear:
        return rng.uniform(-0.1, 4.0, (400, 3))
    x = rng.uniform(0.1, 0.9, (400, 3))
    if s.name.startswith("ACESproxy"):  # integer code values, as the encoding produces
        top = 2.0 ** int(s.name[9:11]) - 1.0
        x = np.round(x * top) / top
    return x


def test_config_validates_and_is_v2(written):
    path, cfg = written
    cfg.validate()
    # 2.1: the RGC fixed function; 2.4: the ACES 2.0 output transforms, and the newest profile
    # that OpenColorIO 2.4 hosts (Blender 5.0) load
    assert (cfg.getMajorVersion(), cfg.getMinorVersion()) == (2, 4)
    assert cfg.getRoleColorSpace("aces_interchange") == "ACES2065-1"
    assert cfg.getRoleColorSpace("scene_linear") == "ACEScg"
    assert cfg.getRoleColorSpace("color_timing") == "ACEScct"
    assert cfg.getRoleColorSpace("compositing_log") == "ACEScct"
    assert cfg.getRoleColorSpace("cie_xyz_d65_interchange") == "CIE XYZ-D65 - Display-referred"
    assert cfg.getColorSpace(cfg.getRoleColorSpace("data")).isData()
    assert cfg.getColorSpaceFromFilepath("plate.1001.exr")[0] == "ACES2065-1"
    assert (path.parent / cfg.getSearchPath()).is_dir()


def test_every_name_and_alias_resolves(config):
    for name in spaces.names():
        for n in (name, *spaces.get(name).aliases):
            cs = config.getColorSpace(n)
            assert cs is not None and cs.getName() == name, n


@pytest.mark.parametrize("name", spaces.names())
def test_space_converts_like_aceskit(config, name):
    x = f32(code_values(name))
    to_aces = run(config.getProcessor(name, "ACES2065-1"), x)
    assert_float32_close(to_aces, convert(x, name, "ACES2065-1"))
    # encoding: compared after decoding both results with aceskit, i.e. in linear light, where
    # float32 rounding of the input is not amplified by a curve's slope near 0
    aces = f32(convert(x, name, "ACES2065-1"))
    encoded = run(config.getProcessor("ACES2065-1", name), aces)
    if name.startswith("ACESproxy"):
        # a lookup table cannot hold the rounding to whole code values: within one code value
        top = 2.0 ** int(name[9:11]) - 1.0
        assert np.max(np.abs(encoded - convert(aces, "ACES2065-1", name))) * top <= 1.0
        return
    assert_float32_close(convert(encoded, name, "ACES2065-1"),
                         convert(convert(aces, "ACES2065-1", name), name, "ACES2065-1"), pixels=aces)


def test_in_memory_config_matches_written_file(config):
    mem = aocio.build_config()
    for name in ("ACESproxy10i", "S-Log2 S-Gamut", "DCDM XYZ - Display", "ARRI LogC3 (EI1600)"):
        x = code_values(name)
        assert_float32_close(run(mem.getProcessor(name, "ACES2065-1"), x),
                             run(config.getProcessor(name, "ACES2065-1"), x))


def look_processor(config, look, direction=None):
    t = ocio.LookTransform("ACES2065-1", "ACES2065-1", look)
    if direction is not None:
        t.setDirection(direction)
    return config.getProcessor(t)


def test_rgc_look_equals_core(config):
    img = testimage.rgc_validation_image(480, 270).astype(np.float64)
    pixels = np.concatenate([img.reshape(-1, 3), testimage.edge_case_pixels()])
    pixels32 = pixels.astype(np.float32).astype(np.float64)
    aim = rgc.compress(pixels32)
    actual = run(look_processor(config, aocio.RGC_LOOK), pixels32)
    assert metric.rangecheck(aim, actual).ok
    finite = np.abs(pixels).max(axis=1) < 1e3
    assert_float32_close(actual[finite], aim[finite])
    assert not np.allclose(aim, pixels32)  # the image does exercise the compression


def test_rgc_look_inverts(config):
    img = testimage.rgc_validation_image(192, 108).reshape(-1, 3).astype(np.float64)
    fwd = rgc.compress(img)
    inv = run(look_processor(config, aocio.RGC_LOOK, ocio.TRANSFORM_DIR_INVERSE), fwd)
    assert metric.rangecheck(rgc.compress(fwd, inverse=True), inv).ok


@pytest.mark.parametrize("look", ["ACES RGC (ARRI Wide Gamut 4)", "ACES RGC (REDWideGamutRGB)"])
def test_camera_look_equals_core(config, look):
    params = aocio.camera_looks()[look]
    img = testimage.rgc_validation_image(192, 108).reshape(-1, 3).astype(np.float64)
    actual = run(look_processor(config, look), img)
    assert metric.rangecheck(rgc.compress(img, params), actual).ok


def test_camera_limits_reproduce_the_reference():
    # ACES 1.3 reference limits (cyan, magenta, yellow) = 1.147, 1.264, 1.312 (LMT.Academy.GamutCompress.ctl)
    assert round(aocio.camera_distances("Linear Venice S-Gamut3")[0], 3) == 1.147
    assert round(aocio.camera_distances("Linear CinemaGamut D55")[1], 3) == 1.264
    assert round(aocio.camera_distances("Linear REDWideGamutRGB")[2], 3) == 1.312
    # the presets round up, so the camera's whole encoding gamut lands inside AP1
    for look, params in aocio.camera_looks().items():
        assert params.threshold == rgc.THRESHOLD and params.power == rgc.POWER, look
    params = aocio.camera_params("Linear ARRI Wide Gamut 4")
    cube = np.stack(np.meshgrid(*[np.linspace(0, 1, 17)] * 3), -1).reshape(-1, 3)[1:]
    aces = convert(cube, "Linear ARRI Wide Gamut 4", "ACES2065-1")
    after = convert(rgc.compress(aces, params), "ACES2065-1", "ACEScg")
    assert convert(aces, "ACES2065-1", "ACEScg").min() < -0.01 and after.min() > -1e-9
    with pytest.raises(ValueError, match="linear camera gamut"):
        aocio.camera_params("ACEScg")


@pytest.mark.parametrize("display,view,oracle", [
    ("sRGB - Display", "ACES 2.0 - SDR 100 nits (Rec.709)", aocio.ACES2_CONFIG),
    ("Rec.2100-PQ - Display", "ACES 2.0 - HDR 1000 nits (P3 D65)", aocio.ACES2_CONFIG),
    ("Rec.1886 Rec.709 - Display", "ACES 1.0 - SDR Video", aocio.ACES13_CONFIG),
])
def test_views_render_like_the_studio_configs(config, display, view, oracle):
    assert view in config.getViews(display)
    img = testimage.rgc_validation_image(96, 54).reshape(-1, 3)
    ref_cfg = ocio.Config.CreateFromFile(oracle)

    def render(cfg):
        return run(cfg.getProcessor(ocio.DisplayViewTransform("ACES2065-1", display, view)), img)

    ours, ref = render(config), render(ref_cfg)
    assert np.all(np.isfinite(ours)) and ours.max() > 0.5
    # compared as a display shows them (0..1): the ACES 1.3 config's Rec.1886 encoding clamps
    # negatives, the ACES 2 config's (used here) passes them through
    np.testing.assert_allclose(np.clip(ours, 0, 1), np.clip(ref, 0, 1), rtol=0, atol=1e-6)


def test_openimageio_renders_with_the_written_file(written):
    # another OpenColorIO consumer (OpenImageIO's own build) loads the file, its CTF tables and looks
    import OpenImageIO as oiio
    path, cfg = written
    img = testimage.rgc_validation_image(96, 54)
    src = convert(img, "ACES2065-1", "S-Log2 S-Gamut").astype(np.float32)  # a space defined by a CTF table
    buf = oiio.ImageBuf(oiio.ImageSpec(96, 54, 3, oiio.FLOAT))
    buf.set_pixels(oiio.ROI(), src)
    look = "ACES RGC (ARRI Wide Gamut 4)"
    out = oiio.ImageBufAlgo.ociodisplay(buf, "sRGB - Display", "ACES 2.0 - SDR 100 nits (Rec.709)",
                                        fromspace="S-Log2 S-Gamut", looks=look, colorconfig=str(path))
    assert not out.has_error, out.geterror()
    t = ocio.GroupTransform()
    t.appendTransform(ocio.LookTransform("S-Log2 S-Gamut", "ACES2065-1", look))
    t.appendTransform(ocio.DisplayViewTransform("ACES2065-1", "sRGB - Display", "ACES 2.0 - SDR 100 nits (Rec.709)"))
    np.testing.assert_allclose(out.get_pixels(oiio.FLOAT), run(cfg.getProcessor(t), src), rtol=0, atol=1e-5)


def test_every_display_has_aces_views(config):
    for display in config.getDisplays():
        views = list(config.getViews(display))
        assert any(v.startswith("ACES") for v in views) and "Raw" in views, display


def test_write_rejects_bad_paths(tmp_path):
    with pytest.raises(ValueError, match=r"\.ocio"):
        aocio.write_config(tmp_path / "config.yaml")
    with pytest.raises(FileNotFoundError):
        aocio.write_config(tmp_path / "missing" / "config.ocio")


def test_cli(tmp_path, capsys):
    out = tmp_path / "studio.ocio"
    assert cli.main(["ocio-config", str(out)]) == 0
    ocio.Config.CreateFromFile(str(out)).validate()
    assert cli.main(["ocio-config", str(tmp_path / "x.txt")]) == 2
    assert "ocio" in capsys.readouterr().err
