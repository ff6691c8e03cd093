"""The extension's EXR header reader (hosts/blender/exrheader.py) against the OpenEXR library:
every header of OpenEXR's sample images walks to the same attributes, and the color attributes
tagging uses read the same values, also in files OpenEXR writes with each of them."""

import importlib.util
import struct
from pathlib import Path

import numpy as np
import OpenEXR
import pytest

from aceskit import spaces

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / ".." / "shared" / "testdata" / "openexr-images").rglob("*.exr"))
COLOR = ("chromaticities", "colorInteropID", "acesImageContainerFlag")


def _load():
    spec = importlib.util.spec_from_file_location("exrheader", ROOT / "hosts" / "blender" / "exrheader.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


exrheader = _load()


def _openexr_color(header: dict) -> dict:
    return {k: (tuple(np.float32(header[k])) if k == "chromaticities" else header[k]) for k in COLOR if k in header}


def test_samples_are_there():
    assert len(SAMPLES) >= 10, "the OpenEXR sample images are missing from shared/testdata"


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_headers_read_like_openexr(path):
    names = [name for name, _, _ in exrheader.attributes(str(path))]
    with OpenEXR.File(str(path), header_only=True) as f:
        header = dict(f.parts[0].header)
    # OpenEXR derives "type" from the version word when a single-part file does not store it
    assert set(names) == set(header) - ({"type"} if "type" not in names else set())
    assert len(names) == len(set(names))
    found = exrheader.read(str(path))
    assert {k: tuple(np.float32(v)) if k == "chromaticities" else v for k, v in found.items()} == _openexr_color(header)


@pytest.mark.parametrize("attrs", [
    {"chromaticities": spaces.get("ACEScg").chromaticities},
    {"colorInteropID": "lin_ap1_scene"},
    {"colorInteropID": "ocio:arrilogc3_awg3_scene", "chromaticities": spaces.get("ARRI LogC3 (EI800)").chromaticities},
    {"acesImageContainerFlag": 1, "chromaticities": spaces.get("ACES2065-1").chromaticities},
    {"colorInteropID": "caf\u00e9 \u2013 \u00fcnicode"},
], ids=["ap1", "interop-id", "interop-and-chromaticities", "aces-container", "utf8"])
def test_written_attributes_read_like_openexr(tmp_path, attrs):
    path = tmp_path / "plate.exr"
    rgb = np.zeros((2, 2, 3), np.float32)
    with OpenEXR.File({"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage, **attrs},
                      {"RGB": rgb}) as f:
        f.write(str(path))
    with OpenEXR.File(str(path), header_only=True) as f:
        want = _openexr_color(f.header())
    assert set(want) == set(attrs)
    got = exrheader.read(str(path))
    assert {k: tuple(np.float32(v)) if k == "chromaticities" else v for k, v in got.items()} == want


def test_multipart_reads_the_first_part(tmp_path):
    path = tmp_path / "two.exr"
    rgb = np.zeros((2, 2, 3), np.float32)
    parts = [OpenEXR.Part({"colorInteropID": "lin_ap1_scene", "type": OpenEXR.scanlineimage}, {"RGB": rgb}, name="beauty"),
             OpenEXR.Part({"colorInteropID": "lin_rec709_scene", "type": OpenEXR.scanlineimage}, {"RGB": rgb}, name="ref")]
    with OpenEXR.File(parts) as f:
        f.write(str(path))
    assert exrheader.read(str(path)) == {"colorInteropID": "lin_ap1_scene"}


@pytest.mark.parametrize("path", SAMPLES[:4], ids=[p.name for p in SAMPLES[:4]])
def test_cut_headers_are_one_error(tmp_path, path):
    data = path.read_bytes()
    end = 8 + sum(len(n) + len(k) + 2 + 4 + len(v) for n, k, v in exrheader.attributes(str(path)))
    cut = tmp_path / "cut.exr"
    for size in sorted({0, 4, 8, 9, end // 3, end // 2, end - 1, end}):
        cut.write_bytes(data[:size])
        with pytest.raises(ValueError, match="not an OpenEXR file|truncated or corrupt"):
            exrheader.read(str(cut))
    cut.write_bytes(data[:end + 1])
    assert [n for n, _, _ in exrheader.attributes(str(cut))] == [n for n, _, _ in exrheader.attributes(str(path))]
    name, kind, _ = next(exrheader.attributes(str(path)))
    at = 8 + len(name) + 1 + len(kind) + 1
    cut.write_bytes(data[:at] + struct.pack("<i", -5) + data[at + 4:end + 1])  # a negative size
    with pytest.raises(ValueError, match="truncated or corrupt"):
        exrheader.read(str(cut))
