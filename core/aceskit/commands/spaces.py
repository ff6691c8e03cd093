"""``aceskit spaces``: the color space registry, the names every ``--from``/``--to`` accepts."""

from __future__ import annotations

import json

from ..cli import CommandError, FAILED, add_command


def describe(space) -> dict:
    """One registry entry as JSON data: what a user types and what the space is."""
    from ..colorimetry import PRIMARIES
    gamut = next((k for k, v in PRIMARIES.items() if v == space.primaries), None)
    if gamut is None:
        gamut = "vendor matrix to AP0" if space.to_ap0 is not None else "custom primaries"
    return {"name": space.name, "aliases": list(space.aliases), "family": space.family, "gamut": gamut,
            "encoding": space.transfer.name if space.transfer is not None else "linear",
            "referred": space.referred, "interop_id": space.interop_id}


def matches(entry: dict, pattern: str) -> bool:
    """``pattern`` (case-insensitive) is part of the name, an alias, the family, gamut, encoding or interop ID."""
    p = pattern.casefold()
    fields = [entry["name"], *entry["aliases"], entry["family"], entry["gamut"], entry["encoding"],
              entry["interop_id"] or ""]
    return any(p in f.casefold() for f in fields)


def run(args) -> int:
    from .. import spaces
    entries = [describe(spaces.get(n)) for n in spaces.names()]
    if args.pattern:
        entries = [e for e in entries if matches(e, args.pattern)]
    if args.json:
        print(json.dumps(entries, indent=2))
    else:
        for e in entries:
            print(f"{e['name']}\n  family {e['family']}, {e['referred']}-referred; gamut {e['gamut']}; "
                  f"encoding {e['encoding']}; interop ID {e['interop_id'] or '-'}")
            if e["aliases"]:
                print(f"  aliases: {', '.join(e['aliases'])}")
    if not entries:
        close = spaces.suggestions(args.pattern)
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise CommandError(f"no color space matches {args.pattern!r}{hint}", FAILED)
    return 0


def register(sub) -> None:
    p = add_command(sub, "spaces", "List the color spaces (name, aliases, family, gamut, encoding, interop ID); "
                    "every --from/--to takes any of their names, aliases or interop IDs, in any case.",
                    "aceskit spaces logc")
    p.add_argument("pattern", metavar="PATTERN", nargs="?",
                   help="show only spaces whose name, alias, family, gamut, encoding or interop ID contains it")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)
