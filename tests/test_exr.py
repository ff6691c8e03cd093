"""aceskit.exr on real OpenEXR files (written and checked with the OpenEXR library itself)."""

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import OpenEXR
import pytest

import aceskit
from aceskit import exr, spaces

AP0 = spaces.get("ACES2065-1").chromaticities
AP1 = spaces.get("ACEScg").chromaticities
SIX = ("lin_rec709_scene", "lin_ap0_scene", "lin_ap1_scene", "lin_p3d65_scene", "lin_rec2020_scene",
       "lin_adobergb_scene")


def noisy(h=64, w=96, c=3, seed=0, scale=4.0):
    rng = np.random.default_rng(seed)
    return (rng.random((h, w, c)) * scale).astype(np.float32)


def planes(d):
    """OpenEXR's binding ignores numpy strides: hand it C-contiguous planes only."""
    return {k: np.ascontiguousarray(v) for k, v in d.items()}


def raw_write(path, header, channels):
    """Write with OpenEXR directly (it mutates the channel dict, so pass a copy)."""
    OpenEXR.File(dict(header), planes(channels)).write(str(path))


def header_of(path, part=0):
    return OpenEXR.File(str(path), header_only=True).parts[part].header


def quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


# -- round trips ---------------------------------------------------------------------------------
def test_dwab_half_roundtrip_stores_level_and_metadata(tmp_path):
    a = noisy()
    rep = exr.write(tmp_path / "o.exr", a, "ACES2065-1")
    h = header_of(tmp_path / "o.exr")
    assert h["compression"] == OpenEXR.DWAB_COMPRESSION and h["dwaCompressionLevel"] == 45.0
    assert h["colorInteropID"] == "lin_ap0_scene"
    assert h["chromaticities"] == pytest.approx(OpenEXR.colorInteropIDToChromaticities("lin_ap0_scene"))
    assert OpenEXR.checkColorMetadata(h) == 0
    assert rep.changed == 0 and rep.dwa_level == 45.0 and rep.compression == "dwab"
    img = exr.read(tmp_path / "o.exr")
    assert img.pixels.dtype == np.float16 and img.channels == ["R", "G", "B"]
    assert (img.colorspace, img.colorspace_source) == ("ACES2065-1", "colorInteropID")
    err = np.abs(img.rgb.astype(np.float32) - a)
    assert err.max() < 0.25 and np.median(err) < 0.01  # lossy but close (values 0..4)


def test_float_zip_roundtrip_is_exact(tmp_path):
    a = noisy(c=4)
    exr.write(tmp_path / "o.exr", a, "ACEScg", compression="zip", half=False)
    img = exr.read(tmp_path / "o.exr")
    assert img.pixels.dtype == np.float32 and img.channels == list("RGBA")
    np.testing.assert_array_equal(img.pixels, a)
    assert img.colorspace == "ACEScg"


def test_dwa_level_changes_file_size(tmp_path):
    a = noisy(128, 128, seed=3)
    sizes = [exr.write(tmp_path / f"l{lv}.exr", a, "ACEScg", "dwab", lv).bytes for lv in (5, 45, 200)]
    assert sizes[0] > sizes[1] > sizes[2]
    for lv in (5, 45, 200):
        assert header_of(tmp_path / f"l{lv}.exr")["dwaCompressionLevel"] == float(lv)
    assert exr.write(tmp_path / "c.exr", a, "ACEScg", "dwaa:100").dwa_level == 100.0
    assert header_of(tmp_path / "c.exr")["compression"] == OpenEXR.DWAA_COMPRESSION


@pytest.mark.parametrize("bad", [dict(compression="jpeg"), dict(compression="zip:45"),
                                 dict(dwa_level=-1), dict(nonfinite="ignore")])
def test_bad_write_options(tmp_path, bad):
    with pytest.raises(ValueError, match="compression|dwa_level|nonfinite|level"):
        exr.write(tmp_path / "o.exr", noisy(), "ACEScg", **bad)
    assert not (tmp_path / "o.exr").exists()


