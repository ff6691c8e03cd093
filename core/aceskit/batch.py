"""Frame sequences: frame specs, path patterns, and running the per-frame job at scale.

The unit of work is one frame (:func:`aceskit.pipeline.process_frame`).  It runs on a local
process pool (the default, standard library only), on a Dask cluster (``pip install
aceskit[dask]``), or on a render farm through an Open Job Description template whose tasks
call ``aceskit batch`` on chunks of frames.  Outputs are written atomically, so a killed run
leaves only whole frames and ``skip_existing`` resumes it.  An interrupted run (SIGINT, or
SIGTERM where the caller maps it to ``KeyboardInterrupt`` as the CLI does) cancels the queued
frames, stops the running ones, removes their temporary files and raises :class:`Interrupted`.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Sequence

from . import fileio
from .pipeline import Job, check_paths, input_settings, process_frame, recorded_settings, same_settings

_TOKEN = re.compile(r"%(0?\d*)d|#+")
_RANGE = re.compile(r"^(-?\d+)(?:-(-?\d+)(?:x(\d+))?)?$")
MAX_FRAMES = 1_000_000
_BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
STOP_SECONDS = 1.0  # how long a stopped worker may take to clean up before it is killed


class BatchError(Exception):
    """A sequence cannot be run as asked (bad pattern, missing optional dependency, unreachable cluster)."""


class Interrupted(KeyboardInterrupt):
    """A run stopped by an interrupt: ``reports`` of the frames that finished, ``pending`` the tasks that did not."""

    def __init__(self, reports: List[dict], pending: Sequence["Task"]):
        super().__init__(f"interrupted with {len(pending)} frames not done")
        self.reports = sorted(reports, key=lambda r: r["frame"])
        self.pending = sorted(pending, key=lambda t: t.frame)


def parse_frames(spec: str) -> List[int]:
    """Frames of a spec such as ``1001-1100``, ``1-10x2`` or ``1,3,5-7``, in order, without repeats."""
    frames: dict[int, None] = {}
    for item in str(spec).replace(" ", "").split(","):
        m = _RANGE.match(item)
        if not m:
            raise ValueError(f"--frames must look like 1001-1100, 1-10x2 or 1,3,5-7, got {spec!r}")
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) is not None else first
        step = int(m.group(3) or 1)
        if last < first or step < 1:
            raise ValueError(f"--frames range {item!r} must go from low to high with a step of at least 1")
        if (last - first) // step + len(frames) >= MAX_FRAMES:
            raise ValueError(f"--frames {spec!r} has more than {MAX_FRAMES} frames")
        frames.update(dict.fromkeys(range(first, last + 1, step)))
    return list(frames)


def format_frames(frames: Sequence[int]) -> str:
    """The shortest spec of comma-separated ``a-b`` runs (the inverse of :func:`parse_frames` for step 1)."""
    parts, i = [], 0
    while i < len(frames):
        j = i
        while j + 1 < len(frames) and frames[j + 1] == frames[j] + 1:
            j += 1
        parts.append(str(frames[i]) if i == j else f"{frames[i]}-{frames[j]}")
        i = j + 1
    return ",".join(parts)


def check_pattern(pattern: str, name: str) -> None:
    if len(_TOKEN.findall(str(pattern))) != 1:
        raise ValueError(f"{name} must contain exactly one frame number token (%04d or ####), got {pattern!r}")


def frame_path(pattern: str, frame: int) -> str:
    """``shot.####.exr`` or ``shot.%04d.exr`` with the frame number filled in (zero padded, sign first)."""
    def fill(m: re.Match) -> str:
        width = len(m.group(0)) if m.group(0).startswith("#") else int(m.group(1) or 0)
        return f"{frame:0{width}d}"
    return _TOKEN.sub(fill, str(pattern), count=1)


def hash_pattern(pattern: str) -> str:
    """The pattern with its token written as ``#`` characters (AMF and oiiotool style)."""
    m = _TOKEN.search(pattern)
    if not m or m.group(0).startswith("#"):
        return pattern
    width = max(1, int(m.group(1) or 1))
    return pattern[:m.start()] + "#" * width + pattern[m.end():]


def find_frames(pattern: str, name: str = "IN_PATTERN") -> List[int]:
    """The frames whose files exist for ``pattern`` (the frame token must be in the file name), sorted."""
    check_pattern(pattern, name)
    folder, base = os.path.split(str(pattern))
    m = _TOKEN.search(base)
    if not m:
        raise ValueError(f"{name} must have its frame number token in the file name, got {pattern!r}")
    rx = re.compile(re.escape(base[:m.start()]) + r"(-?\d+)" + re.escape(base[m.end():]) + r"\Z")
    try:
        entries = os.listdir(folder or ".")
    except OSError as exc:
        raise FileNotFoundError(f"{name} {pattern}: cannot list {folder or '.'} ({exc.strerror or exc})") from None
    found = {int(k.group(1)) for k in map(rx.match, entries) if k}
    return sorted(f for f in found if frame_path(base, f) in entries)


