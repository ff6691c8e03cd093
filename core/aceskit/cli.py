"""The ``aceskit`` command line.

Each subcommand lives in its own module in :mod:`aceskit.commands` and exposes
``register(subparsers)``, which adds a parser whose ``func(args) -> int`` runs it.
Errors reach the user as one sentence and a non-zero exit code, never a traceback.
Every command uses the same exit codes (docs/cli.md): :data:`OK`, :data:`FAILED`, :data:`USAGE`,
:data:`PARTIAL`, :data:`INTERRUPTED`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import signal
import sys
import threading
from typing import Iterator, Optional, Sequence

from . import __version__, commands
from .fileio import OutputError

OK = 0            # the command did what was asked
FAILED = 1        # it ran and failed: unreadable input, output refused or unwritable, a check failed
USAGE = 2         # the command line is wrong: unknown option or value, bad name, contradictory options
PARTIAL = 3       # a batch wrote some frames and some failed
INTERRUPTED = 130  # stopped by SIGINT (Ctrl-C) or SIGTERM


class CommandError(Exception):
    """A user-facing failure: its message is printed as is and the command exits with ``code``."""

    def __init__(self, message: str, code: int = USAGE):
        super().__init__(message)
        self.code = code


def _terminate(signum, frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


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


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """Errors raised while reading an input file are failures (exit 1), not usage errors."""
    try:
        yield
    except (OSError, ValueError) as exc:
        raise CommandError(str(exc), FAILED) from None


def read_exr(path: str, colorspace: Optional[str] = None):
    """:func:`aceskit.exr.read` for a command: a bad ``--from`` name is a usage error, a file that
    cannot be read a failure."""
    from . import exr, spaces
    if colorspace is not None:
        spaces.get(colorspace)
    with reading():
        return exr.read(path, colorspace=colorspace)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    saved = None
    if threading.current_thread() is threading.main_thread():  # SIGTERM stops a command as Ctrl-C does
        saved = signal.signal(signal.SIGTERM, _terminate)
    try:
        return int(args.func(args) or OK)
    except CommandError as exc:
        print(f"aceskit: error: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:  # output piped into a reader that stopped early (e.g. head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (OutputError, OSError) as exc:
        print(f"aceskit: error: {exc}", file=sys.stderr)
        return FAILED
    except (ValueError, KeyError, TypeError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"aceskit: error: {msg}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        print("aceskit: interrupted", file=sys.stderr)
        return INTERRUPTED
    finally:
        if saved is not None:
            signal.signal(signal.SIGTERM, saved)


if __name__ == "__main__":
    sys.exit(main())