def test_every_interop_space_writes_consistent_metadata(tmp_path):
    for name in spaces.names():
        s = spaces.get(name)
        if not s.interop_id:
            continue
        exr.write(tmp_path / "o.exr", noisy(8, 8), name, "zip")
        h = header_of(tmp_path / "o.exr")
        assert OpenEXR.checkColorMetadata(h) == 0, name
        assert h["colorInteropID"] == s.interop_id
        assert exr.read(tmp_path / "o.exr").colorspace == name


# -- resolution order ----------------------------------------------------------------------------
def _resolve(tmp_path, header, **kw):
    raw_write(tmp_path / "in.exr", {"compression": OpenEXR.ZIP_COMPRESSION, **header},
              {"RGB": noisy(4, 4).astype(np.float16)})
    return exr.read(tmp_path / "in.exr", **kw)


def test_resolution_order(tmp_path):
    # the flag wins over a contradicting ID and chromaticities
    img = quiet(_resolve, tmp_path, {"acesImageContainerFlag": 1, "colorInteropID": "lin_ap1_scene",
                                     "chromaticities": AP1})
    assert (img.colorspace, img.colorspace_source) == ("ACES2065-1", "acesImageContainerFlag")
    # the ID wins over chromaticities (oiiotool 3.2.2 leaves AP0 chromaticities next to lin_ap1_scene)
    img = _resolve(tmp_path, {"colorInteropID": "lin_ap1_scene", "chromaticities": AP0})
    assert (img.colorspace, img.colorspace_source) == ("ACEScg", "colorInteropID")
    img = _resolve(tmp_path, {"colorInteropID": "ocio:acescct_ap1_scene"})
    assert img.colorspace == "ACEScct"
    # chromaticities within 0.001, not beyond
    near = tuple(c + 0.0009 for c in AP1)
    assert _resolve(tmp_path, {"chromaticities": near}).colorspace_source == "chromaticities"
    far = tuple(c + 0.002 for c in AP1)  # beyond: a custom space built from the numbers
    img = _resolve(tmp_path, {"chromaticities": far})
    assert img.colorspace_source == "chromaticities" and img.colorspace.startswith("custom chromaticities (R 0.715")
    assert img.space.chromaticities == pytest.approx(far, abs=1e-7)
    with pytest.warns(UserWarning, match="untagged input .*: assumed ACES2065-1"):
        img = _resolve(tmp_path, {})
    assert (img.colorspace, img.colorspace_source) == ("ACES2065-1", "default")


def test_override_is_a_fallback_and_conflicts_warn(tmp_path):
    img = _resolve(tmp_path, {}, colorspace="lin_rec709")
    assert (img.colorspace, img.colorspace_source) == ("Linear Rec.709 (sRGB)", "override")
    with pytest.warns(UserWarning, match="'ACEScg' ignored"):
        img = _resolve(tmp_path, {"colorInteropID": "lin_ap0_scene"}, colorspace="ACEScg")
    assert img.colorspace == "ACES2065-1"
    img = _resolve(tmp_path, {"colorInteropID": "lin_ap0_scene"}, colorspace="ACEScg", force=True)
    assert (img.colorspace, img.colorspace_source) == ("ACEScg", "override")
    with pytest.warns(UserWarning, match="assumed ACES2065-1"):
        with pytest.warns(UserWarning, match="not in the aceskit registry"):
            _resolve(tmp_path, {"colorInteropID": "made_up_space"})
    with pytest.raises(KeyError, match="unknown color space"):
        _resolve(tmp_path, {}, colorspace="NoSuchSpace")


@pytest.mark.parametrize("interop", SIX)
def test_interop_ids_agree_with_openexr_helpers(tmp_path, interop):
    """OpenEXR's own ID <-> chromaticities tables are the oracle for the six linear IDs."""
    chroma = OpenEXR.colorInteropIDToChromaticities(interop)
    by_id = _resolve(tmp_path, {"colorInteropID": interop})
    by_chroma = _resolve(tmp_path, {"chromaticities": chroma})
    assert by_id.colorspace == by_chroma.colorspace
    assert spaces.get(by_id.colorspace).interop_id == interop
    assert OpenEXR.chromaticitiesToColorInteropID(spaces.get(by_id.colorspace).chromaticities) == interop


