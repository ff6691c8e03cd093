"""Every file of OpenEXR's own sample images, through ``aceskit info`` and ``aceskit convert``.

Each file either converts, with every output part and color layer reopened with the OpenEXR
library and checked against an independent decode of the input converted by colour-science
(Bradford adaptation, as the registry uses), or is refused in one line with exit status 1 and
no output.  The commands run as real processes, so anything the OpenEXR library prints on the
file descriptors would show.  Inputs must be byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import colour
import numpy as np
import OpenEXR
import OpenImageIO as oiio
import pytest

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / ".." / "shared" / "testdata" / "openexr-images"
FILES = sorted(p.relative_to(IMAGES).as_posix() for p in IMAGES.glob("**/*.exr"))
#: What aceskit refuses, and a word its one-line error must contain.
REFUSED = {"v2/LowResLeftView/Trunks.exr": "deep"}
ACESKIT = [str(Path(sys.executable).parent / "aceskit")]  # the installed command, as a user runs it


def test_the_sample_images_are_there():
    assert IMAGES.is_dir(), f"missing test data: {IMAGES}"
    assert len(FILES) >= 10 and set(REFUSED) <= set(FILES)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([*ACESKIT, *map(str, args)], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Each file converted (lossless ZIP, ACEScg) and described once; input hashes before and after."""
    out = tmp_path_factory.mktemp("converted")
    done = {}
    for name in FILES:
        src = IMAGES / name
        before = _sha(src)
        dst = out / name.replace("/", "_")
        conv = _run("convert", src, dst, "--to", "ACEScg", "--compression", "zip")
        info = _run("info", src, "--json")
        done[name] = dict(src=src, dst=dst, convert=conv, info=info, before=before, after=_sha(src), folder=out)
    return done


def _lines(text: str) -> list:
    return [ln for ln in text.splitlines() if ln.strip()]


@pytest.mark.parametrize("name", FILES)
def test_inputs_stay_byte_identical(runs, name):
    assert runs[name]["before"] == runs[name]["after"]


@pytest.mark.parametrize("name", FILES)
def test_info_json_is_valid_and_stderr_is_ours(runs, name):
    r = runs[name]["info"]
    d = json.loads(r.stdout)  # nothing else on stdout
    assert all(ln.startswith("aceskit: warning: ") for ln in _lines(r.stderr)), r.stderr
    if name in REFUSED:
        assert r.returncode == 1 and REFUSED[name] in d["error"] and d["parts"]
    else:
        assert r.returncode == 0 and "error" not in d
        assert "Channel(" not in r.stdout and "Compression." not in r.stdout
        assert d["parts"][0]["header"]["compression"] in ("none", "rle", "zips", "zip", "piz", "pxr24", "b44", "b44a",
                                                         "dwaa", "dwab")


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unsupported_kinds_are_refused_in_one_line(runs, name):
    r = runs[name]["convert"]
    assert r.returncode == 1 and r.stdout == ""
    (line,) = _lines(r.stderr)
    assert line.startswith("aceskit: error: ") and REFUSED[name] in line
    assert line.count(str(runs[name]["src"])) == 1 and ".tmp" not in line
    assert not runs[name]["dst"].exists()
    assert not [p for p in runs[name]["folder"].iterdir() if p.name.startswith(".")]


def _layers(channels) -> list:
    """Color layers by the naming rule of docs/exr.md: a prefix with R, G, B, or with Y alone."""
    groups = {}
    for n in channels:
        prefix = n[: n.rfind(".") + 1]
        groups.setdefault(prefix, set()).add(n[len(prefix):])
    return [(p, "RGB" if {"R", "G", "B"} <= g else "Y") for p, g in groups.items() if {"R", "G", "B"} <= g or "Y" in g]


def _source(header) -> colour.RGB_Colourspace:
    """The input's space, decided here from the header alone: its chromaticities, else ACES2065-1."""
    c = header.get("chromaticities")
    if c is None:
        return colour.RGB_COLOURSPACES["ACES2065-1"]
    c = np.asarray(c, dtype=np.float64)
    return colour.RGB_Colourspace("file", c[:6].reshape(3, 2), c[6:], use_derived_matrix_RGB_to_XYZ=True,
                                  use_derived_matrix_XYZ_to_RGB=True)


