"""Interrupting a batch: real SIGINT/SIGTERM on a real run, and the Python API's KeyboardInterrupt."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from aceskit import batch, exr
from aceskit.pipeline import Job
from test_batch import make_sequence

ACESKIT = str(Path(sys.executable).with_name("aceskit"))
FRAMES = 30
#: The issue's bound is 2 s; the margin covers a loaded 2-core CI machine.
STOP_BOUND = 2.0 + 1.5


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    return make_sequence(tmp_path_factory.mktemp("seq"), range(1, FRAMES + 1), w=640, h=360)


def frames_in(folder):
    return sorted(folder.glob("o.*.exr"))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_batch_quickly_and_resume_finishes_it(tmp_path, sequence, sig):
    out = tmp_path / "out"
    args = [ACESKIT, "batch", sequence, str(out / "o.####.exr"), "--to", "ACEScg", "--rgc", "reference",
            "--workers", "2", "--compression", "zip"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(frames_in(out)) < 2 and proc.poll() is None:
        time.sleep(0.01)
    assert proc.poll() is None, "the batch finished before it could be interrupted"
    sent = time.monotonic()
    os.killpg(proc.pid, sig)  # as a terminal's Ctrl-C or a job scheduler does: the whole process group
    try:
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    took = time.monotonic() - sent
    assert proc.returncode == 130, stderr
    assert took < STOP_BOUND, f"the batch took {took:.2f} s to stop"
    written = frames_in(out)
    assert 2 <= len(written) < FRAMES
    assert "Traceback" not in stderr
    line = [ln for ln in stderr.splitlines() if "interrupted:" in ln]
    assert len(line) == 1 and f"{len(written)} frames done" in line[0]
    assert f"{FRAMES - len(written)} not done" in line[0] and "--skip-existing" in line[0]
    assert sorted(os.listdir(out)) == sorted(p.name for p in written), "temporary files were left behind"
    for p in written:  # every frame that is there is whole
        img = exr.read(p)
        assert img.rgb.shape == (360, 640, 3) and np.isfinite(img.rgb).all()
    time.sleep(0.5)  # nothing keeps writing after the exit
    assert frames_in(out) == written
    done = subprocess.run([*args, "--skip-existing", "--quiet"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"{FRAMES} frames: {FRAMES - len(written)} converted, {len(written)} skipped" in done.stdout
    assert len(frames_in(out)) == FRAMES


def _stop_after(n):
    seen = []

    def on_done(report):
        seen.append(report)
        if len(seen) == n:
            raise KeyboardInterrupt
    return on_done


@pytest.mark.parametrize("workers", [1, 2])
def test_python_api_raises_interrupted_with_what_is_done(tmp_path, workers):
    pattern = make_sequence(tmp_path / "in", range(1, 9), w=320, h=180)
    tasks, _ = batch.plan_tasks(pattern, str(tmp_path / "out/o.####.exr"), list(range(1, 9)))
    (tmp_path / "out").mkdir()
    (tmp_path / "out/.o.0008.exr.k2j4h5g6.tmp.exr").write_bytes(b"left by a killed writer")  # frame 8 is queued
    with pytest.raises(batch.Interrupted) as caught:
        batch.run_local(tasks, Job(dst="ACEScg", rgc="reference"), workers=workers, on_done=_stop_after(2))
    stopped = caught.value
    done = {r["frame"] for r in stopped.reports}
    assert len(done) >= 2 and {t.frame for t in stopped.pending}.isdisjoint(done)
    assert len(done) + len(stopped.pending) == 8 and stopped.pending  # the queued frames never ran
    time.sleep(0.5)  # nothing is still writing
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [f"o.{f:04d}.exr" for f in sorted(done)]  # done frames are there, no temporaries


def test_dask_interrupt_cancels_the_futures(tmp_path, monkeypatch):
    import distributed
    cancelled = []
    cancel = distributed.Client.cancel

    def spy(self, futures, *args, **kwargs):
        cancelled.extend(futures)
        return cancel(self, futures, *args, **kwargs)
    monkeypatch.setattr(distributed.Client, "cancel", spy)
    pattern = make_sequence(tmp_path / "in", range(1, 13), w=320, h=180)
    tasks, _ = batch.plan_tasks(pattern, str(tmp_path / "out/o.####.exr"), list(range(1, 13)))
    with pytest.raises(batch.Interrupted) as caught:
        batch.run_dask(tasks, Job(dst="ACEScg"), "local", workers=1, processes=False, on_done=_stop_after(1))
    stopped = caught.value  # a frame running when the interrupt came may finish whole: it counts as done
    assert len(stopped.reports) >= 1 and len(stopped.reports) + len(stopped.pending) == 12 and stopped.pending
    assert len(cancelled) == 12  # every future: the finished one is a no-op, the queued ones never start
    time.sleep(0.5)
    assert len(frames_in(tmp_path / "out")) < 12