# -- header hygiene ------------------------------------------------------------------------------
def test_stale_color_attributes_removed_custom_kept(tmp_path):
    src = tmp_path / "ap0.exr"
    a = noisy(16, 16, c=4)
    raw_write(src, {"compression": OpenEXR.NO_COMPRESSION, "chromaticities": AP0, "acesImageContainerFlag": 1,
                    "adoptedNeutral": (0.32168, 0.33767), "oiio:ColorSpace": "ACES2065-1",
                    "owner": "Luma", "frameIndex": 1001, "comments": "plate"},
              {c: a[..., i].astype(np.float16) for i, c in enumerate("RGBA")})
    img = exr.read(src)
    assert img.colorspace_source == "acesImageContainerFlag"
    cg = aceskit.convert(img.rgb.astype(np.float32), img.colorspace, "ACEScg")
    rep = exr.write(tmp_path / "cg.exr", img.with_rgb(cg), "ACEScg", "dwab", 45)
    h = header_of(tmp_path / "cg.exr")
    assert OpenEXR.checkColorMetadata(h) == 0
    assert h["colorInteropID"] == "lin_ap1_scene"
    assert h["chromaticities"] == pytest.approx(OpenEXR.colorInteropIDToChromaticities("lin_ap1_scene"))
    for stale in ("acesImageContainerFlag", "adoptedNeutral", "oiio:ColorSpace"):
        assert stale not in h
    assert (h["owner"], h["frameIndex"], h["comments"]) == ("Luma", 1001, "plate")
    back = exr.read(tmp_path / "cg.exr")
    assert back.channels == list("RGBA")
    np.testing.assert_array_equal(back.alpha, img.alpha)  # DWA keeps A lossless
    assert rep.colorspace == "ACEScg"
    with pytest.raises(ValueError, match="may not set 'chromaticities'"):
        exr.write(tmp_path / "x.exr", img, "ACEScg", attributes={"chromaticities": AP0})


def test_aces_container_strict(tmp_path):
    a = noisy(8, 8)
    with pytest.raises(ValueError, match="ST 2065-4.*compression 'none'"):
        exr.write(tmp_path / "c.exr", a, "ACES2065-1", "dwab", aces_container=True)
    with pytest.raises(ValueError, match="colorspace ACES2065-1"):
        exr.write(tmp_path / "c.exr", a, "ACEScg", "none", aces_container=True)
    with pytest.raises(ValueError, match="half=True"):
        exr.write(tmp_path / "c.exr", a, "ACES2065-1", "none", half=False, aces_container=True)
    exr.write(tmp_path / "c.exr", a, "ACES2065-1", "none", aces_container=True)
    h = header_of(tmp_path / "c.exr")
    assert h["acesImageContainerFlag"] == 1 and h["compression"] == OpenEXR.NO_COMPRESSION
    assert OpenEXR.checkColorMetadata(h) == 0
    assert "acesImageContainerFlag" not in header_of(
        Path(exr.write(tmp_path / "d.exr", exr.read(tmp_path / "c.exr"), "ACES2065-1").path))


# -- file structures -----------------------------------------------------------------------------
def test_tiled_data_window_extra_channels(tmp_path):
    h, w = 40, 50
    a, z = noisy(h, w, 4, seed=5), noisy(h, w, 1, seed=6)[..., 0] * 100
    tiles = OpenEXR.TileDescription()
    tiles.xSize, tiles.ySize, tiles.mode = 16, 16, OpenEXR.ONE_LEVEL
    dw = (np.array([7, 3], np.int32), np.array([7 + w - 1, 3 + h - 1], np.int32))
    disp = (np.array([0, 0], np.int32), np.array([127, 63], np.int32))
    raw_write(tmp_path / "t.exr", {"type": OpenEXR.tiledimage, "tiles": tiles, "compression": OpenEXR.ZIP_COMPRESSION,
                                   "dataWindow": dw, "displayWindow": disp, "colorInteropID": "lin_ap0_scene",
                                   "shot": "sh010"},
              {**{c: a[..., i].astype(np.float16) for i, c in enumerate("RGBA")}, "Z": z})
    img = exr.read(tmp_path / "t.exr")
    assert img.pixels.shape == (h, w, 4) and set(img.extra) == {"Z"} and img.extra["Z"].dtype == np.float32
    exr.write(tmp_path / "o.exr", img.with_rgb(aceskit.convert(img.rgb.astype(np.float32), "ACES2065-1", "ACEScg")),
              "ACEScg", "dwab", 45)
    hd = header_of(tmp_path / "o.exr")
    assert hd["type"] == OpenEXR.tiledimage and (hd["tiles"].xSize, hd["tiles"].ySize) == (16, 16)
    for k, v in (("dataWindow", dw), ("displayWindow", disp)):
        np.testing.assert_array_equal(hd[k][0], v[0])
        np.testing.assert_array_equal(hd[k][1], v[1])
    assert hd["shot"] == "sh010"
    back = OpenEXR.File(str(tmp_path / "o.exr"), separate_channels=True).channels()
    np.testing.assert_array_equal(back["Z"].pixels, z)  # float Z is lossless under DWA
    np.testing.assert_array_equal(back["A"].pixels, a[..., 3].astype(np.float16))


