"""``aceskit amf show|validate``: what an ACES Metadata File records, and whether it passes the official XSD."""

from __future__ import annotations

import sys

from ..cli import CommandError, add_command


def show(args) -> int:
    from .. import amf
    doc = amf.read(args.file)
    print(f"{args.file}\n{doc.summary()}")
    return 0


def validate(args) -> int:
    from .. import amf
    try:
        errors = amf.validate(args.file)
    except ImportError:
        raise CommandError("AMF validation needs the xmlschema package: pip install xmlschema") from None
    for e in errors:
        print(f"{args.file}: {e}", file=sys.stderr)
    if errors:
        print(f"{args.file}: invalid AMF v2.0 ({len(errors)} error{'s' if len(errors) > 1 else ''})")
        return 1
    print(f"{args.file}: valid AMF v2.0")
    return 0


def register(sub) -> None:
    p = add_command(sub, "amf", "Show an ACES Metadata File or validate it against the official AMF v2.0 schema.",
                    "aceskit amf validate shot.amf")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    for name, func, text in (("show", show, "print the clip, ACES version and transforms with their applied flags"),
                             ("validate", validate, "check against the AMF v2.0 XSD; exit 1 with the errors")):
        a = add_command(actions, name, text, f"aceskit amf {name} shot.amf")
        a.add_argument("file", metavar="FILE", help="an AMF file")
        a.set_defaults(func=func)