@pytest.mark.parametrize("name", [f for f in FILES if f not in REFUSED])
def test_every_part_and_layer_converted_exactly(runs, name):
    r = runs[name]
    assert r["convert"].returncode == 0, r["convert"].stderr
    assert _lines(r["convert"].stdout) == [ln for ln in _lines(r["convert"].stdout) if ln.startswith(str(r["dst"]))]
    assert all(ln.startswith("aceskit: warning: ") for ln in _lines(r["convert"].stderr)), r["convert"].stderr
    src = OpenEXR.File(str(r["src"]), separate_channels=True)
    out = OpenEXR.File(str(r["dst"]), separate_channels=True)
    # output part 0 is the input's first color part; the others follow in their order
    first = next(i for i, p in enumerate(src.parts) if _layers(p.channels))
    order = [first] + [i for i in range(len(src.parts)) if i != first]
    assert len(out.parts) == len(src.parts)
    acescg = colour.RGB_COLOURSPACES["ACEScg"]
    space = _source(src.parts[0].header)
    converted = 0
    for o, i in zip(out.parts, order):
        sp, op = src.parts[i], o
        for key in ("view", "multiView"):
            assert op.header.get(key) == sp.header.get(key)
        layers = _layers(sp.channels)
        color = {p + c for p, kind in layers for c in kind}
        for n, ch in sp.channels.items():  # non-color channels and alpha: bit for bit
            if n not in color:
                np.testing.assert_array_equal(op.channels[n].pixels, ch.pixels, err_msg=f"{name} {n}")
        for prefix, kind in layers:
            rgb = np.stack([sp.channels[prefix + c].pixels for c in ("RGB" if kind == "RGB" else "YYY")], axis=-1)
            want = colour.RGB_to_RGB(rgb.astype(np.float64), space, acescg, chromatic_adaptation_transform="Bradford")
            got = np.stack([op.channels[prefix + c].pixels for c in "RGB"], axis=-1).astype(np.float64)
            assert op.channels[prefix + "R"].pixels.dtype == np.float16
            np.testing.assert_allclose(got, want, rtol=1e-3, atol=2e-5, err_msg=f"{name} layer {prefix!r}")
            converted += 1
        if layers:
            assert op.header["colorInteropID"] == "lin_ap1_scene"
    assert converted == sum(len(_layers(p.channels)) for p in src.parts) >= 1


@pytest.mark.parametrize("name", [f for f in FILES if f not in REFUSED])
def test_outputs_reopen_with_openimageio_and_promise_no_missing_levels(runs, name):
    """Every subimage and level the output's header announces is there and decodes."""
    src_in, out_in = oiio.ImageInput.open(str(runs[name]["src"])), oiio.ImageInput.open(str(runs[name]["dst"]))
    assert out_in, oiio.geterror()
    sub = 0
    while out_in.seek_subimage(sub, 0):
        level = 0
        while out_in.seek_subimage(sub, level):
            assert out_in.read_image() is not None, out_in.geterror()
            level += 1
        tiled_levels = src_in.seek_subimage(sub, 1)
        assert level == 1, "aceskit writes one level"
        if tiled_levels:  # the input was mip/rip-mapped: the output header must say one level
            tiles = OpenEXR.File(str(runs[name]["dst"]), header_only=True).parts[sub].header["tiles"]
            assert tiles.mode == OpenEXR.ONE_LEVEL
            assert "levels are not kept" in runs[name]["convert"].stderr
        sub += 1
    assert sub >= 1
    out_in.close()
    src_in.close()
    tool = Path(sys.executable).parent / "oiiotool"
    check = subprocess.run([str(tool), "--info", "-v", "--stats", str(runs[name]["dst"])], capture_output=True,
                           text=True)
    assert check.returncode == 0 and "error" not in (check.stdout + check.stderr).lower()