def test_multipart_chooses_rgba_and_passes_others(tmp_path):
    h, w = 24, 32
    z = noisy(h, w, 1, seed=1)[..., 0]
    n = noisy(h, w, 3, seed=2).astype(np.float16)
    beauty = noisy(h, w, 4, seed=3).astype(np.float16)
    OpenEXR.File([
        OpenEXR.Part({"compression": OpenEXR.ZIP_COMPRESSION, "colorInteropID": "data"}, {"Z": z}, "depth"),
        OpenEXR.Part({"compression": OpenEXR.DWAB_COMPRESSION, "colorInteropID": "lin_ap0_scene"},
                     {"RGBA": beauty}, "beauty"),
        OpenEXR.Part({"compression": OpenEXR.DWAB_COMPRESSION}, planes({"N.x": n[..., 0], "N.R": n[..., 1]}), "normals"),
    ]).write(str(tmp_path / "m.exr"))
    img = exr.read(tmp_path / "m.exr")
    assert (img.part_name, img.part_index, img.colorspace) == ("beauty", 1, "ACES2065-1")
    assert [p.name for p in img.other_parts] == ["depth", "normals"]
    rep = exr.write(tmp_path / "o.exr", img, "ACES2065-1", "dwab")
    assert rep.recompressed_parts == ("normals",) and rep.parts == 3
    f = OpenEXR.File(str(tmp_path / "o.exr"), separate_channels=True)
    assert [p.name() for p in f.parts] == ["beauty", "depth", "normals"]
    assert f.parts[2].header["compression"] == OpenEXR.ZIP_COMPRESSION
    np.testing.assert_array_equal(f.parts[1].channels["Z"].pixels, z)
    np.testing.assert_array_equal(f.parts[2].channels["N.R"].pixels, n[..., 1])
    assert f.parts[1].header["colorInteropID"] == "data"
    assert OpenEXR.checkColorMetadata(f.parts[0].header) == 0
    for p in f.parts[1:]:
        assert OpenEXR.checkColorMetadata(p.header, f.parts[0].header) == 0


def test_lossy_named_data_channels_move_to_a_lossless_part(tmp_path):
    """``N.R, N.G`` (no B) is data, not color: DWAB would alter it, so it moves to a ZIP part untouched."""
    a = noisy(16, 16, 3).astype(np.float16)
    aov = noisy(16, 16, 2, seed=9).astype(np.float16)
    raw_write(tmp_path / "in.exr", {"compression": OpenEXR.ZIP_COMPRESSION, "colorInteropID": "lin_ap1_scene"},
              {**{c: a[..., i] for i, c in enumerate("RGB")}, "N.R": aov[..., 0], "N.G": aov[..., 1]})
    img = exr.read(tmp_path / "in.exr")
    assert img.channels == list("RGB") and set(img.extra) == {"N.R", "N.G"} and len(img.layers) == 1
    with pytest.warns(UserWarning, match="lossless ZIP part"):
        rep = exr.write(tmp_path / "o.exr", img, "ACEScg", "dwab")
    assert set(rep.moved_channels) == {"N.R", "N.G"}
    f = OpenEXR.File(str(tmp_path / "o.exr"), separate_channels=True)
    assert [p.name() for p in f.parts] == ["rgba", "N"]
    np.testing.assert_array_equal(f.parts[1].channels["N.G"].pixels, aov[..., 1])


