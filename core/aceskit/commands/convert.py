"""``aceskit convert``: one EXR from one color space to another, with or without the RGC.

The options shared with ``aceskit batch`` (spaces, RGC, compression, project policy, AMF)
are defined here once: :func:`add_job_options` and :func:`job_from_args`.
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .. import rgc, spaces
from ..cli import CommandError, add_command
from ..pipeline import ENGINES, RGC_MODES, Job, check_paths, process_frame

DWA = ("dwaa", "dwab")


@dataclass(frozen=True)
class Tracking:
    """What the AMF written next to the frames records."""

    input_space: Optional[str]
    working_space: str
    rgc_applied: Optional[bool]  # None: the RGC is not listed
    aces_version: str
    note: Optional[str] = None   # why the RGC that was applied is not listed


def add_job_options(p) -> None:
    p.add_argument("--from", dest="src", metavar="NAME",
                   help="input color space (default: from the EXR metadata; see 'aceskit info')")
    p.add_argument("--to", dest="dst", metavar="NAME", required=True, help="output color space, e.g. ACEScg")
    p.add_argument("--rgc", choices=RGC_MODES, default=None,
                   help="Reference Gamut Compression: off (default), reference (ACES 1.3) or parametric")
    p.add_argument("--limit", nargs=3, type=float, metavar=("C", "M", "Y"), help="parametric RGC limits")
    p.add_argument("--threshold", nargs=3, type=float, metavar=("C", "M", "Y"), help="parametric RGC thresholds")
    p.add_argument("--power", type=float, metavar="P", help="parametric RGC roll-off power")
    p.add_argument("--inverse", action="store_true", help="apply the inverse RGC")
    p.add_argument("--compression", default="dwab:45", metavar="NAME[:LEVEL]",
                   help="output compression, e.g. dwab:45 (default), zip, piz, none")
    p.add_argument("--float", dest="half", action="store_false", help="write 32-bit float instead of half")
    p.add_argument("--engine", choices=ENGINES, default=ENGINES[0],
                   help="pixel engine: native (default: the op chain compiled into one float64 kernel; the "
                        "reference where numba is not installed), numpy (the reference) or ocio (the same op "
                        "chain compiled to OpenColorIO by aceskit's CTF backend, float32)")
    g = p.add_argument_group("project policy (decides whether the RGC is baked and the AMF 'applied' flag)")
    g.add_argument("--project", metavar="FILE", help="aceskit project file (JSON)")
    g.add_argument("--clip", metavar="NAME", help="clip name: its override in the project, and the AMF clip name")
    g.add_argument("--template", metavar="NAME", help="export template, e.g. 'VFX pull (EXR)' or 'Deliverable'")
    g.add_argument("--export-mode", metavar="MODE",
                   help="follow_project, follow_clip (default), force_on or force_off (instead of --template)")


def parse_compression(text: str) -> tuple[str, Optional[float]]:
    from ..exr import COMPRESSIONS
    name, _, level = str(text).lower().partition(":")
    if name not in COMPRESSIONS:
        raise CommandError(f"--compression must be one of {', '.join(COMPRESSIONS)} (dwaa and dwab take "
                           f"a level, as in dwab:45), got {text!r}")
    if level and name not in DWA:
        raise CommandError(f"--compression takes a level only for dwaa and dwab, got {text!r}")
    try:
        value = float(level) if level else (45.0 if name in DWA else None)
    except ValueError:
        raise CommandError(f"--compression level must be a number, as in dwab:45, got {text!r}") from None
    if value is not None and not value > 0:
        raise CommandError(f"--compression level must be positive, got {text!r}")
    return name, value


def _params(args) -> Optional[dict]:
    values = {}
    for key, given in (("limit", args.limit), ("threshold", args.threshold)):
        if given:
            values.update({f"{key}_{k}": v for k, v in zip("cmy", given)})
    if args.power is not None:
        values["power"] = args.power
    if values:
        rgc.RGCParams.from_values(values)  # validates ranges with a one-sentence error
    return values or None


def _policy_bake(args) -> tuple[Optional[bool], Optional[bool], str]:
    """(baked, AMF applied flag, ACES version) from --project, or (None, None, '1.3') without it."""
    if not args.project:
        for opt in ("template", "export_mode"):
            if getattr(args, opt):
                raise CommandError(f"--{opt.replace('_', '-')} needs --project FILE")
        return None, None, "1.3"
    from .. import policy
    if args.template and args.export_mode:
        raise CommandError("give either --template or --export-mode, not both")
    project = policy.Project.load(args.project)
    if args.template:
        if args.template not in policy.TEMPLATES:
            raise CommandError(f"--template must be one of {', '.join(map(repr, policy.TEMPLATES))}, "
                               f"got {args.template!r}")
        mode = policy.TEMPLATES[args.template].value
    else:
        mode = args.export_mode or policy.ExportMode.FOLLOW_CLIP.value
    override = project.clip_override(args.clip) if args.clip else None
    baked = policy.baked(project, override, mode)
    return baked, policy.amf_applied(project, override, mode), project.aces_version


def job_from_args(args) -> tuple[Job, Tracking]:
    """The per-frame job and the AMF tracking the options ask for (one-sentence errors)."""
    for name in (args.src, args.dst):
        if name is not None:
            spaces.get(name)
    params = _params(args)
    baked, applied, aces_version = _policy_bake(args)
    mode = args.rgc
    if params and mode in ("off", "reference"):
        raise CommandError("--limit, --threshold and --power need --rgc parametric")
    if mode is None:
        mode = "parametric" if params else "off"
    if baked is not None:  # the project policy decides whether the RGC is baked
        if args.rgc == "off" and baked:
            raise CommandError("--rgc off contradicts the project policy, which bakes the RGC for this export")
        mode = ("parametric" if mode == "parametric" else "reference") if baked else "off"
    name, level = parse_compression(args.compression)
    job = Job(dst=args.dst, src=args.src, rgc=mode, params=params, inverse=bool(args.inverse),
              compression=name, dwa_level=level, half=args.half, engine=args.engine)
    if args.inverse and mode == "off":
        raise CommandError("--inverse needs --rgc reference or parametric")
    p = job.rgc_params()
    trackable = p is None or p.is_reference
    note = None if trackable else "the parametric RGC cannot be tracked in AMF: the AMF does not list it"
    if baked is not None:
        rgc_applied = applied if trackable else None
    else:
        rgc_applied = True if (mode != "off" and trackable) else None
    if args.inverse:
        note, rgc_applied = "the inverse RGC removes a baked compression: the AMF does not list the RGC", None
    return job, Tracking(args.src, spaces.get(args.dst).name, rgc_applied, aces_version, note)


def write_amf(path: str, clip: str, tracking: Tracking, input_space: Optional[str], sequence=None,
              file=None) -> str:
    """Write and validate the AMF; frame paths in it are relative to the AMF's folder."""
    from .. import amf
    if tracking.note:
        warnings.warn(tracking.note)
    folder = os.path.dirname(os.path.abspath(path))
    if sequence is not None:
        sequence = (os.path.relpath(os.path.abspath(sequence[0]), folder), *sequence[1:])
    if file is not None:
        file = os.path.relpath(os.path.abspath(file), folder)
    doc = amf.for_frames(clip, input_space or tracking.input_space or "ACES2065-1", tracking.working_space,
                         tracking.rgc_applied, aces_version=tracking.aces_version, sequence=sequence, file=file)
    try:
        doc.write(path)
    except OSError as exc:
        raise CommandError(f"cannot write the AMF {path} ({exc.strerror or exc})", code=1) from None
    try:
        errors = amf.validate(path)
    except ImportError:
        warnings.warn(f"{path} was not validated: AMF validation needs xmlschema (pip install xmlschema)")
        return path
    if errors:
        raise CommandError(f"the AMF written to {path} does not validate: {errors[0]}", code=1)
    return path


