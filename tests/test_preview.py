"""Previews through OpenColorIO display/view processors.

Oracles: OpenColorIO's own processors on the built-in studio config, colour-science for the
un-tone-mapped sRGB encoding, and OpenImageIO for reading the PNG files back.
"""

import numpy as np
import pytest

import PyOpenColorIO as ocio

from aceskit import cli, exr, preview, testimage  # noqa: E402

STUDIO = "ocio://studio-config-latest"
SDR = "ACES 2.0 - SDR 100 nits (Rec.709)"


@pytest.fixture(scope="module")
def image():
    return testimage.rgc_validation_image(320, 180)


def test_threaded_equals_single_threaded(image):
    one = preview.display_values(image, "sRGB - Display", SDR, threads=1)
    many = preview.display_values(image, "sRGB - Display", SDR, threads=4)
    np.testing.assert_array_equal(one, many)
    assert np.array_equal(preview.render(image, threads=1), preview.render(image, threads=3))
    # quantising tile by tile in the workers equals quantising the whole frame
    np.testing.assert_array_equal(preview.render(image, "sRGB - Display", SDR, threads=4, bits=16),
                                  preview.quantize(one, 16))


def test_output_size_and_dtype(image):
    img8 = preview.render(image, "sRGB - Display", SDR, bits=8)
    img16 = preview.render(image, "Rec.2100-PQ - Display", "ACES 2.0 - HDR 1000 nits (P3 D65)", bits=16)
    assert img8.shape == img16.shape == (180, 320, 3)
    assert img8.dtype == np.uint8 and img16.dtype == np.uint16
    assert img8.max() == 255 and img16.max() > 30000


def test_matches_opencolorio_directly(image):
    cfg = ocio.Config.CreateFromFile(STUDIO)
    direct = np.ascontiguousarray(image, dtype=np.float32).reshape(-1, 3).copy()
    cfg.getProcessor("ACES2065-1", "sRGB - Display", SDR, ocio.TRANSFORM_DIR_FORWARD) \
        .getDefaultCPUProcessor().applyRGB(direct)
    ours = preview.display_values(image, "sRGB - Display", SDR, threads=2, config=STUDIO)
    np.testing.assert_array_equal(ours.reshape(-1, 3), direct)
    # the aceskit config renders the same view identically
    np.testing.assert_allclose(preview.display_values(image, "sRGB - Display", SDR), ours, rtol=0, atol=1e-6)


def test_untonemapped_grey_matches_colour_science():
    import colour
    aces = np.array([[[0.18, 0.18, 0.18], [0.5, 0.2, 0.1]]])
    srgb_lin = colour.RGB_to_RGB(aces[0], "ACES2065-1", "sRGB", chromatic_adaptation_transform="Bradford")
    aim = np.rint(np.clip(colour.cctf_encoding(srgb_lin, "sRGB"), 0, 1) * 255)
    got = preview.render(aces, "sRGB - Display", "Un-tone-mapped")[0]
    np.testing.assert_array_equal(got, aim)


def test_aces13_view_renders(image):
    img = preview.render(image, "Rec.1886 Rec.709 - Display", "ACES 1.0 - SDR Video")
    assert img.shape == (180, 320, 3) and 0 < img.mean() < 255


def test_look_is_applied_first(image):
    plain = preview.display_values(image)
    looked = preview.display_values(image, look="ACES 1.3 Reference Gamut Compression")
    assert not np.allclose(plain, looked)
    from aceskit import convert, rgc
    trusted = np.all(rgc.classify(convert(image, "ACES2065-1", "ACEScg")) == 0, axis=-1)
    assert 0 < trusted.sum() < trusted.size
    # pixels inside the zone of trust render as without the look (up to float32 matrix round trips)
    np.testing.assert_allclose(plain[trusted], looked[trusted], rtol=0, atol=2e-5)
    assert np.abs(plain[~trusted] - looked[~trusted]).max() > 0.01


def test_bad_arguments(image):
    with pytest.raises(ValueError, match="display must be one of"):
        preview.render(image, "No Such Display")
    with pytest.raises(ValueError, match="view for 'sRGB - Display' must be one of"):
        preview.render(image, "sRGB - Display", "Nope")
    with pytest.raises(ValueError, match="bits must be 8 or 16"):
        preview.render(image, bits=12)
    with pytest.raises(ValueError, match=r"\(height, width, 3\)"):
        preview.render(image[..., :2])
    with pytest.raises(ValueError, match="at least one pixel"):
        preview.png_bytes(preview.render(image[:0]))


def test_nonfinite_pixels_render_to_valid_codes():
    px = np.concatenate([testimage.nonfinite_pixels(), testimage.edge_case_pixels()]).reshape(1, -1, 3)
    img = preview.render(px, threads=2)
    assert img.shape == px.shape and img.dtype == np.uint8
    assert np.all(img[0, 1] == 0)  # an all-NaN pixel shows black


def read_png(path):
    import OpenImageIO as oiio
    buf = oiio.ImageBuf(str(path))
    spec = buf.spec()
    return buf.get_pixels(oiio.UINT16 if spec.format == oiio.UINT16 else oiio.UINT8), spec


@pytest.mark.parametrize("bits", [8, 16])
def test_png_round_trip(tmp_path, image, bits):
    img = preview.render(image, bits=bits)
    path = preview.write_png(tmp_path / "a.png", img)
    pixels, spec = read_png(path)
    assert (spec.width, spec.height, spec.nchannels) == (320, 180, 3)
    np.testing.assert_array_equal(pixels, img)
    with pytest.raises(ValueError, match=r"\.png"):
        preview.write_png(tmp_path / "a.jpg", img)


def write_exr(path, rgb):
    exr.write(path, rgb, "ACES2065-1", compression="zip", half=False)


def test_cli_single_frame_and_contact_sheet(tmp_path, image):
    src = tmp_path / "shot.1001.exr"
    write_exr(src, image)
    out = tmp_path / "one.png"
    assert cli.main(["preview", str(src), str(out), "--display", "sRGB - Display", "--view", SDR,
                     "--threads", "2"]) == 0
    np.testing.assert_array_equal(read_png(out)[0], preview.render(image))

    for f in (1002, 1003):
        write_exr(tmp_path / f"shot.{f}.exr", image * (f - 1000) / 2.0)
    sheet = tmp_path / "sheet.png"
    assert cli.main(["preview", str(tmp_path / "shot.%04d.exr"), str(sheet), "--frames", "1001-1003",
                     "--contact-sheet", "--columns", "3", "--width", "160"]) == 0
    pixels, spec = read_png(sheet)
    assert (spec.width, spec.height) == (3 * 160 + 4 * 8, 90 + 2 * 8)
    assert np.all(pixels[:8] == 0)  # the gaps are black
    # brighter frames give brighter thumbnails (the exposure doubles across the sequence)
    cells = [pixels[8:98, 8 + i * 168:168 + i * 168].mean() for i in range(3)]
    assert cells[0] < cells[1] < cells[2]


def test_cli_errors(tmp_path, image, capsys):
    src = tmp_path / "a.exr"
    write_exr(src, image)
    assert cli.main(["preview", str(src), str(tmp_path / "a.tif")]) == 2
    assert cli.main(["preview", str(src), str(tmp_path / "a.png"), "--view", "Nope"]) == 2
    assert cli.main(["preview", str(src), str(tmp_path / "a.png"), "--contact-sheet"]) == 2
    err = capsys.readouterr().err
    assert ".png" in err and "view for" in err and "--frames" in err
    assert not (tmp_path / "a.png").exists()
