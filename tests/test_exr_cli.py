"""EXR layouts through the command line: chromaticities in and out, untagged files, views, refusals, streams.

Pixel oracles are colour-science (RGB_to_RGB with Bradford adaptation, as the registry uses);
outputs are reopened with the OpenEXR library.  ``capfd`` captures at the file-descriptor
level, so anything the OpenEXR library printed would show.
"""

from __future__ import annotations

import json

import colour
import numpy as np
import OpenEXR
import pytest

from aceskit import exr
from aceskit.cli import main

TREE = (0.62955, 0.341, 0.2867, 0.6108, 0.1489, 0.07125, 0.3155, 0.33165)  # ScanLines/Tree.exr
REC709 = (0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329)


def noisy(h=12, w=16, c=3, seed=0):
    return (np.random.default_rng(seed).random((h, w, c)) * 4 - 0.5).astype(np.float32)


def raw(path, header, channels):
    """Write with OpenEXR directly."""
    header = {"compression": OpenEXR.ZIP_COMPRESSION, **header}
    OpenEXR.File(header, {k: np.ascontiguousarray(v) for k, v in channels.items()}).write(str(path))
    return str(path)


def space_of(chroma) -> colour.RGB_Colourspace:
    c = np.asarray(chroma, dtype=np.float64)
    return colour.RGB_Colourspace("x", c[:6].reshape(3, 2), c[6:], use_derived_matrix_RGB_to_XYZ=True,
                                  use_derived_matrix_XYZ_to_RGB=True)


def rgb_of(path, part=0, prefix=""):
    f = OpenEXR.File(str(path), separate_channels=True)
    return np.stack([f.parts[part].channels[prefix + c].pixels for c in "RGB"], axis=-1).astype(np.float64)


def err_lines(text):
    return [ln for ln in text.splitlines() if ln.strip()]


# -- chromaticities in and out -------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["numpy", "ocio"])
def test_custom_input_chromaticities_build_the_input_transform(tmp_path, capfd, engine):
    a = noisy()
    src = raw(tmp_path / "tree.exr", {"chromaticities": TREE}, {c: a[..., i] for i, c in enumerate("RGB")})
    assert main(["convert", src, str(tmp_path / "o.exr"), "--to", "ACEScg", "--compression", "zip", "--float",
                 "--engine", engine]) == 0
    out, err = capfd.readouterr()
    assert "custom chromaticities (R 0.62955,0.341 G 0.2867,0.6108 B 0.1489,0.07125 W 0.3155,0.33165) -> ACEScg" in out
    assert err == ""  # the file states its primaries: nothing to warn about
    want = colour.RGB_to_RGB(a.astype(np.float64), space_of(np.float32(TREE)), colour.RGB_COLOURSPACES["ACEScg"],
                             chromatic_adaptation_transform="Bradford")
    np.testing.assert_allclose(rgb_of(tmp_path / "o.exr"), want, rtol=2e-5, atol=1e-6)  # float32 engines
    assert main(["convert", src, str(tmp_path / "o2.exr"), "--to", "ACEScg", "--amf"]) == 1
    (line,) = err_lines(capfd.readouterr().err)
    assert "an AMF cannot record" in line


def test_to_chromaticities_writes_exactly_those(tmp_path, capfd):
    a = noisy(seed=1)
    src = raw(tmp_path / "cg.exr", {"colorInteropID": "lin_ap1_scene"}, {c: a[..., i] for i, c in enumerate("RGB")})
    text = ",".join(map(str, TREE))
    assert main(["convert", src, str(tmp_path / "o.exr"), "--to-chromaticities", text, "--compression", "zip",
                 "--float"]) == 0
    h = OpenEXR.File(str(tmp_path / "o.exr"), header_only=True).parts[0].header
    assert h["chromaticities"] == pytest.approx(TREE, abs=1e-7) and "colorInteropID" not in h
    want = colour.RGB_to_RGB(a.astype(np.float64), colour.RGB_COLOURSPACES["ACEScg"], space_of(TREE),
                             chromatic_adaptation_transform="Bradford")
    np.testing.assert_allclose(rgb_of(tmp_path / "o.exr"), want, rtol=2e-6, atol=1e-6)
    # reading the result back names the same custom space, and converting back is the identity
    assert exr.read(tmp_path / "o.exr").colorspace.startswith("custom chromaticities (R 0.62955,0.341")
    capfd.readouterr()
    assert main(["convert", str(tmp_path / "o.exr"), str(tmp_path / "back.exr"), "--to", "ACEScg",
                 "--compression", "zip", "--float"]) == 0
    np.testing.assert_allclose(rgb_of(tmp_path / "back.exr"), a, rtol=1e-5, atol=1e-6)


