"""``aceskit amf show|validate``: what an ACES Metadata File records, and whether it is a valid AMF v2.0."""

from __future__ import annotations

import json
import os
import sys
import warnings

from ..cli import add_command, reading


def _warnings(caught) -> None:
    for w in caught:
        print(f"aceskit: warning: {' '.join(str(w.message).split())}", file=sys.stderr)


def show(args) -> int:
    from .. import amf
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with reading():  # an unreadable, damaged or hostile file is a failure (exit 1), not a usage error
            doc = amf.read(args.file)
        text = doc.summary()
    print(f"{args.file}\n{text}")
    _warnings(caught)
    return 0


def validate(args) -> int:
    from .. import amf
    if not os.path.isfile(args.file):
        raise FileNotFoundError(f"FILE {args.file} does not exist or is not a file")
    report = amf.check(args.file)
    n_err = len(report.errors) + report.more_errors
    n_warn = len(report.findings) + report.more - n_err
    plus = "" if report.more_exact else "+"
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for f in report.findings:
            print(f"{args.file}: {f}", file=sys.stderr)
        if report.more:
            at_least = "" if report.more_exact else "at least "
            print(f"{args.file}: stopped after {len(report.findings)} findings; {at_least}{report.more} more not "
                  f"shown ({at_least}{report.more_errors} of them errors)", file=sys.stderr)
        counts = ", ".join(f"{n}{p} {word}{'s' if n != 1 else ''}"
                           for n, p, word in ((n_err, plus, "error"), (n_warn, "", "warning")) if n)
        state = "valid AMF v2.0" if report.ok else "invalid AMF"
        print(f"{args.file}: {state}" + (f" ({counts})" if counts else ""))
    if report.note:
        print(f"aceskit: warning: {report.note}", file=sys.stderr)
    return 0 if report.ok else 1


def register(sub) -> None:
    p = add_command(sub, "amf", "Show an ACES Metadata File or validate it (official AMF v2.0 schema and the rules "
                                "beyond it).", "aceskit amf validate shot.amf")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    a = add_command(actions, "show", "print the clip, ACES version, transforms with their applied flags, the RGC "
                                     "and archived pipelines", "aceskit amf show shot.amf")
    a.add_argument("file", metavar="FILE", help="an AMF file (v1.0 or v2.0)")
    a.set_defaults(func=show)
    a = add_command(actions, "validate", "check against the AMF v2.0 XSD and the rules in docs/amf.md; each "
                                         "finding has a severity and a rule name; exit 1 on errors, 0 otherwise",
                    "aceskit amf validate --json shot.amf")
    a.add_argument("file", metavar="FILE", help="an AMF file")
    a.add_argument("--json", action="store_true", help="print the report as JSON (for tools)")
    a.set_defaults(func=validate)
