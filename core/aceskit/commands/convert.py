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

from .. import fileio, rgc, spaces
from ..cli import FAILED, CommandError, add_command
from ..pipeline import ENGINES, RGC_MODES, Job, check_paths, process_frame

DWA = ("dwaa", "dwab")
#: Output compression of the export templates that fix one: the HDR generator's delivery is half DWAB-45.
TEMPLATE_COMPRESSION = {"Deliverable": "dwab:45"}


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
    to = p.add_mutually_exclusive_group(required=True)
    to.add_argument("--to", dest="dst", metavar="NAME", help="output color space, e.g. ACEScg")
    to.add_argument("--to-chromaticities", metavar="RX,RY,GX,GY,BX,BY,WX,WY",
                    help="output linear RGB given by its EXR chromaticities (a registered space where they match)")
    p.add_argument("--rgc", choices=RGC_MODES, default=None,
                   help="Reference Gamut Compression: off (default), reference (ACES 1.3) or parametric")
    p.add_argument("--limit", nargs=3, type=float, metavar=("C", "M", "Y"), help="parametric RGC limits")
    p.add_argument("--threshold", nargs=3, type=float, metavar=("C", "M", "Y"), help="parametric RGC thresholds")
    p.add_argument("--power", type=float, metavar="P", help="parametric RGC roll-off power")
    p.add_argument("--inverse", action="store_true", help="apply the inverse RGC")
    p.add_argument("--compression", metavar="NAME[:LEVEL]",
                   help="output compression, e.g. dwab:45, zip, piz, none (default: the input's, with its DWA "
                        "level; dwab:45 with --template Deliverable)")
    p.add_argument("--float", dest="half", action="store_false", help="write 32-bit float instead of half")
    p.add_argument("--engine", choices=ENGINES, default=ENGINES[0],
                   help="pixel engine: native (default: the op chain compiled into one float64 kernel; the "
                        "reference where numba is not installed), numpy (the reference) or ocio (the same op "
                        "chain compiled to OpenColorIO by aceskit's CTF backend, float32)")
    p.add_argument("--overwrite", action="store_true", help="replace output files that exist")
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


def _policy_bake(args) -> tuple[Optional[bool], Optional[bool], str, str]:
    """(baked, AMF applied flag, ACES version, untagged space) from --project, or defaults without it."""
    from .. import policy
    if not args.project:
        for opt in ("template", "export_mode"):
            if getattr(args, opt):
                raise CommandError(f"--{opt.replace('_', '-')} needs --project FILE")
        return None, None, "1.3", policy.UNTAGGED_CHOICES[0]
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
    return baked, policy.amf_applied(project, override, mode), project.aces_version, project.untagged


def job_from_args(args) -> tuple[Job, Tracking]:
    """The per-frame job and the AMF tracking the options ask for (one-sentence errors)."""
    from .. import chromaticities
    for name in (args.src, args.dst):
        if name is not None:
            spaces.get(name)
    try:
        dst = args.dst or chromaticities.parse(args.to_chromaticities).name
    except ValueError as exc:
        raise CommandError(f"--to-chromaticities: {exc}") from None
    if dst not in spaces.names() and (getattr(args, "amf", None) is not None or getattr(args, "amf_per_frame", False)):
        raise CommandError("an AMF can record only a registered output space; --to-chromaticities "
                           f"{args.to_chromaticities} matches none (use --to NAME, or drop --amf)")
    params = _params(args)
    baked, applied, aces_version, untagged = _policy_bake(args)
    mode = args.rgc
    if params and mode in ("off", "reference"):
        raise CommandError("--limit, --threshold and --power need --rgc parametric")
    if mode is None:
        mode = "parametric" if params else "off"
    if baked is not None:  # the project policy decides whether the RGC is baked
        if args.rgc == "off" and baked:
            raise CommandError("--rgc off contradicts the project policy, which bakes the RGC for this export")
        mode = ("parametric" if mode == "parametric" else "reference") if baked else "off"
    compression = args.compression or TEMPLATE_COMPRESSION.get(args.template)
    name, level = parse_compression(compression) if compression else (None, None)
    job = Job(dst=dst, src=args.src, rgc=mode, params=params, inverse=bool(args.inverse),
              compression=name, dwa_level=level, half=args.half, engine=args.engine,
              untagged=untagged)
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
    return job, Tracking(args.src, dst, rgc_applied, aces_version, note)


def check_amf_path(path: str, overwrite: bool, image: Optional[str] = None) -> None:
    """Check an AMF output before any work (extension, not a folder or device, exists, not ``image``)."""
    fileio.prepare_output(path, overwrite=overwrite, suffixes=(".amf",), what="the AMF")
    if image is not None and os.path.abspath(path) == os.path.abspath(image):
        raise CommandError(f"the AMF {path} and the image output are the same path")


def write_amf(path: str, clip: str, tracking: Tracking, input_space: Optional[str], sequence=None,
              file=None) -> str:
    """Write and validate the AMF; frame paths in it are relative to the AMF's folder."""
    from .. import amf
    if input_space and input_space not in spaces.names():
        raise CommandError(f"cannot write the AMF {path}: the input is in {input_space}, which an AMF cannot "
                           f"record (give --from NAME)", code=1)
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
        raise CommandError(f"cannot write the AMF {path} ({exc.strerror or exc})", FAILED) from None
    try:
        errors = amf.validate(path)
    except ImportError:
        warnings.warn(f"{path} was not validated: AMF validation needs xmlschema (pip install xmlschema)")
        return path
    if errors:
        raise CommandError(f"the AMF written to {path} does not validate: {errors[0]}", FAILED)
    return path


def _warn(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"aceskit: warning: {message}", file=sys.stderr)


def run(args) -> int:
    warnings.showwarning = _warn
    job, tracking = job_from_args(args)
    if not Path(args.input).is_file():
        raise CommandError(f"IN {args.input} is not a file", FAILED)
    check_paths(Path(args.input), Path(args.output))
    fileio.prepare_output(args.output, overwrite=args.overwrite, suffixes=(".exr",), what="OUT")
    amf_path = None
    if args.amf is not None:
        amf_path = args.amf or str(Path(args.output).with_suffix(".amf"))
        check_amf_path(amf_path, args.overwrite, args.output)
    report = process_frame(args.input, args.output, job)
    for w in report.get("warnings", []):
        print(f"aceskit: warning: {w}", file=sys.stderr)
    if report["status"] != "ok":
        error = report["error"]  # names a path already when it comes from reading or writing a file
        raise CommandError(error if args.input in error or args.output in error else f"{args.input}: {error}",
                           FAILED)
    if amf_path is not None:
        write_amf(amf_path, args.clip or Path(args.output).stem, tracking, report["from"], file=args.output)
    nonfinite = report["nan"] + report["posinf"] + report["neginf"]
    print(f"{args.output}: {report['from']} -> {report['to']}, RGC {report['rgc']}, {report['compression']}"
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