def test_to_chromaticities_of_a_registered_space_uses_it(tmp_path):
    a = noisy(seed=2)
    src = raw(tmp_path / "cg.exr", {"colorInteropID": "lin_ap1_scene"}, {c: a[..., i] for i, c in enumerate("RGB")})
    assert main(["convert", src, str(tmp_path / "o.exr"), "--to-chromaticities", ",".join(map(str, REC709)),
                 "--compression", "zip"]) == 0
    h = OpenEXR.File(str(tmp_path / "o.exr"), header_only=True).parts[0].header
    assert h["colorInteropID"] == "lin_rec709_scene"


@pytest.mark.parametrize("value, words", [
    ("0.64,0.33,0.3", "8 numbers"),
    ("a,b,c,d,e,f,g,h", "8 numbers"),
    ("0.64,0.33,0.64,0.33,0.15,0.06,0.3127,0.329", "do not define an RGB color space"),
    ("0.64,0,0.3,0.6,0.15,0.06,0.3127,0.329", "do not define an RGB color space"),
])
def test_bad_to_chromaticities_is_one_sentence(tmp_path, capfd, value, words):
    src = raw(tmp_path / "cg.exr", {"colorInteropID": "lin_ap1_scene"}, {"R": noisy()[..., 0], "G": noisy()[..., 1],
                                                                          "B": noisy()[..., 2]})
    assert main(["convert", src, str(tmp_path / "o.exr"), f"--to-chromaticities={value}"]) == 2
    (line,) = err_lines(capfd.readouterr().err)
    assert line.startswith("aceskit: error: --to-chromaticities: ") and words in line
    assert not (tmp_path / "o.exr").exists()


def test_to_and_to_chromaticities_exclude_each_other_and_amf_needs_a_name(tmp_path, capfd):
    src = raw(tmp_path / "cg.exr", {}, {"R": noisy()[..., 0], "G": noisy()[..., 1], "B": noisy()[..., 2]})
    with pytest.raises(SystemExit) as e:
        main(["convert", src, str(tmp_path / "o.exr"), "--to", "ACEScg", "--to-chromaticities", "1,2,3,4,5,6,7,8"])
    assert e.value.code == 2 and "not allowed with" in capfd.readouterr().err
    assert main(["convert", src, str(tmp_path / "o.exr"), "--to-chromaticities", ",".join(map(str, TREE)),
                 "--amf"]) == 2
    assert "AMF can record only a registered" in capfd.readouterr().err and not (tmp_path / "o.exr").exists()


# -- untagged files --------------------------------------------------------------------------------
def test_untagged_policy_decides_and_is_said_once(tmp_path, capfd):
    a = noisy(seed=3)
    src = raw(tmp_path / "bare.exr", {}, {c: a[..., i] for i, c in enumerate("RGB")})
    assert main(["convert", src, str(tmp_path / "aces.exr"), "--to", "ACEScg", "--compression", "zip", "--float"]) == 0
    (line,) = err_lines(capfd.readouterr().err)
    assert line.startswith("aceskit: warning: untagged input") and line.endswith("assumed ACES2065-1")
    want = colour.RGB_to_RGB(a.astype(np.float64), colour.RGB_COLOURSPACES["ACES2065-1"],
                             colour.RGB_COLOURSPACES["ACEScg"])
    np.testing.assert_allclose(rgb_of(tmp_path / "aces.exr"), want, rtol=2e-6, atol=1e-6)
    (tmp_path / "p.json").write_text('{"untagged": "Linear Rec.709 (sRGB)", "rgc": false}')
    assert main(["convert", src, str(tmp_path / "709.exr"), "--to", "ACEScg", "--compression", "zip", "--float",
                 "--project", str(tmp_path / "p.json")]) == 0
    (line,) = err_lines(capfd.readouterr().err)
    assert line.endswith("assumed Linear Rec.709 (sRGB)")
    want = colour.RGB_to_RGB(a.astype(np.float64), space_of(REC709), colour.RGB_COLOURSPACES["ACEScg"],
                             chromatic_adaptation_transform="Bradford")
    np.testing.assert_allclose(rgb_of(tmp_path / "709.exr"), want, rtol=2e-6, atol=1e-6)
    assert main(["info", src, "--project", str(tmp_path / "p.json")]) == 0
    assert "untagged: assumed Linear Rec.709 (sRGB)" in capfd.readouterr().out


