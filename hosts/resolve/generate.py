"""Regenerate the DCTLs in hosts/resolve/dctl from the core: ``python hosts/resolve/generate.py [OUT_DIR]``."""

from __future__ import annotations

import sys
from pathlib import Path

DCTL_DIR = Path(__file__).resolve().parent / "dctl"


def main(out_dir: Path = DCTL_DIR) -> int:
    from aceskit.targets import dctl
    files = dctl.generate()
    out_dir = Path(out_dir)
    for rel, text in files.items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
    stale = [p for p in out_dir.rglob("*.dctl") if p.relative_to(out_dir).as_posix() not in files]
    for p in stale:
        p.unlink()
    print(f"{len(files)} DCTLs in {out_dir} ({len(stale)} stale removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DCTL_DIR))
