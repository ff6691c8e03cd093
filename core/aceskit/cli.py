"""The ``aceskit`` command line.

Each subcommand lives in its own module in :mod:`aceskit.commands` and exposes
``register(subparsers)``, which adds a parser whose ``func(args) -> int`` runs it.
Errors reach the user as one sentence and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import Optional, Sequence

from . import __version__, commands


class CommandError(Exception):
    """A user-facing failure: its message is printed as is and the command exits with ``code``."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aceskit", formatter_class=_Formatter,
        description="ACES color pipeline tools: conversions, the Reference Gamut Compression, EXR, AMF, batch.",
        epilog="example:\n  aceskit demo demo-output\n  aceskit convert plate.exr out.exr --from ACES2065-1 --to ACEScg --rgc reference")
    parser.add_argument("--version", action="version", version=f"aceskit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def add_command(sub, name: str, help: str, example: str) -> argparse.ArgumentParser:
    """A subcommand parser whose --help ends with an example."""
    return sub.add_parser(name, help=help, description=help, epilog=f"example:\n  {example}",
                          formatter_class=_Formatter)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"aceskit: error: {exc}", file=sys.stderr)
        return exc.code
    except (ValueError, KeyError, FileNotFoundError, PermissionError, IsADirectoryError, TypeError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"aceskit: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("aceskit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a reader that stopped early (e.g. head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
