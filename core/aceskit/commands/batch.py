"""``aceskit batch``: convert a frame sequence on all local cores, a Dask cluster or a render farm."""

from __future__ import annotations

import sys
import time
import warnings
from collections import Counter
from pathlib import Path

from .. import batch, fileio
from ..cli import FAILED, INTERRUPTED, PARTIAL, CommandError, add_command
from ..pipeline import input_settings
from .convert import _warn, add_job_options, check_amf_path, job_from_args, write_amf


def _writable(fn, path, *args, **kwargs):
    """Run a file-system write; an OS error becomes one sentence naming the path."""
    try:
        return fn(path, *args, **kwargs)
    except OSError as exc:
        raise CommandError(f"cannot write {path} ({exc.strerror or exc})", FAILED) from None


def _farm_argv(args) -> list[str]:
    """The ``aceskit batch`` arguments (without --frames) a farm task runs: the same job, absolute paths."""
    argv = ["batch", str(Path(args.input).absolute()), str(Path(args.output).absolute())]
    for flag, value in (("--from", args.src), ("--to", args.dst), ("--to-chromaticities", args.to_chromaticities),
                        ("--rgc", args.rgc),
                        ("--power", args.power), ("--compression", args.compression),
                        ("--clip", args.clip), ("--template", args.template), ("--export-mode", args.export_mode),
                        ("--workers", args.workers), ("--engine", args.engine)):
        if value is not None:
            argv += [flag, str(value)]
    for flag, values in (("--limit", args.limit), ("--threshold", args.threshold)):
        if values:
            argv += [flag, *map(str, values)]
    if args.project:
        argv += ["--project", str(Path(args.project).absolute())]
    argv += [flag for flag, on in (("--inverse", args.inverse), ("--float", not args.half),
                                   ("--amf-per-frame", args.amf_per_frame), ("--overwrite", args.overwrite)) if on]
    return argv + ["--skip-existing"]  # a retried task resumes


def emit_openjd(args, frames) -> int:
    argv = _farm_argv(args)
    final = None
    if args.amf:
        final = [*argv, "--frames", batch.format_frames(frames), "--amf", str(Path(args.amf).absolute())]
    name = f"aceskit batch {Path(batch.hash_pattern(args.output)).name}"
    template = batch.openjd_template(name, argv, [], frames, args.chunk, final)
    fileio.prepare_output(args.emit_openjd, overwrite=args.overwrite, suffixes=(".yaml", ".yml", ".json"),
                          what="--emit-openjd")
    _writable(batch.write_template, args.emit_openjd, template)
    n = len(template["steps"][0]["parameterSpace"]["taskParameterDefinitions"][0]["range"])
    print(f"{args.emit_openjd}: Open Job Description template, {len(frames)} frames in {n} tasks")
    return 0


def _sequence_input_space(args, job, frames) -> str | None:
    """The one input space a sequence AMF records; frames in different spaces cannot share one AMF."""
    used: dict[str, list[int]] = {}
    for f in frames:
        try:
            used.setdefault(input_settings(batch.frame_path(args.input, f), job)["from"], []).append(f)
        except Exception:  # a missing or unreadable frame fails on its own
            continue
    if len(used) > 1:
        spaces = "; ".join(f"{name}: frames {batch.format_frames(fs)}" for name, fs in used.items())
        raise CommandError(f"--amf: the input frames are in different color spaces ({spaces}); one AMF cannot "
                           f"describe them: use --amf-per-frame, or --from to state the space", FAILED)
    return next(iter(used), None)


def _check_outputs(args, tasks) -> None:
    """Every output besides the frames (report, AMFs) is checked before any work."""
    if args.report:
        fileio.prepare_output(args.report, overwrite=args.overwrite, suffixes=(".json",), what="--report")
    if args.amf:
        check_amf_path(args.amf, args.overwrite)
    if args.amf_per_frame:  # frames kept by --skip-existing keep their AMF (or get one)
        amfs = [_frame_amf(t.dst) for t in tasks]
        try:
            fileio.prepare_outputs(amfs, overwrite=args.overwrite)
        except fileio.OutputError as exc:
            raise CommandError(f"--amf-per-frame: {exc}", FAILED) from None


def _frame_amf(output: str) -> str:
    return str(Path(output).with_suffix(".amf"))


def _write_amfs(args, tracking, reports, space) -> None:
    """AMFs for the frames that exist (converted now, or kept by --skip-existing)."""
    done = [r for r in reports if r["status"] in ("ok", "skipped")]
    if not done:
        return
    clip = args.clip or Path(batch.hash_pattern(args.output)).name.split("#")[0].rstrip("._") or "clip"
    if args.amf_per_frame:
        for r in done:
            if r["status"] == "ok" or not Path(_frame_amf(r["output"])).exists():
                write_amf(_frame_amf(r["output"]), clip, tracking, r["from"], file=r["output"])
    if args.amf:
        frames = [r["frame"] for r in done]
        write_amf(args.amf, clip, tracking, space, sequence=(batch.hash_pattern(args.output), min(frames), max(frames)))


def _frames(args) -> list[int]:
    """--frames, or the frames whose input files exist (and say what was found)."""
    if args.frames:
        return batch.parse_frames(args.frames)
    frames = batch.find_frames(args.input)
    if not frames:
        raise CommandError(f"no files match IN_PATTERN {args.input}; give --frames or check the pattern", FAILED)
    print(f"aceskit: found {batch.describe_frames(frames)} matching {args.input}", file=sys.stderr)
    return frames