def describe_frames(frames: Sequence[int]) -> str:
    """``40 frames 1001-1040`` and the gaps between first and last (``missing 1005, 1010-1012``)."""
    frames = sorted(frames)
    text = f"{len(frames)} frame{'s' if len(frames) != 1 else ''} {format_frames(frames)}"
    have = set(frames)
    gaps = [f for f in range(frames[0], frames[-1] + 1) if f not in have] if frames else []
    return text + (f" (missing {format_frames(gaps)})" if gaps else "")


def chunks(frames: Sequence[int], size: int) -> List[List[int]]:
    if size < 1:
        raise ValueError(f"--chunk must be at least 1, got {size}")
    return [list(frames[i:i + size]) for i in range(0, len(frames), size)]


@dataclass(frozen=True)
class Task:
    frame: int
    src: str
    dst: str


def plan_tasks(in_pattern: str, out_pattern: str, frames: Sequence[int], skip_existing: bool = False, *,
               job: Optional[Job] = None, overwrite: bool = False) -> tuple[List[Task], List[dict]]:
    """(tasks to run, reports of frames skipped), decided before any pixel work.

    An output that exists is replaced only with ``overwrite``; with ``skip_existing`` it is kept
    when the settings recorded in it match ``job`` for its input (a frame that does not read as an
    EXR is redone).  Otherwise :class:`aceskit.fileio.OutputError` names the frames.  Outputs that
    are not regular files are always refused.
    """
    check_pattern(in_pattern, "IN_PATTERN")
    check_pattern(out_pattern, "OUT_PATTERN")
    if skip_existing and job is None:
        raise ValueError("skip_existing needs job= to compare the settings recorded in the existing outputs")
    inputs = {Path(frame_path(in_pattern, f)).resolve() for f in frames}
    tasks, skipped, existing, different = [], [], [], []
    for f in frames:
        src, dst = frame_path(in_pattern, f), frame_path(out_pattern, f)
        check_paths(Path(src), Path(dst))
        if Path(dst).resolve() in inputs:
            raise ValueError(f"the output {dst} is one of the input frames; aceskit never overwrites an input")
        fileio.check_target(dst)
        if not os.path.lexists(dst):
            tasks.append(Task(f, src, dst))
            continue
        if skip_existing:
            recorded = recorded_settings(dst)
            if recorded is None and not is_complete(dst):  # a partial or foreign file: redo
                tasks.append(Task(f, src, dst))
                continue
            try:
                wanted = input_settings(src, job)
            except Exception:  # the input is missing or unreadable: the frame's own report will say so
                tasks.append(Task(f, src, dst))
                continue
            if same_settings(recorded, wanted):
                skipped.append({"frame": f, "input": src, "output": dst, "status": "skipped", "error": None,
                                "reason": "output exists with the same settings", "from": recorded["from"],
                                "to": recorded["to"]})
                continue
            different.append(f)
        else:
            existing.append(f)
        if overwrite:
            tasks.append(Task(f, src, dst))
    if different and not overwrite:
        raise fileio.OutputError(
            f"{len(different)} existing output frame{'s' if len(different) > 1 else ''} "
            f"({format_frames(sorted(different))}) of {out_pattern} were not written with these settings; "
            f"pass --overwrite to redo them or choose another output")
    if existing and not overwrite:
        first = frame_path(out_pattern, existing[0])
        raise fileio.OutputError(
            f"the output {first} exists ({len(existing)} of {len(frames)} frames exist: "
            f"{format_frames(sorted(existing))}); pass --overwrite to replace or --skip-existing to resume")
    return tasks, skipped


def is_complete(path: str) -> bool:
    """True when ``path`` is a readable EXR (outputs are renamed into place only when whole)."""
    if not os.path.isfile(path):
        return False
    try:
        import OpenEXR
        OpenEXR.File(str(path), header_only=True)
        return True
    except Exception:
        return False


