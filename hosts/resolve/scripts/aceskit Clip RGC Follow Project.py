"""Workspace > Scripts > aceskit > Clip RGC Follow Project: the selected clips follow the project setting again.

The override is stored in each clip's third-party metadata and shown by a baked RGC DCTL on the
clip's ``aceskit RGC`` node (see aceskit_resolve).  Selection: the Media Pool selection's
timeline clips, else the clip under the playhead.
"""

import json
import os
import sys
from pathlib import Path


def _bootstrap():
    """Put the aceskit paths the installer recorded next to this script on sys.path."""
    cfg = Path(globals().get("__file__", ".")).resolve().with_name("aceskit_resolve.json")
    if cfg.is_file():
        data = json.loads(cfg.read_text(encoding="utf-8"))
        sys.path[:0] = [p for p in data["paths"] if p not in sys.path]
        os.environ.setdefault("ACESKIT_RESOLVE_LUT_ROOT", data["lut_root"])


_bootstrap()
import aceskit_resolve as ar  # noqa: E402


def main(resolve, lut_dir=None) -> int:
    return ar.apply_override(resolve, "follow", lut_dir)


if __name__ == "__main__":
    ar.run(main, globals().get("resolve") or ar.connect())
