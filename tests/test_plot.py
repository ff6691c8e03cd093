"""Pictures of a frame's gamut.

Oracles: colour-science for the spectral locus and the chromaticities, the published CIE 1931
tables for a few locus points, ``aceskit info`` for the RGC class counts, OpenImageIO for sizes.
"""

import json

import numpy as np
import pytest

import matplotlib  # noqa: F401  (the plot extra is part of the test extras)

from aceskit import cli, convert, exr, plot, rgc, testimage  # noqa: E402
from aceskit.commands import info  # noqa: E402


def png_size(path):
    import OpenImageIO as oiio
    spec = oiio.ImageInput.open(str(path)).spec()
    return spec.width, spec.height


@pytest.fixture(scope="module")
def image():
    return testimage.rgc_validation_image(240, 135)


def test_locus_table_matches_cie_1931():
    locus = plot.spectral_locus()
    assert locus.shape == (81, 3) and locus[0, 0] == 380 and locus[-1, 0] == 780
    # CIE 1931 2° published chromaticities (CIE 015:2018 Table; x̄ȳz̄ at 520 and 700 nm)
    assert locus[locus[:, 0] == 520, 1:][0] == pytest.approx([0.0743, 0.8338], abs=1e-4)
    assert locus[locus[:, 0] == 700, 1:][0] == pytest.approx([0.7347, 0.2653], abs=1e-4)
    import colour
    cmfs = colour.MSDS_CMFS["CIE 1931 2 Degree Standard Observer"][locus[:, 0]]
    np.testing.assert_allclose(locus[:, 1:], colour.XYZ_to_xy(cmfs), atol=1e-6)


def test_pixel_chromaticities_match_colour_science(image):
    import colour
    px = image.reshape(-1, 3)[::37].astype(np.float64)
    xy, dropped = plot.chromaticities(px)
    xyz = colour.RGB_to_XYZ(px, "ACES2065-1", None)  # no adaptation: chromaticities under the ACES white
    keep = (xyz.sum(axis=1) > 0) & (xyz[:, 1] >= 0)
    assert dropped == int((~keep).sum()) and dropped > 0
    np.testing.assert_allclose(xy, xyz[keep, :2] / xyz[keep].sum(axis=1, keepdims=True), atol=1e-9)


@pytest.mark.parametrize("kind,size", [("chromaticity", (900, 500)), ("falsecolor", (800, 300)),
                                       ("both", (1200, 900))])
def test_figure_size(tmp_path, image, kind, size):
    path = plot.save(plot.figure(image, kind, size=size, cameras=["ARRI LogC3 (EI800)"]), tmp_path / f"{kind}.png")
    assert png_size(path) == size


def test_falsecolor_map_counts_match_classify(image):
    cls = plot.classes(image)
    maps = plot.falsecolor(image, cls)
    for i, (_, color) in enumerate(plot.CHANNELS):
        painted = np.all(maps[i] == color, axis=-1)
        beyond = np.all(maps[i] == plot.BEYOND, axis=-1)
        assert painted.sum() == np.count_nonzero(cls[..., i] == 1) > 0
        assert beyond.sum() == np.count_nonzero(cls[..., i] == 2) > 0


def test_after_rgc_nothing_is_beyond_the_ap1_limit_for_trusted_pixels(image):
    # a law of the RGC the diagram shows: for positive achromatic, distances within the limit end
    # inside AP1 (d' <= 1)
    ap1 = convert(image.astype(np.float64), "ACES2065-1", "ACEScg")
    inside = np.all(plot.classes(image) < 2, axis=-1) & (ap1.max(axis=-1) > 0)
    assert np.any(inside & np.any(ap1 < 0, axis=-1))
    after = convert(rgc.compress(image.astype(np.float64)), "ACES2065-1", "ACEScg")
    assert np.all(after[inside] >= -1e-9 * np.abs(ap1[inside]).max(axis=-1, keepdims=True))


def test_counts_match_aceskit_info(tmp_path, image, capsys):
    src = tmp_path / "frame.exr"
    exr.write(src, image, "ACES2065-1", compression="zip", half=False)
    out = tmp_path / "gamut.png"
    assert cli.main(["plot", str(src), str(out), "--kind", "falsecolor", "--width", "640", "--height", "240",
                     "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)["rgc_classes"]
    assert png_size(out) == (640, 240)
    facts = info.describe(exr.read(src))
    n = image.shape[0] * image.shape[1]
    for channel, c in counts.items():
        assert c["compressed"] + c["beyond_limit"] == round(facts["rgc_beyond_threshold"][channel] * n)
        assert c["beyond_limit"] == round(facts["rgc_beyond_limit"][channel] * n)
        assert sum(c.values()) == n


def test_camera_gamut_from_history(tmp_path, image):
    logc = convert(image, "ACES2065-1", "ARRI LogC4").astype(np.float32)
    src = tmp_path / "logc4.exr"
    exr.write(src, logc, "ARRI LogC4", compression="zip", half=False)
    assert plot.camera_history(exr.read(src).colorspace) == ["ARRI LogC4"]
    assert plot.camera_history("ACEScg") == []
    assert cli.main(["plot", str(src), str(tmp_path / "c.png"), "--kind", "chromaticity",
                     "--width", "800", "--height", "450"]) == 0
    assert png_size(tmp_path / "c.png") == (800, 450)


def test_matplotlib_is_imported_lazily():
    import subprocess
    import sys
    code = "import sys, aceskit.plot, aceskit.commands.plot; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_bad_arguments(tmp_path, image, capsys):
    with pytest.raises(ValueError, match="kind must be one of"):
        plot.figure(image, "histogram")
    with pytest.raises(ValueError, match="size must be at least"):
        plot.figure(image, size=(10, 10))
    with pytest.raises(ValueError, match=r"\(height, width, 3\)"):
        plot.figure(image[0])
    src = tmp_path / "a.exr"
    exr.write(src, image, "ACES2065-1", compression="zip", half=False)
    assert cli.main(["plot", str(src), str(tmp_path / "a.jpg")]) == 2
    assert cli.main(["plot", str(tmp_path / "missing.exr"), str(tmp_path / "a.png")]) == 1  # exit codes: docs/cli.md
    assert not (tmp_path / "a.png").exists()
    assert ".png" in capsys.readouterr().err