def test_untagged_is_said_once_per_sequence(tmp_path, capfd):
    for f in (1, 2, 3):
        raw(tmp_path / f"in.{f:04d}.exr", {}, {c: noisy(seed=f)[..., i] for i, c in enumerate("RGB")})
    assert main(["batch", str(tmp_path / "in.####.exr"), str(tmp_path / "out" / "o.####.exr"), "--frames", "1-3",
                 "--to", "ACEScg", "--workers", "1", "--quiet"]) == 0
    err = capfd.readouterr().err
    assert sum("untagged input" in ln for ln in err_lines(err)) == 1, err


# -- views, layers, parts ---------------------------------------------------------------------------
def test_views_and_layers_all_converted_and_views_stay_views(tmp_path):
    """Single-part stereo with a Y view: every view converted; PXR24 (lossy for float data) moves the
    float depth channels to their own ZIP parts, which keep the views."""
    rgb, left = noisy(seed=4).astype(np.float16), noisy(seed=5).astype(np.float16)
    z = noisy(seed=6)[..., 0]
    src = raw(tmp_path / "stereo.exr", {"multiView": ["right", "left"], "colorInteropID": "lin_ap0_scene"},
              {**{c: rgb[..., i] for i, c in enumerate("RGB")}, "left.Y": left[..., 0], "Z": z, "left.Z": z + 1})
    assert main(["convert", src, str(tmp_path / "o.exr"), "--to", "ACEScg", "--compression", "pxr24"]) == 0
    f = OpenEXR.File(str(tmp_path / "o.exr"), separate_channels=True)
    for p in f.parts:
        assert p.header["multiView"] == ["right", "left"]
    assert sorted(f.parts[0].channels) == ["B", "G", "R", "left.B", "left.G", "left.R"]
    moved = {n: c.pixels for p in f.parts[1:] for n, c in p.channels.items()}
    np.testing.assert_array_equal(moved["Z"], z)
    np.testing.assert_array_equal(moved["left.Z"], z + 1)
    ap0, cg = colour.RGB_COLOURSPACES["ACES2065-1"], colour.RGB_COLOURSPACES["ACEScg"]
    y3 = np.repeat(left[..., :1].astype(np.float64), 3, axis=-1)
    np.testing.assert_allclose(rgb_of(tmp_path / "o.exr", prefix="left."), colour.RGB_to_RGB(y3, ap0, cg),
                               rtol=1e-3, atol=1e-4)  # half precision
    np.testing.assert_allclose(rgb_of(tmp_path / "o.exr"), colour.RGB_to_RGB(rgb.astype(np.float64), ap0, cg),
                               rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("channels, words", [
    ({"Y": 0, "RY": 1, "BY": 2}, "luminance/chroma"),
    ({"R": 0, "G": 1, "B": 2, "Y": 0}, "both R, G, B and Y"),
    ({"beauty.R": 0, "beauty.G": 1, "beauty.B": 2, "id.R": "u", "id.G": "u", "id.B": "u"}, "layer 'id'"),
])
def test_layers_that_cannot_be_converted_are_refused(tmp_path, capfd, channels, words):
    a = noisy(seed=7)
    planes = {n: (np.arange(a[..., 0].size, dtype=np.uint32).reshape(a.shape[:2]) if i == "u" else a[..., i])
              for n, i in channels.items()}
    src = raw(tmp_path / "in.exr", {}, planes)
    assert main(["convert", src, str(tmp_path / "o.exr"), "--to", "ACEScg"]) == 1
    (line,) = err_lines(capfd.readouterr().err)
    assert line.startswith(f"aceskit: error: {src}: ") and words in line and line.count(src) == 1
    assert not (tmp_path / "o.exr").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["in.exr"]


def test_color_parts_in_different_spaces_are_refused(tmp_path, capfd):
    a = noisy(seed=8).astype(np.float16)
    OpenEXR.File([OpenEXR.Part({"compression": OpenEXR.ZIP_COMPRESSION, "colorInteropID": "lin_ap0_scene"},
                               {"RGB": a}, "a"),
                  OpenEXR.Part({"compression": OpenEXR.ZIP_COMPRESSION, "colorInteropID": "lin_ap1_scene"},
                               {"RGB": a.copy()}, "b")]).write(str(tmp_path / "m.exr"))
    assert main(["convert", str(tmp_path / "m.exr"), str(tmp_path / "o.exr"), "--to", "ACEScg"]) == 1
    assert "part 'b' is in ACEScg but part 'a' in ACES2065-1" in capfd.readouterr().err


# -- streams and damaged files -----------------------------------------------------------------------
@pytest.fixture
def damaged(tmp_path):
    """Truncated and corrupted copies of a real (PIZ) file, made here."""
    a = noisy(256, 256, seed=9)
    good = raw(tmp_path / "good.exr", {"compression": OpenEXR.PIZ_COMPRESSION, "colorInteropID": "lin_ap1_scene"},
               {c: a[..., i].astype(np.float16) for i, c in enumerate("RGB")})
    data = open(good, "rb").read()
    out = {}
    for name, blob in (("truncated", data[: len(data) // 2]), ("header-only", data[:200]),
                       ("corrupt", data[: len(data) // 2] + b"\xff" * 4096 + data[len(data) // 2 + 4096:])):
        (tmp_path / f"{name}.exr").write_bytes(blob)
        out[name] = str(tmp_path / f"{name}.exr")
    return out


@pytest.mark.parametrize("name", ["truncated", "header-only", "corrupt"])
def test_damaged_files_info_json_stays_json_and_convert_says_one_line(damaged, capfd, name, tmp_path):
    path = damaged[name]
    assert main(["info", path, "--json"]) == 1
    out, err = capfd.readouterr()
    d = json.loads(out)
    assert d["file"] == path and d["error"].startswith(path) and "\n" not in d["error"]
    assert all(ln.startswith("aceskit: warning: ") for ln in err_lines(err))
    assert main(["convert", path, str(tmp_path / "o.exr"), "--to", "ACEScg"]) == 1
    out, err = capfd.readouterr()
    assert out == ""
    (line,) = err_lines(err)
    assert line.startswith(f"aceskit: error: {path}: ") and line.count(path) == 1 and ".tmp" not in line
    assert not (tmp_path / "o.exr").exists()


def test_info_text_is_plain(tmp_path, capfd):
    a = noisy(seed=10)
    src = raw(tmp_path / "t.exr", {"chromaticities": TREE, "compression": OpenEXR.DWAB_COMPRESSION,
                                   "dwaCompressionLevel": 45.0},
              {c: a[..., i] for i, c in enumerate("RGBA"[:3])})
    assert main(["info", src]) == 0
    out, err = capfd.readouterr()
    assert err == ""
    assert "color space: custom chromaticities (R 0.62955,0.341 G 0.2867,0.6108 B 0.1489,0.07125 " \
           "W 0.3155,0.33165) (chromaticities)" in out
    assert "  compression: dwab\n" in out and "  lineOrder: increasing y\n" in out
    assert "  channels: B, G, R\n" in out and "  dwaCompressionLevel: 45.0\n" in out
    assert "  dataWindow: 0 0, 15 11\n" in out
    for python in ("Channel(", "Compression.", "LineOrder.", "array(", "UserWarning", "force=True"):
        assert python not in out + err


def test_captured_keeps_every_kind_of_output_off_our_streams(capfd):
    """Descriptors 1 and 2, Python's sys.stdout and C stdio (how OpenEXR prints) all end up in the messages."""
    import ctypes
    import os

    from aceskit import streams
    print("before")
    messages: list = []
    with streams.captured(messages):
        print("python print")
        os.write(1, b"descriptor one\n")
        os.write(2, b"descriptor two\n")
        ctypes.CDLL(None).printf(b"c stdio\n")
    print("after")
    out, err = capfd.readouterr()
    assert (out, err) == ("before\nafter\n", "")
    assert sorted(messages) == ["c stdio", "descriptor one", "descriptor two", "python print"]


def test_info_json_is_strict_json_with_non_finite_header_values(tmp_path, capfd):
    a = noisy(seed=11)
    src = raw(tmp_path / "n.exr", {"colorInteropID": "lin_ap1_scene", "exposure": float("nan"),
                                   "whitePoint": (float("inf"), 1.0)}, {c: a[..., i] for i, c in enumerate("RGB")})
    assert main(["info", src, "--json"]) == 0
    d = json.loads(capfd.readouterr().out, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    assert d["header"]["exposure"] == "nan" and d["header"]["whitePoint"] == ["inf", 1.0]
