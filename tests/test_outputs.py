"""Outputs are protected the same way by every command that writes: no folder, device, FIFO or
socket is ever replaced, an existing file only with --overwrite, the extension fits the format,
and every output is checked before any work (nothing partial is left)."""

import os
import stat
import warnings
from pathlib import Path

import pytest

from aceskit import exr, fileio, testimage
from aceskit.cli import main


@pytest.fixture
def plate(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exr.write(tmp_path / "plate.0001.exr", testimage.rgc_validation_image(64, 48), "ACES2065-1",
                  compression="zip")
    return str(tmp_path / "plate.0001.exr")


def _convert(plate, out):
    return ["convert", plate, str(out), "--to", "ACEScg"]


def _batch(plate, out):
    return ["batch", plate.replace("0001", "####"), str(out).replace("0001", "####"), "--frames", "1",
            "--to", "ACEScg", "--quiet"]


def _ocio(plate, out):
    return ["ocio-config", str(out)]


def _preview(plate, out):
    return ["preview", plate, str(out)]


def _plot(plate, out):
    return ["plot", plate, str(out), "--kind", "falsecolor", "--width", "400", "--height", "300"]


# (invocation, output name); batch's output is frame 1 of its pattern
WRITERS = [(_convert, "o.exr"), (_batch, "o.0001.exr"), (_ocio, "c.ocio"), (_preview, "p.png"), (_plot, "g.png")]
IDS = [w[0].__name__.strip("_") for w in WRITERS]


def error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    errors = [e for e in err if e.startswith("aceskit: error: ")]
    assert len(errors) == 1 and "Traceback" not in "\n".join(err), err
    return errors[0]


@pytest.mark.parametrize("command, name", WRITERS, ids=IDS)
def test_an_existing_file_is_replaced_only_with_overwrite(tmp_path, plate, capsys, command, name):
    out = tmp_path / "out" / name
    out.parent.mkdir()
    out.write_bytes(b"keep me")
    assert main(command(plate, out)) == 1
    err = error_line(capsys)
    assert str(out) in err and "--overwrite" in err
    assert out.read_bytes() == b"keep me" and os.listdir(out.parent) == [name]
    assert main([*command(plate, out), "--overwrite"]) == 0
    assert out.read_bytes() != b"keep me" and out.stat().st_size > 100


@pytest.mark.parametrize("command, name", WRITERS, ids=IDS)
@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_fifo_or_folder_is_never_replaced_even_with_overwrite(tmp_path, plate, capsys, command, name, kind):
    """aceskit runs as root here: permissions would not stop it, only its own check does."""
    out = tmp_path / "out" / name
    out.parent.mkdir()
    os.mkfifo(out) if kind == "fifo" else out.mkdir()
    for extra in ([], ["--overwrite"]):
        assert main([*command(plate, out), *extra]) == 1
        err = error_line(capsys)
        assert str(out) in err and ("a FIFO" if kind == "fifo" else "a folder") in err
        assert ".tmp" not in err
    mode = os.stat(out).st_mode
    assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISDIR(mode)
    assert os.listdir(out.parent) == [name]


@pytest.mark.parametrize("command, name, wrong", [(_convert, "o.exr", "o.png"), (_batch, "o.0001.exr", "o.0001.tif"),
                                                  (_ocio, "c.ocio", "c.yaml"), (_preview, "p.png", "p.exr"),
                                                  (_plot, "g.png", "g.jpg")], ids=IDS)
def test_the_extension_must_fit_the_format(tmp_path, plate, capsys, command, name, wrong):
    assert main(command(plate, tmp_path / wrong)) == 2
    err = error_line(capsys)
    assert wrong.split(".")[0] in err and Path(name).suffix in err
    assert sorted(os.listdir(tmp_path)) == ["plate.0001.exr"]


def test_convert_into_a_folder_names_the_folder_not_a_temporary(tmp_path, plate, capsys):
    assert main(["convert", plate, str(tmp_path), "--to", "ACEScg"]) == 2
    err = error_line(capsys)
    assert str(tmp_path) in err and ".exr" in err and "/." not in err
    (tmp_path / "dir.exr").mkdir()
    assert main(["convert", plate, str(tmp_path / "dir.exr"), "--to", "ACEScg"]) == 1
    err = error_line(capsys)
    assert "dir.exr is a folder" in err and "/." not in err


@pytest.mark.parametrize("amf, reason", [("folder.amf", "a folder"), ("exists.amf", "--overwrite"),
                                         ("x.txt", ".amf"), ("blocker/x.amf", "a file is in the way")])
def test_a_bad_amf_path_fails_before_the_exr_is_written(tmp_path, plate, capsys, amf, reason):
    (tmp_path / "folder.amf").mkdir()
    (tmp_path / "exists.amf").write_text("old")
    (tmp_path / "blocker").write_text("a file where a folder should be")
    out = tmp_path / "o.exr"
    assert main(["convert", plate, str(out), "--to", "ACEScg", "--amf", str(tmp_path / amf)]) in (1, 2)
    assert reason in error_line(capsys)
    assert not out.exists() and (tmp_path / "exists.amf").read_text() == "old"
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]


def test_every_writer_creates_the_folders_it_needs(tmp_path, plate, capsys):
    for i, (command, name) in enumerate(WRITERS):
        out = tmp_path / f"new{i}" / "deeper" / name
        assert main(command(plate, out)) == 0, capsys.readouterr().err
        assert out.is_file()
    amf = tmp_path / "nowhere" / "x.amf"
    assert main(["convert", plate, str(tmp_path / "a.exr"), "--to", "ACEScg", "--amf", str(amf)]) == 0
    assert amf.is_file()
    report = tmp_path / "reports" / "r.json"
    assert main([*_batch(plate, tmp_path / "b" / "o.0001.exr"), "--report", str(report)]) == 0
    assert report.is_file()


def test_batch_checks_report_and_amf_before_any_frame(tmp_path, plate, capsys):
    (tmp_path / "r.json").write_text("{}")
    args = _batch(plate, tmp_path / "out" / "o.0001.exr")
    assert main([*args, "--report", str(tmp_path / "r.json")]) == 1
    assert "r.json" in error_line(capsys)
    (tmp_path / "s.amf").mkdir()
    assert main([*args, "--amf", str(tmp_path / "s.amf")]) == 1
    assert "a folder" in error_line(capsys)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_prepare_output_refuses_a_socket(tmp_path):
    import socket
    path = tmp_path / "s.exr"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        with pytest.raises(fileio.OutputError, match="a socket"):
            fileio.prepare_output(path, overwrite=True)
        with pytest.raises(fileio.OutputError, match="a socket"):
            fileio.write_text(path, "x")
    assert stat.S_ISSOCK(os.stat(path).st_mode)
