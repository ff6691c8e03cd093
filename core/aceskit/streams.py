"""Keep what a C library prints off our streams: capture it, then say it in our own one-line error.

The OpenEXR library prints some diagnostics itself, on the process's file descriptors, through
C stdio or through Python's ``sys.stdout``.  :func:`captured` sends all of these to a temporary
file for the duration of a call and hands back the lines; :func:`one_line` folds them and the
exception into one sentence without the paths a user must not see twice (or at all).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import tempfile
import threading

_LOCK = threading.RLock()  # the descriptors are per process: one capture at a time


def _flush_c_stdio() -> None:
    with contextlib.suppress(Exception):  # no C library to flush (e.g. some embedded Pythons)
        ctypes.CDLL(None).fflush(None)


@contextlib.contextmanager
def captured(messages: list):
    """Send descriptors 1 and 2, ``sys.stdout``/``sys.stderr`` and C stdio to a temporary file meanwhile;
    its non-empty lines are appended to ``messages``."""
    with _LOCK, tempfile.TemporaryFile() as tmp:
        streams = (sys.stdout, sys.stderr)
        for stream in streams:
            with contextlib.suppress(Exception):
                stream.flush()
        _flush_c_stdio()
        saved = [os.dup(1), os.dup(2)]
        text = open(os.dup(tmp.fileno()), "w", encoding="utf-8", errors="replace")
        try:
            os.dup2(tmp.fileno(), 1)
            os.dup2(tmp.fileno(), 2)
            sys.stdout = sys.stderr = text
            yield
        finally:
            text.flush()
            _flush_c_stdio()
            sys.stdout, sys.stderr = streams
            text.close()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            tmp.seek(0)
            messages += [" ".join(ln.split()) for ln in tmp.read().decode("utf-8", "replace").splitlines()
                         if ln.strip()]


def one_line(exc: BaseException, messages: list, *hide: str) -> str:
    """The first captured lines and the exception as one line; each path in ``hide`` left out."""
    said: list = []
    for text in [*messages[:2], " ".join(str(exc).split())]:
        for h in hide:
            text = text.replace(f"{h}: ", "").replace(h, "the file")
        text = text.strip(" :;,")
        if text and text not in said:
            said.append(text)
    return "; ".join(said) or type(exc).__name__
