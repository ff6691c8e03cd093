"""Shared by the benchmarks: the machine line and replacing one section of docs/performance.md."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from aceskit.fileio import write_text

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
TITLE = "# Performance\n"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numpy
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {numpy.__version__}, "
            f"{platform.system()} {platform.release()}")


def update_section(section: str, text: str) -> Path:
    """Replace (or append) the ``section`` heading and its body in docs/performance.md."""
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else TITLE
    start = doc.find(section + "\n")
    if start < 0:
        doc = doc.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    else:
        end = doc.find("\n## ", start + len(section))
        doc = doc[:start] + text.rstrip("\n") + "\n" + (doc[end:] if end >= 0 else "")
    return write_text(DOC, doc.rstrip("\n") + "\n")


def publish(section: str, text: str, update: bool) -> None:
    """Print a benchmark's section; with ``update``, write it into docs/performance.md too."""
    print(text)
    if update:
        print("updated", update_section(section, text))