def _warn(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"aceskit: warning: {message}", file=sys.stderr)


def run(args) -> int:
    warnings.showwarning = _warn
    job, tracking = job_from_args(args)
    if not Path(args.input).is_file():
        raise CommandError(f"IN {args.input} is not a file")
    check_paths(Path(args.input), Path(args.output))
    report = process_frame(args.input, args.output, job)
    for w in report.get("warnings", []):
        print(f"aceskit: warning: {w}", file=sys.stderr)
    if report["status"] != "ok":
        raise CommandError(f"{args.input}: {report['error']}", code=1)
    if args.amf is not None:
        amf_path = args.amf or str(Path(args.output).with_suffix(".amf"))
        write_amf(amf_path, args.clip or Path(args.output).stem, tracking, report["from"],
                  file=args.output)
    nonfinite = report["nan"] + report["posinf"] + report["neginf"]
    print(f"{args.output}: {report['from']} -> {report['to']}, RGC {report['rgc']}"
          f"{' (inverse)' if job.inverse else ''}, {report['rgc_changed']} pixels changed by the RGC, "
          f"{nonfinite} NaN/Inf and {report['clamped']} clamped values, {report['seconds']:.2f} s")
    return 0


def register(sub) -> None:
    p = add_command(sub, "convert", "Convert an EXR between color spaces, optionally with the ACES RGC.",
                    "aceskit convert plate.exr plate_acescg.exr --from ACES2065-1 --to ACEScg --rgc reference "
                    "--amf")
    p.add_argument("input", metavar="IN", help="input EXR")
    p.add_argument("output", metavar="OUT", help="output EXR (never the input)")
    add_job_options(p)
    p.add_argument("--amf", nargs="?", const="", default=None, metavar="PATH",
                   help="write an AMF v2 next to the output (or at PATH) that records what was baked")
    p.set_defaults(func=run)