class Progress:
    """Frames done, frames/s and ETA on stderr: a redrawn bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int, stream=None, enabled: bool = True):
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.t0 = time.perf_counter()

    def update(self, report: dict) -> None:
        self.done += 1
        self.failed += report.get("status") == "failed"
        if not self.enabled:
            return
        elapsed = max(time.perf_counter() - self.t0, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        stats = f"{self.done}/{self.total} frames  {rate:.2f} frames/s  ETA {_clock(eta)}"
        if self.failed:
            stats += f"  {self.failed} failed"
        if self.tty:
            filled = int(30 * self.done / self.total)
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {stats}{end}")
        else:
            note = f"frame {report.get('frame')} {report.get('status')}"
            if report.get("error"):
                note += f" ({report['error']})"
            self.stream.write(f"aceskit: {note}; {stats}\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def _threads_per_frame(workers: int) -> int:
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def _worker_start() -> None:
    """Worker setup: Ctrl-C goes to the whole process group, but only the parent decides; SIGTERM
    (sent by the parent to stop the run) unwinds the frame so its temporary file is removed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)


def _worker_stop(signum, frame):
    raise SystemExit(128 + signum)


def _stop_processes(processes) -> None:
    """SIGTERM, then SIGKILL after :data:`STOP_SECONDS` for any process still alive."""
    for p in processes:
        with contextlib.suppress(Exception):
            p.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in processes:
        if p.is_alive():
            with contextlib.suppress(Exception):
                p.kill()
            p.join(1.0)