def test_every_color_layer_is_converted_and_stays_in_its_part(tmp_path):
    """An extra RGB layer (``diffuse.*``) is color: converted with the primary, kept in the DWAB part."""
    a = noisy(16, 16, 3).astype(np.float16)
    aov = noisy(16, 16, 3, seed=9).astype(np.float16)
    raw_write(tmp_path / "in.exr", {"compression": OpenEXR.ZIP_COMPRESSION, "colorInteropID": "lin_ap0_scene"},
              {**{c: a[..., i] for i, c in enumerate("RGB")},
               **{f"diffuse.{c}": aov[..., i] for i, c in enumerate("RGB")}})
    img = exr.read(tmp_path / "in.exr")
    assert [n for _, n in img.layers] == [list("RGB"), ["diffuse.R", "diffuse.G", "diffuse.B"]]
    with pytest.raises(ValueError, match="other color layers.*map_color"):
        img.with_rgb(img.rgb.astype(np.float32), "ACEScg")
    out = img.map_color(lambda rgb: aceskit.convert(rgb.astype(np.float32), "ACES2065-1", "ACEScg"), "ACEScg")
    rep = exr.write(tmp_path / "o.exr", out, "ACEScg", "zip", half=False)
    assert rep.parts == 1 and rep.moved_channels == ()
    f = OpenEXR.File(str(tmp_path / "o.exr"), separate_channels=True)
    got = np.stack([f.parts[0].channels[f"diffuse.{c}"].pixels for c in "RGB"], axis=-1)
    want = aceskit.convert(aov.astype(np.float32), "ACES2065-1", "ACEScg")
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_mixed_pixel_types(tmp_path):
    """R, G, B of different pixel types cannot be read interleaved; they are promoted losslessly."""
    a = noisy(8, 8)
    raw_write(tmp_path / "mix.exr", {"compression": OpenEXR.ZIP_COMPRESSION, "colorInteropID": "lin_ap1_scene"},
              {"R": a[..., 0].astype(np.float16), "G": a[..., 1], "B": a[..., 2].astype(np.float16)})
    img = exr.read(tmp_path / "mix.exr")
    assert img.pixels.dtype == np.float32
    np.testing.assert_array_equal(img.pixels[..., 1], a[..., 1])
    np.testing.assert_array_equal(img.pixels[..., 0], a[..., 0].astype(np.float16).astype(np.float32))


def test_luminance_only(tmp_path):
    y = noisy(10, 12, 1)[..., 0].astype(np.float16)
    raw_write(tmp_path / "y.exr", {"compression": OpenEXR.ZIP_COMPRESSION, "chromaticities": AP1}, {"Y": y})
    img = exr.read(tmp_path / "y.exr")
    assert img.is_luminance and img.channels == ["Y"] and img.colorspace == "ACEScg"
    rgb = img.rgb
    assert rgb.shape == (10, 12, 3)
    for i in range(3):
        np.testing.assert_array_equal(rgb[..., i], y)
    out = img.with_rgb(rgb.astype(np.float32))
    assert out.channels == list("RGB")
    exr.write(tmp_path / "o.exr", out, "ACEScg", "zip")
    assert exr.read(tmp_path / "o.exr").channels == list("RGB")


