"""Make the offline Nuke test tools (parser, interpreter, fake nuke module) importable."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests/hostcheck.py