@contextlib.contextmanager
def _signals_ignored():
    """Further SIGINT/SIGTERM are ignored while an interrupted run cleans up (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in saved.items():
            signal.signal(s, h)


def _interrupted(reports: List[dict], pending: Sequence[Task], job: Job) -> Interrupted:
    """Remove what the unfinished frames left and describe the run; a frame that was renamed into
    place while the run stopped (its recorded settings are this job's) counts as done."""
    fileio.remove_temporaries(t.dst for t in pending)
    reports, left = list(reports), []
    for t in pending:
        try:
            finished = same_settings(recorded_settings(t.dst), input_settings(t.src, job))
        except Exception:
            finished = False
        if finished:
            reports.append({"frame": t.frame, "input": t.src, "output": t.dst, "status": "ok", "error": None,
                            "warnings": [], "note": "finished while the run stopped"})
        else:
            left.append(t)
    return Interrupted(reports, left)


def run_local(tasks: Sequence[Task], job: Job, workers: Optional[int] = None,
              on_done: Callable[[dict], None] = lambda r: None) -> List[dict]:
    """Run frames on a pool of ``workers`` processes (default: all cores), threads within a frame filling
    the remaining cores.  ``KeyboardInterrupt`` stops the run (see :class:`Interrupted`)."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks) or 1))
    job = _with_threads(job, _threads_per_frame(workers))
    reports: List[dict] = []
    if workers == 1:
        for t in tasks:
            try:
                reports.append(process_frame(t.src, t.dst, job, t.frame))
                on_done(reports[-1])
            except KeyboardInterrupt:
                with _signals_ignored():
                    raise _interrupted(reports, tasks[len(reports):], job) from None
        return reports
    # spawn: no fork of a process that may already run threads (numpy, OpenEXR); the workers' BLAS
    # libraries get one thread each unless the user set it (frames and bands already fill the cores)
    saved = {k: os.environ.get(k) for k in _BLAS_THREADS}
    os.environ.update({k: "1" for k, v in saved.items() if v is None})
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_start)
    pending: dict = {}
    try:
        for t in tasks:
            pending[pool.submit(process_frame, t.src, t.dst, job, t.frame)] = t
        while pending:
            done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in done:
                reports.append(_result(fut, pending.pop(fut)))
                on_done(reports[-1])
        pool.shutdown()
    except KeyboardInterrupt:
        with _signals_ignored():
            pool.shutdown(wait=False, cancel_futures=True)
            _stop_processes([p for p in multiprocessing.active_children() if p not in before])
            raise _interrupted(reports, list(pending.values()), job) from None
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
    return reports


def _result(fut, task: Task) -> dict:
    """A frame's report; a worker that died (crash, out of memory, stopped) fails its frame, not the run."""
    try:
        return fut.result()
    except (Exception, SystemExit) as exc:  # a stopped worker's SystemExit comes back as its frame's result
        return {"frame": task.frame, "input": task.src, "output": task.dst, "status": "failed",
                "error": f"the worker process failed ({type(exc).__name__}: {exc})", "warnings": []}


def _with_threads(job: Job, threads: int) -> Job:
    if job.threads:
        return job
    return Job(**{**job.to_dict(), "threads": threads})


def _dask_frame(src: str, dst: str, job: Job, frame: int) -> dict:
    """A frame on a Dask worker: share the worker machine's cores among its worker threads."""
    if not job.threads:
        try:
            from distributed import get_worker
            job = _with_threads(job, _threads_per_frame(get_worker().state.nthreads))
        except (ImportError, ValueError, AttributeError):
            pass
    return process_frame(src, dst, job, frame)


def run_dask(tasks: Sequence[Task], job: Job, scheduler: str, workers: Optional[int] = None,
             on_done: Callable[[dict], None] = lambda r: None, processes: bool = True,
             timeout: float = 15.0) -> List[dict]:
    """Run frames on a Dask cluster: ``scheduler`` is an address (``tcp://host:8786``) or ``local``
    (a LocalCluster of ``workers`` single-threaded workers on this machine).  ``KeyboardInterrupt``
    cancels the futures (see :class:`Interrupted`)."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise BatchError("--scheduler needs Dask: pip install 'aceskit[dask]'") from None
    cluster = None
    try:
        if scheduler == "local":
            n = max(1, min(workers or os.cpu_count() or 1, len(tasks) or 1))
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=processes,
                                   dashboard_address=None)
            client = Client(cluster)
            job = _with_threads(job, _threads_per_frame(n))
        else:
            try:
                client = Client(scheduler, timeout=timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                raise BatchError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        with client:
            futures = client.map(_dask_frame, [t.src for t in tasks], [t.dst for t in tasks],
                                 [job] * len(tasks), [t.frame for t in tasks], pure=False)
            by_key = {f.key: t for f, t in zip(futures, tasks)}
            reports: List[dict] = []
            try:
                for fut in as_completed(futures):
                    reports.append(_result(fut, by_key[fut.key]))
                    on_done(reports[-1])
            except KeyboardInterrupt:  # queued frames never start; a frame already running finishes whole
                with _signals_ignored():
                    client.cancel(futures)
                    finished = {r["frame"] for r in reports}
                    raise _interrupted(reports, [t for t in tasks if t.frame not in finished], job) from None
            return reports
    finally:
        if cluster is not None:
            cluster.close()


def run(tasks: Sequence[Task], job: Job, *, workers: Optional[int] = None, scheduler: Optional[str] = None,
        on_done: Callable[[dict], None] = lambda r: None) -> List[dict]:
    """Run every task and return the reports ordered by frame."""
    if scheduler:
        reports = run_dask(tasks, job, scheduler, workers, on_done)
    else:
        reports = run_local(tasks, job, workers, on_done)
    return sorted(reports, key=lambda r: r["frame"])


def summarize(reports: Iterable[dict], seconds: float) -> dict:
    """Counts and totals of a run; ``errors`` says why each failed frame failed."""
    reports = list(reports)
    by = {s: sum(r["status"] == s for r in reports) for s in ("ok", "skipped", "failed")}
    ok = [r for r in reports if r["status"] == "ok"]
    failed = [r for r in reports if r["status"] == "failed"]
    total = {k: sum(r.get(k, 0) for r in ok) for k in ("pixels", "rgc_changed", "nan", "posinf", "neginf",
                                                      "clamped")}
    return {"frames": len(reports), **by, **total, "seconds": round(seconds, 3),
            "frames_per_second": round(len(ok) / seconds, 3) if seconds > 0 else None,
            "failed_frames": [r["frame"] for r in failed],
            "errors": {str(r["frame"]): r.get("error") for r in failed}}


def write_json(path: str, data) -> None:
    """Write JSON atomically."""
    fileio.write_text(path, json.dumps(data, indent=2, default=str) + "\n")


# --- Open Job Description -------------------------------------------------------------------------

def openjd_template(name: str, args_before: Sequence[str], args_after: Sequence[str], frames: Sequence[int],
                    chunk: int, final: Optional[Sequence[str]] = None) -> dict:
    """An OpenJD job template (jobtemplate-2023-09): one task per chunk of frames, each running
    ``aceskit <args_before> --frames <chunk> <args_after>``; ``final`` (arguments of one more
    ``aceskit`` call) becomes a step that runs after every chunk is done."""
    specs = [format_frames(c) for c in chunks(list(frames), chunk)]
    step = {
        "name": "Convert",
        "parameterSpace": {"taskParameterDefinitions": [{"name": "Frames", "type": "STRING", "range": specs}]},
        "script": {"actions": {"onRun": {
            "command": "aceskit", "args": [*args_before, "--frames", "{{Task.Param.Frames}}", *args_after]}}},
    }
    steps: list[dict] = [step]
    if final:
        steps.append({"name": "Track", "dependencies": [{"dependsOn": "Convert"}],
                      "script": {"actions": {"onRun": {"command": "aceskit", "args": list(final)}}}})
    return {"specificationVersion": "jobtemplate-2023-09", "name": name, "steps": steps}


def write_template(path: str, template: dict) -> None:
    """Write a job template as YAML when PyYAML is present, else as JSON (which YAML 1.2 reads too)."""
    try:
        import yaml
        text = yaml.safe_dump(template, sort_keys=False, width=1000)
    except ImportError:
        text = json.dumps(template, indent=2) + "\n"
    fileio.write_text(path, text)
