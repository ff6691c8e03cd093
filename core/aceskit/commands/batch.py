"""``aceskit batch``: convert a frame sequence on all local cores, a Dask cluster or a render farm."""

from __future__ import annotations

import sys
import time
import warnings
from collections import Counter
from pathlib import Path

from .. import batch
from ..cli import CommandError, add_command
from .convert import _warn, add_job_options, job_from_args, write_amf

FAILED_EXIT = 3  # some frames failed; the others were written


def _writable(fn, path, *args, **kwargs):
    """Run a file-system write; an OS error becomes one sentence naming the path."""
    try:
        return fn(path, *args, **kwargs)
    except OSError as exc:
        raise CommandError(f"cannot write {path} ({exc.strerror or exc})", code=1) from None


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
                                   ("--amf-per-frame", args.amf_per_frame)) if on]
    return argv + ["--skip-existing"]  # a retried task resumes


def emit_openjd(args, frames) -> int:
    argv = _farm_argv(args)
    final = None
    if args.amf:
        final = [*argv, "--frames", batch.format_frames(frames), "--amf", str(Path(args.amf).absolute())]
    name = f"aceskit batch {Path(batch.hash_pattern(args.output)).name}"
    template = batch.openjd_template(name, argv, [], frames, args.chunk, final)
    _writable(batch.write_template, args.emit_openjd, template)
    n = len(template["steps"][0]["parameterSpace"]["taskParameterDefinitions"][0]["range"])
    print(f"{args.emit_openjd}: Open Job Description template, {len(frames)} frames in {n} tasks")
    return 0


def _input_space(report: dict, src) -> str | None:
    """The input space of a frame: from its report, from --from, or (frame skipped) from its header."""
    if report.get("from") or src:
        return report.get("from") or src
    from .. import exr
    try:
        import OpenEXR
        header = OpenEXR.File(report["input"], header_only=True).header()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return exr.resolve_colorspace(header)[0]
    except Exception:
        return None


def _amfs(args, tracking, reports) -> None:
    """AMFs for the frames that exist (converted now or skipped as done by an earlier run)."""
    done = [r for r in reports if r["status"] in ("ok", "skipped")]
    if not done:
        return
    clip = args.clip or Path(batch.hash_pattern(args.output)).name.split("#")[0].rstrip("._") or "clip"
    if args.amf_per_frame:
        for r in done:
            write_amf(str(Path(r["output"]).with_suffix(".amf")), clip, tracking, _input_space(r, args.src),
                      file=r["output"])
    if args.amf:
        used = Counter(filter(None, (_input_space(r, args.src) for r in done)))
        if len(used) > 1:
            warnings.warn(f"the frames have different input spaces ({', '.join(used)}); the AMF records "
                          f"{used.most_common(1)[0][0]}")
        frames = [r["frame"] for r in reports]
        write_amf(args.amf, clip, tracking, used.most_common(1)[0][0] if used else None,
                  sequence=(batch.hash_pattern(args.output), min(frames), max(frames)))


def run(args) -> int:
    warnings.showwarning = _warn
    frames = batch.parse_frames(args.frames)
    if args.amf and args.amf_per_frame:
        raise CommandError("give either --amf PATH or --amf-per-frame, not both")
    if args.workers is not None and args.workers < 1:
        raise CommandError(f"--workers must be at least 1, got {args.workers}")
    job, tracking = job_from_args(args)
    batch.check_pattern(args.input, "IN_PATTERN")
    batch.check_pattern(args.output, "OUT_PATTERN")
    if args.emit_openjd:
        return emit_openjd(args, frames)
    tasks, skipped = batch.plan_tasks(args.input, args.output, frames, args.skip_existing)
    for folder in {Path(t.dst).parent for t in tasks} | ({Path(args.report).parent} if args.report else set()):
        _writable(lambda p: p.mkdir(parents=True, exist_ok=True), folder)
    progress = batch.Progress(len(tasks), enabled=not args.quiet)
    t0 = time.perf_counter()
    try:
        reports = batch.run(tasks, job, workers=args.workers, scheduler=args.scheduler, on_done=progress.update)
    except batch.BatchError as exc:
        raise CommandError(str(exc)) from None
    seconds = time.perf_counter() - t0
    reports = sorted(reports + skipped, key=lambda r: r["frame"])
    summary = batch.summarize(reports, seconds)
    if args.report:
        _writable(batch.write_json, args.report, {"job": job.to_dict(), "summary": summary, "frames": reports})
    _amfs(args, tracking, reports)
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
        return FAILED_EXIT
    return 0


def register(sub) -> None:
    p = add_command(sub, "batch", "Convert a frame sequence (local cores, a Dask cluster, or a farm job).",
                    "aceskit batch 'in/shot.####.exr' 'out/shot_acescg.####.exr' --frames 1001-1100 "
                    "--to ACEScg --rgc reference --amf out/shot.amf --report out/report.json")
    p.add_argument("input", metavar="IN_PATTERN", help="input frames, with %%04d or #### for the frame number")
    p.add_argument("output", metavar="OUT_PATTERN", help="output frames, with %%04d or ####")
    p.add_argument("--frames", required=True, metavar="SPEC", help="frames: 1001-1100, 1-10x2, 1,3,5-7")
    add_job_options(p)
    g = p.add_argument_group("scale and reliability")
    g.add_argument("--workers", type=int, metavar="N", help="parallel frames (default: all cores)")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on Dask: tcp://host:8786, or 'local' for a LocalCluster (pip install 'aceskit[dask]')")
    g.add_argument("--skip-existing", action="store_true", help="keep outputs that exist (resume a run)")
    g.add_argument("--emit-openjd", metavar="JOB.yaml", help="write an Open Job Description template and exit")
    g.add_argument("--chunk", type=int, default=10, metavar="N", help="frames per farm task (default 10)")
    g.add_argument("--report", metavar="FILE.json", help="write a per-frame JSON report")
    g.add_argument("--quiet", action="store_true", help="no progress on stderr")
    a = g.add_mutually_exclusive_group()
    a.add_argument("--amf", metavar="PATH", help="write one AMF for the sequence")
    a.add_argument("--amf-per-frame", action="store_true", help="write an AMF next to each output frame")
    p.set_defaults(func=run)
