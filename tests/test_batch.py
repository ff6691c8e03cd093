"""Sequences: frame specs, patterns, the local pool, Dask, OpenJD templates, reports, kill and resume."""

import io
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml

from aceskit import batch, exr, testimage
from aceskit.cli import main
from aceskit.pipeline import Job

ACESKIT = str(Path(sys.executable).with_name("aceskit"))


def make_sequence(folder, frames, w=64, h=48):
    folder.mkdir(parents=True, exist_ok=True)
    base = testimage.rgc_validation_image(w, h)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in frames:
            exr.write(folder / f"plate.{f:04d}.exr", base * (1.0 + 0.05 * (f % 7)), "ACES2065-1", compression="zip")
    return str(folder / "plate.####.exr")


# -- frame specs and patterns --------------------------------------------------------------------
@pytest.mark.parametrize("spec, frames", [
    ("1001-1005", [1001, 1002, 1003, 1004, 1005]),
    ("1-10x2", [1, 3, 5, 7, 9]),
    ("1,3,5-7", [1, 3, 5, 6, 7]),
    ("7", [7]),
    ("3,1,3", [3, 1]),
    ("-2-1", [-2, -1, 0, 1]),
])
def test_parse_frames(spec, frames):
    assert batch.parse_frames(spec) == frames


@pytest.mark.parametrize("spec", ["", "a-b", "10-1", "1-10x0", "1-5,", "1..5", "0-2000000"])
def test_parse_frames_rejects(spec):
    with pytest.raises(ValueError, match="--frames"):
        batch.parse_frames(spec)


def test_format_frames_round_trips():
    for frames in ([1, 2, 3, 7, 9, 10], [5], list(range(1001, 1101))):
        assert batch.parse_frames(batch.format_frames(frames)) == frames
    assert batch.format_frames([1, 2, 3, 7, 9, 10]) == "1-3,7,9-10"


