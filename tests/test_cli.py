"""The command line: every subcommand through aceskit.cli.main, plus real console-script runs."""

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import PyOpenColorIO as ocio
import pytest

from aceskit import exr, rgc, testimage
from aceskit.cli import build_parser, main

ACESKIT = str(Path(sys.executable).with_name("aceskit"))
SUBCOMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)


def write(path, rgb, space="ACES2065-1", **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exr.write(path, rgb, space, **kw)
    return str(path)


@pytest.fixture
def plate(tmp_path):
    return write(tmp_path / "plate.exr", testimage.rgc_validation_image(64, 48), compression="zip")


def one_line_error(capsys, code, expected_code=2):
    err = capsys.readouterr().err.strip()
    assert code == expected_code, err
    assert err.startswith("aceskit: error: ") and "\n" not in err and "Traceback" not in err
    return err


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_help_shows_an_example(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert "example" in capsys.readouterr().out


def test_all_commands_are_registered():
    assert {"convert", "batch", "info", "amf", "compare"} <= set(SUBCOMMANDS)


def test_convert_then_compare_against_ocio(tmp_path, plate, capsys):
    out = tmp_path / "out.exr"
    assert main(["convert", plate, str(out), "--to", "ACEScg", "--rgc", "reference", "--compression", "zip"]) == 0
    assert "RGC reference" in capsys.readouterr().out
    # the aim: OpenColorIO's look + conversion on the same decoded input, written as float
    cfg = ocio.Config.CreateFromFile("ocio://studio-config-latest")
    g = ocio.GroupTransform()
    g.appendTransform(ocio.LookTransform(src="ACES2065-1", dst="ACES2065-1",
                                         looks="ACES 1.3 Reference Gamut Compression"))
    g.appendTransform(ocio.ColorSpaceTransform(src="ACES2065-1", dst="ACEScg"))
    px = np.ascontiguousarray(exr.read(plate).rgb, dtype=np.float32)
    cfg.getProcessor(g).getDefaultCPUProcessor().apply(ocio.PackedImageDesc(px, 64, 48, 3))
    aim = write(tmp_path / "aim.exr", px, "ACEScg", compression="zip", half=False)
    assert main(["compare", aim, str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[0].split()[0] == "0" and lines[1].split()[0] == "0"
    assert lines[2].split()[0] == str(64 * 48) and lines[2].endswith("within range")
    # without the RGC the same aim fails where the RGC acts
    assert main(["convert", plate, str(tmp_path / "plain.exr"), "--to", "ACEScg", "--compression", "zip"]) == 0
    capsys.readouterr()
    assert main(["compare", aim, str(tmp_path / "plain.exr")]) == 1
    above = int(capsys.readouterr().out.splitlines()[1].split()[0])
    assert above > 0


def test_compare_size_mismatch(tmp_path, plate, capsys):
    other = write(tmp_path / "o.exr", testimage.rgc_validation_image(80, 48))
    err = one_line_error(capsys, main(["compare", plate, other]), expected_code=1)
    assert "same size" in err


def test_info_json_against_independent_counts(tmp_path, capsys):
    img = testimage.rgc_validation_image(64, 48)
    img[0, 0] = (np.nan, 0.1, 0.2)
    img[0, 1] = (np.inf, 0.1, 0.2)
    path = write(tmp_path / "i.exr", img, compression="zip", half=False, nonfinite="keep")
    assert main(["info", path, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["colorspace"] == "ACES2065-1" and d["colorspace_source"] == "colorInteropID"
    assert d["stats"]["R"]["nan"] == 1 and d["stats"]["R"]["posinf"] == 1 and d["stats"]["G"]["nan"] == 0
    finite = np.isfinite(img)
    assert d["stats"]["G"]["max"] == pytest.approx(float(img[..., 1][finite[..., 1]].max()))
    assert d["header"]["colorInteropID"] == "lin_ap0_scene"
    # AP1 via OpenColorIO, thresholds from the published RGC distance definition
    cfg = ocio.Config.CreateFromFile("ocio://studio-config-latest")
    ap1 = np.ascontiguousarray(img, dtype=np.float32).copy()
    cfg.getProcessor("ACES2065-1", "ACEScg").getDefaultCPUProcessor().apply(ocio.PackedImageDesc(ap1, 64, 48, 3))
    ok = np.all(np.isfinite(ap1), axis=-1)
    n = 64 * 48

    def between(value, lo, hi):  # float32 (OCIO) and float64 (aceskit) may disagree on exact boundaries
        assert np.count_nonzero(lo) / n <= value <= np.count_nonzero(hi) / n

    between(d["outside_ap1"], ok & np.any(ap1 < -1e-6, axis=-1), ok & np.any(ap1 < 1e-6, axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        ach = ap1.max(axis=-1, keepdims=True)
        dist = np.where(ach == 0, 0.0, (ach - ap1) / np.abs(ach))
    for i, c in enumerate(("cyan", "magenta", "yellow")):
        t, lim = rgc.THRESHOLD[i], rgc.LIMIT[i]
        between(d["rgc_beyond_threshold"][c], dist[..., i] >= t + 1e-5, dist[..., i] >= t - 1e-5)
        between(d["rgc_beyond_limit"][c], dist[..., i] > lim + 1e-5, dist[..., i] > lim - 1e-5)
        assert d["rgc_beyond_threshold"][c] > d["rgc_beyond_limit"][c] > 0
    assert main(["info", path]) == 0
    text = capsys.readouterr().out
    assert "color space: ACES2065-1 (colorInteropID)" in text and "outside AP1" in text


def test_info_without_metadata_says_why(tmp_path, capsys):
    import OpenEXR
    path = tmp_path / "bare.exr"
    px = testimage.rgc_validation_image(64, 48).astype(np.float16)
    OpenEXR.File({"compression": OpenEXR.ZIP_COMPRESSION}, {"RGB": px}).write(str(path))
    assert main(["info", str(path), "--from", "ACEScg"]) == 0
    assert "color space: ACEScg (override)" in capsys.readouterr().out


@pytest.mark.parametrize("args, words", [
    (["--to", "NoSuchSpace"], "NoSuchSpace"),
    (["--to", "ACEScg", "--from", "Bogus"], "Bogus"),
    (["--to", "ACEScg", "--compression", "dwab:fast"], "--compression"),
    (["--to", "ACEScg", "--compression", "zip:4"], "--compression"),
    (["--to", "ACEScg", "--compression", "lzw"], "--compression must be one of"),
    (["--to", "ACEScg", "--rgc", "reference", "--power", "1.5"], "--rgc parametric"),
    (["--to", "ACEScg", "--rgc", "parametric", "--power", "7"], "Roll-off"),
    (["--to", "ACEScg", "--inverse"], "--inverse needs"),
    (["--to", "ACEScg", "--template", "Deliverable"], "--project"),
])
def test_convert_errors_are_one_sentence(tmp_path, plate, capsys, args, words):
    code = main(["convert", plate, str(tmp_path / "o.exr"), *args])
    err = one_line_error(capsys, code)
    assert words in err
    assert not (tmp_path / "o.exr").exists()


def test_convert_refuses_to_overwrite_and_missing_input(tmp_path, plate, capsys):
    before = Path(plate).read_bytes()
    err = one_line_error(capsys, main(["convert", plate, plate, "--to", "ACEScg"]))
    assert "never overwrites" in err and Path(plate).read_bytes() == before
    err = one_line_error(capsys, main(["convert", str(tmp_path / "nope.exr"), str(tmp_path / "o.exr"),
                                       "--to", "ACEScg"]), expected_code=1)
    assert "nope.exr" in err
    (tmp_path / "bad.exr").write_bytes(b"\x76\x2f\x31\x01garbage")
    err = one_line_error(capsys, main(["convert", str(tmp_path / "bad.exr"), str(tmp_path / "o.exr"),
                                       "--to", "ACEScg"]), expected_code=1)
    assert "bad.exr" in err


def test_parametric_warns_it_is_not_trackable(tmp_path, plate, capsys):
    code = main(["convert", plate, str(tmp_path / "p.exr"), "--to", "ACEScg", "--rgc", "parametric",
                 "--limit", "1.3", "1.3", "1.3"])
    assert code == 0 and "AMF" not in capsys.readouterr().err  # no AMF asked for: nothing to warn about
    assert main(["convert", plate, str(tmp_path / "p.exr"), "--to", "ACEScg", "--rgc", "parametric",
                 "--limit", "1.3", "1.3", "1.3", "--amf", "--overwrite"]) == 0
    assert "cannot be tracked in AMF" in capsys.readouterr().err


def test_batch_errors(tmp_path, plate, capsys):
    err = one_line_error(capsys, main(["batch", "a.exr", "b.####.exr", "--frames", "1-3", "--to", "ACEScg"]))
    assert "IN_PATTERN" in err
    err = one_line_error(capsys, main(["batch", "a.####.exr", "b.####.exr", "--frames", "3-1", "--to", "ACEScg"]))
    assert "--frames" in err
    err = one_line_error(capsys, main(["batch", "a.####.exr", "b.####.exr", "--frames", "1", "--to", "ACEScg",
                                       "--workers", "0"]))
    assert "--workers" in err


def test_console_script_runs(tmp_path, plate):
    out = tmp_path / "cli.exr"
    r = subprocess.run([ACESKIT, "convert", plate, str(out), "--to", "ACEScct", "--rgc", "reference"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert exr.read(out).colorspace == "ACEScct"
    r = subprocess.run([ACESKIT, "convert", plate, str(out), "--to", "Nowhere"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = subprocess.run([ACESKIT, "batch", "--help"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "example" in r.stdout


# -- AMF -------------------------------------------------------------------------------------------
def schema_errors(path):
    """Validate with xmlschema against the official AMF v2.0 XSD shipped with aceskit."""
    import xmlschema
    from aceskit import amf
    return list(xmlschema.XMLSchema(amf.schema_path()).iter_errors(str(path)))


def test_convert_amf_records_the_baked_rgc(tmp_path, plate, capsys):
    import xml.etree.ElementTree as ET
    out = tmp_path / "shot_acescg.exr"
    assert main(["convert", plate, str(out), "--to", "ACEScg", "--rgc", "reference", "--amf"]) == 0
    amf_path = tmp_path / "shot_acescg.amf"
    assert not schema_errors(amf_path)
    ns = {"aces": "urn:ampas:aces:amf:v2.0"}
    root = ET.parse(amf_path).getroot()
    looks = root.findall("aces:pipeline/aces:lookTransform", ns)
    assert looks[0].get("applied") == "true"
    assert looks[0].findtext("aces:transformId", namespaces=ns) == rgc.TRANSFORM_ID_ACES13
    assert root.findtext("aces:clipId/aces:file", namespaces=ns) == "shot_acescg.exr"
    capsys.readouterr()
    assert main(["amf", "validate", str(amf_path)]) == 0
    assert "valid AMF v2.0" in capsys.readouterr().out
    assert main(["amf", "show", str(amf_path)]) == 0
    shown = capsys.readouterr().out
    assert "applied=true" in shown and "(RGC)" in shown
    # no RGC, and a parametric RGC: the AMF does not list it
    for extra, name in ((["--rgc", "off"], "off.amf"),
                        (["--rgc", "parametric", "--power", "1.5"], "par.amf")):
        assert main(["convert", plate, str(tmp_path / "x.exr"), "--to", "ACEScg", *extra,
                     "--amf", str(tmp_path / name), "--overwrite"]) == 0
        assert not schema_errors(tmp_path / name)
        assert not ET.parse(tmp_path / name).getroot().findall("aces:pipeline/aces:lookTransform", ns)


def test_amf_validate_reports_errors(tmp_path, capsys):
    bad = tmp_path / "bad.amf"
    bad.write_text('<?xml version="1.0"?>\n<aces:acesMetadataFile xmlns:aces="urn:ampas:aces:amf:v2.0" '
                   'version="2.0"><aces:amfInfo/></aces:acesMetadataFile>\n')
    assert schema_errors(bad)  # the oracle agrees it is invalid
    assert main(["amf", "validate", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "invalid AMF" in captured.out and captured.err.strip()
    hostile = tmp_path / "xxe.amf"
    hostile.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                       '<aces:acesMetadataFile xmlns:aces="urn:ampas:aces:amf:v2.0">&e;</aces:acesMetadataFile>')
    assert main(["amf", "validate", str(hostile)]) == 1
    assert "DOCTYPE" in capsys.readouterr().err
    err = one_line_error(capsys, main(["amf", "show", str(hostile)]), expected_code=1)
    assert "DOCTYPE" in err


# -- project policy ----------------------------------------------------------------------------------
@pytest.mark.parametrize("project, clip, export, baked, applied", [
    # the guide's VFX pull: RGC on in the project, not baked, AMF tells downstream to apply it
    ({"aces_version": "1.3", "rgc": True}, "A001", ["--template", "VFX pull (EXR)"], False, "false"),
    # a deliverable follows the clip: baked, applied=true
    ({"aces_version": "1.3", "rgc": True}, "A001", ["--template", "Deliverable"], True, "true"),
    # the clip turns it off: not baked, not viewed either -> not listed
    ({"aces_version": "1.3", "rgc": True, "clips": {"A001": "off"}}, "A001", ["--template", "Deliverable"],
     False, None),
    ({"aces_version": "1.3", "rgc": False}, "A001", ["--export-mode", "force_on"], True, "true"),
    # ACES 2.0 project: the ACES 2.0 transform ID
    ({"aces_version": "2.0", "rgc": True}, "B002", ["--export-mode", "follow_project"], True, "true"),
])
def test_project_policy_decides_baking_and_amf(tmp_path, plate, capsys, project, clip, export, baked, applied):
    import xml.etree.ElementTree as ET
    proj = tmp_path / "show.json"
    proj.write_text(json.dumps(project))
    out = tmp_path / f"{clip}.exr"
    assert main(["convert", plate, str(out), "--to", "ACEScg", "--project", str(proj), "--clip", clip,
                 *export, "--amf", "--compression", "zip", "--float"]) == 0
    plain = tmp_path / "plain.exr"
    assert main(["convert", plate, str(plain), "--to", "ACEScg", "--compression", "zip", "--float"]) == 0
    differs = not np.array_equal(exr.read(out).rgb, exr.read(plain).rgb)
    assert differs == baked
    assert not schema_errors(tmp_path / f"{clip}.amf")
    ns = {"aces": "urn:ampas:aces:amf:v2.0"}
    root = ET.parse(tmp_path / f"{clip}.amf").getroot()
    looks = root.findall("aces:pipeline/aces:lookTransform", ns)
    assert (looks[0].get("applied") if looks else None) == applied
    if looks:
        want = rgc.TRANSFORM_ID_ACES20 if project["aces_version"] == "2.0" else rgc.TRANSFORM_ID_ACES13
        assert looks[0].findtext("aces:transformId", namespaces=ns) == want
    assert root.findtext("aces:clipId/aces:clipName", namespaces=ns) == clip


def test_project_errors(tmp_path, plate, capsys):
    proj = tmp_path / "show.json"
    proj.write_text(json.dumps({"aces_version": "1.3", "rgc": True}))
    base = ["convert", plate, str(tmp_path / "o.exr"), "--to", "ACEScg", "--project", str(proj)]
    err = one_line_error(capsys, main(base + ["--template", "Proxy"]))
    assert "--template must be one of" in err
    err = one_line_error(capsys, main(base + ["--export-mode", "sometimes"]))
    assert "export mode must be one of" in err
    err = one_line_error(capsys, main(base + ["--rgc", "off", "--template", "Deliverable"]))
    assert "contradicts the project policy" in err
    (tmp_path / "broken.json").write_text("{not json")
    err = one_line_error(capsys, main(["convert", plate, str(tmp_path / "o.exr"), "--to", "ACEScg",
                                       "--project", str(tmp_path / "broken.json")]))
    assert "not valid JSON" in err


def test_unwritable_outputs_are_one_sentence(tmp_path, plate, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    pattern = str(tmp_path / "plate.####.exr")
    Path(plate).rename(tmp_path / "plate.0001.exr")
    for extra in (["--report", str(blocker / "r.json")], ["--emit-openjd", str(blocker / "job.yaml")]):
        err = one_line_error(capsys, main(["batch", pattern, str(tmp_path / "o/o.####.exr"), "--frames", "1",
                                           "--to", "ACEScg", "--quiet", *extra]), expected_code=1)
        assert str(blocker) in err
    err = one_line_error(capsys, main(["batch", pattern, str(blocker / "o.####.exr"), "--frames", "1",
                                       "--to", "ACEScg", "--quiet"]), expected_code=1)
    assert "cannot create the folder" in err and "a file is in the way" in err


# -- one exit-code table for every command (docs/cli.md) ----------------------------------------------
def _exit_code(argv):
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's usage errors
        return exc.code


@pytest.fixture
def files(tmp_path, plate):
    """A plate, a two-frame sequence with frame 2 corrupt, and a valid AMF."""
    seq = tmp_path / "seq"
    seq.mkdir()
    Path(write(seq / "s.0001.exr", testimage.rgc_validation_image(64, 48), compression="zip"))
    (seq / "s.0002.exr").write_bytes(b"\x76\x2f\x31\x01broken")
    assert main(["convert", plate, str(tmp_path / "a.exr"), "--to", "ACEScg", "--amf", str(tmp_path / "a.amf")]) == 0
    return {"plate": plate, "seq": str(seq / "s.####.exr"), "amf": str(tmp_path / "a.amf"), "tmp": tmp_path,
            "missing": str(tmp_path / "missing.exr")}


TABLE = {  # command: (ok, failed, usage) invocations; {name} is filled from the files fixture
    "convert": (["convert", "{plate}", "{tmp}/o.exr", "--to", "ACEScg"],
                ["convert", "{missing}", "{tmp}/o.exr", "--to", "ACEScg"],
                ["convert", "{plate}", "{tmp}/o.exr", "--to", "ACEScgg"]),
    "batch": (["batch", "{seq}", "{tmp}/b/o.####.exr", "--frames", "1", "--to", "ACEScg", "--quiet"],
              ["batch", "{tmp}/none.####.exr", "{tmp}/b/o.####.exr", "--to", "ACEScg", "--quiet"],
              ["batch", "{seq}", "{tmp}/b/o.####.exr", "--to", "ACEScg", "--workers", "0"]),
    "info": (["info", "{plate}"], ["info", "{missing}"], ["info", "{plate}", "--from", "Bogus"]),
    "compare": (["compare", "{plate}", "{plate}"], ["compare", "{plate}", "{missing}"],
                ["compare", "{plate}", "{plate}", "--tol", "tight"]),
    "amf": (["amf", "validate", "{amf}"], ["amf", "show", "{tmp}/missing.amf"], ["amf", "shout", "{amf}"]),
    "spaces": (["spaces", "ACEScg"], ["spaces", "no-such-space-anywhere"], ["spaces", "--bogus"]),
    "ocio-config": (["ocio-config", "{tmp}/c.ocio"], ["ocio-config", "{plate}/c.ocio"], ["ocio-config", "{tmp}/c.txt"]),
    "preview": (["preview", "{plate}", "{tmp}/p.png"], ["preview", "{missing}", "{tmp}/p.png"],
                ["preview", "{plate}", "{tmp}/p.png", "--threads", "0"]),
    "plot": (["plot", "{plate}", "{tmp}/g.png", "--kind", "falsecolor", "--width", "400", "--height", "300"],
             ["plot", "{missing}", "{tmp}/g.png"], ["plot", "{plate}", "{tmp}/g.png", "--from", "Bogus"]),
    "install": (["install", "nuke", "--dest", "{tmp}/nuke/aceskit", "--home", "{tmp}"],
                ["install", "nuke", "--home", "{tmp}/no-home"], ["install", "houdini"]),
    "demo": (None, ["demo", "{plate}"], ["demo", "{tmp}/d", "--frames", "many"]),
}


def test_the_table_covers_every_command():
    assert set(TABLE) == set(SUBCOMMANDS)


@pytest.mark.parametrize("command, expected", [(c, e) for c in sorted(TABLE) for e in (0, 1, 2)
                                               if TABLE[c][e] is not None])  # demo's 0: its own test
def test_exit_codes_are_the_same_for_every_command(files, capsys, command, expected):
    argv = TABLE[command][expected]
    code = _exit_code([a.format(**files) for a in argv])
    err = capsys.readouterr().err
    assert code == expected, err
    if expected:
        assert "Traceback" not in err and err.strip()


def test_install_blender_replaces_a_zip_only_with_overwrite(tmp_path, capsys):
    """Refused before the wheel is built: an existing --zip without --overwrite, a folder with it."""
    def error(argv):
        code, err = main(["install", "blender", "--build-only", *argv]), capsys.readouterr().err.strip()
        assert code == 1 and err.startswith("aceskit install blender: ") and "\n" not in err, err
        return err
    old = tmp_path / "aceskit.zip"
    old.write_bytes(b"an older build")
    assert f"--zip {old} exists; pass --overwrite" in error(["--zip", str(old)])
    assert old.read_bytes() == b"an older build"
    (tmp_path / "folder.zip").mkdir()
    assert "is a folder" in error(["--overwrite", "--zip", str(tmp_path / "folder.zip")])
    assert (tmp_path / "folder.zip").is_dir()


def test_exit_code_partial_batch(files, capsys):
    code = main(["batch", files["seq"], str(files["tmp"] / "p/o.####.exr"), "--to", "ACEScg", "--quiet"])
    assert code == 3 and "frame 2 failed" in capsys.readouterr().err


def test_demo_explains_its_metric_and_runs_again(tmp_path, capsys):
    args = ["demo", str(tmp_path / "d"), "--frames", "2", "--width", "64", "--height", "40"]
    assert main(args) == 0
    out = capsys.readouterr().out
    block = out[out.index("< 0,0,0"):]
    explained = block.splitlines()[3]
    assert "0.002" in explained and "0.1" in explained and "within" in explained and "pass" in explained
    assert main(args) == 0  # its own earlier outputs do not stop it


def test_default_compression_is_the_inputs_and_deliverable_is_dwab45(tmp_path, plate, capsys):
    import OpenEXR

    def codec(path):
        h = OpenEXR.File(str(path), header_only=True).header()
        return h["compression"], h.get("dwaCompressionLevel")
    assert main(["convert", plate, str(tmp_path / "z.exr"), "--to", "ACEScg"]) == 0  # the plate is ZIP
    assert codec(tmp_path / "z.exr") == (OpenEXR.ZIP_COMPRESSION, None)
    dwaa = write(tmp_path / "dwaa.exr", testimage.rgc_validation_image(64, 48), compression="dwaa:90")
    assert main(["convert", dwaa, str(tmp_path / "a.exr"), "--to", "ACEScg"]) == 0
    assert codec(tmp_path / "a.exr") == (OpenEXR.DWAA_COMPRESSION, 90.0)
    assert main(["convert", dwaa, str(tmp_path / "p.exr"), "--to", "ACEScg", "--compression", "piz"]) == 0
    assert codec(tmp_path / "p.exr") == (OpenEXR.PIZ_COMPRESSION, None)
    proj = tmp_path / "show.json"
    proj.write_text(json.dumps({"aces_version": "1.3", "rgc": True}))
    assert main(["convert", plate, str(tmp_path / "d.exr"), "--to", "ACEScg", "--project", str(proj),
                 "--template", "Deliverable"]) == 0
    assert codec(tmp_path / "d.exr") == (OpenEXR.DWAB_COMPRESSION, 45.0)
    assert main(["convert", plate, str(tmp_path / "v.exr"), "--to", "ACEScg", "--project", str(proj),
                 "--template", "VFX pull (EXR)"]) == 0
    assert codec(tmp_path / "v.exr") == (OpenEXR.ZIP_COMPRESSION, None)