def _interrupted(args, job, stopped: batch.Interrupted, skipped, seconds, progress) -> int:
    if progress.tty and progress.enabled:
        print(file=progress.stream)  # end the progress bar's line
    reports = sorted(stopped.reports + skipped, key=lambda r: r["frame"])
    done = [r["frame"] for r in reports if r["status"] in ("ok", "skipped")]
    not_done = sorted({t.frame for t in stopped.pending} | {r["frame"] for r in reports if r["status"] == "failed"})
    if args.report:
        pending = [{"frame": t.frame, "input": t.src, "output": t.dst, "status": "interrupted", "error": None}
                   for t in stopped.pending]
        frames = sorted(reports + pending, key=lambda r: r["frame"])
        _writable(batch.write_json, args.report, {"job": job.to_dict(), "summary": {
            **batch.summarize(reports, seconds), "interrupted": len(pending)}, "frames": frames})
    print(f"aceskit: interrupted: {len(done)} frames done ({batch.format_frames(done) or 'none'}), "
          f"{len(not_done)} not done ({batch.format_frames(not_done) or 'none'}); "
          f"run again with --skip-existing to resume", file=sys.stderr)
    return INTERRUPTED


def run(args) -> int:
    warnings.showwarning = _warn
    if args.amf and args.amf_per_frame:
        raise CommandError("give either --amf PATH or --amf-per-frame, not both")
    if args.workers is not None and args.workers < 1:
        raise CommandError(f"--workers must be at least 1, got {args.workers}")
    job, tracking = job_from_args(args)
    batch.check_pattern(args.input, "IN_PATTERN")
    batch.check_pattern(args.output, "OUT_PATTERN")
    if not args.output.lower().endswith(".exr"):
        raise CommandError(f"OUT_PATTERN {args.output} must end in .exr")
    frames = _frames(args)
    if args.emit_openjd:
        return emit_openjd(args, frames)
    tasks, skipped = batch.plan_tasks(args.input, args.output, frames, args.skip_existing, job=job,
                                      overwrite=args.overwrite)
    _check_outputs(args, tasks)
    space = _sequence_input_space(args, job, frames) if args.amf else None
    fileio.prepare_outputs([t.dst for t in tasks], overwrite=True)  # checked above; creates the folders
    progress = batch.Progress(len(tasks), enabled=not args.quiet)
    t0 = time.perf_counter()
    try:
        reports = batch.run(tasks, job, workers=args.workers, scheduler=args.scheduler, on_done=progress.update)
    except batch.BatchError as exc:
        raise CommandError(str(exc), FAILED) from None
    except batch.Interrupted as stopped:
        return _interrupted(args, job, stopped, skipped, time.perf_counter() - t0, progress)
    seconds = time.perf_counter() - t0
    reports = sorted(reports + skipped, key=lambda r: r["frame"])
    summary = batch.summarize(reports, seconds)
    if args.report:
        _writable(batch.write_json, args.report, {"job": job.to_dict(), "summary": summary, "frames": reports})
    _write_amfs(args, tracking, reports, space)
    seen = Counter(w for r in reports for w in r.get("warnings", []))
    for w, n in seen.items():
        print(f"aceskit: warning: {w}" + (f" ({n} frames)" if n > 1 else ""), file=sys.stderr)
    line = (f"{summary['frames']} frames: {summary['ok']} converted, {summary['skipped']} skipped, "
            f"{summary['failed']} failed in {summary['seconds']:.1f} s")
    if summary["ok"]:
        line += f" ({summary['frames_per_second']:.2f} frames/s)"
    print(line)
    if summary["failed"]:
        for r in reports:
            if r["status"] == "failed":
                print(f"aceskit: frame {r['frame']} failed: {r['error']}", file=sys.stderr)
        return PARTIAL if summary["ok"] or summary["skipped"] else FAILED
    return 0


def register(sub) -> None:
    p = add_command(sub, "batch", "Convert a frame sequence (local cores, a Dask cluster, or a farm job).",
                    "aceskit batch 'in/shot.####.exr' 'out/shot_acescg.####.exr' --frames 1001-1100 "
                    "--to ACEScg --rgc reference --amf out/shot.amf --report out/report.json")
    p.add_argument("input", metavar="IN_PATTERN", help="input frames, with %%04d or #### for the frame number")
    p.add_argument("output", metavar="OUT_PATTERN", help="output frames, with %%04d or ####")
    p.add_argument("--frames", metavar="SPEC",
                   help="frames: 1001-1100, 1-10x2, 1,3,5-7 (default: every frame whose input file exists)")
    add_job_options(p)
    g = p.add_argument_group("scale and reliability")
    g.add_argument("--workers", type=int, metavar="N", help="parallel frames (default: all cores)")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on Dask: tcp://host:8786, or 'local' for a LocalCluster (pip install 'aceskit[dask]')")
    g.add_argument("--skip-existing", action="store_true",
                   help="keep outputs that exist and were written with the same settings (resume a run)")
    g.add_argument("--emit-openjd", metavar="JOB.yaml", help="write an Open Job Description template and exit")
    g.add_argument("--chunk", type=int, default=10, metavar="N", help="frames per farm task (default 10)")
    g.add_argument("--report", metavar="FILE.json", help="write a per-frame JSON report")
    g.add_argument("--quiet", action="store_true", help="no progress on stderr")
    a = g.add_mutually_exclusive_group()
    a.add_argument("--amf", metavar="PATH", help="write one AMF for the sequence")
    a.add_argument("--amf-per-frame", action="store_true", help="write an AMF next to each output frame")
    p.set_defaults(func=run)
