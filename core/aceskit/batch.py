"""Frame sequences: frame specs, path patterns, and running the per-frame job at scale.

The unit of work is one frame (:func:`aceskit.pipeline.process_frame`).  It runs on a local
process pool (the default, standard library only), on a Dask cluster (``pip install
aceskit[dask]``), or on a render farm through an Open Job Description template whose tasks
call ``aceskit batch`` on chunks of frames.  Outputs are written atomically, so a killed run
leaves only whole frames and ``skip_existing`` resumes it.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Sequence

from . import fileio
from .pipeline import Job, check_paths, process_frame

_TOKEN = re.compile(r"%(0?\d*)d|#+")
_RANGE = re.compile(r"^(-?\d+)(?:-(-?\d+)(?:x(\d+))?)?$")
MAX_FRAMES = 1_000_000
_BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class BatchError(Exception):
    """A sequence cannot be run as asked (bad pattern, missing optional dependency, unreachable cluster)."""


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


def chunks(frames: Sequence[int], size: int) -> List[List[int]]:
    if size < 1:
        raise ValueError(f"--chunk must be at least 1, got {size}")
    return [list(frames[i:i + size]) for i in range(0, len(frames), size)]


@dataclass(frozen=True)
class Task:
    frame: int
    src: str
    dst: str


def plan_tasks(in_pattern: str, out_pattern: str, frames: Sequence[int],
               skip_existing: bool = False) -> tuple[List[Task], List[dict]]:
    """(tasks to run, reports of frames skipped because their output is already complete)."""
    check_pattern(in_pattern, "IN_PATTERN")
    check_pattern(out_pattern, "OUT_PATTERN")
    inputs = {Path(frame_path(in_pattern, f)).resolve() for f in frames}
    tasks, skipped = [], []
    for f in frames:
        src, dst = frame_path(in_pattern, f), frame_path(out_pattern, f)
        check_paths(Path(src), Path(dst))
        if Path(dst).resolve() in inputs:
            raise ValueError(f"the output {dst} is one of the input frames; aceskit never overwrites an input")
        if skip_existing and is_complete(dst):
            skipped.append({"frame": f, "input": src, "output": dst, "status": "skipped",
                            "error": None, "reason": "output exists"})
        else:
            tasks.append(Task(f, src, dst))
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


def run_local(tasks: Sequence[Task], job: Job, workers: Optional[int] = None,
              on_done: Callable[[dict], None] = lambda r: None) -> List[dict]:
    """Run frames on a pool of ``workers`` processes (default: all cores), threads within a frame filling
    the remaining cores."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks) or 1))
    job = _with_threads(job, _threads_per_frame(workers))
    reports = []
    if workers == 1:
        for t in tasks:
            reports.append(process_frame(t.src, t.dst, job, t.frame))
            on_done(reports[-1])
        return reports
    # spawn: no fork of a process that may already run threads (numpy, OpenEXR); the workers' BLAS
    # libraries get one thread each unless the user set it (frames and bands already fill the cores)
    saved = {k: os.environ.get(k) for k in _BLAS_THREADS}
    os.environ.update({k: "1" for k, v in saved.items() if v is None})
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
        with pool:
            pending = {pool.submit(process_frame, t.src, t.dst, job, t.frame): t for t in tasks}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    reports.append(_result(fut, pending.pop(fut)))
                    on_done(reports[-1])
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
    return reports


def _result(fut, task: Task) -> dict:
    """A frame's report; a worker that died (crash, out of memory) fails its frame, not the run."""
    try:
        return fut.result()
    except Exception as exc:
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
    (a LocalCluster of ``workers`` single-threaded workers on this machine)."""
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
            reports = []
            for fut in as_completed(futures):
                reports.append(_result(fut, by_key[fut.key]))
                on_done(reports[-1])
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
    reports = list(reports)
    by = {s: sum(r["status"] == s for r in reports) for s in ("ok", "skipped", "failed")}
    ok = [r for r in reports if r["status"] == "ok"]
    total = {k: sum(r.get(k, 0) for r in ok) for k in ("pixels", "rgc_changed", "nan", "posinf", "neginf",
                                                      "clamped")}
    return {"frames": len(reports), **by, **total, "seconds": round(seconds, 3),
            "frames_per_second": round(len(ok) / seconds, 3) if seconds > 0 else None,
            "failed_frames": [r["frame"] for r in reports if r["status"] == "failed"]}


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