def test_patterns():
    assert batch.frame_path("a/shot.####.exr", 7) == "a/shot.0007.exr"
    assert batch.frame_path("shot.%04d.exr", 1001) == "shot.1001.exr"
    assert batch.frame_path("shot.%d.exr", 12) == "shot.12.exr"
    assert batch.frame_path("shot.#.exr", 12) == "shot.12.exr"
    assert batch.hash_pattern("out/shot.%04d.exr") == "out/shot.####.exr"
    for bad in ("shot.exr", "shot.####.%04d.exr"):
        with pytest.raises(ValueError, match="exactly one frame number token"):
            batch.check_pattern(bad, "IN_PATTERN")
    assert batch.chunks([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]


def test_plan_refuses_outputs_that_are_inputs(tmp_path):
    pattern = make_sequence(tmp_path, [1, 2])
    with pytest.raises(ValueError, match="never overwrites"):
        batch.plan_tasks(pattern, str(tmp_path / "plate.%04d.exr"), [1, 2])
    # frame 1's output p.11.exr is frame 11's input
    with pytest.raises(ValueError, match="one of the input frames"):
        batch.plan_tasks(str(tmp_path / "p.%d.exr"), str(tmp_path / "p.1%d.exr"), [1, 11])


# -- running -------------------------------------------------------------------------------------
def test_local_pool_matches_serial_frames(tmp_path):
    pattern = make_sequence(tmp_path / "in", range(1, 7))
    job = Job(dst="ACEScg", rgc="reference")
    tasks, _ = batch.plan_tasks(pattern, str(tmp_path / "pool/o.####.exr"), list(range(1, 7)))
    (tmp_path / "pool").mkdir()
    done = []
    reports = batch.run(tasks, job, workers=2, on_done=done.append)
    assert [r["frame"] for r in reports] == list(range(1, 7)) and len(done) == 6
    assert all(r["status"] == "ok" for r in reports)
    serial = tmp_path / "serial.exr"
    from aceskit.pipeline import process_frame
    process_frame(tasks[3].src, str(serial), job)
    assert np.array_equal(exr.read(serial).pixels, exr.read(tasks[3].dst).pixels)


def test_dask_local_cluster_runs_the_same_work_units(tmp_path):
    pattern = make_sequence(tmp_path / "in", range(1, 5))
    job = Job(dst="ACEScct", rgc="reference")
    (tmp_path / "d").mkdir()
    (tmp_path / "l").mkdir()
    tasks, _ = batch.plan_tasks(pattern, str(tmp_path / "d/o.####.exr"), [1, 2, 3, 4])
    reports = batch.run_dask(tasks, job, "local", workers=2, processes=False)
    assert sorted(r["frame"] for r in reports) == [1, 2, 3, 4]
    assert all(r["status"] == "ok" for r in reports)
    local, _ = batch.plan_tasks(pattern, str(tmp_path / "l/o.####.exr"), [1, 2, 3, 4])
    batch.run(local, job, workers=1)
    for t, u in zip(tasks, local):
        assert np.array_equal(exr.read(t.dst).pixels, exr.read(u.dst).pixels)


def test_dask_errors_are_one_sentence(tmp_path, monkeypatch):
    tasks = [batch.Task(1, "a.exr", str(tmp_path / "b.exr"))]
    with pytest.raises(batch.BatchError, match="cannot reach the Dask scheduler"):
        batch.run_dask(tasks, Job(dst="ACEScg"), "tcp://127.0.0.1:9", timeout=1)
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask were not installed
    with pytest.raises(batch.BatchError, match=r"pip install 'aceskit\[dask\]'"):
        batch.run_dask(tasks, Job(dst="ACEScg"), "local")


def test_corrupt_and_missing_frames_are_reported_and_the_rest_complete(tmp_path, capsys):
    pattern = make_sequence(tmp_path / "in", [1, 2, 4, 5, 6])
    data = (tmp_path / "in/plate.0004.exr").read_bytes()
    (tmp_path / "in/plate.0004.exr").write_bytes(data[: len(data) * 2 // 3])  # truncated
    report = tmp_path / "out/report.json"
    code = main(["batch", pattern, str(tmp_path / "out/o.%04d.exr"), "--frames", "1-6", "--to", "ACEScg",
                 "--rgc", "reference", "--report", str(report), "--workers", "2"])
    assert code == 3
    err = capsys.readouterr().err
    assert "frame 3 failed" in err and "frame 4 failed" in err and "Traceback" not in err
    done = sorted(p.name for p in (tmp_path / "out").glob("o.*.exr"))
    assert done == ["o.0001.exr", "o.0002.exr", "o.0005.exr", "o.0006.exr"]
    data = json.loads(report.read_text())
    assert data["summary"]["failed_frames"] == [3, 4] and data["summary"]["ok"] == 4
    by = {r["frame"]: r for r in data["frames"]}
    assert "not found" in by[3]["error"] and "truncated or corrupt" in by[4]["error"]
    ok = by[1]
    for key in ("seconds", "nan", "posinf", "neginf", "clamped", "rgc_changed", "pixels", "from", "to"):
        assert key in ok
    assert ok["rgc_changed"] > 0 and ok["pixels"] == 64 * 48


def test_skip_existing_resumes(tmp_path):
    pattern = make_sequence(tmp_path / "in", range(1, 5))
    out = str(tmp_path / "out/o.####.exr")
    assert main(["batch", pattern, out, "--frames", "1-2", "--to", "ACEScg", "--quiet"]) == 0
    stamp = os.path.getmtime(tmp_path / "out/o.0001.exr")
    (tmp_path / "out/o.0002.exr").write_bytes(b"half a file")  # not an EXR: redone
    report = tmp_path / "r.json"
    assert main(["batch", pattern, out, "--frames", "1-4", "--to", "ACEScg", "--skip-existing", "--quiet",
                 "--report", str(report)]) == 0
    frames = json.loads(report.read_text())["frames"]
    assert [r["status"] for r in frames] == ["skipped", "ok", "ok", "ok"]
    assert os.path.getmtime(tmp_path / "out/o.0001.exr") == stamp
    assert exr.read(tmp_path / "out/o.0002.exr").colorspace == "ACEScg"


def test_killed_run_leaves_whole_frames_and_resumes(tmp_path):
    pattern = make_sequence(tmp_path / "in", range(1, 25), w=640, h=360)
    out = tmp_path / "out"
    args = [ACESKIT, "batch", pattern, str(out / "o.####.exr"), "--frames", "1-24", "--to", "ACEScg",
            "--rgc", "reference", "--workers", "1"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("o.*.exr"))) < 3:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    written = sorted(out.glob("o.*.exr"))
    assert 3 <= len(written) < 24, "the run was not interrupted mid-sequence"
    for p in written:  # every visible frame is whole
        img = exr.read(p)
        assert img.rgb.shape == (360, 640, 3) and np.isfinite(img.rgb).all()
    assert not [p for p in out.iterdir() if p.name.startswith("o.") and p not in written]
    done = subprocess.run([*args, "--skip-existing"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{len(written)} skipped" in done.stdout
    assert len(list(out.glob("o.*.exr"))) == 24
    for p in out.iterdir():  # left-over temporaries never look like frames
        assert p.name.startswith(".") or p.name.startswith("o.")


# -- progress, farm templates --------------------------------------------------------------------
class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_and_plain_lines():
    plain = io.StringIO()
    p = batch.Progress(2, stream=plain)
    p.update({"frame": 1, "status": "ok"})
    p.update({"frame": 2, "status": "failed", "error": "boom"})
    lines = plain.getvalue().splitlines()
    assert len(lines) == 2 and "frames/s" in lines[0] and "ETA" in lines[0] and "boom" in lines[1]
    tty = _Tty()
    p = batch.Progress(2, stream=tty)
    p.update({"frame": 1, "status": "ok"})
    assert tty.getvalue().startswith("\r[") and "1/2 frames" in tty.getvalue()


def test_openjd_template_validates_and_its_tasks_run(tmp_path):
    from openjd.model import create_job, decode_job_template
    pattern = make_sequence(tmp_path / "in", range(1001, 1008))
    job_file = tmp_path / "job.yaml"
    assert main(["batch", pattern, str(tmp_path / "out/o.####.exr"), "--frames", "1001-1007", "--to", "ACEScg",
                 "--rgc", "reference", "--chunk", "3", "--emit-openjd", str(job_file),
                 "--amf", str(tmp_path / "out/shot.amf")]) == 0
    template = yaml.safe_load(job_file.read_text())
    job = create_job(job_template=decode_job_template(template=template), job_parameter_values={})
    convert, track = job.steps
    specs = convert.parameterSpace.taskParameterDefinitions["Frames"].range
    assert specs == ["1001-1003", "1004-1006", "1007"]
    assert track.dependencies[0].dependsOn == "Convert"
    args = template["steps"][0]["script"]["actions"]["onRun"]["args"]
    assert args[0] == "batch" and "{{Task.Param.Frames}}" in args and "--skip-existing" in args
    assert not (tmp_path / "out").exists()  # emitting runs nothing
    # run the farm's second task as a worker would
    task = [specs[1] if a == "{{Task.Param.Frames}}" else a for a in args]
    assert main(task + ["--quiet"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.exr")) == ["o.1004.exr", "o.1005.exr", "o.1006.exr"]
    # the other tasks, then the Track step: every frame is skipped, the sequence AMF is written
    for spec in (specs[0], specs[2]):
        assert main([spec if a == "{{Task.Param.Frames}}" else a for a in args] + ["--quiet"]) == 0
    track_args = template["steps"][1]["script"]["actions"]["onRun"]["args"]
    assert main(track_args + ["--quiet"]) == 0
    import xmlschema
    from aceskit import amf
    assert xmlschema.XMLSchema(amf.schema_path()).is_valid(str(tmp_path / "out/shot.amf"))
    doc = amf.read(tmp_path / "out/shot.amf")
    assert doc.rgc_applied is True and doc.clip["sequence"] == ("o.####.exr", "#", 1001, 1007)


def test_sequence_amf_and_per_frame_amfs(tmp_path):
    import xml.etree.ElementTree as ET
    import xmlschema
    from aceskit import amf
    schema = xmlschema.XMLSchema(amf.schema_path())
    ns = {"aces": "urn:ampas:aces:amf:v2.0"}
    pattern = make_sequence(tmp_path / "in", range(1001, 1005))
    out = str(tmp_path / "out/shot_acescg.%04d.exr")
    assert main(["batch", pattern, out, "--frames", "1001-1004", "--to", "ACEScg", "--rgc", "reference",
                 "--quiet", "--amf", str(tmp_path / "out/shot.amf")]) == 0
    assert schema.is_valid(str(tmp_path / "out/shot.amf"))
    seq = ET.parse(tmp_path / "out/shot.amf").getroot().find("aces:clipId/aces:sequence", ns)
    assert (seq.text, seq.get("idx"), seq.get("min"), seq.get("max")) == ("shot_acescg.####.exr", "#", "1001", "1004")
    assert main(["batch", pattern, str(tmp_path / "pf/f.####.exr"), "--frames", "1001-1002", "--to", "ACEScg",
                 "--quiet", "--amf-per-frame"]) == 0
    amfs = sorted(p.name for p in (tmp_path / "pf").glob("*.amf"))
    assert amfs == ["f.1001.amf", "f.1002.amf"]
    root = ET.parse(tmp_path / "pf/f.1001.amf").getroot()
    assert schema.is_valid(str(tmp_path / "pf/f.1001.amf"))
    assert root.findtext("aces:clipId/aces:file", namespaces=ns) == "f.1001.exr"


def test_cli_scheduler_local_starts_a_local_cluster(tmp_path, capsys):
    pattern = make_sequence(tmp_path / "in", range(1, 4))
    assert main(["batch", pattern, str(tmp_path / "out/o.####.exr"), "--frames", "1-3", "--to", "ACEScg",
                 "--rgc", "reference", "--scheduler", "local", "--workers", "2", "--quiet"]) == 0
    assert "3 frames: 3 converted" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "out").glob("*.exr")) == ["o.0001.exr", "o.0002.exr", "o.0003.exr"]


def test_a_dying_worker_fails_its_frame_not_the_run(tmp_path):
    """A worker killed under a frame (as by a decoder crash or the OOM killer) is reported as that frame."""
    pattern = make_sequence(tmp_path / "in", [1, 2])
    tasks, _ = batch.plan_tasks(pattern, str(tmp_path / "o.####.exr"), [1, 2])
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        fut = pool.submit(os._exit, 1)
        report = batch._result(fut, tasks[0])
    assert report["status"] == "failed" and "worker process failed" in report["error"]
    assert report["frame"] == 1


# -- truthful --skip-existing, sequence AMFs, frame discovery -------------------------------------
def test_skip_existing_keeps_only_frames_written_with_the_same_settings(tmp_path, capsys):
    """The issue's case: re-running with other settings must not skip ACEScg+RGC frames nor relabel them."""
    from aceskit import amf
    pattern = make_sequence(tmp_path / "in", range(1, 9))
    out = str(tmp_path / "out/o.####.exr")
    seq_amf = str(tmp_path / "out/shot.amf")
    first = ["batch", pattern, out, "--to", "ACEScg", "--rgc", "reference", "--quiet", "--amf", seq_amf]
    assert main(first) == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("o.*.exr")}
    capsys.readouterr()
    other = ["batch", pattern, out, "--to", "ACEScct", "--rgc", "off", "--quiet", "--skip-existing",
             "--amf", seq_amf, "--overwrite"]
    assert main(other[:-1]) == 1  # without --overwrite: refused, listing the frames, before any work
    err = capsys.readouterr().err
    assert "8 existing output frames (1-8)" in err and "not written with these settings" in err
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("o.*.exr")} == stamps
    assert amf.read(seq_amf).rgc_applied is True
    assert main(other) == 0  # with --overwrite: redone, and the AMF describes what is there now
    assert "8 converted, 0 skipped" in capsys.readouterr().out
    assert {exr.read(p).colorspace for p in (tmp_path / "out").glob("o.*.exr")} == {"ACEScct"}
    doc = amf.read(seq_amf)
    assert doc.rgc_look() is None and doc.clip["sequence"][2:] == (1, 8)
    # the same settings again: everything is skipped
    assert main(other) == 0
    assert "8 skipped" in capsys.readouterr().out


def test_skip_existing_treats_a_foreign_exr_as_different(tmp_path, capsys):
    pattern = make_sequence(tmp_path / "in", [1, 2])
    make_sequence(tmp_path / "out", [2])  # an EXR aceskit did not write (no recorded job)
    code = main(["batch", pattern, str(tmp_path / "out/plate.####.exr"), "--to", "ACEScg", "--skip-existing",
                 "--quiet"])
    assert code == 1 and "(2)" in capsys.readouterr().err


def test_existing_outputs_need_overwrite_or_skip_existing(tmp_path, capsys):
    pattern = make_sequence(tmp_path / "in", [1, 2, 3])
    out = str(tmp_path / "out/o.####.exr")
    assert main(["batch", pattern, out, "--frames", "2", "--to", "ACEScg", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["batch", pattern, out, "--to", "ACEScg", "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 1 and "o.0002.exr exists" in err and "--overwrite" in err  # found-line + error
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["o.0002.exr"]


def test_a_sequence_amf_refuses_frames_in_different_spaces(tmp_path, capsys):
    pattern = make_sequence(tmp_path / "in", [1, 2, 3])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exr.write(tmp_path / "in/plate.0003.exr", testimage.rgc_validation_image(64, 48), "ACEScg", compression="zip")
    code = main(["batch", pattern, str(tmp_path / "out/o.####.exr"), "--to", "ACEScct", "--quiet",
                 "--amf", str(tmp_path / "out/s.amf")])
    err = capsys.readouterr().err
    assert code == 1 and "ACES2065-1: frames 1-2" in err and "ACEScg: frames 3" in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*"))


def test_batch_without_frames_finds_them_and_says_so(tmp_path, capsys):
    pattern = make_sequence(tmp_path / "in", [1001, 1002, 1003, 1005, 1009, 1010])
    (tmp_path / "in/plate.1004.exr.bak").write_text("not a frame")
    (tmp_path / "in/plate.10x6.exr").write_text("not a frame")
    (tmp_path / "in/plate.123.exr").write_text("not this pattern's padding")
    assert batch.find_frames(pattern) == [1001, 1002, 1003, 1005, 1009, 1010]
    assert batch.find_frames(str(tmp_path / "in/plate.%d.exr")) == [123, 1001, 1002, 1003, 1005, 1009, 1010]
    assert main(["batch", pattern, str(tmp_path / "out/o.####.exr"), "--to", "ACEScg"]) == 0
    captured = capsys.readouterr()
    assert "found 6 frames 1001-1003,1005,1009-1010 (missing 1004,1006-1008)" in captured.err
    assert "6 frames: 6 converted" in captured.out
    assert main(["batch", str(tmp_path / "none.####.exr"), str(tmp_path / "o.####.exr"), "--to", "ACEScg"]) == 1
    assert "no files match" in capsys.readouterr().err


def test_python_api_creates_folders_and_says_why_frames_failed(tmp_path):
    pattern = make_sequence(tmp_path / "in", [1, 2])
    tasks, _ = batch.plan_tasks(pattern, str(tmp_path / "a/b/o.####.exr"), [1, 2, 3])
    summary = batch.summarize(batch.run(tasks, Job(dst="ACEScg"), workers=1), 1.0)
    assert summary["ok"] == 2 and summary["failed"] == 1 and (tmp_path / "a/b/o.0002.exr").is_file()
    assert "not found" in summary["errors"]["3"]
    with pytest.raises(ValueError, match="job="):
        batch.plan_tasks(pattern, str(tmp_path / "a/b/o.####.exr"), [1], skip_existing=True)
    tasks, skipped = batch.plan_tasks(pattern, str(tmp_path / "a/b/o.####.exr"), [1, 2], skip_existing=True,
                                      job=Job(dst="ACEScg"))
    assert not tasks and [s["frame"] for s in skipped] == [1, 2]


def test_per_frame_amfs_on_resume(tmp_path):
    """Frames kept by --skip-existing keep their AMF untouched, or get one if they had none."""
    pattern = make_sequence(tmp_path / "in", [1, 2, 3])
    out = str(tmp_path / "out/o.####.exr")
    assert main(["batch", pattern, out, "--frames", "1", "--to", "ACEScg", "--quiet"]) == 0
    assert main(["batch", pattern, out, "--frames", "1-2", "--to", "ACEScg", "--quiet", "--skip-existing",
                 "--amf-per-frame"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.amf")) == ["o.0001.amf", "o.0002.amf"]
    stamp = (tmp_path / "out/o.0001.amf").stat().st_mtime_ns
    assert main(["batch", pattern, out, "--to", "ACEScg", "--quiet", "--skip-existing", "--amf-per-frame"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.amf")) == ["o.0001.amf", "o.0002.amf", "o.0003.amf"]
    assert (tmp_path / "out/o.0001.amf").stat().st_mtime_ns == stamp



def test_sequence_amf_uses_the_projects_untagged_space_for_skipped_frames(tmp_path, capsys):
    """Untagged input read as the project's Rec.709: the sequence AMF says so whether its frames were
    converted now or kept by --skip-existing (ACES has no Rec.709 input transform ID: the AMF names the
    input in its description, records no inputTransform, and warns)."""
    import xml.etree.ElementTree as ET
    import OpenEXR
    from aceskit import amf
    ns = {"aces": "urn:ampas:aces:amf:v2.0"}
    px = testimage.rgc_validation_image(64, 48).astype(np.float32)
    (tmp_path / "in").mkdir()
    for f in (1, 2):  # no chromaticities, colorInteropID or ACES container flag
        OpenEXR.File({"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage},
                     {"RGB": px}).write(str(tmp_path / f"in/p.{f:04d}.exr"))
    proj = tmp_path / "show.json"
    proj.write_text(json.dumps({"aces_version": "1.3", "rgc": False, "untagged": "Linear Rec.709 (sRGB)"}))
    args = ["batch", str(tmp_path / "in/p.####.exr"), str(tmp_path / "out/o.####.exr"), "--to", "ACEScg",
            "--project", str(proj), "--quiet"]
    for extra, name, done in (([], "first.amf", "2 converted, 0 skipped"),
                              (["--skip-existing"], "resumed.amf", "0 converted, 2 skipped")):
        assert main([*args, *extra, "--amf", str(tmp_path / name)]) == 0
        out, err = capsys.readouterr()
        assert done in out
        assert "'Linear Rec.709 (sRGB)' has no ACES 1.3 transform ID" in err
        root = ET.parse(tmp_path / name).getroot()
        assert root.findtext("aces:amfInfo/aces:description", namespaces=ns) == \
            "o: Linear Rec.709 (sRGB) to ACEScg, no RGC"
        assert root.find(".//aces:inputTransform", ns) is None
        assert not amf.validate(str(tmp_path / name))
