"""Regenerate the DCTLs in hosts/resolve/dctl from the core: ``python hosts/resolve/generate.py [OUT_DIR]``.

What ships comes from the host manifest (aceskit.targets.manifest); files are written atomically
and DCTLs no longer shipped are removed (aceskit.targets.dctl.write).
"""

from __future__ import annotations

import sys
from pathlib import Path

DCTL_DIR = Path(__file__).resolve().parent / "dctl"


def main(out_dir: Path = DCTL_DIR) -> int:
    from aceskit.targets import dctl
    stale = dctl.write(out_dir)
    print(f"{len(list(Path(out_dir).rglob('*.dctl')))} DCTLs in {out_dir} ({len(stale)} stale removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DCTL_DIR))