# -- bad input -----------------------------------------------------------------------------------
def test_missing_corrupt_truncated(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.exr"):
        exr.read(tmp_path / "missing.exr")
    (tmp_path / "garbage.exr").write_bytes(b"this is not an image")
    with pytest.raises(ValueError, match=r"garbage\.exr.*not an OpenEXR"):
        exr.read(tmp_path / "garbage.exr")
    exr.write(tmp_path / "good.exr", noisy(256, 256, seed=4), "ACEScg", "zip")
    data = (tmp_path / "good.exr").read_bytes()
    for frac in (0.05, 0.5, 0.95):
        (tmp_path / "trunc.exr").write_bytes(data[: int(len(data) * frac)])
        with pytest.raises(ValueError, match=r"trunc\.exr"):
            exr.read(tmp_path / "trunc.exr")
    bad = bytearray(data)
    bad[len(data) // 2: len(data) // 2 + 256] = b"\xff" * 256
    (tmp_path / "corrupt.exr").write_bytes(bytes(bad))
    with pytest.raises(ValueError, match=r"corrupt\.exr.*(truncated or corrupt|not a readable)"):
        exr.read(tmp_path / "corrupt.exr")
    with pytest.raises(ValueError, match="image must be"):
        exr.write(tmp_path / "o.exr", np.zeros((4, 4, 2), np.float32), "ACEScg")
    with pytest.raises(ValueError, match="colorspace must name"):
        exr.write(tmp_path / "o.exr", np.zeros((4, 4, 3), np.float32))


# -- NaN / Inf / HALF_MAX policy -----------------------------------------------------------------
def _hazards():
    a = noisy(32, 32)
    a[0, :3, 0] = np.nan       # 3 NaN (counts are per value, not per pixel)
    a[1, :2, 1] = np.inf       # 2 +Inf
    a[2, :1, 2] = -np.inf      # 1 -Inf
    a[3, :4, 0] = 65504.0      # 4 at HALF_MAX
    a[4, :5, 1] = 1e30         # 5 huge
    a[5, :2, 2] = -1e30        # 2 huge negative
    return a


def test_policy_counts_zip_half(tmp_path):
    with pytest.warns(UserWarning, match="3 NaN"):
        rep = exr.write(tmp_path / "o.exr", _hazards(), "ACEScg", "zip")
    assert (rep.nan, rep.posinf, rep.neginf, rep.clamped, rep.limit) == (3, 2, 1, 7, 65504.0)
    px = exr.read(tmp_path / "o.exr").rgb.astype(np.float32)
    assert np.all(np.isfinite(px))
    assert np.all(px[0, :3, 0] == 0) and np.all(px[1, :2, 1] == 65504) and px[2, 0, 2] == -65504
    assert np.all(px[3, :4, 0] == 65504) and np.all(px[4, :5, 1] == 65504) and np.all(px[5, :2, 2] == -65504)


def test_policy_counts_dwab(tmp_path):
    with pytest.warns(UserWarning):
        rep = exr.write(tmp_path / "o.exr", _hazards(), "ACEScg", "dwab", 45)
    limit = 65504.0 - (2048 + 32 * 45)
    assert rep.limit == limit == 62016.0
    assert (rep.nan, rep.posinf, rep.neginf, rep.clamped) == (3, 2, 1, 11)  # 65504 is clamped too
    assert np.all(np.isfinite(exr.read(tmp_path / "o.exr").pixels))


def test_dwa_hazard_is_real_and_the_margin_prevents_it(tmp_path):
    """Raw OpenEXR DWAB turns values at HALF_MAX into Inf and NaN/Inf into ~0; aceskit's clamp does not."""
    rng = np.random.default_rng(7)
    stress = np.full((32, 32, 3), 65504.0, np.float32)
    stress[rng.random((32, 32)) < 0.4] = 0.0
    raw_write(tmp_path / "raw.exr", {"compression": OpenEXR.DWAB_COMPRESSION, "dwaCompressionLevel": 45.0},
              {"RGB": stress.astype(np.float16)})
    raw = OpenEXR.File(str(tmp_path / "raw.exr")).channels()["RGB"].pixels
    assert not np.all(np.isfinite(raw))
    nan = noisy(64, 64)  # (DWA stores tiny noisy images raw, where NaN would survive)
    nan[3, 3] = np.nan
    raw_write(tmp_path / "nan.exr", {"compression": OpenEXR.DWAB_COMPRESSION}, {"RGB": nan.astype(np.float16)})
    assert np.isfinite(OpenEXR.File(str(tmp_path / "nan.exr")).channels()["RGB"].pixels[3, 3, 0])  # NaN lost
    for level in (0, 45, 90, 135):
        quiet(exr.write, tmp_path / "ok.exr", stress, "ACEScg", "dwab", level)
        back = exr.read(tmp_path / "ok.exr").pixels
        assert np.all(np.isfinite(back)), level


def test_policy_keep_and_error(tmp_path):
    a = _hazards()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rep = exr.write(tmp_path / "k.exr", a, "ACEScg", "zip", half=False, nonfinite="keep")
    assert (rep.nan, rep.posinf, rep.neginf, rep.clamped, rep.changed) == (3, 2, 1, 0, 0)
    back = exr.read(tmp_path / "k.exr").pixels
    np.testing.assert_array_equal(back, a)  # NaN, ±Inf and 1e30 survive float + ZIP
    with pytest.raises(ValueError, match="lossless"):
        exr.write(tmp_path / "d.exr", a, "ACEScg", "dwab", nonfinite="keep")
    with pytest.raises(ValueError, match="3 NaN.*nonfinite='error'"):
        exr.write(tmp_path / "e.exr", a, "ACEScg", "zip", nonfinite="error")
    assert not (tmp_path / "d.exr").exists() and not (tmp_path / "e.exr").exists()
    with pytest.warns(UserWarning, match="clamped 7"):  # keep + half: finite overflow is still clamped
        rep = exr.write(tmp_path / "h.exr", a, "ACEScg", "zip", nonfinite="keep")
    assert rep.clamped == 7 and np.isnan(exr.read(tmp_path / "h.exr").pixels[0, 0, 0])


@pytest.mark.parametrize("limit", [exr.HALF_MAX, exr.dwa_safe_max(45), 1000.3, 1.0, 3.4e38])
@pytest.mark.parametrize("strict", [False, True])
def test_in_range_of_half_floats_agrees_with_float64_comparison(limit, strict):
    """Each of the 65536 half floats, among values in range: the bit comparison says what comparing
    the float64 values says (NaN is never in range)."""
    every = np.arange(1 << 16, dtype=np.uint16).view(np.float16)
    wide = np.abs(every.astype(np.float64))
    ok = wide < limit if strict else wide <= limit
    assert exr.in_range(every[ok], limit, strict=strict)
    calm = every[ok][::997].copy()
    for bad in every[~ok]:
        calm[len(calm) // 2] = bad
        assert not exr.in_range(calm, limit, strict=strict), (float(bad), limit)
    assert exr.in_range(every[:0], limit, strict=strict)
    wide32 = np.array([0.0, -limit, limit], np.float32)
    assert exr.in_range(wide32, float(np.float32(limit))) and not exr.in_range(wide32, float(np.float32(limit)),
                                                                               strict=True)


def test_map_color_hands_an_rgb_frame_over_without_copies(tmp_path):
    """A frame is the largest thing a batch worker holds: ``fn`` gets a view of the pixels and its
    result becomes the new pixels; ``rgb`` and an ``fn`` that returns its argument still copy."""
    a = noisy(8, 8)
    quiet(exr.write, tmp_path / "i.exr", a, "ACES2065-1", "zip", half=False)
    img = exr.read(tmp_path / "i.exr")
    seen, made = [], []
    out = img.map_color(lambda rgb: seen.append(rgb) or made.append(rgb * 2) or made[0], "ACEScg")
    assert np.shares_memory(seen[0], img.pixels) and out.pixels is made[0]
    np.testing.assert_array_equal(out.pixels, 2 * a)
    half = img.map_color(lambda rgb: made.append(rgb.astype(np.float16)) or made[-1])
    assert half.pixels is made[-1]  # the float frame's half result is not widened again
    same = img.map_color(lambda rgb: rgb)
    assert not np.shares_memory(same.pixels, img.pixels) and not np.shares_memory(img.rgb, img.pixels)
    np.testing.assert_array_equal(same.pixels, a)
    rgba = np.concatenate([a, a[..., :1]], axis=-1)  # R, G, B adjacent, then A: a view as well
    quiet(exr.write, tmp_path / "a.exr", rgba, "ACES2065-1", "zip", half=False)
    img = exr.read(tmp_path / "a.exr")
    out = img.map_color(lambda rgb: seen.append(rgb) or rgb + 1)
    assert np.shares_memory(seen[-1], img.pixels) and out.channels == list("RGBA")
    np.testing.assert_array_equal(out.pixels, np.concatenate([a + 1, a[..., :1]], axis=-1))


# -- safety --------------------------------------------------------------------------------------
def test_never_overwrites_input(tmp_path):
    exr.write(tmp_path / "in.exr", noisy(8, 8), "ACES2065-1", "zip")
    before = (tmp_path / "in.exr").read_bytes()
    img = exr.read(tmp_path / "in.exr")
    with pytest.raises(ValueError, match="refusing to overwrite the input"):
        exr.write(tmp_path / "in.exr", img, "ACEScg")
    with pytest.raises(ValueError, match="refusing to overwrite the input"):
        exr.write(str(tmp_path / "." / "in.exr"), img.pixels, "ACEScg", sources=[tmp_path / "in.exr"])
    assert (tmp_path / "in.exr").read_bytes() == before


def test_atomic_write_leaves_no_temp_and_keeps_target_on_failure(tmp_path, monkeypatch):
    exr.write(tmp_path / "o.exr", noisy(8, 8), "ACEScg", "zip")
    assert sorted(os.listdir(tmp_path)) == ["o.exr"]
    before = (tmp_path / "o.exr").read_bytes()

    class Failing:  # OpenEXR.File whose write() dies half way, like a full disk
        def __init__(self, *a, **k):
            pass

        def write(self, path):
            Path(path).write_bytes(b"v/1\x01partial")
            raise OSError("No space left on device")

    real = OpenEXR
    monkeypatch.setattr(exr, "_exr", lambda: type("M", (), {**{k: getattr(real, k) for k in dir(real)
                                                                if k.isupper() or k.endswith("image")},
                                                            "File": Failing, "Part": real.Part}))
    with pytest.raises(OSError, match="No space"):
        exr.write(tmp_path / "o.exr", noisy(8, 8, seed=5), "ACEScg", "zip")
    assert sorted(os.listdir(tmp_path)) == ["o.exr"]
    assert (tmp_path / "o.exr").read_bytes() == before


# -- interop with oiiotool ------------------------------------------------------------------------
def _oiiotool():
    """oiiotool from the OpenImageIO wheel of the test extras (a missing one is a failure, not a skip)."""
    exe = Path(sys.executable).parent / "oiiotool"
    tool = str(exe) if exe.exists() else shutil.which("oiiotool")
    assert tool, "oiiotool not found: install the test extras (pip install -e '.[test]')"
    return tool


def test_oiiotool_reads_our_metadata_and_strict_container_trap(tmp_path):
    tool = _oiiotool()
    exr.write(tmp_path / "ours.exr", noisy(16, 16), "ACEScg", "dwab", 45)
    info = subprocess.run([tool, "--info", "-v", str(tmp_path / "ours.exr")], capture_output=True, text=True)
    assert 'colorInteropID: "lin_ap1_scene"' in info.stdout and "dwaCompressionLevel: 45" in info.stdout
    exr.write(tmp_path / "cont.exr", noisy(16, 16), "ACES2065-1", "none", aces_container=True)
    out = str(tmp_path / "o.exr")
    strict = subprocess.run([tool, str(tmp_path / "cont.exr"), "--compression", "dwab:45", "-o", out],
                            capture_output=True, text=True)
    assert strict.returncode != 0 and "ACES Container" in strict.stdout + strict.stderr
    ok = subprocess.run([tool, str(tmp_path / "cont.exr"), "--eraseattrib", "acesImageContainerFlag",
                         "--compression", "dwab:45", "-o", out], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert exr.read(out).colorspace == "ACES2065-1"


def test_rewriting_an_oiiotool_conversion_leaves_consistent_metadata(tmp_path):
    """oiiotool --colorconvert keeps the input's AP0 chromaticities; an aceskit rewrite is consistent."""
    raw_write(tmp_path / "ap0.exr", {"compression": OpenEXR.ZIP_COMPRESSION, "chromaticities": AP0},
              {"RGB": noisy(16, 16).astype(np.float16)})
    env = {**os.environ, "OCIO": "ocio://studio-config-latest"}
    run = subprocess.run([_oiiotool(), str(tmp_path / "ap0.exr"), "--colorconvert", "ACES2065-1", "ACEScg",
                          "-d", "half", "-o", str(tmp_path / "oiio.exr")], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    img = exr.read(tmp_path / "oiio.exr")
    assert img.colorspace == "ACEScg"  # its colorInteropID wins over the stale chromaticities
    exr.write(tmp_path / "clean.exr", img, "ACEScg", "dwab")
    h = header_of(tmp_path / "clean.exr")
    assert OpenEXR.checkColorMetadata(h) == 0 and "oiio:ColorSpace" not in h
    assert h["chromaticities"] == pytest.approx(OpenEXR.colorInteropIDToChromaticities("lin_ap1_scene"))
